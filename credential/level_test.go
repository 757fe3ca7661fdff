package credential

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestParseLevel(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Level
		err  error
	}{
		{"low", LevelLow, nil}, {"SUBSTANTIAL", LevelSubstantial, nil}, {" high ", LevelHigh, nil},
		{"2", LevelSubstantial, nil}, {"highest", 0, ErrUnknownLevel}, {"0", 0, ErrUnknownLevel}, {"", 0, ErrUnknownLevel},
	} {
		got, err := ParseLevel(tc.in)
		if got != tc.want || !errors.Is(err, tc.err) {
			t.Errorf("ParseLevel(%q) = %v, %v; want %v, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
	if _, err := Level(9).MarshalText(); !errors.Is(err, ErrUnknownLevel) {
		t.Errorf("MarshalText of level 9: %v", err)
	}
	var l Level
	if err := json.Unmarshal([]byte(`"high"`), &l); err != nil || l != LevelHigh {
		t.Errorf("UnmarshalText: %v, %v", l, err)
	}
	if b, _ := json.Marshal(LevelSubstantial); string(b) != `"substantial"` {
		t.Errorf("MarshalText: %s", b)
	}
}

func TestParseEvidenceAndAlgorithm(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Evidence
		ok   bool
	}{
		{"remote_face_match", EvidenceRemoteFaceMatch, true}, {"3", EvidenceInPersonDocument, true}, {"selfie", 0, false},
	} {
		got, err := ParseEvidence(tc.in)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("ParseEvidence(%q) = %v, %v", tc.in, got, err)
		}
	}
	for l, want := range map[Level]Evidence{LevelLow: EvidenceSelfAsserted, LevelSubstantial: EvidenceRemoteFaceMatch, LevelHigh: EvidenceInPersonDocument, 7: EvidenceNone} {
		if got := DefaultEvidence(l); got != want {
			t.Errorf("DefaultEvidence(%v) = %v, want %v", l, got, want)
		}
	}
	for in, want := range map[string]Algorithm{"ed25519": EdDSA, "EdDSA": EdDSA, "es256": ES256, "P-256": ES256} {
		if got, err := ParseAlgorithm(in); got != want || err != nil {
			t.Errorf("ParseAlgorithm(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"rs256", "none", "HS256", ""} {
		if _, err := ParseAlgorithm(in); !errors.Is(err, ErrUnsupportedAlgorithm) {
			t.Errorf("ParseAlgorithm(%q): %v, want ErrUnsupportedAlgorithm", in, err)
		}
	}
	if _, err := Algorithm("RS256").COSE(); err == nil {
		t.Error("COSE() of RS256 succeeded")
	}
}

func TestW3C(t *testing.T) {
	c := referenceClaims()
	c.ID = []byte{0xca, 0xfe}
	c.Subject = "did:example:123"
	doc := c.W3C("identity", map[string]any{"name": "王小明"}, KIDIssuer(testKID))
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	json.Unmarshal(b, &got)
	want := map[string]any{
		"id":             "urn:netcred:cti:cafe",
		"issuer":         "urn:netcred:kid:AQIDBAUGBwg",
		"validFrom":      "2026-11-26T09:00:00Z",
		"validUntil":     "2027-11-26T09:00:00Z",
		"assuranceLevel": "substantial",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %v, want %v", k, got[k], v)
		}
	}
	if types := got["type"].([]any); types[1] != "IdentityCredential" {
		t.Errorf("type: %v", types)
	}
	subject := got["credentialSubject"].(map[string]any)
	if subject["id"] != "did:example:123" || subject["name"] != "王小明" {
		t.Errorf("credentialSubject: %v", subject)
	}
	status := got["credentialStatus"].(map[string]any)
	if status["id"] != "https://id.gov.cn/s/3#734512" || status["type"] != "TokenStatusListEntry" {
		t.Errorf("credentialStatus: %v", status)
	}
	c.Issuer = "cn.gov.id"
	if doc := c.W3C("ticket", nil, "ignored"); doc.Issuer != "cn.gov.id" || doc.Type[1] != "TicketCredential" {
		t.Errorf("iss and type: %+v", doc)
	}
}

// TestUnmarshalClaimsRefuses signs hand-made payloads that break the claim
// rules and checks that they do not decode.
func TestUnmarshalClaimsRefuses(t *testing.T) {
	good, _ := referenceClaims().MarshalCBOR()
	for _, tc := range []struct {
		name    string
		payload []byte
	}{
		{"not a map", []byte{0x80}},
		{"no netcred claim", []byte{0xa2, 0x04, 0x1a, 0x70, 0, 0, 0, 0x06, 0x1a, 0x60, 0, 0, 0}},
		{"no iat", []byte{0xa2, 0x04, 0x1a, 0x70, 0, 0, 0, 0x3a, 0, 1, 0, 0, 0x85, 1, 1, 2, 2, 0xa0}},
		{"nbf before iat", []byte{0xa4, 0x04, 0x1a, 0x70, 0, 0, 0, 0x05, 0x1a, 0x50, 0, 0, 0, 0x06, 0x1a, 0x60, 0, 0, 0, 0x3a, 0, 1, 0, 0, 0x85, 1, 1, 2, 2, 0xa0}},
		{"exp before iat", []byte{0xa3, 0x04, 0x1a, 0x50, 0, 0, 0, 0x06, 0x1a, 0x60, 0, 0, 0, 0x3a, 0, 1, 0, 0, 0x85, 1, 1, 2, 2, 0xa0}},
		{"level 9", []byte{0xa3, 0x04, 0x1a, 0x70, 0, 0, 0, 0x06, 0x1a, 0x60, 0, 0, 0, 0x3a, 0, 1, 0, 0, 0x85, 1, 1, 9, 2, 0xa0}},
		{"negative exp", []byte{0xa3, 0x04, 0x20, 0x06, 0x1a, 0x60, 0, 0, 0, 0x3a, 0, 1, 0, 0, 0x85, 1, 1, 2, 2, 0xa0}},
		{"float iat", []byte{0xa3, 0x04, 0x1a, 0x70, 0, 0, 0, 0x06, 0xfb, 0x41, 0xd8, 0, 0, 0, 0, 0, 0, 0x3a, 0, 1, 0, 0, 0x85, 1, 1, 2, 2, 0xa0}},
		{"netcred claim of 4 items", []byte{0xa3, 0x04, 0x1a, 0x70, 0, 0, 0, 0x06, 0x1a, 0x60, 0, 0, 0, 0x3a, 0, 1, 0, 0, 0x84, 1, 1, 2, 2}},
		{"status_list without uri", append(append([]byte{}, good[:len(good)-0]...)[:0], []byte{0xa4, 0x04, 0x1a, 0x70, 0, 0, 0, 0x06, 0x1a, 0x60, 0, 0, 0, 0x19, 0xff, 0xff, 0xa1, 0x6b, 's', 't', 'a', 't', 'u', 's', '_', 'l', 'i', 's', 't', 0xa1, 0x63, 'i', 'd', 'x', 0x01, 0x3a, 0, 1, 0, 0, 0x85, 1, 1, 2, 2, 0xa0}...)},
		{"attribute with a text key", []byte{0xa3, 0x04, 0x1a, 0x70, 0, 0, 0, 0x06, 0x1a, 0x60, 0, 0, 0, 0x3a, 0, 1, 0, 0, 0x85, 1, 1, 2, 2, 0xa1, 0x61, 'a', 0x01}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c Claims
			if err := c.UnmarshalCBOR(tc.payload); !errors.Is(err, ErrMalformed) {
				t.Fatalf("UnmarshalCBOR: got %v, want ErrMalformed", err)
			}
		})
	}
}

