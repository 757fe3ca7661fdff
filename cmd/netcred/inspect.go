package main

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/fxamacker/cbor/v2"
	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/base45"
	"github.com/netcred/netcred/presentation"
	"github.com/netcred/netcred/schemas"
)

const inspectSynopsis = `inspect [--json] [--w3c] INPUT

Decodes a COSE_Sign1 / CWT — netcred's or anyone's — and prints its headers
and claims. It needs no key and checks no signature: what it prints proves
nothing. INPUT is QR text (NC1:..., or HC1:... from an EU DCC), hex,
base64url, a raw CBOR file, - for standard input, or a PNG, JPEG, GIF or
WebP image of the QR code. A payload that is not a CWT claims set is shown
as CBOR, text or bytes ("payload_kind" in --json). With --json, an error is
JSON on standard output too: {"error", "hints", "exit_code"}.`

// inspectMaxSize caps what inspect decodes (foreign credentials can be
// larger than ours) and what a HC1 payload may inflate to.
const inspectMaxSize = 64 << 10

// lenientDec reads foreign CBOR: tags allowed, but still no duplicate keys,
// no indefinite lengths beyond what is common, bounded depth and sizes.
var lenientDec, _ = cbor.DecOptions{
	DupMapKey:        cbor.DupMapKeyEnforcedAPF,
	MaxNestedLevels:  16,
	MaxArrayElements: 1024,
	MaxMapPairs:      1024,
	IntDec:           cbor.IntDecConvertSignedOrBigInt,
}.DecMode()

func runInspect(args []string, e *env) int {
	fs := newFlags(e, "inspect", inspectSynopsis)
	asJSON := fs.Bool("json", false, "print as JSON")
	asW3C := fs.Bool("w3c", false, "print the W3C VC Data Model 2.0 view (netcred credentials only)")
	schemaFiles := fs.String("schemas", "", "comma-separated operator-defined schema files to load")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) != 1 {
		errorf(e, "inspect needs exactly one INPUT")
		return exitUsage
	}
	registry, err := loadRegistry(*schemaFiles)
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	data, _, err := loadInput(e, rest[0])
	if err != nil {
		return inputError(e, err)
	}
	raw, format, err := inspectBytes(data)
	if err != nil {
		errorf(e, "%v", err)
		return exitInvalid
	}
	report, err := inspectCOSE(raw, registry)
	if err != nil {
		errorf(e, "%v", err)
		return exitInvalid
	}
	report.Format = format
	if *asW3C {
		if report.w3c == nil {
			errorf(e, "not a netcred credential of a known type: no W3C view")
			return exitInvalid
		}
		return printJSON(e, report.w3c)
	}
	if *asJSON {
		return printJSON(e, report)
	}
	printReport(e, report)
	return exitOK
}

// inspectBytes turns any supported text or binary form into COSE bytes.
func inspectBytes(data []byte) ([]byte, string, error) {
	text := strings.TrimSpace(string(data))
	switch {
	case len(data) > 0 && (data[0] == 0xd2 || data[0] == 0x84 || data[0] == 0xd8 || !utf8.Valid(data)):
		return data, "raw CBOR", nil
	case strings.HasPrefix(text, credential.QRPrefix):
		b, err := credential.DecodeQR(text)
		return b, "netcred QR text (" + credential.QRPrefix + ")", err
	case strings.HasPrefix(text, presentation.QRPrefix):
		b, err := presentation.DecodeQR(text)
		return b, "netcred presentation QR text (" + presentation.QRPrefix + "; the credential is in header 13, kcwt)", err
	case strings.HasPrefix(text, "HC1:"):
		z, err := base45.Decode(text[4:])
		if err != nil {
			return nil, "", fmt.Errorf("HC1: %w", err)
		}
		b, err := inflateCapped(z)
		return b, "EU DCC QR text (HC1:, zlib)", err
	}
	if b, err := hex.DecodeString(text); err == nil && len(b) > 0 {
		return b, "hex", nil
	}
	if b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(text, "=")); err == nil && len(b) > 0 {
		return b, "base64url", nil
	}
	if b, err := base64.StdEncoding.DecodeString(text); err == nil && len(b) > 0 {
		return b, "base64", nil
	}
	return nil, "", errors.New("input is not QR text, hex, base64url or CBOR")
}

