package qrimage

import (
	"image"
	"image/color"

	"github.com/makiuchi-d/gozxing"
)

// plane is a grey image, one byte per pixel, rows packed.
type plane struct {
	pix  []byte
	w, h int
}

// lumaPlane returns the brightness of every pixel of img: the Y plane of a
// JPEG, the grey of a grey image, else (r+2g+b)/4 over white where the image
// is transparent.
func lumaPlane(img image.Image) plane {
	b := img.Bounds()
	p := plane{pix: make([]byte, b.Dx()*b.Dy()), w: b.Dx(), h: b.Dy()}
	switch m := img.(type) {
	case *image.YCbCr:
		for y := range p.h {
			i := m.YOffset(b.Min.X, b.Min.Y+y)
			copy(p.pix[y*p.w:(y+1)*p.w], m.Y[i:i+p.w])
		}
		return p
	case *image.Gray:
		for y := range p.h {
			i := m.PixOffset(b.Min.X, b.Min.Y+y)
			copy(p.pix[y*p.w:(y+1)*p.w], m.Pix[i:i+p.w])
		}
		return p
	case *image.Paletted:
		var lut [256]byte
		for i, c := range m.Palette {
			lut[i] = lumaOf(c)
		}
		for y := range p.h {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := range p.w {
				p.pix[y*p.w+x] = lut[row[x]]
			}
		}
		return p
	}
	for y := range p.h {
		for x := range p.w {
			p.pix[y*p.w+x] = lumaOf(img.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return p
}

func lumaOf(c color.Color) byte {
	r, g, b, a := c.RGBA()
	lum := (r + 2*g + b) / 4               // premultiplied, 0..0xffff
	return byte((lum + (0xffff - a)) >> 8) // over white
}

func (p plane) inverted() plane {
	q := plane{pix: make([]byte, len(p.pix)), w: p.w, h: p.h}
	for i, v := range p.pix {
		q.pix[i] = 255 - v
	}
	return q
}

// half returns p at half its width and height, each pixel the mean of four:
// noise and JPEG blocks average out, and a large code gets cheaper.
func (p plane) half() plane {
	q := plane{w: p.w / 2, h: p.h / 2}
	q.pix = make([]byte, q.w*q.h)
	for y := range q.h {
		r0, r1 := p.pix[2*y*p.w:], p.pix[(2*y+1)*p.w:]
		for x := range q.w {
			q.pix[y*q.w+x] = byte((int(r0[2*x]) + int(r0[2*x+1]) + int(r1[2*x]) + int(r1[2*x+1]) + 2) / 4)
		}
	}
	return q
}

// double returns p at twice its width and height, interpolated bilinearly:
// a code of one or two pixels per module gets runs the finder can measure.
func (p plane) double() plane {
	q := plane{w: 2 * p.w, h: 2 * p.h}
	q.pix = make([]byte, q.w*q.h)
	for y := range q.h {
		// Source coordinate of the pixel centre: (y+0.5)/2-0.5.
		fy := float64(y)/2 - 0.25
		y0 := max(int(fy), 0)
		if fy < 0 {
			fy = 0
		}
		y1 := min(y0+1, p.h-1)
		wy := fy - float64(y0)
		for x := range q.w {
			fx := float64(x)/2 - 0.25
			x0 := max(int(fx), 0)
			if fx < 0 {
				fx = 0
			}
			x1 := min(x0+1, p.w-1)
			wx := fx - float64(x0)
			top := float64(p.pix[y0*p.w+x0])*(1-wx) + float64(p.pix[y0*p.w+x1])*wx
			bot := float64(p.pix[y1*p.w+x0])*(1-wx) + float64(p.pix[y1*p.w+x1])*wx
			q.pix[y*q.w+x] = byte(top*(1-wy) + bot*wy + 0.5)
		}
	}
	return q
}

// hybrid binarizes p with the library's local thresholds over 8x8 blocks.
func (p plane) hybrid() (*gozxing.BitMatrix, error) {
	src, err := gozxing.NewPlanarYUVLuminanceSource(p.pix, p.w, p.h, 0, 0, p.w, p.h, false)
	if err != nil {
		return nil, err
	}
	return gozxing.NewHybridBinarizer(src).GetBlackMatrix()
}

// meanThreshold binarizes p against the mean brightness of a window about
// radius blocks of 8x8 pixels around each block: a pixel is dark if it is
// clearly darker than its surroundings. Unlike the library's binarizer, a
// uniform area is light whatever its level, so the grey quiet zone of a code
// on a lighter page stays light.
func (p plane) meanThreshold(radius int) (*gozxing.BitMatrix, error) {
	const bs = 8
	bw, bh := (p.w+bs-1)/bs, (p.h+bs-1)/bs
	// Integral image of the block sums, (bw+1) x (bh+1).
	sums := make([]int64, (bw+1)*(bh+1))
	counts := make([]int64, (bw+1)*(bh+1))
	for by := range bh {
		for bx := range bw {
			s, n := int64(0), int64(0)
			for y := by * bs; y < min((by+1)*bs, p.h); y++ {
				row := p.pix[y*p.w:]
				for x := bx * bs; x < min((bx+1)*bs, p.w); x++ {
					s += int64(row[x])
					n++
				}
			}
			i := (by+1)*(bw+1) + bx + 1
			sums[i] = s + sums[i-1] + sums[i-bw-1] - sums[i-bw-2]
			counts[i] = n + counts[i-1] + counts[i-bw-1] - counts[i-bw-2]
		}
	}
	bm, err := gozxing.NewBitMatrix(p.w, p.h)
	if err != nil {
		return nil, err
	}
	for by := range bh {
		y0, y1 := max(by-radius, 0), min(by+radius+1, bh)
		for bx := range bw {
			x0, x1 := max(bx-radius, 0), min(bx+radius+1, bw)
			at := func(y, x int) int { return y*(bw+1) + x }
			s := sums[at(y1, x1)] - sums[at(y0, x1)] - sums[at(y1, x0)] + sums[at(y0, x0)]
			n := counts[at(y1, x1)] - counts[at(y0, x1)] - counts[at(y1, x0)] + counts[at(y0, x0)]
			mean := int(s / n)
			// Dark: below the mean by 6% of it, and at least 4 levels.
			t := mean - max(4, mean*6/100)
			for y := by * bs; y < min((by+1)*bs, p.h); y++ {
				row := p.pix[y*p.w:]
				for x := bx * bs; x < min((bx+1)*bs, p.w); x++ {
					if int(row[x]) < t {
						bm.Set(x, y)
					}
				}
			}
		}
	}
	return bm, nil
}
