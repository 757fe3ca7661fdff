package issuer

// The issuance rules over a Store: which index a credential gets, which
// status changes are allowed, when a list rolls over, and the audit entry
// that goes with every change (spec/issuer.md).

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/status"
)

// MaxReasonLen is the longest reason, in bytes, SetStatus records.
const MaxReasonLen = 256

// DefaultReserve is how many counter values a Service reserves per store
// write when Options.Reserve is zero.
const DefaultReserve = 1024

// DefaultCheckpointEvery is how many audit entries a Service with a key
// lets pass before it signs a checkpoint.
const DefaultCheckpointEvery = 10000

// Errors of the service rules; each wraps with the detail.
var (
	// ErrNoStore: the store holds no issuer configuration and none was
	// to be created (no base URI given).
	ErrNoStore = errors.New("issuer: store not initialized")
	// ErrStoreConfig: options that contradict the store's configuration,
	// or an invalid base URI or list size.
	ErrStoreConfig = errors.New("issuer: store configuration")
	// ErrMalformedID: a credential id that is not of the form URI#IDX.
	ErrMalformedID = errors.New("issuer: malformed credential id")
	// ErrNotIssued: a credential id, or a credential, that this store has
	// no record of.
	ErrNotIssued = errors.New("issuer: not issued from this store")
	// ErrRevocationFinal: an attempt to suspend or reinstate a revoked
	// credential.
	ErrRevocationFinal = errors.New("issuer: revocation is final")
	// ErrForbidden: a client asked for something outside its scope.
	ErrForbidden = errors.New("issuer: not allowed for this client")
	// ErrUnauthorized: an unknown or revoked client token.
	ErrUnauthorized = errors.New("issuer: unknown or revoked client token")
)

// Options configure Open.
type Options struct {
	// BaseURI names the lists: list N is BaseURI followed by decimal N. An
	// absolute http(s) URI without query or fragment; required to
	// initialize a store, and when given for an initialized one it must
	// match.
	BaseURI string
	// ListSize is the number of entries per list, a positive multiple of 4
	// up to status.MaxEntries; zero means status.DefaultSize when
	// initializing. Fixed at initialization, like BaseURI.
	ListSize int
	// Reserve is how many counter values one store write reserves for
	// this process (zero: DefaultReserve). Values reserved and not used
	// before the process stops are never used: a long-running service
	// reserves many, a one-shot CLI command one.
	Reserve int
	// CheckpointEvery: a Service with a key signs a checkpoint after this
	// many audit entries (zero: DefaultCheckpointEvery), and on Close.
	CheckpointEvery int
	// IdempotencyTTL is how long IssueOnce keeps the record of a key;
	// zero means until the credential it names expires.
	IdempotencyTTL time.Duration
	// Now returns the time; nil means time.Now.
	Now func() time.Time
}

// Service applies the issuance rules to a Store. It is safe for
// concurrent use.
type Service struct {
	st       Store
	is       *Issuer
	now      func() time.Time
	baseURI  string
	listSize int
	reserve  int
	cpEvery  int
	idemTTL  time.Duration
	kid      string       // the signing key's kid, base64url ("" without a key)
	keyUntil atomic.Int64 // the latest exp recorded for kid, Unix seconds

	mu    sync.Mutex // guards the reserved range
	rList uint32
	rPerm *permutation
	rNext uint64
	rEnd  uint64

	cpMu      sync.Mutex
	sinceCP   int
	lastCP    time.Time
	cpRunning bool
}

