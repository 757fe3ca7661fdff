package status

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
)

// Allocator hands out the indexes of one list: each index at most once,
// chosen uniformly at random among those never handed out, so that an index
// tells nothing about when a credential was issued or to whom, and the
// number of credentials cannot be read off the indexes seen (draft Sections
// 12.4, 12.5 and 13.3 recommend random indexes and forbid unintended double
// allocation).
//
// The issuer persists the allocator (MarshalBinary) in the same transaction
// that records the credential, before the credential leaves the issuer; an
// allocator restored from an older copy could hand out an index again. An
// unused index and an issued, valid one look the same in the published
// list (both are 0), so the allocator, not the list, is the record of which
// indexes are taken. Indexes are never freed, even when a credential
// expires: a freed index would be reused.
//
// An Allocator is not safe for concurrent use.
type Allocator struct {
	size int
	used int
	bits []uint64 // bit i%64 of word i/64 is set when index i is taken
}

// NewAllocator returns an allocator for a list of size entries with no
// index taken. size follows the rules of New.
func NewAllocator(size int) (*Allocator, error) {
	if _, err := New(size); err != nil {
		return nil, err
	}
	return &Allocator{size: size, bits: make([]uint64, (size+63)/64)}, nil
}

// Len returns the number of entries of the list.
func (a *Allocator) Len() int { return a.size }

// Used returns how many indexes have been taken.
func (a *Allocator) Used() int { return a.used }

// IsUsed reports whether idx has been taken; it is false for indexes out of
// range.
func (a *Allocator) IsUsed(idx uint64) bool {
	return idx < uint64(a.size) && a.bits[idx/64]&(1<<(idx%64)) != 0
}

// MarkUsed takes idx, so that Allocate never returns it; taking an index
// already taken does nothing. It is for importing indexes allocated by
// other means.
func (a *Allocator) MarkUsed(idx uint64) error {
	if idx >= uint64(a.size) {
		return fmt.Errorf("%w: index %d, list has %d entries", ErrIndexOutOfRange, idx, a.size)
	}
	if !a.IsUsed(idx) {
		a.bits[idx/64] |= 1 << (idx % 64)
		a.used++
	}
	return nil
}

// Allocate takes and returns an index chosen uniformly at random among the
// free ones, reading randomness from random (crypto/rand.Reader if nil). It
// returns ErrListFull when no index is left, and any error of random.
//
// While at most half the list is taken it draws random indexes until it
// hits a free one (under two draws on average); beyond that it draws a rank
// r among the free indexes and takes the r-th, counting free bits a word at
// a time, so that it stays fast up to the last index.
func (a *Allocator) Allocate(random io.Reader) (uint64, error) {
	if random == nil {
		random = rand.Reader
	}
	free := a.size - a.used
	if free == 0 {
		return 0, fmt.Errorf("%w: all %d indexes taken", ErrListFull, a.size)
	}
	if a.used <= a.size/2 {
		// Each try succeeds with probability at least 1/2; after 64 failed
		// tries (odds 2^-64 with a sound source) fall through to the rank
		// method rather than loop on a broken one.
		for range 64 {
			idx, err := uniform(random, uint64(a.size))
			if err != nil {
				return 0, err
			}
			if !a.IsUsed(idx) {
				a.bits[idx/64] |= 1 << (idx % 64)
				a.used++
				return idx, nil
			}
		}
	}
	r, err := uniform(random, uint64(free))
	if err != nil {
		return 0, err
	}
	idx, ok := a.nthFree(r)
	if !ok {
		return 0, fmt.Errorf("status: allocator state is inconsistent")
	}
	a.bits[idx/64] |= 1 << (idx % 64)
	a.used++
	return idx, nil
}

// nthFree returns the free index of rank r (0-based), if r < size-used.
func (a *Allocator) nthFree(r uint64) (uint64, bool) {
	for w, word := range a.bits {
		free := ^word
		if last := (w + 1) * 64; last > a.size {
			free &= 1<<(64-(last-a.size)) - 1 // bits past the end are not free
		}
		n := uint64(bits.OnesCount64(free))
		if r >= n {
			r -= n
			continue
		}
		for ; r > 0; r-- {
			free &= free - 1 // clear the lowest set bit
		}
		return uint64(w*64 + bits.TrailingZeros64(free)), true
	}
	return 0, false
}

// uniform returns a uniformly random integer in [0, n), n > 0, by rejection
// sampling on the smallest mask covering n-1 (under two draws on average;
// it gives up after 128, odds 2^-128 with a sound source).
func uniform(random io.Reader, n uint64) (uint64, error) {
	mask := uint64(1)<<bits.Len64(n-1) - 1
	var buf [8]byte
	for range 128 {
		if _, err := io.ReadFull(random, buf[:]); err != nil {
			return 0, fmt.Errorf("status: reading randomness: %w", err)
		}
		if v := binary.LittleEndian.Uint64(buf[:]) & mask; v < n {
			return v, nil
		}
	}
	return 0, fmt.Errorf("status: randomness source looks broken")
}

// allocatorVersion is the first byte of the MarshalBinary form.
const allocatorVersion = 1

// MarshalBinary returns the allocator's state: a version byte (1), the list
// size as an 8-byte big-endian integer, then one bit per index, index i at
// bit i%8 of byte i/8 (least significant first), set when taken.
func (a *Allocator) MarshalBinary() ([]byte, error) {
	out := make([]byte, 9, 9+(a.size+7)/8)
	out[0] = allocatorVersion
	binary.BigEndian.PutUint64(out[1:], uint64(a.size))
	for i := 0; i < (a.size+7)/8; i++ {
		out = append(out, byte(a.bits[i/8]>>(i%8*8)))
	}
	return out, nil
}

// UnmarshalBinary restores a state written by MarshalBinary. It checks the
// version, the size (as for New), the exact length, and that no bit past
// the last index is set.
func (a *Allocator) UnmarshalBinary(data []byte) error {
	if len(data) < 9 || data[0] != allocatorVersion {
		return fmt.Errorf("%w: allocator state: bad header", ErrMalformed)
	}
	size64 := binary.BigEndian.Uint64(data[1:9])
	if size64 > MaxEntries {
		return fmt.Errorf("%w: allocator state for %d entries", ErrInvalidSize, size64)
	}
	b, err := NewAllocator(int(size64))
	if err != nil {
		return err
	}
	body := data[9:]
	if len(body) != (b.size+7)/8 {
		return fmt.Errorf("%w: allocator state: %d bytes of bitmap for %d entries", ErrMalformed, len(body), b.size)
	}
	if rem := b.size % 8; rem != 0 && body[len(body)-1]>>rem != 0 {
		return fmt.Errorf("%w: allocator state: bits set past the last index", ErrMalformed)
	}
	for i, v := range body {
		b.bits[i/8] |= uint64(v) << (i % 8 * 8)
		b.used += bits.OnesCount8(v)
	}
	*a = *b
	return nil
}
