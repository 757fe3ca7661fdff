package bundle

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/strictjson"
	"github.com/netcred/netcred/keys"
)

// ParseJSON decodes an unsigned bundle document, the JSON that Sign
// signs (for example the file an operator edits before `netcred bundle
// sign`), and validates it. Decoding is strict: valid UTF-8, one JSON
// object, no member names other than the bundle's (matched
// case-sensitively), no duplicate members, no null values, no nesting
// deeper than 16; such errors wrap ErrMalformed. A key's "jwk" must
// pass ParsePublicJWK. It does not check any signature.
func ParseJSON(data []byte) (*Bundle, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%w: bundle of %d bytes (limit %d)", ErrTooLarge, len(data), MaxSize)
	}
	b := new(Bundle)
	if err := b.UnmarshalJSON(data); err != nil {
		return nil, err
	}
	if err := b.Validate(); err != nil {
		return nil, err
	}
	return b, nil
}

// The JSON forms the decoder reads. Keys are held as raw JSON until
// ParsePublicJWK reads them; status_lists is a pointer so that a missing
// member is told apart from an empty array.
type (
	wireBundle struct {
		Serial     uint64       `json:"serial"`
		IssuedAt   wireTime     `json:"issued_at"`
		NextUpdate wireTime     `json:"next_update"`
		Issuers    []wireIssuer `json:"issuers"`
		Schemas    []Schema     `json:"schemas"`
	}
	wireIssuer struct {
		ID             string    `json:"id"`
		Name           string    `json:"name"`
		Keys           []wireKey `json:"keys"`
		StatusLists    *[]string `json:"status_lists"`
		StatusPrefixes []string  `json:"status_prefixes"`
	}
	wireKey struct {
		JWK       json.RawMessage `json:"jwk"`
		MaxLevel  string          `json:"max_level"`
		Types     []string        `json:"types"`
		NotBefore wireTime        `json:"not_before"`
		NotAfter  *wireTime       `json:"not_after"`
		RevokedAt *wireTime       `json:"revoked_at"`
	}
)

// wireTime is a time in the bundle's profile of RFC 3339 (see
// parseBundleTime).
type wireTime struct{ time.Time }

// UnmarshalJSON reads a JSON string with parseBundleTime.
func (w *wireTime) UnmarshalJSON(data []byte) error {
	var s string
	if len(data) == 0 || data[0] != '"' || json.Unmarshal(data, &s) != nil {
		return fmt.Errorf("%w: a time is not a JSON string", ErrMalformed)
	}
	t, err := parseBundleTime(s)
	if err != nil {
		return err
	}
	w.Time = t
	return nil
}

// utc returns the time in UTC, or nil.
func (w *wireTime) utc() *time.Time {
	if w == nil {
		return nil
	}
	t := w.Time.UTC()
	return &t
}

// parseBundleTime parses the one form of RFC 3339 date-time a bundle
// uses: YYYY-MM-DDTHH:MM:SS, an optional fraction of 1 to 9 digits, and Z
// or an offset +HH:MM / -HH:MM (hours 00 to 23). "T" and "Z" are upper
// case; leap seconds (:60) are refused.
func parseBundleTime(s string) (time.Time, error) {
	fail := func() (time.Time, error) {
		return time.Time{}, fmt.Errorf("%w: time %q is not of the form 2006-01-02T15:04:05Z (RFC 3339, optional fraction of up to 9 digits, Z or +hh:mm)", ErrMalformed, s)
	}
	digits := func(d string) bool {
		for i := 0; i < len(d); i++ {
			if d[i] < '0' || d[i] > '9' {
				return false
			}
		}
		return true
	}
	if len(s) < 20 || !digits(s[0:4]) || s[4] != '-' || !digits(s[5:7]) || s[7] != '-' || !digits(s[8:10]) ||
		s[10] != 'T' || !digits(s[11:13]) || s[13] != ':' || !digits(s[14:16]) || s[16] != ':' || !digits(s[17:19]) {
		return fail()
	}
	rest := s[19:]
	if rest[0] == '.' {
		n := 1
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 1 || n > 10 {
			return fail()
		}
		rest = rest[n:]
	}
	switch {
	case rest == "Z":
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && digits(rest[1:3]) && rest[3] == ':' && digits(rest[4:6]) &&
		rest[1:3] <= "23" && rest[4:6] <= "59":
	default:
		return fail()
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fail()
	}
	return t, nil
}

