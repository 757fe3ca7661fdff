package issuer

// This file is the contract between the issuer and its stores: the records
// a store keeps and the transactions it offers. The rules (which index a
// credential gets, which status changes are allowed, when a list rolls
// over, how audit entries chain) are in this package, never in a store.
// Every store passes issuer/store/storetest.

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/status"
)

// Store keeps the issuer's records: its configuration, status lists,
// issued credentials, status changes, clients, terminals, used-once
// attestations, idempotency records and the audit log. It applies no
// issuance rule of its own beyond refusing to overwrite what the contract
// says is written once (ErrExists).
//
// A Store is safe for concurrent use by several goroutines.
type Store interface {
	// Update runs fn in a read-write transaction and commits it. When
	// Update returns nil, everything fn wrote is durable (it survives a
	// crash or power loss of the machine). When fn returns an error,
	// nothing it wrote is kept and Update returns that error.
	//
	// A store may commit several concurrent Updates together (group
	// commit); it may then call fn more than once, so fn must only read
	// and write through tx and set variables it resets at its start.
	Update(fn func(tx Tx) error) error
	// View runs fn in a read-only transaction that sees one consistent
	// state. Writes through tx fail with ErrReadOnly.
	View(fn func(tx Tx) error) error
	// Close releases the store. Updates that returned nil are durable.
	Close() error
}

// Tx is one transaction of a Store. Records returned by a Tx are copies:
// the caller may keep and change them. A Tx must not be used after the
// function it was given to returns.
//
// Reads of a missing record return ErrNotFound (wrapped).
type Tx interface {
	// Config returns the issuer's configuration.
	Config() (*Config, error)
	// PutConfig writes the configuration.
	PutConfig(c *Config) error

	// List returns status list n.
	List(n uint32) (*ListRecord, error)
	// PutList writes list l (creating it or replacing it).
	PutList(l *ListRecord) error
	// Lists returns every list, in order of number.
	Lists() ([]*ListRecord, error)

	// Credential returns the record of the credential at (list, index).
	Credential(list uint32, index uint64) (*CredentialRecord, error)
	// InsertCredential records a newly issued credential. A record at the
	// same (List, Index) already exists: ErrExists, nothing written.
	InsertCredential(c *CredentialRecord) error
	// UpdateCredential replaces the record at (c.List, c.Index), which
	// must exist (ErrNotFound otherwise).
	UpdateCredential(c *CredentialRecord) error
	// NotValid calls fn, in order of index, for every credential of list
	// whose current Status is not status.Valid. It is what publication
	// reads, so a store keeps it cheap: proportional to the number of such
	// credentials, not to the list size or the number issued.
	NotValid(list uint32, fn func(index uint64, s status.Status) error) error
	// CountCredentials returns how many credentials list holds.
	CountCredentials(list uint32) (int, error)

	// AppendStatusChange appends a status change; the store assigns
	// c.Seq (1, 2, ... in append order) and sets it in c.
	AppendStatusChange(c *StatusChange) error
	// StatusChanges returns the changes of the credential at (list,
	// index), oldest first.
	StatusChanges(list uint32, index uint64) ([]*StatusChange, error)

	// Client returns the client named name.
	Client(name string) (*Client, error)
	// ClientByTokenHash returns the client whose TokenHash is h.
	ClientByTokenHash(h Hash) (*Client, error)
	// InsertClient adds a client; a client of that name, or with that
	// token hash, already exists: ErrExists.
	InsertClient(c *Client) error
	// UpdateClient replaces the client of that name (ErrNotFound if
	// absent). The token hash cannot change.
	UpdateClient(c *Client) error
	// Clients returns every client, in order of name.
	Clients() ([]*Client, error)

	// Terminal returns the terminal named name.
	Terminal(name string) (*Terminal, error)
	// InsertTerminal adds a terminal; one of that name exists: ErrExists.
	InsertTerminal(t *Terminal) error
	// DeleteTerminal removes the terminal named name (ErrNotFound if
	// absent).
	DeleteTerminal(name string) error
	// Terminals returns every terminal, in order of name.
	Terminals() ([]*Terminal, error)

	// UseOnce records that the used-once item id of the given kind (for
	// example a terminal attestation's digest) has been used, keeping the
	// record at least until expires. An id already recorded and not yet
	// expired (at now): ErrExists. Records past their expiry may be
	// dropped by the store at any time (DropExpired).
	UseOnce(kind, id string, expires, now time.Time) error

	// Idempotency returns the answer recorded for (client, key). A record
	// whose Expires is set may be returned after it, until it is dropped:
	// the caller compares Expires with its clock.
	Idempotency(client, key string) (*IdempotencyRecord, error)
	// PutIdempotency records an answer. A record for (client, key)
	// exists that has not expired at r.Created (its Expires is zero or
	// after r.Created): ErrExists, nothing written. An expired one is
	// replaced.
	PutIdempotency(r *IdempotencyRecord) error

	// DropExpired removes at most max records that expired before now:
	// used-once records and idempotency records with Expires set, those
	// of the earliest expiry first. It returns how many it removed. Its
	// cost is proportional to what it removes, not to what the store
	// keeps, so that a periodic sweep in small transactions stays cheap.
	DropExpired(now time.Time, max int) (int, error)

	// KeyExpiry returns the latest expiry recorded with ExtendKeyExpiry
	// for the key kid (base64url); ErrNotFound if none was. A store may
	// round the time up to a whole second, never down.
	KeyExpiry(kid string) (time.Time, error)
	// ExtendKeyExpiry records that the key kid signed something valid
	// until until: the recorded expiry becomes the later of the two (it
	// never moves back, also when concurrent transactions extend it).
	ExtendKeyExpiry(kid string, until time.Time) error

	// LastAudit returns the last audit entry (ErrNotFound when the log
	// is empty).
	LastAudit() (*AuditEntry, error)
	// AppendAudit appends e, whose Seq must be one more than the last
	// entry's (1 for the first): otherwise ErrConflict, nothing written.
	// Entries are never changed or removed.
	AppendAudit(e *AuditEntry) error
	// Audit calls fn for every audit entry with Seq >= from, in order.
	Audit(from uint64, fn func(e *AuditEntry) error) error
	// PutCheckpoint records a signed checkpoint of the audit log; one
	// for the same Seq exists: ErrExists.
	PutCheckpoint(c *Checkpoint) error
	// Checkpoints calls fn for every checkpoint, in order of Seq.
	Checkpoints(fn func(c *Checkpoint) error) error

	// Offer returns the credential offer whose ID is id.
	Offer(id string) (*Offer, error)
	// PutOffer adds an offer; one with that ID exists: ErrExists, nothing
	// written.
	PutOffer(o *Offer) error
	// UpdateOffer replaces the offer with that ID, which must exist
	// (ErrNotFound otherwise).
	UpdateOffer(o *Offer) error
	// DeleteOffer removes the offer with that ID (ErrNotFound if absent).
	DeleteOffer(id string) error
	// Offers calls fn for every offer, in order of ID (the issuer's
	// sweep of expired offers reads it; offers live minutes, so there
	// are few).
	Offers(fn func(o *Offer) error) error
}

