package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/presentation"
	"github.com/netcred/netcred/presentation/replay"
	"github.com/netcred/netcred/trust"
	"github.com/netcred/netcred/verifier"
)

const verifySynopsis = `verify (--trust DIR | --keys JWKS_FILE) [--min-level L] [--type T] [--at RFC3339] [--json]
      [--require-holder-binding] [--max-presentation-age 60s] [--nonce N] [--audience A]
      [--replay-cache FILE] INPUT

Verifies a credential offline. INPUT is QR text, a file holding it, - for
standard input, or a PNG, JPEG, GIF or WebP image of the QR code. With --trust the keys,
their authorizations and the status lists come from a trust store (netcred
trust init / import / sync); --keys is for quick local checks with a plain
key set, without authorization or revocation checks.

INPUT may also be a presentation ("NP1:...", netcred present): the
credential signed, with the time, by the holder's device key its cnf
names. It is valid within --max-presentation-age (plus 5 seconds of skew)
of its signing, when it carries the --nonce this verifier showed (none
without --nonce) and is for the --audience it shows (none without
--audience). With --require-holder-binding only presentations are
accepted: a credential shown bare is holder_binding_missing. A gate with
--replay-cache FILE refuses the same presentation twice within its window
(presentation_replayed); the file is locked while in use.

Exit codes: 0 valid, 1 not valid (the reason code is printed), 2 usage or
configuration error, 3 undetermined (the trust store is too old to decide:
sync, then verify again). With --json, standard output is one JSON
document whatever happens: the result, or {"error", "hints", "exit_code"}.

Examples:
  netcred verify --trust ./trust --min-level substantial alice.png
  netcred verify --keys trusted.jwks --json alice.txt
  netcred verify --trust ./trust --require-holder-binding --replay-cache gate.replay presented.txt`

