package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/status"
)

// statusChange is one of the commands that change a credential's status.
type statusChange struct {
	name     string        // command: revoke, suspend, reinstate
	to       status.Status // the status it sets
	done     string        // past tense, for messages
	synopsis string
}

var (
	revokeCommand = statusChange{"revoke", status.Revoked, "revoked", `revoke --db PATH [--reason TEXT] CREDENTIAL_OR_ID

Revokes a credential issued with --db PATH. Revocation is final: a
revoked credential can never be suspended or reinstated (use suspend for
what may be undone). Revoking twice changes nothing.
` + credentialOrIDHelp}
	suspendCommand = statusChange{"suspend", status.Suspended, "suspended", `suspend --db PATH [--reason TEXT] CREDENTIAL_OR_ID

Suspends a credential issued with --db PATH until netcred reinstate
lifts the suspension. Verifiers refuse it meanwhile (reason "suspended").
` + credentialOrIDHelp}
	reinstateCommand = statusChange{"reinstate", status.Valid, "reinstated", `reinstate --db PATH [--reason TEXT] CREDENTIAL_OR_ID

Lifts the suspension of a credential issued with --db PATH. Only
suspended credentials can be reinstated: revocation is final.
` + credentialOrIDHelp}
)

const credentialOrIDHelp = `
CREDENTIAL_OR_ID is the credential id that netcred issue printed
(LIST_URI#INDEX, e.g. https://issuer.example/status/1#734512) or the
credential itself: QR text, a file holding it, - for standard input, or a
PNG, JPEG, GIF or WebP image of the QR code. The store must have issued
it. --status-dir DIR is the same as --db DIR/issuer.db.

The change reaches verifiers when the lists are published again:
  netcred status publish --db PATH --key issuer.jwk --out www

Example:
  netcred revoke --db issuer.db --reason "reported stolen" alice.png`

func runRevoke(args []string, e *env) int    { return revokeCommand.run(args, e) }
func runSuspend(args []string, e *env) int   { return suspendCommand.run(args, e) }
func runReinstate(args []string, e *env) int { return reinstateCommand.run(args, e) }

func (c statusChange) run(args []string, e *env) int {
	cmd := newStoreCommand(e, c.name, c.synopsis, "netcred "+c.name+" --db issuer.db https://issuer.example/status/1#734512", true)
	reason := cmd.fs.String("reason", "", "why, for the issuer's own record (no personal data; at most 256 bytes)")
	rest, path, code, ok := cmd.parse(args, oneArg, "credential or credential id")
	if !ok {
		return code
	}
	e.storeUse = useStatus
	d, code := openService(e, path, nil, issuer.Options{}, false)
	if d == nil {
		return code
	}
	defer d.Close()
	rec, code := findCredential(e, d, path, rest[0])
	if rec == nil {
		return code
	}
	previous, err := d.SetStatus(rec.ID, c.to, *reason, nil)
	if err != nil {
		errorf(e, "%v", err)
		if errors.Is(err, issuer.ErrRevocationFinal) {
			hint(e, "revocation cannot be undone; issue a new credential if the holder needs one")
		}
		return exitUsage
	}
	switch {
	case previous == c.to && c.to == status.Valid:
		fmt.Fprintf(e.stderr, "%s: %s is valid, not suspended; nothing changed\n", progName, rec.ID)
		return exitOK
	case previous == c.to:
		fmt.Fprintf(e.stderr, "%s: %s was already %s; nothing changed\n", progName, rec.ID, c.done)
		return exitOK
	}
	fmt.Fprintf(e.stderr, "%s: %s %s (%s credential at level %s, issued %s)\n",
		progName, c.done, rec.ID, rec.Type, rec.Level, rfc3339(rec.IssuedAt))
	hint(e, "verifiers see it once you publish: netcred status publish --db %s --key ISSUER_KEY --out DIR", displayDB(path))
	return exitOK
}

// findCredential resolves CREDENTIAL_OR_ID to the status dir's record: an
// id (LIST_URI#INDEX) directly, a credential (QR text, a file, standard
// input or an image) by the status reference inside it, which is read
// without checking the signature and then matched against the record.
func findCredential(e *env, d *issuer.Service, path, arg string) (*issuer.CredentialInfo, int) {
	rec, err := lookUp(e, d, arg)
	if err == nil {
		return rec, exitOK
	}
	errorf(e, "%v", err)
	switch {
	case errors.Is(err, issuer.ErrMalformedID):
		hint(e, "netcred issue prints each credential's id; or give the credential itself (QR text, a file or an image)")
	case errors.Is(err, issuer.ErrNotIssued):
		hint(e, "only the store that issued a credential knows it; is %s the right --db?", displayDB(path))
	}
	return nil, exitUsage
}

func lookUp(e *env, d *issuer.Service, arg string) (*issuer.CredentialInfo, error) {
	if isCredentialID(arg) {
		return d.Credential(arg)
	}
	data, source, err := loadInput(e, arg)
	if err != nil {
		return nil, err
	}
	var cose []byte
	switch text := strings.TrimSpace(string(data)); {
	case len(data) > 0 && data[0] == 0xd2: // raw COSE_Sign1
		cose = data
	case isCredentialID(text):
		return d.Credential(text)
	default:
		if cose, err = credential.DecodeQR(text); err != nil {
			return nil, fmt.Errorf("%s: neither a credential id nor a credential: %w", source, err)
		}
	}
	rec, err := d.FindCredential(cose)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	return rec, nil
}

// isCredentialID tells an id (an http(s) URI with a fragment) from QR text,
// file names and "-".
func isCredentialID(s string) bool {
	return (strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")) && !strings.ContainsAny(s, " \n")
}
