package status

import (
	"compress/zlib"
	"runtime"
	"strconv"
	"sync"
	"testing"
)

// BenchmarkCompress1M compresses a default-size list (2^20 entries) with 1%
// of entries revoked at random.
func BenchmarkCompress1M(b *testing.B) {
	l := randomList(b, 1, DefaultSize, 0.01, Revoked)
	var z []byte
	b.ReportAllocs()
	b.SetBytes(int64(len(l.b)))
	for b.Loop() {
		z, _ = Compress(l.b)
	}
	b.ReportMetric(float64(len(z)), "bytes")
	b.ReportMetric(float64(len(z))/shannonBound(DefaultSize, 0.01), "ratio_to_bound")
}

// BenchmarkCompress1MStdlib is the same list through compress/zlib, for
// comparison.
func BenchmarkCompress1MStdlib(b *testing.B) {
	l := randomList(b, 1, DefaultSize, 0.01, Revoked)
	for _, level := range []int{zlib.DefaultCompression, zlib.BestCompression} {
		b.Run("level="+strconv.Itoa(level), func(b *testing.B) {
			var z []byte
			b.ReportAllocs()
			b.SetBytes(int64(len(l.b)))
			for b.Loop() {
				z = zlibOf(b, l.b, level)
			}
			b.ReportMetric(float64(len(z)), "bytes")
			b.ReportMetric(float64(len(z))/shannonBound(DefaultSize, 0.01), "ratio_to_bound")
		})
	}
}

// BenchmarkPublishTenLists marshals (compresses) the ten default-size lists
// of an issuer with 10^7 credentials, 1% revoked, one list per CPU at a
// time. One op is all ten lists.
func BenchmarkPublishTenLists(b *testing.B) {
	lists := make([]*List, 10)
	for i := range lists {
		lists[i] = randomList(b, uint64(100+i), DefaultSize, 0.01, Revoked)
	}
	out := make([][]byte, len(lists))
	workers := runtime.GOMAXPROCS(0)
	b.ReportAllocs()
	for b.Loop() {
		var wg sync.WaitGroup
		next := make(chan int, len(lists))
		for i := range lists {
			next <- i
		}
		close(next)
		for range workers {
			wg.Go(func() {
				for i := range next {
					data, err := lists[i].MarshalCBOR()
					if err != nil {
						b.Error(err)
						return
					}
					out[i] = data
				}
			})
		}
		wg.Wait()
	}
	total := 0
	for _, o := range out {
		total += len(o)
	}
	b.ReportMetric(float64(total), "bytes_total")
	b.ReportMetric(float64(workers), "workers")
}

// BenchmarkParse1M decodes and inflates one default-size list.
func BenchmarkParse1M(b *testing.B) {
	data, err := randomList(b, 1, DefaultSize, 0.01, Revoked).MarshalCBOR()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGet looks up statuses at scattered indexes.
func BenchmarkGet(b *testing.B) {
	l := randomList(b, 1, DefaultSize, 0.01, Revoked)
	var idx uint64
	var n int
	b.ReportAllocs()
	for b.Loop() {
		if s, _ := l.Get(idx); s != Valid {
			n++
		}
		idx = (idx + 40503) & (DefaultSize - 1)
	}
	_ = n
}
