package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/netcred/netcred/bundle"
	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/qrimage"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/issuer/store/bolt"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/keys/keyfile"
	"github.com/netcred/netcred/status"
	"github.com/netcred/netcred/trust"
	"github.com/netcred/netcred/verifier"
)

const demoSynopsis = `demo [--dir DIR] [--no-qr] [--service]

Runs the whole flow on built-in defaults, in a temporary directory: a root
key and an issuer key; a trust bundle; an identity credential at level
substantial with a status list entry, printed as QR text and as a QR code
in the terminal and written as a PNG; a verifier trust store filled from the
published files; the PNG read back and verified offline; a portal that
requires level high refusing it; the credential revoked, the lists
republished and a synced handheld refusing it offline; and a handheld whose
list is too old answering "undetermined" rather than guessing.

With --service it plays the issuer service instead, on the real clock: the
HTTP API of netcred serve on 127.0.0.1 (a free port), a mini-app client
whose face match earns substantial, a police terminal whose signed
document check earns high, the mini-app refused when it asks for high,
a revocation through the API, and a phone that syncs from the service and
then, offline, refuses the revoked credential.`

// demoClaims is the sample subject: a valid PRC resident id number whose
// birth date and sex digit agree with the other claims.
var demoClaims = map[string]any{
	"name":       "王小红",
	"id_number":  "11010519491231002X",
	"birth_date": "1949-12-31",
	"sex":        "F",
}

// demoStatusURI is where the demo issuer's status lists live.
const demoStatusURI = "https://id.gov.cn/s/"

type demo struct {
	e    *env
	dir  string
	step int
}

func (d *demo) say(format string, args ...any) {
	d.step++
	fmt.Fprintf(d.e.stdout, "\n== %d. "+format+"\n", append([]any{d.step}, args...)...)
}

func (d *demo) fail(err error) int {
	errorf(d.e, "demo: %v", err)
	return exitUsage
}

func runDemo(args []string, e *env) int {
	fs := newFlags(e, "demo", demoSynopsis)
	dir := fs.String("dir", "", "directory for the demo's files (default: a new temporary directory)")
	noQR := fs.Bool("no-qr", false, "do not draw the QR code in the terminal")
	service := fs.Bool("service", false, "play the issuer service's flow over HTTP on 127.0.0.1 instead")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		errorf(e, "demo takes no arguments")
		return exitUsage
	}
	if *dir == "" {
		tmp, err := os.MkdirTemp("", "netcred-demo-")
		if err != nil {
			errorf(e, "%v", err)
			return exitUsage
		}
		*dir = tmp
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	d := &demo{e: e, dir: *dir}
	if *service {
		return d.runService()
	}
	return d.run(!*noQR)
}

func (d *demo) path(name string) string { return filepath.Join(d.dir, name) }

