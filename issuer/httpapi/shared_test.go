package httpapi

import (
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/issuer/evidence"
	"github.com/netcred/netcred/issuer/store/bolt"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/status"
)

// memHub is a shared store's coordination in memory: what a database
// gives the instances sharing it (the reference the PostgreSQL
// Coordinator is held to).
type memHub struct {
	mu      sync.Mutex
	seq     uint64
	pub     *issuer.Publication
	holder  *memCoord
	members []*memCoord
	down    bool
}

type memCoord struct {
	hub  *memHub
	wake chan struct{}
}

var errHubDown = errors.New("memhub: down")

func (h *memHub) join() *memCoord {
	h.mu.Lock()
	defer h.mu.Unlock()
	c := &memCoord{hub: h, wake: make(chan struct{}, 1)}
	h.members = append(h.members, c)
	return c
}

func (h *memHub) wakeOthers(from *memCoord) {
	for _, m := range h.members {
		if m != from {
			select {
			case m.wake <- struct{}{}:
			default:
			}
		}
	}
}

func (c *memCoord) PublishLock(context.Context) (bool, error) {
	c.hub.mu.Lock()
	defer c.hub.mu.Unlock()
	if c.hub.down {
		return false, errHubDown
	}
	if c.hub.holder == nil {
		c.hub.holder = c
	}
	return c.hub.holder == c, nil
}

func (c *memCoord) Announce(context.Context) (uint64, error) {
	c.hub.mu.Lock()
	defer c.hub.mu.Unlock()
	if c.hub.down {
		return 0, errHubDown
	}
	c.hub.seq++
	c.hub.wakeOthers(c)
	return c.hub.seq, nil
}

func (c *memCoord) LastAnnounced(context.Context) (uint64, error) {
	c.hub.mu.Lock()
	defer c.hub.mu.Unlock()
	if c.hub.down {
		return 0, errHubDown
	}
	return c.hub.seq, nil
}

func (c *memCoord) PutPublication(_ context.Context, p *issuer.Publication) (bool, error) {
	c.hub.mu.Lock()
	defer c.hub.mu.Unlock()
	if c.hub.down {
		return false, errHubDown
	}
	if c.hub.pub != nil && !p.IssuedAt.After(c.hub.pub.IssuedAt) {
		return false, nil
	}
	c.hub.pub = p
	c.hub.wakeOthers(c)
	return true, nil
}

func (c *memCoord) Publication(_ context.Context, after time.Time) (*issuer.Publication, error) {
	c.hub.mu.Lock()
	defer c.hub.mu.Unlock()
	if c.hub.down {
		return nil, errHubDown
	}
	if c.hub.pub == nil || !c.hub.pub.IssuedAt.After(after) {
		return nil, nil
	}
	return c.hub.pub, nil
}

func (c *memCoord) Wake() <-chan struct{} { return c.wake }

func (c *memCoord) Close() error {
	c.hub.mu.Lock()
	defer c.hub.mu.Unlock()
	if c.hub.holder == c {
		c.hub.holder = nil
	}
	return nil
}

// sharedStore is a store with a memHub Coordinator: an issuer.SharedStore.
type sharedStore struct {
	issuer.Store
	coord *memCoord
}

func (s sharedStore) Coordinator() issuer.Coordinator { return s.coord }

// instance is one service instance over a shared store.
type instance struct {
	srv    *Server
	stop   func()
	coord  *memCoord
	handle func(method, path, token, body string) *httptest.ResponseRecorder
}

