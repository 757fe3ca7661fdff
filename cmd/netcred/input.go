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
	trimmed := strings.TrimSpace(arg)
	if upper := strings.ToUpper(trimmed); strings.HasPrefix(upper, credential.QRPrefix) || strings.HasPrefix(upper, "HC1:") {
		return []byte(trimmed), "argument", nil
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
