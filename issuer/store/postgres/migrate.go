package postgres

// Versioned schema migrations (spec/issuer.md §2.8): migrations/NNNN_*.sql,
// embedded, applied in order of NNNN, all pending ones in one transaction
// under a transaction-level advisory lock, each recorded in
// schema_migrations.

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLock is the advisory lock key migrations hold (the first eight
// bytes of "netcred\x01" as a big-endian integer).
const migrationLock int64 = 0x6e657463726564_01

type migration struct {
	version int
	name    string
	sql     string
}

var migrations = mustLoadMigrations()

// SchemaVersion is the newest schema this package knows.
var SchemaVersion = migrations[len(migrations)-1].version

func mustLoadMigrations() []migration {
	ents, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		panic(err)
	}
	var out []migration
	for _, e := range ents {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			panic("issuer/store/postgres: bad migration file name " + e.Name())
		}
		b, err := migrationFiles.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			panic(err)
		}
		out = append(out, migration{version: v, name: strings.TrimSuffix(e.Name(), ".sql"), sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			panic("issuer/store/postgres: migrations are not numbered 1, 2, ...")
		}
	}
	return out
}

// querier is what migrations and version reads run on.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// schemaVersion returns the version recorded in schema_migrations (0 for
// a database without that table).
func schemaVersion(ctx context.Context, q querier) (int, error) {
	var v int
	err := q.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "42P01" { // undefined_table
		return 0, nil
	}
	return v, err
}

// migrate applies the pending migrations in one transaction and returns
// the schema version before and after. A schema newer than SchemaVersion
// is ErrSchemaNewer, nothing applied.
func migrate(ctx context.Context, conn *pgx.Conn) (from, to int, err error) {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return 0, 0, err
	}
	defer tx.Rollback(ctx)
	// Two processes starting together: the second waits here, then sees
	// the first one's migrations.
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
		return 0, 0, err
	}
	_, err = tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer PRIMARY KEY,
		name       text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now())`)
	if err != nil {
		return 0, 0, err
	}
	from, err = schemaVersion(ctx, tx)
	if err != nil {
		return 0, 0, err
	}
	if from > SchemaVersion {
		return from, from, fmt.Errorf("%w: the database's schema is version %d, this netcred knows up to %d", ErrSchemaNewer, from, SchemaVersion)
	}
	for _, m := range migrations[from:] {
		if _, err := tx.Exec(ctx, m.sql); err != nil {
			return from, from, fmt.Errorf("issuer/store/postgres: migration %s: %w", m.name, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.version, m.name); err != nil {
			return from, from, err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return from, from, err
	}
	return from, SchemaVersion, nil
}

// Migrate applies the pending migrations to the database at url and
// returns the schema versions before and after.
func Migrate(ctx context.Context, url string) (from, to int, err error) {
	cfg, err := parseConfig(url)
	if err != nil {
		return 0, 0, err
	}
	conn, err := pgx.ConnectConfig(ctx, cfg.ConnConfig)
	if err != nil {
		return 0, 0, classify(err, url)
	}
	defer conn.Close(context.Background())
	from, to, err = migrate(ctx, conn)
	return from, to, classify(err, url)
}
