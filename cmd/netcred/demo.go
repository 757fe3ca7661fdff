package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/qrimage"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/verifier"
)

const demoSynopsis = `demo [--dir DIR] [--no-qr]

Runs the whole flow on built-in defaults: creates a temporary issuer key,
issues an identity credential at level substantial, prints it as QR text and
as a QR code in the terminal, writes a PNG of it, reads the PNG back and
verifies it offline, then shows a gate that requires level high refusing it.`

// demoClaims is the sample subject: a valid PRC resident id number whose
// birth date and sex digit agree with the other claims.
var demoClaims = map[string]any{
	"name":        "王小红",
	"id_number":   "11010519491231002X",
	"birth_date":  "1949-12-31",
	"sex":         "F",
	"nationality": "CHN",
}

func runDemo(args []string, e *env) int {
	fs := newFlags(e, "demo", demoSynopsis)
	dir := fs.String("dir", "", "directory for the demo's files (default: a new temporary directory)")
	noQR := fs.Bool("no-qr", false, "do not draw the QR code in the terminal")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		errorf(e, "demo takes no arguments")
		return exitUsage
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "netcred-demo-")
		if err != nil {
			errorf(e, "%v", err)
			return exitUsage
		}
		*dir = d
	} else if err := os.MkdirAll(*dir, 0o755); err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	w := e.stdout
	step := func(format string, args ...any) { fmt.Fprintf(w, "\n== "+format+"\n", args...) }

	step("1. issuer key")
	key, err := keys.Generate(credential.EdDSA)
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	keyFile := filepath.Join(*dir, "issuer.jwk")
	if err := keys.WritePrivateFile(keyFile, key, nil); err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	set, err := keys.NewSet(key.Public())
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	fmt.Fprintf(w, "created an Ed25519 key, kid %s, in %s\n", key.Public().KIDString(), keyFile)

	step("2. issue an identity credential at level substantial (remote face match)")
	is := issuer.New(key, nil)
	is.Now = e.now
	issued, err := is.Issue(issuer.Request{Type: "identity", Level: credential.LevelSubstantial, Claims: demoClaims})
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	fmt.Fprintf(w, "QR text (%d characters, %d COSE bytes):\n%s\n", len(issued.QR), len(issued.COSE), issued.QR)
	if !*noQR {
		fmt.Fprint(w, qrimage.Terminal(issued.QR))
	}
	pngFile := filepath.Join(*dir, "credential.png")
	if err := writePNG(pngFile, issued.QR); err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	fmt.Fprintf(w, "PNG written to %s\n", pngFile)

	step("3. a courier's handheld reads the PNG and verifies offline")
	png, err := os.ReadFile(pngFile)
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	scanned, err := qrimage.Decode(bytes.NewReader(png))
	if err != nil {
		errorf(e, "reading the PNG back: %v", err)
		return exitUsage
	}
	v, err := verifier.New(verifier.Config{Keys: set, Policy: verifier.Policy{At: e.now()}})
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	res := v.Verify(scanned)
	printResult(e, res, pngFile)
	if !res.Valid {
		errorf(e, "the demo credential did not verify: %s", res.Code)
		return exitInvalid
	}

	step("4. a government portal that requires level high refuses it")
	strict, err := verifier.New(verifier.Config{Keys: set, Policy: verifier.Policy{At: e.now(), MinLevel: credential.LevelHigh}})
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	res = strict.Verify(scanned)
	printResult(e, res, pngFile)
	if res.Code != verifier.CodeLevelTooLow {
		errorf(e, "expected %s, got %s", verifier.CodeLevelTooLow, res.Code)
		return exitInvalid
	}
	fmt.Fprintf(w, "\nfiles are in %s; try:\n  go run ./cmd/netcred verify --keys <(go run ./cmd/netcred keys set %s) %s\n", *dir, keyFile, pngFile)
	return exitOK
}