// TestSharedPublication runs two instances over one store: one publishes,
// both serve the same tokens, a change made through either is published
// within a publication, and when the publisher stops the other takes
// over and publishes what changes after.
func TestSharedPublication(t *testing.T) {
	key, _ := keys.Generate(credential.EdDSA)
	st, err := bolt.Open(filepath.Join(t.TempDir(), "issuer.db"), bolt.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	opts := issuer.Options{BaseURI: "https://issuer.example/status/", ListSize: 1 << 12}
	svc, err := issuer.Open(st, issuer.New(key, nil), opts)
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := svc.AddClient("ops", credential.LevelSubstantial, []string{"identity"}, issuer.ScopeAdmin)
	if err != nil {
		t.Fatal(err)
	}
	hub := &memHub{}
	start := func() *instance {
		in := &instance{coord: hub.join()}
		svc, err := issuer.Open(sharedStore{st, in.coord}, issuer.New(key, nil), issuer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ring := NewKeyRing(key)
		backend := NewServiceBackend(svc, ring, ServiceOptions{})
		in.srv, err = New(Options{Backend: backend, Keys: ring, Rate: -1, PublishDelay: 5 * time.Millisecond, PublishPoll: 20 * time.Millisecond,
			Evaluator: EvidenceEvaluator{Evaluator: &evidence.Evaluator{Terminals: svc, Replay: svc}}})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { in.srv.Run(ctx); close(done) }()
		in.stop = func() { cancel(); <-done }
		in.handle = func(method, path, tok, body string) *httptest.ResponseRecorder {
			req := httptest.NewRequest(method, path, strings.NewReader(body))
			if tok != "" {
				req.Header.Set("Authorization", "Bearer "+tok)
			}
			w := httptest.NewRecorder()
			in.srv.Handler().ServeHTTP(w, req)
			return w
		}
		return in
	}
	a, b := start(), start()
	defer func() { a.stop(); b.stop() }()
	issue := func(in *instance) issueAnswer {
		t.Helper()
		w := in.handle("POST", "/v1/credentials", token, issueBodyJSON("substantial", faceMatch))
		var ans issueAnswer
		if w.Code != 201 || json.Unmarshal(w.Body.Bytes(), &ans) != nil {
			t.Fatalf("issue: %d %s", w.Code, w.Body)
		}
		return ans
	}
	entry := func(in *instance, idx uint64) (status.Status, []byte) {
		t.Helper()
		w := in.handle("GET", "/v1/status/1", "", "")
		if w.Code != 200 {
			t.Fatalf("GET /v1/status/1: %d %s", w.Code, w.Body)
		}
		tok, err := status.ParseToken(w.Body.Bytes(), keyResolver(key))
		if err != nil {
			t.Fatal(err)
		}
		s, _ := tok.List.Get(idx)
		return s, w.Body.Bytes()
	}
	leaders := func() (n int) {
		for _, in := range []*instance{a, b} {
			if ok, _ := in.coord.PublishLock(context.Background()); ok {
				n++
			}
		}
		return n
	}
	c1, c2 := issue(a), issue(b)
	if w := b.handle("POST", "/v1/credentials/"+c1.ID+"/revoke", token, `{"reason":"test"}`); w.Code != 200 {
		t.Fatalf("revoke through b: %d %s", w.Code, w.Body)
	}
	for _, in := range []*instance{a, b} {
		if err := in.srv.Republish(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	// The publisher may publish again between the two reads (its timers
	// run on their own): the tokens must agree once it is quiet.
	var sa, sb status.Status
	same := false
	for try := 0; try < 50 && !same; try++ {
		var ta, tb []byte
		sa, ta = entry(a, c1.Status.Idx)
		sb, tb = entry(b, c1.Status.Idx)
		same = string(ta) == string(tb)
		if !same {
			time.Sleep(20 * time.Millisecond)
		}
	}
	if sa != status.Revoked || sb != status.Revoked {
		t.Errorf("entry of the revoked credential: a serves %v, b %v; want revoked at both", sa, sb)
	}
	if !same {
		t.Error("the two instances serve different tokens; want the publisher's at both")
	}
	if n := leaders(); n != 1 {
		t.Errorf("%d instances hold the publish lock; want 1", n)
	}
	// The publisher stops (its lock is released); the other takes over.
	pub, survivor := a, b
	if hub.holder == b.coord {
		pub, survivor = b, a
	}
	pub.stop()
	if w := survivor.handle("POST", "/v1/credentials/"+c2.ID+"/suspend", token, `{"reason":"test"}`); w.Code != 200 {
		t.Fatalf("suspend through the survivor: %d %s", w.Code, w.Body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := survivor.srv.Republish(ctx); err != nil {
		t.Fatalf("republish after the publisher stopped: %v", err)
	}
	if s, _ := entry(survivor, c2.Status.Idx); s != status.Suspended {
		t.Errorf("entry of the suspended credential: %v; want suspended", s)
	}
	if hub.holder != survivor.coord {
		t.Error("the survivor does not hold the publish lock")
	}
	pub.stop = func() {}
	// The shared store goes down: /healthz is not ready, with a
	// Retry-After; it comes back by itself.
	hub.mu.Lock()
	hub.down = true
	hub.mu.Unlock()
	waitFor(t, func() bool { return survivor.handle("GET", "/healthz", "", "").Code == 503 })
	if w := survivor.handle("GET", "/healthz", "", ""); w.Header().Get("Retry-After") == "" {
		t.Error("healthz 503 without Retry-After")
	}
	hub.mu.Lock()
	hub.down = false
	hub.mu.Unlock()
	waitFor(t, func() bool { return survivor.handle("GET", "/healthz", "", "").Code == 200 })
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatal("condition not reached within 10 s")
}

func keyResolver(key *keys.PrivateKey) status.KeyFinder {
	return func(kid []byte) (credential.Algorithm, crypto.PublicKey, bool) {
		return key.Algorithm(), key.Public().Key(), string(kid) == string(key.KID())
	}
}

// TestStoreUnavailable: a store that cannot be reached answers 503 with a
// Retry-After and the code store_unavailable, never a 500.
func TestStoreUnavailable(t *testing.T) {
	ts := newTestService(t, Options{})
	ts.fake.mu.Lock()
	ts.fake.failIssue = fmt.Errorf("connecting: %w", issuer.ErrStoreUnavailable)
	ts.fake.mu.Unlock()
	w := ts.do(t, "POST", "/v1/credentials", "tok-miniapp", issueBodyJSON("substantial", faceMatch))
	if w.Code != 503 {
		t.Fatalf("status %d %s; want 503", w.Code, w.Body)
	}
	if got := w.Header().Get("Retry-After"); got != strconv.Itoa(RetryAfter) {
		t.Errorf("Retry-After %q; want %d", got, RetryAfter)
	}
	if code, _ := errorOf(t, w); code != CodeStoreUnavailable {
		t.Errorf("code %q; want %q", code, CodeStoreUnavailable)
	}
}
