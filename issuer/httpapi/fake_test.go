package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/credential/sign"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/status"
)

// savedAnswer is the fake's idempotency record.
type savedAnswer struct {
	hash   []byte
	answer Issued
}

// fakeBackend is an in-memory Backend over the real signing code.
type fakeBackend struct {
	mu      sync.Mutex
	ring    *KeyRing
	clients map[[32]byte]*Client
	recs    map[string]*Record
	list    *status.List
	used    map[uint64]bool
	next    uint64
	idem    map[string]*savedAnswer
	base    string
	// failIssue, when set, is returned by Issue.
	failIssue error
	publishes int
}

func newFake(ring *KeyRing) *fakeBackend {
	l, _ := status.New(1 << 10)
	return &fakeBackend{ring: ring, clients: map[[32]byte]*Client{}, recs: map[string]*Record{}, list: l,
		used: map[uint64]bool{}, idem: map[string]*savedAnswer{}, base: "https://issuer.example/status/"}
}

func (f *fakeBackend) addClient(token string, c *Client) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.clients[sha256.Sum256([]byte(token))] = c
}

func (f *fakeBackend) Authenticate(_ context.Context, token string) (*Client, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.clients[sha256.Sum256([]byte(token))]
	if c == nil {
		return nil, ErrUnauthenticated
	}
	return c, nil
}

func (f *fakeBackend) Issue(_ context.Context, req *IssueRequest) (*Issued, error) {
	if f.failIssue != nil {
		return nil, f.failIssue
	}
	f.mu.Lock()
	idx := f.next*7 + 3
	f.next++
	f.mu.Unlock()
	uri := f.base + "1"
	key := f.ring.Current()
	is := issuer.New(key, nil)
	out, err := is.Issue(issuer.Request{Type: req.Type, Level: req.Level, Claims: req.Claims, ValidFor: req.ValidFor,
		Status: &credential.StatusRef{URI: uri, Index: idx}})
	if err != nil {
		return nil, Refuse(ErrInvalid, CodeInvalidField, "claims", "%v", err)
	}
	f.ring.Signed(key.KID(), out.Claims.Expiry)
	id := "1." + strconv.FormatUint(idx, 10)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.used[idx] {
		return nil, errors.New("index reused")
	}
	ik := req.Client.Name + "\x00" + req.IdempotencyKey
	if prev := f.idem[ik]; req.IdempotencyKey != "" && prev != nil {
		out := prev.answer
		out.Replayed = true
		return &out, nil
	}
	f.used[idx] = true
	f.recs[id] = &Record{ID: id, Type: req.Type, Level: req.Level, StatusURI: uri, StatusIndex: idx, IssuedAt: out.Claims.IssuedAt,
		Expires: out.Claims.Expiry, Status: status.Valid, Client: req.Client.Name, EvidenceMethod: req.Evidence.Method}
	issued := &Issued{ID: id, QR: out.QR, StatusURI: uri, StatusIndex: idx, Expires: out.Claims.Expiry}
	if req.IdempotencyKey != "" {
		f.idem[ik] = &savedAnswer{hash: req.RequestHash, answer: *issued}
	}
	return issued, nil
}

func (f *fakeBackend) Credential(_ context.Context, id string) (*Record, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.recs[id]
	if r == nil {
		return nil, Refuse(ErrNotFound, CodeNotFound, "", "no credential %s", id)
	}
	c := *r
	return &c, nil
}

func (f *fakeBackend) SetStatus(_ context.Context, id string, to status.Status, reason, client string) (*Record, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.recs[id]
	if r == nil {
		return nil, Refuse(ErrNotFound, CodeNotFound, "", "no credential %s", id)
	}
	var c *Client
	for _, x := range f.clients {
		if x.Name == client {
			c = x
		}
	}
	if c != nil && !c.Admin && (r.Client != client || to == status.Valid && r.Status != status.Valid) {
		return nil, Refuse(ErrForbidden, CodeNotYours, "", "client %s may not change %s", client, id)
	}
	if r.Status == status.Revoked {
		return nil, Refuse(ErrConflict, CodeStatusConflict, "", "%s is revoked; revocation is final", id)
	}
	changed := r.Status != to
	r.Status, r.StatusAt = to, time.Now()
	if err := f.list.Set(r.StatusIndex, to); err != nil {
		return nil, err
	}
	out := *r
	out.Changed = changed
	return &out, nil
}

func (f *fakeBackend) Replay(_ context.Context, client, key string, hash []byte) (*Issued, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	saved := f.idem[client+"\x00"+key]
	if saved == nil {
		return nil, nil
	}
	if !bytes.Equal(saved.hash, hash) {
		return nil, Refuse(ErrConflict, CodeIdempotencyReused, "Idempotency-Key", "reused")
	}
	out := saved.answer
	out.Replayed = true
	return &out, nil
}

func (f *fakeBackend) Publish(_ context.Context, now time.Time) ([]Token, error) {
	f.mu.Lock()
	list, _ := status.FromBytes(f.list.Bytes())
	f.publishes++
	n := f.publishes
	f.mu.Unlock()
	key := f.ring.Current()
	iat := now.Truncate(time.Second).Add(time.Duration(n) * time.Second)
	tok, err := sign.StatusToken(list, f.base+"1", iat, 48*time.Hour, time.Hour, key.Algorithm(), key.KID(), key.Signer())
	if err != nil {
		return nil, err
	}
	return []Token{{URI: f.base + "1", Data: tok, IssuedAt: iat, Expiry: iat.Add(48 * time.Hour), TTL: time.Hour}}, nil
}

// fakeEval earns substantial for {"method":"face_match",...} and high
// for {"method":"document_check",...}; items containing "bad" are refused.
type fakeEval struct{}

func (fakeEval) Evaluate(_ context.Context, req *EvidenceRequest) (*Decision, error) {
	d := &Decision{Level: credential.LevelLow}
	for i, ev := range req.Evidence {
		s := string(ev)
		switch {
		case strings.Contains(s, "bad"):
			d.Refused = append(d.Refused, Refusal{Index: i, Code: "attestation_invalid", Message: "the attestation does not verify"})
		case strings.Contains(s, "document_check"):
			d.Level, d.Method = credential.LevelHigh, "document_check"
		case strings.Contains(s, "face_match") && d.Level < credential.LevelSubstantial:
			d.Level, d.Method = credential.LevelSubstantial, "face_match"
		}
	}
	return d, nil
}
