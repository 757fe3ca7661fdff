package issuer

// Publishing: every list of the store, signed as a Status List Token and
// written in the distribution layout of spec/status.md §7.

import (
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

// SignedList is one status list signed as a Status List Token.
type SignedList struct {
	PublishedList
	// Token is the signed token.
	Token []byte
}

// SignLists signs every list of the store with key as a Status List Token
// issued at now (or one second after the last publication, whichever is
// later), expiring validFor later, with the given ttl (at most validFor).
// Lists are read in one transaction, so the tokens show one consistent
// state; they are compressed and signed in parallel, one worker per CPU,
// outside any write transaction. The publication time is recorded so that
// the next one is later. It returns the lists in order of number.
//
// Any key may sign: after a key rotation the lists are signed by the
// current key, which verifiers must trust for the issuer (spec/status.md
// §4).
func (s *Service) SignLists(key *keys.PrivateKey, now time.Time, validFor, ttl time.Duration) ([]SignedList, error) {
	if key == nil {
		return nil, fmt.Errorf("%w: no signing key", ErrRequest)
	}
	if validFor < time.Second || ttl < 0 || ttl > validFor {
		return nil, fmt.Errorf("%w: status list validity %s and ttl %s (want validity of 1s or more and 0 <= ttl <= validity)", ErrValidity, validFor, ttl)
	}
	var lists []snapshot
	var last time.Time
	err := s.st.View(func(tx Tx) error {
		lists = nil
		c, err := tx.Config()
		if err != nil {
			return err
		}
		last = c.LastPublished
		recs, err := tx.Lists()
		if err != nil {
			return err
		}
		for _, l := range recs {
			list, err := status.New(l.Size)
			if err != nil {
				return fmt.Errorf("%w: list %d: %v", ErrStoreCorrupt, l.Number, err)
			}
			err = tx.NotValid(l.Number, func(idx uint64, st status.Status) error { return list.Set(idx, st) })
			if err != nil {
				return err
			}
			lists = append(lists, snapshot{uri: s.ListURI(l.Number), list: list})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Each publication gets a later iat than the last, even within one
	// second: verifiers keep the stored token on a tie, so a republished
	// revocation must never share its predecessor's iat.
	iat := now.UTC().Truncate(time.Second)
	if !last.IsZero() && !iat.After(last) {
		iat = last.UTC().Add(time.Second)
	}
	alg, kid, signer := key.Algorithm(), key.KID(), key.Signer()
	out := make([]SignedList, len(lists))
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
				counts := l.list.Count()
				out[i] = SignedList{Token: token, PublishedList: PublishedList{
					URI: l.uri, IssuedAt: iat, Expiry: iat.Add(validFor).Truncate(time.Second), TTL: ttl.Truncate(time.Second),
					Bytes: len(token), Size: l.list.Len(), Revoked: counts[status.Revoked], Suspended: counts[status.Suspended],
				}}
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
	err = s.st.Update(func(tx Tx) error {
		c, err := tx.Config()
		if err != nil {
			return err
		}
		if c.LastPublished.Before(iat) {
			c.LastPublished = iat
		}
		return tx.PutConfig(c)
	})
	if err != nil {
		return nil, fmt.Errorf("issuer: recording the publication: %w", err)
	}
	return out, nil
}

// Publish signs every list (as SignLists) and writes each token to
// outDir/status/<status.FileName(uri)>, then outDir/status/index.json,
// each file atomically (a temporary file in the same directory, flushed,
// then renamed). It returns the lists in order of number.
func (s *Service) Publish(key *keys.PrivateKey, outDir string, now time.Time, validFor, ttl time.Duration) ([]PublishedList, error) {
	signed, err := s.SignLists(key, now, validFor, ttl)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(outDir, PublishedDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("issuer: publishing: %w", err)
	}
	out := make([]PublishedList, len(signed))
	for i, l := range signed {
		path := filepath.Join(dir, status.FileName(l.URI))
		if err := atomicfile.Write(path, l.Token, 0o644); err != nil {
			return nil, err
		}
		out[i] = l.PublishedList
		out[i].File = path
	}
	generated := time.Now().UTC()
	if len(out) > 0 {
		generated = out[0].IssuedAt
	}
	index := indexFile{Generated: generated.Format(time.RFC3339), KID: key.Public().KIDString(), Lists: map[string]indexEntry{}}
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
	return out, nil
}
