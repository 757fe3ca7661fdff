package main

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/netcred/netcred/trust"
	"github.com/netcred/netcred/verifier"
)

const trustUsage = `Usage:
  netcred trust init --trust DIR --root-thumbprint T [--root-thumbprint T2 ...]
      create a verifier trust store that pins the root key thumbprint(s)
      (get one with: netcred keys thumbprint ROOT_KEY)
  netcred trust import --trust DIR FILE...
      add a bundle and/or status list tokens from files (USB, device
      management); everything is verified before anything is replaced
  netcred trust show --trust DIR
      say what the store holds and how fresh it is
Also: netcred sync --from URL --trust DIR refreshes the store over HTTP.
Run netcred trust COMMAND -h for a command's flags.

Example:
  netcred trust init --trust ./trust --root-thumbprint "$(netcred keys thumbprint root.jwk)"
  netcred trust import --trust ./trust bundle.jws www/status/*.cwt
`

func runTrust(args []string, e *env) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, trustUsage)
		return exitUsage
	}
	switch args[0] {
	case "init":
		return runTrustInit(args[1:], e)
	case "import":
		return runTrustImport(args[1:], e)
	case "show":
		return runTrustShow(args[1:], e)
	case "-h", "--help", "-help", "help":
		fmt.Fprint(e.stdout, trustUsage)
		return exitOK
	}
	errorf(e, "unknown trust command %q", args[0])
	hint(e, "netcred trust -h lists its commands")
	fmt.Fprint(e.stderr, trustUsage)
	return exitUsage
}

// listFlag collects a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string { return fmt.Sprint([]string(*l)) }
func (l *listFlag) Set(s string) error {
	*l = append(*l, splitList(s)...)
	return nil
}

func runTrustInit(args []string, e *env) int {
	fs := newFlags(e, "trust init", "trust init --trust DIR --root-thumbprint T [--root-thumbprint T2 ...]")
	dir := fs.String("trust", "", "trust store directory to create (required)")
	var roots listFlag
	fs.Var(&roots, "root-thumbprint", "RFC 7638 thumbprint of a root key to pin (repeatable; required)")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 || *dir == "" || len(roots) == 0 {
		errorf(e, "trust init needs --trust DIR and --root-thumbprint T")
		hint(e, "netcred trust init --trust ./trust --root-thumbprint $(netcred keys thumbprint root.jwk)")
		return exitUsage
	}
	if err := trust.Init(*dir, roots); err != nil {
		errorf(e, "%v", err)
		if errors.Is(err, trust.ErrExists) {
			hint(e, "%s is a trust store already: netcred trust show --trust %s", *dir, *dir)
		} else {
			hint(e, "a root thumbprint is 43 base64url characters: netcred keys thumbprint root.jwk prints it")
		}
		return exitUsage
	}
	fmt.Fprintf(e.stdout, "trust store %s pins %d root key(s); next: netcred trust import --trust %s bundle.jws, or netcred sync\n", *dir, len(roots), *dir)
	return exitOK
}

func runTrustImport(args []string, e *env) int {
	fs := newFlags(e, "trust import", "trust import --trust DIR FILE...")
	dir := fs.String("trust", "", "trust store directory (required)")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if *dir == "" || len(rest) == 0 {
		errorf(e, "trust import needs --trust DIR and at least one FILE")
		hint(e, "netcred trust import --trust ./trust bundle.jws www/status/*.cwt")
		return exitUsage
	}
	store, code := openStore(e, *dir)
	if store == nil {
		return code
	}
	var inputs []trust.Input
	for _, name := range rest {
		data, err := readFile(e, name, maxInputSize)
		if err != nil {
			errorf(e, "%v", err)
			fileHint(e, err)
			return exitUsage
		}
		inputs = append(inputs, trust.Input{Name: name, Data: data})
	}
	rep, err := store.Import(inputs)
	if err != nil {
		return trustUpdateError(e, *dir, "", err)
	}
	printUpdate(e, rep)
	return exitOK
}

