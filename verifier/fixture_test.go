package verifier

import (
	"bytes"
	"testing"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/credential/sign"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/keys"
)

// fixedNow is the issuance time of every test credential.
var fixedNow = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

type fixture struct {
	key *keys.PrivateKey
	set *keys.Set
}

func newFixture(tb testing.TB, alg credential.Algorithm) *fixture {
	tb.Helper()
	key, err := keys.Generate(alg)
	if err != nil {
		tb.Fatal(err)
	}
	set, err := keys.NewSet(key.Public())
	if err != nil {
		tb.Fatal(err)
	}
	return &fixture{key: key, set: set}
}

func (f *fixture) issue(tb testing.TB, req issuer.Request) string {
	tb.Helper()
	is := issuer.New(f.key, nil)
	is.Now = func() time.Time { return fixedNow }
	out, err := is.Issue(req)
	if err != nil {
		tb.Fatalf("Issue: %v", err)
	}
	return out.QR
}

// verifyAt is the verification time of the fixture's checks, an hour after
// issuance.
var verifyAt = Options{Now: fixedNow.Add(time.Hour)}

func (f *fixture) verifier(tb testing.TB, p Policy) *Verifier {
	tb.Helper()
	v, err := New(Config{Keys: f.set, Policy: p})
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// referenceRequest is the reference identity credential: a three-character
// CJK name, an id_number, birth_date, level substantial, one year, a status
// reference.
func referenceRequest() issuer.Request {
	return issuer.Request{
		Type:  "identity",
		Level: credential.LevelSubstantial,
		Claims: map[string]any{
			"name":       "王小明",
			"id_number":  "11010519491231002X",
			"birth_date": "1949-12-31",
		},
		ValidFor: 365 * 24 * time.Hour,
		Status:   &credential.StatusRef{Index: 734512, URI: "https://id.gov.cn/s/3"},
	}
}

// sigStructure returns the Sig_structure and signature of a QR text, for
// the raw-signature baselines.
func sigStructure(tb testing.TB, text string) ([]byte, []byte) {
	tb.Helper()
	cose, err := credential.DecodeQR(text)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := credential.Parse(cose)
	if err != nil {
		tb.Fatal(err)
	}
	sig := cose[len(cose)-64:]
	var msg bytes.Buffer
	msg.Write([]byte{0x84, 0x6a})
	msg.WriteString("Signature1")
	prot := cose[3 : 3+int(cose[2]&0x1f)]
	msg.WriteByte(0x40 | byte(len(prot)))
	msg.Write(prot)
	msg.WriteByte(0x40)
	p := s.Payload()
	msg.Write([]byte{0x58, byte(len(p))})
	msg.Write(p)
	return msg.Bytes(), sig
}

// sign signs claims with the fixture's key and returns the QR text.
func (f *fixture) sign(tb testing.TB, c *credential.Claims) string {
	tb.Helper()
	cose, err := sign.Credential(c, f.key.Algorithm(), f.key.KID(), f.key.Signer())
	if err != nil {
		tb.Fatal(err)
	}
	text, err := credential.EncodeQR(cose)
	if err != nil {
		tb.Fatal(err)
	}
	return text
}

// testHolderCnf is the cnf claim of a fresh P-256 holder key.
func testHolderCnf(tb testing.TB) []byte {
	tb.Helper()
	k, err := keys.Generate(credential.ES256)
	if err != nil {
		tb.Fatal(err)
	}
	cnf, err := credential.MarshalConfirmation(k.Public().Key())
	if err != nil {
		tb.Fatal(err)
	}
	return cnf
}
