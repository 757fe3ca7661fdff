package httpapi

import (
	"bytes"
	"context"
	"crypto"
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/issuer/evidence"
	"github.com/netcred/netcred/issuer/store/bolt"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/status"
)

// storeService is a Server over the bbolt store and the real evaluator,
// with clients "app" (issue, substantial), "police" (issue, high) and
// "ops" (admin), and a registered terminal "desk-1".
type storeService struct {
	srv      *Server
	backend  *ServiceBackend
	ring     *KeyRing
	tokens   map[string]string
	terminal *keys.PrivateKey
	h        func(method, path, token, body string) *httptest.ResponseRecorder
}

func newStoreService(t testing.TB) *storeService {
	t.Helper()
	key, _ := keys.Generate(credential.EdDSA)
	st, err := bolt.Open(filepath.Join(t.TempDir(), "issuer.db"), bolt.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	opts := issuer.Options{BaseURI: "https://issuer.example/status/", ListSize: 1 << 12}
	svc, err := issuer.Open(st, issuer.New(key, nil), opts)
	if err != nil {
		t.Fatal(err)
	}
	ss := &storeService{tokens: map[string]string{}}
	for _, c := range []struct {
		name, scope string
		level       credential.Level
	}{{"app", issuer.ScopeIssue, credential.LevelSubstantial}, {"police", issuer.ScopeIssue, credential.LevelHigh}, {"ops", issuer.ScopeAdmin, credential.LevelHigh}} {
		tok, _, err := svc.AddClient(c.name, c.level, []string{"identity", "ticket"}, c.scope)
		if err != nil {
			t.Fatal(err)
		}
		ss.tokens[c.name] = tok
	}
	ss.terminal, _ = keys.Generate(credential.EdDSA)
	jwk, _ := ss.terminal.Public().MarshalJSON()
	if _, err := svc.AddTerminal("desk-1", jwk); err != nil {
		t.Fatal(err)
	}
	opts.BaseURI, opts.ListSize = "", 0
	ss.ring = NewKeyRing(key)
	ss.backend = NewServiceBackend(svc, ss.ring, ServiceOptions{Open: opts})
	t.Cleanup(func() { ss.backend.Close() })
	ss.srv, err = New(Options{Backend: ss.backend, Keys: ss.ring, Rate: -1, PublishDelay: 5 * time.Millisecond,
		Evaluator: EvidenceEvaluator{Evaluator: &evidence.Evaluator{Terminals: svc, Replay: svc}}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { ss.srv.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	ss.h = func(method, path, token, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+ss.tokens[token])
		}
		w := httptest.NewRecorder()
		ss.srv.Handler().ServeHTTP(w, req)
		return w
	}
	return ss
}

// attest returns a document_check item for claims, signed by the terminal
// at iat.
func (ss *storeService) attest(t testing.TB, claims string, iat time.Time) string {
	t.Helper()
	d, err := evidence.ClaimsDigest([]byte(claims))
	if err != nil {
		t.Fatal(err)
	}
	jws, err := evidence.SignAttestation(ss.terminal, evidence.Attestation{Terminal: "desk-1", IssuedAt: iat, ClaimsDigest: d})
	if err != nil {
		t.Fatal(err)
	}
	return `{"method":"document_check","terminal":"desk-1","attestation":"` + jws + `"}`
}

func TestServiceBackendPaths(t *testing.T) {
	ss := newStoreService(t)
	now := time.Now()
	fresh := ss.attest(t, identityClaims, now)
	replayed := ss.attest(t, identityClaims, now)
	if w := ss.h("POST", "/v1/credentials", "police", issueBodyJSON("high", replayed)); w.Code != 201 {
		t.Fatalf("terminal path: %d %s", w.Code, w.Body)
	}
	other := `{"name":"李四","id_number":"11010519491231002X","birth_date":"1949-12-31"}`
	tests := []struct {
		name, token, body string
		status            int
		code, field       string
	}{
		{"face match earns substantial", "app", issueBodyJSON("substantial", faceMatch), 201, "", ""},
		{"document check earns high", "police", issueBodyJSON("high", fresh), 201, "", ""},
		{"replayed attestation", "police", issueBodyJSON("high", replayed), 403, "attestation_replayed", "evidence[0]"},
		{"stale attestation", "police", issueBodyJSON("high", ss.attest(t, identityClaims, now.Add(-time.Hour))), 403, "attestation_stale", "evidence[0]"},
		{"attestation of other claims", "police", issueBodyJSON("high", ss.attest(t, other, now)), 403, "claims_digest_mismatch", "evidence[0]"},
		{"escaped method meets no digest", "police", issueBodyJSON("high", strings.Replace(ss.attest(t, identityClaims, now), "document_check", `document\u005fcheck`, 1)), 403, "claims_digest_mismatch", "evidence[0]"},
		{"no evidence for substantial", "app", issueBodyJSON("substantial"), 403, CodeEvidence, "evidence"},
		{"low face match score", "app", issueBodyJSON("substantial", `{"method":"face_match","score":0.5,"liveness":true}`), 403, "", "evidence[0]"},
		{"below the type's minimum", "app", issueBodyJSON("low"), 400, CodeLevelBelowMinimum, "level"},
		{"unknown type", "ops", `{"type":"passport","level":"low","claims":{}}`, 403, CodeTypeNotAllowed, "type"},
		{"claim the schema refuses", "app", `{"type":"identity","level":"substantial","claims":{"name":"x","id_number":"123","birth_date":"1949-12-31"},"evidence":[` + faceMatch + `]}`, 400, CodeInvalidClaims, "claims.id_number"},
		{"holder key", "app", `{"type":"identity","level":"substantial","claims":` + identityClaims + `,"evidence":[` + faceMatch + `],"holder_key":{"kty":"OKP","crv":"Ed25519","alg":"EdDSA","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}}`, 201, "", ""},
		{"holder key that is not a key", "app", `{"type":"identity","level":"substantial","claims":` + identityClaims + `,"evidence":[` + faceMatch + `],"holder_key":{"kty":"EC","crv":"P-256","alg":"ES256","x":"AA","y":"AA"}}`, 400, CodeInvalidField, "holder_key"},
		{"valid_for too long", "app", `{"type":"identity","level":"substantial","claims":` + identityClaims + `,"evidence":[` + faceMatch + `],"valid_for":"4000d"}`, 400, CodeInvalidField, "valid_for"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := ss.h("POST", "/v1/credentials", tt.token, tt.body)
			if w.Code != tt.status {
				t.Fatalf("status %d, body %s; want %d", w.Code, w.Body, tt.status)
			}
			if tt.status == 201 {
				return
			}
			code, field := errorOf(t, w)
			if (tt.code != "" && code != tt.code) || field != tt.field {
				t.Errorf("code %q field %q; want %q %q (%s)", code, field, tt.code, tt.field, w.Body)
			}
		})
	}
}

func TestServiceBackendStatus(t *testing.T) {
	ss := newStoreService(t)
	w := ss.h("POST", "/v1/credentials", "app", issueBodyJSON("substantial", faceMatch))
	var a issueAnswer
	if w.Code != 201 || json.Unmarshal(w.Body.Bytes(), &a) != nil {
		t.Fatalf("issue: %d %s", w.Code, w.Body)
	}
	if !strings.HasPrefix(a.ID, "1.") {
		t.Errorf("id %q; want 1.IDX", a.ID)
	}
	steps := []struct {
		action, token string
		status        int
		code          string
	}{
		{"suspend", "police", 403, CodeNotYours},
		{"reinstate", "app", 403, CodeNotYours}, // even a valid one: reinstating is for admins
		{"reinstate", "ops", 200, ""},           // no change
		{"suspend", "app", 200, ""},
		{"reinstate", "app", 403, CodeNotYours},
		{"reinstate", "ops", 200, ""},
		{"revoke", "app", 200, ""},
		{"revoke", "app", 200, ""},
		{"suspend", "ops", 409, CodeStatusConflict},
	}
	for _, s := range steps {
		w := ss.h("POST", "/v1/credentials/"+a.ID+"/"+s.action, s.token, `{"reason":"test"}`)
		if w.Code != s.status {
			t.Fatalf("%s by %s: %d %s; want %d", s.action, s.token, w.Code, w.Body, s.status)
		}
		if s.code != "" {
			if code, _ := errorOf(t, w); code != s.code {
				t.Errorf("%s by %s: code %q; want %q", s.action, s.token, code, s.code)
			}
		}
	}
	// Only the steps that changed something count: a reinstate of a valid
	// credential and the second revoke change nothing.
	metrics := ss.h("GET", "/metrics", "", "").Body.String()
	for _, want := range []string{"suspended", "valid", "revoked"} {
		if line := `netcred_status_changes_total{status="` + want + `"} 1` + "\n"; !strings.Contains(metrics, line) {
			t.Errorf("/metrics lacks %q", line)
		}
	}
	for _, id := range []string{"1.999999", "2.1", "x", "1.01x"} {
		if w := ss.h("GET", "/v1/credentials/"+id, "ops", ""); w.Code != 404 {
			t.Errorf("GET %s: %d; want 404", id, w.Code)
		}
	}
	w = ss.h("GET", "/v1/credentials/"+a.ID, "app", "")
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"value":"revoked"`) || !strings.Contains(w.Body.String(), `"method":"face_match"`) {
		t.Errorf("GET: %d %s", w.Code, w.Body)
	}
	if err := ss.srv.Republish(context.Background()); err != nil {
		t.Fatal(err)
	}
	tok := ss.list(t, ss.ring.Current())
	if got, _ := tok.List.Get(a.Status.Idx); got != status.Revoked {
		t.Errorf("published entry %d: %v; want revoked", a.Status.Idx, got)
	}
	// Idempotency through the store.
	body := issueBodyJSON("substantial", faceMatch)
	var answers []string
	for range 2 {
		req := httptest.NewRequest("POST", "/v1/credentials", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+ss.tokens["app"])
		req.Header.Set("Idempotency-Key", "order-17")
		w := httptest.NewRecorder()
		ss.srv.Handler().ServeHTTP(w, req)
		if w.Code != 201 {
			t.Fatalf("idempotent issue: %d %s", w.Code, w.Body)
		}
		answers = append(answers, w.Body.String())
	}
	if answers[0] != answers[1] {
		t.Errorf("retry answered %s; want the first answer %s", answers[1], answers[0])
	}
}

func (ss *storeService) list(t testing.TB, key *keys.PrivateKey) *status.Token {
	t.Helper()
	w := ss.h("GET", "/v1/status/1", "", "")
	if w.Code != 200 {
		t.Fatalf("GET /v1/status/1: %d", w.Code)
	}
	tok, err := status.ParseToken(w.Body.Bytes(), func(kid []byte) (credential.Algorithm, crypto.PublicKey, bool) {
		return key.Algorithm(), key.Public().Key(), bytes.Equal(kid, key.KID())
	})
	if err != nil {
		t.Fatalf("the published list does not verify with kid %s: %v", key.Public().KIDString(), err)
	}
	return tok
}

func TestServiceBackendRotate(t *testing.T) {
	ss := newStoreService(t)
	old := ss.ring.Current()
	if w := ss.h("POST", "/v1/credentials", "app", issueBodyJSON("substantial", faceMatch)); w.Code != 201 {
		t.Fatalf("issue: %d %s", w.Code, w.Body)
	}
	next, _ := keys.Generate(credential.EdDSA)
	if err := ss.backend.Rotate(next); err != nil {
		t.Fatal(err)
	}
	w := ss.h("POST", "/v1/credentials", "app", issueBodyJSON("substantial", faceMatch))
	var a issueAnswer
	if w.Code != 201 || json.Unmarshal(w.Body.Bytes(), &a) != nil {
		t.Fatalf("issue after rotation: %d %s", w.Code, w.Body)
	}
	cose, _ := credential.DecodeQR(a.QR)
	signed, err := credential.Parse(cose)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(signed.KID(), next.KID()) {
		t.Errorf("credential after rotation signed by kid %x; want the new key", signed.KID())
	}
	set, err := keys.ParseSet(ss.h("GET", "/v1/keys", "", "").Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if set.Lookup(old.KID()) == nil || set.Lookup(next.KID()) == nil {
		t.Error("the JWKS after rotation lacks the old or the new key")
	}
	if err := ss.srv.Republish(context.Background()); err != nil {
		t.Fatal(err)
	}
	ss.list(t, next)
}

// TestServiceIdempotency: through the store, requests with one key issue
// one credential, however concurrent, and a retry is answered before its
// used-once evidence is judged again; another body with the key is 409.
func TestServiceIdempotency(t *testing.T) {
	ss := newStoreService(t)
	body := issueBodyJSON("high", ss.attest(t, identityClaims, time.Now()))
	post := func(body, key string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/v1/credentials", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+ss.tokens["police"])
		req.Header.Set("Idempotency-Key", key)
		w := httptest.NewRecorder()
		ss.srv.Handler().ServeHTTP(w, req)
		return w
	}
	const n = 8
	answers := make([]*httptest.ResponseRecorder, n)
	var wg sync.WaitGroup
	for i := range answers {
		wg.Go(func() { answers[i] = post(body, "enroll-42") })
	}
	wg.Wait()
	replayed := 0
	for i, w := range answers {
		if w.Code != 201 || w.Body.String() != answers[0].Body.String() {
			t.Fatalf("request %d: %d %s; want 201 %s", i, w.Code, w.Body, answers[0].Body)
		}
		if w.Header().Get("Idempotent-Replayed") == "true" {
			replayed++
		}
	}
	if replayed != n-1 {
		t.Errorf("%d of %d answers replayed; want %d", replayed, n, n-1)
	}
	lists, err := ss.backend.Service().Lists()
	if err != nil {
		t.Fatal(err)
	}
	var a struct{ ID string }
	json.Unmarshal(answers[0].Body.Bytes(), &a)
	if w := ss.h("GET", "/v1/credentials/"+a.ID, "police", ""); w.Code != 200 {
		t.Errorf("GET of the idempotent credential: %d %s", w.Code, w.Body)
	}
	stored := 0
	ss.backend.Service().Store().View(func(tx issuer.Tx) error {
		for _, l := range lists {
			c, _ := tx.CountCredentials(l.Number)
			stored += c
		}
		return nil
	})
	if stored != 1 {
		t.Errorf("the store holds %d credentials for one key; want 1", stored)
	}
	if w := post(issueBodyJSON("substantial", faceMatch), "enroll-42"); w.Code != 409 || !strings.Contains(w.Body.String(), CodeIdempotencyReused) {
		t.Errorf("the key with another body: %d %s; want 409 %s", w.Code, w.Body, CodeIdempotencyReused)
	}
	// The answer is the one record format of spec/issuer.md §2.7.
	rec := idemRecord(t, ss, "police", "enroll-42")
	var once issuer.OnceAnswer
	if err := json.Unmarshal(rec.Response, &once); err != nil || once.ID == "" || once.QR == "" || once.Expires.IsZero() {
		t.Errorf("the idempotency record's response %s: %v; want an OnceAnswer", rec.Response, err)
	}
	if !rec.Expires.After(rec.Created) {
		t.Errorf("the idempotency record expires %v, created %v; want an expiry", rec.Expires, rec.Created)
	}
}

func idemRecord(t *testing.T, ss *storeService, client, key string) *issuer.IdempotencyRecord {
	t.Helper()
	var rec *issuer.IdempotencyRecord
	err := ss.backend.Service().Store().View(func(tx issuer.Tx) error {
		var err error
		rec, err = tx.Idempotency(client, key)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}
