package status

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/cosesign"
)

var (
	tokenKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{3}, 32))
	tokenKID = []byte{9, 8, 7, 6, 5, 4, 3, 2}
	tokenAt  = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
)

const tokenURI = "https://id.example.cn/s/1"

func knownKey(kid []byte) (credential.Algorithm, crypto.PublicKey, bool) {
	if bytes.Equal(kid, tokenKID) {
		return credential.EdDSA, tokenKey.Public(), true
	}
	return "", nil, false
}

func signedToken(tb testing.TB, l *List) []byte {
	tb.Helper()
	tok, err := signToken(l, tokenURI, tokenAt, 48*time.Hour, time.Hour, tokenKID, tokenKey)
	if err != nil {
		tb.Fatal(err)
	}
	return tok
}

// signToken signs an EdDSA token with go-cose (credential/sign cannot be
// imported here: it imports this package).
func signToken(l *List, uri string, iat time.Time, validFor, ttl time.Duration, kid []byte, key crypto.Signer) ([]byte, error) {
	payload, err := TokenPayload(l, uri, iat, validFor, ttl)
	if err != nil {
		return nil, err
	}
	return cosesign.Sign1(payload, -8, kid, TokenTyp.MediaType, key)
}

func TestTokenRoundTrip(t *testing.T) {
	l, _ := New(1024)
	l.Set(5, Revoked)
	l.Set(6, Suspended)
	tok, err := ParseToken(signedToken(t, l), knownKey)
	if err != nil {
		t.Fatal(err)
	}
	if tok.URI != tokenURI || !tok.IssuedAt.Equal(tokenAt) || !tok.Expiry.Equal(tokenAt.Add(48*time.Hour)) || tok.TTL != time.Hour || !bytes.Equal(tok.KID, tokenKID) {
		t.Fatalf("token fields: %+v", tok)
	}
	for idx, want := range map[uint64]Status{5: Revoked, 6: Suspended, 7: Valid} {
		if got, _ := tok.List.Get(idx); got != want {
			t.Errorf("entry %d: got %s, want %s", idx, got, want)
		}
	}
}

func TestParseTokenRefuses(t *testing.T) {
	l, _ := New(1024)
	good := signedToken(t, l)
	other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{4}, 32))
	forged, _ := signToken(l, tokenURI, tokenAt, time.Hour, time.Hour, tokenKID, other)
	asCredential, _ := cosesign.Sign1([]byte{0xa0}, -8, tokenKID, credential.TypCWT.Format, tokenKey)
	unknownKID, _ := signToken(l, tokenURI, tokenAt, time.Hour, time.Hour, []byte{1, 1, 1, 1, 1, 1, 1, 1}, tokenKey)
	tampered := bytes.Clone(good)
	tampered[len(tampered)-70] ^= 1
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrTokenMalformed},
		{"truncated", good[:len(good)-1], ErrTokenMalformed},
		{"signed by another key", forged, ErrTokenSignature},
		{"unknown kid", unknownKID, ErrTokenSignature},
		{"tampered", tampered, ErrTokenSignature},
		{"a credential, not a token", asCredential, ErrTokenMalformed},
		{"too large", make([]byte, maxTokenSize+1), ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := ParseToken(tc.data, knownKey)
			if !errors.Is(err, tc.want) || tok != nil {
				t.Fatalf("ParseToken: got %v, %v; want %v", tok, err, tc.want)
			}
		})
	}
}

func TestTokenPayloadRefuses(t *testing.T) {
	l, _ := New(1024)
	for _, tc := range []struct {
		name          string
		uri           string
		validFor, ttl time.Duration
	}{
		{"no uri", "", time.Hour, time.Hour},
		{"no validity", tokenURI, 0, time.Hour},
		{"negative ttl", tokenURI, time.Hour, -time.Second},
		{"zero ttl (ttl is always written, and positive)", tokenURI, time.Hour, 0},
		{"ttl past MaxTTL", tokenURI, time.Hour, (MaxTTL + 1) * time.Second},
	} {
		if _, err := TokenPayload(l, tc.uri, tokenAt, tc.validFor, tc.ttl); err == nil {
			t.Errorf("%s: TokenPayload accepted it", tc.name)
		}
	}
	for name, at := range map[string]time.Time{"exp past 2^62": time.Unix(1<<62-10, 0), "iat 0": time.Unix(0, 0)} {
		if _, err := TokenPayload(l, tokenURI, at, time.Hour, time.Hour); err == nil {
			t.Errorf("%s: TokenPayload accepted it", name)
		}
	}
}

