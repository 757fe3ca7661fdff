package issuer

// The keyed permutation that turns a list's counter into its indexes
// (spec/issuer.md §3): a balanced Feistel network over the smallest
// even-width power of two covering the list, with AES-256 as its round
// function, and cycle-walking to stay inside the list.

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"fmt"
	"math/bits"
)

// permRounds is the number of Feistel rounds.
const permRounds = 8

// permutation maps counter values [0, size) one-to-one onto indexes
// [0, size). It is safe for concurrent use.
type permutation struct {
	block    cipher.Block
	size     uint64
	halfBits uint
	mask     uint64
}

// newPermutation returns the permutation of list size entries under a
// 32-byte key.
func newPermutation(key []byte, size int) (*permutation, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("%w: list key of %d bytes, want 32", ErrStoreCorrupt, len(key))
	}
	if size < 2 {
		return nil, fmt.Errorf("%w: list of %d entries", ErrStoreCorrupt, size)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	w := uint(bits.Len64(uint64(size - 1)))
	w += w & 1 // an even width, at least 2
	return &permutation{block: block, size: uint64(size), halfBits: w / 2, mask: 1<<(w/2) - 1}, nil
}

// round is the Feistel round function: the first 8 bytes of
// AES-256_key(round || x || 0...) masked to half width. buf is scratch
// (the block's input, then its output): passed to an interface method
// it lives on the heap, so one serves every round of an index.
func (p *permutation) round(buf *[16]byte, r int, x uint64) uint64 {
	*buf = [16]byte{0: byte(r)}
	binary.BigEndian.PutUint64(buf[8:], x)
	p.block.Encrypt(buf[:], buf[:])
	return binary.BigEndian.Uint64(buf[:8]) & p.mask
}

// feistel permutes [0, 2^(2*halfBits)).
func (p *permutation) feistel(buf *[16]byte, x uint64) uint64 {
	l, r := x>>p.halfBits, x&p.mask
	for i := range permRounds {
		l, r = r, l^p.round(buf, i, r)
	}
	return l<<p.halfBits | r
}

// index returns the index of counter value c < size. Cycle-walking:
// apply the network until the value falls inside the list; it terminates
// because the network is a permutation and c itself is inside.
func (p *permutation) index(c uint64) uint64 {
	buf := new([16]byte)
	x := p.feistel(buf, c)
	for x >= p.size {
		x = p.feistel(buf, x)
	}
	return x
}
