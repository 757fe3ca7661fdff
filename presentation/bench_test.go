package presentation_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/presentation"
	"github.com/netcred/netcred/presentation/sign"
)

// BenchmarkPresentationSize reports the size of the reference identity
// credential with a P-256 holder key, presented: COSE bytes, QR characters
// and QR version (level M), without and with a 16-byte nonce and a
// 20-character audience (the worst of 16 signatures).
func BenchmarkPresentationSize(b *testing.B) {
	w := newWorld(b, credential.ES256)
	for _, tc := range []struct {
		name string
		opts sign.Options
	}{
		{"bare", sign.Options{Now: at}},
		{"nonce+audience", sign.Options{Now: at, Nonce: bytes.Repeat([]byte{0xa5}, 16), Audience: "gate-7.metro.example"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var coseLen, textLen int
			for range b.N {
				coseLen, textLen = 0, 0
				for range 16 {
					cose := w.present(b, tc.opts)
					text, err := presentation.EncodeQR(cose)
					if err != nil {
						b.Fatal(err)
					}
					coseLen, textLen = max(coseLen, len(cose)), max(textLen, len(text))
				}
			}
			b.ReportMetric(float64(coseLen), "cose-bytes")
			b.ReportMetric(float64(textLen), "qr-chars")
			b.ReportMetric(float64(qrVersion(b, presentation.QRPrefix+strings.Repeat("0", textLen-4))), "qr-version")
		})
	}
}
