package issuer_test

import (
	"errors"
	"path/filepath"
	"sync"
	"testing"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer"
)

// TestIssueOnce: one key issues one credential, however often and however
// concurrently it is asked; a key reused for another request is refused.
func TestIssueOnce(t *testing.T) {
	s := openService(t, filepath.Join(t.TempDir(), "issuer.db"), newKey(t), issuer.Options{})
	defer s.Close()
	req := issuer.Request{Type: "identity", Level: credential.LevelSubstantial, Claims: claims()}
	const callers = 16
	answers := make([]*issuer.OnceAnswer, callers)
	replays := make([]bool, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			a, replayed, err := s.IssueOnce(req, issuer.IssueInfo{}, "batch/b1/line:1", []byte("h1"))
			if err != nil {
				t.Errorf("IssueOnce #%d: %v", i, err)
				return
			}
			answers[i], replays[i] = a, replayed
		})
	}
	wg.Wait()
	fresh := 0
	for i, a := range answers {
		if a == nil {
			t.FailNow()
		}
		if *a != *answers[0] {
			t.Errorf("answer #%d = %+v; want %+v", i, a, answers[0])
		}
		if !replays[i] {
			fresh++
		}
	}
	if fresh != 1 {
		t.Errorf("%d of %d calls issued; want 1", fresh, callers)
	}
	info, err := s.Credential(answers[0].ID)
	if err != nil {
		t.Fatalf("Credential(%s): %v", answers[0].ID, err)
	}
	if info == nil {
		t.Fatalf("Credential(%s) = nil", answers[0].ID)
	}
	if n := countCredentials(t, s); n != 1 {
		t.Errorf("store holds %d credentials; want 1", n)
	}
	if _, _, err := s.IssueOnce(req, issuer.IssueInfo{}, "batch/b1/line:1", []byte("h2")); !errors.Is(err, issuer.ErrKeyReused) {
		t.Errorf("IssueOnce with another request hash: err = %v; want ErrKeyReused", err)
	}
	if _, _, err := s.IssueOnce(req, issuer.IssueInfo{}, "", nil); !errors.Is(err, issuer.ErrRequest) {
		t.Errorf("IssueOnce with an empty key: err = %v; want ErrRequest", err)
	}
	bad := req
	bad.Claims = map[string]any{"name": 7}
	if _, _, err := s.IssueOnce(bad, issuer.IssueInfo{}, "batch/b1/line:2", []byte("h3")); err == nil {
		t.Errorf("IssueOnce of invalid claims: err = nil; want an error")
	}
	if _, replayed, err := s.IssueOnce(req, issuer.IssueInfo{}, "batch/b1/line:2", []byte("h3")); err != nil || replayed {
		t.Errorf("IssueOnce after a failed call with the key: replayed %v, err %v; want a fresh credential", replayed, err)
	}
}

func countCredentials(tb testing.TB, s *issuer.Service) int {
	tb.Helper()
	lists, err := s.Lists()
	if err != nil {
		tb.Fatal(err)
	}
	n := 0
	err = s.Store().View(func(tx issuer.Tx) error {
		for _, l := range lists {
			c, err := tx.CountCredentials(l.Number)
			if err != nil {
				return err
			}
			n += c
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}
