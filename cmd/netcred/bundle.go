package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/netcred/netcred/bundle"
	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/issuer/store/bolt"
)

const bundleUsage = `Usage:
  netcred bundle new --root ROOT_KEY --out bundle.jws --issuer-config FILE [--serial N] [--valid-for D]
  netcred bundle new --root ROOT_KEY --out bundle.jws --issuer-id ID --issuer-key KEY_FILE
        [--issuer-name NAME] [--max-level L] [--types T,...] [--status-lists URI,...]
        [--status-dir DIR] [--status-prefix URI ...] [--serial N] [--valid-for D]
      sign a trust bundle with the (offline) root key: the issuers, their keys and
      what each key may sign, their status lists, and the schema digests; the
      serial defaults to one above the bundle already at --out. --status-prefix
      authorizes every list under an https URI ending in "/" (spec/bundle.md
      §3.3.1), so that the issuer opens new lists without a new bundle
  netcred bundle show FILE
      print a bundle (its signature is checked against the key it names, which
      proves nothing until a trust store pins that key)

Run netcred bundle COMMAND -h for a command's flags.

Example:
  netcred bundle new --root root.jwk --out bundle.jws --issuer-id id.example.cn \
      --issuer-key issuer.pub.jwk --max-level high --types identity --status-dir issuer-status
`

func runBundle(args []string, e *env) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, bundleUsage)
		return exitUsage
	}
	switch args[0] {
	case "new":
		return runBundleNew(args[1:], e)
	case "show":
		return runBundleShow(args[1:], e)
	case "-h", "--help", "-help", "help":
		fmt.Fprint(e.stdout, bundleUsage)
		return exitOK
	}
	errorf(e, "unknown bundle command %q", args[0])
	hint(e, "netcred bundle -h lists its commands")
	fmt.Fprint(e.stderr, bundleUsage)
	return exitUsage
}

func runBundleNew(args []string, e *env) int {
	fs := newFlags(e, "bundle new", "bundle new --root ROOT_KEY --out bundle.jws (--issuer-config FILE | --issuer-id ID --issuer-key KEY_FILE ...)")
	rootFile := fs.String("root", "", "root private key file (required)")
	passFile := fs.String("passphrase-file", "", "passphrase of an encrypted root key")
	out := fs.String("out", "", "file to write the bundle to (required)")
	configFile := fs.String("issuer-config", "", "JSON file of issuers, keys and authorizations")
	issuerID := fs.String("issuer-id", "", "the one issuer's id (without --issuer-config)")
	issuerName := fs.String("issuer-name", "", "the one issuer's name (default: its id)")
	issuerKey := fs.String("issuer-key", "", "the one issuer's key file (public or private JWK)")
	maxLevel := fs.String("max-level", "high", "highest level the issuer key may sign")
	types := fs.String("types", "identity,ticket", "types the issuer key may sign, comma-separated")
	statusLists := fs.String("status-lists", "", "the issuer's status list URIs, comma-separated")
	statusDir := fs.String("status-dir", "", "take the issuer's status list URIs from this issuer status dir")
	var prefixes listFlag
	fs.Var(&prefixes, "status-prefix", "an https URI ending in \"/\": every status list under it is the issuer's (repeatable, at most 16)")
	serial := fs.Uint64("serial", 0, "bundle serial number (default: one above the bundle at --out, else 1)")
	validFor := 7 * 24 * time.Hour
	fs.Var(durationFlag{d: &validFor}, "valid-for", "time until next_update (default 7d)")
	schemaFiles := fs.String("schemas", "", "operator-defined schema files whose digests to include")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 || *rootFile == "" || *out == "" {
		errorf(e, "bundle new needs --root ROOT_KEY and --out FILE")
		fmt.Fprint(e.stderr, bundleUsage)
		return exitUsage
	}
	if (*configFile == "") == (*issuerID == "") {
		errorf(e, "bundle new needs either --issuer-config FILE or --issuer-id ID with --issuer-key KEY_FILE")
		return exitUsage
	}
	if *configFile != "" && len(prefixes) > 0 {
		errorf(e, "--status-prefix goes with --issuer-id; with --issuer-config, give each issuer's \"status_prefixes\" in the config")
		return exitUsage
	}
	root, code := loadPrivate(e, *rootFile, *passFile)
	if root == nil {
		return code
	}
	var issuers []bundle.Issuer
	if *configFile != "" {
		if err := checkFile(*configFile, maxSmallFile); err != nil {
			errorf(e, "%v", err)
			fileHint(e, err)
			return exitUsage
		}
		cfg, err := readIssuerConfig(*configFile)
		if err != nil {
			errorf(e, "%v", err)
			hint(e, "an issuer config is {\"issuers\": [{\"id\", \"name\", \"status_lists\", \"keys\": [{\"file\", \"max_level\", \"types\"}]}]}; see the README")
			return exitUsage
		}
		if issuers, err = cfg.bundleIssuers(e, filepath.Dir(*configFile)); err != nil {
			errorf(e, "%s: %v", *configFile, err)
			return exitUsage
		}
	} else {
		if *issuerKey == "" {
			errorf(e, "--issuer-id needs --issuer-key KEY_FILE")
			return exitUsage
		}
		pub, code := loadPublic(e, *issuerKey, "")
		if pub == nil {
			return code
		}
		level, err := credential.ParseLevel(*maxLevel)
		if err != nil {
			errorf(e, "%v", err)
			hint(e, levelHint)
			return exitUsage
		}
		lists := splitList(*statusLists)
		if *statusDir != "" {
			more, err := statusDirLists(*statusDir)
			if err != nil {
				errorf(e, "%v", err)
				return exitUsage
			}
			lists = append(lists, more...)
		}
		if lists == nil {
			lists = []string{}
		}
		name := *issuerName
		if name == "" {
			name = *issuerID
		}
		issuers = []bundle.Issuer{{ID: *issuerID, Name: name, StatusLists: lists, StatusPrefixes: prefixes, Keys: []bundle.Key{{
			Key: pub, Authorization: bundle.Authorization{MaxLevel: level, Types: splitList(*types), NotBefore: defaultNotBefore},
		}}}}
	}
	registry, err := loadRegistry(*schemaFiles)
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	for _, iss := range issuers {
		for _, k := range iss.Keys {
			for _, t := range k.Types {
				if _, ok := registry.ByName(t); !ok {
					errorf(e, "issuer %s kid %s: unknown credential type %q (known: %v)", iss.ID, k.Key.KIDString(), t, registry.Names())
					hint(e, "load operator-defined types with --schemas FILE,...")
					return exitUsage
				}
			}
		}
	}
	now := e.now().UTC().Truncate(time.Second)
	b := &bundle.Bundle{Serial: *serial, IssuedAt: now, NextUpdate: now.Add(validFor), Issuers: issuers}
	for _, s := range registry.Schemas() {
		b.Schemas = append(b.Schemas, bundle.Schema{Name: s.Name, ID: s.ID, Version: s.Version, Digest: s.Digest()})
	}
	if b.Serial == 0 {
		b.Serial = 1
		if prev, err := readFile(e, *out, maxInputSize); err == nil {
			if old, _, err := bundle.Inspect(prev); err == nil {
				b.Serial = old.Serial + 1
			} else {
				errorf(e, "%s exists and is not a bundle (%v); refusing to overwrite it", *out, err)
				return exitUsage
			}
		} else if !errors.Is(err, os.ErrNotExist) {
			errorf(e, "%v", err)
			return exitUsage
		}
	}
	jws, err := b.Sign(root)
	if err != nil {
		errorf(e, "%v", err)
		if strings.Contains(err.Error(), "status prefix") {
			hint(e, "a status prefix is an https URI ending in \"/\" with a plain path, such as --status-prefix https://id.example.cn/s/")
		}
		return exitUsage
	}
	if err := os.WriteFile(*out, append(jws, '\n'), 0o644); err != nil {
		errorf(e, "%v", err)
		hint(e, "--out names the file to write: its directory must exist")
		return exitUsage
	}
	nkeys := 0
	for _, iss := range issuers {
		nkeys += len(iss.Keys)
	}
	fmt.Fprintf(e.stdout, "bundle serial %d with %d issuer(s) and %d key(s), next update %s, signed by root %s, written to %s\n",
		b.Serial, len(issuers), nkeys, stamp(b.NextUpdate), root.Public().Thumbprint(), *out)
	for _, iss := range issuers {
		for _, p := range iss.StatusPrefixes {
			fmt.Fprintf(e.stdout, "issuer %s: every status list under %s\n", iss.ID, p)
		}
	}
	return exitOK
}

