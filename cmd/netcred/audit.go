package main

import (
	"fmt"

	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/keys"
)

const auditUsage = `Usage:
  netcred audit verify --db PATH [--key PUBLIC_JWK]...
      check the issuer store's audit log: every entry in sequence and
      unaltered (each holds the previous entry's hash), and every checkpoint
      signed by the issuer key over the entry it names; name the first
      altered, removed or truncated entry and exit 1 if any

Without --key, checkpoints must be signed by a key the log itself recorded
when it was first used; with --key (the issuer's public JWK, repeatable),
only by those keys, so that a rewritten log with a new key is caught.
Entries after the last checkpoint are reported as not yet signed. The
store's status change records and the log's status entries must match one
for one (each change is written with its entry).

Example:
  netcred audit verify --db issuer.db --key issuer.pub.jwk
`

func runAudit(args []string, e *env) int {
	return runGroup(e, "audit", auditUsage, args, map[string]func([]string, *env) int{"verify": runAuditVerify})
}

func runAuditVerify(args []string, e *env) int {
	c := newStoreCommand(e, "audit verify", "audit verify --db PATH [--key PUBLIC_JWK]...", "netcred audit verify --db issuer.db --key issuer.pub.jwk", false)
	var keyFiles listFlag
	c.fs.Var(&keyFiles, "key", "an issuer public JWK file that checkpoints must be signed by (repeatable)")
	_, db, code, ok := c.parse(args, noArgs, "")
	if !ok {
		return code
	}
	var trusted []*keys.PublicKey
	for _, f := range keyFiles {
		data, err := readText(e, f, maxSmallFile)
		if err != nil {
			errorf(e, "--key: %v", err)
			fileHint(e, err)
			return exitUsage
		}
		k, err := keys.ParsePublicJWK(data)
		if err != nil {
			errorf(e, "--key %s: %v", f, err)
			return exitUsage
		}
		trusted = append(trusted, k)
	}
	// Read the raw records only: the issuer rules (issuer.Open) would
	// refuse a store whose config was tampered with before the log is read.
	st, code := openIssuerStore(e, db, true)
	if code != exitOK {
		return code
	}
	defer st.Close()
	r, err := issuer.VerifyAudit(st, trusted...)
	if err != nil {
		errorf(e, "%v", err)
		return exitInvalid
	}
	for _, p := range r.Problems {
		errorf(e, "audit entry %d %s: %s", p.Seq, p.Kind, p.Detail)
	}
	unmatched, err := checkStatusChanges(st)
	if err != nil {
		errorf(e, "%v", err)
		return exitInvalid
	}
	for _, p := range unmatched {
		errorf(e, "%s", p)
	}
	if !r.OK() || len(unmatched) > 0 {
		hint(e, "the log was changed outside netcred: compare with a backup or an exported copy to see what")
		return exitInvalid
	}
	fmt.Fprintf(e.stdout, "audit log ok: %d entries, %d signed checkpoints, signed up to entry %d\n", r.Entries, r.Checkpoints, r.Covered)
	if r.Covered < r.Last {
		warnf(e, "entries %d to %d are not yet covered by a signed checkpoint (the next netcred command with the issuer key, or serve, signs one)", r.Covered+1, r.Last)
	}
	return exitOK
}
