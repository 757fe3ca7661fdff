package credential

import (
	"unicode/utf8"

	"github.com/netcred/netcred/internal/strictcbor"
)

// decodeClaims reads a claims set that checkCanonical has accepted. It is
// the verifier's hot path, written out by hand because a reflective decoder
// costs more than the rest of verification together; the fuzz test
// FuzzClaimsDecoders holds it to the same answers as fxamacker/cbor's
// strict decoder (decodeClaimsReference).
func decodeClaims(b []byte) (leanClaims, error) {
	var w leanClaims
	major, pairs, off, _ := head(b, 0)
	if major != 5 {
		return w, malformed(ReasonClaims, "claims set is not a map")
	}
	for i := uint64(0); i < pairs; i++ {
		kmaj, karg, _, _ := head(b, off)
		next, err := itemEnd(b, off)
		if err != nil {
			return w, err
		}
		end, err := itemEnd(b, next)
		if err != nil {
			return w, err
		}
		item := b[next:end]
		if kmaj != 0 && kmaj != 1 && kmaj != 3 {
			return w, malformed(ReasonClaims, "claim keys must be integers or text")
		}
		key, isInt := claimKey(kmaj, karg)
		if kmaj != 3 && !isInt {
			return w, malformed(ReasonClaims, "integer claim key outside the signed 64-bit range")
		}
		if isInt {
			switch key {
			case claimIss:
				w.Iss, err = textItem(item, "iss")
			case claimSub:
				w.Sub, err = textItem(item, "sub")
			case claimExp:
				w.Exp, err = timeItem(item, "exp")
			case claimNbf:
				w.Nbf, err = timeItem(item, "nbf")
				w.HasNbf = true
			case claimIat:
				w.Iat, err = timeItem(item, "iat")
			case claimCti:
				w.Cti, err = bytesItem(item, "cti")
			case claimCnf:
				if item[0]>>5 != 5 {
					err = malformed(ReasonClaims, "cnf is not a map")
				}
				w.Cnf = append([]byte(nil), item...)
			case claimStatus:
				w.Status, err = decodeStatus(item)
			case claimNetcred:
				err = decodeNetcred(item, &w.NC)
				w.HasNC = true
			}
			if err != nil {
				return w, err
			}
		}
		off = end
	}
	return w, nil
}

// leanClaims is what decodeClaims reads, before the checks of
// UnmarshalCBOR.
type leanClaims struct {
	Iss, Sub      string
	Exp, Nbf, Iat int64
	Cti, Cnf      []byte
	Status        *StatusRef
	NC            wireNetcred
	HasNC, HasNbf bool
}

// claimKey returns the integer value of a map key, if it is an integer in
// int64 range.
func claimKey(major byte, arg uint64) (int64, bool) {
	if arg > 1<<63-1 {
		return 0, false
	}
	switch major {
	case 0:
		return int64(arg), true
	case 1:
		return -1 - int64(arg), true
	}
	return 0, false
}

func textItem(item []byte, what string) (string, error) {
	major, n, off, _ := head(item, 0)
	if major != 3 {
		return "", malformed(ReasonClaims, "%s is not a text string", what)
	}
	s := item[off : off+int(n)]
	if !utf8.Valid(s) {
		return "", malformed(ReasonClaims, "%s is not valid UTF-8", what)
	}
	return string(s), nil
}

func bytesItem(item []byte, what string) ([]byte, error) {
	major, n, off, _ := head(item, 0)
	if major != 2 {
		return nil, malformed(ReasonClaims, "%s is not a byte string", what)
	}
	return append([]byte(nil), item[off:off+int(n)]...), nil
}

func uintItem(item []byte, what string) (uint64, error) {
	major, n, _, _ := head(item, 0)
	if major != 0 {
		return 0, malformed(ReasonClaims, "%s is not an unsigned integer", what)
	}
	return n, nil
}

// MaxNumericDate is the largest NumericDate accepted (credential.md §4.1):
// 2^62 seconds, far past year 9999 yet safe to add durations to as int64.
const MaxNumericDate = 1 << 62

// timeItem reads a NumericDate: this profile allows only unsigned integers
// from 1 to MaxNumericDate (no floats, no 0, no negative values).
func timeItem(item []byte, what string) (int64, error) {
	major, n, _, _ := head(item, 0)
	if major != 0 || n == 0 || n > MaxNumericDate {
		return 0, malformed(ReasonClaimsDate, "%s must be an unsigned integer NumericDate from 1 to 2^62", what)
	}
	return int64(n), nil
}

