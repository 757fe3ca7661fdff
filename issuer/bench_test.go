package issuer_test

import (
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/baseline"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/status"
)

// signRate measures single-goroutine ed25519.Sign per second on a
// credential-sized message: the baseline beside issuance.
func signRate(b *testing.B) float64 {
	rate, _ := baseline.Ed25519(200 * time.Millisecond)
	return rate
}

// BenchmarkIssueDurable issues through the bolt store with fsync on, from
// GOMAXPROCS goroutines (run with -cpu 2): every credential is returned
// only after its record is durable. creds/s beside the single-core
// ed25519 rate measured in the same run, and the process's CPU time per
// credential (which other load on the machine inflates less than wall
// time) beside one signature's.
func BenchmarkIssueDurable(b *testing.B) {
	s := openService(b, filepath.Join(b.TempDir(), "issuer.db"), newKey(b), issuer.Options{CheckpointEvery: 1 << 30})
	defer s.Close()
	req := issuer.Request{Type: "identity", Level: credential.LevelSubstantial, Claims: claims()}
	signs, signCPU := baseline.Ed25519(200 * time.Millisecond)
	b.SetParallelism(128) // many requests in flight, as an HTTP service has
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := baseline.ProcessCPU()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.Issue(req, issuer.IssueInfo{Client: "bench"}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	reportIssue(b, baseline.ProcessCPU()-cpu0, signs, signCPU)
}

// reportIssue reports creds/s and the ratio to ed25519-signs/s, and CPU
// µs per credential beside one signature's.
func reportIssue(b *testing.B, cpu time.Duration, signs float64, signCPU time.Duration) {
	rate := float64(b.N) / b.Elapsed().Seconds()
	b.ReportMetric(rate, "creds/s")
	b.ReportMetric(signs, "ed25519-signs/s")
	b.ReportMetric(rate/signs, "ratio")
	b.ReportMetric(cpu.Seconds()*1e6/float64(b.N), "cpu-µs/cred")
	b.ReportMetric(signCPU.Seconds()*1e6, "cpu-µs/sign")
}

// BenchmarkSetStatusDurable revokes through the store, concurrently, each
// change durable before it returns.
func BenchmarkSetStatusDurable(b *testing.B) {
	s := openService(b, filepath.Join(b.TempDir(), "issuer.db"), newKey(b), issuer.Options{CheckpointEvery: 1 << 30})
	defer s.Close()
	ids := make(chan string, b.N)
	st := s.Store()
	// Records straight into the store: the benchmark measures the change.
	if err := st.Update(func(tx issuer.Tx) error {
		for i := range b.N {
			r := &issuer.CredentialRecord{List: 1, Index: uint64(i), Type: "identity", Level: credential.LevelLow, KID: []byte("k"), IssuedAt: now, Expiry: now.Add(time.Hour)}
			if err := tx.InsertCredential(r); err != nil {
				return err
			}
			ids <- s.ListURI(1) + "#" + itoa(i)
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	close(ids)
	b.SetParallelism(64)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.SetStatus(<-ids, status.Revoked, "bench", nil); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "changes/s")
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var buf [20]byte
	n := len(buf)
	for ; i > 0; i /= 10 {
		n--
		buf[n] = byte('0' + i%10)
	}
	return string(buf[n:])
}

// BenchmarkPublishAfterRevocations publishes a 2^20 list holding 10,000
// revoked credentials: read from the store, compress, sign, write.
func BenchmarkPublishAfterRevocations(b *testing.B) {
	key := newKey(b)
	path := filepath.Join(b.TempDir(), "issuer.db")
	s := openService(b, path, key, issuer.Options{})
	defer s.Close()
	r := rand.New(rand.NewPCG(1, 2))
	err := s.Store().Update(func(tx issuer.Tx) error {
		for _, idx := range r.Perm(status.DefaultSize)[:10000] {
			rec := &issuer.CredentialRecord{List: 1, Index: uint64(idx), Type: "identity", Level: credential.LevelLow, KID: []byte("k"),
				IssuedAt: now, Expiry: now.Add(time.Hour), Status: status.Revoked}
			if err := tx.InsertCredential(rec); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("sign", func(b *testing.B) { // what the HTTP service serves
		b.ReportAllocs()
		for i := range b.N {
			signed, err := s.SignLists(key, now.Add(time.Duration(i)*time.Second), 48*time.Hour, time.Hour)
			if err != nil {
				b.Fatal(err)
			}
			if len(signed) != 1 {
				b.Fatalf("signed %d lists", len(signed))
			}
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/publish")
	})
	b.Run("files", func(b *testing.B) { // netcred status publish: also writes and fsyncs the files
		out := b.TempDir()
		b.ReportAllocs()
		for i := range b.N {
			pub, err := s.Publish(key, out, now.Add(time.Hour+time.Duration(i)*time.Second), 48*time.Hour, time.Hour)
			if err != nil {
				b.Fatal(err)
			}
			if pub[0].Revoked != 10000 || pub[0].Size != status.DefaultSize {
				b.Fatalf("published %+v", pub[0])
			}
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/publish")
	})
}
