package httpapi

// Proofs of possession of the OpenID4VCI credential endpoint (spec/oid4vci.md
// §6): compact JWS of typ openid4vci-proof+jwt, signed with ES256 or EdDSA
// by the key in their jwk header, over aud, iat and nonce.

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/netcred/netcred/internal/jws"
	"github.com/netcred/netcred/internal/strictjson"
	"github.com/netcred/netcred/keys"
)

// Proof limits.
const (
	// ProofType is the typ header of a proof JWT.
	ProofType = "openid4vci-proof+jwt"
	// MaxProofSize is the longest proof JWT accepted, in bytes.
	MaxProofSize = 4096
	// ProofMaxAge is how old a proof's iat may be; ProofSkew how far in
	// the future.
	ProofMaxAge = 5 * time.Minute
	ProofSkew   = time.Minute
	// NonceTTL is how long a c_nonce is accepted.
	NonceTTL = 5 * time.Minute
)

// proofHeader is the protected header of a proof JWT. Members other than
// these are refused, so that nothing unexpected (crit, x5u, a second key
// reference) steers the check.
type proofHeader struct {
	Typ *string         `json:"typ"`
	Alg *string         `json:"alg"`
	JWK json.RawMessage `json:"jwk"`
}

// proofClaims is the payload of a proof JWT; other claims are ignored.
type proofClaims struct {
	Aud   json.RawMessage `json:"aud"`
	Iat   *int64          `json:"iat"`
	Nonce *string         `json:"nonce"`
	Iss   *string         `json:"iss"`
}

// Proof is a verified proof: the holder key it proves and the nonce it
// carries.
type Proof struct {
	Key   *keys.PublicKey
	Nonce string
}

// proofError is an invalid_proof refusal.
func proofError(i int, format string, args ...any) *OAuthError {
	return &OAuthError{Status: 400, Code: OAuthInvalidProof, Description: fmt.Sprintf("proofs.jwt[%d]: ", i) + fmt.Sprintf(format, args...)}
}

func b64(s string) ([]byte, bool) {
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return b, err == nil && !strings.ContainsAny(s, "\r\n")
}

// parseProof decodes proof i and checks its signature by its own jwk, its
// type, algorithm and audience, and that iat is within the window around
// now. The nonce is returned for the caller to check.
func parseProof(i int, jwt, audience string, now time.Time) (*Proof, *OAuthError) {
	if len(jwt) > MaxProofSize {
		return nil, proofError(i, "a proof of %d bytes (at most %d)", len(jwt), MaxProofSize)
	}
	j, err := jws.Parse([]byte(jwt))
	if err != nil {
		return nil, proofError(i, "%v", strings.TrimPrefix(err.Error(), "jws: "))
	}
	hdrJSON, payJSON := j.Header, j.Payload
	var h proofHeader
	if err := strictjson.Unmarshal(hdrJSON, &h, strictjson.DisallowUnknownFields(), strictjson.MaxSize(MaxProofSize)); err != nil {
		return nil, proofError(i, "header: %v (a proof header holds typ, alg and jwk only)", strings.TrimPrefix(err.Error(), "strictjson: "))
	}
	switch {
	case h.Typ == nil || *h.Typ != ProofType:
		return nil, proofError(i, "header typ must be %q", ProofType)
	case h.Alg == nil:
		return nil, proofError(i, "header has no alg")
	case *h.Alg != "ES256" && *h.Alg != "EdDSA":
		return nil, proofError(i, "alg %q is not accepted (ES256 or EdDSA)", *h.Alg)
	case isNull(h.JWK):
		return nil, proofError(i, "header has no jwk: the proof must carry the holder's public key")
	}
	key, err := proofKey(h.JWK, *h.Alg)
	if err != nil {
		return nil, proofError(i, "jwk: %v", err)
	}
	if !j.Verify(key) {
		return nil, proofError(i, "the signature does not verify with the key in its jwk")
	}
	var c proofClaims
	if err := strictjson.Unmarshal(payJSON, &c, strictjson.MaxSize(MaxProofSize)); err != nil {
		return nil, proofError(i, "payload: %v", strings.TrimPrefix(err.Error(), "strictjson: "))
	}
	if bytes.Equal(bytes.TrimSpace(payJSON), []byte("null")) {
		return nil, proofError(i, "payload must be a JSON object")
	}
	if !audienceIs(c.Aud, audience) {
		return nil, proofError(i, "aud must be the credential issuer identifier %q", audience)
	}
	if c.Iat == nil {
		return nil, proofError(i, "payload has no iat")
	}
	iat := time.Unix(*c.Iat, 0)
	if iat.Before(now.Add(-ProofMaxAge)) {
		return nil, proofError(i, "iat %s is more than %s old", iat.UTC().Format(time.RFC3339), ProofMaxAge)
	}
	if iat.After(now.Add(ProofSkew)) {
		return nil, proofError(i, "iat %s is in the future", iat.UTC().Format(time.RFC3339))
	}
	if c.Nonce == nil || *c.Nonce == "" {
		return nil, &OAuthError{Status: 400, Code: OAuthInvalidNonce, Description: fmt.Sprintf("proofs.jwt[%d]: payload has no nonce; get one from the nonce endpoint", i)}
	}
	return &Proof{Key: key, Nonce: *c.Nonce}, nil
}

