// Package postgres is the issuer's store on PostgreSQL (through
// github.com/jackc/pgx/v5), for several netcred serve instances sharing
// one database. It keeps the records of [issuer.Store] in the tables of
// spec/issuer.md §2.8, each record as the same JSON the embedded store
// keeps.
//
// # Basics
//
// Open connects (pgxpool) with the settings of a postgres:// or
// postgresql:// URL, as libpq reads them: host, port, user, password,
// dbname, sslmode (disable, allow, prefer, require, verify-ca,
// verify-full), sslrootcert, sslcert, sslkey, connect_timeout,
// application_name, and pgxpool's pool_max_conns. It applies pending
// schema migrations (Options.NoMigrate refuses instead) and refuses a
// schema newer than it knows (ErrSchemaNewer).
//
// Update is group commit: calls that arrive while a transaction is
// committing are run together in the next one, each fn behind its own
// savepoint, so a failing fn is rolled back alone and the others commit.
// Their inserts and replacements are kept until the next read or the
// commit and then sent together, pipelined (the batch's credentials in one
// multi-row insert): a batch of issuances costs a few round trips, not a
// few per credential. One that the database refuses makes the batch run
// again statement by statement, where it fails in its own fn.
// Update returns after COMMIT, with synchronous_commit on: the write is
// durable (on the primary, and on synchronous standbys when the server
// is configured so).
//
// # Several processes
//
// Every write transaction first locks the one row of audit_head (SELECT
// ... FOR UPDATE) and only then reads what it will write, taking row
// locks (FOR UPDATE) on the configuration, list and credential rows it
// reads. The audit log is one hash chain, so its appends are ordered in
// any case; taking that lock first orders the writers of all processes in
// one sequence, with no deadlock, so that two instances never reserve the
// same counter range of a list and never fork the chain. Row locks in
// READ COMMITTED were chosen over SERIALIZABLE because every write
// transaction appends to the chain: under SERIALIZABLE two instances
// would conflict on nearly every commit and retry, where a lock makes the
// second wait for the first's commit and go on. A batch holds the lock
// for one transaction, so instances alternate batches; what is
// serialized is a few statements per credential, not a round trip per
// credential.
//
// Views run in REPEATABLE READ READ ONLY transactions: one snapshot.
//
// # Errors
//
// A server that cannot be reached, drops the connection or does not
// answer within Options.Timeout gives errors wrapping
// issuer.ErrStoreUnavailable. Errors never hold the URL's password.
package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/status"
)

// Errors of this package, besides those of the issuer.Store contract.
var (
	// ErrSchemaNewer: the database's schema is newer than this netcred
	// knows (a newer netcred migrated it).
	ErrSchemaNewer = errors.New("issuer/store/postgres: database schema is newer than this netcred")
	// ErrSchemaOld: the database's schema needs migrations that were not
	// to be applied (Options.NoMigrate or ReadOnly).
	ErrSchemaOld = errors.New("issuer/store/postgres: database schema needs migrating")
	// ErrClosed: the store was closed.
	ErrClosed = errors.New("issuer/store/postgres: store closed")
	// ErrURL: a database URL that cannot be used.
	ErrURL = errors.New("issuer/store/postgres: bad database URL")
)

// DefaultTimeout bounds one transaction when Options.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// DefaultMaxBatch is how many Updates one transaction commits at most
// when Options.MaxBatch is zero.
const DefaultMaxBatch = 1000

// Options configure Open.
type Options struct {
	// ReadOnly: Update fails with issuer.ErrReadOnly; no migration is
	// applied.
	ReadOnly bool
	// NoMigrate: refuse a schema older than SchemaVersion (ErrSchemaOld)
	// instead of migrating it.
	NoMigrate bool
	// MaxBatch is the most Updates committed in one transaction.
	MaxBatch int
	// Timeout bounds each transaction, including waiting for a
	// connection and for another process's lock.
	Timeout time.Duration
}

// IsURL reports whether s names a PostgreSQL database (postgres:// or
// postgresql://) rather than a file.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Redact returns the URL u with its password, in the userinfo or the
// query, replaced by xxxxx.
func Redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		// Cut the password out by hand: SCHEME://USER:PASSWORD@REST.
		scheme, rest, ok := strings.Cut(u, "://")
		at := strings.LastIndex(rest, "@")
		if !ok || at < 0 || strings.Contains(rest[at:], "password=") || strings.Contains(rest[:at], "password=") {
			return "(a database URL that does not parse)"
		}
		user, _, _ := strings.Cut(rest[:at], ":")
		if strings.ContainsAny(user, "/?#") {
			return "(a database URL that does not parse)"
		}
		return scheme + "://" + user + ":xxxxx" + rest[at:]
	}
	if p.User != nil {
		if _, ok := p.User.Password(); ok {
			p.User = url.UserPassword(p.User.Username(), "xxxxx")
		}
	}
	q := p.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		p.RawQuery = q.Encode()
	}
	return p.String()
}

// secrets returns the passwords in u, to be kept out of messages.
func secrets(u string) []string {
	var out []string
	// The password as written in the URL, whether or not it parses.
	if _, rest, ok := strings.Cut(u, "://"); ok {
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			if _, pw, ok := strings.Cut(rest[:at], ":"); ok && pw != "" {
				out = append(out, pw)
			}
		}
	}
	if p, err := url.Parse(u); err == nil {
		if p.User != nil {
			if pw, ok := p.User.Password(); ok && pw != "" {
				_, userinfo, _ := strings.Cut(url.UserPassword("", pw).String(), ":")
				out = append(out, pw, userinfo, url.PathEscape(pw), url.QueryEscape(pw))
			}
		}
		if pw := p.Query().Get("password"); pw != "" {
			out = append(out, pw, url.QueryEscape(pw))
		}
	}
	return out
}

