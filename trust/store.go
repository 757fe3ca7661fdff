// Package trust keeps a verifier's trust store: a directory holding the
// pinned root key thumbprints, the current root-signed bundle and the latest
// status list token of each list the bundle names. Import (from files) and
// Sync (over HTTP, when online) accept only material that verifies, and
// replace files atomically, so that a crash mid-update leaves a store that
// still loads. Verification itself never touches the network: it reads what
// Open loaded.
//
// Layout (spec/status.md §8, "Trust store"):
//
//	DIR/roots.json         {"roots": ["<RFC 7638 thumbprint>", ...]}
//	DIR/bundle.jws         the bundle (JWS compact serialization)
//	DIR/status/<name>.cwt  status list tokens, <name> = status.FileName(uri)
//	DIR/lock, DIR/lock.gate the lock files (empty)
//
// # Concurrency
//
// Updates of one store (Import, Sync, from any number of processes) are
// serialized by an OS lock on DIR/lock (flock(2) on Linux, macOS and the
// BSDs, LockFileEx on Windows; elsewhere, js/wasm included, within one
// process only), held across reading the store, checking the update against
// it and writing: two concurrent imports never lose the newer bundle or
// list. Open takes the lock shared, so it never sees half of an update; a
// second lock file, DIR/lock.gate, lets a waiting update go before loads
// that arrive after it, so that overlapping loads cannot starve it. A
// lock held by another update is waited for up to Options.LockTimeout
// (DefaultLockTimeout), then the call fails with ErrLocked.
//
// # Security
//
// Store files are read only if they are regular files (a symbolic link to
// one is followed, as configuration mounts use them) and within their
// format's size bound; a FIFO or device is refused, never blocked on. Files
// are replaced by rename, which replaces a symbolic link rather than writing
// through it; the lock file is never opened through a symbolic link. Status
// file names are hashes of the list URIs (status.FileName): a URI cannot name
// a path. Whoever can write the store directory controls what the verifier
// trusts: give it the permissions of the verifier's configuration.
package trust

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/netcred/netcred/bundle"
	"github.com/netcred/netcred/internal/atomicfile"
	"github.com/netcred/netcred/internal/strictjson"
	"github.com/netcred/netcred/status"
	"github.com/netcred/netcred/verifier"
)

// File names inside a store.
const (
	rootsFile  = "roots.json"
	bundleFile = "bundle.jws"
	statusDir  = "status"
	// maxRootsFile caps roots.json.
	maxRootsFile = 64 << 10
	// maxBundleFile caps bundle.jws: a bundle (bundle.md §2.1) and the
	// newline the store adds.
	maxBundleFile = bundle.MaxSize + 1
)

// Store is an opened trust store.
type Store struct {
	dir         string
	lockTimeout time.Duration
	roots       []string
	trust       *verifier.Trust // nil until a bundle is imported
	bundle      []byte
	raw         map[string][]byte // stored status list tokens by uri, to re-check under a new bundle
	// Now is the store's clock: it judges token times at load and at
	// every update (a token signed more than 10 minutes ahead of it is
	// refused, and ignored when stored). Open sets it to Options.Now, or
	// time.Now.
	Now func() time.Time
	// Skipped names store files that were not loaded at Open: a status
	// file that does not verify against the stored bundle (e.g. after an
	// interrupted update) or whose token is signed in the future by Now.
	// They are ignored, and the next update replaces or removes them.
	Skipped []string
	// SkipReasons says, for each of Skipped in order, why it was skipped.
	SkipReasons []error
}

// Options configure Open.
type Options struct {
	// Now is the store's clock (see Store.Now); nil means time.Now.
	Now func() time.Time
	// LockTimeout is how long to wait for another update of the store;
	// zero means DefaultLockTimeout.
	LockTimeout time.Duration
}

type rootsDoc struct {
	Roots []string `json:"roots"`
}

// Init creates a trust store pinning the given root thumbprints.
func Init(dir string, roots []string) error {
	if len(roots) == 0 {
		return fmt.Errorf("%w: at least one root thumbprint is needed", ErrInput)
	}
	for _, r := range roots {
		if !validThumbprint(r) {
			return fmt.Errorf("%w: %q is not an RFC 7638 SHA-256 thumbprint (43 base64url characters); get one with netcred keys thumbprint ROOT_KEY", ErrInput, r)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, statusDir), 0o755); err != nil {
		return err
	}
	l, err := acquire(dir, true, DefaultLockTimeout)
	if err != nil {
		return err
	}
	defer l.release()
	if _, err := os.Lstat(filepath.Join(dir, rootsFile)); err == nil {
		return fmt.Errorf("%w: %s", ErrExists, dir)
	}
	data, err := json.MarshalIndent(rootsDoc{Roots: roots}, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(dir, rootsFile), append(data, '\n'), 0o644)
}

