package evidence

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/keys"
)

func TestEvaluateEarns(t *testing.T) {
	f := newFixture(t)
	doc1 := docItem(t, "police-01", f.attest(t, f.police1, nil))
	doc2 := docItem(t, "police-02", f.attest(t, f.police2, func(a *Attestation) { a.Terminal = "police-02"; a.IssuedAt = testNow }))
	tests := []struct {
		name     string
		items    []json.RawMessage
		level    credential.Level
		evidence credential.Evidence
		method   Method
		terminal string
		time     time.Time
		refused  []Code
	}{
		{"no evidence", nil, credential.LevelLow, credential.EvidenceSelfAsserted, "", "", testNow, nil},
		{"face match", []json.RawMessage{faceItem(t, 0.97, true)}, credential.LevelSubstantial, credential.EvidenceRemoteFaceMatch, MethodFaceMatch, "", testNow, nil},
		{"face match at the threshold", []json.RawMessage{faceItem(t, 0.9, true)}, credential.LevelSubstantial, credential.EvidenceRemoteFaceMatch, MethodFaceMatch, "", testNow, nil},
		{"document check, Ed25519 terminal", []json.RawMessage{doc1}, credential.LevelHigh, credential.EvidenceInPersonDocument, MethodDocumentCheck, "police-01", testNow.Add(-time.Minute), nil},
		{"document check, ES256 terminal", []json.RawMessage{faceItem(t, 0.5, true), doc2}, credential.LevelHigh, credential.EvidenceInPersonDocument, MethodDocumentCheck, "police-02", testNow, []Code{CodeScoreTooLow}},
		{"highest item wins", []json.RawMessage{faceItem(t, 0.99, true), json.RawMessage(`{}`), faceItem(t, 0.95, false)}, credential.LevelSubstantial, credential.EvidenceRemoteFaceMatch, MethodFaceMatch, "", testNow, []Code{CodeMalformed, CodeNoLiveness}},
		{"invalid items only", []json.RawMessage{faceItem(t, 0.2, true), json.RawMessage(`[]`)}, credential.LevelLow, credential.EvidenceSelfAsserted, "", "", testNow, []Code{CodeScoreTooLow, CodeMalformed}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := f.evaluate(t, tt.items...)
			if d.Level != tt.level || d.Evidence != tt.evidence || d.Method != tt.method || d.Terminal != tt.terminal || !d.Time.Equal(tt.time) {
				t.Errorf("got %s %s %q %q %s; want %s %s %q %q %s", d.Level, d.Evidence, d.Method, d.Terminal, d.Time, tt.level, tt.evidence, tt.method, tt.terminal, tt.time)
			}
			if !d.Evidence.Supports(d.Level) {
				t.Errorf("evidence %s does not support level %s", d.Evidence, d.Level)
			}
			if got := codes(d.Refused); fmt.Sprint(got) != fmt.Sprint(tt.refused) {
				t.Errorf("refused %v; want %v", got, tt.refused)
			}
			if (d.AttestationID != "") != (d.Method == MethodDocumentCheck) {
				t.Errorf("AttestationID %q for method %q", d.AttestationID, d.Method)
			}
		})
	}
}

func codes(errs []*Error) []Code {
	var c []Code
	for _, e := range errs {
		c = append(c, e.Code)
	}
	return c
}

