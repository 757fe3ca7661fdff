// Package baseline measures what netcred's issuance figures are compared
// with: the single-core ed25519.Sign rate, measured in the same run, and
// CPU time, which other processes on the machine do not inflate the way
// they inflate wall time. Benchmarks and cmd/netcred-load use it.
package baseline

import (
	"crypto/ed25519"
	"runtime"
	"time"
)

// Ed25519 signs a credential-sized message on one goroutine for about d
// and returns signatures per second (wall) and the CPU time of one
// signature (zero where the platform does not say).
func Ed25519(d time.Duration) (perSecond float64, cpuEach time.Duration) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	priv := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	msg := make([]byte, 200)
	cpu0 := threadCPU()
	start := time.Now()
	n := 0
	for time.Since(start) < d {
		for range 100 {
			ed25519.Sign(priv, msg)
		}
		n += 100
	}
	wall := time.Since(start)
	cpu := threadCPU() - cpu0
	return float64(n) / wall.Seconds(), cpu / time.Duration(n)
}

// ProcessCPU returns this process's user and system CPU time so far
// (zero where the platform does not say).
func ProcessCPU() time.Duration { return processCPU() }
