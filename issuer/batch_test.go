package issuer_test

import (
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

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

// TestIssueOnceExpiry: a record is kept for Options.IdempotencyTTL (or,
// without one, until the credential expires); past that the key counts as
// unused, and DropExpired removes it.
func TestIssueOnceExpiry(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	set := func(t time.Time) { mu.Lock(); now = t; mu.Unlock() }
	path := filepath.Join(t.TempDir(), "issuer.db")
	key := newKey(t)
	s := openService(t, path, key, issuer.Options{IdempotencyTTL: time.Hour, Now: clock})
	defer s.Close()
	req := issuer.Request{Type: "identity", Level: credential.LevelSubstantial, Claims: claims(), ValidFor: 48 * time.Hour}
	first, _, err := s.IssueOnce(req, issuer.IssueInfo{Client: "app"}, "k", []byte("h"))
	if err != nil {
		t.Fatal(err)
	}
	set(clock().Add(59 * time.Minute))
	if a, err := s.Recorded("app", "k", []byte("h")); err != nil || *a != *first {
		t.Errorf("Recorded within the TTL: %+v, %v; want the first answer", a, err)
	}
	if n, err := s.DropExpired(10, 100); err != nil || n != 0 {
		t.Errorf("DropExpired within the TTL: %d, %v; want 0", n, err)
	}
	set(clock().Add(2 * time.Minute))
	if _, err := s.Recorded("app", "k", []byte("h")); !errors.Is(err, issuer.ErrNotFound) {
		t.Errorf("Recorded past the TTL: %v; want ErrNotFound", err)
	}
	second, replayed, err := s.IssueOnce(req, issuer.IssueInfo{Client: "app"}, "k", []byte("other"))
	if err != nil || replayed || second.ID == first.ID {
		t.Errorf("IssueOnce past the TTL: %+v, replayed %v, %v; want a new credential", second, replayed, err)
	}
	set(clock().Add(2 * time.Hour))
	if n, err := s.DropExpired(10, 100); err != nil || n != 1 {
		t.Errorf("DropExpired past the second record's TTL: %d, %v; want 1", n, err)
	}
	// Without a TTL (netcred issue --batch) the record lives as long as
	// the credential.
	s.Close()
	s = openService(t, path, key, issuer.Options{Now: clock})
	defer s.Close()
	b, _, err := s.IssueOnce(req, issuer.IssueInfo{}, "batch/x/1", []byte("h"))
	if err != nil {
		t.Fatal(err)
	}
	set(b.Expires.Add(-time.Second))
	if _, err := s.Recorded("", "batch/x/1", []byte("h")); err != nil {
		t.Errorf("batch record before the credential's expiry: %v; want kept", err)
	}
	set(b.Expires.Add(time.Second))
	if _, err := s.Recorded("", "batch/x/1", []byte("h")); !errors.Is(err, issuer.ErrNotFound) {
		t.Errorf("batch record after the credential's expiry: %v; want ErrNotFound", err)
	}
}

// TestKeyExpiry: the store records, per key, the latest exp of what it
// signed, across a reopen, and never moves it back.
func TestKeyExpiry(t *testing.T) {
	path := filepath.Join(t.TempDir(), "issuer.db")
	key := newKey(t)
	kid := key.Public().KIDString()
	s := openService(t, path, key, issuer.Options{})
	if _, err := s.KeyExpiry(kid); !errors.Is(err, issuer.ErrNotFound) {
		t.Errorf("KeyExpiry before any credential: %v; want ErrNotFound", err)
	}
	var latest time.Time
	for _, d := range []time.Duration{48 * time.Hour, 24 * time.Hour, 72 * time.Hour, time.Hour} {
		out, err := s.Issue(issuer.Request{Type: "identity", Level: credential.LevelSubstantial, Claims: claims(), ValidFor: d}, issuer.IssueInfo{})
		if err != nil {
			t.Fatal(err)
		}
		if out.Claims.Expiry.After(latest) {
			latest = out.Claims.Expiry
		}
	}
	s.Close()
	s = openService(t, path, key, issuer.Options{})
	defer s.Close()
	if got, err := s.KeyExpiry(kid); err != nil || !got.Equal(latest) {
		t.Errorf("KeyExpiry after a reopen: %v, %v; want %v", got, err, latest)
	}
	// A shorter credential after the reopen changes nothing.
	if _, err := s.Issue(issuer.Request{Type: "identity", Level: credential.LevelSubstantial, Claims: claims(), ValidFor: time.Minute}, issuer.IssueInfo{}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.KeyExpiry(kid); err != nil || !got.Equal(latest) {
		t.Errorf("KeyExpiry after a shorter credential: %v, %v; want %v", got, err, latest)
	}
}