// FuzzParseToken: no panic, nil on error, and an accepted token's list
// re-encodes to what it decoded.
func FuzzParseToken(f *testing.F) {
	l, _ := New(1024)
	l.Set(3, Revoked)
	good := signedToken(f, l)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte{0xd2, 0x84, 0x40, 0xa0, 0x40, 0x40})
	f.Fuzz(func(t *testing.T, data []byte) {
		tok, err := ParseToken(data, knownKey)
		if err != nil {
			if tok != nil {
				t.Fatal("token and error")
			}
			return
		}
		again, err := tok.List.MarshalCBOR()
		if err != nil {
			t.Fatal(err)
		}
		back, err := Parse(again)
		if err != nil || !bytes.Equal(back.Bytes(), tok.List.Bytes()) {
			t.Fatalf("list does not round-trip: %v", err)
		}
	})
}

// TestTokenLargerThan64KiB: a list with many random revocations makes a
// token past 64 KiB, whose Sig_structure needs a 4-byte length.
func TestTokenLargerThan64KiB(t *testing.T) {
	l, _ := New(DefaultSize)
	rng := rand.New(rand.NewPCG(7, 7))
	var some uint64
	for range 80000 {
		some = rng.Uint64N(DefaultSize)
		l.Set(some, Revoked)
	}
	data := signedToken(t, l)
	if len(data) <= 1<<16 {
		t.Fatalf("token of %d bytes: the test needs one over 64 KiB", len(data))
	}
	tok, err := ParseToken(data, knownKey)
	if err != nil {
		t.Fatalf("ParseToken of a %d-byte token: %v", len(data), err)
	}
	if st, _ := tok.List.Get(some); st != Revoked {
		t.Fatalf("entry: got %s, want revoked", st)
	}
}

// signClaims signs any claims map as a Status List Token.
func signClaims(tb testing.TB, claims map[any]any) []byte {
	tb.Helper()
	payload, err := encMode.Marshal(claims)
	if err != nil {
		tb.Fatal(err)
	}
	tok, err := cosesign.Sign1(payload, -8, tokenKID, TokenTyp.MediaType, tokenKey)
	if err != nil {
		tb.Fatal(err)
	}
	return tok
}

// TestTokenClaimsStrict: a token's claims are held to the strict canonical
// profile of credentials, and ttl, optional, is positive when present.
func TestTokenClaimsStrict(t *testing.T) {
	l, _ := New(1024)
	lst, err := l.MarshalCBOR()
	if err != nil {
		t.Fatal(err)
	}
	claims := func(mod func(m map[any]any)) map[any]any {
		m := map[any]any{int64(2): tokenURI, int64(6): tokenAt.Unix(), int64(4): tokenAt.Add(time.Hour).Unix(),
			int64(65534): uint64(3600), int64(65533): cbor.RawMessage(lst)}
		mod(m)
		return m
	}
	good := signClaims(t, claims(func(map[any]any) {}))
	if _, err := ParseToken(good, knownKey); err != nil {
		t.Fatalf("a well-formed token: %v", err)
	}
	noTTL := signClaims(t, claims(func(m map[any]any) { delete(m, int64(65534)) }))
	if tok, err := ParseToken(noTTL, knownKey); err != nil || tok.TTL != 0 {
		t.Fatalf("a token without ttl: %v (ttl %v); want accepted with ttl 0", err, tok)
	}
	// Non-canonical: exp as a non-shortest integer, spliced in after sub.
	p, _ := credential.Parse(good)
	payload := p.Payload()
	i := bytes.Index(payload, []byte{0x04, 0x1a})
	long := append(append(append([]byte{}, payload[:i]...), 0x04, 0x1b, 0, 0, 0, 0), payload[i+2:]...)
	nonCanonical, err := cosesign.Sign1(long, -8, tokenKID, TokenTyp.MediaType, tokenKey)
	if err != nil {
		t.Fatal(err)
	}
	for name, tok := range map[string][]byte{
		"ttl 0":                 signClaims(t, claims(func(m map[any]any) { m[int64(65534)] = uint64(0) })),
		"non-shortest exp":      nonCanonical,
		"exp past 2^62":         signClaims(t, claims(func(m map[any]any) { m[int64(4)] = uint64(1<<62 + 1) })),
		"ttl as text":           signClaims(t, claims(func(m map[any]any) { m[int64(65534)] = "3600" })),
		"float iat":             signClaims(t, claims(func(m map[any]any) { m[int64(6)] = float64(tokenAt.Unix()) })),
		"status_list as a bstr": signClaims(t, claims(func(m map[any]any) { m[int64(65533)] = lst })),
	} {
		if _, err := ParseToken(tok, knownKey); !errors.Is(err, ErrTokenMalformed) && !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: got %v; want a malformed token", name, err)
		}
	}
}

// TestSignTokenWritesTTL: ttl is always in the claims (status.md §4).
func TestSignTokenWritesTTL(t *testing.T) {
	l, _ := New(1024)
	s, err := credential.Parse(signedToken(t, l))
	if err == nil {
		var m map[int64]cbor.RawMessage
		if err = decMode.Unmarshal(s.Payload(), &m); err == nil {
			if _, ok := m[ClaimTTL]; !ok {
				t.Fatal("SignToken wrote no ttl")
			}
		}
	}
	if err != nil {
		t.Fatal(err)
	}
}
