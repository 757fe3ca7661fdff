package qrimage

import "errors"

// Errors returned by this package; test for them with [errors.Is].
var (
	// ErrNoQRCode means the image was read but holds no QR code that could
	// be located and decoded.
	ErrNoQRCode = errors.New("qrimage: no QR code found")

	// ErrImageTooLarge means an input image exceeds [MaxBytes] or
	// [MaxPixels], or a requested output image exceeds [MaxSize].
	ErrImageTooLarge = errors.New("qrimage: image too large")

	// ErrUnsupportedImage means the input is not an image in a format that
	// [Decode] reads (PNG, JPEG, GIF, WebP) or is a damaged one.
	ErrUnsupportedImage = errors.New("qrimage: unsupported image")

	// ErrUnsupportedFormat means the input is an image, recognised by its
	// signature (see [Sniff]), in a format that [Decode] does not read, such
	// as HEIC, AVIF or TIFF. It is not text either: a caller should ask for
	// the image in PNG or JPEG rather than read it as QR text.
	ErrUnsupportedFormat = errors.New("qrimage: unsupported image format")

	// ErrMultipleCodes means the image shows more than one QR code, with
	// different texts: which one to read is the caller's choice, not the
	// decoder's, so none is returned. Crop the image to one code.
	ErrMultipleCodes = errors.New("qrimage: more than one QR code in the image")

	// ErrEmptyText means there is no text to draw.
	ErrEmptyText = errors.New("qrimage: empty text")

	// ErrTextTooLong means the text does not fit in the largest QR code
	// (version 40) at the chosen error correction level.
	ErrTextTooLong = errors.New("qrimage: text too long for a QR code")
)
