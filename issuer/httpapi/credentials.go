package httpapi

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/jsonenc"
	"github.com/netcred/netcred/status"
)

// MaxIdempotencyKey is the longest Idempotency-Key accepted.
const MaxIdempotencyKey = 255

// DefaultIdempotencyTTL is how long netcred serve keeps the answer to a
// request with an Idempotency-Key (spec/service.md §3).
const DefaultIdempotencyTTL = 24 * time.Hour

// statusRef is the status member of an answer: the credential's status
// list entry, and in a record its current status.
type statusRef struct {
	URI   string `json:"uri"`
	Idx   uint64 `json:"idx"`
	Value string `json:"value,omitempty"`
}

// issueAnswer is the 201 body of POST /v1/credentials.
type issueAnswer struct {
	ID      string    `json:"id"`
	QR      string    `json:"qr"`
	Status  statusRef `json:"status"`
	Expires string    `json:"expires"`
}

// recordAnswer is the body of GET /v1/credentials/{id} and of a status
// change.
type recordAnswer struct {
	ID       string          `json:"id"`
	Type     string          `json:"type"`
	Level    string          `json:"level"`
	Status   statusRef       `json:"status"`
	Issued   string          `json:"issued"`
	Expires  string          `json:"expires"`
	Changed  string          `json:"status_changed,omitempty"`
	Client   string          `json:"client,omitempty"`
	Evidence *evidenceAnswer `json:"evidence,omitempty"`
}

type evidenceAnswer struct {
	Method   string `json:"method"`
	At       string `json:"at,omitempty"`
	Terminal string `json:"terminal,omitempty"`
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func answerOf(r *Record) *recordAnswer {
	a := &recordAnswer{ID: r.ID, Type: r.Type, Level: r.Level.String(),
		Status: statusRef{URI: r.StatusURI, Idx: r.StatusIndex, Value: r.Status.String()},
		Issued: stamp(r.IssuedAt), Expires: stamp(r.Expires), Changed: stamp(r.StatusAt), Client: r.Client}
	if r.EvidenceMethod != "" {
		a.Evidence = &evidenceAnswer{Method: r.EvidenceMethod, At: stamp(r.EvidenceAt), Terminal: r.EvidenceTerminal}
	}
	return a
}

// ValidID reports whether id can name a credential in a path: 1 to 128
// bytes of letters, digits and "-._~".
func ValidID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
			return false
		}
	}
	return true
}

