package httpapi

// ServiceBackend and EvidenceEvaluator adapt package issuer's Service and
// package evidence's Evaluator to the interfaces this package consumes,
// mapping their errors to the API's codes.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/issuer/evidence"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/schemas"
	"github.com/netcred/netcred/status"
)

// ServiceBackend is the Backend over an issuer.Service and its store. API
// ids are "N.IDX" (list number, index): the store's id LIST_URI#IDX in a
// form that fits a path segment.
type ServiceBackend struct {
	svc   atomic.Pointer[issuer.Service]
	ring  *KeyRing
	opts  ServiceOptions
	coord issuer.Coordinator

	// authCache keeps recent authentications for AuthCacheTTL, so that a
	// busy client costs one store read a second, not one per request.
	authMu    sync.Mutex
	authCache map[issuer.Hash]cachedClient
}

// AuthCacheTTL is how long an authentication is reused: a client revoked
// with netcred clients revoke (a separate process only when the service
// is stopped) or through the store is refused within this time.
const AuthCacheTTL = time.Second

type cachedClient struct {
	c       *Client
	expires time.Time
}

// ServiceOptions configure a ServiceBackend.
type ServiceOptions struct {
	// Open are the options the Service was opened with; Rotate opens the
	// Service anew with them.
	Open issuer.Options
	// Registry is the schema registry of the Service's Issuer (nil: the
	// built-in schemas); IssuerID its iss.
	Registry *schemas.Registry
	IssuerID string
	// ListValidity and ListTTL are the published tokens' validity and
	// ttl (zero: issuer.DefaultStatusValidity, issuer.DefaultStatusTTL).
	ListValidity, ListTTL time.Duration
}

// NewServiceBackend returns the Backend over svc, whose Issuer signs with
// ring's current key.
func NewServiceBackend(svc *issuer.Service, ring *KeyRing, opts ServiceOptions) *ServiceBackend {
	if opts.ListValidity <= 0 {
		opts.ListValidity = issuer.DefaultStatusValidity
	}
	if opts.ListTTL <= 0 {
		opts.ListTTL = issuer.DefaultStatusTTL
	}
	b := &ServiceBackend{ring: ring, opts: opts, coord: issuer.CoordinatorOf(svc.Store())}
	b.svc.Store(svc)
	return b
}

// Coordinator implements Coordinated: the store's Coordinator when the
// store is an issuer.SharedStore, an issuer.LocalCoordinator otherwise.
func (b *ServiceBackend) Coordinator() issuer.Coordinator { return b.coord }

// Ping implements Pinger: a store that can say whether it is reachable
// (a database) is asked; any other store is always reachable.
func (b *ServiceBackend) Ping(ctx context.Context) error {
	if p, ok := b.svc.Load().Store().(interface{ Ping(context.Context) error }); ok {
		return p.Ping(ctx)
	}
	return nil
}

// Service returns the current issuer.Service.
func (b *ServiceBackend) Service() *issuer.Service { return b.svc.Load() }

// Rotate makes next the signing key of new credentials and lists: the
// Service is opened anew over the same store with an Issuer of next (its
// key entry joins the audit log), and the ring keeps the old key in the
// JWKS until what it signed expires.
func (b *ServiceBackend) Rotate(next *keys.PrivateKey) error {
	old := b.svc.Load()
	is := issuer.New(next, b.opts.Registry)
	is.ID = b.opts.IssuerID
	svc, err := issuer.Open(old.Store(), is, b.opts.Open)
	if err != nil {
		return err
	}
	// The old service's audit entries get their checkpoint by the old key.
	cpErr := old.Checkpoint()
	b.svc.Store(svc)
	b.ring.Rotate(next)
	return cpErr
}

// Close closes the Coordinator (a shared store's publish lock is
// released with it), signs a last audit checkpoint and closes the store.
func (b *ServiceBackend) Close() error {
	b.coord.Close()
	return b.svc.Load().Close()
}