// trustUpdateError prints a refused update with its reason code and a
// hint; from is the distribution point of a sync, "" for an import. A
// refused update is a configuration error (exit 2): the store is unchanged.
func trustUpdateError(e *env, dir, from string, err error) int {
	var te *verifier.TrustError
	if !errors.As(err, &te) {
		errorf(e, "%v", err)
		var se *trust.SyncError
		switch {
		case errors.As(err, &se):
			hint(e, "the store is unchanged; %s", syncHint(se.Code, from))
		case from != "":
			hint(e, "the store is unchanged; check the network and --from %s (sync fetches bundle.jws and status/*.cwt under it, as netcred status publish --out lays them out)", from)
		case errors.Is(err, trust.ErrInput):
			hint(e, "trust import takes a bundle (netcred bundle new) and status list tokens (www/status/*.cwt from netcred status publish)")
		default:
			hint(e, "the store is unchanged; netcred trust show --trust %s shows what it holds", dir)
		}
		return exitUsage
	}
	errorf(e, "refused, the store is unchanged: %v", err)
	switch te.Code {
	case verifier.CodeBundleUntrusted:
		hint(e, "the bundle must be signed by a root whose thumbprint the store pins (netcred trust show --trust %s)", dir)
	case verifier.CodeBundleRollback:
		hint(e, "the store already holds a newer bundle; a bundle is replaced only by one with a higher serial (netcred bundle new raises it)")
	case verifier.CodeBundleMalformed:
		hint(e, "this is not a netcred trust bundle; netcred bundle show FILE says what is wrong with it")
	case verifier.CodeStatusListInvalid:
		hint(e, "a status list must be signed by a key of its issuer that the bundle lists: import the bundle first, or republish the lists with a key in service")
	default:
		hint(e, "netcred trust show --trust %s shows what the store holds and how fresh it is", dir)
	}
	return exitUsage
}

// syncHint says what to check after a failed sync, by its reason code.
func syncHint(code trust.SyncCode, from string) string {
	switch code {
	case trust.SyncBadURL:
		return "--from takes the http(s) base URL of a distribution point, without query or fragment, e.g. https://id.example.cn/trust"
	case trust.SyncUnreachable, trust.SyncTimeout:
		return "check the network, or try again later; verification goes on offline with what the store holds (netcred trust show)"
	case trust.SyncNoBundle:
		return fmt.Sprintf("%s is not a distribution point's base: it must serve bundle.jws and status/*.cwt as netcred status publish --out lays them out", from)
	case trust.SyncRedirect:
		return "sync follows no redirect to another origin: give --from the URL the files are served from"
	case trust.SyncHTTPStatus, trust.SyncTooLarge, trust.SyncTooManyLists:
		return "the distribution point's server answered with something other than netcred's files: ask its operator"
	case trust.SyncBadIndex:
		return "status/aggregation.json must be {\"status_lists\": [URI, ...]}, as netcred status publish --out writes it: ask the distribution point's operator"
	}
	return fmt.Sprintf("check the network and --from %s", from)
}

func printUpdate(e *env, rep trust.Report) {
	if rep.BundleUpdated {
		fmt.Fprintf(e.stdout, "bundle: stored serial %d\n", rep.Bundle)
	} else if rep.Bundle != 0 {
		fmt.Fprintf(e.stdout, "bundle: serial %d unchanged\n", rep.Bundle)
	}
	for _, uri := range rep.Lists {
		fmt.Fprintf(e.stdout, "status list: stored %s\n", uri)
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(e.stdout, "note: %s\n", n)
	}
}

