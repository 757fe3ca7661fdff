package status

import (
	"bytes"
	"compress/zlib"
	"runtime"
	"testing"
)

func TestScratchLevels(t *testing.T) {
	for _, p := range []float64{0.02, 0.03, 0.05, 0.1, 0.25} {
		b := scratchList(7, 1<<20, p)
		nz := 0
		for _, v := range b {
			if v != 0 {
				nz++
			}
		}
		line := ""
		runtime.LockOSThread()
		c0 := threadCPU()
		z, _ := Compress(b)
		line += " sparse " + ftoa(float64(len(z))) + " " + (threadCPU() - c0).String()
		for _, lvl := range []int{1, 4, 6, 9} {
			var buf bytes.Buffer
			c0 := threadCPU()
			w, _ := zlib.NewWriterLevel(&buf, lvl)
			w.Write(b)
			w.Close()
			line += " | l" + ftoa(float64(lvl)) + " " + ftoa(float64(buf.Len())) + " " + (threadCPU() - c0).String()
		}
		runtime.UnlockOSThread()
		t.Logf("p=%v nz=%.3f:%s", p, float64(nz)/float64(len(b)), line)
	}
}
