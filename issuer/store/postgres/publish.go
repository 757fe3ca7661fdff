package postgres

// The Coordinator of the service instances sharing one database
// (issuer.Coordinator, spec/issuer.md "Several instances on one store"):
// a session-level advisory lock held on a dedicated connection elects
// the publisher, a sequence numbers the announced changes, LISTEN/NOTIFY
// wakes the other instances, and the last publication is kept in the
// tables publication and published_tokens.

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/netcred/netcred/issuer"
)

// PublishLockKey is the advisory lock the publisher holds (the first
// eight bytes of "netcred\x02" as a big-endian integer).
const PublishLockKey int64 = 0x6e657463726564_02

// The NOTIFY channels: a change to publish, a publication stored.
const (
	ChannelChanges   = "netcred_changes"
	ChannelPublished = "netcred_published"
)

var _ issuer.SharedStore = (*Store)(nil)

// Coordinator implements issuer.SharedStore: a new Coordinator over the
// store's pool, with its own two connections (the publish lock's and the
// listener's); its user closes it before the store.
func (s *Store) Coordinator() issuer.Coordinator {
	return NewCoordinator(s.pool, s.pool.Config().ConnConfig)
}

// Ping reports whether the database answers (issuer.ErrStoreUnavailable
// when it does not); /healthz of the service asks it.
func (s *Store) Ping(ctx context.Context) error {
	return classify(s.pool.Ping(ctx), s.url)
}

// Coordinator is an issuer.Coordinator over a PostgreSQL database.
type Coordinator struct {
	pool *pgxpool.Pool
	cfg  *pgx.ConnConfig

	mu       sync.Mutex // guards lockConn and held
	lockConn *pgx.Conn
	held     bool

	wake   chan struct{}
	stop   context.CancelFunc
	done   chan struct{}
	closed sync.Once
}

// NewCoordinator returns the Coordinator over the database of pool;
// cfg configures its two dedicated connections (the publish lock's and
// the listener's), normally pool.Config().ConnConfig. It starts
// listening at once, reconnecting while the database is unreachable.
func NewCoordinator(pool *pgxpool.Pool, cfg *pgx.ConnConfig) *Coordinator {
	ctx, cancel := context.WithCancel(context.Background())
	c := &Coordinator{pool: pool, cfg: cfg, wake: make(chan struct{}, 1), stop: cancel, done: make(chan struct{})}
	go c.listen(ctx)
	return c
}

func (c *Coordinator) signal() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// listen delivers the other instances' notifications to Wake; after a
// broken connection it reconnects and wakes once, for what it missed.
func (c *Coordinator) listen(ctx context.Context) {
	defer close(c.done)
	for ctx.Err() == nil {
		conn, err := pgx.ConnectConfig(ctx, c.cfg)
		if err == nil {
			_, err = conn.Exec(ctx, "LISTEN "+ChannelChanges+"; LISTEN "+ChannelPublished)
			if err == nil {
				c.signal()
			}
			for err == nil {
				var n *pgconn.Notification
				n, err = conn.WaitForNotification(ctx)
				if err == nil && n.PID != conn.PgConn().PID() {
					c.signal()
				}
			}
			conn.Close(context.Background())
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// PublishLock implements issuer.Coordinator: pg_try_advisory_lock on the
// dedicated connection, which keeps it until the connection ends; while
// it is held, a round trip on that connection checks it is still alive.
func (c *Coordinator) PublishLock(ctx context.Context) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lockConn != nil {
		if c.held {
			if _, err := c.lockConn.Exec(ctx, "SELECT 1"); err == nil {
				return true, nil
			}
		}
		c.dropLock()
	}
	conn, err := pgx.ConnectConfig(ctx, c.cfg)
	if err != nil {
		return false, wrapUnavailable(err)
	}
	var got bool
	if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", PublishLockKey).Scan(&got); err != nil {
		conn.Close(context.Background())
		return false, wrapUnavailable(err)
	}
	if !got {
		// Not kept open: an instance that does not publish holds no
		// connection for it.
		conn.Close(context.Background())
		return false, nil
	}
	c.lockConn, c.held = conn, true
	return true, nil
}

// dropLock closes the lock's connection (which releases the lock).
// c.mu is held.
func (c *Coordinator) dropLock() {
	if c.lockConn != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		c.lockConn.Close(ctx)
		cancel()
	}
	c.lockConn, c.held = nil, false
}

