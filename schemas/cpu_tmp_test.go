package schemas

import (
	"syscall"
	"testing"
	"time"
)

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestTmpCPU(t *testing.T) {
	s := schemaByName(t, IdentityName)
	attrs := identityWire()
	attrs[2] = "110105198906270015"
	attrs[3] = uint64(daysFromCivil(1989, 6, 27))
	attrs[4] = "M"
	claims := identityJSON()
	for round := 0; round < 3; round++ {
		const n = 300000
		c0 := cpuNow()
		for i := 0; i < n; i++ {
			s.Decode(attrs)
		}
		c1 := cpuNow()
		for i := 0; i < n; i++ {
			s.Encode(claims)
		}
		c2 := cpuNow()
		t.Logf("decode %v/op encode %v/op (thread CPU)", (c1-c0)/n, (c2-c1)/n)
	}
}
