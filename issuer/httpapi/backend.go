package httpapi

import (
	"context"
	"encoding/json"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/status"
)

// Client is an authenticated enrollment client.
type Client struct {
	// Name identifies the client in records and logs.
	Name string
	// MaxLevel is the highest level it may request.
	MaxLevel credential.Level
	// Types are the credential types it may request.
	Types []string
	// Admin clients may read and change the status of any credential;
	// others only of those they asked for.
	Admin bool
}

// mayIssue reports whether c may request type t.
func (c *Client) mayIssue(t string) bool {
	for _, x := range c.Types {
		if x == t || x == "*" {
			return true
		}
	}
	return false
}

// IssueRequest is a checked request for a credential: the client may ask
// for its type and level, and the evidence earns the level.
type IssueRequest struct {
	// Client is the client that asked.
	Client *Client
	// Type is the credential type's name; Level the level to issue at.
	Type  string
	Level credential.Level
	// Claims are the subject's claims, decoded by schemas.ParseClaimsJSON.
	Claims map[string]any
	// Evidence is what the evaluator decided.
	Evidence *Decision
	// ValidFor is the validity period; zero means the issuer's default.
	ValidFor time.Duration
	// HolderKey is the holder's public key as a JWK, or nil.
	HolderKey json.RawMessage
	// IdempotencyKey, when not empty, makes the issuance happen at most
	// once for (Client, IdempotencyKey): the backend records the answer
	// with RequestHash (SHA-256 of the body) in the same durable write as
	// the credential, and a request that finds the key recorded gets the
	// first answer with Replayed set.
	IdempotencyKey string
	RequestHash    []byte
}

// Issued is a credential the backend has signed and durably recorded.
type Issued struct {
	// ID is the credential's id in the API (see ValidID).
	ID string
	// QR is the credential's QR text.
	QR string
	// StatusURI and StatusIndex are its status list entry.
	StatusURI   string
	StatusIndex uint64
	// Expires is the credential's exp.
	Expires time.Time
	// Replayed is set when this is the recorded answer to an earlier
	// request with the same Idempotency-Key: nothing was issued.
	Replayed bool
}

// Record is what the backend keeps of an issued credential.
type Record struct {
	ID          string
	Type        string
	Level       credential.Level
	StatusURI   string
	StatusIndex uint64
	IssuedAt    time.Time
	Expires     time.Time
	// Status is the current status, changed at StatusAt (zero if never).
	Status   status.Status
	StatusAt time.Time
	// Client is the name of the client that asked for it ("" for the CLI).
	Client string
	// Evidence is the method, time and terminal of the evidence.
	EvidenceMethod   string
	EvidenceAt       time.Time
	EvidenceTerminal string
	// Changed is set in the record SetStatus returns when the call changed
	// the status (false when the credential already had it).
	Changed bool
}

// Token is one signed status list token to serve.
type Token struct {
	// URI is the list's uri (the token's sub).
	URI string
	// Data is the token (a tagged COSE_Sign1).
	Data []byte
	// IssuedAt, Expiry and TTL are the token's iat, exp and ttl.
	IssuedAt, Expiry time.Time
	TTL              time.Duration
}

// Backend is the issuer and its store, as the service uses them. Its
// methods are called concurrently. Errors that are the request's fault
// are *Error values (see the constructors in errors.go); any other error
// is an internal failure (500), logged but not shown to the client.
type Backend interface {
	// Authenticate returns the client whose bearer token this is, or an
	// error wrapping ErrUnauthenticated for an unknown or revoked token.
	Authenticate(ctx context.Context, token string) (*Client, error)
	// Issue signs and records a credential. When it returns nil, the
	// record is durable (with its idempotency record, when the request has
	// a key).
	Issue(ctx context.Context, req *IssueRequest) (*Issued, error)
	// Replay returns the answer recorded for (client, key), with Replayed
	// set, or nil, nil when there is none (or it expired). A record made
	// for a request whose hash is not requestHash is an error wrapping
	// ErrConflict (code idempotency_key_reused).
	Replay(ctx context.Context, client, key string, requestHash []byte) (*Issued, error)
	// Credential returns the record of id (ErrNotFound wrapped if none).
	Credential(ctx context.Context, id string) (*Record, error)
	// SetStatus changes the status of id, for client ("" for none), and
	// returns the record after the change (Changed false when it already
	// had that status). When it returns nil, the change is durable. A change the rules forbid wraps ErrConflict.
	SetStatus(ctx context.Context, id string, to status.Status, reason, client string) (*Record, error)
	// Publish signs every status list at now and returns the tokens.
	Publish(ctx context.Context, now time.Time) ([]Token, error)
}

// Evaluator decides which level the evidence of a request earns.
type Evaluator interface {
	Evaluate(ctx context.Context, req *EvidenceRequest) (*Decision, error)
}

// EvidenceRequest is what the evaluator judges.
type EvidenceRequest struct {
	// Client is the client that asked.
	Client string
	// Type and Level are what was asked for.
	Type  string
	Level credential.Level
	// Claims is the request's claims member exactly as sent, and the
	// decoded claims.
	ClaimsJSON json.RawMessage
	Claims     map[string]any
	// Evidence is the request's evidence items as sent.
	Evidence []json.RawMessage
}

// Decision is the evaluator's answer.
type Decision struct {
	// Level is the highest level the evidence earns (low when none).
	Level credential.Level
	// Evidence is the evidence code the credential carries (zero: the
	// weakest that supports the level).
	Evidence credential.Evidence
	// Method is the evidence method the record keeps ("" for none); At
	// when the evidence was produced; Terminal the attesting terminal.
	Method   string
	At       time.Time
	Terminal string
	// Refused says why items were not accepted, in order.
	Refused []Refusal
	// Denied, when the evidence does not earn the requested level, is the
	// reason to answer with (its Code becomes the error code); nil means
	// evidence_insufficient.
	Denied *Refusal
}

// Refusal is one evidence item that earned nothing.
type Refusal struct {
	// Index is the item's position in the request's evidence array.
	Index int
	// Code is a stable reason code; Message says more.
	Code, Message string
}