// Authenticate implements Backend. Successful authentications are
// reused for AuthCacheTTL; unknown tokens are looked up every time.
func (b *ServiceBackend) Authenticate(_ context.Context, token string) (*Client, error) {
	h := issuer.TokenHash(token)
	now := time.Now()
	b.authMu.Lock()
	hit, ok := b.authCache[h]
	b.authMu.Unlock()
	if ok && now.Before(hit.expires) {
		return hit.c, nil
	}
	c, err := b.svc.Load().Authenticate(token)
	if errors.Is(err, issuer.ErrUnauthorized) {
		return nil, ErrUnauthenticated
	}
	if err != nil {
		return nil, err
	}
	client := &Client{Name: c.Name, MaxLevel: c.MaxLevel, Types: c.Types, Admin: c.Scope == issuer.ScopeAdmin}
	b.authMu.Lock()
	if b.authCache == nil || len(b.authCache) > 4096 {
		b.authCache = map[issuer.Hash]cachedClient{}
	}
	b.authCache[h] = cachedClient{c: client, expires: now.Add(AuthCacheTTL)}
	b.authMu.Unlock()
	return client, nil
}

// Issue implements Backend.
func (b *ServiceBackend) Issue(_ context.Context, req *IssueRequest) (*Issued, error) {
	var holder *keys.PublicKey
	if req.HolderKey != nil {
		var err error
		if holder, err = keys.ParsePublicJWK(req.HolderKey); err != nil {
			return nil, Refuse(ErrInvalid, CodeInvalidField, "holder_key", "holder_key must be a public JWK: %v", err)
		}
	}
	svc := b.svc.Load()
	ev := req.Evidence
	if ev == nil {
		ev = &Decision{}
	}
	ireq := issuer.Request{Type: req.Type, Level: req.Level, Evidence: ev.Evidence, Claims: req.Claims, ValidFor: req.ValidFor, HolderKey: holder}
	info := issuer.IssueInfo{Client: req.Client.Name, Evidence: issuer.EvidenceSummary{Method: ev.Method, At: ev.At, Terminal: ev.Terminal}}
	if req.IdempotencyKey != "" {
		ans, replayed, err := svc.IssueOnce(ireq, info, req.IdempotencyKey, req.RequestHash)
		if err != nil {
			return nil, onceError(issueError(err))
		}
		if !replayed {
			b.ring.Signed(svc.Issuer().KID(), ans.Expires)
		}
		return b.onceIssued(ans, replayed)
	}
	out, err := svc.Issue(ireq, info)
	if err != nil {
		return nil, issueError(err)
	}
	b.ring.Signed(svc.Issuer().KID(), out.Claims.Expiry)
	ref := out.Claims.Status
	return &Issued{ID: b.apiID(ref), QR: out.QR, StatusURI: ref.URI, StatusIndex: ref.Index, Expires: out.Claims.Expiry}, nil
}

// issueError maps the issuer's refusals to the API's.
func issueError(err error) error {
	var ce *schemas.ClaimError
	switch {
	case errors.Is(err, schemas.ErrUnknownType):
		return Refuse(ErrInvalid, CodeUnknownType, "type", "%v", err)
	case errors.As(err, &ce):
		field := "claims"
		if ce.Claim != "" {
			field += "." + ce.Claim
		}
		return Refuse(ErrInvalid, CodeInvalidClaims, field, "%v", err)
	case errors.Is(err, issuer.ErrLevel):
		return Refuse(ErrInvalid, CodeLevelBelowMinimum, "level", "%v", err)
	case errors.Is(err, issuer.ErrEvidence):
		return Refuse(ErrForbidden, CodeEvidence, "evidence", "%v", err)
	case errors.Is(err, issuer.ErrValidity):
		return Refuse(ErrInvalid, CodeInvalidField, "valid_for", "%v", err)
	case errors.Is(err, schemas.ErrMalformed), errors.Is(err, schemas.ErrTooLarge),
		errors.Is(err, schemas.ErrInvalidClaim), errors.Is(err, schemas.ErrMissingClaim), errors.Is(err, schemas.ErrUnknownClaim):
		return Refuse(ErrInvalid, CodeInvalidClaims, "claims", "%v", err)
	}
	return err
}

