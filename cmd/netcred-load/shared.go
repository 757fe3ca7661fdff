package main

// Several service instances on one PostgreSQL database: --pg ADMIN_URL
// creates a fresh database, starts --instances serve processes on it and
// loads them all (the workers split evenly among them); after the run it
// reports what the database did per credential: transactions
// (pg_stat_database xact_commit), bytes (pg_total_relation_size of every
// table) and rows, and the CPU time of the database's server processes
// beside the service's.
//
//	go run ./cmd/netcred-load --netcred /tmp/netcred --pg postgres://postgres@127.0.0.1:5432/postgres --instances 2

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/issuer/store/postgres"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/keys/keyfile"
)

var (
	pgAdmin   = flag.String("pg", "", "with --netcred: a PostgreSQL server's URL (a role that may create databases); the service's store is a fresh database there")
	instances = flag.Int("instances", 1, "with --pg: how many serve instances share the database")
)

// shared is the database and the instances of a --pg run.
type shared struct {
	admin, db string
	pids      []int
}

var sharedRun *shared

// startShared creates a fresh database with a client and starts
// *instances serve processes on it; url is their base URLs, joined by
// commas.
func startShared(bin, dir string) (urls, token string, stop func(), err error) {
	ctx := context.Background()
	var rnd [6]byte
	rand.Read(rnd[:])
	name := "netcred_load_" + hex.EncodeToString(rnd[:])
	admin, err := pgx.Connect(ctx, *pgAdmin)
	if err != nil {
		return "", "", nil, err
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", "", nil, err
	}
	u, err := url.Parse(*pgAdmin)
	if err != nil {
		return "", "", nil, err
	}
	u.Path = "/" + name
	sh := &shared{admin: *pgAdmin, db: u.String()}
	drop := func() {
		c, err := pgx.Connect(ctx, sh.admin)
		if err == nil {
			c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(ctx)
		}
	}
	key, err := keys.Generate(credential.EdDSA)
	if err != nil {
		return "", "", nil, err
	}
	keyFile := filepath.Join(dir, "issuer.jwk")
	if err := keyfile.Write(keyFile, key, nil); err != nil {
		return "", "", nil, err
	}
	st, err := postgres.Open(ctx, sh.db, postgres.Options{})
	if err != nil {
		drop()
		return "", "", nil, err
	}
	svc, err := issuer.Open(st, issuer.New(key, nil), issuer.Options{BaseURI: "https://issuer.example/status/"})
	if err == nil {
		token, _, err = svc.AddClient("load", credential.LevelHigh, []string{"identity"}, issuer.ScopeIssue)
		if cerr := svc.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		st.Close()
		drop()
		return "", "", nil, err
	}
	var cmds []*exec.Cmd
	stop = func() {
		for _, c := range cmds {
			c.Process.Signal(syscall.SIGTERM)
		}
		for _, c := range cmds {
			c.Wait()
		}
		drop()
	}
	var list []string
	for range max(*instances, 1) {
		cmd := exec.Command(bin, "serve", "--db", sh.db, "--key", keyFile, "--listen", "127.0.0.1:0", "--rate", "-1")
		logs, err := cmd.StderrPipe()
		if err != nil {
			stop()
			return "", "", nil, err
		}
		if err := cmd.Start(); err != nil {
			stop()
			return "", "", nil, err
		}
		cmds = append(cmds, cmd)
		sc := bufio.NewScanner(logs)
		sc.Buffer(nil, 1<<20)
		base := ""
		for sc.Scan() {
			if m := servingLine.FindStringSubmatch(sc.Text()); m != nil {
				base = m[1]
				break
			}
		}
		if base == "" {
			stop()
			return "", "", nil, fmt.Errorf("%s serve did not start", bin)
		}
		go io.Copy(io.Discard, logs)
		sh.pids = append(sh.pids, cmd.Process.Pid)
		list = append(list, base)
	}
	sharedRun = sh
	return strings.Join(list, ","), token, stop, nil
}

