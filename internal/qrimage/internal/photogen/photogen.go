// Package photogen makes deterministic pictures of a QR code as a camera or
// a phone screen shows it: scaled, rotated, seen at an angle, blurred,
// noisy, low in contrast, inverted, small inside a large photo, on a
// screenshot with text around it, saved as JPEG. The tests of qrimage read
// them, and compare with zbarimg where it is installed.
//
// Every picture is a function of its [Scene] alone (the seed included), so
// the corpus is generated at test time instead of stored.
package photogen

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
)

// Scene describes one picture of a code.
type Scene struct {
	// Width and Height are the picture's size in pixels.
	Width, Height int

	// ModuleSize is the size of a module in pixels, at the centre of the
	// code, before any tilt.
	ModuleSize float64

	// CenterX and CenterY place the code's centre, as fractions of the
	// width and height; zero means the middle.
	CenterX, CenterY float64

	// Rotate turns the code in the picture plane, in degrees. TiltX and
	// TiltY turn it about the horizontal and vertical axes, in degrees, as
	// a phone held at an angle does; Focal is the camera's focal length in
	// pixels (zero: the larger side of the picture).
	Rotate, TiltX, TiltY, Focal float64

	// Dark and Light are the grey levels of the modules; zero values mean
	// 20 and 235. Paper is how many modules of light surround the symbol
	// beyond its quiet zone (a card, a screen).
	Dark, Light uint8
	Paper       float64

	// Invert draws light modules on dark paper, as a dark-mode screen.
	Invert bool

	// Background fills the picture outside the paper.
	Background Background

	// Shade darkens the picture linearly from left to right by up to this
	// fraction, as uneven light does.
	Shade float64

	// Blur is the standard deviation of a Gaussian blur in pixels; Noise
	// the standard deviation of Gaussian noise in grey levels.
	Blur, Noise float64

	// JPEG, if not zero, saves the picture as a JPEG of this quality
	// instead of a PNG.
	JPEG int

	// Seed makes the background and the noise.
	Seed uint64
}

// Background is what surrounds the code.
type Background int

// Backgrounds.
const (
	Plain   Background = iota // light grey
	Texture                   // smooth shapes and edges, as a desk or a wall
	Text                      // lines of dark words on light, as a screenshot
)