// apiID is the API id of a status reference: "N.IDX".
func (b *ServiceBackend) apiID(ref *credential.StatusRef) string {
	n := strings.TrimPrefix(ref.URI, b.svc.Load().BaseURI())
	return n + "." + strconv.FormatUint(ref.Index, 10)
}

// storeID turns an API id into the store's LIST_URI#IDX.
func (b *ServiceBackend) storeID(id string) (string, error) {
	n, idx, ok := strings.Cut(id, ".")
	if !ok || n == "" || idx == "" || strings.Trim(n, "0123456789") != "" || strings.Trim(idx, "0123456789") != "" {
		return "", Refuse(ErrNotFound, CodeNotFound, "", "no credential %q (ids are LIST.INDEX, such as 1.48213)", id)
	}
	return b.svc.Load().BaseURI() + n + "#" + idx, nil
}

func (b *ServiceBackend) record(info *issuer.CredentialInfo) *Record {
	r := &Record{ID: b.apiID(&info.Ref), Type: info.Type, Level: info.Level, StatusURI: info.Ref.URI, StatusIndex: info.Ref.Index,
		IssuedAt: info.IssuedAt, Expires: info.Expiry, Status: info.Status, StatusAt: info.StatusAt, Client: info.Client,
		EvidenceMethod: info.Evidence.Method, EvidenceAt: info.Evidence.At, EvidenceTerminal: info.Evidence.Terminal}
	return r
}

// Credential implements Backend.
func (b *ServiceBackend) Credential(_ context.Context, id string) (*Record, error) {
	sid, err := b.storeID(id)
	if err != nil {
		return nil, err
	}
	info, err := b.svc.Load().Credential(sid)
	if err != nil {
		return nil, recordError(id, err)
	}
	return b.record(info), nil
}

func recordError(id string, err error) error {
	switch {
	case errors.Is(err, issuer.ErrNotIssued), errors.Is(err, issuer.ErrMalformedID):
		return Refuse(ErrNotFound, CodeNotFound, "", "no credential %s", id)
	case errors.Is(err, issuer.ErrForbidden):
		return Refuse(ErrForbidden, CodeNotYours, "", "%v", err)
	case errors.Is(err, issuer.ErrRevocationFinal):
		return Refuse(ErrConflict, CodeStatusConflict, "", "%v", err)
	case errors.Is(err, issuer.ErrRequest):
		return Refuse(ErrInvalid, CodeInvalidField, "reason", "%v", err)
	}
	return err
}

// SetStatus implements Backend.
func (b *ServiceBackend) SetStatus(ctx context.Context, id string, to status.Status, reason, client string) (*Record, error) {
	sid, err := b.storeID(id)
	if err != nil {
		return nil, err
	}
	svc := b.svc.Load()
	var c *issuer.Client
	if client != "" {
		c, err = b.client(client)
		if err != nil {
			return nil, err
		}
	}
	previous, err := svc.SetStatus(sid, to, reason, c)
	if err != nil {
		return nil, recordError(id, err)
	}
	rec, err := b.Credential(ctx, id)
	if rec != nil {
		rec.Changed = previous != to
	}
	return rec, err
}

func (b *ServiceBackend) client(name string) (*issuer.Client, error) {
	var c *issuer.Client
	err := b.svc.Load().Store().View(func(tx issuer.Tx) error {
		var err error
		c, err = tx.Client(name)
		return err
	})
	return c, err
}

