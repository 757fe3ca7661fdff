package credential

import (
	"fmt"
	"strings"
)

// Algorithm is a signature algorithm of this profile. Only EdDSA (Ed25519)
// and ES256 (ECDSA P-256 with SHA-256) exist; every key is bound to one.
type Algorithm string

const (
	// EdDSA is Ed25519 (RFC 8032), COSE alg -8. The default.
	EdDSA Algorithm = "EdDSA"
	// ES256 is ECDSA over P-256 with SHA-256, COSE alg -7.
	ES256 Algorithm = "ES256"
)

// COSE algorithm identifiers (IANA COSE Algorithms registry).
const (
	coseAlgEdDSA int64 = -8
	coseAlgES256 int64 = -7
)

// ParseAlgorithm accepts "ed25519" or "eddsa" for EdDSA and "es256" or
// "p256" for ES256, case-insensitively.
func ParseAlgorithm(s string) (Algorithm, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "ed25519", "eddsa":
		return EdDSA, nil
	case "es256", "p256", "p-256":
		return ES256, nil
	}
	return "", fmt.Errorf("%w: %q (want ed25519 or es256)", ErrUnsupportedAlgorithm, s)
}

// COSE returns the algorithm's COSE identifier.
func (a Algorithm) COSE() (int64, error) {
	switch a {
	case EdDSA:
		return coseAlgEdDSA, nil
	case ES256:
		return coseAlgES256, nil
	}
	return 0, fmt.Errorf("%w: %q", ErrUnsupportedAlgorithm, string(a))
}

// algorithmFromCOSE maps a COSE identifier back; ok is false for anything
// outside the allow-list.
func algorithmFromCOSE(id int64) (Algorithm, bool) {
	switch id {
	case coseAlgEdDSA:
		return EdDSA, true
	case coseAlgES256:
		return ES256, true
	}
	return "", false
}
