package main

import (
	"encoding/binary"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
	bbolt "go.etcd.io/bbolt"

	"github.com/netcred/netcred/issuer"
)

// cmdAuditTamper changes an issuer store's audit log as an attacker with
// the file but not the key would: audittamper DB alter|remove|truncate N.
// alter rewrites entry N's body (leaving its hash); remove deletes entry N;
// truncate deletes the last N entries.
func cmdAuditTamper(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: audittamper DB alter|remove|truncate N")
	}
	n, err := strconv.ParseUint(args[2], 10, 64)
	ts.Check(err)
	db, err := bbolt.Open(ts.MkAbs(args[0]), 0o600, nil)
	ts.Check(err)
	defer db.Close()
	key := func(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }
	ts.Check(db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte("audit"))
		switch args[1] {
		case "alter":
			var e issuer.AuditEntry
			if err := json.Unmarshal(b.Get(key(n)), &e); err != nil {
				return err
			}
			e.Body = json.RawMessage(strings.Replace(string(e.Body), `"kind"`, `"note":"x","kind"`, 1))
			data, err := json.Marshal(&e)
			if err != nil {
				return err
			}
			return b.Put(key(n), data)
		case "remove":
			return b.Delete(key(n))
		case "truncate":
			for range n {
				k, _ := b.Cursor().Last()
				if err := b.Delete(k); err != nil {
					return err
				}
			}
			return nil
		}
		ts.Fatalf("audittamper: unknown action %q", args[1])
		return nil
	}))
}
