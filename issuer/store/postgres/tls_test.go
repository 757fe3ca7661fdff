package postgres_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/issuer/store/postgres"
	"github.com/netcred/netcred/issuer/store/postgres/pgtest"
)

// TestTLSVerifyCA: the positive side of TestTLS. A URL asking for
// sslmode=verify-ca with sslrootcert naming the server's own certificate
// (a self-signed one, as Debian's snakeoil is) connects the store over
// TLS: the certificate check passes, and the store's own session is
// encrypted.
func TestTLSVerifyCA(t *testing.T) {
	u := pgtest.URL(t)
	ctx := context.Background()
	admin := connect(t, u)
	var serverSSL, certFile string
	if err := admin.QueryRow(ctx, `SELECT current_setting('ssl'), current_setting('ssl_cert_file')`).Scan(&serverSSL, &certFile); err != nil {
		t.Fatal(err)
	}
	if serverSSL != "on" {
		t.Skipf("the test server has ssl=%s: TestTLS checks that sslmode=require is refused", serverSSL)
	}
	pem, err := os.ReadFile(certFile)
	if err != nil || !strings.Contains(string(pem), "BEGIN CERTIFICATE") {
		t.Skipf("the server's certificate %s is not readable here (%v): verify-ca needs its root", certFile, err)
	}
	base, _, _ := strings.Cut(u, "?")
	st := open(t, base+"?sslmode=verify-ca&sslrootcert="+certFile, postgres.Options{})
	if err := st.View(func(issuer.Tx) error { return nil }); err != nil {
		t.Fatalf("a store over verify-ca: %v", err)
	}
	// Every session of the store's pool to this database is TLS: no
	// plain session besides the admin one is open.
	var plain, tls int
	err = admin.QueryRow(ctx, `SELECT count(*) FILTER (WHERE NOT s.ssl), count(*) FILTER (WHERE s.ssl)
		FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid)
		WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()`).Scan(&plain, &tls)
	if err != nil {
		t.Fatal(err)
	}
	if plain != 0 || tls == 0 {
		t.Errorf("the store's sessions: %d plain, %d TLS; want TLS only", plain, tls)
	}
}