func (d *demo) run(drawQR bool) int {
	w := d.e.stdout
	now := d.e.now().UTC().Truncate(time.Second)

	d.say("keys: an offline root key (trust-root operator) and an issuer key")
	root, err := keys.Generate(credential.EdDSA)
	if err != nil {
		return d.fail(err)
	}
	issuerKey, err := keys.Generate(credential.EdDSA)
	if err != nil {
		return d.fail(err)
	}
	for name, k := range map[string]*keys.PrivateKey{"root.jwk": root, "issuer.jwk": issuerKey} {
		if err := keyfile.Write(d.path(name), k, nil); err != nil {
			return d.fail(err)
		}
	}
	fmt.Fprintf(w, "root %s, issuer kid %s, in %s\n", root.Public().Thumbprint(), issuerKey.Public().KIDString(), d.dir)

	d.say("issue an identity credential at level substantial (remote face match), with a status list entry")
	is := issuer.New(issuerKey, nil)
	is.Now = func() time.Time { return now }
	if err := os.MkdirAll(d.path("status"), 0o700); err != nil {
		return d.fail(err)
	}
	st, err := bolt.Open(dbPath("", d.path("status")), bolt.Options{})
	if err != nil {
		return d.fail(err)
	}
	sd, err := issuer.Open(st, is, issuer.Options{BaseURI: demoStatusURI, Reserve: 16, Now: func() time.Time { return now }})
	if err != nil {
		st.Close()
		return d.fail(err)
	}
	defer sd.Close()
	issued, err := sd.Issue(issuer.Request{Type: "identity", Level: credential.LevelSubstantial, Claims: demoClaims}, issuer.IssueInfo{})
	if err != nil {
		return d.fail(err)
	}
	id := issuer.CredentialID(issued.Claims.Status)
	fmt.Fprintf(w, "credential id %s\nQR text (%d characters, %d COSE bytes):\n%s\n", id, len(issued.QR), len(issued.COSE), issued.QR)
	if drawQR {
		// NO_COLOR (no-color.org) asks for no ANSI colours: the half
		// blocks alone still draw the code, dark on a light background.
		art, err := qrimage.Options{NoColor: os.Getenv("NO_COLOR") != ""}.Terminal(issued.QR)
		if err != nil {
			return d.fail(err)
		}
		fmt.Fprint(w, art)
	}
	pngFile := d.path("credential.png")
	if err := writePNG(pngFile, issued.QR); err != nil {
		return d.fail(err)
	}
	fmt.Fprintf(w, "PNG written to %s\n", pngFile)
	bound, code := d.issueBound(sd)
	if bound == nil {
		return code
	}

	d.say("the trust-root operator signs a bundle: this issuer may sign identity and ticket up to high")
	lists, err := bundleLists(sd)
	if err != nil {
		return d.fail(err)
	}
	trustBundle := &bundle.Bundle{Serial: 1, IssuedAt: now, NextUpdate: now.Add(7 * 24 * time.Hour), Issuers: []bundle.Issuer{{
		ID: "id.gov.cn", Name: "Example identity authority", StatusLists: lists,
		Keys: []bundle.Key{{Key: issuerKey.Public(), Authorization: bundle.Authorization{
			MaxLevel: credential.LevelHigh, Types: []string{"identity", "ticket"}, NotBefore: now.Add(-time.Hour)}}},
	}}}
	jws, err := trustBundle.Sign(root)
	if err != nil {
		return d.fail(err)
	}
	if err := os.WriteFile(d.path("bundle.jws"), jws, 0o644); err != nil {
		return d.fail(err)
	}
	fmt.Fprintf(w, "bundle serial 1 written to %s\n", d.path("bundle.jws"))

	d.say("the issuer publishes its status lists; a courier's handheld syncs while online")
	if _, err := sd.Publish(issuerKey, d.path("www"), now, 48*time.Hour, time.Hour); err != nil {
		return d.fail(err)
	}
	for _, store := range []string{"trust", "trust-courier-b"} {
		if err := trust.Init(d.path(store), []string{root.Public().Thumbprint()}); err != nil {
			return d.fail(err)
		}
		if code := d.importInto(store, now); code != exitOK {
			return code
		}
	}

	d.say("offline: the handheld reads the PNG and verifies")
	png, err := readFile(d.e, pngFile, maxInputSize)
	if err != nil {
		return d.fail(err)
	}
	scanned, err := qrimage.Decode(bytes.NewReader(png))
	if err != nil {
		return d.fail(fmt.Errorf("reading the PNG back: %w", err))
	}
	var res verifier.Result
	res, code = d.verify("trust", scanned, verifier.Policy{}, now.Add(time.Minute))
	if code != exitOK {
		return code
	}
	if !res.Valid {
		return d.fail(fmt.Errorf("the demo credential did not verify: %s", res.Code))
	}

	d.say("a government portal that requires level high refuses it")
	if res, code = d.verify("trust", scanned, verifier.Policy{MinLevel: credential.LevelHigh}, now.Add(time.Minute)); code != exitOK {
		return code
	}
	if res.Code != verifier.CodeLevelTooLow {
		return d.fail(fmt.Errorf("expected %s, got %s", verifier.CodeLevelTooLow, res.Code))
	}

	if code := d.presentSteps(bound, now.Add(time.Minute)); code != exitOK {
		return code
	}

	d.say("the holder reports the phone stolen: the issuer revokes and republishes")
	if _, err := sd.SetStatus(id, status.Revoked, "phone reported stolen", nil); err != nil {
		return d.fail(err)
	}
	later := now.Add(2 * time.Hour)
	if _, err := sd.Publish(issuerKey, d.path("www"), later, 48*time.Hour, time.Hour); err != nil {
		return d.fail(err)
	}
	fmt.Fprintf(w, "revoked %s\n", id)
	if code := d.importInto("trust", later); code != exitOK {
		return code
	}

	d.say("offline again, the next morning: courier A's handheld, synced after the revocation, refuses it")
	if res, code = d.verify("trust", scanned, verifier.Policy{}, later.Add(18*time.Hour)); code != exitOK {
		return code
	}
	if res.Code != verifier.CodeRevoked {
		return d.fail(fmt.Errorf("expected %s, got %s", verifier.CodeRevoked, res.Code))
	}

	d.say("courier B last synced before the revocation, 30 hours ago: its list is too old to trust, so it says undetermined, not valid")
	if res, code = d.verify("trust-courier-b", scanned, verifier.Policy{}, now.Add(30*time.Hour)); code != exitOK {
		return code
	}
	if res.Code != verifier.CodeStatusStale {
		return d.fail(fmt.Errorf("expected %s, got %s", verifier.CodeStatusStale, res.Code))
	}
	fmt.Fprintf(w, "\nfiles are in %s; try:\n  go run ./cmd/netcred trust show --trust %s\n  go run ./cmd/netcred verify --trust %s %s\n",
		d.dir, d.path("trust"), d.path("trust"), pngFile)
	return exitOK
}

