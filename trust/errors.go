package trust

import "errors"

// Errors of the trust store. Refused bundles and tokens are
// *verifier.TrustError values (with reason codes); a failed sync is a
// *SyncError.
var (
	// ErrNotAStore: the directory has no roots.json.
	ErrNotAStore = errors.New("trust: not a trust store (no roots.json)")
	// ErrExists: Init found a store already.
	ErrExists = errors.New("trust: trust store already exists")
	// ErrNoBundle: the store holds no bundle yet.
	ErrNoBundle = errors.New("trust: trust store has no bundle yet")
	// ErrInput: what was offered is neither a bundle nor a token, or an
	// argument is unusable.
	ErrInput = errors.New("trust: unusable input")
	// ErrLocked: another update of the same store held its lock for
	// longer than the lock timeout.
	ErrLocked = errors.New("trust: trust store is locked by another update")
	// ErrStoreFile: a file of the store is not a regular file or is too
	// large.
	ErrStoreFile = errors.New("trust: unusable store file")
)
