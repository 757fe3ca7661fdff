package credential

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/sha256"
	"testing"

	"github.com/netcred/netcred/spec"
	"github.com/veraison/go-cose"
)

// The conformance vectors' fixed keys (internal/vectorgen), so that the
// differential fuzzer below checks real signatures, not only structure.
func vectorKey(label string) []byte {
	seed := sha256.Sum256([]byte("netcred test vector key: " + label))
	return seed[:]
}

var (
	vectorEd = ed25519.NewKeyFromSeed(vectorKey("issuer-ed25519")).Public().(ed25519.PublicKey)
	vectorES = func() *ecdsa.PublicKey {
		k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), vectorKey("issuer-p256"))
		if err != nil {
			panic(err)
		}
		return &k.PublicKey
	}()
)

// vectorCOSE returns the COSE_Sign1 bytes of every verify vector whose
// input decodes, for seeding.
func vectorCOSE(tb testing.TB) [][]byte {
	vectors, err := spec.LoadVectors()
	if err != nil {
		tb.Fatal(err)
	}
	var out [][]byte
	for _, v := range vectors {
		if b, err := DecodeQR(v.Input); err == nil {
			out = append(out, b)
		}
	}
	return out
}

// FuzzParseAgainstGoCose holds the lean COSE_Sign1 parser and signature
// check to go-cose, the reference implementation: whatever Parse accepts,
// go-cose's Sign1Message decodes to the same alg, kid, typ, payload and
// signature, and both agree on whether the signature verifies under the
// vectors' Ed25519 and P-256 keys. (Parse may refuse more: it implements
// a strict profile of RFC 9052.)
func FuzzParseAgainstGoCose(f *testing.F) {
	for _, b := range vectorCOSE(f) {
		f.Add(b)
	}
	for _, s := range seedCOSE(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data)
		var m cose.Sign1Message
		gerr := m.UnmarshalCBOR(data)
		if err != nil {
			return
		}
		if gerr != nil {
			t.Fatalf("Parse accepted what go-cose refuses: %v\n%x", gerr, data)
		}
		if !bytes.Equal(m.Payload, s.Payload()) || !bytes.Equal(m.Signature, s.signature) {
			t.Fatalf("payload or signature differ")
		}
		gAlg, err := m.Headers.Protected.Algorithm()
		if err != nil {
			t.Fatalf("go-cose finds no alg in a header Parse accepted: %v", err)
		}
		if want, _ := s.Algorithm().COSE(); int64(gAlg) != want {
			t.Fatalf("alg: go-cose %d, Parse %s", gAlg, s.Algorithm())
		}
		if kid, _ := m.Headers.Protected[cose.HeaderLabelKeyID].([]byte); !bytes.Equal(kid, s.KID()) {
			t.Fatalf("kid: go-cose %x, Parse %x", kid, s.KID())
		}
		switch typ := m.Headers.Protected[cose.HeaderLabelType].(type) {
		case string:
			if typ != s.Typ().MediaType || s.Typ().MediaType == "" {
				t.Fatalf("typ: go-cose %q, Parse %s", typ, s.Typ())
			}
		case int64: // go-cose decodes small unsigned integers as int64
			if typ < 0 || uint64(typ) != s.Typ().Format || s.Typ().MediaType != "" {
				t.Fatalf("typ: go-cose %d, Parse %s", typ, s.Typ())
			}
		case uint64:
			if typ != s.Typ().Format || s.Typ().MediaType != "" {
				t.Fatalf("typ: go-cose %d, Parse %s", typ, s.Typ())
			}
		default:
			t.Fatalf("typ: go-cose %T %v, Parse %s", typ, typ, s.Typ())
		}
		for _, k := range []struct {
			alg cose.Algorithm
			key crypto.PublicKey
		}{{cose.AlgorithmEdDSA, vectorEd}, {cose.AlgorithmES256, vectorES}, {cose.AlgorithmEdDSA, testKey.Public()}} {
			if int64(k.alg) != func() int64 { a, _ := s.Algorithm().COSE(); return a }() {
				continue // a key is bound to one algorithm; VerifySignature refuses the pair first
			}
			v, err := cose.NewVerifier(k.alg, k.key)
			if err != nil {
				t.Fatal(err)
			}
			gok := m.Verify(nil, v) == nil
			lok := s.VerifySignature(s.Algorithm(), k.key) == nil
			if gok != lok {
				t.Fatalf("signature under %v: go-cose %v, lean %v\n%x", k.alg, gok, lok, data)
			}
		}
		// Re-sign what was parsed with a key of the test, so that both
		// sides also see a valid signature over this exact protected
		// header and payload: they must build the same Sig_structure.
		if s.Algorithm() == EdDSA {
			sig := ed25519.Sign(testKey, appendSigStructure(nil, s.protected, s.payload))
			m.Signature, s.signature = sig, sig
			v, err := cose.NewVerifier(cose.AlgorithmEdDSA, testKey.Public())
			if err != nil {
				t.Fatal(err)
			}
			if gerr, lerr := m.Verify(nil, v), s.VerifySignature(EdDSA, testKey.Public()); gerr != nil || lerr != nil {
				t.Fatalf("re-signed message: go-cose %v, lean %v\n%x", gerr, lerr, data)
			}
		}
	})
}

// TestVectorsVerifyLikeGoCose runs the differential check over the
// vectors once, outside fuzzing, so that a plain go test covers it.
func TestVectorsVerifyLikeGoCose(t *testing.T) {
	n := 0
	for _, b := range vectorCOSE(t) {
		s, err := Parse(b)
		if err != nil {
			continue
		}
		var m cose.Sign1Message
		if err := m.UnmarshalCBOR(b); err != nil {
			t.Fatalf("go-cose refuses a vector Parse accepts: %v", err)
		}
		key := crypto.PublicKey(vectorEd)
		alg := cose.AlgorithmEdDSA
		if s.Algorithm() == ES256 {
			key, alg = vectorES, cose.AlgorithmES256
		}
		v, _ := cose.NewVerifier(alg, key)
		if gok, lok := m.Verify(nil, v) == nil, s.VerifySignature(s.Algorithm(), key) == nil; gok != lok {
			t.Errorf("go-cose %v, lean %v on %x", gok, lok, b)
		}
		n++
	}
	if n < 20 {
		t.Fatalf("only %d vectors parsed", n)
	}
}
