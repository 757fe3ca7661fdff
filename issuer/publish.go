package issuer

// Publishing: every list of a status dir, signed as a Status List Token and
// written in the distribution layout of spec/status.md §7.

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/netcred/netcred/credential/sign"
	"github.com/netcred/netcred/internal/atomicfile"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/status"
)

// Defaults of Publish's validity and ttl (spec/status.md §4).
const (
	DefaultStatusValidity = 48 * time.Hour
	DefaultStatusTTL      = time.Hour
)

// PublishedDir is the directory, under Publish's output directory, that
// holds the tokens and index.json; verifiers fetch BASE/status/<name>.cwt.
const PublishedDir = "status"

// PublishedIndex is the name of the summary file Publish writes next to
// the tokens.
const PublishedIndex = "index.json"

// PublishedList describes one Status List Token written by Publish.
type PublishedList struct {
	// URI is the list's uri (the token's sub); File the path written,
	// OUT/status/status.FileName(URI).
	URI, File string
	// IssuedAt, Expiry and TTL are the token's iat, exp and ttl.
	IssuedAt, Expiry time.Time
	TTL              time.Duration
	// Bytes is the size of the token.
	Bytes int
	// Size is the number of entries; Revoked and Suspended count entries.
	Size, Revoked, Suspended int
}

// indexFile is the JSON form of OUT/status/index.json, for people: which
// file holds which list, when it was signed and how many entries are
// revoked or suspended. It does not say how many indexes are taken, which
// the lists themselves hide (unused and valid entries are both 0).
type indexFile struct {
	Generated string                `json:"generated"`
	KID       string                `json:"kid"`
	Lists     map[string]indexEntry `json:"lists"`
}

type indexEntry struct {
	File      string `json:"file"`
	IssuedAt  string `json:"iat"`
	Expiry    string `json:"exp"`
	TTL       int64  `json:"ttl"`
	Bytes     int    `json:"bytes"`
	Entries   int    `json:"entries"`
	Revoked   int    `json:"revoked"`
	Suspended int    `json:"suspended"`
}

// snapshot is one list copied out of the database.
type snapshot struct {
	uri  string
	list *status.List
}

// Publish signs every list of the dir with key as a Status List Token
// issued at now, expiring validFor later, with the given ttl (ttl at most
// validFor), and writes each to outDir/status/<status.FileName(uri)>, then
// outDir/status/index.json, each file atomically (a temporary file in the
// same directory, flushed, then renamed). Lists are compressed and signed
// in parallel, one worker per CPU. It returns the lists in order of
// number.
//
// Publish reads the lists in one transaction, so the tokens show one
// consistent state of the dir. Any key may sign: after a key rotation the
// lists are signed by the current key, which verifiers must trust for the
// issuer (spec/status.md §4).
func (d *StatusDir) Publish(key *keys.PrivateKey, outDir string, now time.Time, validFor, ttl time.Duration) ([]PublishedList, error) {
	if key == nil {
		return nil, fmt.Errorf("%w: no signing key", ErrRequest)
	}
	if d.db.IsReadOnly() {
		return nil, fmt.Errorf("%w: publishing records the publication time; open the status dir for writing", ErrRequest)
	}
	if validFor < time.Second || ttl < 0 || ttl > validFor {
		return nil, fmt.Errorf("%w: status list validity %s and ttl %s (want validity of 1s or more and 0 <= ttl <= validity)", ErrValidity, validFor, ttl)
	}
	var lists []snapshot
	var lastIat int64
	err := d.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketConfig).Get(configLastIat); len(v) == 8 {
			lastIat = int64(binary.BigEndian.Uint64(v))
		}
		return forEachList(tx, func(n uint32, b *bolt.Bucket) error {
			list, err := d.loadList(n, b)
			if err != nil {
				return err
			}
			lists = append(lists, snapshot{uri: d.ListURI(n), list: list})
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(outDir, PublishedDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("issuer: publishing: %w", err)
	}
	// Each publication gets a later iat than the last, even within one
	// second: verifiers keep the stored token on a tie, so a republished
	// revocation must never share its predecessor's iat.
	iat := now.UTC().Truncate(time.Second)
	if last := time.Unix(lastIat, 0).UTC(); !iat.After(last) {
		iat = last.Add(time.Second)
	}
	alg, kid, signer := key.Algorithm(), key.KID(), key.Signer()

	out := make([]PublishedList, len(lists))
	errs := make([]error, len(lists))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(lists)) {
		wg.Go(func() {
			for i := range next {
				l := lists[i]
				token, err := sign.StatusToken(l.list, l.uri, iat, validFor, ttl, alg, kid, signer)
				if err != nil {
					errs[i] = fmt.Errorf("issuer: signing %s: %w", l.uri, err)
					continue
				}
				path := filepath.Join(dir, status.FileName(l.uri))
				if err := atomicfile.Write(path, token, 0o644); err != nil {
					errs[i] = err
					continue
				}
				counts := l.list.Count()
				out[i] = PublishedList{
					URI: l.uri, File: path, IssuedAt: iat, Expiry: iat.Add(validFor).Truncate(time.Second), TTL: ttl.Truncate(time.Second),
					Bytes: len(token), Size: l.list.Len(), Revoked: counts[status.Revoked], Suspended: counts[status.Suspended],
				}
			}
		})
	}
	for i := range lists {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	index := indexFile{Generated: iat.Format(time.RFC3339), KID: key.Public().KIDString(), Lists: map[string]indexEntry{}}
	for _, p := range out {
		index.Lists[p.URI] = indexEntry{
			File: filepath.Base(p.File), IssuedAt: p.IssuedAt.Format(time.RFC3339), Expiry: p.Expiry.Format(time.RFC3339),
			TTL: int64(p.TTL / time.Second), Bytes: p.Bytes, Entries: p.Size, Revoked: p.Revoked, Suspended: p.Suspended,
		}
	}
	data, err := json.MarshalIndent(index, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := atomicfile.Write(filepath.Join(dir, PublishedIndex), append(data, '\n'), 0o644); err != nil {
		return nil, err
	}
	if err := writeAggregation(dir, out); err != nil {
		return nil, err
	}
	atomicfile.SyncDir(dir)
	err = d.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketConfig).Put(configLastIat, binary.BigEndian.AppendUint64(nil, uint64(iat.Unix())))
	})
	if err != nil {
		return nil, fmt.Errorf("issuer: recording the publication: %w", err)
	}
	return out, nil
}
