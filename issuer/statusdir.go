package issuer

// This file is the issuer's status bookkeeping: which status list indexes
// are taken, what each list holds, and a small record of every credential
// issued with a status reference, so that it can be revoked, suspended and
// reinstated later. Publishing the lists is in publish.go.

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/status"
)

// StatusDBName is the name of the database file inside a status dir.
const StatusDBName = "status.db"

// DefaultLockTimeout is how long OpenStatusDir waits for another process to
// release the status dir before giving up with ErrStatusDirInUse.
const DefaultLockTimeout = 2 * time.Second

// MaxReasonLen is the longest reason, in bytes, SetStatus records.
const MaxReasonLen = 256

// maxHistory is how many status changes a credential record keeps (the
// oldest are dropped first).
const maxHistory = 32

// Errors of the status dir; each wraps with the detail of what was refused.
var (
	// ErrStatusDirInUse: another process holds the status dir (bbolt's file
	// lock) for longer than the lock timeout.
	ErrStatusDirInUse = errors.New("issuer: status dir is in use by another process")
	// ErrNoStatusDir: the directory holds no status database, and none was
	// to be created (no base URI given, or a read-only open).
	ErrNoStatusDir = errors.New("issuer: no status dir")
	// ErrStatusDirConfig: options that contradict the status dir's stored
	// configuration, or an invalid base URI or list size.
	ErrStatusDirConfig = errors.New("issuer: status dir configuration")
	// ErrStatusDirCorrupt: the database does not hold what this package
	// wrote.
	ErrStatusDirCorrupt = errors.New("issuer: status dir is corrupt")
	// ErrMalformedID: a credential id that is not of the form URI#IDX.
	ErrMalformedID = errors.New("issuer: malformed credential id")
	// ErrNotIssued: a credential id, or a credential, that this status dir
	// has no record of.
	ErrNotIssued = errors.New("issuer: not issued from this status dir")
	// ErrRevocationFinal: an attempt to suspend or reinstate a revoked
	// credential.
	ErrRevocationFinal = errors.New("issuer: revocation is final")
)

// Bucket names and configuration keys of the database.
var (
	bucketConfig      = []byte("config")
	bucketLists       = []byte("lists")
	bucketCredentials = []byte("credentials")

	configFormat   = []byte("format")
	configBaseURI  = []byte("base_uri")
	configListSize = []byte("list_size")
	configCreated  = []byte("created")
	configCurrent  = []byte("current")        // number of the list being filled, 4 bytes big-endian
	configLastIat  = []byte("last_published") // iat of the last published tokens, Unix seconds, 8 bytes big-endian

	listAllocator = []byte("allocator") // status.Allocator.MarshalBinary
	listStatuses  = []byte("statuses")  // status.List.Bytes: 2 bits per entry
	listCreated   = []byte("created")   // RFC 3339
)

// statusDBFormat is the value of config/format; a database with another
// value is refused.
const statusDBFormat = "1"

// StatusDirOptions configure OpenStatusDir.
type StatusDirOptions struct {
	// BaseURI names the lists: list N (N = 1, 2, ...) is BaseURI followed
	// by the decimal N, for example "https://id.example/status/" gives
	// "https://id.example/status/1". It must be an absolute http or https
	// URI without query or fragment. It is required to create a status dir;
	// when opening an existing one it may be left empty, and a different
	// value is refused.
	BaseURI string
	// ListSize is the number of entries of each list, a positive multiple
	// of 4 up to status.MaxEntries; zero means status.DefaultSize (2^20)
	// when creating. Like BaseURI, it is fixed when the dir is created.
	// Small lists hide less: an index is one of ListSize possible ones.
	ListSize int
	// ReadOnly opens the dir for reading (Lists, Credential) with
	// a shared lock, so that several readers may run at once.
	ReadOnly bool
	// LockTimeout bounds the wait for another process to release the dir;
	// zero means DefaultLockTimeout.
	LockTimeout time.Duration
	// Now returns the time recorded with status changes; nil means
	// time.Now.
	Now func() time.Time
}

// StatusDir is an issuer's status bookkeeping, kept in one bbolt database
// file (DIR/status.db, mode 0600) with three buckets:
//
//   - config: the base URI, the list size, the number of the list being
//     filled, the creation time and the format version;
//   - lists: one nested bucket per list, keyed by its number (4 bytes,
//     big-endian), holding the allocator's bitmap of taken indexes
//     (status.Allocator.MarshalBinary), the list's 2-bit statuses
//     (status.List.Bytes) and its creation time;
//   - credentials: one record per issued credential, keyed by list number
//     and index (4 + 8 bytes, big-endian), holding the type name, level,
//     signing kid, iat, exp, current status and its recent changes (when
//     and why). Records hold no claims: no personal data.
//
// Every change is one bbolt transaction: an index is taken and its
// credential recorded together, or neither is. The database is locked for
// the lifetime of the StatusDir (exclusively, or shared when opened
// read-only), so one process at a time issues and revokes. A StatusDir is
// safe for concurrent use by several goroutines.
type StatusDir struct {
	dir      string
	db       *bolt.DB
	baseURI  string
	listSize int
	created  time.Time
	now      func() time.Time
}

// OpenStatusDir opens the status dir in dir, creating it (mode 0700, and
// its first list) when it does not exist and opts.BaseURI is set. It waits
// at most opts.LockTimeout for another process to release the dir, then
// fails with ErrStatusDirInUse.
func OpenStatusDir(dir string, opts StatusDirOptions) (*StatusDir, error) {
	if dir == "" {
		return nil, fmt.Errorf("%w: empty status dir path", ErrStatusDirConfig)
	}
	if opts.BaseURI != "" {
		if err := checkBaseURI(opts.BaseURI); err != nil {
			return nil, err
		}
	}
	if opts.ListSize != 0 {
		if _, err := status.NewAllocator(opts.ListSize); err != nil {
			return nil, fmt.Errorf("%w: list size: %v", ErrStatusDirConfig, err)
		}
	}
	path := filepath.Join(dir, StatusDBName)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		if opts.ReadOnly || opts.BaseURI == "" {
			return nil, fmt.Errorf("%w: %s holds no %s (a new status dir needs a base URI for its lists)", ErrNoStatusDir, dir, StatusDBName)
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("issuer: creating status dir: %w", err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("issuer: opening status dir: %w", err)
	}
	timeout := opts.LockTimeout
	if timeout <= 0 {
		timeout = DefaultLockTimeout
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout, ReadOnly: opts.ReadOnly})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("%w: %s (waited %s for its lock)", ErrStatusDirInUse, dir, timeout)
	}
	if err != nil {
		return nil, fmt.Errorf("issuer: opening %s: %w", path, err)
	}
	d := &StatusDir{dir: dir, db: db, now: opts.Now}
	if d.now == nil {
		d.now = time.Now
	}
	if opts.ReadOnly {
		err = db.View(func(tx *bolt.Tx) error { return d.loadConfig(tx, opts) })
	} else {
		err = db.Update(func(tx *bolt.Tx) error {
			if tx.Bucket(bucketConfig) == nil {
				return d.initialize(tx, opts)
			}
			return d.loadConfig(tx, opts)
		})
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return d, nil
}

// checkBaseURI accepts an absolute http or https URI with a host and no
// query or fragment (the fragment separates the index in credential ids).
func checkBaseURI(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%w: base URI %q: %v", ErrStatusDirConfig, s, err)
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.ForceQuery || strings.Contains(s, "#") {
		return fmt.Errorf("%w: base URI %q: want an http(s) URI with a host and no query or fragment, such as https://issuer.example/status/", ErrStatusDirConfig, s)
	}
	if len(s) > 512 {
		return fmt.Errorf("%w: base URI of %d bytes, at most 512", ErrStatusDirConfig, len(s))
	}
	return nil
}

