package verifier

import (
	"sync"
	"sync/atomic"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/keys"
)

// maxCachedKeys bounds the decoded keys kept for a KeyResolver, whose keys
// the verifier cannot list in advance (one that returns a new key value per
// lookup must not grow the cache without end).
const maxCachedKeys = 4096

// keyCache holds each trusted key decoded once (credential.VerifyKey), so
// that a verification does not decompress the key point again.
type keyCache struct {
	fixed map[*keys.PublicKey]*credential.VerifyKey // a bundle's keys, built in New
	lazy  sync.Map                                  // *keys.PublicKey -> *credential.VerifyKey
	n     atomic.Int64
}

// add decodes k into the fixed map; a key that does not fit its algorithm
// is left out (verifying with it reports the mismatch).
func (c *keyCache) add(k *keys.PublicKey) {
	if c.fixed == nil {
		c.fixed = make(map[*keys.PublicKey]*credential.VerifyKey)
	}
	if vk, err := credential.NewVerifyKey(k.Algorithm(), k.Key()); err == nil {
		c.fixed[k] = vk
	}
}

// get returns the decoded k.
func (c *keyCache) get(k *keys.PublicKey) (*credential.VerifyKey, error) {
	if vk, ok := c.fixed[k]; ok {
		return vk, nil
	}
	if vk, ok := c.lazy.Load(k); ok {
		return vk.(*credential.VerifyKey), nil
	}
	vk, err := credential.NewVerifyKey(k.Algorithm(), k.Key())
	if err != nil {
		return nil, err
	}
	if c.n.Load() < maxCachedKeys {
		if _, loaded := c.lazy.LoadOrStore(k, vk); !loaded {
			c.n.Add(1)
		}
	}
	return vk, nil
}
