package httpapi

import (
	"bytes"
	"context"
	"crypto"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/status"
)

const (
	identityClaims = `{"name":"张三","id_number":"11010519491231002X","birth_date":"1949-12-31"}`
	faceMatch      = `{"method":"face_match","score":0.97,"liveness":true}`
	docCheck       = `{"method":"document_check","terminal":"desk-1","attestation":"x.y.z"}`
)

func issueBodyJSON(level string, evidence ...string) string {
	return `{"type":"identity","level":"` + level + `","claims":` + identityClaims + `,"evidence":[` + strings.Join(evidence, ",") + `]}`
}

type testService struct {
	srv  *Server
	fake *fakeBackend
	ring *KeyRing
	logs *bytes.Buffer
	h    http.Handler
}

func newTestService(t testing.TB, o Options) *testService {
	t.Helper()
	key, err := keys.Generate(credential.EdDSA)
	if err != nil {
		t.Fatal(err)
	}
	ring := NewKeyRing(key)
	fake := newFake(ring)
	fake.addClient("tok-miniapp", &Client{Name: "miniapp", MaxLevel: credential.LevelSubstantial, Types: []string{"identity"}})
	fake.addClient("tok-police", &Client{Name: "police", MaxLevel: credential.LevelHigh, Types: []string{"identity", "ticket"}})
	fake.addClient("tok-admin", &Client{Name: "ops", MaxLevel: credential.LevelLow, Types: []string{"ticket"}, Admin: true})
	logs := &bytes.Buffer{}
	o.Backend, o.Keys, o.Evaluator = fake, ring, fakeEval{}
	var mu sync.Mutex
	o.Logger = slog.New(slog.NewJSONHandler(lockedWriter{&mu, logs}, nil))
	o.PublishDelay = 10 * time.Millisecond
	srv, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { srv.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	if err := srv.Republish(ctx); err != nil {
		t.Fatal(err)
	}
	return &testService{srv: srv, fake: fake, ring: ring, logs: logs, h: srv.Handler()}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (ts *testService) do(t testing.TB, method, path, token, body string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	ts.h.ServeHTTP(w, req)
	return w
}

// issue issues a credential and returns its answer.
func (ts *testService) issue(t testing.TB, token, body string) issueAnswer {
	t.Helper()
	w := ts.do(t, "POST", "/v1/credentials", token, body)
	if w.Code != 201 {
		t.Fatalf("POST /v1/credentials: status %d, body %s; want 201", w.Code, w.Body)
	}
	var a issueAnswer
	if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil {
		t.Fatal(err)
	}
	return a
}

func errorOf(t testing.TB, w *httptest.ResponseRecorder) (code, field string) {
	t.Helper()
	var b errorBody
	if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil {
		t.Fatalf("error body %q is not JSON: %v", w.Body, err)
	}
	if b.Error.Message == "" {
		t.Errorf("error body %s has no message", w.Body)
	}
	return b.Error.Code, b.Error.Field
}

func TestErrorPaths(t *testing.T) {
	ts := newTestService(t, Options{MaxBody: 4096})
	mine := ts.issue(t, "tok-miniapp", issueBodyJSON("substantial", faceMatch))
	theirs := ts.issue(t, "tok-police", issueBodyJSON("high", docCheck))
	revoked := ts.issue(t, "tok-police", issueBodyJSON("high", docCheck))
	if w := ts.do(t, "POST", "/v1/credentials/"+revoked.ID+"/revoke", "tok-police", `{"reason":"lost"}`); w.Code != 200 {
		t.Fatalf("revoke: %d %s", w.Code, w.Body)
	}
	suspended := ts.issue(t, "tok-miniapp", issueBodyJSON("substantial", faceMatch))
	if w := ts.do(t, "POST", "/v1/credentials/"+suspended.ID+"/suspend", "tok-miniapp", ``); w.Code != 200 {
		t.Fatalf("suspend: %d %s", w.Code, w.Body)
	}
	keyed := issueBodyJSON("substantial", faceMatch)
	if w := ts.do(t, "POST", "/v1/credentials", "tok-miniapp", keyed, "Idempotency-Key", "k1"); w.Code != 201 {
		t.Fatalf("issue with key: %d %s", w.Code, w.Body)
	}
	big := `{"type":"identity","level":"low","claims":{"name":"` + strings.Repeat("a", 5000) + `"}}`

	tests := []struct {
		name, method, path, token, body string
		hdr                             []string
		status                          int
		code, field                     string
	}{
		{"no token", "POST", "/v1/credentials", "", issueBodyJSON("substantial", faceMatch), nil, 401, CodeUnauthenticated, ""},
		{"bad token", "POST", "/v1/credentials", "nope", issueBodyJSON("substantial", faceMatch), nil, 401, CodeUnauthenticated, ""},
		{"not bearer", "GET", "/v1/credentials/" + mine.ID, "", "", []string{"Authorization", "Basic YTpi"}, 401, CodeUnauthenticated, ""},
		{"get without token", "GET", "/v1/credentials/" + mine.ID, "", "", nil, 401, CodeUnauthenticated, ""},
		{"syntax", "POST", "/v1/credentials", "tok-miniapp", `{"type":`, nil, 400, CodeMalformedJSON, "type"},
		{"not an object", "POST", "/v1/credentials", "tok-miniapp", `[1]`, nil, 400, CodeInvalidField, ""},
		{"null body", "POST", "/v1/credentials", "tok-miniapp", `null`, nil, 400, CodeMalformedJSON, ""},
		{"empty body", "POST", "/v1/credentials", "tok-miniapp", ``, nil, 400, CodeMalformedJSON, ""},
		{"duplicate member", "POST", "/v1/credentials", "tok-miniapp", `{"type":"identity","type":"ticket"}`, nil, 400, CodeMalformedJSON, "type"},
		{"unknown field", "POST", "/v1/credentials", "tok-miniapp", `{"type":"identity","level":"low","claims":{},"colour":"red"}`, nil, 400, CodeUnknownField, "colour"},
		{"field case", "POST", "/v1/credentials", "tok-miniapp", `{"Type":"identity"}`, nil, 400, CodeUnknownField, "Type"},
		{"wrong type", "POST", "/v1/credentials", "tok-miniapp", `{"type":7}`, nil, 400, CodeInvalidField, "type"},
		{"missing type", "POST", "/v1/credentials", "tok-miniapp", `{"level":"low","claims":{}}`, nil, 400, CodeMissingField, "type"},
		{"missing level", "POST", "/v1/credentials", "tok-miniapp", `{"type":"identity","claims":{}}`, nil, 400, CodeMissingField, "level"},
		{"missing claims", "POST", "/v1/credentials", "tok-miniapp", `{"type":"identity","level":"low"}`, nil, 400, CodeMissingField, "claims"},
		{"bad level", "POST", "/v1/credentials", "tok-miniapp", `{"type":"identity","level":"max","claims":{}}`, nil, 400, CodeInvalidField, "level"},
		{"claims not object", "POST", "/v1/credentials", "tok-miniapp", `{"type":"identity","level":"low","claims":[1]}`, nil, 400, CodeInvalidField, "claims"},
		{"evidence not object", "POST", "/v1/credentials", "tok-miniapp", `{"type":"identity","level":"low","claims":{},"evidence":["x"]}`, nil, 400, CodeInvalidField, "evidence[0]"},
		{"bad valid_for", "POST", "/v1/credentials", "tok-miniapp", `{"type":"identity","level":"low","claims":{},"valid_for":"soon"}`, nil, 400, CodeInvalidField, "valid_for"},
		{"zero valid_for", "POST", "/v1/credentials", "tok-miniapp", `{"type":"identity","level":"low","claims":{},"valid_for":0}`, nil, 400, CodeInvalidField, "valid_for"},
		{"bad holder_key", "POST", "/v1/credentials", "tok-miniapp", `{"type":"identity","level":"low","claims":{},"holder_key":{"kty":"oct"}}`, nil, 400, CodeInvalidField, "holder_key"},
		{"claims the schema refuses", "POST", "/v1/credentials", "tok-police", `{"type":"identity","level":"high","claims":{"colour":"red"},"evidence":[` + docCheck + `]}`, nil, 400, CodeInvalidField, "claims"},
		{"bad idempotency key", "POST", "/v1/credentials", "tok-miniapp", keyed, []string{"Idempotency-Key", "a b"}, 400, CodeInvalidField, "Idempotency-Key"},
		{"bad reason", "POST", "/v1/credentials/" + mine.ID + "/suspend", "tok-miniapp", `{"reason":1}`, nil, 400, CodeInvalidField, "reason"},
		{"unknown status field", "POST", "/v1/credentials/" + mine.ID + "/suspend", "tok-miniapp", `{"why":"x"}`, nil, 400, CodeUnknownField, "why"},
		{"long reason", "POST", "/v1/credentials/" + mine.ID + "/suspend", "tok-miniapp", `{"reason":"` + strings.Repeat("r", 300) + `"}`, nil, 400, CodeInvalidField, "reason"},
		{"type not allowed", "POST", "/v1/credentials", "tok-miniapp", `{"type":"ticket","level":"low","claims":{}}`, nil, 403, CodeTypeNotAllowed, "type"},
		{"level above client", "POST", "/v1/credentials", "tok-miniapp", issueBodyJSON("high", docCheck), nil, 403, CodeLevelNotAllowed, "level"},
		{"no evidence for substantial", "POST", "/v1/credentials", "tok-miniapp", issueBodyJSON("substantial"), nil, 403, CodeEvidence, "evidence"},
		{"face match for high", "POST", "/v1/credentials", "tok-police", issueBodyJSON("high", faceMatch), nil, 403, CodeEvidence, "evidence"},
		{"refused attestation", "POST", "/v1/credentials", "tok-police", issueBodyJSON("high", `{"method":"document_check","attestation":"bad"}`), nil, 403, CodeEvidence, "evidence[0]"},
		{"another client's credential", "GET", "/v1/credentials/" + theirs.ID, "tok-miniapp", "", nil, 403, CodeNotYours, ""},
		{"reinstate as non-admin", "POST", "/v1/credentials/" + suspended.ID + "/reinstate", "tok-miniapp", `{}`, nil, 403, CodeNotYours, ""},
		{"revoke another's", "POST", "/v1/credentials/" + theirs.ID + "/revoke", "tok-miniapp", `{}`, nil, 403, CodeNotYours, ""},
		{"no such credential", "GET", "/v1/credentials/9.9", "tok-admin", "", nil, 404, CodeNotFound, ""},
		{"bad id", "GET", "/v1/credentials/a%20b", "tok-admin", "", nil, 404, CodeNotFound, ""},
		{"no such action", "POST", "/v1/credentials/" + mine.ID + "/destroy", "tok-admin", `{}`, nil, 404, CodeNotFound, ""},
		{"no such endpoint", "GET", "/v1/nothing", "", "", nil, 404, CodeNotFound, ""},
		{"no such list", "GET", "/v1/status/77", "", "", nil, 404, CodeNotFound, ""},
		{"no such file", "GET", "/status/0000.cwt", "", "", nil, 404, CodeNotFound, ""},
		{"no bundle", "GET", "/bundle.jws", "", "", nil, 404, CodeNotFound, ""},
		{"method", "GET", "/v1/credentials", "tok-admin", "", nil, 405, CodeMethodNotAllowed, ""},
		{"distribution is read-only", "PUT", "/status/x.cwt", "", "x", nil, 405, CodeMethodNotAllowed, ""},
		{"reinstate revoked", "POST", "/v1/credentials/" + revoked.ID + "/reinstate", "tok-admin", ``, nil, 409, CodeStatusConflict, ""},
		{"idempotency key reused", "POST", "/v1/credentials", "tok-miniapp", issueBodyJSON("substantial", faceMatch) + " ", []string{"Idempotency-Key", "k1"}, 409, CodeIdempotencyReused, "Idempotency-Key"},
		{"too large", "POST", "/v1/credentials", "tok-miniapp", big, nil, 413, CodeBodyTooLarge, ""},
		{"too large status body", "POST", "/v1/credentials/" + mine.ID + "/revoke", "tok-miniapp", `{"reason":"` + strings.Repeat("x", 5000) + `"}`, nil, 413, CodeBodyTooLarge, ""},
		{"not JSON", "POST", "/v1/credentials", "tok-miniapp", issueBodyJSON("substantial", faceMatch), []string{"Content-Type", "text/plain"}, 415, CodeUnsupportedMedia, "Content-Type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := ts.do(t, tt.method, tt.path, tt.token, tt.body, tt.hdr...)
			if w.Code != tt.status {
				t.Fatalf("%s %s: status %d, body %s; want %d", tt.method, tt.path, w.Code, w.Body, tt.status)
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q; want application/json", ct)
			}
			code, field := errorOf(t, w)
			if code != tt.code || field != tt.field {
				t.Errorf("error code %q field %q; want %q %q (body %s)", code, field, tt.code, tt.field, w.Body)
			}
			if tt.status == 401 && w.Header().Get("WWW-Authenticate") == "" {
				t.Errorf("401 without WWW-Authenticate")
			}
		})
	}
}

func TestRateLimit(t *testing.T) {
	ts := newTestService(t, Options{Rate: 1, Burst: 2})
	for i := range 2 {
		if w := ts.do(t, "GET", "/v1/credentials/9.9", "tok-admin", ""); w.Code != 404 {
			t.Fatalf("request %d: status %d; want 404", i, w.Code)
		}
	}
	w := ts.do(t, "GET", "/v1/credentials/9.9", "tok-admin", "")
	if w.Code != 429 {
		t.Fatalf("third request: status %d; want 429", w.Code)
	}
	if code, _ := errorOf(t, w); code != CodeRateLimited {
		t.Errorf("code %q; want %q", code, CodeRateLimited)
	}
	if ra := w.Header().Get("Retry-After"); ra != "1" {
		t.Errorf("Retry-After %q; want 1", ra)
	}
	// Another client has its own bucket.
	if w := ts.do(t, "GET", "/v1/credentials/9.9", "tok-police", ""); w.Code != 404 {
		t.Errorf("another client: status %d; want 404", w.Code)
	}
}

func TestInternalErrorHidesCause(t *testing.T) {
	ts := newTestService(t, Options{})
	ts.fake.failIssue = io.ErrUnexpectedEOF
	w := ts.do(t, "POST", "/v1/credentials", "tok-miniapp", issueBodyJSON("substantial", faceMatch))
	if w.Code != 500 {
		t.Fatalf("status %d; want 500", w.Code)
	}
	if code, _ := errorOf(t, w); code != CodeInternal {
		t.Errorf("code %q; want %q", code, CodeInternal)
	}
	if strings.Contains(w.Body.String(), "EOF") {
		t.Errorf("the answer %s shows the internal cause", w.Body)
	}
}

func TestIssueAndLifecycle(t *testing.T) {
	ts := newTestService(t, Options{})
	a := ts.issue(t, "tok-miniapp", issueBodyJSON("substantial", faceMatch))
	if !strings.HasPrefix(a.QR, "NC1:") || a.ID == "" || a.Status.URI == "" || a.Expires == "" {
		t.Fatalf("answer %+v; want id, NC1: qr, status and expires", a)
	}
	if _, err := time.Parse(time.RFC3339, a.Expires); err != nil {
		t.Errorf("expires %q: %v", a.Expires, err)
	}
	w := ts.do(t, "GET", "/v1/credentials/"+a.ID, "tok-miniapp", "")
	var rec recordAnswer
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &rec) != nil {
		t.Fatalf("GET: %d %s", w.Code, w.Body)
	}
	if rec.Level != "substantial" || rec.Status.Value != "valid" || rec.Client != "miniapp" || rec.Evidence == nil || rec.Evidence.Method != "face_match" {
		t.Errorf("record %+v; want substantial, valid, client miniapp, face_match", rec)
	}
	for _, step := range []struct{ action, token, want string }{
		{"suspend", "tok-miniapp", "suspended"}, {"reinstate", "tok-admin", "valid"}, {"revoke", "tok-admin", "revoked"},
	} {
		w := ts.do(t, "POST", "/v1/credentials/"+a.ID+"/"+step.action, step.token, `{"reason":"test"}`)
		if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &rec) != nil || rec.Status.Value != step.want {
			t.Fatalf("%s: %d %s; want 200 and status %s", step.action, w.Code, w.Body, step.want)
		}
	}
	// The next publication shows the revocation.
	if err := ts.srv.Republish(context.Background()); err != nil {
		t.Fatal(err)
	}
	w = ts.do(t, "GET", "/v1/status/1", "", "")
	if w.Code != 200 || w.Header().Get("Content-Type") != TokenMediaType {
		t.Fatalf("GET /v1/status/1: %d %q", w.Code, w.Header().Get("Content-Type"))
	}
	pub := ts.ring.Current().Public()
	tok, err := status.ParseToken(w.Body.Bytes(), func(kid []byte) (credential.Algorithm, crypto.PublicKey, bool) {
		return pub.Algorithm(), pub.Key(), bytes.Equal(kid, pub.KID())
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := tok.List.Get(a.Status.Idx); got != status.Revoked {
		t.Errorf("published status of %d: %v; want revoked", a.Status.Idx, got)
	}
	logs := ts.logs.String()
	for _, secret := range []string{"张三", "11010519491231002X", "tok-miniapp", "1949-12-31", a.QR[:20]} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
	if !strings.Contains(logs, `"request_id"`) || !strings.Contains(logs, `"client":"miniapp"`) {
		t.Errorf("the log lacks request ids or client names:\n%s", logs)
	}
}

func TestIdempotency(t *testing.T) {
	ts := newTestService(t, Options{})
	body := issueBodyJSON("substantial", faceMatch)
	var first string
	var wg sync.WaitGroup
	answers := make([]*httptest.ResponseRecorder, 8)
	for i := range answers {
		wg.Go(func() {
			answers[i] = ts.do(t, "POST", "/v1/credentials", "tok-miniapp", body, "Idempotency-Key", "same")
		})
	}
	wg.Wait()
	for i, w := range answers {
		if w.Code != 201 {
			t.Fatalf("attempt %d: %d %s", i, w.Code, w.Body)
		}
		if first == "" {
			first = w.Body.String()
		} else if w.Body.String() != first {
			t.Errorf("attempt %d answered %s; want the first answer %s", i, w.Body, first)
		}
	}
	if n := len(ts.fake.recs); n != 1 {
		t.Errorf("%d credentials issued for one key; want 1", n)
	}
	// The key is the client's own: another client issues anew.
	w := ts.do(t, "POST", "/v1/credentials", "tok-police", body, "Idempotency-Key", "same")
	if w.Code != 201 || w.Body.String() == first {
		t.Errorf("another client with the same key: %d %s; want a new credential", w.Code, w.Body)
	}
}

func TestDistributionPoint(t *testing.T) {
	ts := newTestService(t, Options{Bundle: []byte("header.payload.sig")})
	uri := ts.fake.base + "1"
	w := ts.do(t, "GET", "/status/"+status.FileName(uri), "", "")
	if w.Code != 200 {
		t.Fatalf("GET /status/<file>: %d", w.Code)
	}
	h := w.Header()
	for k, want := range map[string]string{"Content-Type": TokenMediaType, "Access-Control-Allow-Origin": "*"} {
		if h.Get(k) != want {
			t.Errorf("%s %q; want %q", k, h.Get(k), want)
		}
	}
	if cc := h.Get("Cache-Control"); cc != "public, max-age=3600" {
		t.Errorf("Cache-Control %q; want public, max-age=3600 (the ttl)", cc)
	}
	etag := h.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	if w := ts.do(t, "GET", "/status/"+status.FileName(uri), "", "", "If-None-Match", etag); w.Code != 304 {
		t.Errorf("If-None-Match: %d; want 304", w.Code)
	}
	// The list at its own uri's path.
	if w := ts.do(t, "GET", "/status/1", "", ""); w.Code != 200 || w.Header().Get("ETag") != etag {
		t.Errorf("GET /status/1: %d etag %q; want 200 %q", w.Code, w.Header().Get("ETag"), etag)
	}
	if w := ts.do(t, "OPTIONS", "/status/1", "", ""); w.Code != 204 || w.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("preflight: %d", w.Code)
	}
	if w := ts.do(t, "GET", "/bundle.jws", "", ""); w.Code != 200 || w.Body.String() != "header.payload.sig" {
		t.Errorf("GET /bundle.jws: %d %q", w.Code, w.Body)
	}
	w = ts.do(t, "GET", "/v1/status", "", "")
	if w.Code != 200 || !strings.Contains(w.Body.String(), `{"status_lists":["`+uri+`"]}`) {
		t.Errorf("GET /v1/status: %d %s", w.Code, w.Body)
	}
	w = ts.do(t, "GET", "/status/aggregation.json", "", "")
	if agg, err := status.ParseAggregation(w.Body.Bytes()); w.Code != 200 || err != nil || len(agg.StatusLists) != 1 || agg.StatusLists[0] != uri {
		t.Errorf("GET /status/aggregation.json: %d %s (%v)", w.Code, w.Body, err)
	}
	if w := ts.do(t, "GET", "/healthz", "", ""); w.Code != 200 {
		t.Errorf("healthz: %d", w.Code)
	}
}

