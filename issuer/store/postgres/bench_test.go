package postgres_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/issuer/store/postgres"
	"github.com/netcred/netcred/issuer/store/postgres/pgtest"
	"github.com/netcred/netcred/keys"
)

// signRate measures single-goroutine ed25519.Sign per second on a
// credential-sized message: the baseline beside issuance.
func signRate() float64 {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	msg := make([]byte, 200)
	const n = 2000
	start := time.Now()
	for range n {
		ed25519.Sign(priv, msg)
	}
	return n / time.Since(start).Seconds()
}

// cpuSelf is this process's user+system CPU time.
func cpuSelf() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuOf is the user+system CPU time of the processes pids (the server's
// backends), read from /proc; 0 where it cannot be read.
func cpuOf(pids []int) time.Duration {
	var total time.Duration
	for _, pid := range pids {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			continue
		}
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
		if len(f) < 13 {
			continue
		}
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		total += time.Duration(ut+st) * (time.Second / 100) // USER_HZ
	}
	return total
}

// BenchmarkIssue issues through the PostgreSQL store (synchronous_commit
// on) from 128 goroutines, with one store and with two stores on one
// database (two instances, each half of the load; in one process, so
// their signing shares the cores as two processes on this machine would).
// Beside creds/s: the single-core ed25519 rate of the same run, this
// process's and the database backends' CPU per credential and the
// database's share of it, transactions, rows and bytes per credential.
func BenchmarkIssue(b *testing.B) {
	for _, instances := range []int{1, 2} {
		b.Run(strconv.Itoa(instances)+"-instance", func(b *testing.B) {
			ctx := context.Background()
			u := pgtest.URL(b)
			key, err := keys.Generate(credential.EdDSA)
			if err != nil {
				b.Fatal(err)
			}
			var svcs []*issuer.Service
			var stores []*postgres.Store
			for i := range instances {
				st := open(b, u, postgres.Options{})
				opts := issuer.Options{CheckpointEvery: 1 << 30}
				if i == 0 {
					opts.BaseURI = "https://id.example/s/"
				}
				svc, err := issuer.Open(st, issuer.New(key, nil), opts)
				if err != nil {
					b.Fatal(err)
				}
				svcs, stores = append(svcs, svc), append(stores, st)
			}
			conn := connect(b, u)
			// Warm the pools (connections, prepared statements).
			for _, svc := range svcs {
				for range 50 {
					if _, err := svc.Issue(req, issuer.IssueInfo{Client: "bench"}); err != nil {
						b.Fatal(err)
					}
				}
			}
			var pids []int
			rows, err := conn.Query(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)
			if err != nil {
				b.Fatal(err)
			}
			for rows.Next() {
				var pid int
				rows.Scan(&pid)
				pids = append(pids, pid)
			}
			rows.Close()
			size := func() (bytes, wal int64) {
				if err := conn.QueryRow(ctx, `SELECT pg_total_relation_size('credentials') + pg_total_relation_size('audit'),
					pg_current_wal_lsn() - '0/0'`).Scan(&bytes, &wal); err != nil {
					b.Fatal(err)
				}
				return bytes, wal
			}
			baseline := signRate()
			var tx0 uint64
			for _, st := range stores {
				tx0 += st.Stats().Transactions
			}
			bytes0, wal0 := size()
			cpu0, db0 := cpuSelf(), cpuOf(pids)
			b.SetParallelism(64) // 128 requests in flight with -cpu 2, as an HTTP service has
			b.ReportAllocs()
			b.ResetTimer()
			var next int64
			b.RunParallel(func(pb *testing.PB) {
				svc := svcs[int(atomicAdd(&next))%instances]
				for pb.Next() {
					if _, err := svc.Issue(req, issuer.IssueInfo{Client: "bench"}); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			cpu, db := cpuSelf()-cpu0, cpuOf(pids)-db0
			bytes1, wal1 := size()
			var tx1 uint64
			for _, st := range stores {
				tx1 += st.Stats().Transactions
			}
			n := float64(b.N)
			b.ReportMetric(n/b.Elapsed().Seconds(), "creds/s")
			b.ReportMetric(baseline, "ed25519-signs/s")
			b.ReportMetric(float64(cpu.Microseconds())/n, "netcred-cpu-µs/cred")
			b.ReportMetric(float64(db.Microseconds())/n, "db-cpu-µs/cred")
			if cpu+db > 0 {
				b.ReportMetric(float64(db)/float64(cpu+db), "db-share")
			}
			b.ReportMetric(float64(tx1-tx0)/n, "txs/cred")
			if tx1 > tx0 {
				b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(tx1-tx0), "ms/tx")
			}
			b.ReportMetric(float64(bytes1-bytes0)/n, "table-bytes/cred")
			b.ReportMetric(float64(wal1-wal0)/n, "wal-bytes/cred")
		})
	}
}

func atomicAdd(p *int64) int64 { return atomic.AddInt64(p, 1) }