// StoreFormat is the value of Config.Format this package writes and reads.
const StoreFormat = 2

// Config is the issuer's configuration, one record per store.
type Config struct {
	// Format is the version of the records (StoreFormat).
	Format int `json:"format"`
	// BaseURI names the lists: list N is BaseURI followed by decimal N.
	BaseURI string `json:"base_uri"`
	// ListSize is the number of entries of every list.
	ListSize int `json:"list_size"`
	// Created is when the store was initialized.
	Created time.Time `json:"created"`
	// Current is the number of the list new credentials go into.
	Current uint32 `json:"current"`
	// KIDs are the kids (base64url) of the keys used with this store, each
	// recorded in the audit log when first used.
	KIDs []string `json:"kids,omitempty"`
	// LastPublished is the iat of the last published status list tokens.
	LastPublished time.Time `json:"last_published,omitzero"`
}

// ListRecord is one status list. Which indexes are taken is not a bitmap:
// the list's counter values [0, Next) have been handed out (issued, or
// reserved by a process that stopped before using them), and counter value
// c is index Permute(Key, Size, c).
type ListRecord struct {
	// Number is the list's number (1, 2, ...).
	Number uint32 `json:"number"`
	// Size is the number of entries.
	Size int `json:"size"`
	// Key is the list's permutation key: 32 random bytes, never changed.
	Key []byte `json:"key"`
	// Next is the first counter value not yet reserved.
	Next uint64 `json:"next"`
	// Created is when the list was opened.
	Created time.Time `json:"created"`
}

