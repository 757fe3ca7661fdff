package credential

import (
	"testing"
)

// BenchmarkReferenceSize reports the reference identity credential's size:
// COSE bytes and QR text characters (target: at most 260).
func BenchmarkReferenceSize(b *testing.B) {
	cose := signTB(b, referenceClaims(), EdDSA, testKey)
	var text string
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if text, err = EncodeQR(cose); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(cose)), "cose_bytes")
	b.ReportMetric(float64(len(text)), "qr_chars")
	b.ReportMetric(float64(len(QRPrefix+b45(cose))), "qr_chars_uncompressed")
}

func BenchmarkDecodeQR(b *testing.B) {
	text, _ := EncodeQR(signTB(b, referenceClaims(), EdDSA, testKey))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeQR(text); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	cose := signTB(b, referenceClaims(), EdDSA, testKey)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(cose); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnmarshalClaims(b *testing.B) {
	payload, _ := referenceClaims().MarshalCBOR()
	b.ReportAllocs()
	for b.Loop() {
		var c Claims
		if err := c.UnmarshalCBOR(payload); err != nil {
			b.Fatal(err)
		}
	}
}
