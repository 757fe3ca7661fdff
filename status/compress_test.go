package status

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"
)

func compressShapes(tb testing.TB) []struct {
	name string
	b    []byte
} {
	tb.Helper()
	rnd := make([]byte, 1<<16)
	rand.NewChaCha8([32]byte{1}).Read(rnd)
	all := bytes.Repeat([]byte{0x55}, 1<<16)
	periodic := make([]byte, 1<<16)
	for i := 0; i < len(periodic); i += 16 {
		periodic[i] = 0x04
	}
	clustered := randomList(tb, 9, 1<<20, 0.005, Revoked).Bytes()
	copy(clustered[1000:], bytes.Repeat([]byte{0x55}, 3000)) // a dense stretch
	return []struct {
		name string
		b    []byte
	}{
		{"one zero byte", []byte{0}},
		{"one byte", []byte{0x40}},
		{"draft 2-bit example", []byte{0xc9, 0x44, 0xf9}},
		{"short zero runs", []byte{1, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1}},
		{"all zero", make([]byte, 1<<18)},
		{"0.01% revoked", randomList(tb, 1, 1<<20, 0.0001, Revoked).Bytes()},
		{"1% revoked", randomList(tb, 2, 1<<20, 0.01, Revoked).Bytes()},
		{"1% suspended", randomList(tb, 3, 1<<20, 0.01, Suspended).Bytes()},
		{"3% revoked", randomList(tb, 4, 1<<18, 0.03, Revoked).Bytes()},
		{"10% revoked (dense path)", randomList(tb, 5, 1<<18, 0.1, Revoked).Bytes()},
		{"several segments", randomList(tb, 6, 5<<19, 0.01, Revoked).Bytes()},
		{"periodic", periodic},
		{"dense stretch", clustered},
		{"all revoked", all},
		{"random bytes", rnd},
	}
}

func TestCompressRoundTrip(t *testing.T) {
	for _, tt := range compressShapes(t) {
		t.Run(tt.name, func(t *testing.T) {
			z, err := Compress(tt.b)
			if err != nil {
				t.Fatal(err)
			}
			if got := inflate(t, z); !bytes.Equal(got, tt.b) {
				t.Fatalf("compress/zlib inflates %d bytes, not the %d compressed", len(got), len(tt.b))
			}
			if got, err := Decompress(z, len(tt.b)); err != nil || !bytes.Equal(got, tt.b) {
				t.Fatalf("Decompress: %v", err)
			}
			if len(tt.b) <= 1<<16 {
				if again, _ := Compress(tt.b); !bytes.Equal(again, z) {
					t.Error("Compress is not deterministic")
				}
			}
			t.Logf("%d -> %d bytes", len(tt.b), len(z))
		})
	}
}

// The target: a default-size list with 1% revoked compresses to within 1.4
// times the Shannon bound (it lands near 1.31).
func TestCompressRatio(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		l := randomList(t, seed, DefaultSize, 0.01, Revoked)
		z, err := Compress(l.b)
		if err != nil {
			t.Fatal(err)
		}
		bound := shannonBound(DefaultSize, 0.01)
		ratio := float64(len(z)) / bound
		t.Logf("seed %d: %d bytes, bound %.0f, ratio %.3f", seed, len(z), bound, ratio)
		if ratio > 1.4 {
			t.Errorf("seed %d: ratio %.3f to the Shannon bound; want at most 1.4", seed, ratio)
		}
	}
}

func TestCompressTooLarge(t *testing.T) {
	if _, err := Compress(make([]byte, MaxEntries/4+1)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Compress(too large) error = %v; want ErrTooLarge", err)
	}
}

