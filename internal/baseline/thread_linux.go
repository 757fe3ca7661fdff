package baseline

import (
	"syscall"
	"time"
)

// threadCPU is the calling thread's CPU time (RUSAGE_THREAD).
func threadCPU() time.Duration { return rusage(syscall.RUSAGE_THREAD) }