// TestEvaluateRefuses has one case per refusal: each evidence item is
// refused with its code, earns nothing, and is what Permits names.
func TestEvaluateRefuses(t *testing.T) {
	f := newFixture(t)
	header := `{"alg":"EdDSA","typ":"netcred-attestation+jwt"}`
	payload := func(extra string) string {
		return fmt.Sprintf(`{"iss":"police-01","iat":%d,"jti":"j-1","claims_digest":"%s"%s}`, testNow.Add(-time.Minute).Unix(), f.digest, extra)
	}
	valid := f.attest(t, f.police1, nil)
	flip := map[bool]string{true: "B", false: "A"}[valid[len(valid)-10] == 'A']
	tamperedSig := valid[:len(valid)-10] + flip + valid[len(valid)-9:]
	parts := strings.Split(valid, ".")
	otherPayload := strings.Split(f.attest(t, f.police1, func(a *Attestation) { a.IssuedAt = testNow }), ".")[1]
	tests := []struct {
		name string
		item json.RawMessage
		code Code
	}{
		// face match
		{"score below threshold", faceItem(t, 0.8999, true), CodeScoreTooLow},
		{"score zero", faceItem(t, 0, true), CodeScoreTooLow},
		{"liveness false", faceItem(t, 0.99, false), CodeNoLiveness},
		{"face match without score", json.RawMessage(`{"method":"face_match","liveness":true}`), CodeMalformed},
		{"face match without liveness", json.RawMessage(`{"method":"face_match","score":0.95}`), CodeMalformed},
		{"face match with a terminal", json.RawMessage(`{"method":"face_match","score":0.95,"liveness":true,"terminal":"police-01"}`), CodeMalformed},
		{"score over 1", json.RawMessage(`{"method":"face_match","score":1.5,"liveness":true}`), CodeMalformed},
		{"negative score", json.RawMessage(`{"method":"face_match","score":-0.1,"liveness":true}`), CodeMalformed},
		{"score as a string", json.RawMessage(`{"method":"face_match","score":"0.95","liveness":true}`), CodeMalformed},
		{"liveness as a string", json.RawMessage(`{"method":"face_match","score":0.95,"liveness":"true"}`), CodeMalformed},
		{"liveness null", json.RawMessage(`{"method":"face_match","score":0.95,"liveness":null}`), CodeMalformed},
		{"unknown member", json.RawMessage(`{"method":"face_match","score":0.95,"liveness":true,"image":"..."}`), CodeMalformed},
		{"member in the wrong case", json.RawMessage(`{"method":"face_match","Score":0.95,"liveness":true}`), CodeMalformed},
		{"duplicate member", json.RawMessage(`{"method":"face_match","score":0.1,"score":0.95,"liveness":true}`), CodeMalformed},
		// any method
		{"no method", json.RawMessage(`{"score":0.95,"liveness":true}`), CodeMalformed},
		{"unknown method", json.RawMessage(`{"method":"selfie"}`), CodeMalformed},
		{"method in capitals", json.RawMessage(`{"method":"FACE_MATCH","score":0.95,"liveness":true}`), CodeMalformed},
		{"not an object", json.RawMessage(`"face_match"`), CodeMalformed},
		{"not JSON", json.RawMessage(`{"method":`), CodeMalformed},
		{"too large", json.RawMessage(`{"method":"document_check","terminal":"police-01","attestation":"` + strings.Repeat("A", MaxItemSize) + `"}`), CodeMalformed},
		// document check: the object
		{"document check without attestation", json.RawMessage(`{"method":"document_check","terminal":"police-01"}`), CodeMalformed},
		{"document check without terminal", json.RawMessage(`{"method":"document_check","attestation":"` + valid + `"}`), CodeMalformed},
		{"document check with a score", json.RawMessage(`{"method":"document_check","terminal":"police-01","attestation":"` + valid + `","score":1}`), CodeMalformed},
		{"empty attestation", docItem(t, "police-01", ""), CodeMalformed},
		{"bad terminal name", docItem(t, "police 01", valid), CodeMalformed},
		{"attestation over the size cap", docItem(t, "police-01", strings.Repeat("A", MaxAttestationSize+1)), CodeMalformed},
		// document check: terminal
		{"unknown terminal", docItem(t, "police-99", f.attest(t, f.stranger, func(a *Attestation) { a.Terminal = "police-99" })), CodeTerminalUnknown},
		{"signed by another terminal's key", docItem(t, "police-01", f.attest(t, f.stranger, nil)), CodeAttestationInvalid},
		{"signed by police-02 as police-01", docItem(t, "police-01", f.attest(t, f.police2, nil)), CodeAttestationInvalid},
		{"attestation names another terminal", docItem(t, "police-02", valid), CodeAttestationInvalid},
		// document check: time
		{"stale", docItem(t, "police-01", f.attest(t, f.police1, func(a *Attestation) { a.IssuedAt = testNow.Add(-5*time.Minute - 31*time.Second) })), CodeAttestationStale},
		{"an hour old", docItem(t, "police-01", f.attest(t, f.police1, func(a *Attestation) { a.IssuedAt = testNow.Add(-time.Hour) })), CodeAttestationStale},
		{"past its exp", docItem(t, "police-01", f.attest(t, f.police1, func(a *Attestation) { a.Expiry = testNow.Add(-31 * time.Second) })), CodeAttestationStale},
		{"future-dated", docItem(t, "police-01", f.attest(t, f.police1, func(a *Attestation) { a.IssuedAt = testNow.Add(31 * time.Second) })), CodeAttestationFuture},
		{"a day ahead", docItem(t, "police-01", f.attest(t, f.police1, func(a *Attestation) { a.IssuedAt = testNow.Add(24 * time.Hour) })), CodeAttestationFuture},
		// document check: claims
		{"digest of other claims", docItem(t, "police-01", f.attest(t, f.police1, func(a *Attestation) {
			a.ClaimsDigest = mustDigest(t, `{"name":"王小明","id_number":"110105194912310021","birth_date":"1949-12-31"}`)
		})), CodeDigestMismatch},
		{"digest of no claims", docItem(t, "police-01", f.attest(t, f.police1, func(a *Attestation) { a.ClaimsDigest = Digest{} })), CodeDigestMismatch},
		// document check: the JWS
		{"alg none", docItem(t, "police-01", rawJWS(`{"alg":"none","typ":"netcred-attestation+jwt"}`, payload(""), nil)), CodeAttestationInvalid},
		{"alg HS256 keyed with the public key", docItem(t, "police-01", hs256JWS(f.police1.Public(), `{"alg":"HS256","typ":"netcred-attestation+jwt"}`, payload(""))), CodeAttestationInvalid},
		{"alg ES256 on an Ed25519 key", docItem(t, "police-01", signedJWS(t, f.police1, `{"alg":"ES256","typ":"netcred-attestation+jwt"}`, payload(""))), CodeAttestationInvalid},
		{"no alg", docItem(t, "police-01", signedJWS(t, f.police1, `{"typ":"netcred-attestation+jwt"}`, payload(""))), CodeAttestationInvalid},
		{"tampered signature", docItem(t, "police-01", tamperedSig), CodeAttestationInvalid},
		{"tampered payload", docItem(t, "police-01", parts[0]+"."+otherPayload+"."+parts[2]), CodeAttestationInvalid},
		{"signature stripped", docItem(t, "police-01", parts[0]+"."+parts[1]+"."), CodeAttestationInvalid},
		{"two segments", docItem(t, "police-01", parts[0]+"."+parts[1]), CodeAttestationInvalid},
		{"padded base64url", docItem(t, "police-01", parts[0]+"."+parts[1]+"."+parts[2]+"=="), CodeAttestationInvalid},
		{"JSON serialization", docItem(t, "police-01", `{"payload":"`+parts[1]+`"}`), CodeAttestationInvalid},
		{"no typ", docItem(t, "police-01", signedJWS(t, f.police1, `{"alg":"EdDSA"}`, payload(""))), CodeAttestationInvalid},
		{"typ JWT", docItem(t, "police-01", signedJWS(t, f.police1, `{"alg":"EdDSA","typ":"JWT"}`, payload(""))), CodeAttestationInvalid},
		{"kid of another key", docItem(t, "police-01", signedJWS(t, f.police1, `{"alg":"EdDSA","typ":"netcred-attestation+jwt","kid":"`+f.stranger.Public().KIDString()+`"}`, payload(""))), CodeAttestationInvalid},
		{"header with crit", docItem(t, "police-01", signedJWS(t, f.police1, `{"alg":"EdDSA","typ":"netcred-attestation+jwt","crit":["exp"]}`, payload(""))), CodeAttestationInvalid},
		{"header with jwk", docItem(t, "police-01", signedJWS(t, f.police1, `{"alg":"EdDSA","typ":"netcred-attestation+jwt","jwk":{}}`, payload(""))), CodeAttestationInvalid},
		{"header with duplicate alg", docItem(t, "police-01", signedJWS(t, f.police1, `{"alg":"none","alg":"EdDSA","typ":"netcred-attestation+jwt"}`, payload(""))), CodeAttestationInvalid},
		{"claims with an unknown member", docItem(t, "police-01", signedJWS(t, f.police1, header, payload(`,"level":"high"`))), CodeAttestationInvalid},
		{"claims without jti", docItem(t, "police-01", signedJWS(t, f.police1, header, strings.Replace(payload(""), `"jti":"j-1",`, "", 1))), CodeAttestationInvalid},
		{"claims without iat", docItem(t, "police-01", signedJWS(t, f.police1, header, fmt.Sprintf(`{"iss":"police-01","jti":"j","claims_digest":"%s"}`, f.digest))), CodeAttestationInvalid},
		{"claims without claims_digest", docItem(t, "police-01", signedJWS(t, f.police1, header, fmt.Sprintf(`{"iss":"police-01","iat":%d,"jti":"j"}`, testNow.Unix()))), CodeAttestationInvalid},
		{"claims without iss", docItem(t, "police-01", signedJWS(t, f.police1, header, fmt.Sprintf(`{"iat":%d,"jti":"j","claims_digest":"%s"}`, testNow.Unix(), f.digest))), CodeAttestationInvalid},
		{"fractional iat", docItem(t, "police-01", signedJWS(t, f.police1, header, fmt.Sprintf(`{"iss":"police-01","iat":%d.5,"jti":"j","claims_digest":"%s"}`, testNow.Unix(), f.digest))), CodeAttestationInvalid},
		{"iat as a string", docItem(t, "police-01", signedJWS(t, f.police1, header, fmt.Sprintf(`{"iss":"police-01","iat":"%d","jti":"j","claims_digest":"%s"}`, testNow.Unix(), f.digest))), CodeAttestationInvalid},
		{"exp before iat", docItem(t, "police-01", signedJWS(t, f.police1, header, payload(fmt.Sprintf(`,"exp":%d`, testNow.Add(-2*time.Minute).Unix())))), CodeAttestationInvalid},
		{"empty jti", docItem(t, "police-01", signedJWS(t, f.police1, header, strings.Replace(payload(""), `"j-1"`, `""`, 1))), CodeAttestationInvalid},
		{"claims digest in hex", docItem(t, "police-01", signedJWS(t, f.police1, header, strings.Replace(payload(""), f.digest.String(), fmt.Sprintf("%x", f.digest[:]), 1))), CodeAttestationInvalid},
		{"claims as an array", docItem(t, "police-01", signedJWS(t, f.police1, header, `[]`)), CodeAttestationInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := f.replay.Len()
			d := f.evaluate(t, tt.item)
			if d.Level != credential.LevelLow || d.Method != "" || d.Evidence != credential.EvidenceSelfAsserted {
				t.Errorf("got %s by %q (%s); want low by no method", d.Level, d.Method, d.Evidence)
			}
			if len(d.Refused) != 1 || d.Refused[0].Code != tt.code || d.Refused[0].Index != 0 {
				t.Fatalf("refused %v; want one refusal of item 0 with %s", d.Refused, tt.code)
			}
			e := d.Refused[0]
			if !errors.Is(e, sentinels[tt.code]) {
				t.Errorf("%v does not wrap %v", e, sentinels[tt.code])
			}
			if !strings.HasPrefix(e.Error(), "evidence: ") || !strings.Contains(e.Error(), "evidence[0]") {
				t.Errorf("message %q; want it to start with evidence: and name evidence[0]", e.Error())
			}
			if strings.Contains(e.Error(), "0.8999") {
				t.Errorf("message %q repeats the score", e.Error())
			}
			level := credential.LevelHigh
			if strings.Contains(string(tt.item), "face_match") {
				level = credential.LevelSubstantial
			}
			err := d.Permits(level)
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("Permits(%s) = %v; want an *Error", level, err)
			}
			if want := tt.code; tt.code == CodeMalformed {
				// A malformed item's method is unknown: it would earn nothing.
				if pe.Code != CodeInsufficient {
					t.Errorf("Permits(%s) code %s; want %s", level, pe.Code, CodeInsufficient)
				}
			} else if pe.Code != want {
				t.Errorf("Permits(%s) code %s; want %s", level, pe.Code, want)
			}
			if err := d.Permits(credential.LevelLow); err != nil {
				t.Errorf("Permits(low) = %v; want nil", err)
			}
			if f.replay.Len() != before {
				t.Errorf("a refused attestation was recorded as used")
			}
		})
	}
}