// committedChanges counts what publication shows, from the records
// themselves: the last status change's seq plus the last list's number.
// Both only grow, in commit order (writers hold the audit head), so a
// change committed by an instance that died before announcing it still
// raises the change number, and the publisher, polling, republishes it.
const committedChanges = "(SELECT coalesce(max(seq), 0) FROM status_changes) + (SELECT coalesce(max(number), 0) FROM lists)"

// Announce implements issuer.Coordinator: nextval of list_changes plus
// committedChanges, and a NOTIFY, in one statement.
func (c *Coordinator) Announce(ctx context.Context) (uint64, error) {
	var n int64
	err := c.pool.QueryRow(ctx, "SELECT nextval('list_changes') + "+committedChanges+", pg_notify($1, '')", ChannelChanges).Scan(&n, nil)
	if err != nil {
		return 0, wrapUnavailable(err)
	}
	return uint64(n), nil
}

// LastAnnounced implements issuer.Coordinator: list_changes' last value
// plus committedChanges.
func (c *Coordinator) LastAnnounced(ctx context.Context) (uint64, error) {
	var n int64
	err := c.pool.QueryRow(ctx, "SELECT CASE WHEN is_called THEN last_value ELSE 0 END + "+committedChanges+" FROM list_changes").Scan(&n)
	if err != nil {
		return 0, wrapUnavailable(err)
	}
	return uint64(n), nil
}

// PutPublication implements issuer.Coordinator: the publication row is
// replaced only by a later iat, the tokens with it, in one transaction
// that notifies at commit.
func (c *Coordinator) PutPublication(ctx context.Context, p *issuer.Publication) (bool, error) {
	stored := false
	err := pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, "UPDATE publication SET iat = $1, covers = $2 WHERE iat < $1", p.IssuedAt.UTC(), int64(p.Covers))
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM published_tokens"); err != nil {
			return err
		}
		rows := make([][]any, len(p.Tokens))
		for i, t := range p.Tokens {
			rows[i] = []any{t.URI, t.Data, t.IssuedAt.UTC(), t.Expiry.UTC(), int64(t.TTL / time.Second), int32(i + 1)}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"published_tokens"}, []string{"uri", "token", "iat", "exp", "ttl", "number"}, pgx.CopyFromRows(rows)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "SELECT pg_notify($1, '')", ChannelPublished); err != nil {
			return err
		}
		stored = true
		return nil
	})
	if err != nil {
		return false, wrapUnavailable(err)
	}
	return stored, nil
}

// Publication implements issuer.Coordinator, reading the publication and
// its tokens in one snapshot.
func (c *Coordinator) Publication(ctx context.Context, after time.Time) (*issuer.Publication, error) {
	var p *issuer.Publication
	err := pgx.BeginTxFunc(ctx, c.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		p = nil
		var iat time.Time
		var covers int64
		err := tx.QueryRow(ctx, "SELECT iat, covers FROM publication WHERE iat > $1 AND iat > '-infinity'", after.UTC()).Scan(&iat, &covers)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, "SELECT uri, token, iat, exp, ttl FROM published_tokens ORDER BY number")
		if err != nil {
			return err
		}
		out := &issuer.Publication{IssuedAt: iat.UTC(), Covers: uint64(covers)}
		for rows.Next() {
			var t issuer.PublishedToken
			var ttl int64
			if err := rows.Scan(&t.URI, &t.Data, &t.IssuedAt, &t.Expiry, &ttl); err != nil {
				return err
			}
			t.IssuedAt, t.Expiry, t.TTL = t.IssuedAt.UTC(), t.Expiry.UTC(), time.Duration(ttl)*time.Second
			out.Tokens = append(out.Tokens, t)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		p = out
		return nil
	})
	if err != nil {
		return nil, wrapUnavailable(err)
	}
	return p, nil
}

// Wake implements issuer.Coordinator.
func (c *Coordinator) Wake() <-chan struct{} { return c.wake }

// Close implements issuer.Coordinator: the lock is released, the
// listener stopped. The pool is the caller's.
func (c *Coordinator) Close() error {
	c.closed.Do(func() {
		c.stop()
		<-c.done
		c.mu.Lock()
		c.dropLock()
		c.mu.Unlock()
	})
	return nil
}

// wrapUnavailable marks the errors of an unreachable database with
// issuer.ErrStoreUnavailable.
func wrapUnavailable(err error) error {
	if err == nil || errors.Is(err, issuer.ErrStoreUnavailable) || !unavailable(err) {
		return err
	}
	return fmt.Errorf("%w: %w", issuer.ErrStoreUnavailable, err)
}
