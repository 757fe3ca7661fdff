package credential

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// This file is a DEFLATE (RFC 1951) decoder for the blocks a credential's
// compressed QR form uses: stored blocks and blocks with the fixed Huffman
// code. compress/flate reads its input one byte at a time through an
// interface, which costs more than the rest of verification together on a
// 170-byte stream; this one reads a slice. A stream with a dynamic-Huffman
// block is handed to compress/flate (errDynamicBlock). FuzzInflate holds the
// two decoders to the same output.

var errDynamicBlock = errors.New("dynamic Huffman block")

// fixedEntry packs a decoded symbol and its code length.
type fixedEntry struct {
	sym uint16
	len uint8
}

var (
	fixedLitTable  [1 << 9]fixedEntry // indexed by the next 9 input bits
	fixedDistTable [1 << 5]fixedEntry
	lengthBase     = [...]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lengthExtra    = [...]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase       = [...]uint16{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtra      = [...]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
)

func init() {
	// RFC 1951 §3.2.6: the fixed literal/length code.
	add := func(table []fixedEntry, bits int, sym int, code, n int) {
		rev := 0
		for i := 0; i < n; i++ {
			rev |= (code >> i & 1) << (n - 1 - i)
		}
		for k := 0; k < 1<<(bits-n); k++ {
			table[rev|k<<n] = fixedEntry{uint16(sym), uint8(n)}
		}
	}
	for s := 0; s < 288; s++ {
		switch {
		case s < 144:
			add(fixedLitTable[:], 9, s, 0x30+s, 8)
		case s < 256:
			add(fixedLitTable[:], 9, s, 0x190+s-144, 9)
		case s < 280:
			add(fixedLitTable[:], 9, s, s-256, 7)
		default:
			add(fixedLitTable[:], 9, s, 0xc0+s-280, 8)
		}
	}
	for s := 0; s < 32; s++ {
		add(fixedDistTable[:], 5, s, s, 5)
	}
}

// bitReader reads bits least significant first from a slice.
type bitReader struct {
	src   []byte
	pos   int
	buf   uint64
	nbits uint
}

func (r *bitReader) need(n uint) error {
	for r.nbits < n {
		if r.pos >= len(r.src) {
			return malformed(ReasonDeflate, "inflate: compressed stream is truncated")
		}
		r.buf |= uint64(r.src[r.pos]) << r.nbits
		r.pos++
		r.nbits += 8
	}
	return nil
}

func (r *bitReader) bits(n uint) (uint32, error) {
	if err := r.need(n); err != nil {
		return 0, err
	}
	v := uint32(r.buf & (1<<n - 1))
	r.buf >>= n
	r.nbits -= n
	return v, nil
}

// inflateFast decodes src into win[start:], where win[:start] holds the
// preset dictionary, and returns the output length. It refuses output over
// max bytes (ErrTooLarge), bytes after the final block, and malformed
// streams; it returns errDynamicBlock for a stream it does not handle.
func inflateFast(src, win []byte, start, max int) (int, error) {
	r := bitReader{src: src}
	out := start
	for {
		hdr, err := r.bits(3)
		if err != nil {
			return 0, err
		}
		final := hdr&1 == 1
		switch hdr >> 1 {
		case 0: // stored
			r.buf >>= r.nbits % 8
			r.nbits -= r.nbits % 8
			r.pos -= int(r.nbits / 8) // give back whole buffered bytes
			r.buf, r.nbits = 0, 0
			if r.pos+4 > len(src) {
				return 0, malformed(ReasonDeflate, "inflate: truncated stored block")
			}
			n := int(src[r.pos]) | int(src[r.pos+1])<<8
			if nn := int(src[r.pos+2]) | int(src[r.pos+3])<<8; n != ^nn&0xffff {
				return 0, malformed(ReasonDeflate, "inflate: stored block length check failed")
			}
			r.pos += 4
			if r.pos+n > len(src) {
				return 0, malformed(ReasonDeflate, "inflate: truncated stored block")
			}
			if out-start+n > max {
				return 0, fmt.Errorf("%w: compressed QR payload inflates past %d bytes", ErrTooLarge, max)
			}
			out += copy(win[out:], src[r.pos:r.pos+n])
			r.pos += n
		case 1: // fixed Huffman
			n, err := r.fixedBlock(win, out, start+max)
			if err != nil {
				return 0, err
			}
			out = n
		case 2:
			return 0, errDynamicBlock
		default:
			return 0, malformed(ReasonDeflate, "inflate: invalid block type 3")
		}
		if final {
			break
		}
	}
	// Only the padding bits of the last byte may remain.
	if r.pos-int(r.nbits/8) != len(src) {
		return 0, malformed(ReasonDeflate, "%d bytes after the compressed stream", len(src)-(r.pos-int(r.nbits/8)))
	}
	return out - start, nil
}

// errTruncated: the stream ends inside a block.
var errTruncated = malformed(ReasonDeflate, "inflate: compressed stream is truncated")

// fixedBlock decodes one fixed-Huffman block into win[out:], refusing output
// past limit, and returns the new output offset. Bits live in locals and
// are refilled 8 bytes at a time while the input lasts; the reader's state
// is written back when the block ends.
func (r *bitReader) fixedBlock(win []byte, out, limit int) (int, error) {
	src, pos, buf, nbits := r.src, r.pos, r.buf, r.nbits
	tooLarge := func() error {
		return fmt.Errorf("%w: compressed QR payload inflates past %d bytes", ErrTooLarge, MaxSize)
	}
	for {
		if nbits < 32 {
			if pos+8 <= len(src) {
				buf |= binary.LittleEndian.Uint64(src[pos:]) << nbits
				pos += int(63-nbits) >> 3
				nbits |= 56
			} else {
				for nbits <= 56 && pos < len(src) {
					buf |= uint64(src[pos]) << nbits
					pos++
					nbits += 8
				}
			}
		}
		e := fixedLitTable[buf&511]
		if uint(e.len) > nbits {
			return 0, errTruncated
		}
		buf >>= e.len
		nbits -= uint(e.len)
		sym := int(e.sym)
		if sym < 256 {
			if out >= limit {
				return 0, tooLarge()
			}
			win[out] = byte(sym)
			out++
			continue
		}
		if sym == 256 {
			r.pos, r.buf, r.nbits = pos, buf, nbits
			return out, nil
		}
		if sym > 285 {
			return 0, malformed(ReasonDeflate, "inflate: invalid length symbol %d", sym)
		}
		// A length's extra bits (up to 5), a distance code (5) and its extra
		// bits (up to 13) need at most 23 bits; the refill above left at
		// least 32 minus the 7-9 bits of the length code, unless the input
		// ended, which the checks below catch.
		li := sym - 257
		le := uint(lengthExtra[li])
		if le > nbits {
			return 0, errTruncated
		}
		length := int(lengthBase[li]) + int(buf&(1<<le-1))
		buf >>= le
		nbits -= le
		if nbits < 5 {
			return 0, errTruncated
		}
		d := fixedDistTable[buf&31]
		buf >>= 5
		nbits -= 5
		if d.sym > 29 {
			return 0, malformed(ReasonDeflate, "inflate: invalid distance symbol %d", d.sym)
		}
		de := uint(distExtra[d.sym])
		if de > nbits {
			return 0, errTruncated
		}
		dist := int(distBase[d.sym]) + int(buf&(1<<de-1))
		buf >>= de
		nbits -= de
		if dist > out {
			return 0, malformed(ReasonDeflate, "inflate: distance %d reaches before the dictionary", dist)
		}
		if out+length > limit {
			return 0, tooLarge()
		}
		if dist >= length {
			copy(win[out:out+length], win[out-dist:])
			out += length
		} else {
			for i := 0; i < length; i++ { // overlapping: byte by byte
				win[out] = win[out-dist]
				out++
			}
		}
	}
}
