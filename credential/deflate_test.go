package credential

import (
	"bytes"
	"compress/flate"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	mrand "math/rand/v2"
	"slices"
	"testing"

	"github.com/netcred/netcred/internal/base45"
	"github.com/netcred/netcred/spec"
)

// referenceInputs are the COSE_Sign1 bytes of every conformance vector that
// decodes, and the reference identity credential under both algorithms.
func referenceInputs(tb testing.TB) (names []string, inputs [][]byte) {
	tb.Helper()
	vectors, err := spec.LoadVectors()
	if err != nil {
		tb.Fatal(err)
	}
	for _, v := range vectors {
		if b, err := DecodeQR(v.Input); err == nil {
			names, inputs = append(names, v.Name), append(inputs, b)
		}
	}
	p256, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	names = append(names, "reference EdDSA", "reference ES256")
	inputs = append(inputs, signTB(tb, referenceClaims(), EdDSA, testKey), signTB(tb, referenceClaims(), ES256, p256))
	return names, inputs
}

// checkDeflate holds deflateQR's output for data to compress/flate's
// inflater and to inflateFast (or inflateGeneral for a dynamic block).
func checkDeflate(tb testing.TB, data []byte) []byte {
	tb.Helper()
	z := deflateQR(nil, data)
	if len(z) == 0 || z[0] == 0xc0|tagSign1 {
		tb.Fatalf("stream starts with %x; want a first byte other than d2", z[:min(1, len(z))])
	}
	ref, err := referenceInflate(z)
	if err != nil {
		tb.Fatalf("compress/flate: %v (stream %x)", err, z)
	}
	if !bytes.Equal(ref, data) {
		tb.Fatalf("compress/flate inflates to %x; want %x", ref, data)
	}
	win := make([]byte, len(qrDictionary)+MaxSize+1)
	copy(win, qrDictionary)
	var own []byte
	n, err := inflateFast(z, win, len(qrDictionary), MaxSize)
	switch {
	case err == nil:
		own = win[len(qrDictionary) : len(qrDictionary)+n]
	case errors.Is(err, errDynamicBlock):
		if own, err = new(inflater).inflateGeneral(z); err != nil {
			tb.Fatalf("inflateGeneral: %v", err)
		}
	default:
		tb.Fatalf("inflateFast: %v", err)
	}
	if !bytes.Equal(own, data) {
		tb.Fatalf("credential's inflater gives %x; want %x", own, data)
	}
	return z
}

func TestDeflateRoundTrip(t *testing.T) {
	random := make([]byte, MaxSize)
	rand.Read(random)
	text := bytes.Repeat([]byte("status_list https://example.org/ "), 130)[:MaxSize]
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"one byte", []byte{0xd2}},
		{"two bytes", []byte{0xd2, 0x84}},
		{"dictionary", qrDictionary},
		{"dictionary twice", append(append([]byte{}, qrDictionary...), qrDictionary...)},
		{"zeros MaxSize", make([]byte, MaxSize)},
		{"random MaxSize", random},
		{"text MaxSize", text},
		{"all byte values", func() []byte {
			b := make([]byte, 256)
			for i := range b {
				b[i] = byte(i)
			}
			return b
		}()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkDeflate(t, tc.data) })
	}
	names, inputs := referenceInputs(t)
	for i, in := range inputs {
		t.Run(names[i], func(t *testing.T) { checkDeflate(t, in) })
	}
}

// TestDeflateSize: on the reference credentials, deflateQR is at most 2
// bytes longer than compress/flate at BestCompression on each, and at most
// 1% longer in total.
func TestDeflateSize(t *testing.T) {
	names, inputs := referenceInputs(t)
	ours, ref := 0, 0
	for i, in := range inputs {
		z := deflateQR(nil, in)
		o, r := len(z), len(deflateTB(t, in))
		t.Logf("%-60s cose %4d  ours %4d (block type %d)  flate-best %4d", names[i], len(in), o, z[0]>>1&3, r)
		if o > r+2 {
			t.Errorf("%s: %d bytes; want at most flate-best %d + 2", names[i], o, r)
		}
		ours, ref = ours+o, ref+r
	}
	t.Logf("total over %d credentials: ours %d, flate-best %d", len(inputs), ours, ref)
	if ours*100 > ref*101 {
		t.Errorf("total %d bytes; want at most 1%% over flate-best's %d", ours, ref)
	}
}

