// Package trust keeps a verifier's trust store: a directory holding the
// pinned root key thumbprints, the current root-signed bundle and the latest
// status list token of each list the bundle names. Import (from files) and
// Sync (over HTTP, when online) accept only material that verifies, and
// replace files atomically, so that a crash mid-update leaves a store that
// still loads. Verification itself never touches the network: it reads what
// Open loaded.
//
// Layout (spec/status.md, "Trust store"):
//
//	DIR/roots.json         {"roots": ["<RFC 7638 thumbprint>", ...]}
//	DIR/bundle.jws         the bundle (JWS compact serialization)
//	DIR/status/<name>.cwt  status list tokens, <name> = status.FileName(uri)
package trust

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/netcred/netcred/internal/atomicfile"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/netcred/netcred/bundle"
	"github.com/netcred/netcred/status"
	"github.com/netcred/netcred/verifier"
)

// File names inside a store.
const (
	rootsFile  = "roots.json"
	bundleFile = "bundle.jws"
	statusDir  = "status"
	// maxFile caps any file read from a store or a distribution point.
	maxFile = 16 << 20
)

// Errors of the trust store; TrustErrors carry reason codes too.
var (
	ErrNotAStore = errors.New("trust: not a trust store (no roots.json)")
	ErrExists    = errors.New("trust: trust store already exists")
	ErrNoBundle  = errors.New("trust: trust store has no bundle yet")
	ErrInput     = errors.New("trust: unusable input")
)

// Store is an opened trust store.
type Store struct {
	dir    string
	roots  []string
	trust  *verifier.Trust // nil until a bundle is imported
	bundle []byte
	raw    map[string][]byte // stored status list tokens by uri, to re-check under a new bundle
	// Now is the clock for judging imports (tokens signed in the future are
	// refused); nil means time.Now.
	Now func() time.Time
	// Skipped names store files that did not verify at Open (e.g. after an
	// interrupted update); they are ignored, and a sync replaces them.
	Skipped []string
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
	if _, err := os.Stat(filepath.Join(dir, rootsFile)); err == nil {
		return fmt.Errorf("%w: %s", ErrExists, dir)
	}
	if err := os.MkdirAll(filepath.Join(dir, statusDir), 0o755); err != nil {
		return err
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

// Open loads a trust store. A store without a bundle opens (Trust then
// returns ErrNoBundle); a bundle that no longer verifies is an error; a
// status file that does not verify is skipped and named in Skipped.
func Open(dir string) (*Store, error) {
	data, err := readCapped(filepath.Join(dir, rootsFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s; create one with netcred trust init", ErrNotAStore, dir)
	}
	if err != nil {
		return nil, err
	}
	var rd rootsDoc
	if err := json.Unmarshal(data, &rd); err != nil || len(rd.Roots) == 0 {
		return nil, fmt.Errorf("trust: %s: no root thumbprints (%v)", filepath.Join(dir, rootsFile), err)
	}
	s := &Store{dir: dir, roots: rd.Roots, raw: map[string][]byte{}}
	bundle, err := readCapped(filepath.Join(dir, bundleFile))
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, err
	}
	t, err := verifier.LoadTrust(s.roots, bundle)
	if err != nil {
		return nil, fmt.Errorf("trust: %s: %w", filepath.Join(dir, bundleFile), err)
	}
	s.trust, s.bundle = t, bundle
	entries, err := os.ReadDir(filepath.Join(dir, statusDir))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".cwt") {
			continue
		}
		path := filepath.Join(dir, statusDir, e.Name())
		data, err := readCapped(path)
		if err != nil {
			return nil, err
		}
		tok, err := t.ParseStatusToken(data)
		if err != nil || status.FileName(tok.URI) != e.Name() {
			s.Skipped = append(s.Skipped, path)
			continue
		}
		t.Lists[tok.URI] = tok
		s.raw[tok.URI] = data
	}
	return s, nil
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
// that verify against the resulting bundle. Errors name the input and
// carry a reason code (a *verifier.TrustError).
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
	// Work on a copy: nothing changes, in memory or on disk, unless every
	// input verifies.
	var current *verifier.Trust
	if s.trust != nil {
		cp := *s.trust
		cp.Lists = maps.Clone(s.trust.Lists)
		current = &cp
	}
	bundleBytes := s.bundle
	if newBundle != nil {
		t, err := verifier.LoadTrust(s.roots, newBundle.Data)
		if err != nil {
			return rep, fmt.Errorf("%s: %w", newBundle.Name, err)
		}
		replace := true
		if current != nil {
			old, cand := current.Bundle.Serial, t.Bundle.Serial
			switch {
			case cand < old:
				return rep, fmt.Errorf("%s: %w", newBundle.Name, &verifier.TrustError{Code: verifier.CodeBundleRollback,
					Err: fmt.Errorf("bundle serial %d is lower than the stored serial %d", cand, old)})
			case cand == old && t.Bundle.PayloadDigest() != current.Bundle.PayloadDigest():
				return rep, fmt.Errorf("%s: %w", newBundle.Name, &verifier.TrustError{Code: verifier.CodeBundleRollback,
					Err: fmt.Errorf("bundle serial %d is already stored with different content", cand)})
			case cand == old:
				replace = false // the same bundle (perhaps re-signed): keep the stored one
			}
			// Keep the stored lists that still verify under the new bundle:
			// a list whose key was withdrawn or retired, or that moved to
			// another issuer, is dropped.
			for uri, data := range s.raw {
				if tok, err := t.ParseStatusToken(data); err == nil {
					t.Lists[uri] = tok
				} else if replace {
					rep.Notes = append(rep.Notes, fmt.Sprintf("stored list %s no longer verifies under the new bundle and is dropped: %v", uri, err))
				}
			}
		}
		if replace {
			rep.BundleUpdated = true
			current, bundleBytes = t, bytes.TrimSpace(newBundle.Data)
		}
	}
	if current == nil {
		return rep, fmt.Errorf("%w: import a bundle first (status lists are checked against it)", ErrNoBundle)
	}
	type write struct {
		path string
		data []byte
	}
	var writes []write
	raw := maps.Clone(s.raw)
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	for _, in := range tokens {
		tok, err := current.ParseStatusToken(in.Data)
		if err != nil {
			return rep, fmt.Errorf("%s: %w", in.Name, &verifier.TrustError{Code: verifier.CodeStatusListInvalid, Err: err})
		}
		if limit := now().Add(maxClockAhead); tok.IssuedAt.After(limit) {
			return rep, fmt.Errorf("%s: %w", in.Name, &verifier.TrustError{Code: verifier.CodeStatusListInvalid,
				Err: fmt.Errorf("list %s is signed at %s, in the future (this device's clock says %s)", tok.URI, stamp(tok.IssuedAt), stamp(now()))})
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
	for _, w := range writes {
		if err := atomicfile.Write(w.path, w.data, 0o644); err != nil {
			return rep, err
		}
	}
	for uri := range raw {
		if _, ok := current.Lists[uri]; !ok {
			delete(raw, uri)
		}
	}
	s.trust, s.bundle, s.raw = current, bundleBytes, raw
	rep.Bundle = current.Bundle.Serial
	sort.Strings(rep.Lists)
	return rep, nil
}

// maxClockAhead is how far in the future a status list token's iat may be
// when it is imported: clocks differ, but a list "from next year" would
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

func readCapped(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(f, maxFile+1))
	if err != nil {
		return nil, err
	}
	if n > maxFile {
		return nil, fmt.Errorf("trust: %s is larger than %d MiB", path, maxFile>>20)
	}
	return buf.Bytes(), nil
}