// Open returns a Service over st, initializing st when it holds no
// configuration and opts.BaseURI is set. is signs credentials and audit
// checkpoints; it may be nil for a Service that only manages clients,
// terminals and statuses (audit entries then wait for the next
// checkpoint by a Service with a key). The first time a key is used with
// the store, a key entry with its public JWK joins the audit log.
func Open(st Store, is *Issuer, opts Options) (*Service, error) {
	if opts.BaseURI != "" {
		if err := checkBaseURI(opts.BaseURI); err != nil {
			return nil, err
		}
	}
	if opts.ListSize != 0 {
		if _, err := status.New(opts.ListSize); err != nil {
			return nil, fmt.Errorf("%w: list size %d: want a positive multiple of 4 up to %d", ErrStoreConfig, opts.ListSize, status.MaxEntries)
		}
	}
	s := &Service{st: st, is: is, now: opts.Now, reserve: opts.Reserve, cpEvery: opts.CheckpointEvery, idemTTL: opts.IdempotencyTTL}
	if is != nil {
		s.kid = is.key.Public().KIDString()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.reserve <= 0 {
		s.reserve = DefaultReserve
	}
	if s.cpEvery <= 0 {
		s.cpEvery = DefaultCheckpointEvery
	}
	var cfg *Config
	load := func(tx Tx) error {
		var err error
		if cfg, err = tx.Config(); err != nil || s.kid == "" {
			return err
		}
		until, err := tx.KeyExpiry(s.kid)
		if err == nil {
			s.keyUntil.Store(until.Unix())
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		return nil
	}
	err := st.View(load)
	if errors.Is(err, ErrNotFound) || (err == nil && s.needsKeyEntry(cfg)) {
		err = st.Update(func(tx Tx) error {
			c, err := tx.Config()
			if errors.Is(err, ErrNotFound) {
				if c, err = s.initialize(tx, opts); err != nil {
					return err
				}
			} else if err != nil {
				return err
			}
			if s.needsKeyEntry(c) {
				if err := s.addKeyEntry(tx, c); err != nil {
					return err
				}
			}
			cfg = c
			return nil
		})
	}
	if err != nil {
		return nil, err
	}
	if cfg.Format != StoreFormat {
		return nil, fmt.Errorf("%w: format %d, this netcred reads format %d", ErrStoreCorrupt, cfg.Format, StoreFormat)
	}
	if checkBaseURI(cfg.BaseURI) != nil || cfg.ListSize <= 0 {
		return nil, fmt.Errorf("%w: bad base URI or list size in config", ErrStoreCorrupt)
	}
	if opts.BaseURI != "" && opts.BaseURI != cfg.BaseURI {
		return nil, fmt.Errorf("%w: the store's lists are at %s, not %s (the base URI cannot change after the store is created)", ErrStoreConfig, cfg.BaseURI, opts.BaseURI)
	}
	if opts.ListSize != 0 && opts.ListSize != cfg.ListSize {
		return nil, fmt.Errorf("%w: the store's lists have %d entries, not %d (the size cannot change after the store is created)", ErrStoreConfig, cfg.ListSize, opts.ListSize)
	}
	s.baseURI, s.listSize = cfg.BaseURI, cfg.ListSize
	return s, nil
}

func (s *Service) needsKeyEntry(c *Config) bool {
	return s.is != nil && !slices.Contains(c.KIDs, s.is.key.Public().KIDString())
}

// addKeyEntry records the service's key in the config and the audit log.
func (s *Service) addKeyEntry(tx Tx, c *Config) error {
	pub := s.is.key.Public()
	jwk, err := pub.MarshalJSON()
	if err != nil {
		return err
	}
	c.KIDs = append(c.KIDs, pub.KIDString())
	if err := tx.PutConfig(c); err != nil {
		return err
	}
	return s.audit(tx, AuditBody{Kind: AuditKey, KID: pub.KIDString(), Key: jwk})
}

// initialize writes the configuration and the first list of a new store.
func (s *Service) initialize(tx Tx, opts Options) (*Config, error) {
	if opts.BaseURI == "" {
		return nil, fmt.Errorf("%w: a new store needs a base URI for its status lists", ErrNoStore)
	}
	size := opts.ListSize
	if size == 0 {
		size = status.DefaultSize
	}
	c := &Config{Format: StoreFormat, BaseURI: opts.BaseURI, ListSize: size, Created: s.now().UTC().Truncate(time.Second), Current: 1}
	if err := tx.PutConfig(c); err != nil {
		return nil, err
	}
	if err := s.audit(tx, AuditBody{Kind: AuditInit, URI: c.BaseURI, Size: size}); err != nil {
		return nil, err
	}
	if err := s.openList(tx, c, 1); err != nil {
		return nil, err
	}
	return c, nil
}

// openList creates list n, empty, with a fresh random permutation key.
func (s *Service) openList(tx Tx, c *Config, n uint32) error {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	l := &ListRecord{Number: n, Size: c.ListSize, Key: key, Created: s.now().UTC().Truncate(time.Second)}
	if err := tx.PutList(l); err != nil {
		return err
	}
	return s.audit(tx, AuditBody{Kind: AuditList, URI: listURI(c.BaseURI, n), Size: c.ListSize})
}

// checkBaseURI accepts an absolute http or https URI with a host and no
// query or fragment (the fragment separates the index in credential ids).
func checkBaseURI(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%w: base URI %q: %v", ErrStoreConfig, s, err)
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.ForceQuery || strings.Contains(s, "#") {
		return fmt.Errorf("%w: base URI %q: want an http(s) URI with a host and no query or fragment, such as https://issuer.example/status/", ErrStoreConfig, s)
	}
	if len(s) > 512 {
		return fmt.Errorf("%w: base URI of %d bytes, at most 512", ErrStoreConfig, len(s))
	}
	return nil
}

// Store returns the service's store.
func (s *Service) Store() Store { return s.st }

// Issuer returns the service's signer (nil if it has none).
func (s *Service) Issuer() *Issuer { return s.is }

// BaseURI returns the prefix of the lists' URIs.
func (s *Service) BaseURI() string { return s.baseURI }

// ListSize returns the number of entries of each list.
func (s *Service) ListSize() int { return s.listSize }

// ListURI returns the URI of list n: the base URI followed by n.
func (s *Service) ListURI(n uint32) string { return listURI(s.baseURI, n) }

func listURI(base string, n uint32) string { return base + strconv.FormatUint(uint64(n), 10) }

// CredentialID returns the id of the credential with status reference
// ref: the list URI, "#", and the index in decimal (spec/status.md §2; the
// W3C view's credentialStatus.id). It is what SetStatus takes.
func CredentialID(ref *credential.StatusRef) string {
	return ref.URI + "#" + strconv.FormatUint(ref.Index, 10)
}

// nextListAt is the counter value of the current list at which the next
// list is opened: 90% of the list. The next list is published (empty)
// from then on, so that the operator can add its URI to the trust bundle
// before credentials refer to it.
func nextListAt(size int) uint64 { return uint64(size - size/10) }

// take returns the next status list entry for a credential: the next
// counter value of the reserved range, mapped through the list's
// permutation. When the range is used up it reserves the next one in a
// store write (moving to the next list when the current one is full).
func (s *Service) take() (uint32, uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rPerm == nil || s.rNext >= s.rEnd {
		if err := s.reserveRange(); err != nil {
			return 0, 0, err
		}
	}
	c := s.rNext
	s.rNext++
	return s.rList, s.rPerm.index(c), nil
}

// reserveRange reserves counter values [Next, Next+reserve) of the
// current list. s.mu is held.
func (s *Service) reserveRange() error {
	var list *ListRecord
	var start, end uint64
	err := s.st.Update(func(tx Tx) error {
		c, err := tx.Config()
		if err != nil {
			return err
		}
		l, err := tx.List(c.Current)
		if err != nil {
			return fmt.Errorf("%w: current list %d: %v", ErrStoreCorrupt, c.Current, err)
		}
		if l.Next >= uint64(l.Size) { // full: move on to the next list
			n := c.Current + 1
			if _, err := tx.List(n); errors.Is(err, ErrNotFound) {
				if err := s.openList(tx, c, n); err != nil {
					return err
				}
			} else if err != nil {
				return err
			}
			c.Current = n
			if err := tx.PutConfig(c); err != nil {
				return err
			}
			if l, err = tx.List(n); err != nil {
				return err
			}
		}
		start = l.Next
		// At most 1/64 of a list per reservation, so that a small list
		// does not go to one process or roll over early.
		end = min(start+uint64(min(s.reserve, max(1, l.Size/64))), uint64(l.Size))
		l.Next = end
		if err := tx.PutList(l); err != nil {
			return err
		}
		if end >= nextListAt(l.Size) {
			if _, err := tx.List(l.Number + 1); errors.Is(err, ErrNotFound) {
				if err := s.openList(tx, c, l.Number+1); err != nil {
					return err
				}
			} else if err != nil {
				return err
			}
		}
		list = l
		return nil
	})
	if err != nil {
		return err
	}
	perm, err := newPermutation(list.Key, list.Size)
	if err != nil {
		return err
	}
	s.rList, s.rPerm, s.rNext, s.rEnd = list.Number, perm, start, end
	return nil
}

// IssueInfo is what the service records about who asked for a credential
// and on what evidence.
type IssueInfo struct {
	// Client is the client's name ("" for the operator's CLI).
	Client string
	// Evidence summarises the evidence (never biometrics).
	Evidence EvidenceSummary
}

// Issue issues req with a fresh status list entry and records it: the
// entry is taken (a never used index of the current list), the credential
// signed outside any store transaction, then recorded with its audit entry
// in one store write. The credential is returned only once that write is
// durable. A failure after the entry was taken loses the entry, never
// reuses it. req.Status must be nil.
func (s *Service) Issue(req Request, info IssueInfo) (*Issued, error) {
	return s.issue(req, info, nil)
}

// issue is Issue; also, when not nil, writes more records in the same
// store write as the credential's (IssueOnce's idempotency record).
func (s *Service) issue(req Request, info IssueInfo, also func(tx Tx, out *Issued) error) (*Issued, error) {
	if s.is == nil {
		return nil, fmt.Errorf("%w: the service has no signing key", ErrRequest)
	}
	if req.Status != nil {
		return nil, fmt.Errorf("%w: the request already has a status reference; the store assigns it", ErrRequest)
	}
	claims, err := s.is.prepare(req)
	if err != nil {
		return nil, err
	}
	n, idx, err := s.take()
	if err != nil {
		return nil, storeFailed(err)
	}
	claims.Status = &credential.StatusRef{Index: idx, URI: s.ListURI(n)}
	out, err := s.is.sign(claims)
	if err != nil {
		return nil, err
	}
	rec := &CredentialRecord{
		List: n, Index: idx, CTI: claims.ID, Type: req.Type, Level: claims.Level, KID: s.is.key.KID(),
		IssuedAt: claims.IssuedAt, Expiry: claims.Expiry, Evidence: info.Evidence, Client: info.Client,
	}
	if rec.Evidence.Method == "" && claims.Evidence != credential.EvidenceNone {
		rec.Evidence.Method = claims.Evidence.String()
	}
	// The key's latest expiry is written only when this credential
	// extends it: about once a second under a steady load.
	extend := claims.Expiry.Unix() > s.keyUntil.Load()
	err = s.st.Update(func(tx Tx) error {
		if err := tx.InsertCredential(rec); err != nil {
			return err
		}
		if extend {
			if err := tx.ExtendKeyExpiry(s.kid, claims.Expiry); err != nil {
				return err
			}
		}
		if also != nil {
			if err := also(tx, out); err != nil {
				return err
			}
		}
		return s.audit(tx, AuditBody{
			Kind: AuditIssue, Credential: CredentialID(claims.Status), Type: rec.Type, Level: rec.Level.String(),
			KID: base64.RawURLEncoding.EncodeToString(rec.KID), Client: rec.Client,
			Evidence: rec.Evidence.Method, Terminal: rec.Evidence.Terminal,
		})
	})
	if err != nil {
		return nil, storeFailed(err)
	}
	if extend {
		for exp := claims.Expiry.Unix(); ; {
			cur := s.keyUntil.Load()
			if exp <= cur || s.keyUntil.CompareAndSwap(cur, exp) {
				break
			}
		}
	}
	s.noteAudit(1)
	return out, nil
}

// KeyExpiry returns the latest expiry of what the key kid (base64url)
// signed with this store: ErrNotFound when it signed nothing that the
// store recorded (a store written before this record existed keeps none
// for its older keys).
func (s *Service) KeyExpiry(kid string) (time.Time, error) {
	var until time.Time
	err := s.st.View(func(tx Tx) error {
		var err error
		until, err = tx.KeyExpiry(kid)
		return err
	})
	return until, err
}

// DropExpired removes the used-once and idempotency records that expired
// before now, in store writes of at most perTx records, stopping after
// limit records (a sweep's bound) or when none is left. It returns how
// many it removed.
func (s *Service) DropExpired(perTx, limit int) (int, error) {
	now := s.now()
	total := 0
	for total < limit {
		var n int
		err := s.st.Update(func(tx Tx) error {
			var err error
			n, err = tx.DropExpired(now, min(perTx, limit-total))
			return err
		})
		if err != nil {
			return total, err
		}
		total += n
		if n < perTx {
			break
		}
	}
	return total, nil
}

// storeFailed wraps err, a failure of the store, in ErrStoreFailed
// (keeping err's own chain, such as ErrExists for IssueOnce).
func storeFailed(err error) error {
	if errors.Is(err, ErrStoreFailed) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrStoreFailed, err)
}

// parseID splits a credential id into list number and index, checking
// that it names one of this store's lists and an index inside it.
func (s *Service) parseID(id string) (uint32, uint64, error) {
	uri, idxText, ok := strings.Cut(id, "#")
	if !ok {
		return 0, 0, fmt.Errorf("%w: %q has no '#': want LIST_URI#INDEX, such as %s#734512", ErrMalformedID, id, s.ListURI(1))
	}
	idx, err := parseDecimal(idxText, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("%w: %q: index %q is not a decimal number", ErrMalformedID, id, idxText)
	}
	numText, ok := strings.CutPrefix(uri, s.baseURI)
	if !ok {
		return 0, 0, fmt.Errorf("%w: %s: list %s is not one of this store's lists (%sN)", ErrNotIssued, id, uri, s.baseURI)
	}
	n, err := parseDecimal(numText, 32)
	if err != nil || n == 0 {
		return 0, 0, fmt.Errorf("%w: %s: list %s is not one of this store's lists (%sN)", ErrNotIssued, id, uri, s.baseURI)
	}
	if idx >= uint64(s.listSize) {
		return 0, 0, fmt.Errorf("%w: %s: index %d is past the end of lists of %d entries", ErrNotIssued, id, idx, s.listSize)
	}
	return uint32(n), idx, nil
}

// parseDecimal parses a canonical unsigned decimal: digits only, no sign,
// no leading zeros.
func parseDecimal(s string, bitSize int) (uint64, error) {
	if s == "" || (len(s) > 1 && s[0] == '0') || strings.TrimLeft(s, "0123456789") != "" {
		return 0, strconv.ErrSyntax
	}
	return strconv.ParseUint(s, 10, bitSize)
}

// CredentialInfo is a credential record with its id and history.
type CredentialInfo struct {
	CredentialRecord
	// ID is the credential id, URI#IDX; Ref its status reference.
	ID  string
	Ref credential.StatusRef
	// History lists the status changes, oldest first.
	History []*StatusChange
}

// Credential returns the record of the credential with the given id
// (URI#IDX). An id this store never issued is ErrNotIssued; one that is
// not of that form is ErrMalformedID.
func (s *Service) Credential(id string) (*CredentialInfo, error) {
	n, idx, err := s.parseID(id)
	if err != nil {
		return nil, err
	}
	var info *CredentialInfo
	err = s.st.View(func(tx Tx) error {
		rec, err := tx.Credential(n, idx)
		if errors.Is(err, ErrNotFound) {
			return fmt.Errorf("%w: no credential %s", ErrNotIssued, id)
		} else if err != nil {
			return err
		}
		hist, err := tx.StatusChanges(n, idx)
		if err != nil {
			return err
		}
		info = &CredentialInfo{CredentialRecord: *rec, ID: id, Ref: credential.StatusRef{Index: idx, URI: s.ListURI(n)}, History: hist}
		return nil
	})
	return info, err
}

// FindCredential returns the record of a credential given as its COSE
// bytes. It reads the status reference without checking the signature
// (credential.Signed.Inspect), then checks that the record at that
// reference is this credential: same kid, iat and exp. A credential
// without a status reference, or one whose reference this store did not
// give to it, is ErrNotIssued.
func (s *Service) FindCredential(cose []byte) (*CredentialInfo, error) {
	signed, err := credential.Parse(cose)
	if err != nil {
		return nil, err
	}
	claims, err := signed.Inspect()
	if err != nil {
		return nil, err
	}
	if claims.Status == nil {
		return nil, fmt.Errorf("%w: the credential carries no status reference (issued without a store)", ErrNotIssued)
	}
	id := CredentialID(claims.Status)
	rec, err := s.Credential(id)
	if err != nil {
		return nil, err
	}
	if string(rec.KID) != string(signed.KID()) || !rec.IssuedAt.Equal(claims.IssuedAt) || !rec.Expiry.Equal(claims.Expiry) {
		return nil, fmt.Errorf("%w: the credential refers to %s, but the credential recorded there was issued at %s by kid %s, this one at %s by kid %s",
			ErrNotIssued, id, rec.IssuedAt.Format(time.RFC3339), base64.RawURLEncoding.EncodeToString(rec.KID),
			claims.IssuedAt.Format(time.RFC3339), base64.RawURLEncoding.EncodeToString(signed.KID()))
	}
	return rec, nil
}

// allowedChange reports whether a credential of status from may be
// changed to to: revocation is final; valid and suspended go either way.
func allowedChange(from, to status.Status) bool {
	return from != status.Revoked && (to == status.Valid || to == status.Revoked || to == status.Suspended)
}

// SetStatus sets the status of the credential id (URI#IDX) to to (Valid,
// Revoked or Suspended), recording when, why and at whose request, with
// its audit entry, in one durable store write; the change reaches
// verifiers at the next publication. It returns the status the credential
// had before.
//
// Revocation is final (ErrRevocationFinal). Setting the status a
// credential already has changes nothing and is not an error. reason is
// free text, at most MaxReasonLen bytes of printable UTF-8, without
// personal data. client, when not nil, is the client asking: a client
// with ScopeAdmin may change any credential; any other may revoke or
// suspend only what it issued, and not reinstate (ErrForbidden). A nil
// client is the operator.
func (s *Service) SetStatus(id string, to status.Status, reason string, client *Client) (status.Status, error) {
	if to != status.Valid && to != status.Revoked && to != status.Suspended {
		return 0, fmt.Errorf("%w: %v", status.ErrInvalidStatus, to)
	}
	if err := checkReason(reason); err != nil {
		return 0, err
	}
	n, idx, err := s.parseID(id)
	if err != nil {
		return 0, err
	}
	var previous status.Status
	var changed bool
	err = s.st.Update(func(tx Tx) error {
		changed = false
		rec, err := tx.Credential(n, idx)
		if errors.Is(err, ErrNotFound) {
			return fmt.Errorf("%w: no credential %s", ErrNotIssued, id)
		} else if err != nil {
			return err
		}
		previous = rec.Status
		if client != nil && client.Scope != ScopeAdmin {
			if rec.Client != client.Name {
				return fmt.Errorf("%w: client %q did not issue %s (only an admin client may change it)", ErrForbidden, client.Name, id)
			}
			if to == status.Valid { // even when it changes nothing: the rule does not depend on the status
				return fmt.Errorf("%w: only an admin client may reinstate %s", ErrForbidden, id)
			}
		}
		if previous == to {
			return nil
		}
		if !allowedChange(previous, to) {
			return fmt.Errorf("%w: %s was revoked at %s and cannot be %s", ErrRevocationFinal, id, rec.StatusAt.Format(time.RFC3339), verbFor(to))
		}
		at := s.now().UTC().Truncate(time.Second)
		rec.Status, rec.StatusAt = to, at
		if err := tx.UpdateCredential(rec); err != nil {
			return err
		}
		clientName := ""
		if client != nil {
			clientName = client.Name
		}
		if err := tx.AppendStatusChange(&StatusChange{List: n, Index: idx, At: at, From: previous, To: to, Reason: reason, Client: clientName}); err != nil {
			return err
		}
		changed = true
		return s.audit(tx, AuditBody{Kind: AuditStatus, Credential: id, From: previous.String(), To: to.String(), Reason: reason, Client: clientName})
	})
	if err != nil {
		return 0, err
	}
	if changed {
		s.noteAudit(1)
	}
	return previous, nil
}

// verbFor names the change to s, for messages.
func verbFor(s status.Status) string {
	switch s {
	case status.Valid:
		return "reinstated"
	case status.Suspended:
		return "suspended"
	}
	return "revoked"
}

func checkReason(reason string) error {
	if len(reason) > MaxReasonLen {
		return fmt.Errorf("%w: reason of %d bytes, at most %d", ErrRequest, len(reason), MaxReasonLen)
	}
	if !utf8.ValidString(reason) {
		return fmt.Errorf("%w: reason is not valid UTF-8", ErrRequest)
	}
	for _, r := range reason {
		if !unicode.IsPrint(r) && r != ' ' {
			return fmt.Errorf("%w: reason holds the control character %U", ErrRequest, r)
		}
	}
	return nil
}

// ListInfo describes one status list.
type ListInfo struct {
	// Number is the list's number (1, 2, ...), URI its name.
	Number uint32
	URI    string
	// Size is the number of entries; Used how many are taken (issued, or
	// reserved by a process and never to be used).
	Size, Used int
	// Revoked and Suspended count the entries with those statuses.
	Revoked, Suspended int
	// Created is when the list was opened.
	Created time.Time
	// Current is true for the list new credentials go into. A list after
	// it is open but empty: the next list opens when the current one is
	// 90% taken, so that it can join the trust bundle before it is used.
	Current bool
}

// Lists describes every list, oldest first.
func (s *Service) Lists() ([]ListInfo, error) {
	var out []ListInfo
	err := s.st.View(func(tx Tx) error {
		out = nil
		c, err := tx.Config()
		if err != nil {
			return err
		}
		lists, err := tx.Lists()
		if err != nil {
			return err
		}
		for _, l := range lists {
			li := ListInfo{Number: l.Number, URI: s.ListURI(l.Number), Size: l.Size, Used: int(l.Next), Created: l.Created, Current: l.Number == c.Current}
			err := tx.NotValid(l.Number, func(_ uint64, st status.Status) error {
				switch st {
				case status.Revoked:
					li.Revoked++
				case status.Suspended:
					li.Suspended++
				}
				return nil
			})
			if err != nil {
				return err
			}
			out = append(out, li)
		}
		return nil
	})
	return out, err
}
