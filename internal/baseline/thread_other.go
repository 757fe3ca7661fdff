//go:build !linux

package baseline

import "time"

// threadCPU is zero: only Linux says how much CPU one thread used.
func threadCPU() time.Duration { return 0 }