// initialize writes the configuration and the first list of a new dir.
func (d *StatusDir) initialize(tx *bolt.Tx, opts StatusDirOptions) error {
	if opts.BaseURI == "" {
		return fmt.Errorf("%w: %s holds an empty database (a new status dir needs a base URI for its lists)", ErrNoStatusDir, d.dir)
	}
	d.baseURI, d.listSize = opts.BaseURI, opts.ListSize
	if d.listSize == 0 {
		d.listSize = status.DefaultSize
	}
	d.created = d.now().UTC().Truncate(time.Second)
	cfg, err := tx.CreateBucket(bucketConfig)
	if err != nil {
		return err
	}
	for k, v := range map[string]string{
		string(configFormat):   statusDBFormat,
		string(configBaseURI):  d.baseURI,
		string(configListSize): strconv.Itoa(d.listSize),
		string(configCreated):  d.created.Format(time.RFC3339),
	} {
		if err := cfg.Put([]byte(k), []byte(v)); err != nil {
			return err
		}
	}
	if _, err := tx.CreateBucket(bucketLists); err != nil {
		return err
	}
	if _, err := tx.CreateBucket(bucketCredentials); err != nil {
		return err
	}
	if err := cfg.Put(configCurrent, listKey(1)); err != nil {
		return err
	}
	_, err = d.createList(tx, 1)
	return err
}

// loadConfig reads the configuration and refuses options that contradict
// it.
func (d *StatusDir) loadConfig(tx *bolt.Tx, opts StatusDirOptions) error {
	cfg := tx.Bucket(bucketConfig)
	if cfg == nil || tx.Bucket(bucketLists) == nil || tx.Bucket(bucketCredentials) == nil {
		return fmt.Errorf("%w: %s: missing buckets (not a netcred status database?)", ErrStatusDirCorrupt, d.dir)
	}
	if f := string(cfg.Get(configFormat)); f != statusDBFormat {
		return fmt.Errorf("%w: %s: format %q, this netcred reads format %s", ErrStatusDirCorrupt, d.dir, f, statusDBFormat)
	}
	d.baseURI = string(cfg.Get(configBaseURI))
	size, err := strconv.Atoi(string(cfg.Get(configListSize)))
	if err != nil || checkBaseURI(d.baseURI) != nil {
		return fmt.Errorf("%w: %s: bad base URI or list size in config", ErrStatusDirCorrupt, d.dir)
	}
	if _, err := status.NewAllocator(size); err != nil {
		return fmt.Errorf("%w: %s: list size: %v", ErrStatusDirCorrupt, d.dir, err)
	}
	if len(cfg.Get(configCurrent)) != 4 {
		return fmt.Errorf("%w: %s: no current list in config", ErrStatusDirCorrupt, d.dir)
	}
	d.listSize = size
	d.created, _ = time.Parse(time.RFC3339, string(cfg.Get(configCreated)))
	if opts.BaseURI != "" && opts.BaseURI != d.baseURI {
		return fmt.Errorf("%w: %s names its lists %s..., not %s...; the base URI of a status dir cannot change",
			ErrStatusDirConfig, d.dir, d.baseURI, opts.BaseURI)
	}
	if opts.ListSize != 0 && opts.ListSize != d.listSize {
		return fmt.Errorf("%w: %s has lists of %d entries, not %d; the list size of a status dir cannot change",
			ErrStatusDirConfig, d.dir, d.listSize, opts.ListSize)
	}
	return nil
}

// Close releases the database and its lock.
func (d *StatusDir) Close() error { return d.db.Close() }

// Dir returns the directory the status dir lives in.
func (d *StatusDir) Dir() string { return d.dir }

// BaseURI returns the prefix of the lists' URIs.
func (d *StatusDir) BaseURI() string { return d.baseURI }

// ListSize returns the number of entries of each list.
func (d *StatusDir) ListSize() int { return d.listSize }

// ListURI returns the URI of list n: the base URI followed by n.
func (d *StatusDir) ListURI(n uint32) string { return d.baseURI + strconv.FormatUint(uint64(n), 10) }

// CredentialID returns the id of the credential with status reference
// ref: the list URI, "#", and the index in decimal (spec/status.md §2; the
// W3C view's credentialStatus.id). It is what SetStatus takes.
func CredentialID(ref *credential.StatusRef) string {
	return ref.URI + "#" + strconv.FormatUint(ref.Index, 10)
}

