package qrimage

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

const base45Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

// qrText returns a text of n characters, "NC1:" then random characters of
// the Base45 alphabet, as a credential's QR text looks.
func qrText(tb testing.TB, n int) string {
	tb.Helper()
	rng := rand.New(rand.NewPCG(uint64(n), 45))
	var b strings.Builder
	b.WriteString("NC1:")
	for b.Len() < n {
		b.WriteByte(base45Alphabet[rng.IntN(len(base45Alphabet))])
	}
	return b.String()
}

func mustPNG(tb testing.TB, o Options, text string) []byte {
	tb.Helper()
	b, err := o.PNG(text)
	if err != nil {
		tb.Fatalf("Options%+v.PNG(%q): got error %v; want nil", o, text, err)
	}
	return b
}

func TestPNGRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		text string
	}{
		{"short", Options{}, "NC1:BB8"},
		{"percent and space", Options{}, "NC1:%69 VD92EX0"},
		{"256 chars", Options{}, qrText(t, 256)},
		{"256 chars level L", Options{Level: Low}, qrText(t, 256)},
		{"256 chars level Q", Options{Level: Quartile}, qrText(t, 256)},
		{"256 chars level H", Options{Level: High}, qrText(t, 256)},
		{"256 chars 1 pixel per module", Options{Size: 1}, qrText(t, 256)},
		{"256 chars 1000 pixels", Options{Size: 1000}, qrText(t, 256)},
		{"600 chars", Options{Size: 1024}, qrText(t, 600)},
		{"byte mode", Options{}, "https://example.com/netcred?x=1"},
		{"utf-8", Options{}, "Grüße, 你好"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := mustPNG(t, tc.opts, tc.text)
			got, err := Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("Decode(PNG(%q)): got error %v; want nil", tc.text, err)
			}
			if got != tc.text {
				t.Errorf("Decode(PNG(%q)) = %q; want the input", tc.text, got)
			}
		})
	}
}

func TestPNGFunc(t *testing.T) {
	text := qrText(t, 256)
	b, err := PNG(text, 300)
	if err != nil {
		t.Fatalf("PNG: got error %v; want nil", err)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("DecodeConfig(PNG): got error %v; want nil", err)
	}
	if format != "png" || cfg.Width != 300 || cfg.Height != 300 {
		t.Errorf("PNG(text, 300) is %s %dx%d; want png 300x300", format, cfg.Width, cfg.Height)
	}
	if got, err := Decode(bytes.NewReader(b)); err != nil || got != text {
		t.Errorf("Decode(PNG(text, 300)) = %q, %v; want the text, nil", got, err)
	}
}

func TestImageGeometry(t *testing.T) {
	text := qrText(t, 256) // version 9: 53 modules, 61 with the quiet zone
	tests := []struct {
		size      int
		wantSize  int
		wantScale int
	}{
		{0, DefaultSize, DefaultSize / 61},
		{61, 61, 1},
		{10, 61, 1}, // too small: grows to one pixel per module
		{122, 122, 2},
		{130, 130, 2},
		{MaxSize, MaxSize, MaxSize / 61},
	}
	for _, tc := range tests {
		img, err := Options{Size: tc.size}.Image(text)
		if err != nil {
			t.Fatalf("Image(size %d): got error %v; want nil", tc.size, err)
		}
		if got := img.Bounds(); got != image.Rect(0, 0, tc.wantSize, tc.wantSize) {
			t.Errorf("Image(size %d) bounds = %v; want %dx%d", tc.size, got, tc.wantSize, tc.wantSize)
		}
		// The top-left finder pattern starts after the margin and its outer
		// ring is 7 modules of wantScale pixels each.
		margin := (tc.wantSize-61*tc.wantScale)/2 + QuietZone*tc.wantScale
		y := margin
		run := 0
		for x := margin; x < tc.wantSize && img.ColorIndexAt(x, y) == 1; x++ {
			run++
		}
		if img.ColorIndexAt(margin-1, y) != 0 || run != 7*tc.wantScale {
			t.Errorf("Image(size %d): finder pattern run = %d pixels from %d; want %d", tc.size, run, margin, 7*tc.wantScale)
		}
	}
}

