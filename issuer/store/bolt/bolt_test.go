package bolt_test

import (
	"errors"
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
