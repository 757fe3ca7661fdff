package credential

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"errors"
	"fmt"
	"sync"

	"filippo.io/edwards25519"
	"github.com/netcred/netcred/internal/strictcbor"
)

// COSE_Key labels and values (RFC 9052 §7, RFC 9053 §7) of the profile
// (spec/credential.md §4.6).
const (
	coseKeyKty = 1
	coseKeyAlg = 3
	coseKeyCrv = -1
	coseKeyX   = -2
	coseKeyY   = -3

	coseKtyOKP     = 1
	coseKtyEC2     = 2
	coseCrvP256    = 1
	coseCrvEd25519 = 6

	// cnfCOSEKey is the cnf member holding a COSE_Key (RFC 8747 §3.1).
	cnfCOSEKey = 1
)

// ErrCOSEKey is the error of a COSE_Key or cnf claim outside the profile
// of spec/credential.md §4.6. Inside a credential it is reported as
// ErrMalformed with reason ReasonClaimsCnf.
var ErrCOSEKey = errors.New("credential: invalid COSE_Key")

// MaxCOSEKeySize bounds a COSE_Key: the profile's keys are 40 to 47 bytes.
const MaxCOSEKeySize = 128

// MarshalCOSEKey encodes a holder public key as a COSE_Key in the one form
// of the profile (spec/credential.md §4.6), in Core Deterministic Encoding:
//
//	Ed25519: {1: 1 (OKP), 3: -8 (EdDSA), -1: 6 (Ed25519), -2: x (32 bytes)}
//	P-256:   {1: 2 (EC2), 3: -7 (ES256), -1: 1 (P-256), -2: x (32 bytes), -3: sign of y}
//
// A P-256 point is always compressed (RFC 9053 §7.1.1): y is false when the
// y coordinate is even, true when it is odd; 33 bytes instead of 64.
func MarshalCOSEKey(pub crypto.PublicKey) ([]byte, error) {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("%w: ed25519 key of %d bytes", ErrCOSEKey, len(k))
		}
		b := []byte{0xa4, 0x01, 0x01, 0x03, 0x27, 0x20, 0x06, 0x21, 0x58, 0x20}
		return append(b, k...), nil
	case *ecdsa.PublicKey:
		if k == nil || k.Curve != elliptic.P256() {
			return nil, fmt.Errorf("%w: want a P-256 key", ErrCOSEKey)
		}
		point, err := k.Bytes() // 0x04 || x || y
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrCOSEKey, err)
		}
		b := []byte{0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20}
		b = append(b, point[1:33]...)
		sign := byte(0xf4) // false: y even
		if point[64]&1 == 1 {
			sign = 0xf5
		}
		return append(b, 0x22, sign), nil
	}
	return nil, fmt.Errorf("%w: key type %T", ErrCOSEKey, pub)
}

