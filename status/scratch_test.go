package status

import (
	"bytes"
	"compress/zlib"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
	"runtime"
	"syscall"
)

func scratchList(seed uint64, n int, p float64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n/4)
	k := int(float64(n) * p)
	for c := 0; c < k; {
		i := r.IntN(n)
		if b[i/4]>>(2*(i%4))&3 != 0 {
			continue
		}
		b[i/4] |= 1 << (2 * (i % 4))
		c++
	}
	return b
}

func TestScratchGamut(t *testing.T) {
	n := 1 << 20
	check := func(name string, b []byte, bd float64) {
		runtime.LockOSThread()
		c0 := threadCPU()
		z, err := Compress(b)
		el := threadCPU() - c0
		runtime.UnlockOSThread()
		if err != nil {
			t.Fatal(err)
		}
		r, err := zlib.NewReader(bytes.NewReader(z))
		if err != nil {
			t.Fatal(name, err)
		}
		got, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(got, b) {
			t.Fatalf("%s: round trip failed: %v", name, err)
		}
		var buf bytes.Buffer
		w, _ := zlib.NewWriterLevel(&buf, 9)
		runtime.LockOSThread()
		c0 = threadCPU()
		w.Write(b)
		w.Close()
		el9 := threadCPU() - c0
		runtime.UnlockOSThread()
		t.Logf("%-10s %8d bytes (%.3f) %-12v  l9 %8d (%.3f) %v", name, len(z), float64(len(z))/bd, el, buf.Len(), float64(buf.Len())/bd, el9)
	}
	for _, p := range []float64{0, 0.0001, 0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5} {
		h := 0.0
		if p > 0 {
			h = -p*math.Log2(p) - (1-p)*math.Log2(1-p)
		}
		bd := math.Max(float64(n)*h/8, 1)
		check("p="+ftoa(p), scratchList(7, n, p), bd)
	}
	all := bytes.Repeat([]byte{0x55}, n/4)
	check("all", all, 1)
	half := make([]byte, n/4)
	copy(half, all[:n/8])
	check("half", half, 1)
	per := make([]byte, n/4)
	for i := 0; i < len(per); i += 16 {
		per[i] = 1
	}
	check("period16", per, 1)
	mix := scratchList(3, n, 0.01)
	copy(mix[:n/40], all)
	check("mix", mix, 1)
	rnd := make([]byte, n/4)
	rand.NewChaCha8([32]byte{1}).Read(rnd)
	check("random", rnd, 1)
	big := scratchList(9, 1<<24, 0.01)
	check("16M", big, 16*10590)
	check("tiny", []byte{0xc9, 0x44, 0xf9}, 1)
	check("one", []byte{0}, 1)
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func threadCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
