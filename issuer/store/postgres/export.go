package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/issuer/store/storecopy"
)

var _ storecopy.Source = (*Store)(nil)

// Export implements storecopy.Source: every record, in one REPEATABLE
// READ transaction, in the order storecopy.Source gives. Rows are
// streamed, not collected.
func (s *Store) Export(fn func(rec any) error) error {
	ctx := context.Background()
	ptx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return classify(err, s.url)
	}
	defer ptx.Rollback(context.Background())
	records := func(what, sql string, newRec func() any) error {
		rows, err := ptx.Query(ctx, sql)
		if err != nil {
			return err
		}
		var data []byte
		_, err = pgx.ForEachRow(rows, []any{&data}, func() error {
			r := newRec()
			if err := json.Unmarshal(data, r); err != nil {
				return fmt.Errorf("%w: %s record: %v", issuer.ErrStoreCorrupt, what, err)
			}
			return fn(r)
		})
		return err
	}
	steps := []func() error{
		func() error {
			return records("config", `SELECT record FROM config`, func() any { return new(issuer.Config) })
		},
		func() error {
			return records("list", `SELECT record FROM lists ORDER BY number`, func() any { return new(issuer.ListRecord) })
		},
		func() error {
			return records("credential", `SELECT record FROM credentials ORDER BY list, idx`, func() any { return new(issuer.CredentialRecord) })
		},
		func() error {
			return records("status change", `SELECT record FROM status_changes ORDER BY seq`, func() any { return new(issuer.StatusChange) })
		},
		func() error {
			return records("client", `SELECT record FROM clients ORDER BY name COLLATE "C"`, func() any { return new(issuer.Client) })
		},
		func() error {
			return records("terminal", `SELECT record FROM terminals ORDER BY name COLLATE "C"`, func() any { return new(issuer.Terminal) })
		},
		func() error {
			rows, err := ptx.Query(ctx, `SELECT kind, id, expires FROM used_once ORDER BY kind COLLATE "C", id COLLATE "C"`)
			if err != nil {
				return err
			}
			var kind, id string
			var exp int64
			_, err = pgx.ForEachRow(rows, []any{&kind, &id, &exp}, func() error {
				return fn(&storecopy.UsedOnce{Kind: kind, ID: id, Expires: time.Unix(exp, 0).UTC()})
			})
			return err
		},
		func() error {
			return records("idempotency", `SELECT record FROM idempotency ORDER BY client COLLATE "C", key COLLATE "C"`, func() any { return new(issuer.IdempotencyRecord) })
		},
		func() error {
			rows, err := ptx.Query(ctx, `SELECT seq, prev, hash, body FROM audit ORDER BY seq`)
			if err != nil {
				return err
			}
			var seq int64
			var prev, hash, body []byte
			_, err = pgx.ForEachRow(rows, []any{&seq, &prev, &hash, &body}, func() error {
				e, err := auditEntry(seq, prev, hash, append([]byte(nil), body...))
				if err != nil {
					return err
				}
				return fn(e)
			})
			return err
		},
		func() error {
			return records("checkpoint", `SELECT record FROM audit_checkpoints ORDER BY seq`, func() any { return new(issuer.Checkpoint) })
		},
		func() error {
			rows, err := ptx.Query(ctx, `SELECT kid, expires FROM key_expiry ORDER BY kid COLLATE "C"`)
			if err != nil {
				return err
			}
			var kid string
			var exp int64
			_, err = pgx.ForEachRow(rows, []any{&kid, &exp}, func() error {
				return fn(&storecopy.KeyExpiry{KID: kid, Expires: time.Unix(exp, 0).UTC()})
			})
			return err
		},
		func() error {
			return records("offer", `SELECT record FROM offers ORDER BY id COLLATE "C"`, func() any { return new(issuer.Offer) })
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return classify(err, s.url)
		}
	}
	return classify(ptx.Commit(ctx), s.url)
}
