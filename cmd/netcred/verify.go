package main

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/verifier"
)

const verifySynopsis = `verify --keys JWKS_FILE [--min-level L] [--type T] [--at RFC3339] [--json] INPUT

Verifies a credential offline. INPUT is QR text, a file holding it, - for
standard input, or a PNG/JPEG image of the QR code.

Exit codes: 0 valid, 1 not valid (the reason code is printed), 2 usage or
configuration error, 3 undetermined.

Example:
  netcred verify --keys trusted.jwks --min-level substantial alice.png`

func runVerify(args []string, e *env) int {
	fs := newFlags(e, "verify", verifySynopsis)
	keysFile := fs.String("keys", "", "JWK set (or single JWK) of trusted issuer keys (required)")
	minLevel := fs.String("min-level", "", "lowest assurance level accepted: low, substantial or high")
	types := fs.String("type", "", "accepted credential types, comma-separated (default: any)")
	atText := fs.String("at", "", "verify as of this time (RFC 3339) instead of now")
	skew := time.Duration(0)
	fs.Var(durationFlag{&skew}, "clock-skew", "allowed clock difference (default 5m)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	schemaFiles := fs.String("schemas", "", "comma-separated operator-defined schema files to load")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) != 1 {
		errorf(e, "verify needs exactly one INPUT (QR text, a file, - or an image)")
		return exitUsage
	}
	if *keysFile == "" {
		errorf(e, "verify needs --keys JWKS_FILE")
		hint(e, "make one with: netcred keys set issuer.pub.jwk > trusted.jwks")
		return exitUsage
	}
	keyData, err := os.ReadFile(*keysFile)
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	set, err := keys.ParseSet(keyData)
	if err != nil {
		errorf(e, "%s: %v", *keysFile, err)
		return exitUsage
	}
	policy := verifier.Policy{ClockSkew: skew}
	if *minLevel != "" {
		if policy.MinLevel, err = credential.ParseLevel(*minLevel); err != nil {
			errorf(e, "%v", err)
			return exitUsage
		}
	}
	if *types != "" {
		policy.Types = splitList(*types)
	}
	if *atText != "" {
		if policy.At, err = time.Parse(time.RFC3339, *atText); err != nil {
			errorf(e, "--at: %v", err)
			return exitUsage
		}
	} else {
		policy.At = e.now()
	}
	registry, err := loadRegistry(*schemaFiles)
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	v, err := verifier.New(verifier.Config{Keys: set, Schemas: registry, Policy: policy})
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	data, source, err := loadInput(e, rest[0])
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	var res verifier.Result
	if len(data) > 0 && data[0] == 0xd2 {
		res = v.VerifyCOSE(data)
	} else {
		res = v.Verify(string(data))
	}
	if *asJSON {
		printJSON(e, res)
	} else {
		printResult(e, res, source)
	}
	return resultExit(res)
}

func resultExit(res verifier.Result) int {
	if res.Valid {
		return exitOK
	}
	return exitInvalid
}

// printResult writes the verdict for people: the verdict line first, then
// the claims of a valid credential, then warnings.
func printResult(e *env, res verifier.Result, source string) {
	w := e.stdout
	if !res.Valid {
		fmt.Fprintf(w, "NOT VALID: %s\n", res.Code)
		if res.Detail != "" {
			fmt.Fprintf(w, "  %s\n", res.Detail)
		}
		if res.Type != "" {
			fmt.Fprintf(w, "  type %s, level %s\n", res.Type, res.Level)
		}
		for _, warning := range res.Warnings {
			fmt.Fprintf(w, "  warning: %s\n", warning)
		}
		return
	}
	fmt.Fprintf(w, "VALID: %s credential, level %s\n", res.Type, res.Level)
	names := make([]string, 0, len(res.Claims))
	for k := range res.Claims {
		names = append(names, k)
	}
	sort.Strings(names)
	if res.Schema != nil {
		names = schemaOrder(res, names)
	}
	for _, k := range names {
		fmt.Fprintf(w, "  %-16s %v\n", k, res.Claims[k])
	}
	issuer := res.Issuer
	if issuer == "" {
		issuer = "key " + res.KID
	}
	fmt.Fprintf(w, "  %-16s %s\n", "issued by", issuer)
	if res.ExpiresAt != nil {
		fmt.Fprintf(w, "  %-16s %s\n", "expires", res.ExpiresAt.UTC().Format(time.RFC3339))
	}
	for _, warning := range res.Warnings {
		fmt.Fprintf(w, "  warning: %s\n", warning)
	}
	_ = source
}

// schemaOrder lists claim names in the schema's order.
func schemaOrder(res verifier.Result, fallback []string) []string {
	var out []string
	for _, c := range res.Schema.Claims {
		if _, ok := res.Claims[c.Name]; ok {
			out = append(out, c.Name)
		}
	}
	if len(out) != len(fallback) {
		return fallback
	}
	return out
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

var _ = errors.Is