// redactedError keeps the chain of err (errors.Is, errors.As) with a
// message from which the URL's passwords are removed.
type redactedError struct {
	err error
	msg string
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

func redact(err error, u string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	changed := false
	for _, s := range secrets(u) {
		if len(s) >= 1 && strings.Contains(msg, s) {
			msg = strings.ReplaceAll(msg, s, "xxxxx")
			changed = true
		}
	}
	if !changed {
		return err
	}
	return &redactedError{err: err, msg: msg}
}

// unavailable reports whether err means the server could not be used
// (as opposed to a statement it refused).
func unavailable(err error) bool {
	if err == nil {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case strings.HasPrefix(pe.Code, "08"), // connection exception
			pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03", // shutdown, crash, cannot connect now
			pe.Code == "53300", // too many connections
			pe.Code == "57014": // query canceled (statement timeout)
			return true
		}
		return false
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || pgconn.Timeout(err) || pgconn.SafeToRetry(err) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, pgx.ErrTxClosed) || strings.Contains(err.Error(), "conn closed")
}

// classify wraps a connection-level err in issuer.ErrStoreUnavailable and
// removes the URL's passwords from its message.
func classify(err error, u string) error {
	if err == nil || errors.Is(err, issuer.ErrStoreUnavailable) {
		return err
	}
	if unavailable(err) {
		err = fmt.Errorf("%w: PostgreSQL at %s: %w", issuer.ErrStoreUnavailable, Redact(u), err)
	}
	return redact(err, u)
}

// retryable: the whole transaction may be run again.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01") // serialization failure, deadlock
}

func parseConfig(u string) (*pgxpool.Config, error) {
	if !IsURL(u) {
		return nil, fmt.Errorf("%w: %s: want postgres://USER@HOST:PORT/DBNAME?sslmode=...", ErrURL, Redact(u))
	}
	cfg, err := pgxpool.ParseConfig(u)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrURL, Redact(u), redact(err, u))
	}
	// Durability: a commit returns only once it is flushed (the default;
	// the URL may ask for more, such as remote_apply, never for less).
	switch v := cfg.ConnConfig.RuntimeParams["synchronous_commit"]; v {
	case "":
		cfg.ConnConfig.RuntimeParams["synchronous_commit"] = "on"
	case "off", "local":
		return nil, fmt.Errorf("%w: %s: synchronous_commit=%s would acknowledge writes that a crash loses", ErrURL, Redact(u), v)
	}
	// A process stopped (or cut off) inside a transaction must not hold
	// the audit head's lock, which every writer waits for, for long.
	if cfg.ConnConfig.RuntimeParams["idle_in_transaction_session_timeout"] == "" {
		cfg.ConnConfig.RuntimeParams["idle_in_transaction_session_timeout"] = "30s"
	}
	if cfg.ConnConfig.RuntimeParams["application_name"] == "" {
		cfg.ConnConfig.RuntimeParams["application_name"] = "netcred"
	}
	return cfg, nil
}

// Store is an issuer.Store on a PostgreSQL database.
type Store struct {
	pool *pgxpool.Pool
	url  string
	opts Options

	mu      sync.Mutex
	pending []*call
	running bool
	closed  bool
	wg      sync.WaitGroup

	commits, updates atomic.Uint64
}

// Stats counts a store's work since Open.
type Stats struct {
	// Transactions is how many write transactions committed; Updates how
	// many Update calls they committed (group commit puts several in one).
	Transactions, Updates uint64
}

// Stats returns the store's counters.
func (s *Store) Stats() Stats {
	return Stats{Transactions: s.commits.Load(), Updates: s.updates.Load()}
}

var _ issuer.Store = (*Store)(nil)

type call struct {
	fn   func(issuer.Tx) error
	done chan error
}

// Open connects to the database at u (postgres:// or postgresql://),
// migrates its schema to SchemaVersion unless opts says not to, and
// returns the store.
func Open(ctx context.Context, u string, opts Options) (*Store, error) {
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = DefaultMaxBatch
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	cfg, err := parseConfig(u)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, classify(err, u)
	}
	s := &Store{pool: pool, url: u, opts: opts}
	if err := s.checkSchema(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// checkSchema migrates (or checks) the schema at Open.
func (s *Store) checkSchema(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return classify(err, s.url)
	}
	defer conn.Release()
	v, err := schemaVersion(ctx, conn)
	if err != nil {
		return classify(err, s.url)
	}
	switch {
	case v > SchemaVersion:
		return fmt.Errorf("%w: %s has schema version %d, this netcred knows up to %d", ErrSchemaNewer, Redact(s.url), v, SchemaVersion)
	case v == SchemaVersion:
		return nil
	case s.opts.ReadOnly || s.opts.NoMigrate:
		return fmt.Errorf("%w: %s has schema version %d, this netcred needs %d", ErrSchemaOld, Redact(s.url), v, SchemaVersion)
	}
	_, _, err = migrate(ctx, conn.Conn())
	return classify(err, s.url)
}

// SchemaVersion returns the schema version recorded in the database.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	v, err := schemaVersion(ctx, s.pool)
	return v, classify(err, s.url)
}

// URL returns the store's URL without its password.
func (s *Store) URL() string { return Redact(s.url) }

// Close waits for the Updates in progress and closes the connections.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	s.wg.Wait()
	s.pool.Close()
	return nil
}

// Update implements issuer.Store with group commit.
func (s *Store) Update(fn func(issuer.Tx) error) error {
	if s.opts.ReadOnly {
		return fmt.Errorf("%w: the store was opened read-only", issuer.ErrReadOnly)
	}
	c := &call{fn: fn, done: make(chan error, 1)}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	s.pending = append(s.pending, c)
	if !s.running {
		s.running = true
		s.wg.Add(1)
		go s.commitLoop()
	}
	s.mu.Unlock()
	return <-c.done
}