func runVerify(args []string, e *env) int {
	fs := newFlags(e, "verify", verifySynopsis)
	keysFile := fs.String("keys", "", "JWK set (or single JWK) of trusted issuer keys, for quick local checks")
	trustDir := fs.String("trust", "", "trust store directory (netcred trust init)")
	maxStatusAge := verifier.DefaultMaxStatusAge
	fs.Var(durationFlag{d: &maxStatusAge}, "max-status-age", "oldest status list accepted (default 24h); past it: status_stale")
	allowStale := fs.Bool("allow-stale-status", false, "accept a status list older than --max-status-age, with a warning")
	bundleGrace := time.Duration(0)
	fs.Var(durationFlag{d: &bundleGrace, zeroOK: true}, "bundle-grace", "accept a bundle this long past its next_update")
	minLevel := fs.String("min-level", "", "lowest assurance level accepted: low, substantial or high")
	types := fs.String("type", "", "accepted credential types, comma-separated (default: any)")
	atText := fs.String("at", "", "verify as of this time (RFC 3339) instead of now")
	skew := time.Duration(0)
	skewSet := false
	fs.Var(durationFlag{d: &skew, zeroOK: true, set: &skewSet}, "clock-skew", "allowed clock difference; 0s for none (default 5m)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	schemaFiles := fs.String("schemas", "", "comma-separated operator-defined schema files to load")
	requireBinding := fs.Bool("require-holder-binding", false, "accept only presentations signed by the holder's device key (netcred present)")
	maxPresentationAge := verifier.DefaultMaxPresentationAge
	fs.Var(durationFlag{d: &maxPresentationAge}, "max-presentation-age", "oldest presentation accepted (default 60s, plus 5s of skew); past it: presentation_stale")
	presentationSkew := time.Duration(0)
	presentationSkewSet := false
	fs.Var(durationFlag{d: &presentationSkew, zeroOK: true, set: &presentationSkewSet}, "presentation-skew", "allowed clock difference with the holder's device; 0s for none (default 5s)")
	nonce := fs.String("nonce", "", "the nonce this verifier showed the holder: a presentation must carry it")
	audience := fs.String("audience", "", "the audience this verifier shows holders: a presentation must be for it")
	replayFile := fs.String("replay-cache", "", "replay cache file: refuse a presentation seen within its window (created if missing)")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) != 1 {
		errorf(e, "verify needs exactly one INPUT (QR text, a file, - or an image)")
		return exitUsage
	}
	cfg := verifier.Config{}
	switch {
	case *keysFile == "" && *trustDir == "":
		errorf(e, "verify needs --trust DIR (a trust store) or --keys JWKS_FILE")
		hint(e, "for a quick local check: netcred keys set issuer.pub.jwk > trusted.jwks; netcred verify --keys trusted.jwks INPUT")
		return exitUsage
	case *keysFile != "" && *trustDir != "":
		errorf(e, "give --trust or --keys, not both")
		hint(e, "--trust DIR verifies with a trust store (keys, their rights, status lists); --keys FILE is a quick check with a key set")
		return exitUsage
	case *keysFile != "":
		keyData, err := readText(e, *keysFile, maxSmallFile)
		if err != nil {
			errorf(e, "%v", err)
			fileHint(e, err)
			return exitUsage
		}
		set, err := keys.ParseSet(keyData)
		if err != nil {
			errorf(e, "%s: %v", *keysFile, err)
			switch {
			case errors.Is(err, keys.ErrUnexpectedPrivateKey):
				hint(e, "--keys takes public keys only: netcred keys set %s > trusted.jwks writes the key set of a key file", *keysFile)
			case errors.Is(err, keys.ErrEmptySet):
				hint(e, "the key set lists no keys: netcred keys set issuer.pub.jwk > trusted.jwks")
			default:
				hint(e, "--keys takes a JWK set or one public JWK, as netcred keys set or keys new print")
			}
			return exitUsage
		}
		cfg.Keys = set
	default:
		if fi, err := os.Stat(*trustDir); err == nil && !fi.IsDir() {
			errorf(e, "--trust %s: not a directory", *trustDir)
			hint(e, "--trust takes a trust store directory (netcred trust init); for a key set file use --keys %s", *trustDir)
			return exitUsage
		}
		store, code := openStore(e, *trustDir)
		if store == nil {
			return code
		}
		var err error
		if cfg.Trust, err = store.Trust(); err != nil {
			errorf(e, "%v", err)
			if errors.Is(err, trust.ErrNoBundle) {
				hint(e, "fill the store first: netcred trust import --trust %s bundle.jws www/status/*.cwt, or netcred sync --from URL --trust %s", *trustDir, *trustDir)
			}
			return exitUsage
		}
	}
	var err error
	if skewSet && skew == 0 {
		skew = -1 // the verifier's "none"; zero means its default
	}
	if presentationSkewSet && presentationSkew == 0 {
		presentationSkew = -1
	}
	policy := verifier.Policy{ClockSkew: skew, MaxStatusAge: maxStatusAge, AllowStaleStatus: *allowStale, BundleGrace: bundleGrace,
		RequireHolderBinding: *requireBinding, MaxPresentationAge: maxPresentationAge, PresentationSkew: presentationSkew}
	if *minLevel != "" {
		if policy.MinLevel, err = credential.ParseLevel(*minLevel); err != nil {
			errorf(e, "%v", err)
			hint(e, levelHint)
			return exitUsage
		}
	}
	if *types != "" {
		policy.Types = splitList(*types)
	}
	var opts verifier.Options
	if *nonce != "" {
		if len(*nonce) > presentation.MaxNonceLen {
			errorf(e, "--nonce of %d bytes: at most %d", len(*nonce), presentation.MaxNonceLen)
			return exitUsage
		}
		opts.Nonce = []byte(*nonce)
	}
	if len(*audience) > presentation.MaxAudienceLen || !utf8.ValidString(*audience) {
		// No presentation can carry such an audience (spec/presentation.md
		// §4): a configuration error, not a verdict on the holder.
		errorf(e, "--audience of %d bytes: at most %d bytes of UTF-8 text", len(*audience), presentation.MaxAudienceLen)
		return exitUsage
	}
	opts.Audience = *audience
	if *atText != "" {
		if opts.Now, err = time.Parse(time.RFC3339, *atText); err != nil {
			errorf(e, "--at %q: want an RFC 3339 time such as 2026-11-26T14:00:00Z", *atText)
			return exitUsage
		}
	} else {
		opts.Now = e.now()
	}
	registry, err := loadRegistry(*schemaFiles)
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	cfg.Schemas, cfg.Policy = registry, policy
	v, err := verifier.New(cfg)
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	data, _, err := loadInput(e, rest[0])
	if err != nil {
		return inputError(e, err)
	}
	if *replayFile != "" {
		cache, err := replay.Open(*replayFile, 0, opts.Now, 10*time.Second)
		if err != nil {
			errorf(e, "%v", err)
			hint(e, "--replay-cache takes a file this command writes (netcred replay cache 1), kept by one gate")
			return exitUsage
		}
		defer cache.Close()
		opts.Replay = cache
	}
	var res verifier.Result
	if len(data) > 0 && data[0] == 0xd2 {
		if _, err := presentation.Parse(data); err == nil {
			res = v.VerifyPresentation(data, opts) // a presentation's raw bytes
		} else {
			res = v.VerifyCOSE(data, opts)
		}
	} else {
		res = v.Verify(string(data), opts)
	}
	if c, ok := opts.Replay.(*replay.File); ok && res.Valid {
		if err := c.Save(opts.Now); err != nil {
			errorf(e, "the presentation is valid, but the replay cache was not written: %v", err)
			hint(e, "check that the directory of --replay-cache is writable; without the cache the gate cannot refuse a second use")
			return exitUsage
		}
	}
	if *asJSON {
		if code := printJSON(e, jsonResult{Result: res, ExpiresAt: jsonTime(res.ExpiresAt)}); code != exitOK {
			return code
		}
	} else {
		printResult(e, res)
	}
	if res.Code == verifier.CodeWrongType || (res.Code == verifier.CodeMalformed && bytes.HasPrefix(bytes.TrimSpace(data), []byte("eyJ"))) {
		hint(e, "this looks like a status list token or a trust bundle, not a credential: add it to a trust store with netcred trust import")
	}
	return resultExit(res)
}