// EvidenceSummary is what the issuer keeps of the evidence behind a
// credential: never a biometric sample, a score or a document image.
type EvidenceSummary struct {
	// Method is the evidence method, e.g. "face_match", "document_check",
	// or "" when there was none.
	Method string `json:"method,omitempty"`
	// At is when the evidence was produced (or checked).
	At time.Time `json:"at,omitzero"`
	// Terminal names the registered terminal that attested it, if any.
	Terminal string `json:"terminal,omitempty"`
}

// CredentialRecord is what the issuer keeps of an issued credential. It
// holds no claims about the subject.
type CredentialRecord struct {
	// List and Index are the credential's status list entry.
	List  uint32 `json:"list"`
	Index uint64 `json:"index"`
	// CTI is the credential's cti claim, if any.
	CTI []byte `json:"cti,omitempty"`
	// Type is the credential type's name; Level its assurance level.
	Type  string           `json:"type"`
	Level credential.Level `json:"level"`
	// KID is the kid of the key that signed the credential.
	KID []byte `json:"kid"`
	// IssuedAt and Expiry are the credential's iat and exp.
	IssuedAt time.Time `json:"iat"`
	Expiry   time.Time `json:"exp"`
	// Evidence summarises how identity was established.
	Evidence EvidenceSummary `json:"evidence,omitzero"`
	// Client is the name of the client that asked for it ("" for the CLI).
	Client string `json:"client,omitempty"`
	// Status is the current status; StatusAt when it was last changed.
	Status   status.Status `json:"status"`
	StatusAt time.Time     `json:"status_at,omitzero"`
}

// StatusChange is one accepted change of a credential's status.
type StatusChange struct {
	// Seq is assigned by the store: 1, 2, ... in order of commit.
	Seq uint64 `json:"seq"`
	// List and Index name the credential.
	List  uint32 `json:"list"`
	Index uint64 `json:"index"`
	// At is when the change was made; From and To the statuses.
	At   time.Time     `json:"at"`
	From status.Status `json:"from"`
	To   status.Status `json:"to"`
	// Reason is the operator's free text (no personal data).
	Reason string `json:"reason,omitempty"`
	// Client is the client that asked ("" for the CLI).
	Client string `json:"client,omitempty"`
}

// Client scopes.
const (
	// ScopeIssue: the client may issue, and change the status of what it
	// issued.
	ScopeIssue = "issue"
	// ScopeAdmin: the client may also change the status of any
	// credential.
	ScopeAdmin = "admin"
)

// Client is an enrollment client of the HTTP API.
type Client struct {
	// Name identifies the client.
	Name string `json:"name"`
	// TokenHash is SHA-256 of the client's bearer token; the token itself
	// is never stored.
	TokenHash Hash `json:"token_hash"`
	// MaxLevel is the highest level it may request; Types the credential
	// types it may request.
	MaxLevel credential.Level `json:"max_level"`
	Types    []string         `json:"types"`
	// Scope is ScopeIssue or ScopeAdmin.
	Scope string `json:"scope"`
	// Created is when it was added; Revoked when its token was revoked
	// (zero while active).
	Created time.Time `json:"created"`
	Revoked time.Time `json:"revoked,omitzero"`
}

// Terminal is a registered secured terminal whose attestations earn high.
type Terminal struct {
	// Name identifies the terminal.
	Name string `json:"name"`
	// Key is its public key as a JWK.
	Key json.RawMessage `json:"key"`
	// Added is when it was registered.
	Added time.Time `json:"added"`
}

// IdempotencyRecord is the first answer to a request with an
// Idempotency-Key, returned again for a retry.
type IdempotencyRecord struct {
	// Client and Key identify the request.
	Client string `json:"client"`
	Key    string `json:"key"`
	// RequestHash is a digest of the request, so that a reuse of the key
	// for another request can be refused.
	RequestHash []byte `json:"request_hash,omitempty"`
	// Response is the answer: an OnceAnswer as JSON, for the HTTP API
	// and netcred issue --batch alike.
	Response []byte `json:"response"`
	// Created is when it was recorded.
	Created time.Time `json:"created"`
	// Expires is when the record may be dropped; zero (records written
	// before this field) means never.
	Expires time.Time `json:"expires,omitzero"`
}

