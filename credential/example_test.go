package credential_test

import (
	"crypto/ed25519"
	"fmt"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/credential/sign"
)

// Signing claims, carrying them as QR text and verifying them with the key.
func Example() {
	pub, priv, _ := ed25519.GenerateKey(nil)
	kid := []byte{1, 2, 3, 4, 5, 6, 7, 8}
	iat := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	claims := &credential.Claims{
		IssuedAt: iat, Expiry: iat.AddDate(1, 0, 0),
		Type: 1, Version: 1, Level: credential.LevelSubstantial, Evidence: credential.EvidenceRemoteFaceMatch,
		Attributes: map[int64]any{1: "王小明"},
	}
	cose, err := sign.Credential(claims, credential.EdDSA, kid, priv)
	if err != nil {
		panic(err)
	}
	text, _ := credential.EncodeQR(cose)

	back, _ := credential.DecodeQR(text)
	signed, err := credential.Parse(back) // structure only: nothing is trusted yet
	if err != nil {
		panic(err)
	}
	got, err := signed.Verify(credential.EdDSA, pub)
	fmt.Println(err, got.Level, got.Attributes[1], text[:4])
	// Output: <nil> substantial 王小明 NC1:
}

// A malformed input says which rule it broke, with a stable sub-code.
func ExampleReason() {
	_, err := credential.DecodeQR("HC1:6BFOXN")
	fmt.Println(credential.Reason(err))
	_, err = credential.Parse([]byte{0xd2, 0x84, 0x41, 0xa0, 0xa1, 0x04, 0x40, 0x40, 0x40})
	fmt.Println(credential.Reason(err))
	// Output:
	// qr_prefix
	// cose_unprotected
}