// commitLoop commits the pending calls, as many as MaxBatch per
// transaction, until none is left: calls that arrive during a commit go
// into the next.
func (s *Store) commitLoop() {
	defer s.wg.Done()
	for {
		s.mu.Lock()
		if len(s.pending) == 0 {
			s.running = false
			s.mu.Unlock()
			return
		}
		n := min(len(s.pending), s.opts.MaxBatch)
		batch := make([]*call, n)
		copy(batch, s.pending)
		s.pending = append(s.pending[:0], s.pending[n:]...)
		s.mu.Unlock()
		s.runBatch(batch)
	}
}

func (s *Store) runBatch(calls []*call) {
	var errs []error
	var err error
	deferWrites := true
	for attempt := 1; ; attempt++ {
		errs, err = s.tryBatch(calls, deferWrites)
		if errors.Is(err, errFallback) && deferWrites {
			deferWrites = false // a deferred write was refused: find whose, statement by statement
			continue
		}
		var ex *excluded
		if errors.As(err, &ex) {
			// A statement of that fn failed outside a savepoint, which
			// ends the transaction: that fn fails, the others run again.
			calls[ex.i].done <- classify(ex.err, s.url)
			calls = append(calls[:ex.i:ex.i], calls[ex.i+1:]...)
			if len(calls) == 0 {
				return
			}
			attempt--
			continue
		}
		if err == nil || !retryable(err) || attempt >= 5 {
			break
		}
		time.Sleep(time.Duration(attempt) * 5 * time.Millisecond)
	}
	for i, c := range calls {
		if err != nil {
			c.done <- classify(err, s.url)
		} else {
			c.done <- errs[i]
		}
	}
}

// tryBatch runs calls in one transaction. It returns each fn's error
// (that fn rolled back, the others committed), or one error for all when
// the transaction as a whole failed.
//
// With deferWrites, the writes that succeed unless something is already
// there (inserting a credential, replacing a list or the configuration,
// an idempotency record, updating a credential) are not sent when fn makes
// them but kept, and sent together, pipelined, before the next statement
// that reads or at commit: a batch of issuances is then one round trip
// for all its writes. If one of them is refused (it changed no row, or
// failed), the transaction is abandoned with errFallback and the batch
// runs again without deferring, where that write fails in its own fn.
func (s *Store) tryBatch(calls []*call, deferWrites bool) ([]error, error) {
	ctx, cancel := context.WithTimeout(context.Background(), s.opts.Timeout)
	defer cancel()
	pc, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	// A connection left inside a transaction (any error below) is
	// destroyed by Release, which rolls the transaction back.
	defer pc.Release()
	conn := pc.Conn()
	t := &tx{s: s, ctx: ctx, raw: conn, writable: true, savepoints: len(calls) > 1, deferWrites: deferWrites}
	t.q = flushing{t}
	b := &pgx.Batch{}
	b.Queue(`BEGIN ISOLATION LEVEL READ COMMITTED`)
	b.Queue(`SELECT seq, hash FROM audit_head FOR UPDATE`)
	br := conn.SendBatch(ctx, b)
	_, err = br.Exec()
	var head []byte
	if err == nil {
		err = br.QueryRow().Scan(&t.headSeq, &head)
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, pgx.ErrNoRows) {
		err = fmt.Errorf("%w: audit_head has no row", issuer.ErrStoreCorrupt)
	}
	if err != nil {
		return nil, err
	}
	if len(head) != 32 {
		return nil, fmt.Errorf("%w: audit_head hash of %d bytes", issuer.ErrStoreCorrupt, len(head))
	}
	copy(t.headHash[:], head)

	errs := make([]error, len(calls))
	for i, c := range calls {
		st := t.state()
		t.spSet, t.sqlErr, t.fnOps = false, nil, len(t.ops)
		err := runFn(c.fn, t)
		if t.fallback {
			return nil, errFallback
		}
		if err == nil && t.sqlErr != nil {
			err = t.sqlErr // fn went on after a failed statement
		}
		if err == nil {
			continue
		}
		if unavailable(t.sqlErr) || ctx.Err() != nil {
			return nil, err
		}
		if !t.savepoints {
			return nil, err // one fn: the transaction is rolled back
		}
		if t.sqlErr != nil && !t.spSet {
			return nil, &excluded{i: i, err: err}
		}
		if t.spSet {
			if _, rerr := conn.Exec(ctx, `ROLLBACK TO SAVEPOINT f`); rerr != nil {
				return nil, rerr
			}
		}
		t.restore(st)
		t.ops = t.ops[:t.fnOps]
		errs[i] = err
	}

	b = &pgx.Batch{}
	checks := t.queueOps(b, t.ops)
	t.ops = nil
	if n := len(t.audit); n > 0 {
		seqs, prevs, hashes, bodies := make([]int64, n), make([][]byte, n), make([][]byte, n), make([][]byte, n)
		for i, e := range t.audit {
			seqs[i], prevs[i], hashes[i], bodies[i] = int64(e.Seq), e.Prev[:], e.Hash[:], e.Body
		}
		b.Queue(`INSERT INTO audit (seq, prev, hash, body) SELECT * FROM unnest($1::bigint[], $2::bytea[], $3::bytea[], $4::bytea[])`,
			seqs, prevs, hashes, bodies)
		b.Queue(`UPDATE audit_head SET seq = $1, hash = $2`, int64(t.headSeq), t.headHash[:])
	}
	if b.Len() > 0 {
		if err := t.sendChecked(b, checks); err != nil {
			return nil, err
		}
	}
	tag, err := conn.Exec(ctx, `COMMIT`)
	if err == nil && tag.String() != "COMMIT" {
		err = fmt.Errorf("issuer/store/postgres: the transaction was rolled back (%s)", tag)
	}
	if err != nil {
		return nil, err
	}
	s.commits.Add(1)
	for _, err := range errs {
		if err == nil {
			s.updates.Add(1)
		}
	}
	return errs, nil
}

// excluded: fn i of a batch failed in a way that ends the transaction.
type excluded struct {
	i   int
	err error
}

