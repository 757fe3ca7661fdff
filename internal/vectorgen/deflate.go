package main

import (
	"bytes"
	"compress/flate"
)

// credentialDeflate raw-deflates data (no dictionary: a decoder inflating
// with the dictionary reads a stream that does not refer to it the same).
func credentialDeflate(data []byte) []byte {
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		panic(err)
	}
	w.Write(data)
	w.Close()
	return buf.Bytes()
}
