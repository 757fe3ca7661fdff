package httpapi

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/netcred/netcred/internal/baseline"
)

// BenchmarkIssueIdempotent compares durable issuance through the handler
// without and with an Idempotency-Key (a new key per request: a lookup,
// then the credential and its record in one store write), in the same run:
// creds/s and the process's CPU time per credential.
func BenchmarkIssueIdempotent(b *testing.B) {
	body := issueBodyJSON("substantial", faceMatch)
	for _, keyed := range []bool{false, true} {
		name := "plain"
		if keyed {
			name = "keyed"
		}
		b.Run(name, func(b *testing.B) {
			srv, token := newBoltService(b)
			h := srv.Handler()
			var n atomic.Int64
			b.ReportAllocs()
			b.SetParallelism(32)
			b.ResetTimer()
			cpu0 := baseline.ProcessCPU()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					key := ""
					if keyed {
						key = "k-" + strconv.FormatInt(n.Add(1), 10)
					}
					benchIssue(b, h, token, body, key)
				}
			})
			b.StopTimer()
			cpu := baseline.ProcessCPU() - cpu0
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "creds/s")
			b.ReportMetric(cpu.Seconds()*1e6/float64(b.N), "cpu-µs/cred")
		})
	}
}

// benchIssue posts body as a new credential request (with key as its
// Idempotency-Key unless empty) and fails unless a credential is issued.
func benchIssue(b *testing.B, h http.Handler, token, body, key string) {
	req := httptest.NewRequest("POST", "/v1/credentials", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != 201 || w.Header().Get("Idempotent-Replayed") != "" {
		b.Fatalf("status %d: %s", w.Code, w.Body)
	}
}