// UnmarshalJSON decodes a bundle document strictly, as ParseJSON
// does, but does not validate it: call Validate before use.
func (b *Bundle) UnmarshalJSON(data []byte) error {
	var w wireBundle
	if err := strictDecode(data, &w); err != nil {
		return err
	}
	issuers := make([]Issuer, len(w.Issuers))
	for i := range w.Issuers {
		iss, err := w.Issuers[i].issuer(fmt.Sprintf("issuer %d", i+1))
		if err != nil {
			return err
		}
		issuers[i] = iss
	}
	b.Serial = w.Serial
	b.IssuedAt = w.IssuedAt.UTC()
	b.NextUpdate = w.NextUpdate.UTC()
	b.digest = payloadDigest(data)
	b.Issuers = issuers
	b.Schemas = nil
	if len(w.Schemas) > 0 {
		b.Schemas = w.Schemas
	}
	b.index.Store(nil)
	return nil
}

// UnmarshalJSON decodes one issuer object strictly. It does not validate
// the issuer beyond its keys' JWKs and max_level names.
func (iss *Issuer) UnmarshalJSON(data []byte) error {
	var w wireIssuer
	if err := strictDecode(data, &w); err != nil {
		return err
	}
	v, err := w.issuer("issuer")
	if err != nil {
		return err
	}
	*iss = v
	return nil
}

// UnmarshalJSON decodes one key object strictly; the jwk must pass
// ParsePublicJWK. It does not validate the authorization.
func (k *Key) UnmarshalJSON(data []byte) error {
	var w wireKey
	if err := strictDecode(data, &w); err != nil {
		return err
	}
	v, err := w.key("key")
	if err != nil {
		return err
	}
	*k = v
	return nil
}

func (w *wireIssuer) issuer(position string) (Issuer, error) {
	where := position
	if w.ID != "" {
		where = "issuer " + strconv.Quote(w.ID)
	}
	if w.StatusLists == nil {
		return Issuer{}, bundleErrorf(ErrInvalid, nil, "%s: status_lists is missing (an empty array when the issuer has none)", where)
	}
	iss := Issuer{ID: w.ID, Name: w.Name, StatusLists: *w.StatusLists}
	if len(w.StatusPrefixes) > 0 {
		iss.StatusPrefixes = w.StatusPrefixes
	}
	if len(w.Keys) > 0 {
		iss.Keys = make([]Key, len(w.Keys))
	}
	for j := range w.Keys {
		k, err := w.Keys[j].key(fmt.Sprintf("%s key %d", where, j+1))
		if err != nil {
			return Issuer{}, err
		}
		iss.Keys[j] = k
	}
	return iss, nil
}

func (w *wireKey) key(where string) (Key, error) {
	if len(w.JWK) == 0 {
		return Key{}, bundleErrorf(ErrInvalid, nil, "%s: jwk is missing", where)
	}
	if w.JWK[0] != '{' {
		return Key{}, fmt.Errorf("%w: %s: jwk is not a JSON object", ErrMalformed, where)
	}
	pub, err := keys.ParsePublicJWK(w.JWK)
	if err != nil {
		return Key{}, bundleErrorf(ErrInvalid, err, "%s: jwk: %v", where, err)
	}
	where += " (" + pub.KIDString() + ")"
	k := Key{Key: pub, Authorization: Authorization{
		Types:     w.Types,
		NotBefore: w.NotBefore.UTC(),
		NotAfter:  w.NotAfter.utc(),
		RevokedAt: w.RevokedAt.utc(),
	}}
	switch w.MaxLevel {
	case "":
		// Validate reports it as missing.
	case credential.LevelLow.String():
		k.MaxLevel = credential.LevelLow
	case credential.LevelSubstantial.String():
		k.MaxLevel = credential.LevelSubstantial
	case credential.LevelHigh.String():
		k.MaxLevel = credential.LevelHigh
	default:
		return Key{}, bundleErrorf(ErrInvalid, ErrMissingAuthorization, "%s: authorization: max_level %q (want \"low\", \"substantial\" or \"high\")", where, w.MaxLevel)
	}
	return k, nil
}