func TestEvaluateBoundaries(t *testing.T) {
	f := newFixture(t)
	for _, tt := range []struct {
		name string
		edit func(*Attestation)
	}{
		{"max age plus skew", func(a *Attestation) { a.IssuedAt = testNow.Add(-5*time.Minute - 30*time.Second) }},
		{"skew ahead", func(a *Attestation) { a.IssuedAt = testNow.Add(30 * time.Second) }},
		{"exp plus skew", func(a *Attestation) {
			a.IssuedAt = testNow.Add(-time.Minute)
			a.Expiry = testNow.Add(-30 * time.Second)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := f.evaluate(t, docItem(t, "police-01", f.attest(t, f.police1, tt.edit)))
			if d.Level != credential.LevelHigh {
				t.Errorf("got %s, refused %v; want high", d.Level, d.Refused)
			}
		})
	}
}

func TestEvaluateReplay(t *testing.T) {
	f := newFixture(t)
	item := docItem(t, "police-01", f.attest(t, f.police1, nil))
	if d := f.evaluate(t, item); d.Level != credential.LevelHigh {
		t.Fatalf("first use: got %s, refused %v; want high", d.Level, d.Refused)
	}
	d := f.evaluate(t, item)
	if d.Level != credential.LevelLow || len(d.Refused) != 1 || d.Refused[0].Code != CodeAttestationReplayed {
		t.Fatalf("second use: got %s, refused %v; want low, attestation_replayed", d.Level, d.Refused)
	}
	if err := d.Permits(credential.LevelHigh); !errors.Is(err, ErrAttestationReplayed) {
		t.Errorf("Permits(high) = %v; want %v", err, ErrAttestationReplayed)
	}
	// Twice in one request: the second is a replay.
	other := docItem(t, "police-01", f.attest(t, f.police1, nil))
	d = f.evaluate(t, other, other)
	if d.Level != credential.LevelHigh || d.Index != 0 || fmt.Sprint(codes(d.Refused)) != "[attestation_replayed]" {
		t.Errorf("got %s from item %d, refused %v; want high from item 0, item 1 replayed", d.Level, d.Index, d.Refused)
	}
	// A re-encoded ECDSA signature (s -> n - s) is still the same jti.
}

