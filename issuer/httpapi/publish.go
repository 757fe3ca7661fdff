package httpapi

// The background publisher: it signs every status list when the service
// starts, within PublishDelay of a status change or of a new list, and
// again before the tokens' ttl runs out, and keeps the tokens in memory
// for the distribution point.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/url"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netcred/netcred/status"
)

// served is one token with what its responses need.
type served struct {
	Token
	etag string
}

// tokenSet is one publication: every list's token by the names it is
// served under.
type tokenSet struct {
	byName map[string]*served
	uris   []string
	at     time.Time
}

type publisher struct {
	backend Backend
	log     *slog.Logger
	m       *metrics
	now     func() time.Time
	delay   time.Duration
	every   time.Duration
	current atomic.Pointer[tokenSet]
	kick    chan struct{}
	// gen counts requests for a publication; done the last one covered.
	mu        sync.Mutex
	cond      *sync.Cond
	requested uint64
	done      uint64
	lastErr   error
}

func newPublisher(b Backend, log *slog.Logger, m *metrics, now func() time.Time, delay, every time.Duration) *publisher {
	p := &publisher{backend: b, log: log, m: m, now: now, delay: delay, every: every, kick: make(chan struct{}, 1)}
	p.cond = sync.NewCond(&p.mu)
	p.current.Store(&tokenSet{byName: map[string]*served{}})
	return p
}

// request asks for a publication that reflects every write acknowledged
// before the call, and returns its generation.
func (p *publisher) request() uint64 {
	p.mu.Lock()
	p.requested++
	g := p.requested
	p.mu.Unlock()
	select {
	case p.kick <- struct{}{}:
	default:
	}
	return g
}

// wait blocks until generation g is published (or ctx ends).
func (p *publisher) wait(ctx context.Context, g uint64) error {
	stop := context.AfterFunc(ctx, func() {
		p.mu.Lock()
		p.cond.Broadcast()
		p.mu.Unlock()
	})
	defer stop()
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.done < g {
		if err := ctx.Err(); err != nil {
			return err
		}
		p.cond.Wait()
	}
	return nil
}

// run publishes until ctx ends.
func (p *publisher) run(ctx context.Context) {
	timer := time.NewTimer(0) // publish at once on start
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.kick:
			// Let changes arriving together share one publication.
			select {
			case <-ctx.Done():
				return
			case <-time.After(p.delay):
			}
		case <-timer.C:
		}
		p.mu.Lock()
		g := p.requested
		p.mu.Unlock()
		next, err := p.publish(ctx)
		if err != nil {
			p.log.Error("publishing status lists", "err", err)
			next = min(p.every, 5*time.Second) // retry soon
		}
		p.mu.Lock()
		if g > p.done {
			p.done = g
		}
		p.cond.Broadcast()
		p.mu.Unlock()
		timer.Reset(next)
	}
}

// publish signs every list and returns when to publish again: at every,
// or sooner when half of a token's ttl or validity would pass first.
func (p *publisher) publish(ctx context.Context) (time.Duration, error) {
	start := time.Now()
	toks, err := p.backend.Publish(ctx, p.now())
	p.mu.Lock()
	p.lastErr = err
	p.mu.Unlock()
	if err != nil {
		return 0, err
	}
	set := &tokenSet{byName: map[string]*served{}, at: p.now()}
	minTTL := p.every
	for _, t := range toks {
		sum := sha256.Sum256(t.Data)
		s := &served{Token: t, etag: `"` + hex.EncodeToString(sum[:16]) + `"`}
		set.uris = append(set.uris, t.URI)
		for _, name := range listNames(t.URI) {
			set.byName[name] = s
		}
		if t.TTL > 0 && t.TTL/2 < minTTL {
			minTTL = t.TTL / 2
		}
		if life := t.Expiry.Sub(t.IssuedAt); life/2 < minTTL {
			minTTL = life / 2
		}
	}
	p.current.Store(set)
	p.m.publish.Observe(time.Since(start).Seconds())
	p.log.Debug("published status lists", "lists", len(toks), "dur_ms", time.Since(start).Milliseconds())
	return max(minTTL, time.Second), nil
}

// healthy reports the last publication's error, if any.
func (p *publisher) healthy() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lastErr
}

// listNames are the names under which a list is found: its file name in
// the distribution layout (status.FileName), that name without ".cwt",
// the last segment of its uri (so /v1/status/3 finds ".../status/3"),
// and its uri's path (the list at its own location).
func listNames(uri string) []string {
	file := status.FileName(uri)
	names := []string{"file:" + file, "file:" + strings.TrimSuffix(file, ".cwt")}
	if u, err := url.Parse(uri); err == nil && u.Path != "" {
		names = append(names, "path:"+u.Path)
		if b := path.Base(u.Path); b != "/" && b != "." {
			names = append(names, "file:"+b)
		}
	}
	return names
}
