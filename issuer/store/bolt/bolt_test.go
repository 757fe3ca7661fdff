package bolt_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/issuer/store/bolt"
	"github.com/netcred/netcred/issuer/store/storetest"
)

func TestStore(t *testing.T) {
	var paths sync.Map // *testing.T -> file, so that a reopen finds the same file
	storetest.Run(t, func(t *testing.T) issuer.Store {
		p, _ := paths.LoadOrStore(t, filepath.Join(t.TempDir(), "issuer.db"))
		st, err := bolt.Open(p.(string), bolt.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return st
	})
}

func TestOpenLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "issuer.db")
	held, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	_, err = bolt.Open(path, bolt.Options{Timeout: 50 * time.Millisecond})
	if !errors.Is(err, issuer.ErrStoreLocked) {
		t.Errorf("second Open: got %v; want ErrStoreLocked", err)
	}
}

func TestReadOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "issuer.db")
	if _, err := bolt.Open(path, bolt.Options{ReadOnly: true}); !errors.Is(err, issuer.ErrNotFound) {
		t.Errorf("read-only Open of a missing file: got %v; want ErrNotFound", err)
	}
	st, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	ro, err := bolt.Open(path, bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	err = ro.Update(func(tx issuer.Tx) error { return nil })
	if !errors.Is(err, issuer.ErrReadOnly) {
		t.Errorf("Update of a read-only store: got %v; want ErrReadOnly", err)
	}
}

// A store written before the expiries index existed gets its used-once
// and idempotency records indexed when it is next opened for writing, so
// that DropExpired finds them.
func TestIndexExpiriesOnOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "issuer.db")
	st, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	err = st.Update(func(tx issuer.Tx) error {
		if err := tx.UseOnce("attestation", "a", t0, t0); err != nil {
			return err
		}
		return tx.PutIdempotency(&issuer.IdempotencyRecord{Client: "c", Key: "k", Response: []byte(`{}`), Created: t0, Expires: t0.Add(time.Minute)})
	})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	raw, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := raw.Update(func(tx *bbolt.Tx) error { return tx.DeleteBucket([]byte("expiries")) }); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	st, err = bolt.Open(path, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int
	err = st.Update(func(tx issuer.Tx) error {
		n, err = tx.DropExpired(t0.Add(time.Hour), 10)
		return err
	})
	if err != nil || n != 2 {
		t.Errorf("DropExpired after reindexing: %d, %v; want 2, nil", n, err)
	}
}

// TestGroupCommit: Updates made at once share commits; one that fails or
// panics fails alone, and every other one is durable after a reopen.
func TestGroupCommit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "issuer.db")
	st, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	errBad := errors.New("refused")
	const n = 200
	errs := make([]error, n)
	panics := make([]any, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			defer func() { panics[i] = recover() }()
			errs[i] = st.Update(func(tx issuer.Tx) error {
				switch {
				case i%50 == 7:
					return errBad
				case i == 99:
					panic("boom")
				}
				return tx.InsertTerminal(&issuer.Terminal{Name: fmt.Sprintf("t%03d", i), Key: json.RawMessage(`{}`)})
			})
		})
	}
	wg.Wait()
	for i := range n {
		switch {
		case i%50 == 7:
			if !errors.Is(errs[i], errBad) {
				t.Errorf("update %d: got %v; want its own error", i, errs[i])
			}
		case i == 99:
			if panics[i] != "boom" {
				t.Errorf("update %d: got panic %v; want boom in its caller", i, panics[i])
			}
		default:
			if errs[i] != nil || panics[i] != nil {
				t.Errorf("update %d: got %v, panic %v; want success", i, errs[i], panics[i])
			}
		}
	}
	st.Close()
	st, err = bolt.Open(path, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.View(func(tx issuer.Tx) error {
		terms, err := tx.Terminals()
		if err != nil {
			return err
		}
		if got, want := len(terms), n-4-1; got != want {
			t.Errorf("after reopening: %d terminals; want %d", got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestLastAuditAfterRollback: the entry an Update appended and then lost
// to a failure is not the last entry the next Update sees.
func TestLastAuditAfterRollback(t *testing.T) {
	st, err := bolt.Open(filepath.Join(t.TempDir(), "issuer.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	entry := func(seq uint64) *issuer.AuditEntry {
		return &issuer.AuditEntry{Seq: seq, Body: json.RawMessage(fmt.Sprintf(`{"n":%d}`, seq)), Hash: issuer.Hash{byte(seq)}}
	}
	if err := st.Update(func(tx issuer.Tx) error { return tx.AppendAudit(entry(1)) }); err != nil {
		t.Fatal(err)
	}
	errLost := errors.New("lost")
	err = st.Update(func(tx issuer.Tx) error {
		if err := tx.AppendAudit(entry(2)); err != nil {
			return err
		}
		last, err := tx.LastAudit()
		if err != nil || last.Seq != 2 {
			t.Errorf("LastAudit after appending 2: %v, %v; want entry 2", last, err)
		}
		last.Body[0] = 'X' // a copy: the store's entry stays
		return errLost
	})
	if !errors.Is(err, errLost) {
		t.Fatalf("Update: got %v; want errLost", err)
	}
	err = st.Update(func(tx issuer.Tx) error {
		last, err := tx.LastAudit()
		if err != nil {
			return err
		}
		if last.Seq != 1 || string(last.Body) != `{"n":1}` {
			t.Errorf("LastAudit after the rollback: entry %d %s; want entry 1", last.Seq, last.Body)
		}
		if err := tx.AppendAudit(entry(2)); err != nil {
			return err
		}
		if last, err = tx.LastAudit(); err != nil || last.Seq != 2 || string(last.Body) != `{"n":2}` {
			t.Errorf("LastAudit after appending 2 again: %+v, %v", last, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
