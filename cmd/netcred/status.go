package main

import (
	"encoding/base64"
	"fmt"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/netcred/netcred/issuer"
)

const statusUsage = `Usage:
  netcred status publish --db PATH --key ISSUER_KEY --out DIR
        [--passphrase-file F] [--valid-for D] [--ttl D]
      sign every status list of the issuer store with the issuer key and write
      OUT/status/<name>.cwt for each (<name>: the first 32 hex digits of the
      SHA-256 of the list URI) and OUT/status/index.json; serve OUT from any
      web server, and verifiers fetch it with netcred sync --from URL
  netcred status show --db PATH [CREDENTIAL_OR_ID]
      print the lists and how many entries are used, revoked and suspended;
      with a credential or its id, print what the store recorded about it

An issuer store is created by the first netcred issue --db PATH
--status-uri BASE_URI (--status-dir DIR is the same as --db DIR/issuer.db);
revoke, suspend and reinstate change it. Verifiers see
changes once the lists are published again: publish after every change and
at least every --valid-for (default 48h), e.g. from cron every hour.
Run netcred status COMMAND -h for a command's flags.

Example:
  netcred status publish --db issuer.db --key issuer.jwk --out www
`

func runStatus(args []string, e *env) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, statusUsage)
		return exitUsage
	}
	switch args[0] {
	case "publish":
		return runStatusPublish(args[1:], e)
	case "show":
		return runStatusShow(args[1:], e)
	case "-h", "--help", "-help", "help":
		fmt.Fprint(e.stdout, statusUsage)
		return exitOK
	}
	errorf(e, "unknown status command %q", args[0])
	hint(e, "netcred status -h lists its commands")
	fmt.Fprint(e.stderr, statusUsage)
	return exitUsage
}

func runStatusPublish(args []string, e *env) int {
	c := newStoreCommand(e, "status publish", "status publish --db PATH --key ISSUER_KEY --out DIR [--passphrase-file F] [--valid-for D] [--ttl D]",
		"netcred status publish --db issuer.db --key issuer.jwk --out www", true)
	fs := c.fs
	keyFile := fs.String("key", "", "issuer private key file to sign the lists with (required)")
	passFile := fs.String("passphrase-file", "", "passphrase of an encrypted key file")
	out := fs.String("out", "", "directory to write status/<name>.cwt and status/index.json into (required)")
	validFor, ttl := issuer.DefaultStatusValidity, issuer.DefaultStatusTTL
	fs.Var(durationFlag{d: &validFor}, "valid-for", "how long verifiers may use the lists (default 48h)")
	fs.Var(durationFlag{d: &ttl}, "ttl", "how long verifiers may cache the lists before fetching again (default 1h)")
	_, path, code, ok := c.parse(args, noArgs, "")
	if !ok {
		return code
	}
	for _, f := range []struct{ name, value string }{{"key", *keyFile}, {"out", *out}} {
		if f.value == "" {
			errorf(e, "status publish needs --%s", f.name)
			hint(e, "netcred status publish --db issuer.db --key issuer.jwk --out www")
			return exitUsage
		}
	}
	if ttl > validFor {
		errorf(e, "--ttl %s is longer than --valid-for %s", ttl, validFor)
		hint(e, "verifiers must fetch new lists before the old ones expire: choose a ttl shorter than the validity")
		return exitUsage
	}
	key, code := loadPrivate(e, *keyFile, *passFile)
	if key == nil {
		return code
	}
	e.storeUse = usePublish
	d, code := openService(e, path, issuer.New(key, nil), issuer.Options{}, false)
	if d == nil {
		return code
	}
	defer d.Close()
	published, err := d.Publish(key, *out, e.now(), validFor, ttl)
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FILE\tLIST\tBYTES\tREVOKED\tSUSPENDED")
	for _, p := range published {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\n", filepath.Join(issuer.PublishedDir, filepath.Base(p.File)), p.URI, p.Bytes, p.Revoked, p.Suspended)
	}
	tw.Flush()
	if len(published) > 0 {
		lists := "status lists"
		if len(published) == 1 {
			lists = "status list"
		}
		fmt.Fprintf(e.stderr, "%s: published %d %s to %s, signed by kid %s, valid until %s\n",
			progName, len(published), lists, filepath.Join(*out, issuer.PublishedDir), key.Public().KIDString(),
			published[0].Expiry.Format(time.RFC3339))
	}
	return exitOK
}

func runStatusShow(args []string, e *env) int {
	rest, path, code, ok := newStoreCommand(e, "status show", "status show --db PATH [CREDENTIAL_OR_ID]", "netcred status show --db issuer.db", true).parse(args, optArg, "credential or id")
	if !ok {
		return code
	}
	e.storeUse = useRead
	d, code := openService(e, path, nil, issuer.Options{}, true)
	if d == nil {
		return code
	}
	defer d.Close()
	if len(rest) == 1 {
		rec, code := findCredential(e, d, path, rest[0])
		if rec == nil {
			return code
		}
		printRecord(e, rec)
		return exitOK
	}
	lists, err := d.Lists()
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	fmt.Fprintf(e.stdout, "issuer store %s: lists %sN of %d entries\n\n", displayDB(path), d.BaseURI(), d.ListSize())
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LIST\tUSED\tREVOKED\tSUSPENDED\tOPENED\t")
	for _, l := range lists {
		note := ""
		switch {
		case l.Current:
			note = "(current)"
		case l.Used == 0:
			note = "(next: add it to the trust bundle)"
		case l.Used == l.Size:
			note = "(full)"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%s\n", l.URI, l.Used, l.Revoked, l.Suspended, l.Created.Format(time.DateOnly), note)
	}
	tw.Flush()
	return exitOK
}

func printRecord(e *env, rec *issuer.CredentialInfo) {
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "id\t%s\n", rec.ID)
	fmt.Fprintf(tw, "status\t%s\n", rec.Status)
	fmt.Fprintf(tw, "type\t%s\n", rec.Type)
	fmt.Fprintf(tw, "level\t%s\n", rec.Level)
	fmt.Fprintf(tw, "issued\t%s\n", rfc3339(rec.IssuedAt))
	fmt.Fprintf(tw, "expires\t%s\n", rfc3339(rec.Expiry))
	fmt.Fprintf(tw, "kid\t%s\n", base64.RawURLEncoding.EncodeToString(rec.KID))
	for _, c := range rec.History {
		line := rfc3339(c.At) + " " + c.To.String()
		if c.Reason != "" {
			line += ": " + c.Reason
		}
		fmt.Fprintf(tw, "change\t%s\n", line)
	}
	tw.Flush()
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }
