package main

// Opening the issuer store for the commands that use it (issue, revoke,
// suspend, reinstate, status, clients, terminals, audit, bundle).

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/issuer/store/bolt"
	"github.com/netcred/netcred/issuer/store/postgres"
)

// storeFileName is the store's file inside a --status-dir DIR: --status-dir
// DIR is a synonym of --db DIR/issuer.db.
const storeFileName = "issuer.db"

// oldStatusDBName is the file of the status dirs of earlier netcred
// releases, which this one does not read.
const oldStatusDBName = "status.db"

// dbPath returns the store file named by --db or --status-dir ("" when
// neither is given).
func dbPath(db, dir string) string {
	if db != "" {
		return db
	}
	if dir != "" {
		return filepath.Join(dir, storeFileName)
	}
	return ""
}

// openService opens the store at path (creating it, and DIR for a
// --status-dir, when opts has a base URI) and the issuer rules over it,
// printing the error and a hint on failure. is may be nil for commands
// that sign nothing.
func openService(e *env, path string, is *issuer.Issuer, opts issuer.Options, readOnly bool) (*issuer.Service, int) {
	opts.Now = e.now
	if postgres.IsURL(path) {
		return openPostgres(e, path, is, opts, readOnly)
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		dir := filepath.Dir(path)
		if _, err := os.Stat(filepath.Join(dir, oldStatusDBName)); err == nil && filepath.Base(path) == storeFileName {
			errorf(e, "%s holds a status dir of an earlier netcred (%s), which this release does not read", dir, oldStatusDBName)
			hint(e, "keep the old dir for verifying its published lists, and create a new store with --db PATH --status-uri BASE_URI naming a new base URI")
			return nil, exitUsage
		}
		if readOnly || opts.BaseURI == "" {
			errorf(e, "no issuer store at %s (a new store needs a base URI for its status lists: --status-uri)", path)
			hint(e, "check the --db path, or create the store with its first credential: netcred issue ... --db %s --status-uri https://issuer.example/status/", path)
			return nil, exitUsage
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			errorf(e, "%v", err)
			return nil, exitUsage
		}
	}
	st, err := bolt.Open(path, bolt.Options{ReadOnly: readOnly})
	if err != nil {
		errorf(e, "%v", err)
		if errors.Is(err, issuer.ErrStoreLocked) {
			hint(e, "another netcred process, such as netcred serve, holds %s; while serve runs, go through its HTTP API (POST /v1/credentials, POST /v1/credentials/ID/revoke with a client token), or stop it first", path)
		}
		return nil, exitUsage
	}
	return openRules(e, st, path, is, opts)
}

// openRules opens the issuer rules over an open store, printing the error
// and a hint on failure (the store is then closed).
func openRules(e *env, st issuer.Store, path string, is *issuer.Issuer, opts issuer.Options) (*issuer.Service, int) {
	svc, err := issuer.Open(st, is, opts)
	if err != nil {
		st.Close()
		errorf(e, "%v", err)
		switch {
		case errors.Is(err, issuer.ErrNoStore):
			hint(e, "create the store with its first credential: netcred issue ... --db %s --status-uri https://issuer.example/status/", path)
		case errors.Is(err, issuer.ErrStoreConfig):
			hint(e, "leave out --status-uri and --list-size: the store remembers them")
		}
		return nil, exitUsage
	}
	return svc, exitOK
}