// ParseCOSEKey decodes a COSE_Key of the profile (spec/credential.md §4.6)
// and returns the algorithm it is bound to and the key: an
// ed25519.PublicKey for EdDSA, a P-256 *ecdsa.PublicKey for ES256. It
// refuses, with ErrCOSEKey, anything but exactly the members kty, alg, crv,
// x and (EC2) y; a kty, crv and alg that do not agree; an uncompressed or
// absent y; private key material (d, -4); a point not on the curve; an
// Ed25519 key that is not a canonical encoding or is of small order; and
// CBOR outside netcred's strict profile.
func ParseCOSEKey(b []byte) (Algorithm, crypto.PublicKey, error) {
	if len(b) > MaxCOSEKeySize {
		return "", nil, fmt.Errorf("%w: %d bytes (max %d)", ErrCOSEKey, len(b), MaxCOSEKeySize)
	}
	if err := strictcbor.Check(b); err != nil {
		return "", nil, fmt.Errorf("%w: %w", ErrCOSEKey, err)
	}
	major, pairs, off, _ := strictcbor.Head(b, 0)
	if major != 5 {
		return "", nil, fmt.Errorf("%w: not a map", ErrCOSEKey)
	}
	var kty, alg, crv int64
	var x []byte
	var y = -1 // 0 false, 1 true
	var seen = map[int64]bool{}
	for i := uint64(0); i < pairs; i++ {
		kmaj, karg, next, _ := strictcbor.Head(b, off)
		end, _ := strictcbor.ItemEnd(b, next)
		if kmaj != 0 && kmaj != 1 || karg > 1<<16 {
			return "", nil, fmt.Errorf("%w: label of CBOR major type %d not in the profile", ErrCOSEKey, kmaj)
		}
		label := int64(karg)
		if kmaj == 1 {
			label = -1 - label
		}
		seen[label] = true
		vmaj, varg, vnext, _ := strictcbor.Head(b, next)
		value := b[next:end]
		intValue := func() (int64, error) {
			switch {
			case vmaj == 0 && varg < 1<<16:
				return int64(varg), nil
			case vmaj == 1 && varg < 1<<16:
				return -1 - int64(varg), nil
			}
			return 0, fmt.Errorf("%w: label %d is not a small integer", ErrCOSEKey, label)
		}
		var err error
		switch label {
		case coseKeyKty:
			kty, err = intValue()
		case coseKeyAlg:
			alg, err = intValue()
		case coseKeyCrv:
			crv, err = intValue()
		case coseKeyX:
			if vmaj != 2 {
				return "", nil, fmt.Errorf("%w: x is not a byte string", ErrCOSEKey)
			}
			x = b[vnext:end]
		case coseKeyY:
			switch {
			case len(value) == 1 && value[0] == 0xf4:
				y = 0
			case len(value) == 1 && value[0] == 0xf5:
				y = 1
			default:
				return "", nil, fmt.Errorf("%w: y must be the sign bit (false or true): the profile has only compressed points", ErrCOSEKey)
			}
		case -4:
			return "", nil, fmt.Errorf("%w: private key material (d) in a public key", ErrCOSEKey)
		default:
			return "", nil, fmt.Errorf("%w: label %d not in the profile (only kty, alg, crv, x, y)", ErrCOSEKey, label)
		}
		if err != nil {
			return "", nil, err
		}
		off = end
	}
	for _, l := range []int64{coseKeyKty, coseKeyAlg, coseKeyCrv, coseKeyX} {
		if !seen[l] {
			return "", nil, fmt.Errorf("%w: label %d (kty 1, alg 3, crv -1 and x -2 are required) missing", ErrCOSEKey, l)
		}
	}
	switch {
	case kty == coseKtyOKP && crv == coseCrvEd25519 && alg == coseAlgEdDSA:
		if y >= 0 {
			return "", nil, fmt.Errorf("%w: an OKP key has no y", ErrCOSEKey)
		}
		pub, err := ed25519Key(x)
		return EdDSA, pub, err
	case kty == coseKtyEC2 && crv == coseCrvP256 && alg == coseAlgES256:
		if y < 0 {
			return "", nil, fmt.Errorf("%w: an EC2 key needs y (the sign bit)", ErrCOSEKey)
		}
		if len(x) != 32 {
			return "", nil, fmt.Errorf("%w: P-256 x of %d bytes, want 32", ErrCOSEKey, len(x))
		}
		compressed := append([]byte{0x02 | byte(y)}, x...)
		px, py := elliptic.UnmarshalCompressed(elliptic.P256(), compressed)
		if px == nil {
			return "", nil, fmt.Errorf("%w: x is not on P-256", ErrCOSEKey)
		}
		return ES256, &ecdsa.PublicKey{Curve: elliptic.P256(), X: px, Y: py}, nil
	}
	return "", nil, fmt.Errorf("%w: kty %d, crv %d and alg %d do not agree (want OKP, Ed25519, EdDSA or EC2, P-256, ES256)", ErrCOSEKey, kty, crv, alg)
}