// segmentModes parses the data codewords of a QR symbol of the given version
// and returns the mode of each segment.
func segmentModes(tb testing.TB, raw []byte, version int) []string {
	tb.Helper()
	pos := 0
	read := func(n int) int {
		v := 0
		for range n {
			if pos >= len(raw)*8 {
				tb.Fatalf("segmentModes: data ends inside a segment")
			}
			v = v<<1 | int(raw[pos/8]>>(7-pos%8)&1)
			pos++
		}
		return v
	}
	class := 0 // versions 1-9, 10-26, 27-40
	if version >= 27 {
		class = 2
	} else if version >= 10 {
		class = 1
	}
	var modes []string
	for len(raw)*8-pos >= 4 {
		switch mode := read(4); mode {
		case 0:
			return modes
		case 1:
			n := read([3]int{10, 12, 14}[class])
			pos += 10*(n/3) + [3]int{0, 4, 7}[n%3]
			modes = append(modes, "numeric")
		case 2:
			n := read([3]int{9, 11, 13}[class])
			pos += 11*(n/2) + 6*(n%2)
			modes = append(modes, "alphanumeric")
		case 4:
			n := read([3]int{8, 16, 16}[class])
			pos += 8 * n
			modes = append(modes, "byte")
		default:
			modes = append(modes, "other")
			return modes
		}
	}
	return modes
}

// readRaw decodes a QR image and returns its data codewords.
func readRaw(tb testing.TB, pngBytes []byte) []byte {
	tb.Helper()
	img, err := png.Decode(bytes.NewReader(pngBytes))
	if err != nil {
		tb.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		tb.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return res.GetRawBytes()
}

// TestAlphanumericMode checks that QR text is written in alphanumeric mode and
// pins the version of a 256-character credential text.
func TestAlphanumericMode(t *testing.T) {
	tests := []struct {
		name        string
		text        string
		level       Level
		wantVersion int
		wantModes   string
	}{
		{"256 chars M", qrText(t, 256), Medium, 9, "alphanumeric"},
		{"256 chars L", qrText(t, 256), Low, 8, "alphanumeric"},
		{"256 chars Q", qrText(t, 256), Quartile, 11, "alphanumeric"},
		{"256 chars H", qrText(t, 256), High, 13, "alphanumeric"},
		{"342 chars M", qrText(t, 342), Medium, 11, "alphanumeric"},
		// One segment, digits included.
		{"digits inside", "NC1:" + strings.Repeat("0123456789", 3) + "ABC", Medium, 2, "alphanumeric"},
		{"largest version 9 text", qrText(t, 262), Medium, 9, "alphanumeric"},
		{"smallest version 10 text", qrText(t, 263), Medium, 10, "alphanumeric"},
		{"lowercase is byte mode", strings.ToLower(qrText(t, 256)), Medium, 12, "byte"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := Options{Level: tc.level}
			m, err := o.modules(tc.text)
			if err != nil {
				t.Fatalf("modules: got error %v; want nil", err)
			}
			if got := (len(m) - 17) / 4; got != tc.wantVersion {
				t.Errorf("version for %d chars at %v = %d; want %d", len(tc.text), tc.level, got, tc.wantVersion)
			}
			raw := readRaw(t, mustPNG(t, o, tc.text))
			if got := strings.Join(segmentModes(t, raw, tc.wantVersion), ","); got != tc.wantModes {
				t.Errorf("segment modes = %s; want %s", got, tc.wantModes)
			}
		})
	}
}

func TestJPEG(t *testing.T) {
	text := qrText(t, 256)
	img, err := png.Decode(bytes.NewReader(mustPNG(t, Options{}, text)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 75}); err != nil {
		t.Fatal(err)
	}
	got, err := Decode(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("Decode(JPEG): got error %v; want nil", err)
	}
	if got != text {
		t.Errorf("Decode(JPEG) = %q; want %q", got, text)
	}

	// A part of a larger colour photo: the YCbCr fast path must honour the
	// sub-image's offset.
	big := image.NewRGBA(image.Rect(0, 0, 1000, 800))
	for i := range big.Pix {
		big.Pix[i] = byte(180 + i%3*20) // light, slightly coloured
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y < 128 {
				big.Set(300+x, 200+y, color.RGBA{R: 20, G: 30, B: 90, A: 255}) // dark blue modules
			}
		}
	}
	buf.Reset()
	if err := jpeg.Encode(&buf, big, &jpeg.Options{Quality: 75}); err != nil {
		t.Fatal(err)
	}
	photo, err := jpeg.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	ycc, ok := photo.(*image.YCbCr)
	if !ok {
		t.Fatalf("jpeg.Decode gave %T; want *image.YCbCr", photo)
	}
	for _, r := range []image.Rectangle{ycc.Bounds(), image.Rect(250, 150, 900, 790)} {
		got, err := DecodeImage(ycc.SubImage(r))
		if err != nil {
			t.Fatalf("DecodeImage(JPEG photo %v): got error %v; want nil", r, err)
		}
		if got != text {
			t.Errorf("DecodeImage(JPEG photo %v) = %q; want %q", r, got, text)
		}
	}
}

