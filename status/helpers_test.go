package status

import (
	"bytes"
	"compress/zlib"
	"encoding/hex"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// randomList returns a list of n entries with round(n*p) distinct entries,
// chosen at random from seed, set to s.
func randomList(tb testing.TB, seed uint64, n int, p float64, s Status) *List {
	tb.Helper()
	l, err := New(n)
	if err != nil {
		tb.Fatal(err)
	}
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	for k := int(math.Round(float64(n) * p)); k > 0; {
		i := uint64(r.IntN(n))
		if st, _ := l.Get(i); st != Valid {
			continue
		}
		if err := l.Set(i, s); err != nil {
			tb.Fatal(err)
		}
		k--
	}
	return l
}

// shannonBound is n*H(p)/8 bytes, H the binary entropy.
func shannonBound(n int, p float64) float64 {
	h := -p*math.Log2(p) - (1-p)*math.Log2(1-p)
	return float64(n) * h / 8
}

// inflate decompresses with compress/zlib, without any cap.
func inflate(tb testing.TB, z []byte) []byte {
	tb.Helper()
	r, err := zlib.NewReader(bytes.NewReader(z))
	if err != nil {
		tb.Fatalf("zlib.NewReader: %v", err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		tb.Fatalf("inflating: %v", err)
	}
	return b
}

func unhex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// Minimal CBOR building blocks for hand-made test inputs.
func cborHead(major byte, n uint64) []byte {
	m := major << 5
	switch {
	case n < 24:
		return []byte{m | byte(n)}
	case n <= math.MaxUint8:
		return []byte{m | 24, byte(n)}
	case n <= math.MaxUint16:
		return []byte{m | 25, byte(n >> 8), byte(n)}
	case n <= math.MaxUint32:
		return []byte{m | 26, byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}
	}
	return []byte{m | 27, byte(n >> 56), byte(n >> 48), byte(n >> 40), byte(n >> 32), byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}
}

func cborUint(n uint64) []byte  { return cborHead(0, n) }
func cborBytes(b []byte) []byte { return append(cborHead(2, uint64(len(b))), b...) }
func cborText(s string) []byte  { return append(cborHead(3, uint64(len(s))), s...) }

// cborMap makes a map of the given pairs, each a key and a value already
// concatenated (see kv).
func cborMap(pairs ...[]byte) []byte {
	out := cborHead(5, uint64(len(pairs)))
	for _, p := range pairs {
		out = append(out, p...)
	}
	return out
}

// kv is a text-keyed map entry.
func kv(key string, v []byte) []byte { return cat(cborText(key), v) }

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// zlibOf compresses with compress/zlib at level.
func zlibOf(tb testing.TB, b []byte, level int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	w, err := zlib.NewWriterLevel(&buf, level)
	if err != nil {
		tb.Fatal(err)
	}
	w.Write(b)
	w.Close()
	return buf.Bytes()
}
