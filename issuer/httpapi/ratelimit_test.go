package httpapi

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestFailedAuthLimit: failed authentications are limited per remote
// address; past the burst the address gets 429 with Retry-After, before
// its token is looked up, until the bucket refills. Other addresses are
// not affected.
func TestFailedAuthLimit(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	ts := newTestService(t, Options{FailRate: 0.5, FailBurst: 3, Now: clock})
	get := func(remote, token string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/v1/credentials/1.1", nil)
		req.RemoteAddr = remote
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		w := httptest.NewRecorder()
		ts.h.ServeHTTP(w, req)
		return w
	}
	const attacker = "198.51.100.7:40000"
	for i, tok := range []string{"guess-1", "", "guess-3"} {
		if w := get(attacker, tok); w.Code != 401 {
			t.Fatalf("failure %d: %d %s; want 401", i+1, w.Code, w.Body)
		}
	}
	for _, tok := range []string{"guess-4", "tok-admin"} {
		w := get(attacker, tok)
		if w.Code != 429 || !strings.Contains(w.Body.String(), CodeRateLimited) {
			t.Errorf("token %s past the burst: %d %s; want 429 %s", tok, w.Code, w.Body, CodeRateLimited)
		}
		if ra := w.Header().Get("Retry-After"); ra != "2" {
			t.Errorf("Retry-After = %q; want 2 (one failure per 2 s)", ra)
		}
	}
	// Another port of the same host is the same address; another host is
	// not limited, nor is an IPv6 host outside the attacker's /64.
	if w := get("198.51.100.7:40001", "guess-5"); w.Code != 429 {
		t.Errorf("another port: %d; want 429", w.Code)
	}
	if w := get("203.0.113.9:1234", "tok-admin"); w.Code == 429 || w.Code == 401 {
		t.Errorf("another address with a good token: %d %s; want it served", w.Code, w.Body)
	}
	// IPv6: one /64 is one address.
	for i := range 3 {
		get(fmt.Sprintf("[2001:db8:1:2::%x]:443", i+1), "guess")
	}
	if w := get("[2001:db8:1:2:ffff::1]:443", "guess"); w.Code != 429 {
		t.Errorf("a fourth host of one IPv6 /64: %d; want 429", w.Code)
	}
	if w := get("[2001:db8:1:3::1]:443", "guess"); w.Code != 401 {
		t.Errorf("a host of another /64: %d; want 401", w.Code)
	}
	// The bucket refills: one failure per 2 s.
	mu.Lock()
	now = now.Add(2 * time.Second)
	mu.Unlock()
	if w := get(attacker, "guess-6"); w.Code != 401 {
		t.Errorf("after 2 s: %d; want 401", w.Code)
	}
	if w := get(attacker, "guess-7"); w.Code != 429 {
		t.Errorf("the next failure after 2 s: %d; want 429", w.Code)
	}
	// A negative FailRate disables the limit.
	off := newTestService(t, Options{FailRate: -1})
	for i := range 100 {
		req := httptest.NewRequest("GET", "/v1/credentials/1.1", nil)
		w := httptest.NewRecorder()
		off.h.ServeHTTP(w, req)
		if w.Code != 401 {
			t.Fatalf("unlimited, failure %d: %d; want 401", i, w.Code)
		}
	}
}

// TestFailLimitsBounded: however many addresses fail, the table holds at
// most twice its size, and an address that keeps failing stays limited.
func TestFailLimitsBounded(t *testing.T) {
	l := newFailLimits(1, 2, 16)
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for i := range 100000 {
		l.failed(fmt.Sprintf("10.%d.%d.%d:1", i>>16&255, i>>8&255, i&255), now)
		if i%5 == 0 { // one persistent address among them
			l.failed("192.0.2.1:1", now)
		}
	}
	if n := l.len(); n > 32 {
		t.Errorf("the table holds %d addresses; want at most 32", n)
	}
	if blocked, wait := l.blocked("192.0.2.1:9", now); !blocked || wait <= 0 || wait > time.Second {
		t.Errorf("the persistent address: blocked %v, wait %s; want blocked for up to 1 s", blocked, wait)
	}
	if blocked, _ := l.blocked("192.0.2.2:1", now); blocked {
		t.Errorf("an address that never failed is blocked")
	}
	for _, remote := range []string{"", "not an address", strings.Repeat("x", 1000)} {
		l.failed(remote, now) // odd RemoteAddr values are keyed, bounded
		if k := addrKey(remote); len(k) > 64 {
			t.Errorf("addrKey(%.20q) has %d bytes; want at most 64", remote, len(k))
		}
	}
}