// ed25519Key checks x as an Ed25519 public key: 32 bytes, the canonical
// encoding of a point, not of small order.
func ed25519Key(x []byte) (ed25519.PublicKey, error) {
	if len(x) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("%w: Ed25519 x of %d bytes, want 32", ErrCOSEKey, len(x))
	}
	p, err := new(edwards25519.Point).SetBytes(x)
	if err != nil || !bytes.Equal(p.Bytes(), x) {
		return nil, fmt.Errorf("%w: x is not a canonical Ed25519 point", ErrCOSEKey)
	}
	if new(edwards25519.Point).MultByCofactor(p).Equal(edwards25519.NewIdentityPoint()) == 1 {
		return nil, fmt.Errorf("%w: x is an Ed25519 point of small order", ErrCOSEKey)
	}
	return ed25519.PublicKey(bytes.Clone(x)), nil
}

// MarshalConfirmation returns the cnf claim of a holder key:
// {1: COSE_Key} (RFC 8747 §3.1).
func MarshalConfirmation(pub crypto.PublicKey) ([]byte, error) {
	key, err := MarshalCOSEKey(pub)
	if err != nil {
		return nil, err
	}
	return append([]byte{0xa1, cnfCOSEKey}, key...), nil
}

// ParseConfirmation decodes a cnf claim of the profile: a map with exactly
// one member, 1 (COSE_Key), holding a key ParseCOSEKey accepts. A cnf
// holding only a kid (3) or an encrypted key (2) is refused: a verifier
// offline has no way to find the key they name. The key returned may be
// shared with other callers: do not modify it.
func ParseConfirmation(cnf []byte) (Algorithm, crypto.PublicKey, error) {
	if len(cnf) <= 2+MaxCOSEKeySize {
		if k, ok := holderKeys.get(cnf); ok {
			return k.alg, k.pub, nil
		}
	}
	alg, pub, err := parseConfirmation(cnf)
	if err == nil {
		holderKeys.put(cnf, holderKey{alg: alg, pub: pub})
	}
	return alg, pub, err
}

// holderKeys remembers the cnf claims that decoded, so that a holder's
// next presentations do not pay for the P-256 point decompression (a
// square root modulo p) again. The keys are public; a hit needs the same
// bytes, so it returns what decoding them returned.
var holderKeys = &keyMemo{max: 1024}

// holderKey is a decoded cnf key.
type holderKey struct {
	alg Algorithm
	pub crypto.PublicKey
}

// keyMemo is a bounded map of decoded cnf claims, emptied when full.
type keyMemo struct {
	mu  sync.Mutex
	max int
	m   map[string]holderKey
}

func (c *keyMemo) get(cnf []byte) (holderKey, bool) {
	c.mu.Lock()
	k, ok := c.m[string(cnf)]
	c.mu.Unlock()
	return k, ok
}

func (c *keyMemo) put(cnf []byte, k holderKey) {
	c.mu.Lock()
	if c.m == nil || len(c.m) >= c.max {
		c.m = make(map[string]holderKey, c.max)
	}
	c.m[string(cnf)] = k
	c.mu.Unlock()
}

func parseConfirmation(cnf []byte) (Algorithm, crypto.PublicKey, error) {
	if err := strictcbor.Check(cnf); err != nil {
		return "", nil, fmt.Errorf("%w: cnf: %w", ErrCOSEKey, err)
	}
	major, pairs, off, _ := strictcbor.Head(cnf, 0)
	if major != 5 {
		return "", nil, fmt.Errorf("%w: cnf is not a map", ErrCOSEKey)
	}
	if pairs != 1 {
		return "", nil, fmt.Errorf("%w: cnf has %d members, want exactly one: 1 (COSE_Key)", ErrCOSEKey, pairs)
	}
	kmaj, karg, next, _ := strictcbor.Head(cnf, off)
	if kmaj != 0 || karg != cnfCOSEKey {
		return "", nil, fmt.Errorf("%w: cnf member is not 1 (COSE_Key); a kid (3) or an encrypted key (2) cannot be checked offline", ErrCOSEKey)
	}
	return ParseCOSEKey(cnf[next:])
}

// HolderKey returns the holder key of the claims' cnf, or ok false when the
// credential carries none. Claims that decoded have a cnf of the profile.
func (c *Claims) HolderKey() (alg Algorithm, pub crypto.PublicKey, ok bool, err error) {
	if c.Confirmation == nil {
		return "", nil, false, nil
	}
	alg, pub, err = ParseConfirmation(c.Confirmation)
	return alg, pub, err == nil, err
}