func TestMetrics(t *testing.T) {
	ts := newTestService(t, Options{})
	c := ts.issue(t, "tok-police", issueBodyJSON("high", docCheck))
	ts.do(t, "POST", "/v1/credentials", "nope", "{}")
	// Suspending twice is one change: the second changes nothing.
	for range 2 {
		if w := ts.do(t, "POST", "/v1/credentials/"+c.ID+"/suspend", "tok-police", `{"reason":"check"}`); w.Code != 200 {
			t.Fatalf("suspend: %d %s", w.Code, w.Body)
		}
	}
	w := ts.do(t, "GET", "/metrics", "", "")
	for _, want := range []string{
		`netcred_credentials_issued_total{level="high",type="identity"} 1`,
		`netcred_http_errors_total{code="unauthenticated"} 1`,
		`netcred_http_request_duration_seconds_bucket{code="201",route="POST /v1/credentials"`,
		`netcred_status_changes_total{status="suspended"} 1` + "\n",
		`netcred_store_commit_duration_seconds_count 3`,
	} {
		if !strings.Contains(w.Body.String(), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestKeyRotation(t *testing.T) {
	ts := newTestService(t, Options{})
	old := ts.ring.Current()
	a := ts.issue(t, "tok-miniapp", issueBodyJSON("substantial", faceMatch))
	next, _ := keys.Generate(credential.EdDSA)
	ts.ring.Rotate(next)
	kids := func(now time.Time) []string {
		var out []string
		for _, k := range ts.ring.Public(now) {
			out = append(out, k.KIDString())
		}
		return out
	}
	w := ts.do(t, "GET", "/v1/keys", "", "")
	set, err := keys.ParseSet(w.Body.Bytes())
	if err != nil {
		t.Fatalf("GET /v1/keys: %v (%s)", err, w.Body)
	}
	if set.Lookup(old.KID()) == nil || set.Lookup(next.KID()) == nil {
		t.Errorf("JWKS after rotation holds %v; want the old and the new key", kids(time.Now()))
	}
	b := ts.issue(t, "tok-miniapp", issueBodyJSON("substantial", faceMatch))
	if _, err := credential.DecodeQR(b.QR); err != nil {
		t.Fatal(err)
	}
	exp, _ := time.Parse(time.RFC3339, a.Expires)
	if got := kids(exp.Add(time.Second)); len(got) != 1 || got[0] != next.Public().KIDString() {
		t.Errorf("keys after the old key's credentials expired: %v; want only the new key", got)
	}
}
