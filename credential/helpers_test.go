package credential

import (
	"bytes"
	"compress/flate"
	"testing"

	"github.com/netcred/netcred/internal/base45"
)

func b45(b []byte) string { return base45.Encode(b) }

func deflateTB(tb testing.TB, data []byte) []byte {
	tb.Helper()
	var buf bytes.Buffer
	w, err := flate.NewWriterDict(&buf, flate.BestCompression, qrDictionary)
	if err != nil {
		tb.Fatal(err)
	}
	w.Write(data)
	w.Close()
	return buf.Bytes()
}