// TestDecodeTransformed reads codes that are not straight and clean, as from
// a camera or a screenshot.
func TestDecodeTransformed(t *testing.T) {
	text := qrText(t, 256)
	src, err := Options{Size: 400}.Image(text)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		img  image.Image
	}{
		{"inverted", mapImage(src, func(x, y int) color.Color {
			return color.Gray{Y: 255 - color.GrayModel.Convert(src.At(x, y)).(color.Gray).Y}
		})},
		{"rotated", mapImage(src, func(x, y int) color.Color { return src.At(y, src.Bounds().Dx()-1-x) })},
		{"grey on grey", mapImage(src, func(x, y int) color.Color {
			if src.ColorIndexAt(x, y) == 1 {
				return color.Gray{Y: 90}
			}
			return color.Gray{Y: 170}
		})},
		{"in a larger picture", embed(src, 1200, 900, 500, 300)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeImage(tc.img)
			if err != nil {
				t.Fatalf("DecodeImage: got error %v; want nil", err)
			}
			if got != text {
				t.Errorf("DecodeImage = %q; want %q", got, text)
			}
		})
	}
}

func mapImage(src image.Image, f func(x, y int) color.Color) image.Image {
	b := src.Bounds()
	dst := image.NewGray(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			dst.Set(x, y, f(x, y))
		}
	}
	return dst
}

func embed(src image.Image, w, h, x, y int) image.Image {
	dst := image.NewGray(image.Rect(0, 0, w, h))
	for i := range dst.Pix {
		dst.Pix[i] = byte(200 + i%7) // a faintly textured light background
	}
	b := src.Bounds()
	for sy := b.Min.Y; sy < b.Max.Y; sy++ {
		for sx := b.Min.X; sx < b.Max.X; sx++ {
			dst.Set(x+sx, y+sy, src.At(sx, sy))
		}
	}
	return dst
}

func encodePNG(tb testing.TB, img image.Image) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// pngHeader returns a PNG signature and IHDR chunk claiming the given size,
// with no pixel data.
func pngHeader(width, height uint32) []byte {
	ihdr := make([]byte, 0, 25)
	ihdr = append(ihdr, "IHDR"...)
	ihdr = binary.BigEndian.AppendUint32(ihdr, width)
	ihdr = binary.BigEndian.AppendUint32(ihdr, height)
	ihdr = append(ihdr, 8, 0, 0, 0, 0) // 8-bit greyscale
	b := []byte("\x89PNG\r\n\x1a\n")
	b = binary.BigEndian.AppendUint32(b, 13)
	b = append(b, ihdr...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(ihdr))
}

// jpegHeader returns a JPEG start, a baseline frame header claiming the
// given size and the start of a scan with no data.
func jpegHeader(width, height uint16) []byte {
	b := []byte{0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 8}
	b = binary.BigEndian.AppendUint16(b, height)
	b = binary.BigEndian.AppendUint16(b, width)
	b = append(b, 1, 1, 0x11, 0)
	return append(b, 0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 0x3F, 0)
}

