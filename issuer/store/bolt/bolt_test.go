package bolt_test

import (
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

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
