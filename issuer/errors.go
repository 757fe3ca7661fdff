package issuer

import "errors"

// Errors of the store contract. A Store wraps them with detail.
var (
	// ErrNotFound: no record of that key.
	ErrNotFound = errors.New("issuer: not found")
	// ErrExists: a record written once already exists.
	ErrExists = errors.New("issuer: already exists")
	// ErrConflict: a write that contradicts the store's state (an audit
	// entry out of sequence).
	ErrConflict = errors.New("issuer: conflicting write")
	// ErrReadOnly: a write in a View transaction or a read-only store.
	ErrReadOnly = errors.New("issuer: read-only transaction")
	// ErrStoreLocked: another process holds the store (for example a
	// running netcred serve).
	ErrStoreLocked = errors.New("issuer: store is in use by another process")
	// ErrStoreUnavailable: the store cannot be reached (a database
	// server down, refusing connections or timing out). The write may be
	// retried later; an Update that failed with it was not acknowledged.
	ErrStoreUnavailable = errors.New("issuer: store unavailable")
	// ErrStoreCorrupt: the store does not hold what this package wrote.
	ErrStoreCorrupt = errors.New("issuer: store is corrupt")
	// ErrKeyReused: an idempotency key recorded for another request
	// (Service.IssueOnce).
	ErrKeyReused = errors.New("issuer: idempotency key used for another request")
	// ErrStoreFailed wraps a store failure met while issuing (a write or
	// read that did not complete: disk full, store closed, lock lost), as
	// opposed to a refusal of the request: retrying another request will
	// not help until the cause is fixed. Nothing acknowledged is lost.
	ErrStoreFailed = errors.New("issuer: the store failed")
)
