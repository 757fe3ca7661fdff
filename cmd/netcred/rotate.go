package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/atomicfile"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/keys/keyfile"
)

func runKeysRotate(args []string, e *env) int {
	fs := newFlags(e, "keys rotate", "keys rotate --key FILE [--issuer-config CONFIG] [--alg ed25519|es256] [--passphrase-file F]")
	keyFile := fs.String("key", "", "the issuer's current private key file (required)")
	passFile := fs.String("passphrase-file", "", "passphrase of the key file (the new key is encrypted with it too)")
	configFile := fs.String("issuer-config", "", "issuer config to update for the next bundle")
	algName := fs.String("alg", "", "algorithm of the new key (default: the old key's)")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 || *keyFile == "" {
		errorf(e, "keys rotate needs --key FILE")
		return exitUsage
	}
	old, code := loadPrivate(e, *keyFile, *passFile)
	if old == nil {
		return code
	}
	alg := old.Algorithm()
	if *algName != "" {
		var err error
		if alg, err = credential.ParseAlgorithm(*algName); err != nil {
			errorf(e, "%v", err)
			return exitUsage
		}
	}
	passphrase, err := readPassphrase(*passFile)
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	now := e.now().UTC().Truncate(time.Second)
	// Prepare the config first: if that fails, nothing changed on disk.
	var cfg *issuerConfig
	var next *keys.PrivateKey
	var pubFile string
	var pubJWK []byte
	if next, err = keys.Generate(alg); err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	if *configFile != "" {
		if err := checkFile(*configFile, maxSmallFile); err != nil {
			errorf(e, "%v", err)
			fileHint(e, err)
			return exitUsage
		}
		if cfg, err = readIssuerConfig(*configFile); err != nil {
			errorf(e, "%v", err)
			return exitUsage
		}
		if pubFile, pubJWK, err = rotateInConfig(e, cfg, filepath.Dir(*configFile), old.Public(), next.Public(), now); err != nil {
			errorf(e, "%s: %v", *configFile, err)
			return exitUsage
		}
	}
	retired := fmt.Sprintf("%s.%s.retired", *keyFile, old.Public().KIDString())
	newFile := *keyFile + ".new"
	os.Remove(newFile)
	if err := keyfile.Write(newFile, next, passphrase); err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	if err := os.Rename(*keyFile, retired); err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	if err := os.Rename(newFile, *keyFile); err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	if cfg != nil {
		// The public key file, then the config that names it for the
		// new key and inlines the old one.
		if err := atomicfile.Write(pubFile, pubJWK, 0o644); err != nil {
			errorf(e, "%v", err)
			return exitUsage
		}
		if err := writeIssuerConfig(*configFile, cfg); err != nil {
			errorf(e, "%v", err)
			return exitUsage
		}
	}
	fmt.Fprintf(e.stderr, "%s: %s now holds kid %s; the old kid %s is kept in %s\n", progName, *keyFile, next.Public().KIDString(), old.Public().KIDString(), retired)
	if cfg != nil {
		fmt.Fprintf(e.stderr, "%s: %s: old key retired from issuance at %s (kept inline), new key added; %s holds the new public key\n", progName, *configFile, stamp(now), pubFile)
		hint(e, "next: netcred bundle new --issuer-config %s ..., then republish the status lists with the new key", *configFile)
	} else {
		hint(e, "add the new public key to the bundle and set the old key's not_after, then netcred bundle new")
	}
	return printJSON(e, next.Public())
}

// rotateInConfig finds the entry of the old key, retires it from issuance
// at now and adds the new key with the same rights. The file the old entry
// named (e.g. issuer.pub.jwk) then holds the new public key, so that it is
// always the current one, and the old entry keeps its key inline ("jwk").
// An old entry without a file gets the new key written next to the config
// as <issuer>-<kid>.pub.jwk. It changes cfg only and returns the file the
// new public key goes to, and its content.
func rotateInConfig(e *env, cfg *issuerConfig, dir string, old, next *keys.PublicKey, now time.Time) (string, []byte, error) {
	for i := range cfg.Issuers {
		ic := &cfg.Issuers[i]
		for j := range ic.Keys {
			pub, err := ic.Keys[j].publicKey(e, dir)
			if err != nil || pub.Thumbprint() != old.Thumbprint() {
				continue
			}
			entry := ic.Keys[j]
			// Whole seconds: credentials and lists the old key signed in
			// the rotation's own second stay authorized.
			retireAt := now.Add(time.Second)
			ic.Keys[j].NotAfter = &retireAt
			oldJWK, err := old.MarshalJSON()
			if err != nil {
				return "", nil, err
			}
			jwk, err := next.MarshalJSON()
			if err != nil {
				return "", nil, err
			}
			var pretty bytes.Buffer
			if err := jsonIndent(&pretty, jwk); err != nil {
				return "", nil, err
			}
			name := entry.File
			if name == "" {
				name = fmt.Sprintf("%s-%s.pub.jwk", ic.ID, next.KIDString())
			}
			ic.Keys[j].File, ic.Keys[j].JWK = "", oldJWK
			path := name
			if !filepath.IsAbs(path) {
				path = filepath.Join(dir, path)
			}
			nb := now
			ic.Keys = append(ic.Keys, issuerConfigKey{File: name, MaxLevel: entry.MaxLevel, Types: entry.Types, NotBefore: &nb})
			return path, pretty.Bytes(), nil
		}
	}
	return "", nil, fmt.Errorf("no issuer lists kid %s", old.KIDString())
}