// listKey is the key of list n in the lists bucket; lists sort by number.
func listKey(n uint32) []byte { return binary.BigEndian.AppendUint32(nil, n) }

// credentialKey is the key of (list n, idx) in the credentials bucket.
func credentialKey(n uint32, idx uint64) []byte {
	return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint32(make([]byte, 0, 12), n), idx)
}

// createList adds list n, empty.
func (d *StatusDir) createList(tx *bolt.Tx, n uint32) (*bolt.Bucket, error) {
	b, err := tx.Bucket(bucketLists).CreateBucket(listKey(n))
	if err != nil {
		return nil, fmt.Errorf("issuer: creating list %d: %w", n, err)
	}
	alloc, err := status.NewAllocator(d.listSize)
	if err != nil {
		return nil, err
	}
	allocBytes, err := alloc.MarshalBinary()
	if err != nil {
		return nil, err
	}
	if err := b.Put(listAllocator, allocBytes); err != nil {
		return nil, err
	}
	if err := b.Put(listStatuses, make([]byte, d.listSize/4)); err != nil {
		return nil, err
	}
	if err := b.Put(listCreated, []byte(d.now().UTC().Format(time.RFC3339))); err != nil {
		return nil, err
	}
	return b, nil
}

// currentList returns the number of the list being filled.
func currentList(tx *bolt.Tx) uint32 {
	return binary.BigEndian.Uint32(tx.Bucket(bucketConfig).Get(configCurrent))
}

// nextListAt is the number of taken indexes of the current list at which
// the next list is opened: 90% of the list. The next list is published
// (empty) from then on, so that the operator can add its URI to the trust
// bundle's status lists before credentials refer to it.
func (d *StatusDir) nextListAt() int { return d.listSize - d.listSize/10 }

// loadAllocator restores the allocator of list b.
func (d *StatusDir) loadAllocator(n uint32, b *bolt.Bucket) (*status.Allocator, error) {
	var alloc status.Allocator
	if err := alloc.UnmarshalBinary(b.Get(listAllocator)); err != nil {
		return nil, fmt.Errorf("%w: list %d: %v", ErrStatusDirCorrupt, n, err)
	}
	if alloc.Len() != d.listSize {
		return nil, fmt.Errorf("%w: list %d has %d entries, config says %d", ErrStatusDirCorrupt, n, alloc.Len(), d.listSize)
	}
	return &alloc, nil
}

// reserve takes a random free index of the current list, moving on to the
// next list when the current one is full, and stores the allocator. The
// index is taken only if tx commits.
func (d *StatusDir) reserve(tx *bolt.Tx) (uint32, uint64, error) {
	lists := tx.Bucket(bucketLists)
	n := currentList(tx)
	b := lists.Bucket(listKey(n))
	if b == nil {
		return 0, 0, fmt.Errorf("%w: current list %d is missing", ErrStatusDirCorrupt, n)
	}
	alloc, err := d.loadAllocator(n, b)
	if err != nil {
		return 0, 0, err
	}
	if alloc.Used() == alloc.Len() { // full: move on to the next list
		n++
		if b = lists.Bucket(listKey(n)); b == nil {
			if b, err = d.createList(tx, n); err != nil {
				return 0, 0, err
			}
		}
		if alloc, err = d.loadAllocator(n, b); err != nil {
			return 0, 0, err
		}
		if err := tx.Bucket(bucketConfig).Put(configCurrent, listKey(n)); err != nil {
			return 0, 0, err
		}
	}
	idx, err := alloc.Allocate(nil) // crypto/rand
	if err != nil {
		return 0, 0, err
	}
	allocBytes, err := alloc.MarshalBinary()
	if err != nil {
		return 0, 0, err
	}
	if err := b.Put(listAllocator, allocBytes); err != nil {
		return 0, 0, err
	}
	if alloc.Used() >= d.nextListAt() && lists.Bucket(listKey(n+1)) == nil {
		if _, err := d.createList(tx, n+1); err != nil {
			return 0, 0, err
		}
	}
	return n, idx, nil
}

