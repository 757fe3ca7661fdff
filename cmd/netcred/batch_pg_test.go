package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/netcred/netcred/issuer/store/postgres/pgtest"
)

// TestBatchPostgres: issue --batch on a postgres:// --db (issue 8 §1:
// every command that takes --db) keeps its promise that a rerun issues
// nothing twice: with --out intact the lines are skipped, and with --out
// lost the credentials are recovered from the database, the same ones.
func TestBatchPostgres(t *testing.T) {
	u := pgtest.URL(t)
	w := newWorkspace(t)
	var lines []string
	for i := range 12 {
		lines = append(lines, fmt.Sprintf(`{"ref":"r%d","name":"王小明","id_number":"11010519491231002X","birth_date":"1949-12-31"}`, i))
	}
	subjects := w.write(t, "subjects.jsonl", strings.Join(lines, "\n")+"\n")
	out := w.path("issued.jsonl")
	batch := func() cliResult {
		return runCLI(t, "", "issue", "--key", w.key, "--db", u, "--status-uri", "https://id.example/s/",
			"--batch", subjects, "--out", out, "--type", "identity", "--level", "substantial")
	}
	read := func() string {
		t.Helper()
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	r := batch().must(t, exitOK)
	if !strings.Contains(r.stderr, "issued 12, recovered 0, skipped 0") {
		t.Fatalf("first run: %s", r.stderr)
	}
	first := read()
	if n := strings.Count(first, "\n"); n != 12 {
		t.Fatalf("--out has %d lines; want 12", n)
	}
	r = batch().must(t, exitOK)
	if !strings.Contains(r.stderr, "issued 0, recovered 0, skipped 12") {
		t.Errorf("rerun with --out intact: %s; want every line skipped", r.stderr)
	}
	if err := os.Remove(out); err != nil {
		t.Fatal(err)
	}
	r = batch().must(t, exitOK)
	if !strings.Contains(r.stderr, "issued 0, recovered 12, skipped 0") {
		t.Errorf("rerun with --out lost: %s; want every line recovered from the database", r.stderr)
	}
	// The same credentials (lines come in the order they finish).
	sorted := func(s string) string {
		l := strings.Split(strings.TrimSpace(s), "\n")
		slices.Sort(l)
		return strings.Join(l, "\n")
	}
	if got := read(); sorted(got) != sorted(first) {
		t.Errorf("recovered --out differs from the first run's:\n%s\nwant\n%s", got, first)
	}
	// The database holds 12 credentials, not 24 or 36, in one chain.
	conn, err := pgx.Connect(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM credentials`).Scan(&n); err != nil || n != 12 {
		t.Errorf("the database holds %d credentials (%v); want 12", n, err)
	}
	r = runCLI(t, "", "audit", "verify", "--db", u).must(t, exitOK)
	if !strings.HasPrefix(r.stdout, "audit log ok: ") {
		t.Errorf("audit verify: %s", r.stdout)
	}
}
