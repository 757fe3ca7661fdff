package httpapi

import (
	"bytes"
	"sync"
	"time"

	"github.com/netcred/netcred/keys"
)

// KeyRing is the issuer's signing key and the keys it replaced: after a
// rotation the new key signs, and the old one's public key stays in the
// JWKS until the last credential it signed expires (spec/service.md §4).
// It is safe for concurrent use.
type KeyRing struct {
	mu      sync.RWMutex
	current *keys.PrivateKey
	// until is, per kid, the latest exp of what the key signed.
	until   map[string]time.Time
	retired []*keys.PublicKey
}

// NewKeyRing returns a ring whose signing key is current.
func NewKeyRing(current *keys.PrivateKey) *KeyRing {
	return &KeyRing{current: current, until: map[string]time.Time{}}
}

// Current returns the signing key.
func (r *KeyRing) Current() *keys.PrivateKey {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.current
}

// Signed records that key kid signed something valid until exp, which
// keeps the key in the JWKS until then once it is retired.
func (r *KeyRing) Signed(kid []byte, exp time.Time) {
	k := string(kid)
	r.mu.RLock()
	later := exp.After(r.until[k])
	r.mu.RUnlock()
	if !later {
		return
	}
	r.mu.Lock()
	if exp.After(r.until[k]) {
		r.until[k] = exp
	}
	r.mu.Unlock()
}

// Rotate makes next the signing key. The old key is kept as retired, in
// the JWKS until the latest exp recorded for it with Signed.
func (r *KeyRing) Rotate(next *keys.PrivateKey) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if bytes.Equal(next.KID(), r.current.KID()) {
		return
	}
	r.retired = append(r.retired, r.current.Public())
	r.current = next
	r.dropRetired(next.Public())
}

// Retire adds a key that signed before the current one, in the JWKS until
// until (or the latest exp recorded with Signed, if later).
func (r *KeyRing) Retire(pub *keys.PublicKey, until time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if bytes.Equal(pub.KID(), r.current.KID()) {
		return
	}
	r.dropRetired(pub)
	r.retired = append(r.retired, pub)
	if k := string(pub.KID()); until.After(r.until[k]) {
		r.until[k] = until
	}
}

func (r *KeyRing) dropRetired(pub *keys.PublicKey) {
	kept := r.retired[:0]
	for _, k := range r.retired {
		if !bytes.Equal(k.KID(), pub.KID()) {
			kept = append(kept, k)
		}
	}
	r.retired = kept
}

// Public returns the keys to publish at now: the current key first, then
// each retired key that still has unexpired credentials.
func (r *KeyRing) Public(now time.Time) []*keys.PublicKey {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := []*keys.PublicKey{r.current.Public()}
	for _, k := range r.retired {
		if r.until[string(k.KID())].After(now) {
			out = append(out, k)
		}
	}
	return out
}