// validKey reports whether an Idempotency-Key is 1 to 255 visible ASCII
// characters.
func validKey(k string) bool {
	if k == "" || len(k) > MaxIdempotencyKey {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// lockKey serializes requests with one (client, key): a retry sent while
// the first is in flight waits for its answer.
func (s *Server) lockKey(ctx context.Context, k string) (func(), error) {
	for {
		s.idemMu.Lock()
		ch, busy := s.inflight[k]
		if !busy {
			ch = make(chan struct{})
			s.inflight[k] = ch
			s.idemMu.Unlock()
			return func() {
				s.idemMu.Lock()
				delete(s.inflight, k)
				s.idemMu.Unlock()
				close(ch)
			}, nil
		}
		s.idemMu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, &Error{Status: http.StatusConflict, Code: CodeIdempotencyPending, Field: "Idempotency-Key",
				Message: "a request with this Idempotency-Key is still being served"}
		}
	}
}

func (s *Server) handleIssue(w http.ResponseWriter, r *http.Request) {
	client, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	data, err := readBody(w, r, s.maxBody)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	key := r.Header.Get("Idempotency-Key")
	if _, present := r.Header["Idempotency-Key"]; present && !validKey(key) {
		s.fail(w, r, invalid("Idempotency-Key", "the Idempotency-Key must be 1 to %d visible ASCII characters", MaxIdempotencyKey))
		return
	}
	var hash []byte
	if key != "" {
		unlock, err := s.lockKey(r.Context(), client.Name+"\x00"+key)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		defer unlock()
		sum := sha256.Sum256(data)
		hash = sum[:]
		// A retry gets the first answer before anything is judged again
		// (its evidence was used once already).
		prev, err := s.backend.Replay(r.Context(), client.Name, key, hash)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if prev != nil {
			s.writeIssued(w, r, prev)
			return
		}
	}
	in, err := decodeIssue(data, int(s.maxBody))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	decision, err := s.judge(r.Context(), client, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	start := time.Now()
	issued, err := s.backend.Issue(r.Context(), &IssueRequest{Client: client, Type: in.Type, Level: in.Level, Claims: in.Claims,
		Evidence: decision, ValidFor: in.ValidFor, HolderKey: in.HolderKey, IdempotencyKey: key, RequestHash: hash})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !issued.Replayed {
		s.ObserveCommit(time.Since(start))
		s.m.issued.WithLabelValues(in.Type, in.Level.String()).Inc()
	}
	// A credential in a list not yet served (the first, or one opened by
	// rollover) gets the list published.
	if _, ok := s.pub.current.Load().byName["file:"+status.FileName(issued.StatusURI)]; !ok && issued.StatusURI != "" {
		s.pub.request()
	}
	s.writeIssued(w, r, issued)
}

// writeIssued writes the 201 answer of POST /v1/credentials. A replayed
// answer is the same bytes as the first, with Idempotent-Replayed: true.
func (s *Server) writeIssued(w http.ResponseWriter, r *http.Request, issued *Issued) {
	body := appendIssued(make([]byte, 0, 96+len(issued.ID)+len(issued.QR)+len(issued.StatusURI)), issued)
	if issued.Replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.Header().Set("Location", "/v1/credentials/"+issued.ID)
	writeRaw(w, http.StatusCreated, body)
}

// appendIssued appends the 201 body of POST /v1/credentials and its
// newline: json.Marshal's bytes of the issueAnswer, without reflection
// (TestIssuedJSON and FuzzIssuedJSON hold it to json.Marshal).
func appendIssued(b []byte, issued *Issued) []byte {
	b = append(b, `{"id":`...)
	b = jsonenc.AppendString(b, issued.ID)
	b = append(b, `,"qr":`...)
	b = jsonenc.AppendString(b, issued.QR)
	b = append(b, `,"status":{"uri":`...)
	b = jsonenc.AppendString(b, issued.StatusURI)
	b = append(b, `,"idx":`...)
	b = jsonenc.AppendUint(b, issued.StatusIndex)
	b = append(b, `},"expires":`...)
	b = jsonenc.AppendString(b, stamp(issued.Expires))
	return append(b, '}', '\n')
}

// evidenceRefusal is the 403 for a level the evidence does not earn.
// judge applies the rules every request for a credential meets, for
// POST /v1/credentials and POST /v1/offers alike: the client may request
// the type and the level, and the evidence earns the level. It returns the
// evidence's decision, or the refusal to answer with.
func (s *Server) judge(ctx context.Context, client *Client, in *issueInput) (*Decision, error) {
	if !client.mayIssue(in.Type) {
		return nil, Refuse(ErrForbidden, CodeTypeNotAllowed, "type", "client %s may not request %s credentials (it may request: %s)", client.Name, in.Type, strings.Join(client.Types, ", "))
	}
	if in.Level > client.MaxLevel {
		return nil, Refuse(ErrForbidden, CodeLevelNotAllowed, "level", "client %s may request up to level %s, not %s", client.Name, client.MaxLevel, in.Level)
	}
	decision := &Decision{Level: credential.LevelLow}
	if s.eval != nil {
		var err error
		decision, err = s.eval.Evaluate(ctx, &EvidenceRequest{Client: client.Name, Type: in.Type, Level: in.Level,
			ClaimsJSON: in.ClaimsJSON, Claims: in.Claims, Evidence: in.Evidence})
		if err != nil {
			return nil, err
		}
	}
	if in.Level > decision.Level {
		return nil, evidenceRefusal(in.Level, decision)
	}
	return decision, nil
}

func evidenceRefusal(want credential.Level, d *Decision) *Error {
	msg := fmt.Sprintf("the evidence earns level %s, not %s", d.Level, want)
	field := "evidence"
	if len(d.Refused) > 0 {
		var parts []string
		for _, f := range d.Refused {
			parts = append(parts, fmt.Sprintf("evidence[%d]: %s (%s)", f.Index, f.Message, f.Code))
		}
		msg += ": " + strings.Join(parts, "; ")
		if len(d.Refused) == 1 {
			field = fmt.Sprintf("evidence[%d]", d.Refused[0].Index)
		}
	}
	code := CodeEvidence
	if d.Denied != nil {
		code = d.Denied.Code
		if d.Denied.Index >= 0 {
			field = fmt.Sprintf("evidence[%d]", d.Denied.Index)
		}
		msg = d.Denied.Message
	}
	return Refuse(ErrForbidden, code, field, "%s", msg)
}

// owned loads id and checks that client may see and change it.
func (s *Server) owned(w http.ResponseWriter, r *http.Request, client *Client) (*Record, bool) {
	id := r.PathValue("id")
	if !ValidID(id) {
		s.fail(w, r, Refuse(ErrNotFound, CodeNotFound, "", "no credential %q", id))
		return nil, false
	}
	rec, err := s.backend.Credential(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	if !client.Admin && rec.Client != client.Name {
		s.fail(w, r, Refuse(ErrForbidden, CodeNotYours, "", "client %s did not issue %s; only an admin client may see or change it", client.Name, id))
		return nil, false
	}
	return rec, true
}

func (s *Server) handleGet(w http.ResponseWriter, r *http.Request) {
	client, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	rec, ok := s.owned(w, r, client)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, answerOf(rec))
}

var actions = map[string]status.Status{"revoke": status.Revoked, "suspend": status.Suspended, "reinstate": status.Valid}

func (s *Server) handleStatus(w http.ResponseWriter, r *http.Request) {
	to, known := actions[r.PathValue("action")]
	if !known {
		s.fail(w, r, Refuse(ErrNotFound, CodeNotFound, "", "no such action; use revoke, suspend or reinstate"))
		return
	}
	client, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	data, err := readBody(w, r, s.maxBody)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	body, err := decodeStatus(data)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !ValidID(r.PathValue("id")) {
		s.fail(w, r, Refuse(ErrNotFound, CodeNotFound, "", "no credential %q", r.PathValue("id")))
		return
	}
	// Who may change what is the backend's rule (issuer.Service.SetStatus).
	start := time.Now()
	rec, err := s.backend.SetStatus(r.Context(), r.PathValue("id"), to, body.Reason, client.Name)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.ObserveCommit(time.Since(start))
	if rec.Changed {
		s.m.changes.WithLabelValues(to.String()).Inc()
		// The change is durable; an announcement that fails is retried
		// by the publisher.
		if _, err := s.pub.changed(r.Context()); err != nil {
			s.log.Warn("announcing a status change", "request_id", w.Header().Get("X-Request-Id"), "err", err)
		}
	}
	writeJSON(w, http.StatusOK, answerOf(rec))
}