// proofKey parses the jwk header: a public Ed25519 or P-256 JWK (netcred's
// profile), whose alg, when absent, is the header's and, when present,
// must equal it.
func proofKey(jwk json.RawMessage, alg string) (*keys.PublicKey, error) {
	var m map[string]json.RawMessage
	if err := strictjson.Unmarshal(jwk, &m, strictjson.MaxSize(MaxProofSize)); err != nil || m == nil {
		return nil, fmt.Errorf("not a JSON object")
	}
	if a, ok := m["alg"]; ok {
		if string(a) != `"`+alg+`"` {
			return nil, fmt.Errorf("its alg %s is not the header's %q", a, alg)
		}
	} else {
		m["alg"] = json.RawMessage(`"` + alg + `"`)
		var err error
		if jwk, err = json.Marshal(m); err != nil {
			return nil, err
		}
	}
	k, err := keys.ParsePublicJWK(jwk)
	if err != nil {
		return nil, err
	}
	if string(k.Algorithm()) != alg {
		return nil, fmt.Errorf("a %s key under alg %q", k.Algorithm(), alg)
	}
	return k, nil
}

// audienceIs reports whether aud is want, or an array holding only want.
func audienceIs(aud json.RawMessage, want string) bool {
	var s string
	if json.Unmarshal(aud, &s) == nil {
		return s == want
	}
	var list []string
	return json.Unmarshal(aud, &list) == nil && len(list) == 1 && list[0] == want
}

// nonces makes and checks c_nonce values: 8 bytes of expiry (Unix seconds,
// big-endian), 16 random bytes and the first 16 bytes of their HMAC-SHA256
// under a key derived from the issuer's signing key (spec/oid4vci.md §6),
// in base64url, so that the instances of one issuer accept each other's
// nonces and a restart keeps them. A nonce is checked here for its MAC and
// expiry; that it is used once is the store's (UseNonce).
type nonces struct {
	key [32]byte
}

// nonceKeyDomain separates the nonce key from every other use of the
// signing key's bytes.
const nonceKeyDomain = "netcred c_nonce key v1\x00"

// newNonces derives the MAC key from k (an Ed25519 seed or a P-256
// scalar); a nil k, or one whose bytes cannot be read, gets a random key.
func newNonces(k *keys.PrivateKey) *nonces {
	n := &nonces{}
	var secret []byte
	if k != nil {
		switch sk := k.Signer().(type) {
		case ed25519.PrivateKey:
			secret = sk.Seed()
		case *ecdsa.PrivateKey:
			secret, _ = sk.Bytes()
		}
	}
	if secret == nil {
		rand.Read(n.key[:])
		return n
	}
	n.key = sha256.Sum256(append([]byte(nonceKeyDomain), secret...))
	return n
}

func (n *nonces) mac(b []byte) []byte {
	m := hmac.New(sha256.New, n.key[:])
	m.Write([]byte("netcred c_nonce v1\x00"))
	m.Write(b)
	return m.Sum(nil)[:16]
}

// make returns a fresh nonce valid until now+NonceTTL.
func (n *nonces) make(now time.Time) string {
	b := binary.BigEndian.AppendUint64(make([]byte, 0, 40), uint64(now.Add(NonceTTL).Unix()))
	b = append(b, make([]byte, 16)...)
	rand.Read(b[8:24])
	return base64.RawURLEncoding.EncodeToString(append(b, n.mac(b)...))
}

// check returns the nonce's expiry, or false when it is not one of this
// process's or has expired.
func (n *nonces) check(nonce string, now time.Time) (time.Time, bool) {
	b, ok := b64(nonce)
	if !ok || len(b) != 40 || !hmac.Equal(b[24:], n.mac(b[:24])) {
		return time.Time{}, false
	}
	exp := time.Unix(int64(binary.BigEndian.Uint64(b[:8])), 0)
	return exp, now.Before(exp)
}

// SignProof returns a proof JWT (§7.1 of spec/oid4vci.md) by key for the
// credential issuer aud, with the c_nonce nonce, at iat: what a wallet
// sends to the credential endpoint.
func SignProof(key *keys.PrivateKey, aud, nonce string, iat time.Time) (string, error) {
	jwk, err := key.Public().MarshalJSON()
	if err != nil {
		return "", err
	}
	hdr, err := json.Marshal(struct {
		Typ string          `json:"typ"`
		Alg string          `json:"alg"`
		JWK json.RawMessage `json:"jwk"`
	}{ProofType, string(key.Algorithm()), jwk})
	if err != nil {
		return "", err
	}
	pay, err := json.Marshal(struct {
		Aud   string `json:"aud"`
		Iat   int64  `json:"iat"`
		Nonce string `json:"nonce"`
	}{aud, iat.Unix(), nonce})
	if err != nil {
		return "", err
	}
	out, err := jws.Sign(hdr, pay, key)
	return string(out), err
}
