package credential

import (
	"bytes"
	"compress/flate"
	"encoding/hex"
	"io"
	"math/rand"
	"testing"
	"time"
)

func TestZZHang(t *testing.T) {
	seeds := [][]byte{compressedReference(t), {0x01, 0x00, 0x00, 0xff, 0xff}}
	r := rand.New(rand.NewSource(time.Now().UnixNano()))
	win := make([]byte, len(qrDictionary)+MaxSize+1)
	copy(win, qrDictionary)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		z := append([]byte(nil), seeds[r.Intn(len(seeds))]...)
		for k := r.Intn(8) + 1; k > 0; k-- {
			switch r.Intn(4) {
			case 0:
				if len(z) > 0 {
					z[r.Intn(len(z))] ^= byte(1 << r.Intn(8))
				}
			case 1:
				if len(z) > 0 {
					z[r.Intn(len(z))] = byte(r.Intn(256))
				}
			case 2:
				if len(z) > 1 {
					z = z[:r.Intn(len(z))]
				}
			case 3:
				z = append(z, byte(r.Intn(256)))
			}
		}
		done := make(chan struct{})
		var which string
		go func() {
			which = "fast"
			inflateFast(z, win, len(qrDictionary), MaxSize)
			which = "flate"
			br := bytes.NewReader(z)
			io.ReadAll(io.LimitReader(flate.NewReaderDict(br, qrDictionary), MaxSize+1))
			which = "general"
			inflate(z)
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			t.Fatalf("hang in %s on %s", which, hex.EncodeToString(z))
		}
	}
}
