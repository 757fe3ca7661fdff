package keyfile

import (
	"errors"

	"github.com/netcred/netcred/internal/regularfile"
)

// Sentinel errors of key files. Malformed and oversized files wrap
// keys.ErrMalformed and keys.ErrTooLarge.
var (
	// ErrExists: Write refuses to replace an existing file.
	ErrExists = errors.New("keyfile: file already exists")
	// ErrNotRegular: Read or ReadPassphrase was given a directory, a named
	// pipe, a device or a socket, which it refuses without opening it
	// (the check of internal/regularfile, shared with the CLI).
	ErrNotRegular = regularfile.ErrNotRegular
	// ErrPassphraseRequired: the key is encrypted and no passphrase was given.
	ErrPassphraseRequired = errors.New("keyfile: key is encrypted, passphrase required")
	// ErrWrongPassphrase: decryption failed; the passphrase is wrong or the
	// encrypted key was altered.
	ErrWrongPassphrase = errors.New("keyfile: wrong passphrase or corrupted encrypted key")
	// ErrEmptyPassphrase: a passphrase file that is empty (after removing
	// one trailing newline).
	ErrEmptyPassphrase = errors.New("keyfile: empty passphrase")
)
