package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// Exit codes, documented in the README and `netcred help`.
const (
	exitOK      = 0 // success; for verify: the credential is valid
	exitInvalid = 1 // verify: the credential is not valid
	exitUsage   = 2 // usage or configuration error
	exitUnknown = 3 // verify: undetermined (the verifier's data is too old to decide)
	progName    = "netcred"
)

// env is what a command may touch: the streams and the clock. Tests swap it.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	now            func() time.Time

	// json is set by a command given --json: its errors then go to
	// standard output as JSON too (see finish).
	json bool
	// wroteOut is set once anything was written to stdout.
	wroteOut bool
	// errs and hints are the messages printed so far, for finish.
	errs, hints []string
	// storeUse is what the command does with the issuer store, for the
	// hints of openService (store.go); the zero value is issuing.
	storeUse storeUse
}

func newEnv() *env {
	return &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, now: time.Now}
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(args []string, e *env) int
}

func commands() []command {
	return []command{
		{"keys", "create keys and print public keys, key sets and thumbprints", runKeys},
		{"issue", "sign a credential and print its QR text", runIssue},
		{"revoke", "revoke a credential issued with --db (final)", runRevoke},
		{"suspend", "suspend a credential until it is reinstated", runSuspend},
		{"reinstate", "lift a credential's suspension", runReinstate},
		{"status", "publish the signed status lists; show lists and records", runStatus},
		{"clients", "add, list and revoke the HTTP API's enrollment clients", runClients},
		{"terminals", "register, list and remove secured enrollment terminals", runTerminals},
		{"audit", "verify the issuer store's hash-chained audit log", runAudit},
		{"db", "migrate a PostgreSQL store; copy a store into another", runDB},
		{"holder", "create the holder's device key (holder keys new)", runHolder},
		{"present", "sign a presentation of a device-bound credential (NP1: QR text)", runPresent},
		{"verify", "verify a credential offline", runVerify},
		{"inspect", "decode any COSE_Sign1 / CWT without a key (trusts nothing)", runInspect},
		{"bundle", "sign and show the root-signed trust bundle", runBundle},
		{"trust", "create, import into and show a verifier trust store", runTrust},
		{"sync", "refresh a trust store over HTTP when online", runSync},
		{"serve", "run the issuer service: HTTP API, JWKS, distribution point", runServe},
		{"evidence", "sign and check terminal attestations (document checks)", runEvidence},
		{"wallet", "redeem a credential offer for device-bound credentials (OpenID4VCI)", runWallet},
		{"demo", "issue and verify a credential on built-in defaults", runDemo},
	}
}

const usage = `netcred issues compact signed credentials and verifies them offline.

Usage:
  netcred <command> [flags] [arguments]

Commands:
%s
  help       show this text, or "netcred help <command>"

Examples:
  netcred demo
  netcred keys new --out issuer.jwk > issuer.pub.jwk
  netcred keys set issuer.pub.jwk > trusted.jwks
  netcred issue --key issuer.jwk --type identity --level substantial --claims alice.json --png alice.png > alice.txt
  netcred verify --keys trusted.jwks --min-level substantial alice.txt
  netcred inspect alice.png

Exit codes: 0 success (verify: valid), 1 not valid, 2 usage or configuration
error, 3 undetermined (verify: the verifier's data is too old to decide).
`

func run(args []string, e *env) int {
	if _, ok := e.stdout.(*trackWriter); !ok {
		e.stdout = &trackWriter{w: e.stdout, wrote: &e.wroteOut}
	}
	if len(args) == 0 {
		printUsage(e.stderr)
		return exitUsage
	}
	name := args[0]
	if isHelp(name) {
		if len(args) == 1 || isHelp(args[1]) {
			printUsage(e.stdout)
			return exitOK
		}
		if len(args) > 2 {
			// "netcred help keys new": the help of a subcommand.
			return run(append(args[1:], "-h"), e)
		}
		name, args = args[1], []string{args[1], "-h"}
	}
	for _, c := range commands() {
		if c.name == name {
			return e.finish(c.name+subcommand(c.name, args[1:]), c.run(args[1:], e))
		}
	}
	errorf(e, "unknown command %q", name)
	hint(e, "run 'netcred help' for the list of commands")
	return exitUsage
}

