// Package storecopy copies every record of one issuer store into another,
// empty, store (netcred db copy): configuration, lists, credentials,
// status changes, clients, terminals, used-once and idempotency records,
// audit entries and checkpoints, none changed.
//
// The source lists its records through Source, which each store
// implements beside issuer.Store (the Tx contract reads records by key,
// not all of a kind); the target is written through the ordinary Tx
// methods, so any issuer.Store can be a target.
package storecopy

import (
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/netcred/netcred/issuer"
)

// Errors of Copy.
var (
	// ErrTargetNotEmpty: the target store already holds records.
	ErrTargetNotEmpty = errors.New("storecopy: target store is not empty")
	// ErrMismatch: the target does not hold what the source does after
	// the copy (or the source's records contradict each other, such as
	// audit entries that do not chain).
	ErrMismatch = errors.New("storecopy: target differs from source")
)

// UsedOnce is a used-once record (issuer.Tx.UseOnce).
type UsedOnce struct {
	Kind, ID string
	// Expires is kept to the second.
	Expires time.Time
}

// KeyExpiry is the latest expiry recorded for a key
// (issuer.Tx.ExtendKeyExpiry).
type KeyExpiry struct {
	KID     string
	Expires time.Time
}

// Source is a store that lists every record it holds.
type Source interface {
	issuer.Store
	// Export calls fn for every record, in one consistent read, kind by
	// kind in this order: *issuer.Config, *issuer.ListRecord (by number),
	// *issuer.CredentialRecord (by list, index), *issuer.StatusChange (by
	// Seq), *issuer.Client (by name), *issuer.Terminal (by name),
	// *UsedOnce, *issuer.IdempotencyRecord, *issuer.AuditEntry (by Seq),
	// *issuer.Checkpoint (by Seq), *KeyExpiry (by kid), *issuer.Offer (by
	// ID). fn's error stops it and is returned.
	Export(fn func(rec any) error) error
}

// Counts is how many records of each kind were copied.
type Counts struct {
	Config, Lists, Credentials, StatusChanges, Clients, Terminals, UsedOnce, Idempotency, Audit, Checkpoints, KeyExpiries, Offers int
}

// Total is the number of records.
func (c Counts) Total() int {
	return c.Config + c.Lists + c.Credentials + c.StatusChanges + c.Clients + c.Terminals + c.UsedOnce + c.Idempotency + c.Audit + c.Checkpoints + c.KeyExpiries + c.Offers
}

func (c *Counts) add(rec any) {
	switch rec.(type) {
	case *issuer.Config:
		c.Config++
	case *issuer.ListRecord:
		c.Lists++
	case *issuer.CredentialRecord:
		c.Credentials++
	case *issuer.StatusChange:
		c.StatusChanges++
	case *issuer.Client:
		c.Clients++
	case *issuer.Terminal:
		c.Terminals++
	case *UsedOnce:
		c.UsedOnce++
	case *issuer.IdempotencyRecord:
		c.Idempotency++
	case *issuer.AuditEntry:
		c.Audit++
	case *issuer.Checkpoint:
		c.Checkpoints++
	case *KeyExpiry:
		c.KeyExpiries++
	case *issuer.Offer:
		c.Offers++
	}
}

// chunk is how many records one target transaction writes.
const chunk = 2000

// Empty reports whether st holds no issuer records that Copy would
// overwrite or interleave with: no configuration, list, client,
// terminal, audit entry, checkpoint or offer.
func Empty(st issuer.Store) (bool, error) {
	empty := true
	err := st.View(func(tx issuer.Tx) error {
		empty = true
		if _, err := tx.Config(); !errors.Is(err, issuer.ErrNotFound) {
			if err != nil {
				return err
			}
			empty = false
		}
		if _, err := tx.LastAudit(); !errors.Is(err, issuer.ErrNotFound) {
			if err != nil {
				return err
			}
			empty = false
		}
		ls, err := tx.Lists()
		if err != nil {
			return err
		}
		cs, err := tx.Clients()
		if err != nil {
			return err
		}
		ts, err := tx.Terminals()
		if err != nil {
			return err
		}
		n, err := tx.CountCredentials(1)
		if err != nil {
			return err
		}
		cp := 0
		if err := tx.Checkpoints(func(*issuer.Checkpoint) error { cp++; return nil }); err != nil {
			return err
		}
		if err := tx.Offers(func(*issuer.Offer) error { cp++; return nil }); err != nil {
			return err
		}
		if len(ls)+len(cs)+len(ts)+n+cp > 0 {
			empty = false
		}
		return nil
	})
	return empty, err
}