// Issue issues req through is with a fresh status reference from this
// dir, and records the credential. Taking the index (a random free one of
// the current list; the next list when it fills), signing, and recording
// happen in one transaction: if any step fails nothing is stored, and the
// credential is returned only once its record is durable, so no
// credential can carry an index the dir does not know as taken. req.Status
// must be nil.
//
// Issue holds the dir's write lock while is signs; a signer that takes
// long (a remote HSM) slows every other writer down by as much.
func (d *StatusDir) Issue(is *Issuer, req Request) (*Issued, error) {
	if req.Status != nil {
		return nil, fmt.Errorf("%w: the request already has a status reference; the status dir assigns it", ErrRequest)
	}
	var issued *Issued
	err := d.db.Update(func(tx *bolt.Tx) error {
		n, idx, err := d.reserve(tx)
		if err != nil {
			return err
		}
		req.Status = &credential.StatusRef{Index: idx, URI: d.ListURI(n)}
		out, err := is.Issue(req)
		if err != nil {
			return err
		}
		rec := recordWire{
			Type:     req.Type,
			Level:    uint8(out.Claims.Level),
			KID:      base64.RawURLEncoding.EncodeToString(is.key.KID()),
			IssuedAt: out.Claims.IssuedAt.Unix(),
			Expiry:   out.Claims.Expiry.Unix(),
		}
		if err := putRecord(tx, n, idx, &rec); err != nil {
			return err
		}
		issued = out
		return nil
	})
	if err != nil {
		return nil, err
	}
	return issued, nil
}

// recordWire is the stored form of a credential record (JSON).
type recordWire struct {
	Type     string       `json:"type"`
	Level    uint8        `json:"level"`
	KID      string       `json:"kid"`
	IssuedAt int64        `json:"iat"`
	Expiry   int64        `json:"exp"`
	Status   uint8        `json:"status"`
	History  []changeWire `json:"history,omitempty"`
}

type changeWire struct {
	At     int64  `json:"at"`
	Status uint8  `json:"status"`
	Reason string `json:"reason,omitempty"`
}

func putRecord(tx *bolt.Tx, n uint32, idx uint64, rec *recordWire) error {
	data, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketCredentials).Put(credentialKey(n, idx), data)
}

// DirRecord is what a status dir knows about a credential it
// issued. It holds no claims.
type DirRecord struct {
	// ID is the credential id, URI#IDX.
	ID string
	// Ref is the credential's status reference.
	Ref credential.StatusRef
	// Type is the credential type's name; Level its assurance level.
	Type  string
	Level credential.Level
	// KID is the kid of the key that signed the credential.
	KID []byte
	// IssuedAt and Expiry are the credential's iat and exp.
	IssuedAt, Expiry time.Time
	// Status is the credential's current status.
	Status status.Status
	// History lists the status changes, oldest first (at most the last 32).
	History []DirChange
}

// DirChange is one change of a credential's status.
type DirChange struct {
	At     time.Time
	Status status.Status
	Reason string
}

func (w *recordWire) record(id string, ref credential.StatusRef) (*DirRecord, error) {
	kid, err := base64.RawURLEncoding.DecodeString(w.KID)
	if err != nil {
		return nil, fmt.Errorf("%w: record %s: kid: %v", ErrStatusDirCorrupt, id, err)
	}
	r := &DirRecord{
		ID:       id,
		Ref:      ref,
		Type:     w.Type,
		Level:    credential.Level(w.Level),
		KID:      kid,
		IssuedAt: time.Unix(w.IssuedAt, 0).UTC(),
		Expiry:   time.Unix(w.Expiry, 0).UTC(),
		Status:   status.Status(w.Status),
	}
	for _, c := range w.History {
		r.History = append(r.History, DirChange{At: time.Unix(c.At, 0).UTC(), Status: status.Status(c.Status), Reason: c.Reason})
	}
	return r, nil
}

