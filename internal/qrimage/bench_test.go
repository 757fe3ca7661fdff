package qrimage

import (
	"bytes"
	"errors"
	"image"
	"syscall"
	"testing"
	"time"

	"github.com/netcred/netcred/internal/qrimage/internal/photogen"
)

// cpuTime returns the CPU time the process has used: on a loaded machine it
// measures the work better than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchDecode runs Decode on in, b.N times, and reports the CPU time per
// image besides the wall time.
func benchDecode(b *testing.B, in [][]byte, check func(string, error) bool) {
	b.Helper()
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		for _, data := range in {
			if got, err := Decode(bytes.NewReader(data)); !check(got, err) {
				b.Fatalf("Decode = %.20q, %v", got, err)
			}
		}
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N*len(in))/1e6, "cpu-ms/image")
	b.ReportMetric(float64(b.Elapsed())/float64(b.N*len(in))/1e6, "ms/image")
}

// BenchmarkDecodeCorpus decodes the photo corpus, one sub-benchmark per
// category, every picture of it in each iteration.
func BenchmarkDecodeCorpus(b *testing.B) {
	files, _ := corpus(b)
	var cats []string
	byCat := map[string][][]byte{}
	for _, f := range files {
		if byCat[f.Category] == nil {
			cats = append(cats, f.Category)
		}
		byCat[f.Category] = append(byCat[f.Category], f.data)
	}
	for _, c := range cats {
		b.Run(c, func(b *testing.B) {
			benchDecode(b, byCat[c], func(string, error) bool { return true })
		})
	}
}

// BenchmarkDecodeLarge decodes 20-megapixel pictures, the largest allowed:
// the worst case for the time an image takes.
func BenchmarkDecodeLarge(b *testing.B) {
	text := qrText(b, 256)
	m := quietZone(mustModules(b, text))
	photo := photogen.Scene{Width: 5000, Height: 4000, ModuleSize: 3, CenterX: 0.2, Background: photogen.Texture, Paper: 4, JPEG: 85, Seed: 9}
	noCode := photo
	noCode.ModuleSize = 0.01 // a speck: the picture is the texture alone
	white := image.NewGray(image.Rect(0, 0, 5000, 4000))
	for i := range white.Pix {
		white.Pix[i] = 255
	}
	encode := func(s photogen.Scene) []byte {
		data, _ := photogen.Encode(m, s)
		return data
	}
	tests := []struct {
		name  string
		in    []byte
		check func(string, error) bool
	}{
		{"photo with a small code", encode(photo), func(got string, err error) bool { return err == nil && got == text }},
		{"photo without a code", encode(noCode), func(_ string, err error) bool { return errors.Is(err, ErrNoQRCode) }},
		{"blank", encodePNG(b, white), func(_ string, err error) bool { return errors.Is(err, ErrNoQRCode) }},
		{"noise", encodePNG(b, noise(5000, 4000, 3)), func(_ string, err error) bool { return errors.Is(err, ErrNoQRCode) }},
		{"finder field", encodePNG(b, finderField(b, 5000, 4000, 1, 8)), func(_ string, err error) bool { return errors.Is(err, ErrNoQRCode) }},
	}
	for _, tc := range tests {
		b.Run(tc.name, func(b *testing.B) {
			benchDecode(b, [][]byte{tc.in}, tc.check)
		})
	}
}