// subcommand returns " NAME" when a command with subcommands (keys new,
// trust import...) is given one, for messages.
func subcommand(name string, args []string) string {
	switch {
	case len(args) == 0 || strings.HasPrefix(args[0], "-"):
		return ""
	case name == "keys" || name == "status" || name == "trust" || name == "bundle" || name == "evidence" || name == "clients" || name == "holder" || name == "db" || name == "wallet":
		return " " + args[0]
	}
	return ""
}

// isHelp tells the words that ask for help.
func isHelp(s string) bool {
	return s == "help" || s == "-h" || s == "--help" || s == "-help"
}

func printUsage(w io.Writer) {
	var b strings.Builder
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, usage, strings.TrimRight(b.String(), "\n"))
}

// cmdFlags is a command's flag set and where its help goes when asked for.
type cmdFlags struct {
	*flag.FlagSet
	e *env
}

// newFlags returns a flag set whose -h prints the command's usage text.
func newFlags(e *env, name, synopsis string) *cmdFlags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: netcred %s\n\n", synopsis)
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprintf(w, "Flags:\n")
			fs.PrintDefaults()
		} else {
			fmt.Fprintf(w, "Flags: none\n")
		}
		fmt.Fprint(w, helpExample(name, synopsis))
	}
	return &cmdFlags{FlagSet: fs, e: e}
}

// parseFlags parses flags and positional arguments in any order, so that
// "verify FILE --json" works as well as "verify --json FILE". It returns the
// positional arguments, or an exit code when parsing ended the command.
func parseFlags(fs *cmdFlags, args []string) ([]string, int, bool) {
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "--help" || a == "-help" {
			// Help asked for goes to standard output, so it pages.
			out := fs.Output()
			fs.SetOutput(fs.e.stdout)
			fs.Usage()
			fs.SetOutput(out)
			return nil, exitOK, false
		}
		// Known before parsing, so that a flag error is JSON too.
		if fs.Lookup("json") != nil && (a == "--json" || a == "-json" || a == "--json=true" || a == "-json=true") {
			fs.e.json = true
		}
	}
	var positional []string
	for {
		// The flag package would print the whole usage after an error;
		// one error line and a hint read better.
		out := fs.Output()
		fs.SetOutput(io.Discard)
		err := fs.Parse(args)
		fs.SetOutput(out)
		if err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.SetOutput(fs.e.stdout)
				fs.Usage()
				fs.SetOutput(out)
				return nil, exitOK, false
			}
			errorf(fs.e, "%v", err)
			hint(fs.e, "see netcred %s -h", fs.Name())
			return nil, exitUsage, false
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, 0, true
		}
		if args[0] == "--" {
			return append(positional, args[1:]...), 0, true
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// parseDuration accepts Go durations ("36h", "90m") and whole days or
// years ("30d", "1y" = 365 days).
func parseDuration(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.ParseUint(n, 10, 16)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q", s)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	if n, ok := strings.CutSuffix(s, "y"); ok {
		years, err := strconv.ParseUint(n, 10, 8)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q", s)
		}
		return time.Duration(years) * 365 * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q (use e.g. 36h, 30d, 1y)", s)
	}
	return d, nil
}

// durationFlag is a flag.Value over parseDuration. Durations must be
// positive unless zeroOK (e.g. --clock-skew 0s: no skew); set, if not nil,
// records that the flag was given.
type durationFlag struct {
	d      *time.Duration
	zeroOK bool
	set    *bool
}

// String is empty: each flag's description states its default in days or
// hours, which reads better than flag's "8760h0m0s".
func (f durationFlag) String() string { return "" }

func (f durationFlag) Set(s string) error {
	d, err := parseDuration(s)
	if err != nil {
		return err
	}
	switch {
	case d < 0 && f.zeroOK:
		return fmt.Errorf("duration must not be negative (0s for none)")
	case d <= 0 && !f.zeroOK:
		return fmt.Errorf("duration must be positive")
	}
	*f.d = d
	if f.set != nil {
		*f.set = true
	}
	return nil
}