func inflateCapped(z []byte) ([]byte, error) {
	r, err := zlib.NewReader(bytes.NewReader(z))
	if err != nil {
		return nil, fmt.Errorf("zlib: %w", err)
	}
	b, err := io.ReadAll(io.LimitReader(r, inspectMaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("zlib: %w", err)
	}
	if len(b) > inspectMaxSize {
		return nil, fmt.Errorf("zlib payload inflates past %d bytes", inspectMaxSize)
	}
	return b, nil
}

// inspectReport is what inspect prints.
type inspectReport struct {
	Format      string         `json:"format"`
	Tagged      bool           `json:"tagged"`
	Protected   map[string]any `json:"protected"`
	Unprotected map[string]any `json:"unprotected"`
	// PayloadKind is "cwt" (a CWT claims set, in Claims), "cbor" (other
	// CBOR), "text", "bytes" or "detached"; the last four in Payload.
	PayloadKind string         `json:"payload_kind"`
	Claims      map[string]any `json:"claims,omitempty"`
	Payload     any            `json:"payload,omitempty"`
	Netcred     map[string]any `json:"netcred,omitempty"`
	SignatureB  int            `json:"signature_bytes"`
	Warning     string         `json:"warning"`
	w3c         *credential.W3CCredential
}

var headerNames = map[int64]string{1: "alg", 2: "crit", 3: "content_type", 4: "kid", 5: "iv", 16: "typ", 33: "x5chain", 34: "x5t"}

var claimNames = map[int64]string{1: "iss", 2: "sub", 3: "aud", 4: "exp", 5: "nbf", 6: "iat", 7: "cti", 8: "cnf", 65535: "status", 65534: "ttl", 65533: "status_list", -260: "hcert", -65537: "netcred"}

var algNames = map[int64]string{-8: "EdDSA", -7: "ES256", -35: "ES384", -36: "ES512", -37: "PS256", -257: "RS256", 5: "HMAC 256/256"}

func inspectCOSE(data []byte, registry *schemas.Registry) (*inspectReport, error) {
	if len(data) > inspectMaxSize {
		return nil, fmt.Errorf("input of %d bytes is larger than %d", len(data), inspectMaxSize)
	}
	var msg any
	if err := lenientDec.Unmarshal(data, &msg); err != nil {
		return nil, fmt.Errorf("not CBOR: %v", err)
	}
	r := &inspectReport{Warning: "signature not checked: this output proves nothing"}
	for {
		tag, ok := msg.(cbor.Tag)
		if !ok {
			break
		}
		switch tag.Number {
		case 61: // CWT tag around the COSE message
		case 18:
			r.Tagged = true
		default:
			return nil, fmt.Errorf("CBOR tag %d is not a COSE_Sign1 (18) or CWT (61)", tag.Number)
		}
		msg = tag.Content
	}
	arr, ok := msg.([]any)
	if !ok || len(arr) != 4 {
		return nil, errors.New("not a COSE_Sign1: want an array of 4")
	}
	prot, ok1 := arr[0].([]byte)
	unprot, ok2 := arr[1].(map[any]any)
	payload, ok3 := arr[2].([]byte)
	sig, ok4 := arr[3].([]byte)
	if !ok1 || !ok2 || !ok4 || (!ok3 && arr[2] != nil) {
		return nil, errors.New("not a COSE_Sign1: wrong item types")
	}
	r.SignatureB = len(sig)
	r.Protected = map[string]any{}
	if len(prot) > 0 {
		var ph map[any]any
		if err := lenientDec.Unmarshal(prot, &ph); err != nil {
			// Not a header map (RFC 9052 §3 wants one): show the bytes.
			_, raw := describePayload(prot)
			r.Protected = map[string]any{"invalid": fmt.Sprintf("not a CBOR map (%v)", err), "bytes": raw}
		} else {
			r.Protected = renderHeader(ph)
		}
	}
	r.Unprotected = renderHeader(unprot)
	var claims map[any]any
	if !ok3 {
		r.PayloadKind = "detached"
		return r, nil
	}
	if err := lenientDec.Unmarshal(payload, &claims); err != nil || claims == nil {
		r.PayloadKind, r.Payload = describePayload(payload)
		return r, nil
	}
	r.PayloadKind = "cwt"
	r.Claims = map[string]any{}
	for k, v := range claims {
		name := labelName(k, claimNames)
		switch name {
		case "exp", "nbf", "iat":
			if n, ok := v.(int64); ok {
				t := time.Unix(n, 0)
				r.Claims[name] = *jsonTime(&t) // as verify writes it, "+" past 9999
				continue
			}
		}
		r.Claims[name] = render(v)
	}
	// A netcred credential: decode its claim with the schema.
	if signed, err := credential.Parse(data); err == nil {
		if c, err := signed.Inspect(); err == nil {
			r.Netcred = map[string]any{"type": c.Type, "version": c.Version, "level": c.Level.String(), "evidence": c.Evidence.String()}
			if s, ok := registry.ByID(c.Type); ok {
				r.Netcred["type"] = s.Name
				if attrs, err := s.Decode(c.Attributes); err == nil {
					r.Netcred["claims"] = attrs
					r.w3c = c.W3C(s.Name, attrs, credential.KIDIssuer(signed.KID()))
				} else {
					r.Netcred["schema_error"] = err.Error()
				}
			}
		}
	}
	return r, nil
}

// describePayload shows a payload that is not a CWT claims set: as CBOR
// if it decodes, else as text if it is printable UTF-8, else as hex.
func describePayload(p []byte) (string, any) {
	var v any
	if err := lenientDec.Unmarshal(p, &v); err == nil {
		return "cbor", render(v)
	}
	if utf8.Valid(p) && !strings.ContainsFunc(string(p), func(r rune) bool {
		return unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r'
	}) {
		return "text", string(p)
	}
	return "bytes", "h'" + hex.EncodeToString(p) + "'"
}

func labelName(k any, names map[int64]string) string {
	if n, ok := k.(int64); ok {
		if s, ok := names[n]; ok {
			return s
		}
		return fmt.Sprint(n)
	}
	return fmt.Sprint(k)
}

func renderHeader(h map[any]any) map[string]any {
	out := map[string]any{}
	for k, v := range h {
		name := labelName(k, headerNames)
		if b, ok := v.([]byte); ok && name == "kid" {
			// As in a JWK's "kid" member and everywhere else netcred
			// shows one (credential.md §7): base64url, no padding.
			out[name] = base64.RawURLEncoding.EncodeToString(b)
			continue
		}
		if name == "alg" {
			if n, ok := v.(int64); ok {
				if s, ok := algNames[n]; ok {
					out[name] = fmt.Sprintf("%s (%d)", s, n)
					continue
				}
			}
		}
		out[name] = render(v)
	}
	return out
}

// render makes decoded CBOR printable as JSON: byte strings as hex, map
// keys as strings, tags as {"tag": n, "value": v}.
func render(v any) any {
	switch x := v.(type) {
	case []byte:
		return "h'" + hex.EncodeToString(x) + "'"
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			out[fmt.Sprint(render(k))] = render(val)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = render(val)
		}
		return out
	case cbor.Tag:
		return map[string]any{"tag": x.Number, "value": render(x.Content)}
	case big.Int: // an integer past int64
		return json.Number(x.String())
	case *big.Int:
		return json.Number(x.String())
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Sprint(x)
		}
	}
	return v
}

