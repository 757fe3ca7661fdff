package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/qrimage"
)

// loadInput resolves a credential argument: QR text given literally, "-" for
// standard input, or a file holding QR text, raw COSE bytes, or a PNG/JPEG
// image of the QR code. It returns the bytes to decode (text stays text)
// and a description of where they came from, for messages.
func loadInput(e *env, arg string) ([]byte, string, error) {
	if strings.HasPrefix(arg, credential.QRPrefix) || strings.HasPrefix(arg, "HC1:") {
		return []byte(arg), "argument", nil
	}
	if arg != "-" {
		if _, err := os.Stat(arg); err != nil {
			return nil, "", fmt.Errorf("%q is neither QR text (starting %q) nor a readable file: %v", arg, credential.QRPrefix, err)
		}
	}
	data, err := readInput(e, arg)
	if err != nil {
		return nil, "", err
	}
	source := arg
	if arg == "-" {
		source = "standard input"
	}
	if isImage(data) {
		text, err := qrimage.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", source, err)
		}
		return []byte(text), source + " (QR image)", nil
	}
	return data, source, nil
}

// isImage recognises PNG and JPEG by their magic bytes.
func isImage(b []byte) bool {
	return bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) || bytes.HasPrefix(b, []byte{0xff, 0xd8, 0xff})
}
