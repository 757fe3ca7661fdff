package main

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/netcred/netcred/issuer"
)

// checkStatusChanges compares the store's status change records with the
// audit log's status entries (spec/issuer.md §2.10): every change was
// written with its entry, naming the same credential, statuses, reason
// and client, so a change without its entry, or an entry without its
// change, means one of the two was altered or removed. It returns what
// does not match, one line each.
func checkStatusChanges(st storeSource) ([]string, error) {
	type pending struct {
		seqs []uint64
	}
	var baseURI string
	changes := map[string]*pending{}
	var problems []string
	key := func(credential, from, to, reason, client string) string {
		return strconv.Quote(credential) + strconv.Quote(from) + strconv.Quote(to) + strconv.Quote(reason) + strconv.Quote(client)
	}
	err := st.Export(func(rec any) error {
		switch r := rec.(type) {
		case *issuer.Config:
			baseURI = r.BaseURI
		case *issuer.StatusChange:
			id := baseURI + strconv.FormatUint(uint64(r.List), 10) + "#" + strconv.FormatUint(r.Index, 10)
			k := key(id, r.From.String(), r.To.String(), r.Reason, r.Client)
			p := changes[k]
			if p == nil {
				p = &pending{}
				changes[k] = p
			}
			p.seqs = append(p.seqs, r.Seq)
		case *issuer.AuditEntry:
			var b issuer.AuditBody
			if json.Unmarshal(r.Body, &b) != nil || b.Kind != issuer.AuditStatus {
				return nil // not a status entry (VerifyAudit reports bodies that do not parse)
			}
			p := changes[key(b.Credential, b.From, b.To, b.Reason, b.Client)]
			if p == nil || len(p.seqs) == 0 {
				problems = append(problems, fmt.Sprintf("audit entry %d (%s of %s from %s) has no status change record", r.Seq, b.To, b.Credential, b.From))
				return nil
			}
			p.seqs = p.seqs[1:]
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var left []uint64
	for _, p := range changes {
		left = append(left, p.seqs...)
	}
	if len(left) > 0 {
		problems = append(problems, fmt.Sprintf("%d status change records have no audit entry (the first: status change %d)", len(left), minSeq(left)))
	}
	return problems, nil
}

func minSeq(s []uint64) uint64 {
	m := s[0]
	for _, v := range s[1:] {
		m = min(m, v)
	}
	return m
}