func validThumbprint(s string) bool {
	if len(s) != 43 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Open loads a trust store with the default options.
func Open(dir string) (*Store, error) { return OpenWith(dir, Options{}) }

// OpenWith loads a trust store. A store without a bundle opens (Trust then
// returns ErrNoBundle); a bundle that no longer verifies is an error; a
// status file that does not verify, or whose token is signed more than 10
// minutes after o.Now, is skipped and named in Skipped.
func OpenWith(dir string, o Options) (*Store, error) {
	s := &Store{dir: dir, lockTimeout: o.LockTimeout, Now: o.Now}
	if s.lockTimeout <= 0 {
		s.lockTimeout = DefaultLockTimeout
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	if _, err := os.Stat(filepath.Join(dir, rootsFile)); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s; create one with netcred trust init", ErrNotAStore, dir)
	}
	l, err := acquire(dir, false, s.lockTimeout)
	if err != nil {
		return nil, err
	}
	defer l.release()
	if err := s.load(); err != nil {
		return nil, err
	}
	return s, nil
}

// load reads the store's files into s, judging token times by s.Now.
func (s *Store) load() error {
	dir := s.dir
	data, err := readFile(filepath.Join(dir, rootsFile), maxRootsFile)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %s; create one with netcred trust init", ErrNotAStore, dir)
	}
	if err != nil {
		return err
	}
	var rd rootsDoc
	if err := strictjson.Unmarshal(data, &rd, strictjson.DisallowUnknownFields()); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrStoreFile, filepath.Join(dir, rootsFile), err)
	}
	if len(rd.Roots) == 0 {
		return fmt.Errorf("%w: %s has no root thumbprints", ErrStoreFile, filepath.Join(dir, rootsFile))
	}
	for _, r := range rd.Roots {
		if !validThumbprint(r) {
			return fmt.Errorf("%w: %s: %q is not an RFC 7638 SHA-256 thumbprint", ErrStoreFile, filepath.Join(dir, rootsFile), r)
		}
	}
	s.roots, s.trust, s.bundle, s.raw, s.Skipped, s.SkipReasons = rd.Roots, nil, nil, map[string][]byte{}, nil, nil
	bundle, err := readFile(filepath.Join(dir, bundleFile), maxBundleFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	t, err := verifier.LoadTrust(s.roots, bundle)
	if err != nil {
		return fmt.Errorf("trust: %s: %w", filepath.Join(dir, bundleFile), err)
	}
	s.trust, s.bundle = t, bytes.TrimSpace(bundle)
	entries, err := os.ReadDir(filepath.Join(dir, statusDir))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	limit := s.Now().Add(maxClockAhead)
	for _, e := range entries {
		if !statusFileName(e.Name()) {
			continue // temporary files of an interrupted write, and anything else
		}
		path := filepath.Join(dir, statusDir, e.Name())
		skip := func(err error) {
			s.Skipped = append(s.Skipped, path)
			s.SkipReasons = append(s.SkipReasons, err)
		}
		data, err := readFile(path, status.MaxTokenSize)
		if err != nil {
			skip(err)
			continue
		}
		tok, err := t.ParseStatusToken(data)
		switch {
		case err != nil:
			skip(fmt.Errorf("%s does not verify against the stored bundle: %w", path, err))
			continue
		case status.FileName(tok.URI) != e.Name():
			skip(fmt.Errorf("%s holds the token of list %s, whose file is %s", path, tok.URI, status.FileName(tok.URI)))
			continue
		case tok.IssuedAt.After(limit):
			skip(fmt.Errorf("%s holds list %s signed at %s, in the future (this device's clock says %s)", path, tok.URI, stamp(tok.IssuedAt), stamp(s.Now())))
			continue
		}
		t.Lists[tok.URI] = tok
		s.raw[tok.URI] = data
	}
	return nil
}