func TestDecompress(t *testing.T) {
	b := randomList(t, 7, 1<<12, 0.05, Revoked).Bytes()
	z, _ := Compress(b)
	tests := []struct {
		name  string
		z     []byte
		limit int
		want  error
	}{
		{"exact limit", z, len(b), nil},
		{"generous limit", z, 1 << 20, nil},
		{"one byte over", z, len(b) - 1, ErrTooLarge},
		{"zero limit", z, 0, ErrTooLarge},
		{"negative limit", z, -1, ErrTooLarge},
		{"empty", nil, 100, ErrMalformed},
		{"header only", z[:2], 100 << 10, ErrMalformed},
		{"no checksum", z[:len(z)-4], 100 << 10, ErrMalformed},
		{"trailing byte", append(append([]byte(nil), z...), 0), 100 << 10, ErrMalformed},
		{"gzip, not zlib", []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 100, ErrMalformed},
		{"stored block", []byte{0x78, 0x01, 1, 1, 0, 0xfe, 0xff, 7, 0, 8, 0, 8}, 100, nil},
		{"bad stored length", []byte{0x78, 0x01, 1, 1, 0, 0xfe, 0xfe, 7, 0, 8, 0, 8}, 100, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decompress(tt.z, tt.limit)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Decompress error = %v; want %v", err, tt.want)
			}
			if err != nil && got != nil {
				t.Error("Decompress returned data with an error")
			}
		})
	}
	// Every truncation and every single-bit flip is an error or a
	// well-checked result, never a panic.
	for i := range z {
		if _, err := Decompress(z[:i], 1<<20); err == nil {
			t.Errorf("truncated to %d bytes: no error", i)
		}
		for bit := range 8 {
			c := append([]byte(nil), z...)
			c[i] ^= 1 << bit
			if got, err := Decompress(c, 1<<20); err == nil && !bytes.Equal(got, b) {
				t.Errorf("flipped bit %d of byte %d: wrong data and no error", bit, i)
			}
		}
	}
}

func TestCodeLengths(t *testing.T) {
	fib := make([]int, 30) // Fibonacci weights force deep Huffman trees
	fib[0], fib[1] = 1, 1
	for i := 2; i < len(fib); i++ {
		fib[i] = fib[i-1] + fib[i-2]
	}
	tests := []struct {
		name  string
		freq  []int
		limit int
	}{
		{"none used", make([]int, 30), 15},
		{"one used", []int{0, 0, 5, 0}, 15},
		{"two used", []int{3, 0, 0, 9}, 7},
		{"uniform", []int{1, 1, 1, 1, 1, 1, 1, 1}, 7},
		{"fibonacci 15", fib, 15},
		{"fibonacci 7", fib[:19], 7},
		{"skewed", []int{1 << 30, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lens := make([]uint8, len(tt.freq))
			codeLengths(tt.freq, tt.limit, lens)
			kraft, coded := 0.0, 0
			for s, l := range lens {
				if int(l) > tt.limit {
					t.Errorf("symbol %d: length %d over the limit %d", s, l, tt.limit)
				}
				if tt.freq[s] > 0 && l == 0 {
					t.Errorf("symbol %d is used but has no code", s)
				}
				if l > 0 {
					kraft += 1 / float64(uint(1)<<l)
					coded++
				}
			}
			if kraft != 1 || coded < 2 {
				t.Errorf("Kraft sum %v over %d codes; want a complete code of 2 or more", kraft, coded)
			}
		})
	}
}

func TestTables(t *testing.T) {
	for c := range numDist {
		lo := int(distBase[c])
		hi := lo + 1<<distExtra[c] - 1
		for _, d := range []int{lo, hi} {
			if got := distCode(d); got != c {
				t.Errorf("distCode(%d) = %d; want %d", d, got, c)
			}
		}
	}
	if got := distCode(windowSize); got != 29 {
		t.Errorf("distCode(32768) = %d; want 29", got)
	}
	for l := minMatch; l <= maxMatch; l++ {
		c := lenCode[l]
		if l < int(lenBase[c]) || l-int(lenBase[c]) >= 1<<lenExtra[c] {
			t.Errorf("length %d: code %d (base %d, %d extra bits)", l, c, lenBase[c], lenExtra[c])
		}
	}
	if lenCode[maxMatch] != 28 || lenCode[maxMatch-1] != 27 {
		t.Errorf("258 and 257 must use codes 28 and 27")
	}
}

func TestZeroRun(t *testing.T) {
	for r := range 3000 {
		full, m1, m2, lits := zeroRun(r)
		if got := full*maxMatch + m1 + m2 + lits; got != r {
			t.Fatalf("zeroRun(%d) covers %d bytes", r, got)
		}
		for _, m := range []int{m1, m2} {
			if m != 0 && (m < minMatch || m > maxMatch) {
				t.Fatalf("zeroRun(%d): match length %d", r, m)
			}
		}
		if r >= minMatch && lits != 0 {
			t.Fatalf("zeroRun(%d): %d literals", r, lits)
		}
	}
}
