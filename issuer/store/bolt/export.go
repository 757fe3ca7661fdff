package bolt

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/issuer/store/storecopy"
)

var _ storecopy.Source = (*Store)(nil)

// Export implements storecopy.Source: every record, in one read
// transaction, in the order storecopy.Source gives.
func (s *Store) Export(fn func(rec any) error) error {
	return s.db.View(func(btx *bolt.Tx) error {
		t := &tx{tx: btx}
		if c, err := t.Config(); err == nil {
			if err := fn(c); err != nil {
				return err
			}
		} else if !errors.Is(err, issuer.ErrNotFound) {
			return err
		}
		each := func(bucket []byte, newRec func() any) error {
			b, err := t.bucket(bucket)
			if err != nil {
				return err
			}
			return b.ForEach(func(k, v []byte) error {
				r := newRec()
				if err := json.Unmarshal(v, r); err != nil {
					return fmt.Errorf("%w: %s record %x: %v", issuer.ErrStoreCorrupt, bucket, k, err)
				}
				return fn(r)
			})
		}
		for _, k := range []struct {
			bucket []byte
			newRec func() any
		}{
			{bLists, func() any { return new(issuer.ListRecord) }},
			{bCredentials, func() any { return new(issuer.CredentialRecord) }},
			{bChanges, func() any { return new(issuer.StatusChange) }},
			{bClients, func() any { return new(issuer.Client) }},
			{bTerminals, func() any { return new(issuer.Terminal) }},
		} {
			if err := each(k.bucket, k.newRec); err != nil {
				return err
			}
		}
		b, err := t.bucket(bOnce)
		if err != nil {
			return err
		}
		err = b.ForEach(func(k, v []byte) error {
			kind, id, ok := bytes.Cut(k, []byte{0})
			if !ok || len(v) != 8 {
				return fmt.Errorf("%w: used_once record %q", issuer.ErrStoreCorrupt, k)
			}
			return fn(&storecopy.UsedOnce{Kind: string(kind), ID: string(id), Expires: time.Unix(int64(binary.BigEndian.Uint64(v)), 0).UTC()})
		})
		if err != nil {
			return err
		}
		for _, k := range []struct {
			bucket []byte
			newRec func() any
		}{
			{bIdempotency, func() any { return new(issuer.IdempotencyRecord) }},
			{bAudit, func() any { return new(issuer.AuditEntry) }},
			{bCheckpoints, func() any { return new(issuer.Checkpoint) }},
		} {
			if err := each(k.bucket, k.newRec); err != nil {
				return err
			}
		}
		b, err = t.bucket(bKeyExpiry)
		if err != nil {
			return err
		}
		err = b.ForEach(func(k, v []byte) error {
			if len(v) != 8 {
				return fmt.Errorf("%w: key_expiry record %q", issuer.ErrStoreCorrupt, k)
			}
			return fn(&storecopy.KeyExpiry{KID: string(k), Expires: time.Unix(int64(binary.BigEndian.Uint64(v)), 0).UTC()})
		})
		if err != nil {
			return err
		}
		return each(bOffers, func() any { return new(issuer.Offer) })
	})
}
