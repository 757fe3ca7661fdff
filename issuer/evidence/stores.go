package evidence

import (
	"context"
	"sync"
	"time"

	"github.com/netcred/netcred/keys"
)

// Terminals looks up the public key of an enrollment terminal registered
// with the issuer (netcred terminals add). The issuer's store implements
// it; [MemoryTerminals] is an in-memory one for tests.
type Terminals interface {
	// TerminalKey returns the key registered under name. It returns
	// nil, nil when no terminal of that name is registered (or it was
	// removed): the evaluation then refuses the attestation with
	// terminal_unknown. Any error is an operational failure (the store
	// could not answer) and ends the evaluation.
	TerminalKey(ctx context.Context, name string) (*keys.PublicKey, error)
}

// Replay records that an attestation was used, so that it is used once.
// The issuer's store implements it; [MemoryReplay] is an in-memory one for
// tests.
type Replay interface {
	// MarkUsed records id as used and reports whether it was not recorded
	// before (fresh). The record must be kept at least until until; after
	// that the attestation is stale anyway and the record may be dropped.
	// id is at most 64 bytes of ASCII (see ReplayID). Marking must be
	// atomic: of two concurrent calls with one id, exactly one is fresh.
	// Any error is an operational failure and ends the evaluation.
	MarkUsed(ctx context.Context, id string, until time.Time) (fresh bool, err error)
}

// MemoryTerminals is a Terminals kept in a map, for tests and examples.
// The zero value is empty and ready; it is safe for concurrent use.
type MemoryTerminals struct {
	mu   sync.RWMutex
	keys map[string]*keys.PublicKey
}

// Add registers (or replaces) the key of terminal name.
func (m *MemoryTerminals) Add(name string, key *keys.PublicKey) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.keys == nil {
		m.keys = make(map[string]*keys.PublicKey)
	}
	m.keys[name] = key
}

// Remove unregisters terminal name.
func (m *MemoryTerminals) Remove(name string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.keys, name)
}

// TerminalKey implements Terminals.
func (m *MemoryTerminals) TerminalKey(_ context.Context, name string) (*keys.PublicKey, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.keys[name], nil
}

// MemoryReplay is a Replay kept in a map, for tests and examples. The zero
// value is empty and ready; it is safe for concurrent use. Records past
// their until time (by Now) are dropped, a batch at a time as the map
// grows, and no longer count.
type MemoryReplay struct {
	mu   sync.Mutex
	used map[string]time.Time
	// pruneAt is the size at which expired records are next dropped.
	pruneAt int
	// Now is the clock used to drop expired records; nil means time.Now.
	Now func() time.Time
}

// MarkUsed implements Replay.
func (m *MemoryReplay) MarkUsed(_ context.Context, id string, until time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := time.Now
	if m.Now != nil {
		now = m.Now
	}
	if m.used == nil {
		m.used = make(map[string]time.Time)
	}
	t := now()
	if len(m.used) >= m.pruneAt {
		for k, u := range m.used {
			if t.After(u) {
				delete(m.used, k)
			}
		}
		m.pruneAt = max(2*len(m.used), 64)
	}
	if u, seen := m.used[id]; seen && !t.After(u) {
		return false, nil
	}
	m.used[id] = until
	return true, nil
}

// Len returns the number of records kept.
func (m *MemoryReplay) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.used)
}
