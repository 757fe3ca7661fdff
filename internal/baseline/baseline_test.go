package baseline

import (
	"testing"
	"time"
)

func TestEd25519(t *testing.T) {
	rate, cpu := Ed25519(20 * time.Millisecond)
	if rate <= 0 {
		t.Errorf("rate %v; want > 0", rate)
	}
	if cpu < 0 || cpu > time.Second {
		t.Errorf("CPU per signature %v; want between 0 and 1s", cpu)
	}
	c0 := ProcessCPU()
	Ed25519(20 * time.Millisecond)
	if c1 := ProcessCPU(); c1 < c0 {
		t.Errorf("ProcessCPU went back from %v to %v", c0, c1)
	}
}