func TestEvaluateReplayConcurrent(t *testing.T) {
	f := newFixture(t)
	item := docItem(t, "police-01", f.attest(t, f.police1, nil))
	var wg sync.WaitGroup
	var mu sync.Mutex
	high := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := f.ev.Evaluate(context.Background(), []json.RawMessage{item}, f.digest, testNow)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if d.Level == credential.LevelHigh {
				high++
			}
		}()
	}
	wg.Wait()
	if high != 1 {
		t.Errorf("%d evaluations earned high with one attestation; want 1", high)
	}
}

func TestEvaluateListAndFailures(t *testing.T) {
	f := newFixture(t)
	items := make([]json.RawMessage, MaxItems+1)
	for i := range items {
		items[i] = faceItem(t, 0.95, true)
	}
	_, err := f.ev.Evaluate(context.Background(), items, f.digest, testNow)
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeMalformed || e.Index != -1 {
		t.Errorf("%d items: got %v; want evidence_malformed for the list", len(items), err)
	}
	if _, err := f.ev.Evaluate(context.Background(), items[:MaxItems], f.digest, testNow); err != nil {
		t.Errorf("%d items: got %v; want nil", MaxItems, err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := f.ev.Evaluate(ctx, items[:1], f.digest, testNow); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: got %v; want context.Canceled", err)
	}

	doc := docItem(t, "police-01", f.attest(t, f.police1, nil))
	storeDown := errors.New("store down")
	for name, ev := range map[string]*Evaluator{
		"terminals fail": {Terminals: failingTerminals{storeDown}, Replay: f.replay},
		"replay fails":   {Terminals: f.terminals, Replay: failingReplay{storeDown}},
	} {
		_, err := ev.Evaluate(context.Background(), []json.RawMessage{doc}, f.digest, testNow)
		if !errors.Is(err, storeDown) || errors.As(err, &e) {
			t.Errorf("%s: got %v; want the store's error, not an *Error", name, err)
		}
	}
	if _, err := (&Evaluator{Terminals: f.terminals}).Evaluate(context.Background(), []json.RawMessage{doc}, f.digest, testNow); err == nil {
		t.Errorf("no Replay: got nil error; want one")
	}
	d, err := (&Evaluator{}).Evaluate(context.Background(), []json.RawMessage{doc}, f.digest, testNow)
	if err != nil || fmt.Sprint(codes(d.Refused)) != "[terminal_unknown]" {
		t.Errorf("no Terminals: got %v, %v; want terminal_unknown", codes(d.Refused), err)
	}
}

type failingTerminals struct{ err error }

func (f failingTerminals) TerminalKey(context.Context, string) (*keys.PublicKey, error) {
	return nil, f.err
}

type failingReplay struct{ err error }

func (f failingReplay) MarkUsed(context.Context, string, time.Time) (bool, error) {
	return false, f.err
}

func TestEvaluatePolicy(t *testing.T) {
	f := newFixture(t)
	strict, err := ParsePolicy([]byte(`{"face_match":{"level":"low","min_score":0.99}}`))
	if err != nil {
		t.Fatal(err)
	}
	ev := &Evaluator{Policy: strict, Terminals: f.terminals, Replay: f.replay}
	doc := docItem(t, "police-01", f.attest(t, f.police1, nil))
	d, err := ev.Evaluate(context.Background(), []json.RawMessage{faceItem(t, 0.995, true), faceItem(t, 0.95, true), doc}, f.digest, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if d.Level != credential.LevelLow || d.Method != MethodFaceMatch || d.Evidence != credential.EvidenceRemoteFaceMatch {
		t.Errorf("got %s by %q (%s); want low by face_match", d.Level, d.Method, d.Evidence)
	}
	if got := fmt.Sprint(codes(d.Refused)); got != "[face_match_score_too_low evidence_method_not_accepted]" {
		t.Errorf("refused %s; want a low score and a method not accepted", got)
	}
	// The document check could have earned substantial, had the policy
	// accepted it: that is the reason named.
	if err := d.Permits(credential.LevelSubstantial); !errors.Is(err, ErrNotAccepted) {
		t.Errorf("Permits(substantial) = %v; want %v", err, ErrNotAccepted)
	}
	if f.replay.Len() != 0 {
		t.Errorf("an attestation the policy does not accept was recorded as used")
	}

	longer, err := ParsePolicy([]byte(`{"document_check":{"level":"high","max_age_seconds":900,"clock_skew_seconds":0}}`))
	if err != nil {
		t.Fatal(err)
	}
	ev = &Evaluator{Policy: longer, Terminals: f.terminals, Replay: f.replay}
	for _, tt := range []struct {
		age  time.Duration
		want credential.Level
	}{{14 * time.Minute, credential.LevelHigh}, {15*time.Minute + time.Second, credential.LevelLow}, {-time.Second, credential.LevelLow}} {
		item := docItem(t, "police-01", f.attest(t, f.police1, func(a *Attestation) { a.IssuedAt = testNow.Add(-tt.age) }))
		d, err := ev.Evaluate(context.Background(), []json.RawMessage{item}, f.digest, testNow)
		if err != nil || d.Level != tt.want {
			t.Errorf("age %s: got %s (%v, %v); want %s", tt.age, d.Level, d.Refused, err, tt.want)
		}
	}
}

func TestPermits(t *testing.T) {
	f := newFixture(t)
	stale := docItem(t, "police-01", f.attest(t, f.police1, func(a *Attestation) { a.IssuedAt = testNow.Add(-time.Hour) }))
	d := f.evaluate(t, faceItem(t, 0.2, true), stale, faceItem(t, 0.95, true))
	if d.Level != credential.LevelSubstantial {
		t.Fatalf("got %s; want substantial", d.Level)
	}
	for _, tt := range []struct {
		level credential.Level
		want  error
	}{
		{credential.LevelLow, nil},
		{credential.LevelSubstantial, nil},
		{credential.LevelHigh, ErrAttestationStale},
	} {
		if err := d.Permits(tt.level); !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Errorf("Permits(%s) = %v; want %v", tt.level, err, tt.want)
		}
	}
	d = f.evaluate(t, faceItem(t, 0.95, true))
	err := d.Permits(credential.LevelHigh)
	if !errors.Is(err, ErrInsufficient) || err.Error() != "evidence: evidence insufficient for the level: the evidence earns substantial, not high" {
		t.Errorf("Permits(high) = %v; want evidence_insufficient naming both levels", err)
	}
}
