package qrimage

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"testing"
)

// bitWriter writes bits least significant first, as VP8L reads them.
type bitWriter struct {
	buf   []byte
	acc   uint64
	nbits uint
}

func (w *bitWriter) write(v uint64, n uint) {
	w.acc |= v << w.nbits
	w.nbits += n
	for w.nbits >= 8 {
		w.buf = append(w.buf, byte(w.acc))
		w.acc >>= 8
		w.nbits -= 8
	}
}

func (w *bitWriter) bytes() []byte {
	if w.nbits > 0 {
		w.buf = append(w.buf, byte(w.acc))
		w.acc, w.nbits = 0, 0
	}
	return w.buf
}

// encodeWebP encodes img as a lossless WebP (VP8L) of black and white
// pixels, the darker half of the grey levels black. It uses the simplest
// VP8L coding, no transforms and two-symbol prefix codes: one bit for each of
// green, red and blue per pixel.
func encodeWebP(tb testing.TB, img image.Image) []byte {
	tb.Helper()
	b := img.Bounds()
	var w bitWriter
	w.write(0x2f, 8)
	w.write(uint64(b.Dx()-1), 14)
	w.write(uint64(b.Dy()-1), 14)
	w.write(0, 1) // no alpha
	w.write(0, 3) // version 0
	w.write(0, 1) // no transform
	w.write(0, 1) // no colour cache
	w.write(0, 1) // no meta prefix codes
	for range 3 { // green, red, blue: symbols 0 (code 0) and 255 (code 1)
		w.write(1, 1) // simple code
		w.write(1, 1) // two symbols
		w.write(0, 1) // first symbol in 1 bit
		w.write(0, 1) // 0
		w.write(255, 8)
	}
	w.write(1, 1) // alpha: one symbol, 255
	w.write(0, 1)
	w.write(1, 1)
	w.write(255, 8)
	w.write(1, 1) // distance: one symbol, 0
	w.write(0, 1)
	w.write(0, 1)
	w.write(0, 1)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			bit := uint64(0)
			if color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y >= 128 {
				bit = 1
			}
			w.write(bit, 1)
			w.write(bit, 1)
			w.write(bit, 1)
		}
	}
	data := w.bytes()
	if len(data)%2 == 1 {
		data = append(data, 0)
	}
	out := []byte("RIFF")
	out = binary.LittleEndian.AppendUint32(out, uint32(4+8+len(data)))
	out = append(out, "WEBPVP8L"...)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(w.buf)))
	return append(out, data...)
}

func encodeGIF(tb testing.TB, img image.Image) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := gif.Encode(&buf, img, nil); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func TestDecodeFormats(t *testing.T) {
	text := qrText(t, 256)
	img, err := Options{Size: 300}.Image(text)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, format string
		in           []byte
	}{
		{"png", "png", mustPNG(t, Options{Size: 300}, text)},
		{"gif", "gif", encodeGIF(t, img)},
		{"webp lossless", "webp", encodeWebP(t, img)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Sniff(tc.in); got != tc.format {
				t.Errorf("Sniff = %q; want %q", got, tc.format)
			}
			if !CanRead(tc.format) {
				t.Errorf("CanRead(%q) = false; want true", tc.format)
			}
			got, err := Decode(bytes.NewReader(tc.in))
			if err != nil {
				t.Fatalf("Decode(%s): got error %v; want nil", tc.name, err)
			}
			if got != text {
				t.Errorf("Decode(%s) = %q; want %q", tc.name, got, text)
			}
		})
	}
}

func TestSniffUnsupported(t *testing.T) {
	ftyp := func(brand string) []byte {
		return append([]byte("\x00\x00\x00\x18ftyp"), brand+"\x00\x00\x00\x00mif1heic"...)
	}
	tests := []struct {
		name, want string
		in         []byte
	}{
		{"heic", "heic", ftyp("heic")},
		{"heif mif1", "heic", ftyp("mif1")},
		{"avif", "avif", ftyp("avif")},
		{"jpeg 2000", "jpeg2000", []byte("\x00\x00\x00\x0cjP  \r\n\x87\n\x00\x00\x00\x14ftypjp2 ")},
		{"jpeg xl", "jpegxl", []byte("\xff\x0a\xfa\x7f")},
		{"tiff little-endian", "tiff", []byte("II*\x00\x08\x00\x00\x00")},
		{"tiff big-endian", "tiff", []byte("MM\x00*\x00\x00\x00\x08")},
		{"bmp", "bmp", []byte("BM\x36\x00\x0c\x00\x00\x00\x00\x00\x36\x00\x00\x00")},
		{"ico", "ico", []byte("\x00\x00\x01\x00\x01\x00\x10\x10")},
		{"psd", "psd", []byte("8BPS\x00\x01")},
		{"qoi", "qoi", []byte("qoif\x00\x00\x01\x00")},
		{"pdf", "pdf", []byte("%PDF-1.7\n")},
		{"svg", "svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)},
		{"svg with declaration", "svg", []byte("\xef\xbb\xbf<?xml version=\"1.0\"?>\n<!-- qr -->\n<svg/>")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Sniff(tc.in); got != tc.want {
				t.Fatalf("Sniff = %q; want %q", got, tc.want)
			}
			if CanRead(tc.want) {
				t.Errorf("CanRead(%q) = true; want false", tc.want)
			}
			got, err := Decode(bytes.NewReader(tc.in))
			if !errors.Is(err, ErrUnsupportedFormat) || got != "" {
				t.Errorf("Decode = %q, %v; want \"\", %v", got, err, ErrUnsupportedFormat)
			}
		})
	}
}

// TestSniffNotImage checks that what the CLI reads as text or COSE bytes is
// never taken for an image.
func TestSniffNotImage(t *testing.T) {
	for _, in := range []string{
		"", "NC1:BB8", "nc1:bb8", "HC1:NCF", "d28443a10126a0", "0oRDoQEmoFg", "\xd2\x84\x43\xa1\x01\x26",
		"{\"iss\":\"x\"}", "BMP", "RIFF\x00\x00\x00\x00WAVE", "\x00\x00\x00\x18ftypisom", "<html>",
		"<?xml version=\"1.0\"?><bundle/>", "\xef\xbb\xbfNC1:BB8", "\xff\xfeN\x00C\x001\x00",
	} {
		if got := Sniff([]byte(in)); got != "" {
			t.Errorf("Sniff(%q) = %q; want \"\"", in, got)
		}
	}
	if CanRead("") || CanRead("exr") {
		t.Errorf("CanRead of an unknown format = true; want false")
	}
}
