package status

import (
	"bytes"
	"testing"
)

func BenchmarkScratchAll(b *testing.B) {
	all := bytes.Repeat([]byte{0x55}, 1<<18)
	for i := 0; i < b.N; i++ {
		Compress(all)
	}
}
func BenchmarkScratchP25(b *testing.B) {
	d := scratchList(7, 1<<20, 0.25)
	for i := 0; i < b.N; i++ {
		Compress(d)
	}
}