func (e *excluded) Error() string { return e.err.Error() }

// runFn calls fn, turning a panic into an error for its caller alone.
func runFn(fn func(issuer.Tx) error, t *tx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("issuer/store/postgres: panic in Update: %v", r)
		}
	}()
	return fn(t)
}

// View implements issuer.Store: one REPEATABLE READ, READ ONLY
// transaction.
func (s *Store) View(fn func(issuer.Tx) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), s.opts.Timeout)
	defer cancel()
	ptx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return classify(err, s.url)
	}
	defer ptx.Rollback(context.Background())
	t := &tx{s: s, ctx: ctx, q: ptx, raw: ptx}
	if err := fn(t); err != nil {
		return classify(err, s.url)
	}
	return classify(ptx.Commit(ctx), s.url)
}

// queryer is what a tx runs statements on: a connection inside BEGIN
// (Update) or a pgx.Tx (View).
type queryer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// rawQueryer is a connection or pgx.Tx: a queryer that also pipelines.
type rawQueryer interface {
	queryer
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

type tx struct {
	s        *Store
	ctx      context.Context
	q        queryer // raw for a View; flushing for an Update
	raw      rawQueryer
	writable bool

	// Deferred writes (tryBatch): ops, of which those from fnOps on are
	// the running fn's; fallback once one was refused.
	deferWrites bool
	ops         []op
	fnOps       int
	fallback    bool

	// savepoints: each fn of the batch runs behind SAVEPOINT f, set
	// before its first write (spSet).
	savepoints bool
	spSet      bool
	sqlErr     error

	// The chain's head as locked at the start, then as appended; audit
	// holds the entries appended in this transaction, written at commit.
	headSeq  uint64
	headHash issuer.Hash
	last     *issuer.AuditEntry
	audit    []*issuer.AuditEntry
}

type txState struct {
	headSeq  uint64
	headHash issuer.Hash
	last     *issuer.AuditEntry
	naudit   int
}

func (t *tx) state() txState {
	return txState{t.headSeq, t.headHash, t.last, len(t.audit)}
}

func (t *tx) restore(st txState) {
	t.headSeq, t.headHash, t.last, t.audit = st.headSeq, st.headHash, st.last, t.audit[:st.naudit]
}

func (t *tx) fail(err error) error {
	if err != nil && t.sqlErr == nil {
		t.sqlErr = err
	}
	return classify(err, t.s.url)
}

func (t *tx) readOnly() error {
	if !t.writable {
		return fmt.Errorf("%w: write in a View", issuer.ErrReadOnly)
	}
	return nil
}

// errFallback: a deferred write was refused; the batch runs again without
// deferring.
var errFallback = errors.New("issuer/store/postgres: a deferred write was refused")

// op is a deferred write: a statement that must change want rows (-1: any
// number), or a credential to insert (coalesced with its neighbours).
type op struct {
	sql  string
	args []any
	want int64
	cred *credRow
}

type credRow struct {
	list, idx int64
	status    int16
	record    string
}

// deferOp keeps a write for later, or runs it now when not deferring.
func (t *tx) deferOp(o op, notDone func() error) error {
	if err := t.readOnly(); err != nil {
		return err
	}
	if t.deferWrites {
		t.ops = append(t.ops, o)
		return nil
	}
	if o.cred != nil {
		o.sql = `INSERT INTO credentials (list, idx, status, record) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`
		o.args, o.want = []any{o.cred.list, o.cred.idx, o.cred.status, o.cred.record}, 1
	}
	tag, err := t.exec(o.sql, o.args...)
	if err != nil {
		return err
	}
	if o.want >= 0 && tag.RowsAffected() != o.want {
		return notDone()
	}
	return nil
}

// queueOps queues ops on b and returns the rows each queued statement
// must change (-1: any). Credential inserts go in one statement; they may
// move past writes to other tables, never past another write to
// credentials.
func (t *tx) queueOps(b *pgx.Batch, ops []op) []int64 {
	var checks []int64
	var lists, idxs []int64
	var sts []int16
	var recs []string
	emit := func() {
		if len(lists) == 0 {
			return
		}
		b.Queue(`INSERT INTO credentials (list, idx, status, record)
			SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::smallint[], $4::json[]) ON CONFLICT DO NOTHING`, lists, idxs, sts, recs)
		checks = append(checks, int64(len(lists)))
		lists, idxs, sts, recs = nil, nil, nil, nil
	}
	for _, o := range ops {
		if c := o.cred; c != nil {
			lists, idxs, sts, recs = append(lists, c.list), append(idxs, c.idx), append(sts, c.status), append(recs, c.record)
			continue
		}
		if strings.HasPrefix(o.sql, "UPDATE credentials") {
			emit()
		}
		b.Queue(o.sql, o.args...)
		checks = append(checks, o.want)
	}
	emit()
	return checks
}

// sendChecked sends b and checks each statement's rows against checks
// (SAVEPOINT and the like: -1); a refused one sets fallback.
func (t *tx) sendChecked(b *pgx.Batch, checks []int64) error {
	br := t.raw.SendBatch(t.ctx, b)
	var err error
	for _, want := range checks {
		tag, e := br.Exec()
		if e != nil {
			err = e
			break
		}
		if want >= 0 && tag.RowsAffected() != want {
			err = errFallback
			break
		}
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil && !unavailable(err) && t.deferWrites {
		t.fallback = true
		err = errFallback
	}
	return t.fail(err)
}

// flush sends the deferred writes: the earlier fns', then (behind the
// running fn's savepoint) the running fn's.
func (t *tx) flush() error {
	if t.fallback {
		return errFallback
	}
	if len(t.ops) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	checks := t.queueOps(b, t.ops[:t.fnOps])
	cur := t.ops[t.fnOps:]
	setSP := len(cur) > 0 && t.savepoints && !t.spSet
	if setSP {
		b.Queue(`SAVEPOINT f`)
		checks = append(checks, -1)
	}
	checks = append(checks, t.queueOps(b, cur)...)
	t.ops, t.fnOps = t.ops[:0], 0
	if err := t.sendChecked(b, checks); err != nil {
		return err
	}
	if setSP {
		t.spSet = true
	}
	return nil
}

// flushing is a write transaction's queryer: every statement first sends
// the deferred writes.
type flushing struct{ t *tx }

func (f flushing) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if err := f.t.flush(); err != nil {
		return pgconn.CommandTag{}, err
	}
	return f.t.raw.Exec(ctx, sql, args...)
}

func (f flushing) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if err := f.t.flush(); err != nil {
		return nil, err
	}
	return f.t.raw.Query(ctx, sql, args...)
}

