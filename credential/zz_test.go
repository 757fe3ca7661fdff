package credential

import (
	"bytes"
	"errors"
	"compress/flate"
	"io"
	"testing"
)

func FuzzZZInflateReverse(f *testing.F) {
	f.Add(compressedReference(f))
	f.Add([]byte{0x01, 0x00, 0x00, 0xff, 0xff})
	win := make([]byte, len(qrDictionary)+MaxSize+1)
	copy(win, qrDictionary)
	f.Fuzz(func(t *testing.T, z []byte) {
		n, err := inflateFast(z, win, len(qrDictionary), MaxSize)
		br := bytes.NewReader(z)
		r := flate.NewReaderDict(br, qrDictionary)
		want, refErr := io.ReadAll(io.LimitReader(r, MaxSize+1))
		if refErr != nil || len(want) > MaxSize || br.Len() != 0 {
			return
		}
		if err != nil {
			if errors.Is(err, errDynamicBlock) {
				return
			}
			t.Fatalf("fast refuses what flate accepts (%d bytes): %v", len(want), err)
		}
		if !bytes.Equal(win[len(qrDictionary):len(qrDictionary)+n], want) {
			t.Fatal("differ")
		}
	})
}