func runBundleShow(args []string, e *env) int {
	fs := newFlags(e, "bundle show", "bundle show FILE")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) != 1 {
		errorf(e, "bundle show needs one FILE")
		return exitUsage
	}
	data, err := readFile(e, rest[0], maxInputSize)
	if err != nil {
		errorf(e, "%v", err)
		fileHint(e, err)
		return exitUsage
	}
	b, root, err := bundle.Inspect(data)
	if err != nil {
		errorf(e, "%s: %v", rest[0], err)
		return exitInvalid
	}
	doc, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		errorf(e, "%s: cannot show the bundle: %v", rest[0], err)
		return exitInvalid
	}
	fmt.Fprintf(e.stdout, "signed by root %s (a trust store must pin it)\n%s\n", root.Thumbprint(), doc)
	for _, iss := range b.Issuers {
		for _, p := range iss.StatusPrefixes {
			fmt.Fprintf(e.stdout, "issuer %s: every status list under %s (found by sync in the distribution point's status/aggregation.json)\n", iss.ID, p)
		}
	}
	return exitOK
}

// statusDirLists returns the status list URIs of an issuer status dir (see
// bundleLists).
func statusDirLists(dir string) ([]string, error) {
	st, err := bolt.Open(dbPath("", dir), bolt.Options{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	d, err := issuer.Open(st, nil, issuer.Options{})
	if err != nil {
		st.Close()
		return nil, err
	}
	defer d.Close()
	return bundleLists(d)
}

// bundleLists returns the lists of an open status dir plus the next list's
// URI, so that credentials issued after a list fills still verify before
// the next bundle names that list.
func bundleLists(d *issuer.Service) ([]string, error) {
	infos, err := d.Lists()
	if err != nil {
		return nil, err
	}
	var out []string
	last := uint32(0)
	for _, li := range infos {
		out = append(out, li.URI)
		last = max(last, li.Number)
	}
	return append(out, d.ListURI(last+1)), nil
}
