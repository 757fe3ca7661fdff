package httpapi

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/issuer/store/bolt"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/status"
)

// TestSharedRefreshBeforeExpiry pins issue 8 §3's "every list before it
// expires" for instances sharing a store: with no status change at all,
// the publisher signs the lists again before their tokens run out, the
// other instance serves each new publication, and when the publisher
// stops the survivor takes over the refreshing. Neither instance ever
// serves an expired token.
func TestSharedRefreshBeforeExpiry(t *testing.T) {
	if testing.Short() {
		t.Skip("watches the publication for several seconds")
	}
	key, _ := keys.Generate(credential.EdDSA)
	st, err := bolt.Open(filepath.Join(t.TempDir(), "issuer.db"), bolt.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := issuer.Open(st, issuer.New(key, nil), issuer.Options{BaseURI: "https://issuer.example/status/", ListSize: 1 << 12}); err != nil {
		t.Fatal(err)
	}
	// Tokens valid 6 s with a ttl of 2 s: the publisher must sign again
	// every second or so (half the ttl), far more often than its
	// PublishEvery default of 30 minutes.
	const validity, ttl = 6 * time.Second, 2 * time.Second
	hub := &memHub{}
	start := func() *instance {
		in := &instance{coord: hub.join()}
		svc, err := issuer.Open(sharedStore{st, in.coord}, issuer.New(key, nil), issuer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ring := NewKeyRing(key)
		backend := NewServiceBackend(svc, ring, ServiceOptions{ListValidity: validity, ListTTL: ttl})
		in.srv, err = New(Options{Backend: backend, Keys: ring, Rate: -1, PublishDelay: 5 * time.Millisecond, PublishPoll: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { in.srv.Run(ctx); close(done) }()
		in.stop = func() { cancel(); <-done }
		return in
	}
	a, b := start(), start()
	defer func() { a.stop(); b.stop() }()

	// served returns the iat and exp of the token in serves for list 1
	// (zero before its first publication).
	served := func(in *instance) (iat, exp time.Time) {
		t.Helper()
		w := httptest.NewRecorder()
		in.srv.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/v1/status/1", nil))
		if w.Code == 404 {
			return time.Time{}, time.Time{}
		}
		if w.Code != 200 {
			t.Fatalf("GET /v1/status/1: %d %s", w.Code, w.Body)
		}
		tok, err := status.ParseToken(w.Body.Bytes(), keyResolver(key))
		if err != nil {
			t.Fatal(err)
		}
		return tok.IssuedAt, tok.Expiry
	}
	// watch polls the instances for d: none may serve an expired token,
	// and each must show at least three publications (distinct iats).
	watch := func(d time.Duration, ins ...*instance) {
		t.Helper()
		iats := make([]map[time.Time]bool, len(ins))
		for i := range iats {
			iats[i] = map[time.Time]bool{}
		}
		for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
			for i, in := range ins {
				iat, exp := served(in)
				if iat.IsZero() {
					continue
				}
				if now := time.Now(); !now.Before(exp) {
					t.Fatalf("instance %d serves a token that expired at %s (iat %s), now %s", i, exp.Format(time.RFC3339), iat.Format(time.RFC3339), now.Format(time.RFC3339Nano))
				}
				iats[i][iat] = true
			}
		}
		for i := range ins {
			if n := len(iats[i]); n < 3 {
				t.Errorf("instance %d served %d publications in %s without a change; want the lists signed again before they expire (at least 3)", i, n, d)
			}
		}
	}
	watch(5*time.Second, a, b)

	// The publisher stops: the survivor takes over and keeps the lists
	// fresh, still without any change to publish.
	pub, survivor := a, b
	if hub.holder == b.coord {
		pub, survivor = b, a
	}
	pub.stop()
	pub.stop = func() {}
	watch(5*time.Second, survivor)
	if hub.holder != survivor.coord {
		t.Error("the survivor does not hold the publish lock")
	}
}
