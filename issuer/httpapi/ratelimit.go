package httpapi

import (
	"net/netip"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiters holds one token bucket per client.
type limiters struct {
	limit rate.Limit
	burst int
	mu    sync.Mutex
	m     map[string]*rate.Limiter
}

// allow takes a token of client's bucket at now; when none is left it
// returns false and how long until one is.
func (l *limiters) allow(client string, now time.Time) (bool, time.Duration) {
	if l.limit == rate.Inf {
		return true, 0
	}
	l.mu.Lock()
	lim := l.m[client]
	if lim == nil {
		lim = rate.NewLimiter(l.limit, l.burst)
		l.m[client] = lim
	}
	l.mu.Unlock()
	r := lim.ReserveN(now, 1)
	if !r.OK() {
		return false, time.Second
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// Failed authentications are limited per remote address (spec/service.md
// §2): DefaultFailRate per second, DefaultFailBurst at once, in a table of
// at most 2*DefaultFailAddrs addresses.
const (
	DefaultFailRate  = 5
	DefaultFailBurst = 50
	DefaultFailAddrs = 8192
)

// failLimits is a token bucket of failed authentications per remote
// address (an IPv6 address counts by its /64). Its memory is bounded: the
// addresses live in two generations of at most size each; when the
// current one is full it becomes the previous (the one before is
// dropped), and an address found only in the previous moves to the
// current. An address pushed out starts again with a full bucket, which
// only gives back what it would have had after 1/rate*burst seconds.
type failLimits struct {
	limit rate.Limit
	burst int
	size  int

	mu        sync.RWMutex
	cur, prev map[string]*rate.Limiter
}

func newFailLimits(limit rate.Limit, burst, size int) *failLimits {
	return &failLimits{limit: limit, burst: burst, size: size, cur: map[string]*rate.Limiter{}}
}

// addrKey is the bucket of a remote address "host:port".
func addrKey(remote string) string {
	ap, err := netip.ParseAddrPort(remote)
	if err != nil {
		if len(remote) > 64 {
			remote = remote[:64]
		}
		return remote
	}
	a := ap.Addr().Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// get returns the limiter of key, adding it; l.mu is held.
func (l *failLimits) get(key string) *rate.Limiter {
	if lim := l.cur[key]; lim != nil {
		return lim
	}
	lim := l.prev[key]
	if lim == nil {
		lim = rate.NewLimiter(l.limit, l.burst)
	} else {
		delete(l.prev, key)
	}
	if len(l.cur) >= l.size {
		l.prev, l.cur = l.cur, make(map[string]*rate.Limiter, l.size)
	}
	l.cur[key] = lim
	return lim
}

// blocked reports whether remote has no failure left at now, and how
// long until it has one. It adds nothing to the table.
func (l *failLimits) blocked(remote string, now time.Time) (bool, time.Duration) {
	if l.limit == rate.Inf {
		return false, 0
	}
	key := addrKey(remote)
	l.mu.RLock()
	lim := l.cur[key]
	if lim == nil {
		lim = l.prev[key]
	}
	l.mu.RUnlock()
	if lim == nil {
		return false, 0
	}
	tokens := lim.TokensAt(now)
	if tokens >= 1 {
		return false, 0
	}
	return true, time.Duration((1 - tokens) / float64(l.limit) * float64(time.Second))
}

// failed takes one failure from remote's bucket at now.
func (l *failLimits) failed(remote string, now time.Time) {
	if l.limit == rate.Inf {
		return
	}
	key := addrKey(remote)
	l.mu.Lock()
	lim := l.get(key)
	l.mu.Unlock()
	lim.AllowN(now, 1)
}

// len is how many addresses the table holds.
func (l *failLimits) len() int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return len(l.cur) + len(l.prev)
}
