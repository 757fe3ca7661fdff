package credential

import (
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/netcred/netcred/internal/base45"
)

// QRPrefix starts every netcred QR text; it names version 1 of the format.
const QRPrefix = "NC1:"

// qrDictionary is the preset dictionary of the compressed QR form
// (spec/credential.md, "QR text"). It holds the byte sequences that every
// credential of this profile repeats: the COSE_Sign1 envelope and protected
// header for both algorithms, the CWT claim heads, the Token Status List
// claim's text keys and "https://", and the head of the netcred claim.
// Deflate finds them at a short distance, so the ~40 bytes of structure that
// no generic compressor can squeeze out of a 200-byte message cost a few
// bytes each. Changing one byte of it is a new format version.
var qrDictionary = []byte("" +
	"\xd2\x84\x50\xa3\x01\x26\x04\x48" + // tag 18, [ bstr(16) {1: -7 (ES256), 4: h'..8 bytes..'
	"\x10\x18\x3d\xa0\x58" + // 16: 61}, {}, bstr(..) payload
	"https://" +
	"\x3a\x00\x01\x00\x00\x85\x01\x01\x02\x02\xa3\x01" + // -65537: [1, 1, 2, 2, {1: ...
	"\xa4\x04\x1a" + "\x06\x1a" + // {4: exp, 6: iat
	"\x19\xff\xff\xa1\x6bstatus_list\xa2\x63idx\x1a\x63uri\x76https://" + // 65535: {"status_list": {"idx": N, "uri": "https://
	"\x58\x40" + // signature bstr(64)
	"\xd2\x84\x50\xa3\x01\x27\x04\x48") // tag 18, [ bstr(16) {1: -8 (EdDSA), 4: h'..8 bytes..'

// flateReaders reuses inflaters: each holds a 32 KiB window.
var flateReaders sync.Pool

// EncodeQR returns the QR text of a COSE_Sign1: "NC1:" followed by base45 of
// either the COSE bytes or, when that is shorter, their raw DEFLATE
// (RFC 1951) compression with the preset dictionary. The first byte tells
// them apart: a COSE_Sign1 starts with 0xD2 and the encoder never emits a
// DEFLATE stream that does.
func EncodeQR(cose []byte) (string, error) {
	if len(cose) > MaxSize {
		return "", fmt.Errorf("%w: %d bytes (max %d)", ErrTooLarge, len(cose), MaxSize)
	}
	if len(cose) == 0 || cose[0] != 0xc0|tagSign1 {
		return "", malformed(ReasonCOSEStructure, "not a tagged COSE_Sign1")
	}
	body := cose
	zp := qrOutBufs.Get().(*[]byte)
	defer qrOutBufs.Put(zp)
	z := deflateQR((*zp)[:0], cose)
	*zp = z[:0]
	if len(z) < len(cose) && z[0] != cose[0] {
		body = z
	}
	return QRPrefix + base45.Encode(body), nil
}

// qrOutBufs holds EncodeQR's compressed bytes between calls.
var qrOutBufs = sync.Pool{New: func() any { b := make([]byte, 0, MaxSize+64); return &b }}

// qrWhitespace is what DecodeQR trims around the text.
const qrWhitespace = " \t\r\n"

// DecodeQR turns QR text back into COSE_Sign1 bytes. Leading and trailing
// space, tab, CR and LF are ignored (after the length check: the limit
// counts the text as given); everything else must be exact: the prefix, strict
// base45, and, for the compressed form, a single DEFLATE stream that ends
// exactly at the end of the input and inflates to at most MaxSize bytes.
func DecodeQR(text string) ([]byte, error) {
	if len(text) > MaxQRTextLen {
		return nil, fmt.Errorf("%w: QR text of %d characters (max %d)", ErrTooLarge, len(text), MaxQRTextLen)
	}
	// Only ASCII space, tab, CR and LF are trimmed (credential.md §6): a
	// no-break space or another Unicode space is not whitespace here.
	text = strings.Trim(text, qrWhitespace)
	rest, ok := strings.CutPrefix(text, QRPrefix)
	if !ok {
		if len(text) > 4 && text[2] == '1' && text[3] == ':' {
			return nil, malformed(ReasonQRPrefix, "prefix %q is not %q (another credential format?)", text[:4], QRPrefix)
		}
		return nil, malformed(ReasonQRPrefix, "QR text must start with %q", QRPrefix)
	}
	bp := sigBufPool.Get().(*[]byte)
	defer sigBufPool.Put(bp)
	body, err := base45.AppendDecode((*bp)[:0], rest)
	if err != nil {
		return nil, malformed(ReasonBase45, "%v", err)
	}
	*bp = body[:0]
	if len(body) == 0 {
		return nil, malformed(ReasonBase45, "empty QR payload")
	}
	if body[0] == 0xc0|tagSign1 {
		if len(body) > MaxSize {
			return nil, fmt.Errorf("%w: %d bytes (max %d)", ErrTooLarge, len(body), MaxSize)
		}
		return bytes.Clone(body), nil
	}
	return inflate(body)
}

// inflater is a pooled DEFLATE reader with its source, and a window that
// starts with the preset dictionary for inflateFast.
type inflater struct {
	src bytes.Reader
	r   io.ReadCloser
	out [MaxSize + 1]byte
	win []byte
}

// inflate decompresses a raw DEFLATE stream with qrDictionary, refusing
// output over MaxSize and input with bytes after the stream's end.
func inflate(z []byte) ([]byte, error) {
	inf, ok := flateReaders.Get().(*inflater)
	if !ok {
		inf = new(inflater)
		inf.win = make([]byte, len(qrDictionary)+MaxSize+1)
		copy(inf.win, qrDictionary)
	}
	defer flateReaders.Put(inf)
	var out []byte
	n, err := inflateFast(z, inf.win, len(qrDictionary), MaxSize)
	switch {
	case err == nil:
		out = inf.win[len(qrDictionary) : len(qrDictionary)+n]
	case errors.Is(err, errDynamicBlock):
		if out, err = inf.inflateGeneral(z); err != nil {
			return nil, err
		}
	default:
		return nil, err
	}
	if len(out) == 0 || out[0] != 0xc0|tagSign1 {
		return nil, malformed(ReasonDeflate, "compressed QR payload is not a COSE_Sign1")
	}
	return bytes.Clone(out), nil
}

// inflateGeneral decodes any DEFLATE stream with compress/flate.
func (inf *inflater) inflateGeneral(z []byte) ([]byte, error) {
	src := &inf.src
	src.Reset(z)
	if inf.r == nil {
		inf.r = flate.NewReaderDict(src, qrDictionary)
	} else if err := inf.r.(flate.Resetter).Reset(src, qrDictionary); err != nil {
		return nil, malformed(ReasonDeflate, "%v", err)
	}
	buf := inf.out[:]
	n := 0
	for {
		m, err := inf.r.Read(buf[n:])
		n += m
		if err == io.EOF {
			break // the stream's final block ended within the limit
		}
		if err != nil {
			return nil, malformed(ReasonDeflate, "inflate: %v", err)
		}
		if n > MaxSize {
			return nil, fmt.Errorf("%w: compressed QR payload inflates past %d bytes", ErrTooLarge, MaxSize)
		}
	}
	if src.Len() != 0 {
		return nil, malformed(ReasonDeflate, "%d bytes after the compressed stream", src.Len())
	}
	return buf[:n], nil
}
