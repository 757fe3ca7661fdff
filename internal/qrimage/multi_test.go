package qrimage

import (
	"errors"
	"image"
	"image/draw"
	"testing"

	"github.com/netcred/netcred/internal/qrimage/internal/photogen"
)

// twoCodes renders the codes of a and b side by side, each in its own
// scene, into one picture.
func twoCodes(tb testing.TB, a, b string, sa, sb photogen.Scene) image.Image {
	tb.Helper()
	ia := photogen.Render(quietZone(mustModules(tb, a)), sa)
	ib := photogen.Render(quietZone(mustModules(tb, b)), sb)
	out := image.NewGray(image.Rect(0, 0, sa.Width+sb.Width, max(sa.Height, sb.Height)))
	draw.Draw(out, ia.Bounds(), ia, image.Point{}, draw.Src)
	draw.Draw(out, ib.Bounds().Add(image.Pt(sa.Width, 0)), ib, image.Point{}, draw.Src)
	return out
}

func mustModules(tb testing.TB, text string) [][]bool {
	tb.Helper()
	m, err := Options{}.modules(text)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// TestTwoCodes checks that two codes of different texts in one picture are
// reported, never reduced to one of them, even where the second is harder
// to read than the first.
func TestTwoCodes(t *testing.T) {
	a, b := qrText(t, 256), qrText(t, 300)
	plain := photogen.Scene{Width: 500, Height: 500, ModuleSize: 4}
	tests := []struct {
		name   string
		second photogen.Scene
	}{
		{"plain", plain},
		{"small and turned", photogen.Scene{Width: 500, Height: 500, ModuleSize: 2.5, Rotate: 20, Seed: 2}},
		{"blurred and noisy", photogen.Scene{Width: 500, Height: 500, ModuleSize: 4.5, Blur: 1.6, Noise: 25, Seed: 3}},
		{"inverted", photogen.Scene{Width: 500, Height: 500, ModuleSize: 4, Invert: true, Paper: 3}},
		{"tilted", photogen.Scene{Width: 500, Height: 500, ModuleSize: 5, TiltX: 30, Focal: 500, Paper: 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// The second code alone reads.
			alone := photogen.Render(quietZone(mustModules(t, b)), tc.second)
			if got, err := DecodeImage(alone); err != nil || got != b {
				t.Fatalf("DecodeImage(second code alone) = %.20q, %v; want its text", got, err)
			}
			got, err := DecodeImage(twoCodes(t, a, b, plain, tc.second))
			if !errors.Is(err, ErrMultipleCodes) || got != "" {
				t.Errorf("DecodeImage(two texts) = %.20q, %v; want \"\", %v", got, err, ErrMultipleCodes)
			}
			got, err = DecodeImage(twoCodes(t, a, a, plain, tc.second))
			if err != nil || got != a {
				t.Errorf("DecodeImage(one text twice) = %.20q, %v; want the text, nil", got, err)
			}
		})
	}
}
