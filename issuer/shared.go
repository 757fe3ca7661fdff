package issuer

// Publication across processes: several service instances on one shared
// store (PostgreSQL) agree on one publisher, tell each other of status
// changes, and serve the tokens the publisher stored (spec/issuer.md
// "Several instances on one store").

import (
	"context"
	"sync"
	"time"
)

// Coordinator is how the service instances that share one store publish
// the status lists together: exactly one of them at a time holds the
// publish lock and signs the lists; each announces the changes it makes,
// so that the publisher republishes within seconds, and serves the last
// publication the publisher stored.
//
// A Store that several processes use at once implements SharedStore and
// provides a Coordinator backed by the store itself. For any other store
// (bbolt, which one process holds) LocalCoordinator is used: that process
// always holds the lock, and publications stay in its memory.
//
// A Coordinator is safe for concurrent use.
type Coordinator interface {
	// PublishLock takes the publish lock when no process holds it and
	// reports whether this process holds it now. A process holds it until
	// Close, until it stops, or until its connection to the store breaks,
	// so a dead publisher's lock is released and another process takes
	// over at its next PublishLock.
	PublishLock(ctx context.Context) (bool, error)
	// Announce records, after the commit of a change that publication
	// must show (a status change, a new list), that the lists changed,
	// wakes the other processes, and returns the change's number: 1, 2,
	// ... over every process of the store.
	Announce(ctx context.Context) (uint64, error)
	// LastAnnounced returns the number of the last announced change (0
	// when none was).
	LastAnnounced(ctx context.Context) (uint64, error)
	// PutPublication stores p for every process and wakes the other
	// processes, unless a publication issued at p.IssuedAt or later is
	// already stored: then it stores nothing and returns false.
	PutPublication(ctx context.Context, p *Publication) (bool, error)
	// Publication returns the stored publication when it was issued
	// after the given time, and nil, nil otherwise.
	Publication(ctx context.Context, after time.Time) (*Publication, error)
	// Wake receives a value (coalesced) when another process announced a
	// change or stored a publication. Wakes may be lost (for example
	// while the store is unreachable): a Coordinator's user also polls.
	Wake() <-chan struct{}
	// Close gives up the publish lock and stops waking.
	Close() error
}

// SharedStore is a Store that several processes use at once.
type SharedStore interface {
	Store
	// Coordinator returns the store's Coordinator for this process. It
	// may connect lazily: its methods, not this one, report an
	// unreachable store.
	Coordinator() Coordinator
}

// Publication is one signed publication of every status list.
type Publication struct {
	// Covers is the number of the last change announced before the lists
	// were read: every change announced up to Covers is in the tokens.
	Covers uint64
	// IssuedAt is the tokens' iat (they share it).
	IssuedAt time.Time
	// Tokens are the lists' tokens, in order of list number.
	Tokens []PublishedToken
}

// PublishedToken is one status list token of a publication.
type PublishedToken struct {
	// URI is the list's uri (the token's sub); Data the token.
	URI  string
	Data []byte
	// IssuedAt, Expiry and TTL are the token's iat, exp and ttl.
	IssuedAt, Expiry time.Time
	TTL              time.Duration
}

// CoordinatorOf returns st's Coordinator when st is a SharedStore, and a
// new LocalCoordinator otherwise.
func CoordinatorOf(st Store) Coordinator {
	if s, ok := st.(SharedStore); ok {
		return s.Coordinator()
	}
	return NewLocalCoordinator()
}

// LocalCoordinator is the Coordinator of a store that one process holds:
// the process always holds the publish lock, changes are counted in
// memory, and the publication is kept in memory.
type LocalCoordinator struct {
	mu   sync.Mutex
	seq  uint64
	pub  *Publication
	wake chan struct{}
}

// NewLocalCoordinator returns a LocalCoordinator.
func NewLocalCoordinator() *LocalCoordinator {
	return &LocalCoordinator{wake: make(chan struct{})}
}

// PublishLock implements Coordinator: always true.
func (c *LocalCoordinator) PublishLock(context.Context) (bool, error) { return true, nil }

// Announce implements Coordinator.
func (c *LocalCoordinator) Announce(context.Context) (uint64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	return c.seq, nil
}

// LastAnnounced implements Coordinator.
func (c *LocalCoordinator) LastAnnounced(context.Context) (uint64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.seq, nil
}

// PutPublication implements Coordinator.
func (c *LocalCoordinator) PutPublication(_ context.Context, p *Publication) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pub != nil && !p.IssuedAt.After(c.pub.IssuedAt) {
		return false, nil
	}
	c.pub = p
	return true, nil
}

// Publication implements Coordinator.
func (c *LocalCoordinator) Publication(_ context.Context, after time.Time) (*Publication, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pub == nil || !c.pub.IssuedAt.After(after) {
		return nil, nil
	}
	return c.pub, nil
}

// Wake implements Coordinator: no other process wakes this one.
func (c *LocalCoordinator) Wake() <-chan struct{} { return c.wake }

// Close implements Coordinator.
func (c *LocalCoordinator) Close() error { return nil }
