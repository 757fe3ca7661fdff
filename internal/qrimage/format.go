package qrimage

import (
	"bytes"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/webp"
)

// A format is an image format recognised by its signature. decode and
// config are nil for a format this package recognises but does not read.
type format struct {
	name   string
	match  func(b []byte) bool
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}

func prefix(p string) func([]byte) bool {
	return func(b []byte) bool { return bytes.HasPrefix(b, []byte(p)) }
}

// isoBMFF matches an ISO base media file (HEIF, AVIF, JPEG 2000 part 2)
// whose "ftyp" box names one of brands as its major brand.
func isoBMFF(brands ...string) func([]byte) bool {
	return func(b []byte) bool {
		if len(b) < 12 || string(b[4:8]) != "ftyp" {
			return false
		}
		for _, brand := range brands {
			if string(b[8:12]) == brand {
				return true
			}
		}
		return false
	}
}

// formats lists every format [Sniff] recognises, readable ones first.
var formats = []format{
	{"png", prefix("\x89PNG\r\n\x1a\n"), png.DecodeConfig, png.Decode},
	{"jpeg", prefix("\xff\xd8\xff"), jpeg.DecodeConfig, jpeg.Decode},
	{"gif", func(b []byte) bool {
		return bytes.HasPrefix(b, []byte("GIF87a")) || bytes.HasPrefix(b, []byte("GIF89a"))
	},
		gif.DecodeConfig, gif.Decode},
	{"webp", func(b []byte) bool { return len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP" },
		webp.DecodeConfig, webp.Decode},

	{"heic", isoBMFF("heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs", "mif1", "msf1"), nil, nil},
	{"avif", isoBMFF("avif", "avis"), nil, nil},
	{"jpeg2000", func(b []byte) bool {
		return bytes.HasPrefix(b, []byte("\x00\x00\x00\x0cjP  \r\n\x87\n")) || bytes.HasPrefix(b, []byte("\xff\x4f\xff\x51"))
	}, nil, nil},
	{"jpegxl", func(b []byte) bool {
		return bytes.HasPrefix(b, []byte("\xff\x0a")) || bytes.HasPrefix(b, []byte("\x00\x00\x00\x0cJXL \r\n\x87\n"))
	}, nil, nil},
	{"tiff", func(b []byte) bool {
		return bytes.HasPrefix(b, []byte("II*\x00")) || bytes.HasPrefix(b, []byte("MM\x00*"))
	}, nil, nil},
	{"bmp", func(b []byte) bool { return len(b) >= 14 && string(b[:2]) == "BM" && b[6]|b[7]|b[8]|b[9] == 0 }, nil, nil},
	{"ico", prefix("\x00\x00\x01\x00"), nil, nil},
	{"psd", prefix("8BPS"), nil, nil},
	{"qoi", prefix("qoif"), nil, nil},
	{"pdf", prefix("%PDF-"), nil, nil},
	{"svg", isSVG, nil, nil},
}

// isSVG matches an SVG document: after an optional byte-order mark and white
// space, "<svg", or an XML declaration or comment followed within the first
// kilobyte by "<svg".
func isSVG(b []byte) bool {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	b = bytes.TrimLeft(b, " \t\r\n")
	if bytes.HasPrefix(b, []byte("<svg")) {
		return true
	}
	if !bytes.HasPrefix(b, []byte("<?xml")) && !bytes.HasPrefix(b, []byte("<!")) {
		return false
	}
	return bytes.Contains(b[:min(len(b), 1024)], []byte("<svg"))
}

// Sniff names the image format that b starts with, recognised by its
// signature: "png", "jpeg", "gif" and "webp", which [Decode] reads, or
// "heic", "avif", "jpeg2000", "jpegxl", "tiff", "bmp", "ico", "psd", "qoi",
// "pdf" and "svg", which it refuses with [ErrUnsupportedFormat]. It returns
// "" if b starts with none of these, which is what text and COSE bytes do:
// none of the signatures is printable text that QR text or hex or base64
// could start with, except "%PDF-" and an SVG's "<".
//
// The first 1024 bytes are enough to sniff any format.
func Sniff(b []byte) string {
	if f := sniff(b); f != nil {
		return f.name
	}
	return ""
}

// CanRead reports whether [Decode] reads images of the named format, as
// [Sniff] names it.
func CanRead(format string) bool {
	for _, f := range formats {
		if f.name == format {
			return f.decode != nil
		}
	}
	return false
}

func sniff(b []byte) *format {
	for i := range formats {
		if formats[i].match(b) {
			return &formats[i]
		}
	}
	return nil
}

// decodeBytes decodes data as the image format its signature names.
func decodeBytes(data []byte) (image.Image, error) {
	f := sniff(data)
	switch {
	case f == nil:
		return nil, fmt.Errorf("%w: not a png, jpeg, gif or webp image", ErrUnsupportedImage)
	case f.decode == nil:
		return nil, fmt.Errorf("%w: %s (convert it to png or jpeg)", ErrUnsupportedFormat, f.name)
	}
	cfg, err := f.config(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnsupportedImage, err)
	}
	if err := checkDimensions(cfg.Width, cfg.Height); err != nil {
		return nil, err
	}
	img, err := f.decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnsupportedImage, err)
	}
	// The header and the pixels may disagree (a GIF frame may lie outside
	// its logical screen): check what was decoded too.
	if b := img.Bounds(); b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		if err := checkDimensions(b.Dx(), b.Dy()); err != nil {
			return nil, err
		}
	}
	return img, nil
}
