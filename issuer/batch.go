package issuer

// Issuing at most once per key: the credential and the idempotency record
// that names it are written together, so that a caller that crashed
// between the store's commit and its own record of the answer gets the
// same credential again instead of a second one (netcred issue --batch).

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// OnceAnswer is the answer IssueOnce returns and records for its key.
type OnceAnswer struct {
	// ID is the credential id (LIST_URI#INDEX, CredentialID).
	ID string `json:"id"`
	// QR is the credential's QR text.
	QR string `json:"qr"`
	// Expires is the credential's expiry.
	Expires time.Time `json:"expires"`
}

// IssueOnce issues req as Issue does, at most once for (info.Client,
// key): the idempotency record holding the answer and requestHash is
// written in the same store write as the credential. The record is kept
// for Options.IdempotencyTTL (or until the credential expires); after
// that the key counts as unused. When a record for
// the key exists, IssueOnce issues nothing and returns the recorded answer
// with replayed set; when that record was made for another request (its
// hash differs), it returns ErrKeyReused. Concurrent calls with one key
// issue at most one credential between them (the loser's status entry is
// lost, never reused) and return the same answer.
func (s *Service) IssueOnce(req Request, info IssueInfo, key string, requestHash []byte) (ans *OnceAnswer, replayed bool, err error) {
	if key == "" {
		return nil, false, fmt.Errorf("%w: an empty idempotency key", ErrRequest)
	}
	if ans, err := s.Recorded(info.Client, key, requestHash); err == nil || !errors.Is(err, ErrNotFound) {
		if err != nil && !errors.Is(err, ErrKeyReused) {
			err = storeFailed(err)
		}
		return ans, err == nil, err
	}
	now := s.now().UTC()
	_, err = s.issue(req, info, func(tx Tx, out *Issued) error {
		a := OnceAnswer{ID: CredentialID(out.Claims.Status), QR: out.QR, Expires: out.Claims.Expiry.UTC()}
		resp, err := json.Marshal(a)
		if err != nil {
			return err
		}
		ans = &a
		expires := a.Expires
		if s.idemTTL > 0 {
			expires = now.Add(s.idemTTL)
		}
		return tx.PutIdempotency(&IdempotencyRecord{Client: info.Client, Key: key, RequestHash: requestHash, Response: resp, Created: now, Expires: expires})
	})
	if errors.Is(err, ErrExists) {
		// Another call with this key committed first: its answer stands.
		a, err := s.Recorded(info.Client, key, requestHash)
		if err != nil && !errors.Is(err, ErrKeyReused) {
			err = storeFailed(err)
		}
		return a, err == nil, err
	}
	if err != nil {
		return nil, false, err
	}
	return ans, false, nil
}

// Recorded returns the answer IssueOnce recorded for (client, key):
// ErrNotFound when there is none (or it expired), ErrKeyReused when it was
// made for a request whose hash is not requestHash. It is what a caller
// checks before work that must not be repeated for a retry (judging
// evidence that is used once).
func (s *Service) Recorded(client, key string, requestHash []byte) (*OnceAnswer, error) {
	var rec *IdempotencyRecord
	err := s.st.View(func(tx Tx) error {
		var err error
		rec, err = tx.Idempotency(client, key)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !rec.Expires.IsZero() && !s.now().Before(rec.Expires) {
		return nil, fmt.Errorf("%w: the record of key %q expired at %s", ErrNotFound, key, rec.Expires.Format(time.RFC3339))
	}
	if !bytes.Equal(rec.RequestHash, requestHash) {
		return nil, fmt.Errorf("%w: key %q", ErrKeyReused, key)
	}
	var a OnceAnswer
	if err := json.Unmarshal(rec.Response, &a); err != nil {
		return nil, fmt.Errorf("%w: idempotency record %q: %v", ErrStoreCorrupt, key, err)
	}
	return &a, nil
}
