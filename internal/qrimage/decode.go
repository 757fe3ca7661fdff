package qrimage

import (
	"fmt"
	"image"
	"io"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

const (
	// MaxBytes is the largest encoded image that [Decode] reads: 32 MiB.
	MaxBytes = 32 << 20

	// MaxPixels is the largest image, in pixels, that [Decode] and
	// [DecodeImage] accept: 20 megapixels, more than a phone camera's
	// usual picture.
	MaxPixels = 20_000_000
)

// Decode reads a PNG, JPEG, GIF or WebP image from r and returns the text of
// the QR code it shows (of a GIF, its first frame).
//
// It reads at most [MaxBytes] and checks the dimensions in the image header
// before decoding any pixel. Errors wrap [ErrImageTooLarge],
// [ErrUnsupportedFormat] (an image format it does not read, see [Sniff]),
// [ErrUnsupportedImage] (not an image, or a damaged one), [ErrNoQRCode], or
// are an I/O error from r.
func Decode(r io.Reader) (string, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return "", fmt.Errorf("qrimage: reading image: %w", err)
	}
	if len(data) > MaxBytes {
		return "", fmt.Errorf("%w: more than %d bytes", ErrImageTooLarge, MaxBytes)
	}
	img, err := decodeBytes(data)
	if err != nil {
		return "", err
	}
	return DecodeImage(img)
}

// checkDimensions refuses images of more than MaxPixels.
func checkDimensions(width, height int) error {
	// int64: on 32-bit platforms (WebAssembly) the product of two ints
	// could overflow.
	if int64(width)*int64(height) > MaxPixels {
		return fmt.Errorf("%w: %dx%d pixels, more than %d", ErrImageTooLarge, width, height, MaxPixels)
	}
	return nil
}

// luma returns the luma plane of a JPEG's YCbCr image as a grey image sharing
// its pixels, which reads twice as fast as converting every pixel to RGB.
// Other images are returned as they are.
func luma(img image.Image) image.Image {
	if y, ok := img.(*image.YCbCr); ok {
		// The Y plane has the layout of image.Gray's Pix.
		return &image.Gray{Pix: y.Y, Stride: y.YStride, Rect: y.Rect}
	}
	return img
}

// attempts are the decoder settings tried in order: plain and fast, then
// harder, then assuming the image is nothing but a straight code (as a PNG
// from this package is).
var attempts = []map[gozxing.DecodeHintType]any{
	nil,
	{gozxing.DecodeHintType_TRY_HARDER: true},
	{gozxing.DecodeHintType_PURE_BARCODE: true},
}

// DecodeImage returns the text of the QR code that img shows. The code may be
// dark on light or, as in a screenshot of a dark terminal, light on dark.
// For each polarity it tries a plain reading, then the TRY_HARDER and then
// the PURE_BARCODE hint of the decoder.
//
// Errors wrap [ErrImageTooLarge] for an image of more than [MaxPixels] or
// [ErrNoQRCode].
func DecodeImage(img image.Image) (text string, err error) {
	b := img.Bounds()
	if err := checkDimensions(b.Dx(), b.Dy()); err != nil {
		return "", err
	}
	if b.Empty() {
		return "", fmt.Errorf("%w: empty image", ErrNoQRCode)
	}
	// The decoder is a port of Java code on untrusted input: a panic in it
	// must not bring the verifier down.
	defer func() {
		if p := recover(); p != nil {
			text, err = "", fmt.Errorf("%w: decoder panic: %v", ErrNoQRCode, p)
		}
	}()

	reader := qrcode.NewQRCodeReader()
	src := gozxing.NewLuminanceSourceFromImage(luma(img))
	var last error
	for _, s := range []gozxing.LuminanceSource{src, src.Invert()} {
		// One bitmap per polarity: it caches the binarized image.
		bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(s))
		if err != nil {
			return "", fmt.Errorf("%w: %w", ErrNoQRCode, err)
		}
		for _, hints := range attempts {
			res, err := reader.Decode(bmp, hints)
			if err == nil {
				return res.GetText(), nil
			}
			last = err
		}
	}
	return "", fmt.Errorf("%w: %w", ErrNoQRCode, last)
}
