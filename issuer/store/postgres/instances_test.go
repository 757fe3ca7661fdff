package postgres_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/issuer/store/postgres"
	"github.com/netcred/netcred/issuer/store/postgres/pgtest"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/status"
)

func open(t testing.TB, u string, opts postgres.Options) *postgres.Store {
	t.Helper()
	st, err := postgres.Open(context.Background(), u, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func connect(t testing.TB, u string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

var req = issuer.Request{Type: "identity", Level: credential.LevelSubstantial,
	Claims: map[string]any{"name": "王小明", "id_number": "11010519491231002X", "birth_date": "1949-12-31"}}

// TestTwoInstances: two stores on one database (as two serve processes
// would have: their own pools and services) issue and revoke at once
// into small lists that roll over: no status entry is given twice, every
// credential is recorded, and the audit log is one unbroken chain.
func TestTwoInstances(t *testing.T) {
	u := pgtest.URL(t)
	key, err := keys.Generate(credential.EdDSA)
	if err != nil {
		t.Fatal(err)
	}
	var svcs []*issuer.Service
	for i := range 2 {
		st := open(t, u, postgres.Options{})
		is := issuer.New(key, nil)
		opts := issuer.Options{Reserve: 8, CheckpointEvery: 50}
		if i == 0 {
			opts.BaseURI, opts.ListSize = "https://id.example/s/", 256
		}
		svc, err := issuer.Open(st, is, opts)
		if err != nil {
			t.Fatal(err)
		}
		svcs = append(svcs, svc)
	}
	const workers, each = 6, 60
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for w := range workers {
		svc := svcs[w%2]
		wg.Go(func() {
			for i := range each {
				out, err := svc.Issue(req, issuer.IssueInfo{Client: fmt.Sprint("w", w)})
				if err != nil {
					t.Error(err)
					return
				}
				id := issuer.CredentialID(out.Claims.Status)
				mu.Lock()
				if seen[id] {
					t.Errorf("status entry %s given twice", id)
				}
				seen[id] = true
				mu.Unlock()
				if i%7 == 0 {
					if _, err := svcs[(w+1)%2].SetStatus(id, status.Revoked, "test", nil); err != nil {
						t.Error(err)
					}
				}
			}
		})
	}
	wg.Wait()
	for _, svc := range svcs {
		if err := svc.Close(); err != nil {
			t.Error(err)
		}
	}
	st := open(t, u, postgres.Options{ReadOnly: true})
	total := 0
	err = st.View(func(tx issuer.Tx) error {
		lists, err := tx.Lists()
		if err != nil {
			return err
		}
		for _, l := range lists {
			n, err := tx.CountCredentials(l.Number)
			if err != nil {
				return err
			}
			total += n
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if total != workers*each {
		t.Errorf("%d credentials recorded; want %d", total, workers*each)
	}
	r, err := issuer.VerifyAudit(st, key.Public())
	if err != nil || !r.OK() {
		t.Fatalf("VerifyAudit = %+v, %v; want one unbroken chain", r, err)
	}
	if r.Covered != r.Last {
		t.Errorf("checkpoints cover up to %d of %d entries", r.Covered, r.Last)
	}
}

// TestAppendOnly: the database itself refuses to change or remove status
// changes, audit entries and checkpoints, or to move the chain's head back.
func TestAppendOnly(t *testing.T) {
	u := pgtest.URL(t)
	st := open(t, u, postgres.Options{})
	key, _ := keys.Generate(credential.EdDSA)
	svc, err := issuer.Open(st, issuer.New(key, nil), issuer.Options{BaseURI: "https://id.example/s/", ListSize: 64})
	if err != nil {
		t.Fatal(err)
	}
	out, err := svc.Issue(req, issuer.IssueInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SetStatus(issuer.CredentialID(out.Claims.Status), status.Suspended, "", nil); err != nil {
		t.Fatal(err)
	}
	if err := svc.Close(); err != nil {
		t.Fatal(err)
	}
	conn := connect(t, u)
	for _, sql := range []string{
		`UPDATE status_changes SET record = '{}'`,
		`DELETE FROM status_changes`,
		`TRUNCATE status_changes`,
		`UPDATE audit SET body = '\x00'`,
		`DELETE FROM audit WHERE seq = 1`,
		`TRUNCATE audit`,
		`UPDATE audit_checkpoints SET record = '{}'`,
		`DELETE FROM audit_checkpoints`,
		`UPDATE audit_head SET seq = 1`,
		`DELETE FROM audit_head`,
	} {
		if _, err := conn.Exec(context.Background(), sql); err == nil || !strings.Contains(err.Error(), "netcred:") {
			t.Errorf("%s: got %v; want refused by the database", sql, err)
		}
	}
}

// TestGroupCommit: of concurrent Updates committed together, one whose fn
// fails after writing leaves nothing, and the others are all kept.
func TestGroupCommit(t *testing.T) {
	st := open(t, pgtest.URL(t), postgres.Options{})
	boom := errors.New("boom")
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Go(func() {
			err := st.Update(func(tx issuer.Tx) error {
				if err := tx.InsertCredential(&issuer.CredentialRecord{List: 1, Index: uint64(i), Type: "identity", Level: credential.LevelLow}); err != nil {
					return err
				}
				if err := tx.UseOnce("k", fmt.Sprint(i), time.Unix(1<<40, 0), time.Unix(0, 0)); err != nil {
					return err
				}
				if i%3 == 0 {
					return boom
				}
				return nil
			})
			if (i%3 == 0) != errors.Is(err, boom) || (err != nil && !errors.Is(err, boom)) {
				t.Errorf("Update %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	err := st.View(func(tx issuer.Tx) error {
		n, err := tx.CountCredentials(1)
		if n != 200-67 || err != nil {
			t.Errorf("CountCredentials = %d, %v; want %d", n, err, 200-67)
		}
		for i := range 200 {
			_, err := tx.Credential(1, uint64(i))
			if (i%3 == 0) != errors.Is(err, issuer.ErrNotFound) {
				t.Errorf("Credential %d: %v", i, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The used-once records of the failed fns were rolled back too.
	for i := range 200 {
		err := st.Update(func(tx issuer.Tx) error { return tx.UseOnce("k", fmt.Sprint(i), time.Unix(1<<40, 0), time.Unix(0, 0)) })
		if (i%3 == 0) != (err == nil) {
			t.Errorf("UseOnce %d again: %v", i, err)
		}
	}
}

func TestMigrations(t *testing.T) {
	ctx := context.Background()
	t.Run("concurrent", func(t *testing.T) {
		u := pgtest.URL(t)
		var wg sync.WaitGroup
		applied := make(chan int, 4)
		for range 4 {
			wg.Go(func() {
				from, to, err := postgres.Migrate(ctx, u)
				if err != nil || to != postgres.SchemaVersion {
					t.Errorf("Migrate = %d, %d, %v", from, to, err)
				}
				if from != to {
					applied <- from
				}
			})
		}
		wg.Wait()
		close(applied)
		if n := len(applied); n != 1 {
			t.Errorf("%d of 4 concurrent Migrate calls applied migrations; want 1", n)
		}
		var n int
		if err := connect(t, u).QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n != postgres.SchemaVersion {
			t.Errorf("schema_migrations rows = %d, %v; want %d", n, err, postgres.SchemaVersion)
		}
	})
	t.Run("newer schema refused", func(t *testing.T) {
		u := pgtest.URL(t)
		if _, _, err := postgres.Migrate(ctx, u); err != nil {
			t.Fatal(err)
		}
		if _, err := connect(t, u).Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES (9999, 'from the future')`); err != nil {
			t.Fatal(err)
		}
		for _, opts := range []postgres.Options{{}, {ReadOnly: true}} {
			if _, err := postgres.Open(ctx, u, opts); !errors.Is(err, postgres.ErrSchemaNewer) {
				t.Errorf("Open(%+v) of a newer schema: %v; want ErrSchemaNewer", opts, err)
			}
		}
		if _, _, err := postgres.Migrate(ctx, u); !errors.Is(err, postgres.ErrSchemaNewer) {
			t.Errorf("Migrate of a newer schema: %v; want ErrSchemaNewer", err)
		}
	})
	t.Run("old schema", func(t *testing.T) {
		u := pgtest.URL(t)
		for _, opts := range []postgres.Options{{NoMigrate: true}, {ReadOnly: true}} {
			if _, err := postgres.Open(ctx, u, opts); !errors.Is(err, postgres.ErrSchemaOld) {
				t.Errorf("Open(%+v) of an empty database: %v; want ErrSchemaOld", opts, err)
			}
		}
		st := open(t, u, postgres.Options{})
		if v, err := st.SchemaVersion(ctx); v != postgres.SchemaVersion || err != nil {
			t.Errorf("SchemaVersion after Open = %d, %v", v, err)
		}
	})
}

// TestUnavailable: a server that cannot be reached, or that drops the
// store's connections, gives issuer.ErrStoreUnavailable, never the
// password; the store reconnects by itself.
func TestUnavailable(t *testing.T) {
	ctx := context.Background()
	const secret = "s3cret-pw"
	_, err := postgres.Open(ctx, "postgres://netcred:"+secret+"@127.0.0.1:1/x?sslmode=disable&connect_timeout=2", postgres.Options{})
	if !errors.Is(err, issuer.ErrStoreUnavailable) {
		t.Errorf("Open of a closed port: %v; want ErrStoreUnavailable", err)
	}
	if err != nil && strings.Contains(err.Error(), secret) {
		t.Errorf("the error shows the password: %v", err)
	}
	for _, bad := range []string{"postgres://u:" + secret + "@127.0.0.1:notaport/x", "postgres://h/x?synchronous_commit=off", "issuer.db"} {
		_, err := postgres.Open(ctx, bad, postgres.Options{})
		if !errors.Is(err, postgres.ErrURL) || strings.Contains(err.Error(), secret) {
			t.Errorf("Open(%s): %v; want ErrURL without the password", postgres.Redact(bad), err)
		}
	}

	u := pgtest.URL(t)
	st := open(t, u, postgres.Options{})
	put := func(i int) error {
		return st.Update(func(tx issuer.Tx) error {
			return tx.InsertCredential(&issuer.CredentialRecord{List: 1, Index: uint64(i), Level: credential.LevelLow})
		})
	}
	if err := put(1); err != nil {
		t.Fatal(err)
	}
	admin := connect(t, pgtest.Need(t))
	var n int
	if err := admin.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1`, dbName(t, u)).Scan(&n); err != nil || n == 0 {
		t.Fatalf("terminating the store's sessions: %d, %v; want at least one", n, err)
	}
	err = put(2)
	if err != nil && !errors.Is(err, issuer.ErrStoreUnavailable) {
		t.Errorf("Update on a dropped connection: %v; want nil or ErrStoreUnavailable", err)
	}
	if err := put(3); err != nil {
		t.Errorf("Update after the connections were dropped: %v; want the store to reconnect", err)
	}
}

// TestTLS: the URL's sslmode decides TLS to the server (the machine's
// server has ssl on with a self-signed certificate).
func TestTLS(t *testing.T) {
	u := pgtest.URL(t)
	ctx := context.Background()
	base, _, _ := strings.Cut(u, "?")
	sslOf := func(t *testing.T, u string) (bool, error) {
		st, err := postgres.Open(ctx, u, postgres.Options{})
		if err != nil {
			return false, err
		}
		defer st.Close()
		var ssl bool
		err = st.View(func(issuer.Tx) error { return nil }) // the pool works
		if err != nil {
			return false, err
		}
		conn, err := pgx.Connect(ctx, u)
		if err != nil {
			return false, err
		}
		defer conn.Close(ctx)
		err = conn.QueryRow(ctx, `SELECT coalesce((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false)`).Scan(&ssl)
		return ssl, err
	}
	if ssl, err := sslOf(t, base+"?sslmode=disable"); err != nil || ssl {
		t.Errorf("sslmode=disable: ssl %v, %v; want a plain connection", ssl, err)
	}
	var serverSSL string
	if err := connect(t, u).QueryRow(ctx, `SHOW ssl`).Scan(&serverSSL); err != nil {
		t.Fatal(err)
	}
	ssl, err := sslOf(t, base+"?sslmode=require")
	switch {
	case serverSSL == "on" && (err != nil || !ssl):
		t.Errorf("sslmode=require on a server with ssl: ssl %v, %v; want TLS", ssl, err)
	case serverSSL != "on" && err == nil:
		t.Errorf("sslmode=require on a server without ssl: connected; want refused")
	}
	if serverSSL == "on" {
		// A root the server's certificate does not chain to: refused.
		ca := filepath.Join(t.TempDir(), "root.pem")
		writeCA(t, ca)
		_, err := sslOf(t, base+"?sslmode=verify-full&sslrootcert="+ca)
		if err == nil {
			t.Errorf("sslmode=verify-full with a foreign root: connected; want refused")
		}
	}
}

func writeCA(t *testing.T, path string) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "not the server's root"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestDeferredRefused: writes are deferred to the end of a group commit;
// one that is refused there (an entry taken, a credential missing) makes
// the batch run again statement by statement, so that exactly the fns
// whose writes are refused fail, with the contract's errors.
func TestDeferredRefused(t *testing.T) {
	st := open(t, pgtest.URL(t), postgres.Options{})
	rec := func(i int) *issuer.CredentialRecord {
		return &issuer.CredentialRecord{List: 1, Index: uint64(i), Type: "identity", Level: credential.LevelLow}
	}
	if err := st.Update(func(tx issuer.Tx) error { return tx.InsertCredential(rec(0)) }); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	results := map[string]int{}
	for i := range 60 {
		wg.Go(func() {
			var err error
			var what string
			switch i % 3 {
			case 0: // taken: already there, or by another fn of the batch
				what = "taken"
				err = st.Update(func(tx issuer.Tx) error { return tx.InsertCredential(rec(1000 + i%2)) })
			case 1: // missing
				what = "missing"
				err = st.Update(func(tx issuer.Tx) error { return tx.UpdateCredential(rec(5000 + i)) })
			default:
				what = "fresh"
				err = st.Update(func(tx issuer.Tx) error { return tx.InsertCredential(rec(i)) })
			}
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				results[what+" ok"]++
			case errors.Is(err, issuer.ErrExists):
				results[what+" exists"]++
			case errors.Is(err, issuer.ErrNotFound):
				results[what+" not found"]++
			default:
				t.Errorf("Update (%s): %v", what, err)
			}
		})
	}
	wg.Wait()
	want := map[string]int{"taken ok": 2, "taken exists": 18, "missing not found": 20, "fresh ok": 20}
	if fmt.Sprint(results) != fmt.Sprint(want) {
		t.Errorf("results %v; want %v", results, want)
	}
}
