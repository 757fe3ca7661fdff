package keyfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/go-jose/go-jose/v4"

	"github.com/netcred/netcred/internal/regularfile"
	"github.com/netcred/netcred/keys"
)

// Passphrase encryption of private keys: JWE compact serialization
// (RFC 7516) with PBES2 key wrapping (RFC 7518 §4.8) and AES-256-GCM.
const (
	// EncryptionAlgorithm is the JWE "alg" Encrypt uses.
	EncryptionAlgorithm = jose.PBES2_HS512_A256KW
	// ContentEncryption is the JWE "enc" Encrypt uses.
	ContentEncryption = jose.A256GCM
	// EncryptedContentType is the JWE "cty" of an encrypted private JWK.
	EncryptedContentType = "jwk+json"
	// DefaultPBES2Count is the PBKDF2 iteration count ("p2c") used when
	// encrypting. go-jose refuses counts above 1,000,000 when decrypting.
	DefaultPBES2Count = 600_000
	// MaxPassphraseSize is the largest passphrase file ReadPassphrase
	// reads.
	MaxPassphraseSize = 4 << 10
)

// pbes2Count is DefaultPBES2Count; tests lower it to stay fast.
var pbes2Count = DefaultPBES2Count

// acceptedKeyEncryption lists the JWE "alg" values Parse accepts.
var acceptedKeyEncryption = []jose.KeyAlgorithm{jose.PBES2_HS512_A256KW, jose.PBES2_HS256_A128KW}

// Encrypt encodes k as a private JWK encrypted under passphrase: a JWE
// compact serialization with "alg" PBES2-HS512+A256KW, "enc" A256GCM and
// "cty" "jwk+json". Parse reads it back.
func Encrypt(k *keys.PrivateKey, passphrase []byte) ([]byte, error) {
	if len(passphrase) == 0 {
		return nil, ErrEmptyPassphrase
	}
	plaintext, err := k.MarshalJSON()
	if err != nil {
		return nil, err
	}
	defer clear(plaintext)
	recipient := jose.Recipient{Algorithm: EncryptionAlgorithm, Key: passphrase, PBES2Count: pbes2Count}
	options := new(jose.EncrypterOptions).WithContentType(EncryptedContentType)
	encrypter, err := jose.NewEncrypter(ContentEncryption, recipient, options)
	if err != nil {
		return nil, fmt.Errorf("keyfile: encrypting private key: %w", err)
	}
	object, err := encrypter.Encrypt(plaintext)
	if err != nil {
		return nil, fmt.Errorf("keyfile: encrypting private key: %w", err)
	}
	compact, err := object.CompactSerialize()
	if err != nil {
		return nil, fmt.Errorf("keyfile: encrypting private key: %w", err)
	}
	return []byte(compact), nil
}

// decryptJWK opens a JWE compact serialization written by Encrypt.
func decryptJWK(data []byte, passphrase []byte) ([]byte, error) {
	object, err := jose.ParseEncryptedCompact(string(data), acceptedKeyEncryption, []jose.ContentEncryption{ContentEncryption})
	if err != nil {
		return nil, fmt.Errorf("%w: neither a jwk nor an encrypted jwk: %v", keys.ErrMalformed, err)
	}
	if cty, ok := object.Header.ExtraHeaders[jose.HeaderContentType]; ok && cty != EncryptedContentType {
		return nil, fmt.Errorf("%w: encrypted content type %v (want %q)", keys.ErrMalformed, cty, EncryptedContentType)
	}
	if len(passphrase) == 0 {
		return nil, ErrPassphraseRequired
	}
	plaintext, err := object.Decrypt(passphrase)
	if errors.Is(err, jose.ErrCryptoFailure) {
		return nil, ErrWrongPassphrase
	}
	if err != nil {
		return nil, fmt.Errorf("%w: encrypted jwk: %v", keys.ErrMalformed, err)
	}
	return plaintext, nil
}

// Parse parses a private key file's contents: a plain private JWK
// (keys.ParsePrivateJWK) or, when it is not a JSON object, a JWE compact
// serialization encrypted with a passphrase as Encrypt writes it. An
// encrypted key without a passphrase gives ErrPassphraseRequired; a wrong
// passphrase gives ErrWrongPassphrase. A plain JWK is accepted even when a
// passphrase is given.
func Parse(data []byte, passphrase []byte) (*keys.PrivateKey, error) {
	if len(data) > keys.MaxJWKSize {
		return nil, fmt.Errorf("%w: key of %d bytes (limit %d)", keys.ErrTooLarge, len(data), keys.MaxJWKSize)
	}
	if !isEncrypted(data) {
		return keys.ParsePrivateJWK(data)
	}
	plaintext, err := decryptJWK(bytes.TrimSpace(data), passphrase)
	if err != nil {
		return nil, err
	}
	defer clear(plaintext)
	return keys.ParsePrivateJWK(plaintext)
}

