package main

import (
	"fmt"

	"github.com/netcred/netcred/keys"
)

const holderSynopsis = `holder keys new --out FILE [--alg es256|ed25519] [--passphrase-file F]

Creates the holder's device key: the private JWK goes to --out (mode 0600,
never overwritten; encrypted with PBES2 when a passphrase file is given),
and the public JWK is printed on standard output, for netcred issue
--holder-key (or the holder_key of POST /v1/credentials). A credential
issued to that public key carries it in cnf, and netcred present signs
presentations of the credential with the private key. ES256 (P-256) is the
default: phones' secure elements (Secure Enclave, StrongBox) sign only
P-256.

Example:
  netcred holder keys new --out device.jwk > device.pub.jwk
  netcred issue --key issuer.jwk --type identity --level substantial \
      --claims alice.json --holder-key device.pub.jwk > alice.txt
  netcred present --credential alice.txt --holder-key device.jwk`

func runHolder(args []string, e *env) int {
	if len(args) >= 1 && args[0] == "keys" {
		if len(args) >= 2 && args[1] == "new" {
			return runHolderKeysNew(args[2:], e)
		}
		if len(args) >= 2 && !isHelp(args[1]) {
			errorf(e, "unknown holder keys command %q", args[1])
			hint(e, "netcred holder keys new --out device.jwk")
			return exitUsage
		}
		return runHolderKeysNew(append([]string{"-h"}, args[min(len(args), 2):]...), e)
	}
	if len(args) >= 1 && isHelp(args[0]) {
		return runHolderKeysNew([]string{"-h"}, e)
	}
	if len(args) == 0 {
		errorf(e, "holder needs a command: holder keys new")
	} else {
		errorf(e, "unknown holder command %q", args[0])
	}
	hint(e, "netcred holder keys new --out device.jwk > device.pub.jwk")
	return exitUsage
}

func runHolderKeysNew(args []string, e *env) int {
	fs := newFlags(e, "holder keys new", holderSynopsis)
	algName := fs.String("alg", "es256", "signature algorithm: es256 (P-256, what phones' secure elements sign) or ed25519")
	out := fs.String("out", "", "file to write the private device key to (required; never overwritten)")
	passFile := fs.String("passphrase-file", "", "encrypt the private key with the passphrase in this file")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		errorf(e, "holder keys new takes no arguments, got %q", rest)
		return exitUsage
	}
	key, code := writeNewKey(e, "holder keys new", "netcred holder keys new --out device.jwk > device.pub.jwk", *algName, *out, *passFile)
	if key == nil {
		return code
	}
	fmt.Fprintf(e.stderr, "%s: wrote the %s device key to %s; its public JWK is on standard output (give it to netcred issue --holder-key)\n", progName, key.Algorithm(), *out)
	return printJSON(e, key.Public())
}

// loadHolderKey reads the public JWK of --holder-key for issue: a public
// JWK file, or the public half of a device key file.
func loadHolderKey(e *env, name string) (*keys.PublicKey, int) {
	return loadPublic(e, name, "")
}