func printReport(e *env, r *inspectReport) {
	w := e.stdout
	fmt.Fprintf(w, "format:      %s\n", r.Format)
	fmt.Fprintf(w, "COSE_Sign1:  tagged=%v, signature %d bytes\n", r.Tagged, r.SignatureB)
	printMap(w, "protected", r.Protected)
	printMap(w, "unprotected", r.Unprotected)
	switch r.PayloadKind {
	case "cwt":
		printMap(w, "claims", r.Claims)
	case "detached":
		fmt.Fprintf(w, "payload:     detached (not in the message): no claims to show\n")
	default:
		b, _ := json.Marshal(r.Payload)
		fmt.Fprintf(w, "payload:     not a CWT claims set; as %s: %s\n", r.PayloadKind, b)
	}
	if r.Netcred != nil {
		printMap(w, "netcred", r.Netcred)
	}
	fmt.Fprintf(w, "warning:     %s\n", r.Warning)
}

func printMap(w io.Writer, title string, m map[string]any) {
	fmt.Fprintf(w, "%s:\n", title)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := m[k]
		switch v.(type) {
		case map[string]any, []any:
			b, _ := json.Marshal(v)
			fmt.Fprintf(w, "  %-14s %s\n", k, b)
		default:
			fmt.Fprintf(w, "  %-14s %v\n", k, v)
		}
	}
}