func (f flushing) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if err := f.t.flush(); err != nil {
		return errRow{err}
	}
	return f.t.raw.QueryRow(ctx, sql, args...)
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// exec runs a write, first setting the fn's savepoint (in the same round
// trip) when it has none yet.
func (t *tx) exec(sql string, args ...any) (pgconn.CommandTag, error) {
	if err := t.readOnly(); err != nil {
		return pgconn.CommandTag{}, err
	}
	if err := t.flush(); err != nil {
		return pgconn.CommandTag{}, err
	}
	if !t.savepoints || t.spSet {
		tag, err := t.raw.Exec(t.ctx, sql, args...)
		return tag, t.fail(err)
	}
	b := &pgx.Batch{}
	b.Queue(`SAVEPOINT f`)
	b.Queue(sql, args...)
	br := t.raw.SendBatch(t.ctx, b)
	_, err := br.Exec()
	var tag pgconn.CommandTag
	if err == nil {
		t.spSet = true
		tag, err = br.Exec()
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return tag, t.fail(err)
}

// writeScan runs a write that returns one row, as exec does.
func (t *tx) writeScan(dest []any, sql string, args ...any) error {
	if err := t.readOnly(); err != nil {
		return err
	}
	if err := t.flush(); err != nil {
		return err
	}
	if !t.savepoints || t.spSet {
		return t.fail(t.raw.QueryRow(t.ctx, sql, args...).Scan(dest...))
	}
	b := &pgx.Batch{}
	b.Queue(`SAVEPOINT f`)
	b.Queue(sql, args...)
	br := t.raw.SendBatch(t.ctx, b)
	_, err := br.Exec()
	if err == nil {
		t.spSet = true
		err = br.QueryRow().Scan(dest...)
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return t.fail(err)
}

// forUpdate locks the rows a write transaction reads.
func (t *tx) forUpdate() string {
	if t.writable {
		return " FOR UPDATE"
	}
	return ""
}

// getJSON reads one record column into v.
func (t *tx) getJSON(v any, what, sql string, args ...any) error {
	var data []byte
	err := t.q.QueryRow(t.ctx, sql, args...).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w: %s", issuer.ErrNotFound, what)
	}
	if err != nil {
		return t.fail(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%w: %s: %v", issuer.ErrStoreCorrupt, what, err)
	}
	return nil
}

// records reads a column of records, all of them before fn sees any (a
// connection runs one statement at a time, and fn may run more).
func (t *tx) records(sql string, args ...any) ([][]byte, error) {
	rows, err := t.q.Query(t.ctx, sql, args...)
	if err != nil {
		return nil, t.fail(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([]byte, error) {
		var b []byte
		err := r.Scan(&b)
		return b, err
	})
	return out, t.fail(err)
}

func marshal(v any) ([]byte, error) { return json.Marshal(v) }

func (t *tx) Config() (*issuer.Config, error) {
	var c issuer.Config
	return &c, t.getJSON(&c, "config", `SELECT record FROM config`+t.forUpdate())
}

func (t *tx) PutConfig(c *issuer.Config) error {
	data, err := marshal(c)
	if err != nil {
		return err
	}
	return t.deferOp(op{sql: `INSERT INTO config (singleton, record) VALUES (true, $1)
		ON CONFLICT (singleton) DO UPDATE SET record = EXCLUDED.record`, args: []any{string(data)}, want: 1}, nil)
}

func (t *tx) List(n uint32) (*issuer.ListRecord, error) {
	var l issuer.ListRecord
	return &l, t.getJSON(&l, fmt.Sprintf("list %d", n), `SELECT record FROM lists WHERE number = $1`+t.forUpdate(), int64(n))
}

func (t *tx) PutList(l *issuer.ListRecord) error {
	data, err := marshal(l)
	if err != nil {
		return err
	}
	return t.deferOp(op{sql: `INSERT INTO lists (number, record) VALUES ($1, $2)
		ON CONFLICT (number) DO UPDATE SET record = EXCLUDED.record`, args: []any{int64(l.Number), string(data)}, want: 1}, nil)
}

func (t *tx) Lists() ([]*issuer.ListRecord, error) {
	rows, err := t.q.Query(t.ctx, `SELECT number, record FROM lists ORDER BY number`)
	if err != nil {
		return nil, t.fail(err)
	}
	var out []*issuer.ListRecord
	var n int64
	var data []byte
	_, err = pgx.ForEachRow(rows, []any{&n, &data}, func() error {
		var l issuer.ListRecord
		if err := json.Unmarshal(data, &l); err != nil || int64(l.Number) != n {
			return fmt.Errorf("%w: list record %d", issuer.ErrStoreCorrupt, n)
		}
		out = append(out, &l)
		return nil
	})
	if err != nil {
		return nil, t.fail(err)
	}
	return out, nil
}

func (t *tx) Credential(list uint32, index uint64) (*issuer.CredentialRecord, error) {
	var c issuer.CredentialRecord
	return &c, t.getJSON(&c, fmt.Sprintf("credential %d#%d", list, index),
		`SELECT record FROM credentials WHERE list = $1 AND idx = $2`+t.forUpdate(), int64(list), int64(index))
}

func (t *tx) InsertCredential(c *issuer.CredentialRecord) error {
	data, err := marshal(c)
	if err != nil {
		return err
	}
	return t.deferOp(op{cred: &credRow{list: int64(c.List), idx: int64(c.Index), status: int16(c.Status), record: string(data)}}, func() error {
		return fmt.Errorf("%w: credential %d#%d", issuer.ErrExists, c.List, c.Index)
	})
}

func (t *tx) UpdateCredential(c *issuer.CredentialRecord) error {
	data, err := marshal(c)
	if err != nil {
		return err
	}
	return t.deferOp(op{sql: `UPDATE credentials SET status = $3, record = $4 WHERE list = $1 AND idx = $2`,
		args: []any{int64(c.List), int64(c.Index), int16(c.Status), string(data)}, want: 1}, func() error {
		return fmt.Errorf("%w: credential %d#%d", issuer.ErrNotFound, c.List, c.Index)
	})
}

func (t *tx) NotValid(list uint32, fn func(uint64, status.Status) error) error {
	rows, err := t.q.Query(t.ctx, `SELECT idx, status FROM credentials WHERE list = $1 AND status <> 0 ORDER BY idx`, int64(list))
	if err != nil {
		return t.fail(err)
	}
	type entry struct {
		idx int64
		st  int16
	}
	var es []entry
	var e entry
	if _, err := pgx.ForEachRow(rows, []any{&e.idx, &e.st}, func() error { es = append(es, e); return nil }); err != nil {
		return t.fail(err)
	}
	for _, e := range es {
		if e.idx < 0 || e.st < 0 || e.st > 3 {
			return fmt.Errorf("%w: credential %d#%d with status %d", issuer.ErrStoreCorrupt, list, e.idx, e.st)
		}
		if err := fn(uint64(e.idx), status.Status(e.st)); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) CountCredentials(list uint32) (int, error) {
	var n int64
	err := t.q.QueryRow(t.ctx, `SELECT count(*) FROM credentials WHERE list = $1`, int64(list)).Scan(&n)
	return int(n), t.fail(err)
}

func (t *tx) AppendStatusChange(c *issuer.StatusChange) error {
	if err := t.readOnly(); err != nil {
		return err
	}
	// Every write transaction holds the audit head's lock, so max + 1
	// is this transaction's to take.
	var seq int64
	if err := t.q.QueryRow(t.ctx, `SELECT coalesce(max(seq), 0) + 1 FROM status_changes`).Scan(&seq); err != nil {
		return t.fail(err)
	}
	cc := *c
	cc.Seq = uint64(seq)
	data, err := marshal(&cc)
	if err != nil {
		return err
	}
	if _, err := t.exec(`INSERT INTO status_changes (seq, list, idx, record) VALUES ($1, $2, $3, $4)`,
		seq, int64(c.List), int64(c.Index), data); err != nil {
		return err
	}
	c.Seq = uint64(seq)
	return nil
}

func (t *tx) StatusChanges(list uint32, index uint64) ([]*issuer.StatusChange, error) {
	recs, err := t.records(`SELECT record FROM status_changes WHERE list = $1 AND idx = $2 ORDER BY seq`, int64(list), int64(index))
	if err != nil {
		return nil, err
	}
	var out []*issuer.StatusChange
	for _, r := range recs {
		var c issuer.StatusChange
		if err := json.Unmarshal(r, &c); err != nil {
			return nil, fmt.Errorf("%w: status change of %d#%d: %v", issuer.ErrStoreCorrupt, list, index, err)
		}
		out = append(out, &c)
	}
	return out, nil
}

func (t *tx) Client(name string) (*issuer.Client, error) {
	var c issuer.Client
	return &c, t.getJSON(&c, fmt.Sprintf("client %q", name), `SELECT record FROM clients WHERE name = $1`+t.forUpdate(), name)
}

func (t *tx) ClientByTokenHash(h issuer.Hash) (*issuer.Client, error) {
	var c issuer.Client
	return &c, t.getJSON(&c, "no client with that token", `SELECT record FROM clients WHERE token_hash = $1`, h[:])
}

func (t *tx) InsertClient(c *issuer.Client) error {
	data, err := marshal(c)
	if err != nil {
		return err
	}
	tag, err := t.exec(`INSERT INTO clients (name, token_hash, record) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
		c.Name, c.TokenHash[:], data)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%w: client %q, or a client with that token hash", issuer.ErrExists, c.Name)
	}
	return nil
}

func (t *tx) UpdateClient(c *issuer.Client) error {
	old, err := t.Client(c.Name)
	if err != nil {
		return err
	}
	if old.TokenHash != c.TokenHash {
		return fmt.Errorf("%w: client %q: the token hash cannot change", issuer.ErrConflict, c.Name)
	}
	data, err := marshal(c)
	if err != nil {
		return err
	}
	_, err = t.exec(`UPDATE clients SET record = $2 WHERE name = $1`, c.Name, data)
	return err
}

func (t *tx) Clients() ([]*issuer.Client, error) {
	recs, err := t.records(`SELECT record FROM clients ORDER BY name COLLATE "C"`)
	if err != nil {
		return nil, err
	}
	var out []*issuer.Client
	for _, r := range recs {
		var c issuer.Client
		if err := json.Unmarshal(r, &c); err != nil {
			return nil, fmt.Errorf("%w: client: %v", issuer.ErrStoreCorrupt, err)
		}
		out = append(out, &c)
	}
	return out, nil
}

func (t *tx) Terminal(name string) (*issuer.Terminal, error) {
	var term issuer.Terminal
	return &term, t.getJSON(&term, fmt.Sprintf("terminal %q", name), `SELECT record FROM terminals WHERE name = $1`, name)
}

func (t *tx) InsertTerminal(term *issuer.Terminal) error {
	data, err := marshal(term)
	if err != nil {
		return err
	}
	tag, err := t.exec(`INSERT INTO terminals (name, record) VALUES ($1, $2) ON CONFLICT DO NOTHING`, term.Name, data)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%w: terminal %q", issuer.ErrExists, term.Name)
	}
	return nil
}

func (t *tx) DeleteTerminal(name string) error {
	tag, err := t.exec(`DELETE FROM terminals WHERE name = $1`, name)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%w: terminal %q", issuer.ErrNotFound, name)
	}
	return nil
}

func (t *tx) Terminals() ([]*issuer.Terminal, error) {
	recs, err := t.records(`SELECT record FROM terminals ORDER BY name COLLATE "C"`)
	if err != nil {
		return nil, err
	}
	var out []*issuer.Terminal
	for _, r := range recs {
		var term issuer.Terminal
		if err := json.Unmarshal(r, &term); err != nil {
			return nil, fmt.Errorf("%w: terminal: %v", issuer.ErrStoreCorrupt, err)
		}
		out = append(out, &term)
	}
	return out, nil
}

func (t *tx) UseOnce(kind, id string, expires, now time.Time) error {
	// A record expired at now is taken over; one still valid is kept,
	// and the statement changes no row.
	tag, err := t.exec(`INSERT INTO used_once (kind, id, expires) VALUES ($1, $2, $3)
		ON CONFLICT (kind, id) DO UPDATE SET expires = EXCLUDED.expires WHERE used_once.expires < $4`,
		kind, id, expires.Unix(), now.Unix())
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%w: %s %q was used before", issuer.ErrExists, kind, id)
	}
	return nil
}

func (t *tx) Idempotency(client, key string) (*issuer.IdempotencyRecord, error) {
	var r issuer.IdempotencyRecord
	return &r, t.getJSON(&r, fmt.Sprintf("idempotency key %q of %q", key, client),
		`SELECT record FROM idempotency WHERE client = $1 AND key = $2`, client, key)
}

func (t *tx) PutIdempotency(r *issuer.IdempotencyRecord) error {
	data, err := marshal(r)
	if err != nil {
		return err
	}
	var expires *time.Time
	if !r.Expires.IsZero() {
		e := r.Expires // a copy: the write may be sent after the caller changed r
		expires = &e
	}
	// A record expired at r.Created is replaced; any other is kept, and
	// the statement changes no row.
	return t.deferOp(op{sql: `INSERT INTO idempotency (client, key, record, expires) VALUES ($1, $2, $3, $4)
		ON CONFLICT (client, key) DO UPDATE SET record = EXCLUDED.record, expires = EXCLUDED.expires
		WHERE idempotency.expires IS NOT NULL AND idempotency.expires <= $5`,
		args: []any{r.Client, r.Key, string(data), expires, r.Created}, want: 1}, func() error {
		return fmt.Errorf("%w: idempotency key %q of %q", issuer.ErrExists, r.Key, r.Client)
	})
}

func (t *tx) DropExpired(now time.Time, limit int) (int, error) {
	if err := t.readOnly(); err != nil {
		return 0, err
	}
	if limit <= 0 {
		return 0, nil
	}
	// The earliest-expiring records of both kinds, at most limit, each
	// kind read through its expiry index.
	var n int64
	err := t.writeScan([]any{&n}, `WITH pick AS (
		SELECT k, a, b FROM (
			(SELECT 0 AS k, kind AS a, id AS b, to_timestamp(expires) AS at FROM used_once
				WHERE expires < $1 ORDER BY expires LIMIT $3)
			UNION ALL
			(SELECT 1, client, key, expires FROM idempotency
				WHERE expires IS NOT NULL AND expires < $2 ORDER BY expires LIMIT $3)
		) x ORDER BY at LIMIT $3
	), d1 AS (
		DELETE FROM used_once u USING pick p WHERE p.k = 0 AND u.kind = p.a AND u.id = p.b RETURNING 1
	), d2 AS (
		DELETE FROM idempotency i USING pick p WHERE p.k = 1 AND i.client = p.a AND i.key = p.b RETURNING 1
	)
	SELECT (SELECT count(*) FROM d1) + (SELECT count(*) FROM d2)`, now.Unix(), now, int64(limit))
	return int(n), err
}

// ceilUnix is t in Unix seconds, rounded up.
func ceilUnix(t time.Time) int64 {
	s := t.Unix()
	if t.Nanosecond() > 0 {
		s++
	}
	return s
}

func (t *tx) KeyExpiry(kid string) (time.Time, error) {
	var s int64
	err := t.q.QueryRow(t.ctx, `SELECT expires FROM key_expiry WHERE kid = $1`, kid).Scan(&s)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, fmt.Errorf("%w: no expiry recorded for key %s", issuer.ErrNotFound, kid)
	}
	if err != nil {
		return time.Time{}, t.fail(err)
	}
	return time.Unix(s, 0).UTC(), nil
}

func (t *tx) ExtendKeyExpiry(kid string, until time.Time) error {
	_, err := t.exec(`INSERT INTO key_expiry (kid, expires) VALUES ($1, $2)
		ON CONFLICT (kid) DO UPDATE SET expires = greatest(key_expiry.expires, EXCLUDED.expires)`, kid, ceilUnix(until))
	return err
}

func (t *tx) Offer(id string) (*issuer.Offer, error) {
	var o issuer.Offer
	return &o, t.getJSON(&o, fmt.Sprintf("offer %q", id), `SELECT record FROM offers WHERE id = $1`+t.forUpdate(), id)
}

func (t *tx) PutOffer(o *issuer.Offer) error {
	data, err := marshal(o)
	if err != nil {
		return err
	}
	tag, err := t.exec(`INSERT INTO offers (id, record) VALUES ($1, $2) ON CONFLICT DO NOTHING`, o.ID, data)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%w: offer %q", issuer.ErrExists, o.ID)
	}
	return nil
}

func (t *tx) UpdateOffer(o *issuer.Offer) error {
	data, err := marshal(o)
	if err != nil {
		return err
	}
	tag, err := t.exec(`UPDATE offers SET record = $2 WHERE id = $1`, o.ID, data)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%w: offer %q", issuer.ErrNotFound, o.ID)
	}
	return nil
}

func (t *tx) DeleteOffer(id string) error {
	tag, err := t.exec(`DELETE FROM offers WHERE id = $1`, id)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%w: offer %q", issuer.ErrNotFound, id)
	}
	return nil
}

func (t *tx) Offers(fn func(*issuer.Offer) error) error {
	recs, err := t.records(`SELECT record FROM offers ORDER BY id COLLATE "C"`)
	if err != nil {
		return err
	}
	for _, r := range recs {
		var o issuer.Offer
		if err := json.Unmarshal(r, &o); err != nil {
			return fmt.Errorf("%w: offer: %v", issuer.ErrStoreCorrupt, err)
		}
		if err := fn(&o); err != nil {
			return err
		}
	}
	return nil
}

func scanAudit(row pgx.Row) (*issuer.AuditEntry, error) {
	var seq int64
	var prev, hash, body []byte
	if err := row.Scan(&seq, &prev, &hash, &body); err != nil {
		return nil, err
	}
	return auditEntry(seq, prev, hash, body)
}

func auditEntry(seq int64, prev, hash, body []byte) (*issuer.AuditEntry, error) {
	if seq <= 0 || len(prev) != 32 || len(hash) != 32 {
		return nil, fmt.Errorf("%w: audit entry %d", issuer.ErrStoreCorrupt, seq)
	}
	e := &issuer.AuditEntry{Seq: uint64(seq), Body: json.RawMessage(body)}
	copy(e.Prev[:], prev)
	copy(e.Hash[:], hash)
	return e, nil
}

func copyEntry(e *issuer.AuditEntry) *issuer.AuditEntry {
	c := *e
	c.Body = append(json.RawMessage(nil), e.Body...)
	return &c
}

func (t *tx) LastAudit() (*issuer.AuditEntry, error) {
	if !t.writable {
		e, err := scanAudit(t.q.QueryRow(t.ctx, `SELECT seq, prev, hash, body FROM audit ORDER BY seq DESC LIMIT 1`))
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, fmt.Errorf("%w: the audit log is empty", issuer.ErrNotFound)
		}
		return e, t.fail(err)
	}
	if t.headSeq == 0 {
		return nil, fmt.Errorf("%w: the audit log is empty", issuer.ErrNotFound)
	}
	if t.last == nil || t.last.Seq != t.headSeq {
		// (t.raw: the deferred writes touch no audit entry, so this read
		// need not send them.)
		e, err := scanAudit(t.raw.QueryRow(t.ctx, `SELECT seq, prev, hash, body FROM audit WHERE seq = $1`, int64(t.headSeq)))
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, fmt.Errorf("%w: audit_head names entry %d, which is missing", issuer.ErrStoreCorrupt, t.headSeq)
		}
		if err != nil {
			return nil, t.fail(err)
		}
		if e.Hash != t.headHash {
			return nil, fmt.Errorf("%w: audit entry %d does not have audit_head's hash", issuer.ErrStoreCorrupt, t.headSeq)
		}
		t.last = e
	}
	return copyEntry(t.last), nil
}

func (t *tx) AppendAudit(e *issuer.AuditEntry) error {
	if err := t.readOnly(); err != nil {
		return err
	}
	if e.Seq != t.headSeq+1 {
		return fmt.Errorf("%w: audit entry %d after entry %d", issuer.ErrConflict, e.Seq, t.headSeq)
	}
	if e.Prev != t.headHash {
		return fmt.Errorf("%w: audit entry %d does not chain to entry %d (prev %s, want %s)", issuer.ErrConflict, e.Seq, t.headSeq, e.Prev, t.headHash)
	}
	c := copyEntry(e)
	t.audit = append(t.audit, c)
	t.headSeq, t.headHash, t.last = c.Seq, c.Hash, c
	return nil
}

func (t *tx) Audit(from uint64, fn func(*issuer.AuditEntry) error) error {
	rows, err := t.q.Query(t.ctx, `SELECT seq, prev, hash, body FROM audit WHERE seq >= $1 ORDER BY seq`, int64(min(from, 1<<62)))
	if err != nil {
		return t.fail(err)
	}
	var es []*issuer.AuditEntry
	var seq int64
	var prev, hash, body []byte
	_, err = pgx.ForEachRow(rows, []any{&seq, &prev, &hash, &body}, func() error {
		e, err := auditEntry(seq, prev, hash, append([]byte(nil), body...))
		if err == nil {
			es = append(es, e)
		}
		return err
	})
	if err != nil {
		return t.fail(err)
	}
	for _, e := range t.audit { // appended in this transaction, not yet written
		if e.Seq >= from {
			es = append(es, copyEntry(e))
		}
	}
	for _, e := range es {
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) PutCheckpoint(c *issuer.Checkpoint) error {
	data, err := marshal(c)
	if err != nil {
		return err
	}
	tag, err := t.exec(`INSERT INTO audit_checkpoints (seq, record) VALUES ($1, $2) ON CONFLICT DO NOTHING`, int64(c.Seq), data)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%w: checkpoint at entry %d", issuer.ErrExists, c.Seq)
	}
	return nil
}

func (t *tx) Checkpoints(fn func(*issuer.Checkpoint) error) error {
	recs, err := t.records(`SELECT record FROM audit_checkpoints ORDER BY seq`)
	if err != nil {
		return err
	}
	for _, r := range recs {
		var c issuer.Checkpoint
		if err := json.Unmarshal(r, &c); err != nil {
			return fmt.Errorf("%w: checkpoint: %v", issuer.ErrStoreCorrupt, err)
		}
		if err := fn(&c); err != nil {
			return err
		}
	}
	return nil
}
