package qrimage

import (
	"errors"
	"image"
	"math/rand/v2"
	"testing"
)

// finderField returns a w x h image tiled with finder-pattern-like squares
// (a 7x7 ring, light ring, 3x3 core) of scale pixels per module, every
// pitch modules: thousands of candidate finder patterns, which PNG
// compresses to a few kilobytes.
func finderField(tb testing.TB, w, h, scale, pitch int) *image.Gray {
	tb.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	step := pitch * scale
	for y0 := 0; y0+7*scale <= h; y0 += step {
		for x0 := 0; x0+7*scale <= w; x0 += step {
			for my := range 7 {
				for mx := range 7 {
					ring := max(abs(mx-3), abs(my-3))
					if ring == 2 {
						continue
					}
					for py := range scale {
						row := img.Pix[(y0+my*scale+py)*img.Stride+x0+mx*scale:]
						for px := range scale {
							row[px] = 0
						}
					}
				}
			}
		}
	}
	return img
}

// stripes returns a w x h image of vertical bars 1:1:3:1:1 wide, repeated:
// every row is full of finder-like runs whose columns are dark to the
// border, which an unbounded cross-check reads to its end.
func stripes(w, h, scale int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	pattern := []int{1, 1, 0, 0, 0, 1, 1, 0, 1} // d l ddd l d, then light
	for y := range h {
		for x := range w {
			if pattern[(x/scale)%len(pattern)] == 1 {
				img.Pix[y*img.Stride+x] = 255
			}
		}
	}
	return img
}

// noise returns a w x h image of random black and white pixels.
func noise(w, h int, seed uint64) *image.Gray {
	rng := rand.New(rand.NewPCG(seed, 1))
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		if rng.IntN(2) == 0 {
			img.Pix[i] = 255
		}
	}
	return img
}

// hostileImages are images made to make a QR search slow. One is of the
// largest size allowed; BenchmarkDecodeLarge has more.
func hostileImages(tb testing.TB) []struct {
	name string
	img  image.Image
} {
	tb.Helper()
	return []struct {
		name string
		img  image.Image
	}{
		// 2500 finder-like squares in a 1.2 KB PNG: 213 s before the
		// search was bounded, with the library's search.
		{"finder field 400x400", finderField(tb, 400, 400, 1, 8)},
		{"finder field 20 MP", finderField(tb, 4000, 5000, 1, 8)},
		{"large finder field 4 MP", finderField(tb, 2000, 2000, 10, 9)},
		{"stripes 4 MP", stripes(2000, 2000, 1)},
		{"wide stripes 4 MP", stripes(2000, 2000, 7)},
		{"noise 2 MP", noise(1600, 1250, 1)},
	}
}

// TestDecodeHostile checks that images made to slow the search down are
// refused within the work budget: a hang guard, the time is in
// BenchmarkDecodeHostile.
func TestDecodeHostile(t *testing.T) {
	if testing.Short() {
		t.Skip("20-megapixel images")
	}
	for _, tc := range hostileImages(t) {
		t.Run(tc.name, func(t *testing.T) {
			w := &budget{left: workBudget}
			got, err := decodeImage(tc.img, w)
			if !errors.Is(err, ErrNoQRCode) || got != "" {
				t.Errorf("DecodeImage = %q, %v; want \"\", %v", got, err, ErrNoQRCode)
			}
			// Work that cannot stop halfway is only started if the budget
			// affords it; the rest checks the budget as it goes and may
			// overshoot it by one scan of a row or column.
			if over := -w.left; over > 10_000 {
				t.Errorf("work = %d units; want at most the budget %d plus 10000", workBudget-w.left, workBudget)
			}
		})
	}
}

func BenchmarkDecodeHostile(b *testing.B) {
	for _, tc := range hostileImages(b) {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			var used int64
			for b.Loop() {
				w := &budget{left: workBudget}
				if _, err := decodeImage(tc.img, w); !errors.Is(err, ErrNoQRCode) {
					b.Fatal(err)
				}
				used = workBudget - w.left
			}
			b.ReportMetric(float64(used), "work/op")
		})
	}
}

// FuzzDecodeImage feeds raw grey pixels to the search, past the image
// decoders: the first byte sets the width. It checks the result contract
// and that the work stays within the budget.
func FuzzDecodeImage(f *testing.F) {
	for _, text := range []string{"NC1:BB8", "NC1:%69 VD92EX0"} {
		img, err := Options{Size: 1}.Image(text)
		if err != nil {
			f.Fatal(err)
		}
		g := lumaPlane(img)
		f.Add(append([]byte{byte(g.w)}, g.pix...))
	}
	small := finderField(f, 64, 64, 1, 8)
	f.Add(append([]byte{63}, small.Pix...))
	f.Add([]byte{0})
	f.Fuzz(func(t *testing.T, b []byte) {
		// Large pictures are the hostile tests' and benchmarks' business.
		if len(b) < 2 || len(b) > 8<<10 {
			return
		}
		w := 1 + int(b[0])
		pix := b[1:]
		h := len(pix) / w
		if h == 0 {
			return
		}
		img := &image.Gray{Pix: pix[:w*h], Stride: w, Rect: image.Rect(0, 0, w, h)}
		work := &budget{left: workBudget}
		got, err := decodeImage(img, work)
		if err != nil && got != "" {
			t.Fatalf("DecodeImage = %q with error %v; want \"\" on error", got, err)
		}
		if err != nil && !errors.Is(err, ErrNoQRCode) && !errors.Is(err, ErrMultipleCodes) {
			t.Fatalf("DecodeImage: got error %v; want ErrNoQRCode or ErrMultipleCodes", err)
		}
		if err == nil && got == "" {
			t.Fatalf("DecodeImage = \"\", nil; want a text or an error")
		}
		if work.left < -10_000 {
			t.Fatalf("work = %d; want at most the budget %d", workBudget-work.left, workBudget)
		}
	})
}