// Render draws the code of modules (m[y][x] true where dark, quiet zone
// included) as s describes and returns the picture.
func Render(modules [][]bool, s Scene) *image.Gray {
	rng := rand.New(rand.NewPCG(s.Seed, 0x9e3779b97f4a7c15))
	dark, light := float64(s.Dark), float64(s.Light)
	if s.Dark == 0 && s.Light == 0 {
		dark, light = 20, 235
	}
	if s.Invert {
		dark, light = light, dark
	}
	bg := background(s, rng)

	n := float64(len(modules))
	focal := s.Focal
	if focal == 0 {
		focal = float64(max(s.Width, s.Height))
	}
	cx := float64(s.Width) * (0.5 + s.CenterX)
	cy := float64(s.Height) * (0.5 + s.CenterY)
	e1, e2, normal := axes(s.Rotate, s.TiltX, s.TiltY)
	dist := focal // the code's centre is at depth focal: 1 pixel per unit there
	p0n := dist * normal[2]

	// The paper's bounding box in the picture: pixels outside it are
	// background.
	half := (n/2 + s.Paper) * s.ModuleSize
	x0, y0, x1, y1 := float64(s.Width), float64(s.Height), 0.0, 0.0
	for _, c := range [4][2]float64{{-half, -half}, {half, -half}, {-half, half}, {half, half}} {
		X := c[0]*e1[0] + c[1]*e2[0]
		Y := c[0]*e1[1] + c[1]*e2[1]
		Z := dist + c[0]*e1[2] + c[1]*e2[2]
		if Z <= 0 {
			x0, y0, x1, y1 = 0, 0, float64(s.Width), float64(s.Height)
			break
		}
		u, v := focal*X/Z+cx, focal*Y/Z+cy
		x0, y0, x1, y1 = min(x0, u), min(y0, v), max(x1, u), max(y1, v)
	}

	img := image.NewGray(image.Rect(0, 0, s.Width, s.Height))
	// 3x3 samples per pixel, as a sensor averages light over its area.
	offs := [3]float64{-1.0 / 3, 0, 1.0 / 3}
	for y := range s.Height {
		for x := range s.Width {
			if float64(x) < x0-1 || float64(x) > x1+1 || float64(y) < y0-1 || float64(y) > y1+1 {
				img.Pix[y*img.Stride+x] = shade(bg[y*s.Width+x], s.Shade, x, s.Width)
				continue
			}
			sum := 0.0
			for _, oy := range offs {
				for _, ox := range offs {
					u := float64(x) + 0.5 + ox - cx
					v := float64(y) + 0.5 + oy - cy
					dn := u*normal[0] + v*normal[1] + focal*normal[2]
					val := bg[y*s.Width+x]
					if dn > 0 {
						t := p0n / dn
						qx, qy, qz := t*u, t*v, t*focal-dist
						ps := qx*e1[0] + qy*e1[1] + qz*e1[2]
						pr := qx*e2[0] + qy*e2[1] + qz*e2[2]
						mx := ps/s.ModuleSize + n/2
						my := pr/s.ModuleSize + n/2
						switch {
						case mx >= 0 && my >= 0 && mx < n && my < n:
							val = light
							if modules[int(my)][int(mx)] {
								val = dark
							}
						case mx >= -s.Paper && my >= -s.Paper && mx < n+s.Paper && my < n+s.Paper:
							val = light
						}
					}
					sum += val
				}
			}
			img.Pix[y*img.Stride+x] = shade(sum/9, s.Shade, x, s.Width)
		}
	}
	if s.Blur > 0 {
		// Only the paper and around it: the background is smooth anyway.
		m := int(3*s.Blur) + 2
		r := image.Rect(int(x0)-m, int(y0)-m, int(x1)+m, int(y1)+m).Intersect(img.Rect)
		blur(img.SubImage(r).(*image.Gray), s.Blur)
	}
	if s.Noise > 0 {
		for i, p := range img.Pix {
			img.Pix[i] = clamp(float64(p) + rng.NormFloat64()*s.Noise)
		}
	}
	return img
}

// Encode renders s and returns it as a file: a JPEG if s.JPEG is set, else
// a PNG; ext is "jpg" or "png".
func Encode(modules [][]bool, s Scene) (data []byte, ext string) {
	img := Render(modules, s)
	var buf bytes.Buffer
	if s.JPEG > 0 {
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: s.JPEG}); err != nil {
			panic(err) // writing to memory
		}
		return buf.Bytes(), "jpg"
	}
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img); err != nil {
		panic(err)
	}
	return buf.Bytes(), "png"
}

// axes returns the code plane's axes and normal after rotating by rot about
// the view axis, then tilting by tx about the horizontal and ty about the
// vertical axis (degrees).
func axes(rot, tx, ty float64) (e1, e2, n [3]float64) {
	r, a, b := rot*math.Pi/180, tx*math.Pi/180, ty*math.Pi/180
	apply := func(v [3]float64) [3]float64 {
		// about z
		v = [3]float64{v[0]*math.Cos(r) - v[1]*math.Sin(r), v[0]*math.Sin(r) + v[1]*math.Cos(r), v[2]}
		// about x
		v = [3]float64{v[0], v[1]*math.Cos(a) - v[2]*math.Sin(a), v[1]*math.Sin(a) + v[2]*math.Cos(a)}
		// about y
		return [3]float64{v[0]*math.Cos(b) + v[2]*math.Sin(b), v[1], -v[0]*math.Sin(b) + v[2]*math.Cos(b)}
	}
	return apply([3]float64{1, 0, 0}), apply([3]float64{0, 1, 0}), apply([3]float64{0, 0, 1})
}