// TestAttributeValues: every CBOR type an attribute may hold decodes as
// fxamacker/cbor would decode it into an interface.
func TestAttributeValues(t *testing.T) {
	for _, tc := range []struct {
		name string
		item []byte
		want any
	}{
		{"uint", []byte{0x18, 0x2a}, uint64(42)},
		{"negative", []byte{0x39, 0x1c, 0x89}, int64(-7306)},
		{"bytes", []byte{0x42, 1, 2}, []byte{1, 2}},
		{"text", []byte{0x62, 'h', 'i'}, "hi"},
		{"true", []byte{0xf5}, true},
		{"false", []byte{0xf4}, false},
		{"null", []byte{0xf6}, nil},
		{"array", []byte{0x82, 0x01, 0x02}, []any{uint64(1), uint64(2)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := attributeValue(tc.item)
			if err != nil {
				t.Fatal(err)
			}
			var ref any
			if err := decMode.Unmarshal(tc.item, &ref); err != nil {
				t.Fatal(err)
			}
			if g, w := jsonOf(got), jsonOf(tc.want); g != w || g != jsonOf(ref) {
				t.Errorf("got %s, want %s, fxamacker %s", g, w, jsonOf(ref))
			}
		})
	}
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestEvidenceSupports is the table of credential.md §4.5.
func TestEvidenceSupports(t *testing.T) {
	levels := []Level{LevelLow, LevelSubstantial, LevelHigh}
	// want[e][l]: does evidence e support level l?
	want := map[Evidence][3]bool{
		EvidenceNone:             {false, false, false},
		EvidenceSelfAsserted:     {true, false, false},
		EvidenceRemoteFaceMatch:  {true, true, false},
		EvidenceInPersonDocument: {true, true, true},
		Evidence(4):              {false, false, false},
	}
	for e, row := range want {
		for i, l := range levels {
			if got := e.Supports(l); got != row[i] {
				t.Errorf("%s supports %s: got %v, want %v", e, l, got, row[i])
			}
		}
		if e.Supports(Level(0)) || e.Supports(Level(4)) {
			t.Errorf("%s supports an undefined level", e)
		}
	}
}
