package credential

import (
	"fmt"
	"unicode/utf8"
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
		return w, fmt.Errorf("%w: claims set is not a map", ErrMalformed)
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
			return w, fmt.Errorf("%w: claim keys must be integers or text", ErrMalformed)
		}
		key, isInt := claimKey(kmaj, karg)
		if kmaj != 3 && !isInt {
			return w, fmt.Errorf("%w: claim key out of range", ErrMalformed)
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
			case claimIat:
				w.Iat, err = timeItem(item, "iat")
			case claimCti:
				w.Cti, err = bytesItem(item, "cti")
			case claimCnf:
				if item[0]>>5 != 5 {
					err = fmt.Errorf("%w: cnf is not a map", ErrMalformed)
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

// itemEnd returns the offset just after the item at b[off:]. The buffer
// has passed checkCanonical, so it skips without checking again (no UTF-8
// or key order checks); it still refuses to run past the end rather than
// trusting that.
func itemEnd(b []byte, off int) (int, error) {
	major, arg, next, err := head(b, off)
	if err != nil {
		return 0, err
	}
	switch major {
	case 2, 3:
		if arg > uint64(len(b)-next) {
			return 0, fmt.Errorf("%w: string runs past the end at offset %d", ErrMalformed, off)
		}
		return next + int(arg), nil
	case 4, 5:
		n := arg
		if major == 5 {
			n *= 2
		}
		if arg > maxItems {
			return 0, fmt.Errorf("%w: container of %d items", ErrMalformed, arg)
		}
		for i := uint64(0); i < n; i++ {
			if next, err = itemEnd(b, next); err != nil {
				return 0, err
			}
		}
		return next, nil
	case 6:
		return 0, fmt.Errorf("%w: tag at offset %d", ErrMalformed, off)
	}
	return next, nil
}

// leanClaims is what decodeClaims reads, before the checks of
// UnmarshalCBOR.
type leanClaims struct {
	Iss, Sub      string
	Exp, Nbf, Iat int64
	Cti, Cnf      []byte
	Status        *StatusRef
	NC            wireNetcred
	HasNC         bool
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
		return "", fmt.Errorf("%w: %s is not a text string", ErrMalformed, what)
	}
	s := item[off : off+int(n)]
	if !utf8.Valid(s) {
		return "", fmt.Errorf("%w: %s is not valid UTF-8", ErrMalformed, what)
	}
	return string(s), nil
}

func bytesItem(item []byte, what string) ([]byte, error) {
	major, n, off, _ := head(item, 0)
	if major != 2 {
		return nil, fmt.Errorf("%w: %s is not a byte string", ErrMalformed, what)
	}
	return append([]byte(nil), item[off:off+int(n)]...), nil
}

func uintItem(item []byte, what string) (uint64, error) {
	major, n, _, _ := head(item, 0)
	if major != 0 {
		return 0, fmt.Errorf("%w: %s is not an unsigned integer", ErrMalformed, what)
	}
	return n, nil
}

// timeItem reads a NumericDate; this profile allows only non-negative
// integers (no floats), which fit int64.
func timeItem(item []byte, what string) (int64, error) {
	n, err := uintItem(item, what)
	if err != nil || n > 1<<62 {
		return 0, fmt.Errorf("%w: %s must be a non-negative integer NumericDate", ErrMalformed, what)
	}
	return int64(n), nil
}

// decodeStatus reads {"status_list": {"idx": uint, "uri": text}}; other
// status mechanisms and other members are skipped. It returns nil when
// there is no status_list member.
func decodeStatus(item []byte) (*StatusRef, error) {
	var ref *StatusRef
	major, pairs, off, _ := head(item, 0)
	if major != 5 {
		return nil, fmt.Errorf("%w: status is not a map", ErrMalformed)
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
	return ref, nil
}

func decodeStatusList(item []byte, sl *StatusRef) error {
	major, pairs, off, _ := head(item, 0)
	if major != 5 {
		return fmt.Errorf("%w: status_list is not a map", ErrMalformed)
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
			return err
		}
	}
	if !haveIdx || !haveURI {
		return fmt.Errorf("%w: status_list needs idx and uri", ErrMalformed)
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
		return nil, nil, 0, fmt.Errorf("%w: %s keys must be text", ErrMalformed, what)
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
		return fmt.Errorf("%w: netcred claim must be an array of 5", ErrMalformed)
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
		return fmt.Errorf("%w: attributes are not a map", ErrMalformed)
	}
	nc.Attributes = make(map[int64]any, pairs)
	for i := uint64(0); i < pairs; i++ {
		kmaj, karg, next, err := head(item, off)
		if err != nil {
			return err
		}
		key, ok := claimKey(kmaj, karg)
		if !ok {
			return fmt.Errorf("%w: attribute keys must be integers", ErrMalformed)
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
// an interface: uint64, int64, string, []byte, bool, nil; arrays and maps go
// through the library itself.
func attributeValue(item []byte) (any, error) {
	major, n, off, _ := head(item, 0)
	switch major {
	case 0:
		return n, nil
	case 1:
		if n > 1<<63-1 {
			return nil, fmt.Errorf("%w: attribute integer out of range", ErrMalformed)
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
	var v any
	if err := decMode.Unmarshal(item, &v); err != nil {
		return nil, fmt.Errorf("%w: attribute: %v", ErrMalformed, err)
	}
	return v, nil
}
