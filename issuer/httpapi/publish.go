package httpapi

// The background publisher: it signs every status list when the service
// starts, within PublishDelay of a status change or of a new list, and
// again before the tokens' ttl runs out, and keeps the tokens in memory
// for the distribution point.
//
// Several instances may share one store (issuer.SharedStore): then only
// the one holding the Coordinator's publish lock signs; it stores each
// publication through the Coordinator, and the others serve what it
// stored. Every instance announces its status changes, so that the
// publisher republishes within seconds, and every instance tries the lock
// at each poll, so that one takes over within PublishPoll of the
// publisher's death.

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

	"github.com/netcred/netcred/issuer"
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
	// iat is the publication's iat; covers the last change it shows
	// (issuer.Publication).
	iat    time.Time
	covers uint64
}

type publisher struct {
	backend Backend
	coord   issuer.Coordinator
	log     *slog.Logger
	m       *metrics
	now     func() time.Time
	delay   time.Duration
	every   time.Duration
	poll    time.Duration
	current atomic.Pointer[tokenSet]
	kick    chan struct{}
	// pending: a change still to announce (an Announce failed, or a new
	// list was seen); wanted: the highest change number a caller waits
	// to see published.
	pending atomic.Bool
	wanted  atomic.Uint64
	// leader: this instance held the lock at the last step; refreshAt is
	// when the leader signs again even without a change.
	leader    bool
	refreshAt time.Time

	mu      sync.Mutex
	cond    *sync.Cond
	lastErr error
}

func newPublisher(b Backend, coord issuer.Coordinator, log *slog.Logger, m *metrics, now func() time.Time, delay, every, poll time.Duration) *publisher {
	p := &publisher{backend: b, coord: coord, log: log, m: m, now: now, delay: delay, every: every, poll: poll, kick: make(chan struct{}, 1)}
	p.cond = sync.NewCond(&p.mu)
	p.current.Store(&tokenSet{byName: map[string]*served{}})
	return p
}

func (p *publisher) wakeUp() {
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// request asks for a publication soon, without waiting for the
// announcement (a credential in a list not yet served).
func (p *publisher) request() {
	p.pending.Store(true)
	p.wakeUp()
}

// changed announces a change acknowledged before the call and returns
// its number; a publication covering it shows the change. When the
// announcement fails (the store is unreachable), the publisher retries it
// and changed returns the error.
func (p *publisher) changed(ctx context.Context) (uint64, error) {
	seq, err := p.coord.Announce(ctx)
	if err != nil {
		p.pending.Store(true)
		p.wakeUp()
		return 0, err
	}
	for {
		w := p.wanted.Load()
		if seq <= w || p.wanted.CompareAndSwap(w, seq) {
			break
		}
	}
	p.wakeUp()
	return seq, nil
}

// wait blocks until a publication covering change seq is served (or ctx
// ends).
func (p *publisher) wait(ctx context.Context, seq uint64) error {
	stop := context.AfterFunc(ctx, func() {
		p.mu.Lock()
		p.cond.Broadcast()
		p.mu.Unlock()
	})
	defer stop()
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.current.Load().covers < seq {
		if err := ctx.Err(); err != nil {
			if p.lastErr != nil {
				return p.lastErr
			}
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
	defer p.coord.Close()
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.kick:
			// Let changes arriving together share one publication.
			if !p.sleep(ctx, p.delay) {
				return
			}
		case <-p.coord.Wake():
			if !p.sleep(ctx, p.delay) {
				return
			}
		case <-timer.C:
		}
		var err error
		if p.pending.Swap(false) {
			var seq uint64
			if seq, err = p.coord.Announce(ctx); err != nil {
				p.pending.Store(true)
			} else if p.wanted.Load() < seq {
				p.wanted.Store(seq)
			}
		}
		next, serr := p.step(ctx)
		if err == nil {
			err = serr
		}
		p.mu.Lock()
		p.lastErr = err
		p.cond.Broadcast()
		p.mu.Unlock()
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			p.log.Error("publishing status lists", "err", err)
			next = min(next, time.Second) // retry soon
		}
		if p.pending.Load() || p.wanted.Load() > p.current.Load().covers {
			next = min(next, 4*p.delay)
		}
		timer.Reset(max(next, time.Millisecond))
	}
}