// parseID splits a credential id into list number and index, checking that
// it names one of this dir's lists and an index inside it. It does not
// look at the records.
func (d *StatusDir) parseID(id string) (uint32, uint64, error) {
	uri, idxText, ok := strings.Cut(id, "#")
	if !ok {
		return 0, 0, fmt.Errorf("%w: %q has no '#': want LIST_URI#INDEX, such as %s#734512", ErrMalformedID, id, d.ListURI(1))
	}
	idx, err := parseDecimal(idxText, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("%w: %q: index %q is not a decimal number", ErrMalformedID, id, idxText)
	}
	numText, ok := strings.CutPrefix(uri, d.baseURI)
	if !ok {
		return 0, 0, fmt.Errorf("%w: %s: list %s is not one of this dir's lists (%sN)", ErrNotIssued, id, uri, d.baseURI)
	}
	n, err := parseDecimal(numText, 32)
	if err != nil || n == 0 {
		return 0, 0, fmt.Errorf("%w: %s: list %s is not one of this dir's lists (%sN)", ErrNotIssued, id, uri, d.baseURI)
	}
	if idx >= uint64(d.listSize) {
		return 0, 0, fmt.Errorf("%w: %s: index %d is past the end of lists of %d entries", ErrNotIssued, id, idx, d.listSize)
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

// getRecord reads the record of (n, idx).
func getRecord(tx *bolt.Tx, id string, n uint32, idx uint64) (*recordWire, error) {
	data := tx.Bucket(bucketCredentials).Get(credentialKey(n, idx))
	if data == nil {
		return nil, fmt.Errorf("%w: no credential %s", ErrNotIssued, id)
	}
	var w recordWire
	if err := json.Unmarshal(data, &w); err != nil {
		return nil, fmt.Errorf("%w: record %s: %v", ErrStatusDirCorrupt, id, err)
	}
	return &w, nil
}

// Credential returns the record of the credential with the given id
// (URI#IDX). An id this dir never issued is ErrNotIssued; one that is not
// of that form is ErrMalformedID.
func (d *StatusDir) Credential(id string) (*DirRecord, error) {
	n, idx, err := d.parseID(id)
	if err != nil {
		return nil, err
	}
	var rec *DirRecord
	err = d.db.View(func(tx *bolt.Tx) error {
		w, err := getRecord(tx, id, n, idx)
		if err != nil {
			return err
		}
		rec, err = w.record(id, credential.StatusRef{Index: idx, URI: d.ListURI(n)})
		return err
	})
	return rec, err
}

// FindCredential returns the record of a credential given as its COSE
// bytes. It reads the status reference without checking the signature
// (credential.Signed.Inspect), then checks that the record at that
// reference is this credential: same kid, iat and exp. A credential
// without a status reference, or one whose reference this dir did not
// give to it, is ErrNotIssued.
func (d *StatusDir) FindCredential(cose []byte) (*DirRecord, error) {
	signed, err := credential.Parse(cose)
	if err != nil {
		return nil, err
	}
	claims, err := signed.Inspect()
	if err != nil {
		return nil, err
	}
	if claims.Status == nil {
		return nil, fmt.Errorf("%w: the credential carries no status reference (issued without a status dir)", ErrNotIssued)
	}
	id := CredentialID(claims.Status)
	rec, err := d.Credential(id)
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

// SetStatus sets the status of the credential id (URI#IDX) to s (Valid,
// Revoked or Suspended), records when and why, and updates its list, in
// one transaction; the change reaches verifiers at the next Publish. It
// returns the status the credential had before.
//
// Revocation is final: a revoked credential cannot be suspended or
// reinstated (ErrRevocationFinal). Setting the status a credential
// already has changes nothing and is not an error (the caller sees it in
// the returned status). reason is free text for the issuer's own record,
// at most MaxReasonLen bytes of printable UTF-8; it must not hold personal
// data. An id this dir never issued is ErrNotIssued.
func (d *StatusDir) SetStatus(id string, s status.Status, reason string) (status.Status, error) {
	if s != status.Valid && s != status.Revoked && s != status.Suspended {
		return 0, fmt.Errorf("%w: %v", status.ErrInvalidStatus, s)
	}
	if err := checkReason(reason); err != nil {
		return 0, err
	}
	n, idx, err := d.parseID(id)
	if err != nil {
		return 0, err
	}
	var previous status.Status
	err = d.db.Update(func(tx *bolt.Tx) error {
		rec, err := getRecord(tx, id, n, idx)
		if err != nil {
			return err
		}
		previous = status.Status(rec.Status)
		switch {
		case previous == s:
			return nil
		case previous == status.Revoked:
			at := "earlier"
			if len(rec.History) > 0 {
				at = "at " + time.Unix(rec.History[len(rec.History)-1].At, 0).UTC().Format(time.RFC3339)
			}
			return fmt.Errorf("%w: %s was revoked %s and cannot be %s", ErrRevocationFinal, id, at, verbFor(s))
		}
		b := tx.Bucket(bucketLists).Bucket(listKey(n))
		if b == nil {
			return fmt.Errorf("%w: record %s refers to missing list %d", ErrStatusDirCorrupt, id, n)
		}
		list, err := status.FromBytes(b.Get(listStatuses))
		if err != nil || list.Len() != d.listSize {
			return fmt.Errorf("%w: list %d: bad statuses", ErrStatusDirCorrupt, n)
		}
		if err := list.Set(idx, s); err != nil {
			return err
		}
		if err := b.Put(listStatuses, list.Bytes()); err != nil {
			return err
		}
		rec.Status = uint8(s)
		rec.History = append(rec.History, changeWire{At: d.now().Unix(), Status: uint8(s), Reason: reason})
		if len(rec.History) > maxHistory {
			rec.History = rec.History[len(rec.History)-maxHistory:]
		}
		return putRecord(tx, n, idx, rec)
	})
	if err != nil {
		return 0, err
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

// ListInfo describes one list of a status dir.
type ListInfo struct {
	// Number is the list's number (1, 2, ...), URI its name.
	Number uint32
	URI    string
	// Size is the number of entries; Used how many indexes are taken.
	Size, Used int
	// Revoked and Suspended count the entries with those statuses.
	Revoked, Suspended int
	// Created is when the list was opened.
	Created time.Time
	// Current is true for the list new credentials go into. Lists after it
	// are open but empty: the next list opens when the current one is 90%
	// full, so that it can join the trust bundle before it is used.
	Current bool
}

// Lists describes every list, oldest first.
func (d *StatusDir) Lists() ([]ListInfo, error) {
	var out []ListInfo
	err := d.db.View(func(tx *bolt.Tx) error {
		current := currentList(tx)
		return forEachList(tx, func(n uint32, b *bolt.Bucket) error {
			alloc, err := d.loadAllocator(n, b)
			if err != nil {
				return err
			}
			list, err := d.loadList(n, b)
			if err != nil {
				return err
			}
			counts := list.Count()
			created, _ := time.Parse(time.RFC3339, string(b.Get(listCreated)))
			out = append(out, ListInfo{
				Number: n, URI: d.ListURI(n), Size: alloc.Len(), Used: alloc.Used(),
				Revoked: counts[status.Revoked], Suspended: counts[status.Suspended], Created: created,
				Current: n == current,
			})
			return nil
		})
	})
	return out, err
}

// loadList copies the statuses of list b out of the transaction.
func (d *StatusDir) loadList(n uint32, b *bolt.Bucket) (*status.List, error) {
	list, err := status.FromBytes(b.Get(listStatuses))
	if err != nil || list.Len() != d.listSize {
		return nil, fmt.Errorf("%w: list %d: bad statuses", ErrStatusDirCorrupt, n)
	}
	return list, nil
}

// forEachList calls fn for every list in order of number.
func forEachList(tx *bolt.Tx, fn func(n uint32, b *bolt.Bucket) error) error {
	lists := tx.Bucket(bucketLists)
	return lists.ForEach(func(k, v []byte) error {
		b := lists.Bucket(k)
		if len(k) != 4 || v != nil || b == nil {
			return fmt.Errorf("%w: unexpected key %x in lists", ErrStatusDirCorrupt, k)
		}
		return fn(binary.BigEndian.Uint32(k), b)
	})
}