// statusFileName reports whether name has the form status.FileName gives:
// 32 lower-case hex digits and ".cwt".
func statusFileName(name string) bool {
	hex, ok := strings.CutSuffix(name, ".cwt")
	if !ok || len(hex) != 32 {
		return false
	}
	for _, c := range hex {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// Dir is the store's directory.
func (s *Store) Dir() string { return s.dir }

// Roots are the pinned root thumbprints.
func (s *Store) Roots() []string { return s.roots }

// Trust returns the loaded trust material for a verifier.
func (s *Store) Trust() (*verifier.Trust, error) {
	if s.trust == nil {
		return nil, fmt.Errorf("%w: %s; run netcred trust import or netcred sync", ErrNoBundle, s.dir)
	}
	return s.trust, nil
}

// Input is one file offered to Import: a bundle or a status list token.
type Input struct {
	Name string // for messages: a path or URL
	Data []byte
}

// Report says what an update changed.
type Report struct {
	// Bundle is the serial of the bundle now stored (0 if none).
	Bundle uint64
	// BundleUpdated is true when the update stored a new bundle.
	BundleUpdated bool
	// Lists are the URIs of status lists stored or replaced.
	Lists []string
	// Notes are things not done, e.g. a token older than the stored one.
	Notes []string
}

// Import checks every input and, only if all of them verify, stores them:
// at most one bundle (not older than the stored one) and status list tokens
// that verify against the resulting bundle. It holds the store's lock
// throughout and checks against the store as it is on disk then (another
// process may have updated it since Open); afterwards s holds the updated
// store. Errors name the input and carry a reason code (a
// *verifier.TrustError).
func (s *Store) Import(inputs []Input) (Report, error) {
	var rep Report
	var newBundle *Input
	var tokens []Input
	for i := range inputs {
		in := &inputs[i]
		switch kind(in.Data) {
		case "bundle":
			if newBundle != nil && bytes.Equal(bytes.TrimSpace(newBundle.Data), bytes.TrimSpace(in.Data)) {
				continue // the same bundle named twice
			}
			if newBundle != nil {
				return rep, fmt.Errorf("%w: two bundles given (%s and %s)", ErrInput, newBundle.Name, in.Name)
			}
			newBundle = in
		case "token":
			tokens = append(tokens, *in)
		default:
			return rep, fmt.Errorf("%w: %s is neither a bundle (JWS) nor a status list token (COSE_Sign1)", ErrInput, in.Name)
		}
	}
	l, err := acquire(s.dir, true, s.lockTimeout)
	if err != nil {
		return rep, err
	}
	defer l.release()
	// Check against the store as it is now, not as it was at Open.
	cur := &Store{dir: s.dir, lockTimeout: s.lockTimeout, Now: s.Now}
	if err := cur.load(); err != nil {
		return rep, err
	}
	now := cur.Now()
	current := cur.trust
	bundleBytes := cur.bundle
	var drop []string // stored lists a new bundle no longer vouches for
	if newBundle != nil {
		t, err := verifier.LoadTrust(cur.roots, newBundle.Data)
		if err != nil {
			return rep, fmt.Errorf("%s: %w", newBundle.Name, err)
		}
		replace := true
		if current != nil {
			if err := checkSuccessor(current.Bundle, t.Bundle); err != nil {
				return rep, fmt.Errorf("%s: %w", newBundle.Name, err)
			}
			replace = current.Bundle.Serial != t.Bundle.Serial
		}
		if replace {
			// Keep the stored lists that still verify under the new
			// bundle: a list whose key was withdrawn or retired, or that
			// moved to another issuer, is dropped.
			for _, uri := range sortedKeys(cur.raw) {
				if tok, err := t.ParseStatusToken(cur.raw[uri]); err == nil {
					t.Lists[uri] = tok
				} else {
					drop = append(drop, uri)
					rep.Notes = append(rep.Notes, fmt.Sprintf("stored list %s no longer verifies under the new bundle and is dropped: %v", uri, err))
				}
			}
			rep.BundleUpdated = true
			current, bundleBytes = t, bytes.TrimSpace(newBundle.Data)
		}
	}
	if current == nil {
		return rep, fmt.Errorf("%w: import a bundle first (status lists are checked against it)", ErrNoBundle)
	}
	if !rep.BundleUpdated {
		cp := *current
		cp.Lists = maps.Clone(current.Lists)
		current = &cp
	}
	type write struct {
		path string
		data []byte
	}
	var writes []write
	raw := maps.Clone(cur.raw)
	for _, uri := range drop {
		delete(raw, uri)
	}
	for _, in := range tokens {
		tok, err := current.ParseStatusToken(in.Data)
		if err != nil {
			return rep, fmt.Errorf("%s: %w", in.Name, &verifier.TrustError{Code: verifier.CodeStatusListInvalid, Err: err})
		}
		if limit := now.Add(maxClockAhead); tok.IssuedAt.After(limit) {
			return rep, fmt.Errorf("%s: %w", in.Name, &verifier.TrustError{Code: verifier.CodeStatusListInvalid,
				Err: fmt.Errorf("list %s is signed at %s, in the future (this device's clock says %s)", tok.URI, stamp(tok.IssuedAt), stamp(now))})
		}
		if old, ok := current.Lists[tok.URI]; ok {
			switch {
			case bytes.Equal(raw[tok.URI], in.Data):
				continue // the stored token again
			case tok.IssuedAt.Before(old.IssuedAt):
				rep.Notes = append(rep.Notes, fmt.Sprintf("%s: list %s of %s is older than the stored one of %s; kept the stored one",
					in.Name, tok.URI, stamp(tok.IssuedAt), stamp(old.IssuedAt)))
				continue
			case tok.IssuedAt.Equal(old.IssuedAt):
				// Two versions with one iat: never let a replayed older
				// one undo a revocation. Issuers give each publication a
				// later iat.
				rep.Notes = append(rep.Notes, fmt.Sprintf("%s: list %s has the same iat (%s) as the stored one but other content; kept the stored one",
					in.Name, tok.URI, stamp(tok.IssuedAt)))
				continue
			}
		}
		current.Lists[tok.URI] = tok
		raw[tok.URI] = in.Data
		writes = append(writes, write{filepath.Join(s.dir, statusDir, status.FileName(tok.URI)), in.Data})
		rep.Lists = append(rep.Lists, tok.URI)
	}
	// Everything verified: write. The bundle goes first; a status file
	// that an interrupted update leaves unverifiable is skipped by Open.
	if rep.BundleUpdated {
		if err := atomicfile.Write(filepath.Join(s.dir, bundleFile), append(bundleBytes, '\n'), 0o644); err != nil {
			return rep, err
		}
	}
	if err := os.MkdirAll(filepath.Join(s.dir, statusDir), 0o755); err != nil {
		return rep, err
	}
	written := map[string]bool{}
	for _, w := range writes {
		if err := atomicfile.Write(w.path, w.data, 0o644); err != nil {
			return rep, err
		}
		written[w.path] = true
	}
	for _, uri := range drop {
		if _, ok := raw[uri]; !ok {
			os.Remove(filepath.Join(s.dir, statusDir, status.FileName(uri)))
		}
	}
	// What the store skipped at load (files that no longer verify, tokens
	// from the future) is removed: the files hold what the store holds.
	for _, path := range cur.Skipped {
		if _, ok := written[path]; !ok {
			os.Remove(path)
		}
	}
	removeTemporaries(s.dir)
	s.roots, s.trust, s.bundle, s.raw, s.Skipped, s.SkipReasons = cur.roots, current, bundleBytes, raw, nil, nil
	rep.Bundle = current.Bundle.Serial
	sort.Strings(rep.Lists)
	return rep, nil
}

// checkSuccessor applies bundle.md §7 to a candidate bundle: a lower
// serial, or the same serial with another payload, is bundle_rollback.
func checkSuccessor(stored, cand *bundle.Bundle) error {
	old, serial := stored.Serial, cand.Serial
	switch {
	case serial < old:
		return &verifier.TrustError{Code: verifier.CodeBundleRollback,
			Err: fmt.Errorf("bundle serial %d is lower than the stored serial %d", serial, old)}
	case serial == old && cand.PayloadDigest() != stored.PayloadDigest():
		return &verifier.TrustError{Code: verifier.CodeBundleRollback,
			Err: fmt.Errorf("bundle serial %d is already stored with different content", serial)}
	}
	return nil
}

// removeTemporaries deletes what interrupted atomic writes left behind
// (".<name>.tmp-*"); it runs under the exclusive lock, when no write of
// this store is in flight.
func removeTemporaries(dir string) {
	for _, d := range []string{dir, filepath.Join(dir, statusDir)} {
		entries, _ := os.ReadDir(d)
		for _, e := range entries {
			if n := e.Name(); strings.HasPrefix(n, ".") && strings.Contains(n, ".tmp-") && e.Type().IsRegular() {
				os.Remove(filepath.Join(d, n))
			}
		}
	}
}

func sortedKeys(m map[string][]byte) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// maxClockAhead is how far in the future a status list token's iat may be
// by the store's clock: clocks differ, but a list "from next year" would
// freeze the store's view of it (newer lists would count as older).
const maxClockAhead = 10 * time.Minute

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// kind tells a bundle (JWS compact: base64url, starting "eyJ") from a
// status list token (tagged COSE_Sign1, first byte 0xD2).
func kind(data []byte) string {
	d := bytes.TrimSpace(data)
	switch {
	case bundle.Looks(d):
		return "bundle"
	case len(d) > 0 && d[0] == 0xd2:
		return "token"
	}
	return ""
}

// readFile reads a store file that must be a regular file of at most max
// bytes. It never blocks on a FIFO.
func readFile(path string, max int64) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s is not a regular file (%s)", ErrStoreFile, path, info.Mode().Type())
	}
	if info.Size() > max {
		return nil, fmt.Errorf("%w: %s has %d bytes, more than the %d its format allows", ErrStoreFile, path, info.Size(), max)
	}
	var buf bytes.Buffer
	buf.Grow(int(info.Size()) + 1)
	n, err := buf.ReadFrom(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if n > max {
		return nil, fmt.Errorf("%w: %s has more than the %d bytes its format allows", ErrStoreFile, path, max)
	}
	return buf.Bytes(), nil
}
