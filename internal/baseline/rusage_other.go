//go:build !unix

package baseline

import "time"

func processCPU() time.Duration { return 0 }
