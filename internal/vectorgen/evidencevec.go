package main

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/netcred/netcred/internal/jws"
	"github.com/netcred/netcred/issuer/evidence"
	"github.com/netcred/netcred/keys"
)

// EvidenceVector is one case of spec/evidence.md §8: kind "digest" digests
// ClaimsJSON; kind "evaluate" evaluates Evidence (each item's exact JSON
// bytes, as a string) for ClaimsJSON at At, with Terminals registered,
// under PolicyJSON (the built-in policy when absent), with no attestation
// used before.
type EvidenceVector struct {
	Name       string                     `json:"name"`
	Comment    string                     `json:"comment"`
	Kind       string                     `json:"kind"`
	ClaimsJSON string                     `json:"claims_json"`
	PolicyJSON string                     `json:"policy_json,omitempty"`
	Terminals  map[string]json.RawMessage `json:"terminals,omitempty"`
	At         string                     `json:"at,omitempty"`
	Evidence   []string                   `json:"evidence,omitempty"`
	Expect     EvidenceExpect             `json:"expect"`
}

// EvidenceExpect is a vector's expected result. For a digest vector:
// Canonical and Digest, or Error ("claims": refused). For an evaluate
// vector: the decision (Level, Evidence, Method, Terminal, Time, Refused)
// and, per level, what a request at that level gets (Permits: "ok" or a
// reason code); or Error, a reason code for the list as a whole.
type EvidenceExpect struct {
	Canonical string            `json:"canonical,omitempty"`
	Digest    string            `json:"digest,omitempty"`
	Error     string            `json:"error,omitempty"`
	Level     string            `json:"level,omitempty"`
	Evidence  string            `json:"evidence,omitempty"`
	Method    string            `json:"method,omitempty"`
	Terminal  string            `json:"terminal,omitempty"`
	Time      string            `json:"time,omitempty"`
	Refused   []EvidenceRefusal `json:"refused,omitempty"`
	Permits   map[string]string `json:"permits,omitempty"`
}

// EvidenceRefusal is a refused evidence item.
type EvidenceRefusal struct {
	Index int    `json:"index"`
	Code  string `json:"code"`
}

// Kinds of evidence vectors.
const (
	evidenceKindDigest   = "digest"
	evidenceKindEvaluate = "evaluate"
)

// RandomizedEvidenceVectors are the evidence vectors with ES256
// signatures, whose bytes change on every run.
var RandomizedEvidenceVectors = map[string]bool{"document_check_es256": true}

// evidenceAt is when the evaluate vectors are evaluated.
var evidenceAt = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// evidenceClaims are the request's claims in the evaluate vectors.
const evidenceClaims = `{"name":"王小明","id_number":"11010519491231002X","birth_date":"1949-12-31"}`