func runTrustShow(args []string, e *env) int {
	fs := newFlags(e, "trust show", "trust show --trust DIR [--max-status-age D]")
	dir := fs.String("trust", "", "trust store directory (required)")
	maxAge := verifier.DefaultMaxStatusAge
	fs.Var(durationFlag{d: &maxAge}, "max-status-age", "age past which a status list counts as stale (default 24h)")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if *dir == "" || len(rest) > 0 {
		errorf(e, "trust show needs --trust DIR")
		return exitUsage
	}
	store, code := openStore(e, *dir)
	if store == nil {
		return code
	}
	w := e.stdout
	now := e.now()
	fmt.Fprintf(w, "trust store %s\n", store.Dir())
	for _, r := range store.Roots() {
		fmt.Fprintf(w, "  pinned root  %s\n", r)
	}
	t, err := store.Trust()
	if err != nil {
		fmt.Fprintf(w, "  bundle       none yet: netcred trust import or netcred sync\n")
		return exitOK
	}
	b := t.Bundle
	fresh := "current"
	if !now.Before(b.NextUpdate) {
		fresh = fmt.Sprintf("PAST next_update by %s: sync", now.Sub(b.NextUpdate).Round(time.Minute))
	}
	fmt.Fprintf(w, "  bundle       serial %d, issued %s, next update %s (%s), root %s\n",
		b.Serial, stamp(b.IssuedAt), stamp(b.NextUpdate), fresh, t.Root.Thumbprint())
	for _, iss := range b.Issuers {
		fmt.Fprintf(w, "  issuer       %s (%s)\n", iss.ID, iss.Name)
		for _, k := range iss.Keys {
			state := ""
			if k.RevokedAt != nil {
				state = ", WITHDRAWN at " + stamp(*k.RevokedAt)
			} else if k.NotAfter != nil {
				state = ", retired from issuance at " + stamp(*k.NotAfter)
			}
			fmt.Fprintf(w, "    key        kid %s, %s, up to %s, types %v, from %s%s\n",
				k.Key.KIDString(), k.Key.Algorithm(), k.MaxLevel, k.Types, stamp(k.NotBefore), state)
		}
		showList := func(label, uri string) {
			tok, ok := t.Lists[uri]
			if !ok {
				fmt.Fprintf(w, "    %s %s: none stored (not published yet, or sync)\n", label, uri)
				return
			}
			age := now.Sub(tok.IssuedAt)
			state := "fresh"
			if age > maxAge || (!tok.Expiry.IsZero() && !now.Before(tok.Expiry)) {
				state = "STALE (sync)"
			}
			counts := tok.List.Count()
			fmt.Fprintf(w, "    %s %s: %s, issued %s (%s old), %d entries, %d revoked, %d suspended\n",
				label, uri, state, stamp(tok.IssuedAt), age.Round(time.Second), tok.List.Len(), counts[1], counts[2])
		}
		for _, uri := range iss.StatusLists {
			showList("list      ", uri)
		}
		for _, p := range iss.StatusPrefixes {
			var under []string
			for uri := range t.Lists {
				if iss.StatusPrefixOf(uri) == p && !slices.Contains(iss.StatusLists, uri) {
					under = append(under, uri)
				}
			}
			sort.Strings(under)
			fmt.Fprintf(w, "    prefix     %s: %d list(s) stored under it\n", p, len(under))
			for _, uri := range under {
				showList("  list    ", uri)
			}
		}
	}
	var extra []string
	for uri := range t.Lists {
		if _, ok := b.IssuerOfStatusList(uri); !ok {
			extra = append(extra, uri)
		}
	}
	sort.Strings(extra)
	for _, uri := range extra {
		fmt.Fprintf(w, "  list         %s is not in the bundle (ignored)\n", uri)
	}
	return exitOK
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// openStore opens a trust store with the command's clock, warning about
// store files that no longer verify. It returns nil and an exit code on
// failure.
func openStore(e *env, dir string) (*trust.Store, int) {
	store, err := trust.OpenWith(dir, trust.Options{Now: e.now})
	if err != nil {
		errorf(e, "%v", err)
		if errors.Is(err, trust.ErrNotAStore) {
			hint(e, "create it first: netcred trust init --trust %s --root-thumbprint \"$(netcred keys thumbprint root.jwk)\"", dir)
		}
		return nil, exitUsage
	}
	for _, s := range store.Skipped {
		warnf(e, "%s does not verify against the stored bundle and is ignored; sync to replace it", s)
	}
	return store, exitOK
}
