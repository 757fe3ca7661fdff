package httpapi

import (
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
