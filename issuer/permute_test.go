package issuer

import (
	"bytes"
	"math"
	"testing"
)

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

// TestPermutationIsBijection: every counter value maps to a distinct index
// inside the list, for sizes that are and are not powers of four.
func TestPermutationIsBijection(t *testing.T) {
	for _, size := range []int{4, 8, 12, 16, 100, 1000, 4096, 10000, 1 << 17} {
		p, err := newPermutation(testKey(byte(size)), size)
		if err != nil {
			t.Fatal(err)
		}
		seen := make([]bool, size)
		for c := range uint64(size) {
			idx := p.index(c)
			if idx >= uint64(size) {
				t.Fatalf("size %d: index(%d) = %d; want < %d", size, c, idx, size)
			}
			if seen[idx] {
				t.Fatalf("size %d: index %d given twice", size, idx)
			}
			seen[idx] = true
		}
	}
}

// TestPermutationLooksRandom: the first indexes of a 2^20 list fall evenly
// into 64 buckets (chi-square), consecutive counter values are not close,
// and another key gives other indexes.
func TestPermutationLooksRandom(t *testing.T) {
	const size, n, buckets = 1 << 20, 1 << 14, 64
	p, _ := newPermutation(testKey(1), size)
	q, _ := newPermutation(testKey(2), size)
	var counts [buckets]int
	same := 0
	var gap float64
	prev := p.index(0)
	for c := range uint64(n) {
		idx := p.index(c)
		counts[idx*buckets/size]++
		if q.index(c) == idx {
			same++
		}
		if c > 0 {
			gap += math.Abs(float64(idx) - float64(prev))
		}
		prev = idx
	}
	var chi2 float64
	want := float64(n) / buckets
	for _, k := range counts {
		chi2 += (float64(k) - want) * (float64(k) - want) / want
	}
	// 63 degrees of freedom: p = 0.0001 at about 110.
	if chi2 > 110 {
		t.Errorf("chi-square over %d buckets = %.1f; want < 110 (indexes not uniform: %v)", buckets, chi2, counts)
	}
	// |X - Y| of two uniform indexes averages size/3.
	if mean := gap / (n - 1); mean < size/3*0.9 || mean > size/3*1.1 {
		t.Errorf("mean distance between consecutive indexes = %.0f; want about %d", mean, size/3)
	}
	if same > 5 {
		t.Errorf("two keys agree on %d of %d indexes; want about %d", same, n, n/size)
	}
}

func TestPermutationRefusesBadKey(t *testing.T) {
	if _, err := newPermutation(make([]byte, 16), 1024); err == nil {
		t.Error("a 16-byte key was accepted")
	}
}

// BenchmarkPermutationIndex: one index of a 2^20 list (8 AES rounds per
// Feistel pass, and cycle-walking when the pass leaves the list).
func BenchmarkPermutationIndex(b *testing.B) {
	p, err := newPermutation(katKey, 1<<20)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var c uint64
	for b.Loop() {
		p.index(c % (1 << 20))
		c++
	}
}