// FuzzDeflate: any input up to MaxSize deflates to a stream that
// compress/flate and credential's own inflater both inflate to the input.
func FuzzDeflate(f *testing.F) {
	_, inputs := referenceInputs(f)
	for _, in := range inputs {
		f.Add(in)
	}
	f.Add([]byte{})
	f.Add(qrDictionary)
	f.Add(make([]byte, MaxSize))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > MaxSize {
			data = data[:MaxSize]
		}
		checkDeflate(t, data)
	})
}

// encodeQRFlate is EncodeQR with compress/flate at BestCompression, the
// baseline of BenchmarkEncodeQR.
func encodeQRFlate(tb testing.TB, w *flate.Writer, buf *bytes.Buffer, cose []byte) string {
	buf.Reset()
	w.Reset(buf)
	if _, err := w.Write(cose); err != nil {
		tb.Fatal(err)
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	body := cose
	if z := buf.Bytes(); len(z) < len(cose) && z[0] != cose[0] {
		body = z
	}
	return QRPrefix + base45.Encode(body)
}

func BenchmarkEncodeQR(b *testing.B) {
	cose := signTB(b, referenceClaims(), EdDSA, testKey)
	b.Run("ours", func(b *testing.B) {
		var text string
		b.ReportAllocs()
		for b.Loop() {
			var err error
			if text, err = EncodeQR(cose); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(deflateQR(nil, cose))), "deflate_bytes")
		b.ReportMetric(float64(len(text)), "qr_chars")
	})
	b.Run("flate-best", func(b *testing.B) {
		var buf bytes.Buffer
		w, err := flate.NewWriterDict(&buf, flate.BestCompression, qrDictionary)
		if err != nil {
			b.Fatal(err)
		}
		var text string
		b.ReportAllocs()
		for b.Loop() {
			text = encodeQRFlate(b, w, &buf, cose)
		}
		b.ReportMetric(float64(len(deflateTB(b, cose))), "deflate_bytes")
		b.ReportMetric(float64(len(text)), "qr_chars")
	})
}

// TestDeflateGenerationWrap: an encoder whose hash-head generation wraps
// clears its heads and still finds only this call's positions.
func TestDeflateGenerationWrap(t *testing.T) {
	_, inputs := referenceInputs(t)
	e := new(qrDeflater)
	e.gen = 1<<31 - maxWin
	for k := 0; k < 4; k++ {
		for _, in := range inputs[:3] {
			z := e.deflate(nil, in)
			got, err := referenceInflate(z)
			if err != nil || !bytes.Equal(got, in) {
				t.Fatalf("generation %d: inflates to %x (%v); want %x", e.gen, got, err, in)
			}
		}
	}
	if e.gen > 1<<31 {
		t.Fatalf("generation %d; want it reset below 1<<31", e.gen)
	}
}

// TestSortLeavesMatchesSort: the counting sort puts the leaves in the
// order slices.Sort gives (so the Huffman code and the bytes are
// unchanged), at and around countSortMax, with ties, one leaf, all 286.
func TestSortLeavesMatchesSort(t *testing.T) {
	rng := mrand.New(mrand.NewPCG(7, 7))
	cases := []struct {
		name  string
		n     int
		maxf  uint32
		fixed uint32 // every frequency this value, if nonzero
	}{
		{"one", 1, 5, 0},
		{"ties", numLitLen, 3, 0},
		{"all-equal", numLitLen, 0, 9},
		{"small", 40, 30, 0},
		{"at-max", numLitLen, countSortMax, 0},
		{"all-at-max", 20, 0, countSortMax},
		{"above-max", numLitLen, countSortMax + 1, 0},
		{"large", numLitLen, 1 << 20, 0},
	}
	hs := new(huffScratch)
	for _, tc := range cases {
		for trial := 0; trial < 50; trial++ {
			var leaves []uint64
			maxf := uint32(0)
			for i := 0; i < numLitLen && len(leaves) < tc.n; i++ {
				f := tc.fixed
				if f == 0 {
					f = 1 + rng.Uint32N(tc.maxf)
				}
				leaves = append(leaves, uint64(f)<<16|uint64(i))
				maxf = max(maxf, f)
			}
			want := slices.Sorted(slices.Values(leaves))
			got := sortLeaves(slices.Clone(leaves), maxf, hs)
			if !slices.Equal(got, want) {
				t.Fatalf("%s: sortLeaves = %x, want %x", tc.name, got, want)
			}
		}
	}
}
