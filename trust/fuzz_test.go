package trust

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzImport offers arbitrary bytes to a trust store that holds a bundle
// and a list, as files from a USB stick would be: no panic, and a refused
// import leaves the store's files as they were.
func FuzzImport(f *testing.F) {
	w := newWorld(f)
	bundle := w.bundle(f, 2, w.root, "x")
	token := w.token(f, w.issuer, fixedNow, 3)
	f.Add(bundle)
	f.Add(token)
	f.Add(w.bundle(f, 1, w.root, "older"))
	f.Add(token[:len(token)/2])
	f.Add([]byte("eyJhbGciOiJFZERTQSJ9.e30.AAAA"))
	dir := filepath.Join(f.TempDir(), "trust")
	if err := Init(dir, []string{w.root.Public().Thumbprint()}); err != nil {
		f.Fatal(err)
	}
	s, _ := Open(dir)
	if _, err := s.Import([]Input{{"b", bundle}, {"t", token}}); err != nil {
		f.Fatal(err)
	}
	snapshot := func() []byte {
		var all []byte
		filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() {
				b, _ := os.ReadFile(p)
				all = append(append(all, p...), b...)
			}
			return nil
		})
		return all
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		store, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		store.Now = func() time.Time { return fixedNow.Add(time.Hour) }
		before := snapshot()
		if _, err := store.Import([]Input{{"fuzz", data}}); err != nil && !bytes.Equal(before, snapshot()) {
			t.Fatalf("a refused import changed the store: %v", err)
		}
	})
}
