package status

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/adler32"
	"io"
)

// Compress returns b as a zlib stream (RFC 1950, DEFLATE inside), the form
// the draft requires for the "lst" of a Status List. Any inflater reads it.
//
// A status list is mostly zero bytes, and compress/zlib does poorly on it:
// for 2^20 entries with 1% revoked at random, BestCompression gives 1.41
// times the entropy of the list in ~140 ms of CPU, the default level 1.68
// times. Compress has its own DEFLATE encoder for such sparse arrays, about
// 1.31 times the entropy in ~25 ms. It parses the input into literals,
// zero runs (a literal zero and distance-1 matches) and long-distance
// matches that copy an earlier stretch with the same non-zero bytes at the
// same offsets, picking the cheapest sequence by a shortest-path search
// run three times, each pass pricing tokens with the Huffman code lengths
// of the previous one. Each 256 KiB of input is one dynamic-Huffman block.
// Dense arrays (more than one byte in 8 non-zero, about 3% of entries set
// at random) go to compress/zlib's default level instead, which is as good
// there and much faster.
//
// The output is deterministic: the same input always gives the same bytes.
// Compress fails only if b is longer than the largest list (MaxEntries/4
// bytes).
func Compress(b []byte) ([]byte, error) {
	if len(b) > maxBytes {
		return nil, fmt.Errorf("%w: %d bytes to compress, limit %d", ErrTooLarge, len(b), maxBytes)
	}
	if isDense(b) {
		var buf bytes.Buffer
		zw := zlib.NewWriter(&buf)
		if _, err := zw.Write(b); err != nil {
			return nil, err
		}
		if err := zw.Close(); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	// 0x78 0xDA: DEFLATE with a 32 KiB window, "maximum compression" level
	// hint, no preset dictionary (the header check makes it a multiple of 31).
	w := &bitWriter{out: append(make([]byte, 0, 64+len(b)/16), 0x78, 0xda)}
	var p parser
	for lo := 0; ; lo += segmentSize {
		hi := min(len(b), lo+segmentSize)
		writeBlock(w, p.tokens(b, lo, hi), hi == len(b))
		if hi == len(b) {
			break
		}
	}
	w.flush()
	return binary.BigEndian.AppendUint32(w.out, adler32.Checksum(b)), nil
}

// isDense reports whether more than one byte in 8 of b is non-zero.
func isDense(b []byte) bool {
	n := 0
	for _, v := range b {
		if v != 0 {
			n++
		}
	}
	return n > len(b)/8
}

// Decompress inflates the zlib stream z and returns its content, which must
// be at most limit bytes long. It stops with ErrTooLarge as soon as the
// output would pass limit, so a small stream that inflates to gigabytes
// costs no more than limit bytes of work and memory. Any other flaw (bad
// header, preset dictionary, corrupt or truncated data, wrong checksum,
// bytes after the stream) is ErrMalformed.
func Decompress(z []byte, limit int) ([]byte, error) {
	limit = max(limit, 0)
	br := bytes.NewReader(z)
	zr, err := zlib.NewReader(br)
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, fmt.Errorf("%w: zlib: truncated header", ErrMalformed)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	defer zr.Close()
	// Read one byte past limit to tell "exactly limit" from "more". Below
	// the limit, ReadFrom returns only once the zlib reader has reached the
	// end of the stream and checked its Adler-32.
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(zr, int64(limit)+1))
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return nil, fmt.Errorf("%w: zlib: truncated stream", ErrMalformed)
	case err != nil: // from compress/zlib or compress/flate, self-describing
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	case n > int64(limit):
		return nil, fmt.Errorf("%w: inflates to more than %d bytes", ErrTooLarge, limit)
	case br.Len() > 0:
		// The inflater reads no further than the stream's end.
		return nil, fmt.Errorf("%w: %d bytes after the zlib stream", ErrMalformed, br.Len())
	}
	return buf.Bytes(), nil
}
