package httpapi

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/baseline"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/issuer/evidence"
	"github.com/netcred/netcred/issuer/store/bolt"
	"github.com/netcred/netcred/keys"
)

// newBoltService is a Server over a real bbolt store (fsync on) and the
// real evaluator, with one client; it returns the server and the token.
func newBoltService(tb testing.TB) (*Server, string) {
	tb.Helper()
	key, err := keys.Generate(credential.EdDSA)
	if err != nil {
		tb.Fatal(err)
	}
	st, err := bolt.Open(filepath.Join(tb.TempDir(), "issuer.db"), bolt.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	svc, err := issuer.Open(st, issuer.New(key, nil), issuer.Options{BaseURI: "https://issuer.example/status/", Reserve: 1 << 14})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { svc.Close() })
	token, _, err := svc.AddClient("bench", credential.LevelHigh, []string{"identity"}, issuer.ScopeIssue)
	if err != nil {
		tb.Fatal(err)
	}
	ring := NewKeyRing(key)
	srv, err := New(Options{Backend: NewServiceBackend(svc, ring, ServiceOptions{}), Keys: ring, Rate: -1,
		Evaluator: EvidenceEvaluator{Evaluator: &evidence.Evaluator{Terminals: svc, Replay: svc}}})
	if err != nil {
		tb.Fatal(err)
	}
	return srv, token
}

// BenchmarkIssue measures durable issuance through the HTTP handler (no
// network) over the bbolt store, beside ed25519.Sign on one goroutine
// measured in the same run: creds/s and its ratio to signs/s, and the
// process's CPU time per credential beside one signature's (CPU time is
// what other load on the machine inflates least).
func BenchmarkIssue(b *testing.B) {
	srv, token := newBoltService(b)
	h := srv.Handler()
	body := issueBodyJSON("substantial", faceMatch)
	signs, signCPU := baseline.Ed25519(200 * time.Millisecond)
	b.ReportAllocs()
	b.SetParallelism(32)
	b.ResetTimer()
	cpu0 := baseline.ProcessCPU()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			benchIssue(b, h, token, body, "")
		}
	})
	b.StopTimer()
	cpu := baseline.ProcessCPU() - cpu0
	rate := float64(b.N) / b.Elapsed().Seconds()
	b.ReportMetric(rate, "creds/s")
	b.ReportMetric(signs, "ed25519-signs/s")
	b.ReportMetric(rate/signs, "ratio")
	b.ReportMetric(cpu.Seconds()*1e6/float64(b.N), "cpu-µs/cred")
	b.ReportMetric(signCPU.Seconds()*1e6, "cpu-µs/sign")
}
