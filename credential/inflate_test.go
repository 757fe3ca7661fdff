package credential

import (
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"testing"
)

// referenceInflate decodes with compress/flate alone.
func referenceInflate(z []byte) ([]byte, error) {
	r := flate.NewReaderDict(bytes.NewReader(z), qrDictionary)
	out, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, err
	}
	if len(out) > MaxSize {
		return nil, ErrTooLarge
	}
	return out, nil
}

func compressedReference(tb testing.TB) []byte {
	tb.Helper()
	return deflateTB(tb, signTB(tb, referenceClaims(), EdDSA, testKey))
}

func TestInflateFastMatchesFlate(t *testing.T) {
	cose := signTB(t, referenceClaims(), EdDSA, testKey)
	for _, tc := range []struct {
		name string
		z    []byte
	}{
		{"reference credential", deflateTB(t, cose)},
		{"stored blocks", func() []byte {
			var buf bytes.Buffer
			w, _ := flate.NewWriterDict(&buf, flate.NoCompression, qrDictionary)
			w.Write(cose)
			w.Close()
			return buf.Bytes()
		}()},
		{"long runs", deflateTB(t, append([]byte{0xd2}, bytes.Repeat([]byte("abcabcabc"), 300)...))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := referenceInflate(tc.z)
			if err != nil {
				t.Fatal(err)
			}
			win := make([]byte, len(qrDictionary)+MaxSize+1)
			copy(win, qrDictionary)
			n, err := inflateFast(tc.z, win, len(qrDictionary), MaxSize)
			if errors.Is(err, errDynamicBlock) {
				t.Skip("dynamic block: compress/flate decodes it")
			}
			if err != nil || !bytes.Equal(win[len(qrDictionary):len(qrDictionary)+n], want) {
				t.Fatalf("inflateFast: %v; output differs from compress/flate", err)
			}
		})
	}
}

// FuzzInflate holds inflateFast to compress/flate: whatever it accepts,
// compress/flate decodes to the same bytes; and it never panics.
func FuzzInflate(f *testing.F) {
	f.Add(compressedReference(f))
	f.Add([]byte{0x01, 0x00, 0x00, 0xff, 0xff})
	f.Add([]byte{0x03, 0x00})
	f.Add(deflateTB(f, bytes.Repeat([]byte{0xd2, 0}, 3000)))
	win := make([]byte, len(qrDictionary)+MaxSize+1)
	copy(win, qrDictionary)
	f.Fuzz(func(t *testing.T, z []byte) {
		n, err := inflateFast(z, win, len(qrDictionary), MaxSize)
		if err != nil {
			return
		}
		want, refErr := referenceInflate(z)
		if refErr != nil {
			// compress/flate may stop at its own checks; ours must not
			// accept what it refuses.
			t.Fatalf("inflateFast accepted what compress/flate refuses: %v", refErr)
		}
		if !bytes.Equal(win[len(qrDictionary):len(qrDictionary)+n], want) {
			t.Fatalf("outputs differ")
		}
	})
}

func BenchmarkInflateFast(b *testing.B) {
	z := compressedReference(b)
	win := make([]byte, len(qrDictionary)+MaxSize+1)
	copy(win, qrDictionary)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := inflateFast(z, win, len(qrDictionary), MaxSize); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkInflateFlate(b *testing.B) {
	z := compressedReference(b)
	inf := new(inflater)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := inf.inflateGeneral(z); err != nil {
			b.Fatal(err)
		}
	}
}