// Copy copies every record of src into dst, which must be empty
// (ErrTargetNotEmpty), then reads both back and compares them record by
// record (ErrMismatch on a difference). progress, when not nil, is called
// with the number of records written so far. The target's status change
// sequence numbers must come out as the source's: a source with gaps in
// them is refused (ErrMismatch) rather than renumbered.
func Copy(dst, src Source, progress func(written int)) (Counts, error) {
	var counts Counts
	empty, err := Empty(dst)
	if err != nil {
		return counts, err
	}
	if !empty {
		return counts, ErrTargetNotEmpty
	}
	var buf []any
	flush := func() error {
		if len(buf) == 0 {
			return nil
		}
		recs := buf
		err := dst.Update(func(tx issuer.Tx) error {
			for _, r := range recs {
				if err := write(tx, r); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, r := range recs {
			counts.add(r)
		}
		buf = nil
		if progress != nil {
			progress(counts.Total())
		}
		return nil
	}
	err = src.Export(func(rec any) error {
		buf = append(buf, rec)
		if len(buf) >= chunk {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return counts, err
	}
	return counts, Compare(dst, src)
}

// write writes one record through tx.
func write(tx issuer.Tx, rec any) error {
	switch r := rec.(type) {
	case *issuer.Config:
		return tx.PutConfig(r)
	case *issuer.ListRecord:
		return tx.PutList(r)
	case *issuer.CredentialRecord:
		return tx.InsertCredential(r)
	case *issuer.StatusChange:
		c := *r
		if err := tx.AppendStatusChange(&c); err != nil {
			return err
		}
		if c.Seq != r.Seq {
			return fmt.Errorf("%w: status change %d of the source became %d in the target (the source's sequence has a gap)", ErrMismatch, r.Seq, c.Seq)
		}
		return nil
	case *issuer.Client:
		return tx.InsertClient(r)
	case *issuer.Terminal:
		return tx.InsertTerminal(r)
	case *UsedOnce:
		return tx.UseOnce(r.Kind, r.ID, r.Expires, time.Time{})
	case *issuer.IdempotencyRecord:
		return tx.PutIdempotency(r)
	case *issuer.AuditEntry:
		if err := tx.AppendAudit(r); err != nil {
			return fmt.Errorf("%w: the source's audit log does not chain at entry %d (netcred audit verify names the problem): %w", ErrMismatch, r.Seq, err)
		}
		return nil
	case *issuer.Checkpoint:
		return tx.PutCheckpoint(r)
	case *KeyExpiry:
		return tx.ExtendKeyExpiry(r.KID, r.Expires)
	case *issuer.Offer:
		return tx.PutOffer(r)
	}
	return fmt.Errorf("storecopy: unknown record type %T", rec)
}

// Compare reads every record of src and dst side by side and reports the
// first difference (ErrMismatch).
func Compare(dst, src Source) error {
	recs := make(chan any, 256)
	done := make(chan struct{})
	srcErr := make(chan error, 1)
	go func() {
		defer close(recs)
		srcErr <- src.Export(func(rec any) error {
			select {
			case recs <- rec:
				return nil
			case <-done:
				return errStop
			}
		})
	}()
	n := 0
	err := dst.Export(func(got any) error {
		n++
		want, ok := <-recs
		if !ok {
			return fmt.Errorf("%w: the target has more records than the source (record %d: %T)", ErrMismatch, n, got)
		}
		if !reflect.DeepEqual(got, want) {
			return fmt.Errorf("%w: record %d: the target has %T %+v, the source %+v", ErrMismatch, n, got, got, want)
		}
		return nil
	})
	if err == nil {
		if _, more := <-recs; more {
			err = fmt.Errorf("%w: the source has more records than the target (%d)", ErrMismatch, n)
		}
	}
	close(done)
	for range recs { // let the source's Export finish
	}
	if serr := <-srcErr; err == nil && !errors.Is(serr, errStop) {
		err = serr
	}
	return err
}

var errStop = errors.New("storecopy: stopped")