func TestDecodeErrors(t *testing.T) {
	white := image.NewGray(image.Rect(0, 0, 400, 400))
	for i := range white.Pix {
		white.Pix[i] = 255
	}
	var gifBuf bytes.Buffer
	if err := gif.Encode(&gifBuf, white, nil); err != nil {
		t.Fatal(err)
	}
	qr := mustPNG(t, Options{}, "NC1:BB8")
	rng := rand.New(rand.NewPCG(7, 7))
	garbage := make([]byte, 4096)
	for i := range garbage {
		garbage[i] = byte(rng.Uint32())
	}

	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"blank", encodePNG(t, white), ErrNoQRCode},
		{"black", encodePNG(t, image.NewGray(image.Rect(0, 0, 300, 300))), ErrNoQRCode},
		{"one pixel", encodePNG(t, image.NewGray(image.Rect(0, 0, 1, 1))), ErrNoQRCode},
		{"png 0x0", pngHeader(0, 0), ErrUnsupportedImage}, // image/png refuses it
		{"garbage", garbage, ErrUnsupportedImage},
		{"empty", nil, ErrUnsupportedImage},
		{"text", []byte("NC1:BB8"), ErrUnsupportedImage},
		{"blank gif", gifBuf.Bytes(), ErrNoQRCode},
		{"truncated gif", gifBuf.Bytes()[:20], ErrUnsupportedImage},
		{"webp header only", []byte("RIFF\x10\x00\x00\x00WEBPVP8L"), ErrUnsupportedImage},
		{"heic", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00"), ErrUnsupportedFormat},
		{"truncated png", qr[:len(qr)/2], ErrUnsupportedImage},
		{"png header only", pngHeader(400, 400), ErrUnsupportedImage},
		{"png 100000x100000", pngHeader(100000, 100000), ErrImageTooLarge},
		{"png 5000x4001", pngHeader(5000, 4001), ErrImageTooLarge},
		{"png 1x20000001", pngHeader(1, 20_000_001), ErrImageTooLarge},
		{"jpeg 65535x65535", jpegHeader(65535, 65535), ErrImageTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Decode(bytes.NewReader(tc.in))
			if !errors.Is(err, tc.want) {
				t.Fatalf("Decode: got error %v; want %v", err, tc.want)
			}
			if got != "" {
				t.Errorf("Decode = %q; want \"\" on error", got)
			}
			if !strings.HasPrefix(err.Error(), "qrimage: ") {
				t.Errorf("error %q; want prefix %q", err, "qrimage: ")
			}
		})
	}
}

// TestDecodeTooLargeNoAlloc checks that an image header claiming a huge size
// is refused before anything of that size is allocated.
func TestDecodeTooLargeNoAlloc(t *testing.T) {
	in := pngHeader(100000, 100000)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := Decode(bytes.NewReader(in))
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrImageTooLarge) {
		t.Fatalf("Decode: got error %v; want %v", err, ErrImageTooLarge)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
		t.Errorf("Decode of a 100000x100000 header allocated %d bytes; want under 1 MiB", got)
	}
}

func TestDecodeTooManyBytes(t *testing.T) {
	r := io.MultiReader(bytes.NewReader(pngHeader(10, 10)), io.LimitReader(zeros{}, MaxBytes))
	_, err := Decode(r)
	if !errors.Is(err, ErrImageTooLarge) {
		t.Errorf("Decode of %d bytes: got error %v; want %v", MaxBytes+33, err, ErrImageTooLarge)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

func TestDecodeReadError(t *testing.T) {
	_, err := Decode(failingReader{})
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("Decode(failing reader): got error %v; want %v", err, io.ErrUnexpectedEOF)
	}
}

func TestDecodeImageErrors(t *testing.T) {
	tests := []struct {
		name string
		img  image.Image
		want error
	}{
		// image.Uniform reports bounds of about 2e9 x 2e9 pixels.
		{"uniform", image.NewUniform(color.White), ErrImageTooLarge},
		{"empty", image.NewGray(image.Rect(0, 0, 0, 0)), ErrNoQRCode},
		{"1x1", image.NewGray(image.Rect(0, 0, 1, 1)), ErrNoQRCode},
		{"1x500", image.NewGray(image.Rect(0, 0, 1, 500)), ErrNoQRCode},
		{"offset bounds", image.NewGray(image.Rect(-50, -50, 50, 50)), ErrNoQRCode},
	}
	for _, tc := range tests {
		got, err := DecodeImage(tc.img)
		if !errors.Is(err, tc.want) || got != "" {
			t.Errorf("DecodeImage(%s) = %q, %v; want \"\", %v", tc.name, got, err, tc.want)
		}
	}
}

func TestDrawErrors(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		text string
		want error // nil: any error
	}{
		{"empty text", Options{}, "", ErrEmptyText},
		{"text too long", Options{}, strings.Repeat("A", 4000), ErrTextTooLong},
		{"text too long at H", Options{Level: High}, strings.Repeat("A", 2000), ErrTextTooLong},
		{"size too large", Options{Size: MaxSize + 1}, "NC1:BB8", ErrImageTooLarge},
		{"negative size", Options{Size: -1}, "NC1:BB8", nil},
		{"unknown level", Options{Level: 9}, "NC1:BB8", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := tc.opts.PNG(tc.text)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("PNG: got error %v; want %v", err, tc.want)
			}
			if b != nil {
				t.Errorf("PNG: got %d bytes; want nil on error", len(b))
			}
			if !strings.HasPrefix(err.Error(), "qrimage: ") {
				t.Errorf("error %q; want prefix %q", err, "qrimage: ")
			}
		})
	}
	// The largest alphanumeric text at M, 3391 characters, still fits.
	if _, err := (Options{Size: 1}).PNG(strings.Repeat("A", 3391)); err != nil {
		t.Errorf("PNG(3391 characters): got error %v; want nil", err)
	}
}

