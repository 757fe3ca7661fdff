package bundle

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/strictjson"
	"github.com/netcred/netcred/keys"
)

// byteOrderMark is U+FEFF in UTF-8.
var byteOrderMark = []byte{0xef, 0xbb, 0xbf}

// Looks reports whether data is meant as a trust bundle rather than
// another kind of file, so that a caller sorting inputs hands it to Parse
// and gets ErrMalformed for a broken one (spec/bundle.md §2.1): after
// whitespace and a byte-order mark (UTF-8 or UTF-16) are trimmed, data is
// base64url that starts with "eyJ" (a JSON object) or has dots (a JWS
// compact serialization, whatever its header), or it starts with "{" (a
// JWS JSON serialization, which Parse refuses).
func Looks(data []byte) bool {
	d := bytes.Trim(data, " \t\r\n")
	for _, mark := range [][]byte{byteOrderMark, {0xff, 0xfe}, {0xfe, 0xff}} {
		d = bytes.TrimPrefix(d, mark)
	}
	d = bytes.Trim(d, " \t\r\n")
	if bytes.HasPrefix(d, []byte("{")) {
		return true
	}
	dots := 0
	for _, c := range d {
		switch {
		case c == '.':
			dots++
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_':
		default:
			return false
		}
	}
	return dots > 0 || bytes.HasPrefix(d, []byte("eyJ"))
}

// Parse verifies a signed trust bundle and returns it with the root
// key that signed it. The bundle must be a JWS compact serialization of at
// most MaxSize bytes (leading and trailing whitespace is ignored)
// whose protected header has exactly the members alg, kid, jwk and typ:
// typ Type, jwk a public key under keys.ParsePublicJWK's rules whose RFC
// 7638 thumbprint is one of pinned, alg the algorithm that key is bound to
// and kid its kid. The signature must verify with that key. The payload
// is then decoded strictly (ParseJSON) and validated.
//
// Errors wrap ErrUntrusted (no pinned root, a bad signature, a header
// alg or jwk that cannot be trusted), ErrMalformed (not a compact
// JWS, a bad header, a payload that is not the bundle's JSON), ErrTooLarge,
// or Validate's errors (ErrInvalid).
func Parse(data []byte, pinned []string) (*Bundle, *keys.PublicKey, error) {
	return parseBundle(data, pinned, true)
}

// Inspect parses a signed trust bundle and checks its signature
// against the root key embedded in its own header, without pinning: it
// does NOT establish that the bundle is trustworthy, since anyone can sign
// a bundle with a key of their own. It is for displaying a bundle
// (`netcred bundle show`) and for learning the thumbprint of a root to
// pin; every other check is that of Parse.
func Inspect(data []byte) (*Bundle, *keys.PublicKey, error) {
	return parseBundle(data, nil, false)
}

func parseBundle(data []byte, pinned []string, pin bool) (*Bundle, *keys.PublicKey, error) {
	if len(data) > MaxSize {
		return nil, nil, fmt.Errorf("%w: bundle of %d bytes (limit %d)", ErrTooLarge, len(data), MaxSize)
	}
	compact := bytes.Trim(data, " \t\r\n")
	jws, err := parseCompact(compact)
	if err != nil {
		return nil, nil, err
	}
	root, err := readBundleHeader(jws.header)
	if err != nil {
		return nil, nil, err
	}
	if pin {
		if len(pinned) == 0 {
			return nil, nil, fmt.Errorf("%w: no root key is pinned", ErrUntrusted)
		}
		if !slices.Contains(pinned, root.Thumbprint()) {
			return nil, nil, fmt.Errorf("%w: bundle signed by root %s, which is not pinned", ErrUntrusted, root.Thumbprint())
		}
	}
	if !jws.verify(root) {
		return nil, nil, fmt.Errorf("%w: signature does not verify with root %s", ErrUntrusted, root.Thumbprint())
	}
	b, err := ParseJSON(jws.payload)
	if err != nil {
		return nil, nil, err
	}
	if err := b.checkRoot(root); err != nil {
		return nil, nil, err
	}
	return b, root, nil
}

// bundleHeaderMembers are the members a bundle's protected header has,
// all required, and no other.
var bundleHeaderMembers = []string{"alg", "jwk", "kid", "typ"}

// readBundleHeader decodes the protected header and returns the root key it
// names, checked against the header's alg and kid.
func readBundleHeader(raw []byte) (*keys.PublicKey, error) {
	var members map[string]json.RawMessage
	if err := strictjson.Unmarshal(raw, &members); err != nil {
		return nil, fmt.Errorf("%w: JWS header: %v", ErrMalformed, err)
	}
	if members == nil {
		return nil, fmt.Errorf("%w: JWS header is not a JSON object", ErrMalformed)
	}
	names := make([]string, 0, len(members))
	for name := range members {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !slices.Contains(bundleHeaderMembers, name) {
			return nil, fmt.Errorf("%w: JWS header member %q is not allowed (want only alg, kid, jwk and typ)", ErrMalformed, name)
		}
	}
	// Step 3 ends with the member types: a non-string alg, kid or typ is
	// malformed before the alg allow-list is consulted (§2.2).
	for _, name := range []string{"alg", "kid", "typ"} {
		if _, _, err := headerString(members, name); err != nil {
			return nil, err
		}
	}
	alg, ok, err := headerString(members, "alg")
	switch {
	case err != nil:
		return nil, err
	case !ok:
		return nil, bundleErrorf(ErrUntrusted, keys.ErrMissingAlgorithm, "JWS header has no alg")
	case alg != string(credential.EdDSA) && alg != string(credential.ES256):
		return nil, bundleErrorf(ErrUntrusted, keys.ErrUnsupportedAlgorithm, "JWS alg %q (want EdDSA or ES256)", alg)
	}
	typ, ok, err := headerString(members, "typ")
	switch {
	case err != nil:
		return nil, err
	case !ok:
		return nil, fmt.Errorf("%w: JWS header has no typ (want %q)", ErrMalformed, Type)
	case typ != Type:
		return nil, fmt.Errorf("%w: JWS typ %q (want %q)", ErrMalformed, typ, Type)
	}
	jwk, ok := members["jwk"]
	if !ok {
		return nil, fmt.Errorf("%w: JWS header has no jwk: the root key cannot be identified", ErrUntrusted)
	}
	root, err := keys.ParsePublicJWK(jwk)
	if err != nil {
		return nil, bundleErrorf(ErrUntrusted, err, "JWS header jwk: %v", err)
	}
	if credential.Algorithm(alg) != root.Algorithm() {
		return nil, bundleErrorf(ErrUntrusted, keys.ErrAlgorithmMismatch, "JWS alg %q, but the root key %s is bound to %s", alg, root.Thumbprint(), root.Algorithm())
	}
	kid, ok, err := headerString(members, "kid")
	switch {
	case err != nil:
		return nil, err
	case !ok:
		return nil, fmt.Errorf("%w: JWS header has no kid", ErrMalformed)
	case kid != root.KIDString():
		return nil, bundleErrorf(ErrUntrusted, keys.ErrKIDMismatch, "JWS kid %q, but the root key's kid is %q", kid, root.KIDString())
	}
	return root, nil
}

// headerString reads a string member of the protected header.
func headerString(members map[string]json.RawMessage, name string) (string, bool, error) {
	raw, ok := members[name]
	if !ok {
		return "", false, nil
	}
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", true, fmt.Errorf("%w: JWS header %q is not a string", ErrMalformed, name)
	}
	return s, true, nil
}
