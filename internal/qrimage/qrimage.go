// Package qrimage draws QR codes of netcred QR text and reads them back from
// images.
//
// [PNG] and [Terminal] draw; [Decode] and [DecodeImage] read; [Sniff] names
// an image format from its first bytes. [Options] chooses the error
// correction level, the image size and how a terminal drawing is coloured.
// Drawing uses github.com/yeqown/go-qrcode/v2 and reading
// github.com/makiuchi-d/gozxing's detector and decoder behind a finder
// pattern search of this package.
//
// # Reading photos
//
// A code photographed from a phone screen or a card is read when it is
// scaled, rotated, seen at an angle, blurred, noisy, low in contrast, saved
// as JPEG, light on dark, or small in a large photo (down to about 2 pixels
// per module). The tests hold the reader to a corpus of such pictures made
// by internal/photogen and, where zbarimg is installed, to zbar: every
// picture zbarimg reads, this package reads. An image that shows two codes
// of different texts is refused with [ErrMultipleCodes] rather than read as
// one of them; the same text twice reads as that text.
//
// # Compatibility
//
// The QR text of a credential ("NC1:" followed by Base45) uses only the 45
// characters of the QR alphanumeric mode, and the encoder writes it in that
// mode, as one segment: 11 bits per 2 characters instead of 16 in byte mode.
// Any other text is written in byte mode, as UTF-8. A 256-character
// text at the default level M fits in version 9 (53x53 modules) instead of
// version 12 in byte mode. Drawings keep the standard quiet zone of
// [QuietZone] modules around the symbol.
//
// # Security
//
// Images are untrusted input. [Decode] reads at most [MaxBytes], reads the
// image header before the pixels and refuses images of more than [MaxPixels]
// without decoding them; [DecodeImage] refuses such images too. Only PNG,
// JPEG, GIF and WebP are read, recognised by their signatures, whatever other
// decoders the program registers; other image formats that [Sniff]
// recognises are refused with [ErrUnsupportedFormat]. A panic
// inside the QR decoder is reported as [ErrNoQRCode] rather than crashing the
// verifier. The text read is not verified in any way: hand it to the verifier.
//
// Reading is bounded whatever the image: the finder pattern search cuts
// every run at a multiple of its expected length, keeps at most a few hundred
// candidates, combines only the most often confirmed of them, hands the
// library's detector only points inside the image, and charges all of it to
// a fixed work budget (about a second of CPU for a 20-megapixel image),
// after which it reports [ErrNoQRCode]. An image of thousands of finder-like
// squares is refused in milliseconds. A server that reads uploaded images
// should still bound how many it reads at once.
//
// The encoder logs to standard error, and writes debugging pictures into
// ./draft if that directory exists, when the environment variable
// QRCODE_DEBUG is 1 or true: leave it unset.
package qrimage

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"

	qrcode "github.com/yeqown/go-qrcode/v2"
)

const (
	// QuietZone is the width in modules of the light margin drawn around
	// every QR code, the minimum that ISO/IEC 18004 requires.
	QuietZone = 4

	// DefaultSize is the width and height in pixels of a PNG when
	// [Options.Size] is zero.
	DefaultSize = 512

	// MaxSize is the largest width and height in pixels that [Options.Size]
	// may ask for.
	MaxSize = 4096
)

// Level is a QR error correction level. The zero value is [Medium]; the
// values are not ordered by strength.
type Level int

// The four error correction levels of ISO/IEC 18004, with the share of the
// symbol that can be damaged and still read.
const (
	Medium   Level = iota // M: about 15%, the default
	Low                   // L: about 7%
	Quartile              // Q: about 25%
	High                  // H: about 30%
)

// String returns the level's letter: "L", "M", "Q" or "H".
func (l Level) String() string {
	switch l {
	case Low:
		return "L"
	case Medium:
		return "M"
	case Quartile:
		return "Q"
	case High:
		return "H"
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

// encoderLevel maps l to the encoder's option. The encoder names H
// "Highest".
func (l Level) encoderLevel() (qrcode.EncodeOption, error) {
	switch l {
	case Low:
		return qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionLow), nil
	case Medium:
		return qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionMedium), nil
	case Quartile:
		return qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionQuart), nil
	case High:
		return qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionHighest), nil
	}
	return nil, fmt.Errorf("qrimage: unknown error correction level %d", int(l))
}