// parseTargets reads --url: one base URL, or several comma-separated.
func parseTargets(urls, token string) ([]*target, error) {
	var out []*target
	for _, raw := range strings.Split(urls, ",") {
		u, err := url.Parse(raw)
		if err != nil || u.Scheme != "http" || u.Host == "" {
			return nil, fmt.Errorf("--url %s: want http://HOST:PORT (the generator speaks plain HTTP/1.1)", raw)
		}
		out = append(out, &target{host: u.Host, path: strings.TrimSuffix(u.Path, "/") + "/v1/credentials", token: token})
	}
	return out, nil
}

// loadAll loads every target at once, the workers and credentials split
// evenly among them, and returns the longest time and every latency.
func loadAll(targets []*target, n, conc int, idem bool, tag string) (time.Duration, []time.Duration, error) {
	if len(targets) == 1 {
		return load(targets[0], n, conc, idem, tag)
	}
	var mu sync.Mutex
	var all []time.Duration
	var longest time.Duration
	var firstErr error
	var wg sync.WaitGroup
	for i, t := range targets {
		share := n / len(targets)
		if i < n%len(targets) {
			share++
		}
		wg.Go(func() {
			d, lat, err := load(t, share, max(conc/len(targets), 1), idem, fmt.Sprintf("%s%d", tag, i))
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstErr == nil {
				firstErr = err
			}
			all = append(all, lat...)
			longest = max(longest, d)
		})
	}
	wg.Wait()
	return longest, all, firstErr
}

// dbState is what the database had done at one moment.
type dbState struct {
	commits, bytes, rows int64
	dbCPU, svcCPU        time.Duration
}

// snapshot reads the database's counters (zero outside a --pg run).
func snapshot() dbState {
	sh := sharedRun
	if sh == nil {
		return dbState{}
	}
	ctx := context.Background()
	var s dbState
	conn, err := pgx.Connect(ctx, sh.db)
	if err != nil {
		return s
	}
	defer conn.Close(ctx)
	// Idle backends report their statistics within 10 s (PostgreSQL 15).
	time.Sleep(11 * time.Second)
	conn.Exec(ctx, "SELECT pg_stat_clear_snapshot()")
	conn.QueryRow(ctx, "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()").Scan(&s.commits)
	conn.QueryRow(ctx, `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint, coalesce(sum(c.reltuples), 0)::bigint
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind = 'r' AND n.nspname = 'public'`).Scan(&s.bytes, new(int64))
	conn.QueryRow(ctx, `SELECT coalesce(sum(n_tup_ins), 0)::bigint FROM pg_stat_user_tables`).Scan(&s.rows)
	rows, err := conn.Query(ctx, "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
	if err == nil {
		for rows.Next() {
			var pid int
			if rows.Scan(&pid) == nil {
				s.dbCPU += processCPU(pid)
			}
		}
		rows.Close()
	}
	for _, pid := range sh.pids {
		s.svcCPU += processCPU(pid)
	}
	return s
}

// reportShared prints the database's work per credential between two
// snapshots.
func reportShared(before dbState, n int, elapsed time.Duration) {
	if sharedRun == nil {
		return
	}
	after := snapshot()
	per := func(v int64) float64 { return float64(v) / float64(n) }
	fmt.Printf("%d serve instance(s) on one PostgreSQL database\n", len(sharedRun.pids))
	fmt.Printf("per credential: %.3f transactions committed, %.2f rows inserted, %.0f bytes of tables and indexes\n",
		per(after.commits-before.commits), per(after.rows-before.rows), per(after.bytes-before.bytes))
	db, svc := (after.dbCPU-before.dbCPU)/time.Duration(n), (after.svcCPU-before.svcCPU)/time.Duration(n)
	share := 0.0
	if db+svc > 0 {
		share = float64(db) / float64(db+svc)
	}
	fmt.Printf("CPU per credential: service %.1f µs, database backends %.1f µs (the database's share %.0f%%); over %s\n",
		svc.Seconds()*1e6, db.Seconds()*1e6, 100*share, elapsed.Round(time.Millisecond))
}