// jsonResult is the result as verify --json prints it. A time the JSON
// encoding of time.Time refuses (a year past 9999) must not cost the
// verdict, so expires_at is written here.
type jsonResult struct {
	verifier.Result
	ExpiresAt *string `json:"expires_at,omitempty"`
}

// jsonTime formats t in RFC 3339, years past 9999 with a leading "+" and
// more digits (ISO 8601 expanded years), for --json and people alike.
func jsonTime(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	if y := t.UTC().Year(); y > 9999 {
		s = "+" + s
	}
	return &s
}

func resultExit(res verifier.Result) int {
	switch res.Verdict {
	case verifier.VerdictValid:
		return exitOK
	case verifier.VerdictUndetermined:
		return exitUnknown
	}
	return exitInvalid
}

// printResult writes the verdict for people: the verdict line first, then
// the claims of a valid credential, then warnings.
func printResult(e *env, res verifier.Result) {
	w := e.stdout
	if res.Verdict == verifier.VerdictUndetermined {
		fmt.Fprintf(w, "UNDETERMINED: %s (the signature holds; this device's trust data is too old to decide: sync)\n", res.Code)
		if res.Detail != "" {
			fmt.Fprintf(w, "  %s\n", res.Detail)
		}
		for _, warning := range res.Warnings {
			fmt.Fprintf(w, "  warning: %s\n", warning)
		}
		return
	}
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
		issuer = "kid " + res.KID
	}
	fmt.Fprintf(w, "  %-16s %s\n", "issued by", issuer)
	if res.ExpiresAt != nil {
		fmt.Fprintf(w, "  %-16s %s\n", "expires", *jsonTime(res.ExpiresAt))
	}
	if p := res.Presented; p != nil {
		what := "by the holder's device"
		if p.Audience != "" {
			what += " for " + p.Audience
		}
		if p.Nonce {
			what += ", with this verifier's nonce"
		}
		fmt.Fprintf(w, "  %-16s %s %s\n", "presented", p.IssuedAt, what)
	}
	for _, warning := range res.Warnings {
		fmt.Fprintf(w, "  warning: %s\n", warning)
	}
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
