package cosesign

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io"
	"strings"
	"testing"
)

var testKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, 32))

// opaqueSigner hides the key's type: the fast path then signs through
// crypto.Signer.
type opaqueSigner struct{ k ed25519.PrivateKey }

func (o opaqueSigner) Public() crypto.PublicKey { return o.k.Public() }
func (o opaqueSigner) Sign(r io.Reader, d []byte, opts crypto.SignerOpts) ([]byte, error) {
	return o.k.Sign(r, d, opts)
}

// checkSame holds the EdDSA fast path to go-cose: the same bytes for the
// same input (Ed25519 signatures are deterministic).
func checkSame(t testing.TB, payload, kid []byte, typ any) {
	t.Helper()
	want, wantErr := sign1GoCOSE(payload, algEdDSA, kid, typ, testKey)
	for _, signer := range []crypto.Signer{testKey, opaqueSigner{testKey}} {
		got, err := Sign1(payload, algEdDSA, kid, typ, signer)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("Sign1(%x, kid %x, typ %#v): got error %v; go-cose %v", payload, kid, typ, err, wantErr)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("Sign1(%x, kid %x, typ %#v):\n got %x\nwant %x (go-cose)", payload, kid, typ, got, want)
		}
	}
}

func TestSign1MatchesGoCOSE(t *testing.T) {
	typs := []any{uint64(0), uint64(23), uint64(24), uint64(61), uint64(255), uint64(256), uint64(65536), uint64(1 << 33),
		"", "application/statuslist+cwt", strings.Repeat("t", 300)}
	for _, n := range []int{0, 1, 23, 24, 255, 256, 4000, 65535, 65536} {
		payload := make([]byte, n)
		rand.Read(payload)
		for _, kl := range []int{1, 8, 23, 24, 32, 300} {
			kid := make([]byte, kl)
			rand.Read(kid)
			for _, typ := range typs {
				checkSame(t, payload, kid, typ)
			}
		}
	}
}

// TestSign1Cache: the protected headers kept for earlier kids and typs do
// not leak into messages for others, also past the cache's size.
func TestSign1Cache(t *testing.T) {
	for i := range 3 * maxProtected {
		kid := []byte{byte(i), byte(i >> 8)}
		checkSame(t, []byte("payload"), kid, uint64(i%3))
		checkSame(t, []byte("payload"), kid, "typ")
	}
}

func TestSign1WrongKey(t *testing.T) {
	// A kid of no length and other refusals are go-cose's (or the
	// caller's) to make; a key that is not Ed25519 for EdDSA is ErrKey.
	if _, err := Sign1([]byte("x"), algEdDSA, []byte("k"), uint64(61), notEd{}); !errors.Is(err, ErrKey) {
		t.Fatalf("EdDSA with a key that is not Ed25519: got %v; want ErrKey", err)
	}
}

type notEd struct{}

func (notEd) Public() crypto.PublicKey { return "not a key" }
func (notEd) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return nil, nil
}

func FuzzSign1MatchesGoCOSE(f *testing.F) {
	f.Add([]byte{0xa0}, []byte("kid"), uint64(61), "", false)
	f.Add(bytes.Repeat([]byte{1}, 300), []byte{1, 2, 3, 4, 5, 6, 7, 8}, uint64(0), "application/statuslist+cwt", true)
	f.Fuzz(func(t *testing.T, payload, kid []byte, format uint64, media string, useMedia bool) {
		var typ any = format
		if useMedia {
			typ = media
		}
		checkSame(t, payload, kid, typ)
	})
}

// BenchmarkSign1 compares the EdDSA path with go-cose's, beside
// ed25519.Sign over a message of the same size.
func BenchmarkSign1(b *testing.B) {
	payload := make([]byte, 200)
	kid := []byte{1, 2, 3, 4, 5, 6, 7, 8}
	b.Run("ed25519.Sign", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ed25519.Sign(testKey, payload)
		}
	})
	b.Run("ours", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Sign1(payload, algEdDSA, kid, uint64(61), testKey)
		}
	})
	b.Run("go-cose", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sign1GoCOSE(payload, algEdDSA, kid, uint64(61), testKey)
		}
	})
}