// GenerateEvidence returns the vectors of spec/evidence.md §8.
func GenerateEvidence() ([]EvidenceVector, error) {
	var out []EvidenceVector
	digestCase := func(name, comment, claims, canonical string) {
		v := EvidenceVector{Name: name, Comment: comment, Kind: evidenceKindDigest, ClaimsJSON: claims}
		if canonical == "" {
			v.Expect.Error = "claims"
		} else {
			d, err := evidence.ClaimsDigest([]byte(claims))
			if err != nil {
				panic(fmt.Sprintf("%s: %v", name, err))
			}
			v.Expect.Canonical, v.Expect.Digest = canonical, d.String()
		}
		out = append(out, v)
	}
	digestCase("digest_identity", "the reference identity claims; the digest is SHA-256 of the canonical UTF-8 bytes, unpadded base64url",
		evidenceClaims, `{"birth_date":"1949-12-31","id_number":"11010519491231002X","name":"王小明"}`)
	digestCase("digest_respelled", "the same claims in another order, with white space and escapes: the same canonical form and digest",
		" {\n  \"id_number\" : \"11010519491231002\\u0058\",\n  \"name\": \"\\u738b\\u5c0f\\u660e\",\n  \"birth_date\": \"1949-12-31\"\n}\n",
		`{"birth_date":"1949-12-31","id_number":"11010519491231002X","name":"王小明"}`)
	digestCase("digest_numbers", "numbers are written as ECMAScript does (RFC 8785 §3.2.2.3): 1.0 is 1, -0 is 0, 1e2 is 100, 1e-7 stays in exponent form",
		`{"a":1.0,"b":-0,"c":1e2,"d":0.000001,"e":1e-7,"f":-1.5,"g":9007199254740991}`,
		`{"a":1,"b":0,"c":100,"d":0.000001,"e":1e-7,"f":-1.5,"g":9007199254740991}`)
	digestCase("digest_sort_utf16", "members are sorted by their names as UTF-16 code units, so U+1F600 (a surrogate pair, D83D) sorts before U+FB33",
		`{"\ufb33":1,"\ud83d\ude00":2,"\u20ac":3,"1":4,"\r":5,"\u0080":6}`,
		"{\"\\r\":5,\"1\":4,\"\u0080\":6,\"€\":3,\"😀\":2,\"\ufb33\":1}")
	digestCase("digest_strings", "strings keep every character as UTF-8 except \", \\ and the controls: \\b \\t \\n \\f \\r, \\u00xx (lower case) for the others; / and U+2028 are not escaped",
		`{"s":"\/\u2028\u0007\t\"\\é"}`, "{\"s\":\"/\u2028\\u0007\\t\\\"\\\\é\"}")
	digestCase("digest_nested", "arrays keep their order; nested objects are sorted too; null, true and false are written as such",
		`{"b":[3,{"y":null,"x":true}],"a":{"d":false,"c":[]}}`, `{"a":{"c":[],"d":false},"b":[3,{"x":true,"y":null}]}`)
	for _, bad := range []struct{ name, comment, claims string }{
		{"digest_refused_duplicate", "a member twice (here once escaped): refused, as two readers could see two claims", `{"name":"A","n\u0061me":"B"}`},
		{"digest_refused_big_integer", "an integer beyond 2^53 - 1: refused, as IEEE 754 doubles cannot tell it from its neighbour", `{"employee_no":9007199254740993}`},
		{"digest_refused_not_object", "the claims are an object", `["name","王小明"]`},
		{"digest_refused_lone_surrogate", "a lone surrogate escape: refused", `{"name":"\ud800"}`},
	} {
		digestCase(bad.name, bad.comment, bad.claims, "")
	}

	police1, err := keys.NewPrivateKey(fixedEd25519("terminal police-01"))
	if err != nil {
		return nil, err
	}
	police2, err := keys.NewPrivateKey(fixedP256("terminal police-02"))
	if err != nil {
		return nil, err
	}
	stranger, err := keys.NewPrivateKey(fixedEd25519("terminal stranger"))
	if err != nil {
		return nil, err
	}
	jwk := func(k *keys.PrivateKey) json.RawMessage {
		b, err := json.Marshal(k.Public())
		if err != nil {
			panic(err)
		}
		return b
	}
	terminals := map[string]json.RawMessage{"police-01": jwk(police1), "police-02": jwk(police2)}
	digest, err := evidence.ClaimsDigest([]byte(evidenceClaims))
	if err != nil {
		return nil, err
	}
	n := 0
	attest := func(key *keys.PrivateKey, edit func(*evidence.Attestation)) string {
		n++
		a := evidence.Attestation{Terminal: "police-01", IssuedAt: evidenceAt.Add(-time.Minute), ClaimsDigest: digest, ID: fmt.Sprintf("vector-%02d", n)}
		if edit != nil {
			edit(&a)
		}
		s, err := evidence.SignAttestation(key, a)
		if err != nil {
			panic(err)
		}
		return s
	}
	item := func(terminal, attestation string) json.RawMessage {
		b, err := json.Marshal(evidence.Item{Method: evidence.MethodDocumentCheck, Terminal: terminal, Attestation: attestation})
		if err != nil {
			panic(err)
		}
		return b
	}
	face := func(s string) json.RawMessage { return json.RawMessage(s) }
	enc := base64.RawURLEncoding
	signRaw := func(key *keys.PrivateKey, header, payload string) string {
		b, err := jwsSign(header, payload, key)
		if err != nil {
			panic(err)
		}
		return b
	}
	payload := func(extra string) string {
		return fmt.Sprintf(`{"iss":"police-01","iat":%d,"jti":"vector-raw","claims_digest":"%s"%s}`, evidenceAt.Add(-time.Minute).Unix(), digest, extra)
	}
	const header = `{"alg":"EdDSA","typ":"netcred-attestation+jwt"}`
	at := evidenceAt.Format(time.RFC3339)
	low := map[string]string{"low": "ok", "substantial": "evidence_insufficient", "high": "evidence_insufficient"}
	highBlocked := func(code string) map[string]string {
		return map[string]string{"low": "ok", "substantial": code, "high": code}
	}
	subst := map[string]string{"low": "ok", "substantial": "ok", "high": "evidence_insufficient"}
	high := map[string]string{"low": "ok", "substantial": "ok", "high": "ok"}
	eval := func(name, comment string, items []json.RawMessage, expect EvidenceExpect) {
		v := EvidenceVector{Name: name, Comment: comment, Kind: evidenceKindEvaluate, ClaimsJSON: evidenceClaims,
			Terminals: terminals, At: at, Expect: expect}
		for _, it := range items {
			v.Evidence = append(v.Evidence, string(it))
		}
		out = append(out, v)
	}
	none := func(permits map[string]string, refused ...EvidenceRefusal) EvidenceExpect {
		return EvidenceExpect{Level: "low", Evidence: "self_asserted", Time: at, Refused: refused, Permits: permits}
	}
	docHigh := func(terminal string, t time.Time, refused ...EvidenceRefusal) EvidenceExpect {
		return EvidenceExpect{Level: "high", Evidence: "in_person_document", Method: "document_check", Terminal: terminal, Time: t.Format(time.RFC3339), Refused: refused, Permits: high}
	}
	faceSubst := func(refused ...EvidenceRefusal) EvidenceExpect {
		return EvidenceExpect{Level: "substantial", Evidence: "remote_face_match", Method: "face_match", Time: at, Refused: refused, Permits: subst}
	}
	r := func(i int, code evidence.Code) EvidenceRefusal { return EvidenceRefusal{Index: i, Code: string(code)} }

	eval("evaluate_no_evidence", "no evidence earns low, self-asserted", nil, none(low))
	eval("face_match_valid", "a face match with liveness at 0.97 earns substantial; the credential says remote_face_match",
		[]json.RawMessage{face(`{"method":"face_match","score":0.97,"liveness":true}`)}, faceSubst())
	eval("face_match_at_threshold", "a score equal to the threshold (0.9) passes",
		[]json.RawMessage{face(`{"method":"face_match","score":0.9,"liveness":true}`)}, faceSubst())
	eval("face_match_score_too_low", "a score below the threshold earns nothing",
		[]json.RawMessage{face(`{"method":"face_match","score":0.89,"liveness":true}`)}, none(map[string]string{"low": "ok", "substantial": "face_match_score_too_low", "high": "evidence_insufficient"}, r(0, evidence.CodeScoreTooLow)))
	eval("face_match_liveness_failed", "a face match whose liveness check failed earns nothing, whatever its score",
		[]json.RawMessage{face(`{"method":"face_match","score":0.99,"liveness":false}`)}, none(map[string]string{"low": "ok", "substantial": "face_match_liveness_failed", "high": "evidence_insufficient"}, r(0, evidence.CodeNoLiveness)))
	for _, m := range []struct{ name, comment, obj string }{
		{"malformed_face_match_no_liveness", "a face match needs liveness", `{"method":"face_match","score":0.97}`},
		{"malformed_face_match_extra_member", "a member the method does not have (here a terminal's)", `{"method":"face_match","score":0.97,"liveness":true,"terminal":"police-01"}`},
		{"malformed_unknown_member", "unknown members are refused (a portrait is never sent)", `{"method":"face_match","score":0.97,"liveness":true,"portrait":"..."}`},
		{"malformed_score_string", "a score is a JSON number", `{"method":"face_match","score":"0.97","liveness":true}`},
		{"malformed_score_over_one", "a score is in [0, 1]", `{"method":"face_match","score":97,"liveness":true}`},
		{"malformed_unknown_method", "an unknown method", `{"method":"fingerprint","score":0.97}`},
		{"malformed_null", "null is refused anywhere", `{"method":"face_match","score":0.97,"liveness":null}`},
		{"malformed_duplicate", "a member twice", `{"method":"face_match","score":0.1,"liveness":true,"score":0.97}`},
		{"malformed_document_check_no_attestation", "a document check needs an attestation", `{"method":"document_check","terminal":"police-01"}`},
	} {
		eval(m.name, m.comment+": evidence_malformed", []json.RawMessage{face(m.obj)}, none(low, r(0, evidence.CodeMalformed)))
	}

	eval("document_check_valid", "a document check attested a minute ago by registered terminal police-01 (Ed25519) over these claims earns high; the time is the attestation's iat",
		[]json.RawMessage{item("police-01", attest(police1, nil))}, docHigh("police-01", evidenceAt.Add(-time.Minute)))
	eval("document_check_es256", "an ES256 terminal (police-02)",
		[]json.RawMessage{item("police-02", attest(police2, func(a *evidence.Attestation) { a.Terminal = "police-02" }))}, docHigh("police-02", evidenceAt.Add(-time.Minute)))
	eval("document_check_with_exp", "an exp in the future is honoured",
		[]json.RawMessage{item("police-01", attest(police1, func(a *evidence.Attestation) { a.Expiry = evidenceAt.Add(time.Minute) }))}, docHigh("police-01", evidenceAt.Add(-time.Minute)))
	twice := item("police-01", attest(police1, nil))
	eval("document_check_replayed", "one attestation twice in a request: the first earns high, the second is a replay (an attestation is used once, across all requests)",
		[]json.RawMessage{twice, twice}, docHigh("police-01", evidenceAt.Add(-time.Minute), r(1, evidence.CodeAttestationReplayed)))
	eval("document_check_max_age_edge", "issued max_age + clock_skew (5m30s) ago: still fresh",
		[]json.RawMessage{item("police-01", attest(police1, func(a *evidence.Attestation) { a.IssuedAt = evidenceAt.Add(-5*time.Minute - 30*time.Second) }))}, docHigh("police-01", evidenceAt.Add(-5*time.Minute-30*time.Second)))
	eval("document_check_future_edge", "issued clock_skew (30s) in the future: accepted",
		[]json.RawMessage{item("police-01", attest(police1, func(a *evidence.Attestation) { a.IssuedAt = evidenceAt.Add(30 * time.Second) }))}, docHigh("police-01", evidenceAt.Add(30*time.Second)))
	refusedDoc := func(name, comment, attestation string, code evidence.Code, terminal ...string) {
		term := "police-01"
		if len(terminal) > 0 {
			term = terminal[0]
		}
		eval(name, comment, []json.RawMessage{item(term, attestation)}, none(highBlocked(string(code)), r(0, code)))
	}
	refusedDoc("document_check_stale", "issued 5m31s ago, over max_age + clock_skew",
		attest(police1, func(a *evidence.Attestation) { a.IssuedAt = evidenceAt.Add(-5*time.Minute - 31*time.Second) }), evidence.CodeAttestationStale)
	refusedDoc("document_check_expired", "past its exp by more than the clock skew",
		attest(police1, func(a *evidence.Attestation) {
			a.IssuedAt = evidenceAt.Add(-2 * time.Minute)
			a.Expiry = evidenceAt.Add(-31 * time.Second)
		}), evidence.CodeAttestationStale)
	refusedDoc("document_check_future_dated", "issued 31s in the future, more than the clock skew",
		attest(police1, func(a *evidence.Attestation) { a.IssuedAt = evidenceAt.Add(31 * time.Second) }), evidence.CodeAttestationFuture)
	refusedDoc("document_check_terminal_unknown", "a terminal no one registered",
		attest(stranger, func(a *evidence.Attestation) { a.Terminal = "police-99" }), evidence.CodeTerminalUnknown, "police-99")
	refusedDoc("document_check_wrong_key", "signed by a key that is not police-01's, naming police-01",
		attest(stranger, nil), evidence.CodeAttestationInvalid)
	refusedDoc("document_check_iss_mismatch", "the evidence names police-02, the attestation (by police-01) names police-01",
		attest(police1, nil), evidence.CodeAttestationInvalid, "police-02")
	refusedDoc("document_check_claims_digest_mismatch", "the attestation covers other claims (another id_number)",
		attest(police1, func(a *evidence.Attestation) {
			d, _ := evidence.ClaimsDigest([]byte(`{"name":"王小明","id_number":"110105194912310021","birth_date":"1949-12-31"}`))
			a.ClaimsDigest = d
		}), evidence.CodeDigestMismatch)
	refusedDoc("document_check_alg_none", "alg none, no signature",
		enc.EncodeToString([]byte(`{"alg":"none","typ":"netcred-attestation+jwt"}`))+"."+enc.EncodeToString([]byte(payload("")))+".", evidence.CodeAttestationInvalid)
	refusedDoc("document_check_alg_hs256", "alg HS256 (an HMAC keyed with the terminal's public key would verify in a naive verifier)",
		hs256(`{"alg":"HS256","typ":"netcred-attestation+jwt"}`, payload(""), police1), evidence.CodeAttestationInvalid)
	valid := attest(police1, nil)
	i := strings.LastIndexByte(valid, '.') + 5
	tampered := valid[:i] + map[bool]string{true: "B", false: "A"}[valid[i] == 'A'] + valid[i+1:]
	refusedDoc("document_check_tampered_signature", "one signature character changed", tampered, evidence.CodeAttestationInvalid)
	refusedDoc("document_check_typ_jwt", "typ JWT, not netcred-attestation+jwt",
		signRaw(police1, `{"alg":"EdDSA","typ":"JWT"}`, payload("")), evidence.CodeAttestationInvalid)
	refusedDoc("document_check_header_crit", "a header member other than alg, typ and kid",
		signRaw(police1, `{"alg":"EdDSA","typ":"netcred-attestation+jwt","crit":["exp"]}`, payload("")), evidence.CodeAttestationInvalid)
	refusedDoc("document_check_claims_unknown_member", "a claim the profile does not have",
		signRaw(police1, header, payload(`,"level":"high"`)), evidence.CodeAttestationInvalid)
	refusedDoc("document_check_no_jti", "no jti: it could not be used once",
		signRaw(police1, header, strings.Replace(payload(""), `"jti":"vector-raw",`, "", 1)), evidence.CodeAttestationInvalid)
	refusedDoc("document_check_kid_mismatch", "a kid that is not the terminal key's kid",
		signRaw(police1, `{"alg":"EdDSA","typ":"netcred-attestation+jwt","kid":"`+stranger.Public().KIDString()+`"}`, payload("")), evidence.CodeAttestationInvalid)
	refusedDoc("document_check_alg_es256_on_ed25519_key", "alg ES256 in the header, the terminal's key is Ed25519",
		signRaw(police1, `{"alg":"ES256","typ":"netcred-attestation+jwt"}`, payload("")), evidence.CodeAttestationInvalid)
	refusedDoc("document_check_exp_not_after_iat", "exp equal to iat",
		signRaw(police1, header, payload(fmt.Sprintf(`,"exp":%d`, evidenceAt.Add(-time.Minute).Unix()))), evidence.CodeAttestationInvalid)
	refusedDoc("document_check_iat_fraction", "a fractional iat",
		signRaw(police1, header, strings.Replace(payload(""), fmt.Sprintf(`"iat":%d`, evidenceAt.Add(-time.Minute).Unix()), fmt.Sprintf(`"iat":%d.5`, evidenceAt.Add(-time.Minute).Unix()), 1)), evidence.CodeAttestationInvalid)
	refusedDoc("document_check_padded_base64url", "a signature segment with base64 padding",
		valid+"==", evidence.CodeAttestationInvalid)
	eval("document_check_raw_valid", "the smallest valid attestation: header alg and typ only, claims iss, iat, jti and claims_digest",
		[]json.RawMessage{item("police-01", signRaw(police1, header, payload("")))}, docHigh("police-01", evidenceAt.Add(-time.Minute)))

	stale := item("police-01", attest(police1, func(a *evidence.Attestation) { a.IssuedAt = evidenceAt.Add(-time.Hour) }))
	eval("evaluate_highest_wins", "several items: the level is the highest a valid item earns; each invalid item is reported; a request at high is refused naming the stale attestation",
		[]json.RawMessage{face(`{"method":"face_match","score":0.5,"liveness":true}`), stale, face(`{"method":"face_match","score":0.95,"liveness":true}`), face(`{}`)},
		EvidenceExpect{Level: "substantial", Evidence: "remote_face_match", Method: "face_match", Time: at,
			Refused: []EvidenceRefusal{r(0, evidence.CodeScoreTooLow), r(1, evidence.CodeAttestationStale), r(3, evidence.CodeMalformed)},
			Permits: map[string]string{"low": "ok", "substantial": "ok", "high": "attestation_stale"}})
	nine := make([]json.RawMessage, evidence.MaxItems+1)
	for i := range nine {
		nine[i] = face(`{"method":"face_match","score":0.97,"liveness":true}`)
	}
	eval("evaluate_too_many_items", "more than 8 items: the list is refused as a whole", nine, EvidenceExpect{Error: string(evidence.CodeMalformed)})

	withPolicy := func(name, comment, policy string, items []json.RawMessage, expect EvidenceExpect) {
		eval(name, comment, items, expect)
		out[len(out)-1].PolicyJSON = policy
	}
	withPolicy("policy_face_match_only", "a policy without document_check: a document check is not accepted",
		`{"face_match":{"level":"substantial","min_score":0.9}}`,
		[]json.RawMessage{item("police-01", attest(police1, nil))}, none(highBlocked(string(evidence.CodeNotAccepted)), r(0, evidence.CodeNotAccepted)))
	withPolicy("policy_min_score", "a policy with min_score 0.95 refuses 0.93",
		`{"face_match":{"level":"substantial","min_score":0.95}}`,
		[]json.RawMessage{face(`{"method":"face_match","score":0.93,"liveness":true}`)}, none(map[string]string{"low": "ok", "substantial": "face_match_score_too_low", "high": "evidence_insufficient"}, r(0, evidence.CodeScoreTooLow)))
	withPolicy("policy_short_max_age", "a policy with max_age_seconds 60 and no skew refuses an attestation of 61 seconds",
		`{"document_check":{"level":"high","max_age_seconds":60,"clock_skew_seconds":0}}`,
		[]json.RawMessage{item("police-01", attest(police1, func(a *evidence.Attestation) { a.IssuedAt = evidenceAt.Add(-61 * time.Second) }))}, none(highBlocked(string(evidence.CodeAttestationStale)), r(0, evidence.CodeAttestationStale)))
	return out, nil
}

// jwsSign signs a JWS of the given header and payload JSON.
func jwsSign(header, payload string, key *keys.PrivateKey) (string, error) {
	b, err := jws.Sign([]byte(header), []byte(payload), key)
	return string(b), err
}

// hs256 is a JWS "signed" with HMAC-SHA256 keyed with the terminal's
// public key bytes: what an algorithm-confusion attack sends.
func hs256(header, payload string, key *keys.PrivateKey) string {
	enc := base64.RawURLEncoding
	input := enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(payload))
	m := hmac.New(sha256.New, key.Public().Key().(ed25519.PublicKey))
	m.Write([]byte(input))
	return input + "." + enc.EncodeToString(m.Sum(nil))
}