func (p *publisher) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// step takes (or keeps) the publish lock; the holder signs when a change
// is not yet published, when it has just taken over, or when the tokens
// are due for refreshing; another instance serves the stored publication
// when it is newer than its own. It returns when to step again.
func (p *publisher) step(ctx context.Context) (time.Duration, error) {
	lead, err := p.coord.PublishLock(ctx)
	if err != nil {
		p.leader = false
		return p.poll, err
	}
	cur := p.current.Load()
	if !lead {
		if p.leader {
			p.log.Info("another instance publishes the status lists now")
		}
		p.leader = false
		pub, err := p.coord.Publication(ctx, cur.iat)
		if err != nil {
			return p.poll, err
		}
		if pub != nil {
			p.serve(pub)
		}
		return p.poll, nil
	}
	if !p.leader {
		p.log.Info("this instance publishes the status lists")
	}
	last, err := p.coord.LastAnnounced(ctx)
	if err != nil {
		return p.poll, err
	}
	if p.leader && last <= cur.covers && time.Now().Before(p.refreshAt) {
		return min(time.Until(p.refreshAt), p.poll), nil
	}
	p.leader = true
	next, err := p.publish(ctx, last)
	if err != nil {
		return p.poll, err
	}
	p.refreshAt = time.Now().Add(next)
	return min(next, p.poll), nil
}

// publish signs every list, stores the publication for the other
// instances, serves it and returns when to sign again: at every, or
// sooner when half of a token's ttl or validity would pass first. The
// tokens show every change announced up to covers, read before signing.
func (p *publisher) publish(ctx context.Context, covers uint64) (time.Duration, error) {
	start := time.Now()
	toks, err := p.backend.Publish(ctx, p.now())
	if err != nil {
		return 0, err
	}
	pub := &issuer.Publication{Covers: covers, IssuedAt: p.now().UTC().Truncate(time.Second)}
	if len(toks) > 0 {
		pub.IssuedAt = toks[0].IssuedAt
	}
	minTTL := p.every
	for _, t := range toks {
		pub.Tokens = append(pub.Tokens, issuer.PublishedToken(t))
		if t.TTL > 0 && t.TTL/2 < minTTL {
			minTTL = t.TTL / 2
		}
		if life := t.Expiry.Sub(t.IssuedAt); life/2 < minTTL {
			minTTL = life / 2
		}
	}
	// Served here even when storing fails: the others catch up with the
	// next publication.
	p.serve(pub)
	_, err = p.coord.PutPublication(ctx, pub)
	if err != nil {
		return 0, err
	}
	p.m.publish.Observe(time.Since(start).Seconds())
	p.log.Debug("published status lists", "lists", len(toks), "dur_ms", time.Since(start).Milliseconds())
	return max(minTTL, time.Second), nil
}

// serve makes pub the publication served.
func (p *publisher) serve(pub *issuer.Publication) {
	set := &tokenSet{byName: map[string]*served{}, iat: pub.IssuedAt, covers: pub.Covers}
	for _, t := range pub.Tokens {
		sum := sha256.Sum256(t.Data)
		s := &served{Token: Token(t), etag: `"` + hex.EncodeToString(sum[:16]) + `"`}
		set.uris = append(set.uris, t.URI)
		for _, name := range listNames(t.URI) {
			set.byName[name] = s
		}
	}
	p.mu.Lock()
	if old := p.current.Load(); old.iat.After(set.iat) {
		p.mu.Unlock()
		return
	}
	p.current.Store(set)
	p.cond.Broadcast()
	p.mu.Unlock()
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