// decodeStatus reads {"status_list": {"idx": uint, "uri": text}}
// (credential.md §4.3): other members of both maps are skipped, but a
// status claim without status_list, or with an empty uri, is malformed.
func decodeStatus(item []byte) (*StatusRef, error) {
	var ref *StatusRef
	major, pairs, off, _ := head(item, 0)
	if major != 5 {
		return nil, malformed(ReasonClaimsStatus, "status is not a map")
	}
	for i := uint64(0); i < pairs; i++ {
		key, value, next, err := textKeyPair(item, off, "status")
		if err != nil {
			return nil, err
		}
		off = next
		if string(key) != "status_list" {
			continue
		}
		ref = new(StatusRef)
		if err := decodeStatusList(value, ref); err != nil {
			return nil, err
		}
	}
	if ref == nil {
		return nil, malformed(ReasonClaimsStatus, "status claim without a status_list member")
	}
	return ref, nil
}

func decodeStatusList(item []byte, sl *StatusRef) error {
	major, pairs, off, _ := head(item, 0)
	if major != 5 {
		return malformed(ReasonClaimsStatus, "status_list is not a map")
	}
	var haveIdx, haveURI bool
	for i := uint64(0); i < pairs; i++ {
		key, value, next, err := textKeyPair(item, off, "status_list")
		if err != nil {
			return err
		}
		off = next
		switch string(key) {
		case "idx":
			sl.Index, err = uintItem(value, "status_list idx")
			haveIdx = true
		case "uri":
			sl.URI, err = textItem(value, "status_list uri")
			haveURI = true
		}
		if err != nil {
			return &reasonError{reason: ReasonClaimsStatus, err: err}
		}
	}
	if !haveIdx || !haveURI {
		return malformed(ReasonClaimsStatus, "status_list needs idx and uri")
	}
	if sl.URI == "" {
		return malformed(ReasonClaimsStatus, "status_list uri is empty")
	}
	return nil
}

// textKeyPair reads the map entry at item[off:], whose key must be a text
// string, without copying the key.
func textKeyPair(item []byte, off int, what string) (key, value []byte, next int, err error) {
	kmaj, n, koff, err := head(item, off)
	if err != nil {
		return nil, nil, 0, err
	}
	if kmaj != 3 {
		return nil, nil, 0, malformed(ReasonClaimsStatus, "%s keys must be text", what)
	}
	kend := koff + int(n)
	vend, err := itemEnd(item, kend)
	if err != nil {
		return nil, nil, 0, err
	}
	return item[koff:kend], item[kend:vend], vend, nil
}

// decodeNetcred reads [type, version, level, evidence, {attributes}].
func decodeNetcred(item []byte, nc *wireNetcred) error {
	major, n, off, _ := head(item, 0)
	if major != 4 || n != 5 {
		return malformed(ReasonClaims, "netcred claim must be an array of 5")
	}
	var header [4]uint64 // type, version, level, evidence
	for i := range header {
		end, err := itemEnd(item, off)
		if err != nil {
			return err
		}
		if header[i], err = uintItem(item[off:end], netcredItemNames[i]); err != nil {
			return err
		}
		off = end
	}
	nc.Type, nc.Version, nc.Level, nc.Evidence = header[0], header[1], header[2], header[3]
	major, pairs, off, _ := head(item, off)
	if major != 5 {
		return malformed(ReasonClaims, "attributes are not a map")
	}
	nc.Attributes = make(map[int64]any, pairs)
	for i := uint64(0); i < pairs; i++ {
		kmaj, karg, next, err := head(item, off)
		if err != nil {
			return err
		}
		key, ok := claimKey(kmaj, karg)
		if !ok {
			return malformed(ReasonClaims, "attribute keys must be integers in the signed 64-bit range")
		}
		end, err := itemEnd(item, next)
		if err != nil {
			return err
		}
		v, err := attributeValue(item[next:end])
		if err != nil {
			return err
		}
		nc.Attributes[key] = v
		off = end
	}
	return nil
}

var netcredItemNames = [4]string{"type", "version", "level", "evidence"}

// attributeValue decodes one attribute the way fxamacker/cbor decodes into
// an interface: uint64, int64, string, []byte, bool, nil; arrays and maps
// through strictcbor.Value, which FuzzValue holds to the library.
func attributeValue(item []byte) (any, error) {
	major, n, off, _ := head(item, 0)
	switch major {
	case 0:
		return n, nil
	case 1:
		if n > 1<<63-1 {
			return nil, malformed(ReasonClaims, "attribute integer out of range")
		}
		return -1 - int64(n), nil
	case 2:
		v := make([]byte, n) // empty but not nil, as fxamacker/cbor decodes it
		copy(v, item[off:])
		return v, nil
	case 3:
		return textItem(item, "attribute")
	case 7:
		switch item[0] {
		case 0xf4:
			return false, nil
		case 0xf5:
			return true, nil
		default:
			return nil, nil
		}
	}
	v, err := strictcbor.Value(item)
	if err != nil {
		return nil, malformed(ReasonClaims, "attribute: %v", err)
	}
	return v, nil
}
