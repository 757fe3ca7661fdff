package status

import (
	"bytes"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"testing"
)

func seeded(seed byte) io.Reader { return rand.NewChaCha8([32]byte{seed}) }

func TestAllocateAll(t *testing.T) {
	for _, size := range []int{4, 60, 64, 68, 1000, 4096} {
		a, err := NewAllocator(size)
		if err != nil {
			t.Fatal(err)
		}
		seen := make(map[uint64]bool)
		for i := range size {
			idx, err := a.Allocate(seeded(byte(size)))
			if err != nil {
				t.Fatalf("size %d: Allocate #%d: %v", size, i, err)
			}
			if idx >= uint64(size) || seen[idx] {
				t.Fatalf("size %d: Allocate #%d = %d (out of range or repeated)", size, i, idx)
			}
			seen[idx] = true
			if !a.IsUsed(idx) {
				t.Fatalf("size %d: %d not marked used", size, idx)
			}
		}
		if a.Used() != size {
			t.Errorf("size %d: Used() = %d", size, a.Used())
		}
		if _, err := a.Allocate(nil); !errors.Is(err, ErrListFull) {
			t.Errorf("size %d: Allocate on a full list: %v; want ErrListFull", size, err)
		}
	}
}

// Each free index is equally likely, in the sparse phase and the dense one:
// chi-squared over many allocations from fresh copies.
func TestAllocateUniform(t *testing.T) {
	const size, trials = 64, 64000
	for _, pre := range []int{0, 40} { // 0: rejection sampling; 40 of 64 taken: rank method
		base, _ := NewAllocator(size)
		r := seeded(7)
		for range pre {
			base.Allocate(r)
		}
		state, _ := base.MarshalBinary()
		counts := make(map[uint64]int)
		for range trials {
			var a Allocator
			if err := a.UnmarshalBinary(state); err != nil {
				t.Fatal(err)
			}
			idx, err := a.Allocate(r)
			if err != nil {
				t.Fatal(err)
			}
			if base.IsUsed(idx) {
				t.Fatalf("allocated %d, which was taken", idx)
			}
			counts[idx]++
		}
		free := size - pre
		if len(counts) != free {
			t.Fatalf("pre %d: %d distinct indexes; want %d", pre, len(counts), free)
		}
		exp := float64(trials) / float64(free)
		chi2 := 0.0
		for _, c := range counts {
			chi2 += (float64(c) - exp) * (float64(c) - exp) / exp
		}
		// free-1 degrees of freedom; 0.1% critical value < free+4*sqrt(2*free)+10
		if limit := float64(free) + 4*math.Sqrt(2*float64(free)) + 10; chi2 > limit {
			t.Errorf("pre %d: chi-squared %.1f over %d bins; want below %.1f", pre, chi2, free, limit)
		}
	}
}

func TestAllocatorMarshal(t *testing.T) {
	a, _ := NewAllocator(100)
	for range 37 {
		a.Allocate(seeded(3))
	}
	a.MarkUsed(99)
	data, _ := a.MarshalBinary()
	if len(data) != 9+13 {
		t.Fatalf("MarshalBinary: %d bytes; want 22", len(data))
	}
	var b Allocator
	if err := b.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	if b.Len() != 100 || b.Used() != a.Used() {
		t.Fatalf("restored Len, Used = %d, %d; want 100, %d", b.Len(), b.Used(), a.Used())
	}
	for i := uint64(0); i < 100; i++ {
		if a.IsUsed(i) != b.IsUsed(i) {
			t.Fatalf("index %d differs after restore", i)
		}
	}
	again, _ := b.MarshalBinary()
	if !bytes.Equal(again, data) {
		t.Error("MarshalBinary of the restored allocator differs")
	}

	bad := func(mut func([]byte) []byte) []byte { return mut(append([]byte(nil), data...)) }
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrMalformed},
		{"version 2", bad(func(b []byte) []byte { b[0] = 2; return b }), ErrMalformed},
		{"short", data[:len(data)-1], ErrMalformed},
		{"long", append(append([]byte(nil), data...), 0), ErrMalformed},
		{"bit past the end", bad(func(b []byte) []byte { b[len(b)-1] |= 0x10; return b }), ErrMalformed},
		{"size 0", bad(func(b []byte) []byte { b[8] = 0; return b[:9] }), ErrInvalidSize},
		{"size 6", bad(func(b []byte) []byte { b[8] = 6; return b[:10] }), ErrInvalidSize},
		{"size 2^63", bad(func(b []byte) []byte { b[1] = 0x80; return b }), ErrInvalidSize},
	}
	for _, tt := range tests {
		var c Allocator
		if err := c.UnmarshalBinary(tt.data); !errors.Is(err, tt.want) {
			t.Errorf("%s: UnmarshalBinary error = %v; want %v", tt.name, err, tt.want)
		}
	}
}

func TestAllocatorErrors(t *testing.T) {
	if _, err := NewAllocator(5); !errors.Is(err, ErrInvalidSize) {
		t.Errorf("NewAllocator(5) error = %v; want ErrInvalidSize", err)
	}
	a, _ := NewAllocator(8)
	if err := a.MarkUsed(8); !errors.Is(err, ErrIndexOutOfRange) {
		t.Errorf("MarkUsed(8) error = %v; want ErrIndexOutOfRange", err)
	}
	if err := a.MarkUsed(3); err != nil || a.MarkUsed(3) != nil || a.Used() != 1 {
		t.Errorf("MarkUsed twice: err %v, Used %d; want nil, 1", err, a.Used())
	}
	if a.IsUsed(1 << 40) {
		t.Error("IsUsed out of range is true")
	}
	if _, err := a.Allocate(bytes.NewReader(nil)); err == nil {
		t.Error("Allocate with an empty random source: no error")
	}
	// A source stuck on one value ends in an error, not an endless loop.
	b, _ := NewAllocator(8)
	b.MarkUsed(7)
	if _, err := b.Allocate(constReader(0xff)); err == nil {
		t.Error("Allocate with a stuck source: no error")
	}
}

type constReader byte

func (c constReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(c)
	}
	return len(p), nil
}