// Replay implements Backend: the answer issuer.Service.IssueOnce
// recorded for the key.
func (b *ServiceBackend) Replay(_ context.Context, client, key string, requestHash []byte) (*Issued, error) {
	ans, err := b.svc.Load().Recorded(client, key, requestHash)
	if errors.Is(err, issuer.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, onceError(err)
	}
	return b.onceIssued(ans, true)
}

// onceError maps IssueOnce's refusal of a reused key.
func onceError(err error) error {
	if errors.Is(err, issuer.ErrKeyReused) {
		return Refuse(ErrConflict, CodeIdempotencyReused, "Idempotency-Key", "this Idempotency-Key was used for another request")
	}
	return err
}

// onceIssued is the answer of an idempotency record (spec/issuer.md §2.7).
func (b *ServiceBackend) onceIssued(a *issuer.OnceAnswer, replayed bool) (*Issued, error) {
	uri, idxText, ok := strings.Cut(a.ID, "#")
	idx, err := strconv.ParseUint(idxText, 10, 64)
	if !ok || err != nil {
		return nil, fmt.Errorf("%w: idempotency record names credential %q", issuer.ErrStoreCorrupt, a.ID)
	}
	ref := &credential.StatusRef{URI: uri, Index: idx}
	return &Issued{ID: b.apiID(ref), QR: a.QR, StatusURI: uri, StatusIndex: idx, Expires: a.Expires, Replayed: replayed}, nil
}

// Publish implements Backend: every list signed by the ring's current key.
func (b *ServiceBackend) Publish(_ context.Context, now time.Time) ([]Token, error) {
	lists, err := b.svc.Load().SignLists(b.ring.Current(), now, b.opts.ListValidity, b.opts.ListTTL)
	if err != nil {
		return nil, err
	}
	out := make([]Token, len(lists))
	for i, l := range lists {
		out[i] = Token{URI: l.URI, Data: l.Token, IssuedAt: l.IssuedAt, Expiry: l.Expiry, TTL: l.TTL}
	}
	return out, nil
}

// EvidenceEvaluator is the Evaluator over an evidence.Evaluator.
type EvidenceEvaluator struct {
	Evaluator *evidence.Evaluator
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Evaluate implements Evaluator.
func (e EvidenceEvaluator) Evaluate(ctx context.Context, req *EvidenceRequest) (*Decision, error) {
	now := time.Now
	if e.Now != nil {
		now = e.Now
	}
	// Only a document check needs the claims' digest (RFC 8785, a parse of
	// its own): a request whose items do not name that method skips it. An
	// item that spells the method with escapes then meets a zero digest
	// and is refused (claims_digest_mismatch): never accepted unchecked.
	var digest evidence.Digest
	if slices.ContainsFunc(req.Evidence, func(it json.RawMessage) bool { return bytes.Contains(it, []byte("document_check")) }) {
		var err error
		if digest, err = evidence.ClaimsDigest(req.ClaimsJSON); err != nil {
			return nil, Refuse(ErrInvalid, CodeInvalidClaims, "claims", "%v", err)
		}
	}
	d, err := e.Evaluator.Evaluate(ctx, req.Evidence, digest, now())
	var ee *evidence.Error
	if errors.As(err, &ee) {
		return nil, Refuse(ErrInvalid, CodeInvalidField, "evidence", "%v", err)
	}
	if err != nil {
		return nil, err
	}
	out := &Decision{Level: d.Level, Evidence: d.Evidence, Method: string(d.Method), At: d.Time, Terminal: d.Terminal}
	for _, r := range d.Refused {
		out.Refused = append(out.Refused, Refusal{Index: r.Index, Code: string(r.Code), Message: r.Error()})
	}
	if perr := d.Permits(req.Level); perr != nil && errors.As(perr, &ee) {
		out.Denied = &Refusal{Index: ee.Index, Code: string(ee.Code), Message: ee.Error()}
	}
	return out, nil
}
