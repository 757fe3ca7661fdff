package main

// --db postgres://...: the PostgreSQL store, which several netcred serve
// instances may share.

import (
	"context"
	"errors"
	"time"

	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/issuer/store/bolt"
	"github.com/netcred/netcred/issuer/store/postgres"
)

// openPostgres opens the PostgreSQL store at url (migrating its schema
// unless readOnly) and the issuer rules over it.
func openPostgres(e *env, url string, is *issuer.Issuer, opts issuer.Options, readOnly bool) (*issuer.Service, int) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := postgres.Open(ctx, url, postgres.Options{ReadOnly: readOnly})
	if err != nil {
		errorf(e, "%v", err)
		switch {
		case errors.Is(err, issuer.ErrStoreUnavailable):
			hint(e, "check that PostgreSQL runs at %s and accepts this user", postgres.Redact(url))
		case errors.Is(err, postgres.ErrSchemaNewer):
			hint(e, "a newer netcred migrated this database: run that release")
		}
		return nil, exitUsage
	}
	return openRules(e, st, postgres.Redact(url), is, opts)
}

// storeName is how messages name the store: a database URL without its
// password.
func storeName(path string) string {
	if postgres.IsURL(path) {
		return postgres.Redact(path)
	}
	return path
}

// openRawStore opens the records at path without the issuer rules: a
// PostgreSQL database for a postgres:// URL (never migrated when
// readOnly), else a bbolt file.
func openRawStore(path string, readOnly bool) (issuer.Store, error) {
	if postgres.IsURL(path) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		return postgres.Open(ctx, path, postgres.Options{ReadOnly: readOnly})
	}
	return bolt.Open(path, bolt.Options{ReadOnly: readOnly})
}