// isEncrypted reports whether data is not a plain JSON JWK.
func isEncrypted(data []byte) bool {
	trimmed := bytes.TrimSpace(data)
	return len(trimmed) > 0 && trimmed[0] != '{'
}

// Write writes k to a new file at path with mode 0600: a plain private
// JWK, or with a non-empty passphrase the JWE of Encrypt.
// It writes a temporary file in the same directory and links it into
// place, so path either does not exist or holds the whole key; it never
// replaces an existing file (ErrExists).
func Write(path string, k *keys.PrivateKey, passphrase []byte) error {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%w: %s", ErrExists, path)
	}
	var (
		data []byte
		err  error
	)
	if len(passphrase) > 0 {
		data, err = Encrypt(k, passphrase)
	} else {
		data, err = k.MarshalJSON()
	}
	if err != nil {
		return err
	}
	data = append(data, '\n')
	defer clear(data)

	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("keyfile: writing %s: %w", path, err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName)
	if err := writeAndClose(tmp, data); err != nil {
		return fmt.Errorf("keyfile: writing %s: %w", path, err)
	}
	if err := linkNew(tmpName, path); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

func writeAndClose(f *os.File, data []byte) error {
	err := f.Chmod(0o600)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	return err
}

// linkNew moves tmp to path only if path does not exist. A hard link makes
// the check and the move one atomic step; where hard links are not
// supported it falls back to check-then-rename.
func linkNew(tmp, path string) error {
	err := os.Link(tmp, path)
	if err == nil {
		return nil
	}
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%w: %s", ErrExists, path)
	}
	if _, statErr := os.Lstat(path); statErr == nil {
		return fmt.Errorf("%w: %s", ErrExists, path)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("keyfile: writing %s: %w", path, err)
	}
	return nil
}

// syncDir makes a new directory entry durable where the platform allows.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}

// Read reads a private key file written by Write (or any file Parse
// accepts). Warnings, one line each in the form "keyfile: warning: ...",
// report a file that others may read or write, and a passphrase given for
// a file that is not encrypted.
func Read(path string, passphrase []byte) (*keys.PrivateKey, []string, error) {
	f, info, err := regularfile.Open(path, -1)
	if err != nil {
		return nil, nil, fmt.Errorf("keyfile: reading private key: %w", err)
	}
	defer f.Close()
	warnings := permissionWarnings(path, info.Mode())
	data, err := readLimited(f, keys.MaxJWKSize)
	defer clear(data)
	if err != nil {
		return nil, warnings, fmt.Errorf("%s: %w", path, err)
	}
	if len(passphrase) > 0 && !isEncrypted(data) {
		warnings = append(warnings, fmt.Sprintf("keyfile: warning: %s is not encrypted; the passphrase was not used", path))
	}
	k, err := Parse(data, passphrase)
	if err != nil {
		return nil, warnings, fmt.Errorf("%s: %w", path, err)
	}
	return k, warnings, nil
}

func permissionWarnings(path string, mode fs.FileMode) []string {
	if runtime.GOOS == "windows" {
		return nil // permission bits do not describe Windows ACLs
	}
	perm := mode.Perm()
	switch {
	case perm&0o044 != 0:
		return []string{fmt.Sprintf("keyfile: warning: %s is readable by others (mode %04o); chmod 600 %s", path, perm, path)}
	case perm&0o022 != 0:
		return []string{fmt.Sprintf("keyfile: warning: %s is writable by others (mode %04o); chmod 600 %s", path, perm, path)}
	}
	return nil
}

// readLimited reads all of r, refusing more than limit bytes.
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return data, err
	}
	if int64(len(data)) > limit {
		return data, fmt.Errorf("%w: more than %d bytes", keys.ErrTooLarge, limit)
	}
	return data, nil
}

// ReadPassphrase reads a passphrase from the file at path, removing one
// trailing newline ("\n" or "\r\n"). An empty passphrase is refused with
// ErrEmptyPassphrase.
func ReadPassphrase(path string) ([]byte, error) {
	f, _, err := regularfile.Open(path, -1)
	if err != nil {
		return nil, fmt.Errorf("keyfile: reading passphrase: %w", err)
	}
	defer f.Close()
	data, err := readLimited(f, MaxPassphraseSize)
	if err != nil {
		clear(data)
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	passphrase := bytes.TrimSuffix(data, []byte("\n"))
	if len(passphrase) < len(data) {
		passphrase = bytes.TrimSuffix(passphrase, []byte("\r"))
	}
	if len(passphrase) == 0 {
		return nil, fmt.Errorf("%s: %w", path, ErrEmptyPassphrase)
	}
	return passphrase, nil
}
