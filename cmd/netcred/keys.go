package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/keys/keyfile"
)

const keysUsage = `Usage:
  netcred keys new [--alg ed25519|es256] --out FILE [--passphrase-file F]
      create a private key (JWK, mode 0600; encrypted with PBES2 when a
      passphrase file is given) and print its public JWK
  netcred keys public FILE [--passphrase-file F]
      print the public JWK of a key file
  netcred keys set FILE...
      print a JWK set (JWKS) of the public keys of the files, for verify --keys
  netcred keys thumbprint FILE
      print the RFC 7638 thumbprint of a key, which a trust store pins
  netcred keys rotate --key FILE [--issuer-config CONFIG] [--alg ed25519|es256]
      a new key takes over issuance: FILE gets the new key, the old one is kept
      as FILE.<kid>.retired; with --issuer-config the old key's not_after is set
      to now (credentials it signed stay valid until they expire unless it is
      withdrawn with revoked_at) and the new key is added with the same rights;
      then sign a new bundle with netcred bundle new

Run netcred keys COMMAND -h for a command's flags.

Example:
  netcred keys new --out issuer.jwk > issuer.pub.jwk
  netcred keys set issuer.pub.jwk > trusted.jwks
`

func runKeys(args []string, e *env) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, keysUsage)
		return exitUsage
	}
	switch args[0] {
	case "new":
		return runKeysNew(args[1:], e)
	case "public":
		return runKeysPublic(args[1:], e)
	case "set":
		return runKeysSet(args[1:], e)
	case "thumbprint":
		return runKeysThumbprint(args[1:], e)
	case "rotate":
		return runKeysRotate(args[1:], e)
	case "-h", "--help", "-help", "help":
		fmt.Fprint(e.stdout, keysUsage)
		return exitOK
	}
	errorf(e, "unknown keys command %q", args[0])
	hint(e, "netcred keys -h lists its commands")
	fmt.Fprint(e.stderr, keysUsage)
	return exitUsage
}

func runKeysNew(args []string, e *env) int {
	fs := newFlags(e, "keys new", "keys new [--alg ed25519|es256] --out FILE [--passphrase-file F]")
	algName := fs.String("alg", "ed25519", "signature algorithm: ed25519 or es256")
	out := fs.String("out", "", "file to write the private key to (required; never overwritten)")
	passFile := fs.String("passphrase-file", "", "encrypt the private key with the passphrase in this file")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		errorf(e, "keys new takes no arguments, got %q", rest)
		return exitUsage
	}
	key, code := writeNewKey(e, "keys new", "netcred keys new --out issuer.jwk", *algName, *out, *passFile)
	if key == nil {
		return code
	}
	return printJSON(e, key.Public())
}

// writeNewKey generates a key of algName and writes it to out (encrypted
// under the passphrase in passFile when given), never overwriting a file:
// what keys new and holder keys new share. example is the hint for a
// missing --out. On failure it has said why and returns the exit code.
func writeNewKey(e *env, cmd, example, algName, out, passFile string) (*keys.PrivateKey, int) {
	if out == "" {
		errorf(e, "%s needs --out FILE", cmd)
		hint(e, "%s", example)
		return nil, exitUsage
	}
	alg, err := credential.ParseAlgorithm(algName)
	if err != nil {
		errorf(e, "%v", err)
		hint(e, "--alg is es256 or ed25519")
		return nil, exitUsage
	}
	passphrase, err := readPassphrase(passFile)
	if err != nil {
		errorf(e, "%v", err)
		fileHint(e, err)
		return nil, exitUsage
	}
	key, err := keys.Generate(alg)
	if err != nil {
		errorf(e, "%v", err)
		return nil, exitUsage
	}
	if err := keyfile.Write(out, key, passphrase); err != nil {
		errorf(e, "%v", err)
		if errors.Is(err, keyfile.ErrExists) {
			hint(e, "choose another --out file; existing keys are never overwritten")
		}
		return nil, exitUsage
	}
	return key, exitOK
}

func runKeysPublic(args []string, e *env) int {
	fs := newFlags(e, "keys public", "keys public FILE [--passphrase-file F]")
	passFile := fs.String("passphrase-file", "", "passphrase of an encrypted key file")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) != 1 {
		errorf(e, "keys public needs exactly one key file")
		return exitUsage
	}
	pub, code := loadPublic(e, rest[0], *passFile)
	if pub == nil {
		return code
	}
	return printJSON(e, pub)
}

func runKeysSet(args []string, e *env) int {
	fs := newFlags(e, "keys set", "keys set FILE...")
	passFile := fs.String("passphrase-file", "", "passphrase of encrypted key files")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) == 0 {
		errorf(e, "keys set needs at least one key file")
		return exitUsage
	}
	var pubs []*keys.PublicKey
	for _, name := range rest {
		pub, code := loadPublic(e, name, *passFile)
		if pub == nil {
			return code
		}
		pubs = append(pubs, pub)
	}
	set, err := keys.NewSet(pubs...)
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	return printJSON(e, set)
}

func runKeysThumbprint(args []string, e *env) int {
	fs := newFlags(e, "keys thumbprint", "keys thumbprint FILE")
	passFile := fs.String("passphrase-file", "", "passphrase of an encrypted key file")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) != 1 {
		errorf(e, "keys thumbprint needs exactly one key file")
		return exitUsage
	}
	pub, code := loadPublic(e, rest[0], *passFile)
	if pub == nil {
		return code
	}
	fmt.Fprintln(e.stdout, pub.Thumbprint())
	return exitOK
}

// loadPublic reads a public JWK, or the public half of a private key file.
func loadPublic(e *env, name, passFile string) (*keys.PublicKey, int) {
	data, err := readText(e, name, maxSmallFile)
	if err != nil {
		errorf(e, "%v", err)
		fileHint(e, err)
		return nil, exitUsage
	}
	if pub, err := keys.ParsePublicJWK(data); err == nil {
		return pub, exitOK
	}
	priv, code := loadPrivate(e, name, passFile)
	if priv == nil {
		return nil, code
	}
	return priv.Public(), exitOK
}

// loadPrivate reads a private key file, printing its warnings.
func loadPrivate(e *env, name, passFile string) (*keys.PrivateKey, int) {
	passphrase, err := readPassphrase(passFile)
	if err != nil {
		errorf(e, "%v", err)
		fileHint(e, err)
		return nil, exitUsage
	}
	key, warnings, err := keyfile.Read(name, passphrase)
	if err != nil {
		errorf(e, "%v", err)
		fileHint(e, err)
		switch {
		case errors.Is(err, keyfile.ErrPassphraseRequired):
			hint(e, "the key is encrypted: add --passphrase-file FILE")
		case errors.Is(err, keys.ErrNotPrivateKey):
			hint(e, "%s is a public key; this needs the private key file (netcred keys new --out FILE writes one)", name)
		}
		return nil, exitUsage
	}
	for _, w := range warnings {
		warnf(e, "%s", strings.TrimPrefix(w, "keyfile: warning: "))
	}
	return key, exitOK
}

func readPassphrase(name string) ([]byte, error) {
	if name == "" {
		return nil, nil
	}
	return keyfile.ReadPassphrase(name)
}