func utcPointer(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// The JSON forms the encoder writes: times in UTC, empty arrays rather
// than null.
type (
	bundleJSON struct {
		Serial     uint64    `json:"serial"`
		IssuedAt   time.Time `json:"issued_at"`
		NextUpdate time.Time `json:"next_update"`
		Issuers    []Issuer  `json:"issuers"`
		Schemas    []Schema  `json:"schemas,omitempty"`
	}
	issuerJSON struct {
		ID             string   `json:"id"`
		Name           string   `json:"name"`
		Keys           []Key    `json:"keys"`
		StatusLists    []string `json:"status_lists"`
		StatusPrefixes []string `json:"status_prefixes,omitempty"`
	}
	keyJSON struct {
		JWK       *keys.PublicKey  `json:"jwk"`
		MaxLevel  credential.Level `json:"max_level"`
		Types     []string         `json:"types"`
		NotBefore time.Time        `json:"not_before"`
		NotAfter  *time.Time       `json:"not_after,omitempty"`
		RevokedAt *time.Time       `json:"revoked_at,omitempty"`
	}
)

// MarshalJSON encodes the bundle document: members in the order serial,
// issued_at, next_update, issuers, schemas (left out when empty); times
// as RFC 3339 in UTC; levels by name; keys as public JWKs.
func (b *Bundle) MarshalJSON() ([]byte, error) {
	issuers := b.Issuers
	if issuers == nil {
		issuers = []Issuer{}
	}
	data, err := json.Marshal(bundleJSON{
		Serial:     b.Serial,
		IssuedAt:   b.IssuedAt.UTC(),
		NextUpdate: b.NextUpdate.UTC(),
		Issuers:    issuers,
		Schemas:    b.Schemas,
	})
	if err != nil {
		return nil, fmt.Errorf("bundle: encoding bundle: %w", err)
	}
	return data, nil
}

// MarshalJSON encodes the issuer, with status_lists an empty array rather
// than null when there are none, and status_prefixes left out when empty.
func (iss Issuer) MarshalJSON() ([]byte, error) {
	lists := iss.StatusLists
	if lists == nil {
		lists = []string{}
	}
	keys := iss.Keys
	if keys == nil {
		keys = []Key{}
	}
	return json.Marshal(issuerJSON{ID: iss.ID, Name: iss.Name, Keys: keys, StatusLists: lists, StatusPrefixes: iss.StatusPrefixes})
}

// MarshalJSON encodes the key: its public JWK as "jwk" beside the
// authorization members, times in UTC.
func (k Key) MarshalJSON() ([]byte, error) {
	types := k.Types
	if types == nil {
		types = []string{}
	}
	return json.Marshal(keyJSON{
		JWK:       k.Key,
		MaxLevel:  k.MaxLevel,
		Types:     types,
		NotBefore: k.NotBefore.UTC(),
		NotAfter:  utcPointer(k.NotAfter),
		RevokedAt: utcPointer(k.RevokedAt),
	})
}

// strictDecode decodes one JSON document into v with the strict JSON
// reader: no duplicate members, invalid UTF-8, lone surrogates or
// byte-order mark; member names matched case-sensitively and none unknown
// (except inside a jwk, which keys.ParsePublicJWK judges); no null; at
// most maxBundleDepth levels of nesting; nothing after the value.
func strictDecode(data []byte, v any) error {
	err := strictjson.Unmarshal(data, v, strictjson.MaxSize(MaxSize), strictjson.MaxDepth(maxBundleDepth),
		strictjson.DisallowUnknownFields(), strictjson.DisallowNull())
	if err == nil {
		return nil
	}
	// An error of a member's own decoder (a time) is the bundle's: keep
	// it, with the member's path.
	var se *strictjson.Error
	if errors.As(err, &se) && errors.Is(se.Err, strictjson.ErrValue) {
		for _, cause := range se.Unwrap() {
			if cause != se.Err && (errors.Is(cause, ErrMalformed) || errors.Is(cause, ErrInvalid)) {
				return fmt.Errorf("%w at %s", cause, se.Path)
			}
		}
	}
	return bundleErrorf(ErrMalformed, err, "%v", err)
}