// Options controls drawing. The zero value draws at level M, [DefaultSize]
// pixels, with terminal colours.
type Options struct {
	// Level is the error correction level; the zero value is Medium.
	Level Level

	// Size is the width and height of a PNG in pixels; zero means
	// [DefaultSize]. Each module gets the same whole number of pixels and the
	// rest goes to the margin, so the code stays sharp. A size too small for
	// one pixel per module gives a larger image. A negative size or more
	// than [MaxSize] is an error.
	Size int

	// NoColor leaves the ANSI colour codes out of [Options.Terminal]. The
	// glyphs alone then show dark modules as ink, which is right where text
	// is dark on light: a file, a printout, a light terminal theme.
	NoColor bool

	// Invert makes [Options.Terminal] draw the light modules as ink instead,
	// for a terminal with light text on a dark background that ignores
	// colour codes.
	Invert bool
}

// PNG returns a PNG image of the QR code of text, size pixels wide and high
// (see [Options.Size]; 0 means [DefaultSize]), at error correction level M.
func PNG(text string, size int) ([]byte, error) {
	return Options{Size: size}.PNG(text)
}

// PNG returns a PNG image of the QR code of text. It is a two-colour
// (1 bit per pixel) image, black on white.
func (o Options) PNG(text string) ([]byte, error) {
	img, err := o.Image(text)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("qrimage: encoding png: %w", err)
	}
	return buf.Bytes(), nil
}

// Image returns the QR code of text as a black and white paletted image,
// the quiet zone included, [Options.Size] pixels wide and high.
func (o Options) Image(text string) (*image.Paletted, error) {
	size := o.Size
	switch {
	case size == 0:
		size = DefaultSize
	case size < 0:
		return nil, fmt.Errorf("qrimage: negative image size %d", size)
	case size > MaxSize:
		return nil, fmt.Errorf("%w: %d pixels wide, more than %d", ErrImageTooLarge, size, MaxSize)
	}
	m, err := o.modules(text)
	if err != nil {
		return nil, err
	}
	n := len(m) + 2*QuietZone
	scale := max(size/n, 1)
	size = max(size, n)
	margin := (size-n*scale)/2 + QuietZone*scale

	img := image.NewPaletted(image.Rect(0, 0, size, size), color.Palette{color.White, color.Black})
	for y, row := range m {
		for x, dark := range row {
			if !dark {
				continue
			}
			x0, y0 := margin+x*scale, margin+y*scale
			for py := y0; py < y0+scale; py++ {
				line := img.Pix[py*img.Stride+x0 : py*img.Stride+x0+scale]
				for i := range line {
					line[i] = 1
				}
			}
		}
	}
	return img, nil
}

// modules returns the QR symbol of text without its quiet zone:
// m[y][x] is true where the module is dark.
func (o Options) modules(text string) ([][]bool, error) {
	q, err := o.symbol(text)
	if err != nil {
		return nil, err
	}
	var c capture
	if err := q.Save(&c); err != nil {
		return nil, fmt.Errorf("qrimage: drawing: %w", err)
	}
	return c.modules, nil
}

// capture is an encoder writer that keeps the symbol's modules.
type capture struct{ modules [][]bool }

func (c *capture) Write(m qrcode.Matrix) error {
	c.modules = m.Bitmap()
	return nil
}

func (c *capture) Close() error { return nil }

// alphanumeric are the 45 characters of the QR alphanumeric mode, which
// are those of Base45 (RFC 9285) too.
const alphanumeric = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

// symbol encodes text at o.Level: in alphanumeric mode if every character
// allows it, as in all QR text of netcred, else in byte mode (UTF-8).
func (o Options) symbol(text string) (*qrcode.QRCode, error) {
	if text == "" {
		return nil, ErrEmptyText
	}
	level, err := o.Level.encoderLevel()
	if err != nil {
		return nil, err
	}
	mode := qrcode.WithEncodingMode(qrcode.EncModeAlphanumeric)
	for _, r := range text {
		if !strings.ContainsRune(alphanumeric, r) {
			mode = qrcode.WithEncodingMode(qrcode.EncModeByte)
			break
		}
	}
	q, err := qrcode.NewWith(text, level, mode)
	if err != nil {
		return nil, fmt.Errorf("%w: %d bytes at level %v: %w", ErrTextTooLong, len(text), o.Level, err)
	}
	return q, nil
}