func TestLevelString(t *testing.T) {
	tests := []struct {
		l    Level
		want string
	}{{Low, "L"}, {Medium, "M"}, {Quartile, "Q"}, {High, "H"}, {Level(7), "Level(7)"}}
	for _, tc := range tests {
		if got := tc.l.String(); got != tc.want {
			t.Errorf("Level(%d).String() = %q; want %q", int(tc.l), got, tc.want)
		}
	}
}

// stripANSI removes the SGR sequences this package writes.
func stripANSI(s string) string {
	return strings.NewReplacer(darkInk, "", lightInk, "", reset, "").Replace(s)
}

// terminalImage renders a terminal drawing as a screen would, 4 pixels per
// module, with ink and paper in the given grey levels.
func terminalImage(tb testing.TB, s string, ink, paper uint8) *image.Gray {
	tb.Helper()
	lines := strings.Split(strings.TrimSuffix(stripANSI(s), "\n"), "\n")
	w := len([]rune(lines[0]))
	const px = 4
	img := image.NewGray(image.Rect(0, 0, w*px, 2*len(lines)*px))
	for cy, line := range lines {
		for cx, r := range []rune(line) {
			var top, bottom bool
			switch r {
			case ' ':
			case '▀':
				top = true
			case '▄':
				bottom = true
			case '█':
				top, bottom = true, true
			default:
				tb.Fatalf("terminal drawing: unexpected rune %q", r)
			}
			for half, set := range [2]bool{top, bottom} {
				c := paper
				if set {
					c = ink
				}
				for y := range px {
					for x := range px {
						img.SetGray(cx*px+x, (2*cy+half)*px+y, color.Gray{Y: c})
					}
				}
			}
		}
	}
	return img
}

func TestTerminal(t *testing.T) {
	const text = "NC1:BB8" // version 1: 21 modules, 29 with the quiet zone
	s := Terminal(text)
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	if got, want := len(lines), 15; got != want {
		t.Fatalf("Terminal(%q): got %d lines; want %d", text, got, want)
	}
	for i, line := range lines {
		if !strings.HasPrefix(line, darkInk) || !strings.HasSuffix(line, reset) {
			t.Errorf("line %d = %q; want it wrapped in %q ... %q", i, line, darkInk, reset)
		}
		if got, want := len([]rune(stripANSI(line))), 29; got != want {
			t.Errorf("line %d: got %d cells; want %d", i, got, want)
		}
	}
	// Quiet zone: the first 2 lines (4 modules) and the last line blank.
	for _, i := range []int{0, 1, 14} {
		if got := strings.TrimSpace(stripANSI(lines[i])); got != "" {
			t.Errorf("line %d = %q; want blank quiet zone", i, got)
		}
	}
	for i, line := range lines {
		if c := stripANSI(line); !strings.HasPrefix(c, "    ") || !strings.HasSuffix(c, "    ") {
			t.Errorf("line %d = %q; want 4 blank cells of quiet zone at each end", i, c)
		}
	}
}

func TestTerminalDecodes(t *testing.T) {
	tests := []struct {
		name       string
		opts       Options
		text       string
		ink, paper uint8
	}{
		// Colours on: the terminal shows black ink on white.
		{"colour", Options{}, qrText(t, 256), 0, 255},
		// No colours, light theme: the terminal's dark text on light.
		{"no colour light theme", Options{NoColor: true}, qrText(t, 256), 30, 250},
		// No colours, inverted, dark theme: light text on dark.
		{"inverted dark theme", Options{NoColor: true, Invert: true}, qrText(t, 256), 220, 20},
		// Colours on and inverted: white ink on black, dark on light again.
		{"inverted colour", Options{Invert: true}, "NC1:BB8", 255, 0},
		{"short", Options{NoColor: true}, "NC1:BB8", 0, 255},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := tc.opts.Terminal(tc.text)
			if err != nil {
				t.Fatalf("Terminal: got error %v; want nil", err)
			}
			if tc.opts.NoColor && strings.Contains(s, "\x1b") {
				t.Errorf("Terminal with NoColor contains an escape sequence")
			}
			img := terminalImage(t, s, tc.ink, tc.paper)
			if w, h := img.Bounds().Dx(), img.Bounds().Dy(); h-w != 0 && h-w != 4*1 {
				t.Errorf("rendered drawing is %dx%d pixels; want square up to one padding module", w, h)
			}
			got, err := DecodeImage(img)
			if err != nil {
				t.Fatalf("DecodeImage(terminal drawing): got error %v; want nil", err)
			}
			if got != tc.text {
				t.Errorf("DecodeImage(terminal drawing) = %q; want %q", got, tc.text)
			}
		})
	}
}

func TestTerminalErrors(t *testing.T) {
	for _, text := range []string{"", strings.Repeat("A", 5000)} {
		if got := Terminal(text); got != "" {
			t.Errorf("Terminal(%d characters) = %q; want \"\"", len(text), got)
		}
	}
}

func TestModulesSize(t *testing.T) {
	// The drawings add QuietZone modules themselves: the encoder's symbol
	// must come without one.
	m, err := Options{}.modules("NC1:BB8")
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 21 || len(m[0]) != 21 {
		t.Fatalf("symbol of %q is %dx%d modules; want 21x21 (version 1, no quiet zone)", "NC1:BB8", len(m[0]), len(m))
	}
	// The top-left finder pattern starts at the corner.
	for i, want := range []bool{true, true, true, true, true, true, true, false} {
		if m[0][i] != want {
			t.Errorf("row 0 module %d = %v; want %v", i, m[0][i], want)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(mustPNG(f, Options{Size: 1}, "NC1:BB8"))
	f.Add(mustPNG(f, Options{Size: 60}, "NC1:%69 VD92EX0"))
	img, err := png.Decode(bytes.NewReader(mustPNG(f, Options{Size: 1}, "NC1:BB8")))
	if err != nil {
		f.Fatal(err)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 75}); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add(encodeGIF(f, img))
	f.Add(encodeWebP(f, img))
	f.Add(pngHeader(100000, 100000))
	f.Add(pngHeader(40, 40))
	f.Add(jpegHeader(65535, 65535))
	f.Add([]byte("NC1:BB8"))
	f.Add([]byte{})
	f.Add([]byte("\x89PNG\r\n\x1a\n garbage"))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := Decode(bytes.NewReader(b))
		if err != nil {
			if got != "" {
				t.Fatalf("Decode = %q with error %v; want \"\" on error", got, err)
			}
			if !errors.Is(err, ErrNoQRCode) && !errors.Is(err, ErrUnsupportedImage) && !errors.Is(err, ErrImageTooLarge) &&
				!errors.Is(err, ErrUnsupportedFormat) && !errors.Is(err, ErrMultipleCodes) {
				t.Fatalf("Decode: got error %v; want one of the sentinels", err)
			}
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	in := mustPNG(b, Options{}, qrText(b, 256))
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := Decode(bytes.NewReader(in)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeJPEG(b *testing.B) {
	img, err := png.Decode(bytes.NewReader(mustPNG(b, Options{}, qrText(b, 256))))
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 75}); err != nil {
		b.Fatal(err)
	}
	in := buf.Bytes()
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := Decode(bytes.NewReader(in)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeNoQRCode(b *testing.B) {
	white := image.NewGray(image.Rect(0, 0, 512, 512))
	for i := range white.Pix {
		white.Pix[i] = 255
	}
	in := encodePNG(b, white)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(bytes.NewReader(in)); !errors.Is(err, ErrNoQRCode) {
			b.Fatal(err)
		}
	}
}

func BenchmarkPNG(b *testing.B) {
	text := qrText(b, 256)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := PNG(text, 0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTerminal(b *testing.B) {
	text := qrText(b, 256)
	b.ReportAllocs()
	for b.Loop() {
		if Terminal(text) == "" {
			b.Fatal("empty drawing")
		}
	}
}
