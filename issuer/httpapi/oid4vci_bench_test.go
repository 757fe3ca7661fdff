package httpapi

import (
	"syscall"
	"testing"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/jws"
	"github.com/netcred/netcred/keys"
)

// cpuTime is the process's user+system CPU time, for a per-operation
// figure that the machine's load does not inflate the way wall time is.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports CPU time per operation since start.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

// BenchmarkProof measures the credential endpoint's proof check (parse,
// strict header and payload, key, signature, claims) beside the raw JWS
// parse and signature check over the same bytes, in one run: the check
// costs little more than its signature.
func BenchmarkProof(b *testing.B) {
	for _, alg := range []credential.Algorithm{credential.ES256, credential.EdDSA} {
		k := genKey(b, alg)
		now := time.Now()
		p, err := SignProof(k, testIssuer, newNonces(nil).make(now), now)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(string(alg)+"/raw-verify", func(b *testing.B) {
			b.ReportAllocs()
			start := cpuTime()
			for b.Loop() {
				j, err := jws.Parse([]byte(p))
				if err != nil || !j.Verify(k.Public()) {
					b.Fatal("raw verify failed")
				}
			}
			reportCPU(b, start)
		})
		b.Run(string(alg)+"/parseProof", func(b *testing.B) {
			b.ReportAllocs()
			start := cpuTime()
			for b.Loop() {
				if _, oe := parseProof(0, p, testIssuer, now); oe != nil {
					b.Fatal(oe)
				}
			}
			reportCPU(b, start)
		})
	}
}

// BenchmarkRedeem measures a wallet's whole redemption through the
// handler (no network) over bbolt without fsync: an offer made with a
// document check, the token request, a nonce and one credential request
// with 1 or 10 proofs (ES256), reported per credential.
func BenchmarkRedeem(b *testing.B) {
	for _, n := range []int{1, 10} {
		b.Run(map[int]string{1: "batch1", 10: "batch10"}[n], func(b *testing.B) {
			ss := newWalletService(b)
			holders := make([]string, n)
			priv := make([]*keys.PrivateKey, n)
			for i := range priv {
				priv[i] = genKey(b, credential.ES256)
			}
			b.ReportAllocs()
			start := cpuTime()
			for b.Loop() {
				tok := ss.redeem(b)
				now := time.Now()
				nonce := ss.nonce(b)
				for i := range holders {
					holders[i], _ = SignProof(priv[i], testIssuer, nonce, now)
				}
				if w := ss.credential(tok, credBody(holders...)); w.Code != 200 {
					b.Fatalf("credential: %d %s", w.Code, w.Body)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/credential")
			b.ReportMetric(float64(cpuTime()-start)/float64(b.N*n), "cpu-ns/credential")
		})
	}
}