// AuditEntry is one entry of the hash-chained audit log (spec/issuer.md).
type AuditEntry struct {
	// Seq is the entry's number: 1, 2, ...
	Seq uint64 `json:"seq"`
	// Prev is the Hash of entry Seq-1 (zero for the first entry).
	Prev Hash `json:"prev"`
	// Body is the entry's JSON, exactly as hashed.
	Body json.RawMessage `json:"body"`
	// Hash is AuditHash(Seq, Prev, Body).
	Hash Hash `json:"hash"`
}

// Checkpoint is a signature by the issuer key over the audit log up to and
// including entry Seq.
type Checkpoint struct {
	// Seq and Hash are the last covered entry's number and hash.
	Seq  uint64 `json:"seq"`
	Hash Hash   `json:"hash"`
	// At is when it was signed.
	At time.Time `json:"at"`
	// KID names the signing key; Signature is over CheckpointMessage.
	KID       []byte `json:"kid"`
	Signature []byte `json:"signature"`
}

// Offer states (Offer.State).
const (
	// OfferOpen: made, waiting for a wallet at the token endpoint.
	OfferOpen = "open"
	// OfferToken: an access token was given for it; the credentials are
	// not issued yet.
	OfferToken = "token"
	// OfferRedeemed: its credentials were issued; the claims are gone.
	OfferRedeemed = "redeemed"
	// OfferInvalidated: too many wrong transaction codes; the claims are
	// gone.
	OfferInvalidated = "invalidated"
)

// Offer is a credential offer of the OpenID4VCI pre-authorized code flow
// (spec/oid4vci.md, spec/issuer.md §2.9): what an enrollment client asked
// for after its evidence was checked, kept until a wallet redeems it or it
// expires. It is the one record that holds a subject's claims, and only
// while it is open: they are removed when the credentials are issued, when
// the offer is invalidated, and with the record when it expires.
type Offer struct {
	// ID names the offer: 22 characters of base64url (16 random bytes),
	// the public part of its pre-authorized code and access token.
	ID string `json:"id"`
	// State is one of OfferOpen, OfferToken, OfferRedeemed,
	// OfferInvalidated.
	State string `json:"state"`
	// CodeHash is SHA-256 of the pre-authorized code; TxCodeHash is
	// SHA-256 of the ID, a 0x00 byte and the transaction code. Neither
	// code is stored.
	CodeHash   Hash `json:"code_hash"`
	TxCodeHash Hash `json:"tx_code_hash"`
	// FailedTxCodes counts wrong transaction codes sent for it.
	FailedTxCodes int `json:"failed_tx_codes,omitempty"`
	// Client is the name of the client that made it.
	Client string `json:"client"`
	// Type and Level are the credentials' type name and level; EvidenceCode
	// the credentials' evidence code by name (credential.ParseEvidence),
	// Evidence the summary the credential records get.
	Type         string           `json:"type"`
	Level        credential.Level `json:"level"`
	EvidenceCode string           `json:"evidence_code,omitempty"`
	Evidence     EvidenceSummary  `json:"evidence,omitzero"`
	// Claims is the subject's claims, the JSON object the client sent;
	// nil once the offer is redeemed or invalidated.
	Claims json.RawMessage `json:"claims,omitempty"`
	// ValidFor is the credentials' validity in seconds (0: the issuer's
	// default).
	ValidFor int64 `json:"valid_for,omitempty"`
	// Created is when it was made; Expires when its pre-authorized code
	// stops being accepted.
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
	// TokenHash is SHA-256 of the access token given for it (zero before);
	// TokenExpires when that token stops being accepted.
	TokenHash    Hash      `json:"token_hash,omitzero"`
	TokenExpires time.Time `json:"token_expires,omitzero"`
	// Credentials are the ids (URI#IDX) of the credentials issued for it.
	Credentials []string `json:"credentials,omitempty"`
}

// Hash is a SHA-256 digest; it reads and writes as lowercase hex in JSON.
type Hash [32]byte

// MarshalText encodes h as 64 lowercase hex digits.
func (h Hash) MarshalText() ([]byte, error) { return []byte(hex.EncodeToString(h[:])), nil }

// UnmarshalText decodes 64 hex digits.
func (h *Hash) UnmarshalText(b []byte) error {
	if len(b) != 64 {
		return fmt.Errorf("%w: hash of %d hex digits, want 64", ErrStoreCorrupt, len(b))
	}
	_, err := hex.Decode(h[:], b)
	return err
}

// String returns the hex form.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }
