package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/qrimage"
	"github.com/netcred/netcred/internal/regularfile"
	"github.com/netcred/netcred/presentation"
)

// Size caps of what the CLI reads. Every file goes through readFile.
const (
	// maxInputSize caps credential inputs (QR text, COSE, images).
	maxInputSize = 32 << 20
	// maxSmallFile caps keys, key sets, claims, configs, passphrases.
	maxSmallFile = 1 << 20
)

// readFile reads a regular file, or standard input for "-", refusing more
// than limit bytes. Devices (/dev/zero), FIFOs and directories are refused
// before they are opened, so a read never hangs or grows without bound.
func readFile(e *env, name string, limit int64) ([]byte, error) {
	if name == "-" {
		return readCapped(e.stdin, "standard input", limit)
	}
	f, _, err := regularfile.Open(name, limit)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readCapped(f, name, limit)
}

// checkFile refuses, before anything opens it, a file that readFile would
// refuse. Readers of other packages (schemas, configs) are called after
// it, so that they never open a FIFO or a device.
func checkFile(name string, limit int64) error {
	_, err := regularfile.Check(name, limit)
	return err
}

func readCapped(r io.Reader, name string, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: %w (more than %d bytes)", name, errTooLarge, limit)
	}
	return b, nil
}

// readText reads a text file (see readFile) as UTF-8: a UTF-8 byte-order
// mark is dropped and UTF-16 with a byte-order mark is converted.
func readText(e *env, name string, limit int64) ([]byte, error) {
	b, err := readFile(e, name, limit)
	if err != nil {
		return nil, err
	}
	t, err := decodeText(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return t, nil
}

// decodeText turns text with a byte-order mark, or UTF-16 without one that
// starts with two ASCII characters (QR text, JSON), into plain UTF-8; other
// bytes are returned unchanged. A COSE_Sign1 starts with 0xD2 or 0x84, and
// hex, base64url and UTF-8 text never hold a zero byte, so nothing netcred
// reads is taken for UTF-16 by mistake.
func decodeText(b []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(b, []byte{0xef, 0xbb, 0xbf}):
		return b[3:], nil
	case bytes.HasPrefix(b, []byte{0xff, 0xfe}):
		return fromUTF16(b[2:], false)
	case bytes.HasPrefix(b, []byte{0xfe, 0xff}):
		return fromUTF16(b[2:], true)
	case len(b) >= 4 && b[1] == 0 && b[3] == 0 && asciiText(b[0]) && asciiText(b[2]):
		return fromUTF16(b, false)
	case len(b) >= 4 && b[0] == 0 && b[2] == 0 && asciiText(b[1]) && asciiText(b[3]):
		return fromUTF16(b, true)
	}
	return b, nil
}

// asciiText reports whether c is a printable ASCII character or white space.
func asciiText(c byte) bool {
	return c >= 0x20 && c < 0x7f || c == '\t' || c == '\n' || c == '\r'
}

func fromUTF16(b []byte, bigEndian bool) ([]byte, error) {
	if len(b)%2 != 0 {
		return nil, fmt.Errorf("%w: UTF-16 text of an odd number of bytes", errBadText)
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	out := make([]byte, 0, len(u))
	for i := 0; i < len(u); i++ {
		r := rune(u[i])
		switch {
		case utf16.IsSurrogate(r) && i+1 < len(u):
			r = utf16.DecodeRune(r, rune(u[i+1]))
			i++
			if r == utf8.RuneError {
				return nil, fmt.Errorf("%w: invalid UTF-16 surrogate pair", errBadText)
			}
		case utf16.IsSurrogate(r):
			return nil, fmt.Errorf("%w: lone UTF-16 surrogate", errBadText)
		}
		out = utf8.AppendRune(out, r)
	}
	return out, nil
}

// loadInput resolves a credential argument: QR text given literally, "-" for
// standard input, or a file holding QR text (UTF-8, with or without a
// byte-order mark, or UTF-16), raw COSE bytes, or an image of the QR code.
// It returns the bytes to decode (text stays text) and a description of
// where they came from, for messages. An image is recognised by its
// signature (qrimage.Sniff), so that one netcred cannot read (HEIC, TIFF...)
// is refused as an image (qrimage.ErrUnsupportedFormat), never judged as QR
// text.
func loadInput(e *env, arg string) ([]byte, string, error) {
	trimmed := strings.TrimSpace(arg)
	if upper := strings.ToUpper(trimmed); strings.HasPrefix(upper, credential.QRPrefix) || strings.HasPrefix(upper, presentation.QRPrefix) || strings.HasPrefix(upper, "HC1:") {
		// Given as is: the length limit and the whitespace rule are the
		// decoder's (credential.md §6).
		return []byte(arg), "argument", nil
	}
	if arg != "-" {
		if _, err := os.Stat(arg); err != nil {
			if len(trimmed) > 64 && !strings.ContainsAny(trimmed, "/\\") {
				// Long text that is no file name: hex or base64url given
				// inline, which inspect reads.
				return []byte(trimmed), "argument", nil
			}
			shown := arg
			if len(shown) > 48 {
				shown = shown[:48] + "..."
			}
			return nil, "", fmt.Errorf("%q is neither QR text (starting %q) nor a readable file", shown, credential.QRPrefix)
		}
	}
	data, err := readFile(e, arg, maxInputSize)
	if err != nil {
		return nil, "", err
	}
	source := arg
	if arg == "-" {
		source = "standard input"
	}
	if format := qrimage.Sniff(data); format != "" {
		text, err := qrimage.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, "", fmt.Errorf("%s (%s image): %w", source, format, err)
		}
		return []byte(text), source + " (QR image)", nil
	}
	text, err := decodeText(data)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", source, err)
	}
	return text, source, nil
}

// inputError prints an error of loadInput with a hint and returns exit 2.
func inputError(e *env, err error) int {
	errorf(e, "%v", err)
	fileHint(e, err)
	switch {
	case errors.Is(err, qrimage.ErrUnsupportedFormat):
		hint(e, "netcred reads PNG, JPEG, GIF and WebP images: convert it first (e.g. convert photo.heic photo.png) or give the QR text")
	case errors.Is(err, qrimage.ErrUnsupportedImage):
		hint(e, "the image is damaged or not what its name says: take the photo or screenshot again, as PNG or JPEG")
	case errors.Is(err, qrimage.ErrMultipleCodes):
		hint(e, "crop the image to the one QR code to read")
	case errors.Is(err, qrimage.ErrNoQRCode):
		hint(e, "photograph the code straight on, filling more of the picture, or give the QR text itself")
	case errors.Is(err, qrimage.ErrImageTooLarge):
		hint(e, "scale the image down or crop it to the QR code")
	}
	return exitUsage
}

// fileHint adds the hint for an error of readFile, if it is one.
func fileHint(e *env, err error) {
	switch {
	case errors.Is(err, errIsDir):
		hint(e, "give a file, not a directory")
	case errors.Is(err, errNotRegular):
		hint(e, "give a regular file; to read a stream, pipe it to - (standard input)")
	case errors.Is(err, errTooLarge):
		hint(e, "this is larger than anything netcred reads: check that it is the right file or stream")
	case errors.Is(err, errBadText):
		hint(e, "save the file as UTF-8 text")
	case errors.Is(err, os.ErrNotExist):
		hint(e, "check the file name")
	}
}