// background returns the grey level of every pixel outside the paper.
func background(s Scene, rng *rand.Rand) []float64 {
	w, h := s.Width, s.Height
	bg := make([]float64, w*h)
	switch s.Background {
	case Plain:
		for i := range bg {
			bg[i] = 200
		}
	case Texture:
		// A few smooth waves, computed on a grid of 4x4 pixels, and
		// hard-edged rectangles of random greys.
		type wave struct{ fx, fy, ph, amp float64 }
		waves := make([]wave, 4)
		for i := range waves {
			waves[i] = wave{rng.Float64() * 0.02, rng.Float64() * 0.02, rng.Float64() * 6.3, 20 + rng.Float64()*30}
		}
		for y := 0; y < h; y += 4 {
			for x := 0; x < w; x += 4 {
				v := 130.0
				for _, wv := range waves {
					v += wv.amp * math.Sin(wv.fx*float64(x)+wv.fy*float64(y)+wv.ph)
				}
				for yy := y; yy < min(y+4, h); yy++ {
					for xx := x; xx < min(x+4, w); xx++ {
						bg[yy*w+xx] = v
					}
				}
			}
		}
		for range 12 {
			x0, y0 := rng.IntN(w), rng.IntN(h)
			x1, y1 := min(w, x0+rng.IntN(w/3+1)), min(h, y0+rng.IntN(h/3+1))
			g := 40 + rng.Float64()*180
			for y := y0; y < y1; y++ {
				for x := x0; x < x1; x++ {
					bg[y*w+x] = (bg[y*w+x] + 2*g) / 3
				}
			}
		}
	case Text:
		for i := range bg {
			bg[i] = 245
		}
		// Lines of words: runs of glyph-sized dark strokes.
		glyph := max(6, h/120)
		for y := glyph; y+2*glyph < h; y += 2 * glyph {
			x := glyph + rng.IntN(3*glyph)
			for x+glyph < w-glyph {
				word := 2 + rng.IntN(8)
				for range word {
					if x+glyph >= w-glyph {
						break
					}
					drawGlyph(bg, w, x, y, glyph, rng)
					x += glyph*2/3 + 1
				}
				x += glyph
			}
		}
	}
	return bg
}

// drawGlyph draws a letter-like shape of vertical and horizontal strokes in
// a size x size cell.
func drawGlyph(bg []float64, w, x0, y0, size int, rng *rand.Rand) {
	gw := size / 2
	stroke := max(1, size/7)
	shape := rng.IntN(16) | 1
	for y := range size {
		for x := range gw {
			on := false
			if shape&1 != 0 && x < stroke { // left bar
				on = true
			}
			if shape&2 != 0 && x >= gw-stroke { // right bar
				on = true
			}
			if shape&4 != 0 && y < stroke { // top
				on = true
			}
			if shape&8 != 0 && y >= size/2 && y < size/2+stroke { // middle
				on = true
			}
			if on {
				bg[(y0+y)*w+x0+x] = 30
			}
		}
	}
}

// blur applies a separable Gaussian blur of standard deviation sigma.
func blur(img *image.Gray, sigma float64) {
	r := int(math.Ceil(3 * sigma))
	k := make([]float64, 2*r+1)
	sum := 0.0
	for i := range k {
		d := float64(i - r)
		k[i] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	w, h := img.Rect.Dx(), img.Rect.Dy() // Pix starts at Rect.Min
	tmp := make([]float64, w*h)
	for y := range h {
		for x := range w {
			v := 0.0
			for i, kv := range k {
				xx := min(max(x+i-r, 0), w-1)
				v += kv * float64(img.Pix[y*img.Stride+xx])
			}
			tmp[y*w+x] = v
		}
	}
	for y := range h {
		for x := range w {
			v := 0.0
			for i, kv := range k {
				yy := min(max(y+i-r, 0), h-1)
				v += kv * tmp[yy*w+x]
			}
			img.Pix[y*img.Stride+x] = clamp(v)
		}
	}
}

// shade darkens v by up to f from left to right.
func shade(v, f float64, x, w int) uint8 {
	return clamp(v * (1 - f*float64(x)/float64(w)))
}

func clamp(v float64) uint8 {
	return uint8(min(max(math.Round(v), 0), 255))
}