// importInto imports the bundle and the published tokens into a trust
// store of the demo, as `netcred trust import` would.
func (d *demo) importInto(name string, at time.Time) int {
	store, err := trust.Open(d.path(name))
	if err != nil {
		return d.fail(err)
	}
	store.Now = func() time.Time { return at } // the demo's clock runs ahead
	inputs := []trust.Input{}
	data, err := readFile(d.e, d.path("bundle.jws"), maxInputSize)
	if err != nil {
		return d.fail(err)
	}
	inputs = append(inputs, trust.Input{Name: "bundle.jws", Data: data})
	tokens, _ := filepath.Glob(filepath.Join(d.path("www"), "status", "*.cwt"))
	for _, f := range tokens {
		data, err := readFile(d.e, f, maxInputSize)
		if err != nil {
			return d.fail(err)
		}
		inputs = append(inputs, trust.Input{Name: f, Data: data})
	}
	rep, err := store.Import(inputs)
	if err != nil {
		return d.fail(err)
	}
	printUpdate(d.e, rep)
	return exitOK
}

// verify loads a trust store of the demo and verifies text under p at the
// time at, printing the result.
func (d *demo) verify(name, text string, p verifier.Policy, at time.Time) (verifier.Result, int) {
	// The store judges its tokens by the same clock as the verification:
	// the demo's clock runs ahead of the real one.
	store, err := trust.OpenWith(d.path(name), trust.Options{Now: func() time.Time { return at }})
	if err != nil {
		return verifier.Result{}, d.fail(err)
	}
	t, err := store.Trust()
	if err != nil {
		return verifier.Result{}, d.fail(err)
	}
	v, err := verifier.New(verifier.Config{Trust: t, Policy: p})
	if err != nil {
		return verifier.Result{}, d.fail(err)
	}
	res := v.Verify(text, verifier.Options{Now: at})
	printResult(d.e, res)
	return res, exitOK
}

// verifyWith is verify with per-call options (time, nonce, audience,
// replay cache).
func (d *demo) verifyWith(name, text string, p verifier.Policy, opts verifier.Options) (verifier.Result, int) {
	store, err := trust.OpenWith(d.path(name), trust.Options{Now: func() time.Time { return opts.Now }})
	if err != nil {
		return verifier.Result{}, d.fail(err)
	}
	t, err := store.Trust()
	if err != nil {
		return verifier.Result{}, d.fail(err)
	}
	v, err := verifier.New(verifier.Config{Trust: t, Policy: p})
	if err != nil {
		return verifier.Result{}, d.fail(err)
	}
	res := v.Verify(text, opts)
	printResult(d.e, res)
	return res, exitOK
}
