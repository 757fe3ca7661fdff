package status

import (
	"bytes"
	"testing"
)

func FuzzParse(f *testing.F) {
	small, _ := FromBytes([]byte{0xc9, 0x44, 0xf9})
	withURI, _ := FromBytes([]byte{1, 0, 0, 0, 0x40})
	withURI.SetAggregationURI("https://example.com/agg")
	for _, l := range []*List{small, withURI, randomList(f, 1, 1<<12, 0.02, Revoked), randomList(f, 2, 1<<12, 0.3, Suspended)} {
		data, err := l.MarshalCBOR()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(unhex(f, draftCBOR1Bit))
	f.Add(unhex(f, draftCBOR2BitSmall))
	f.Add(unhex(f, draftCBOR2BitC2))
	lst := kv("lst", cborBytes(zlibOf(f, []byte{0xc9, 0x44, 0xf9}, 9)))
	f.Add(cborMap(kv("bits", cborUint(4)), lst))
	f.Add(cborMap(kv("bits", cborUint(2)), lst, lst))
	f.Add(cborMap(kv("bits", cborUint(2)), kv("lst", cborBytes(zeroBomb(8<<20)))))
	f.Add(cat([]byte{0xbf}, kv("bits", cborUint(2)), lst, []byte{0xff}))
	f.Add([]byte{0xa0})
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := Parse(data)
		if err != nil {
			if l != nil {
				t.Fatal("Parse returned a list with an error")
			}
			return
		}
		again, err := l.MarshalCBOR()
		if err != nil {
			t.Fatalf("MarshalCBOR of an accepted list: %v", err)
		}
		m, err := Parse(again)
		if err != nil {
			t.Fatalf("re-parsing: %v", err)
		}
		if !bytes.Equal(m.Bytes(), l.Bytes()) || m.AggregationURI() != l.AggregationURI() {
			t.Fatal("round trip changed the list")
		}
	})
}

// FuzzCompress checks that Compress round-trips through compress/zlib, on
// the input itself (usually dense: the compress/zlib path) and on a sparse
// array built from it as (zero-run length, byte) pairs, which exercises the
// tuned encoder.
func FuzzCompress(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 1})
	f.Add([]byte{255, 1, 255, 1, 3, 4, 3, 4, 3, 4, 200, 16, 200, 16})
	f.Add(bytes.Repeat([]byte{24, 1, 40, 4, 7, 64}, 50))
	f.Fuzz(func(t *testing.T, data []byte) {
		var sparse []byte
		for i := 0; i+1 < len(data) && len(sparse) < 1<<16; i += 2 {
			gap := int(data[i])
			if gap%2 == 1 {
				gap *= 8 // long runs too
			}
			sparse = append(sparse, make([]byte, gap)...)
			sparse = append(sparse, data[i+1])
		}
		for _, b := range [][]byte{data, sparse} {
			if len(b) == 0 {
				continue
			}
			z, err := Compress(b)
			if err != nil {
				t.Fatal(err)
			}
			if got := inflate(t, z); !bytes.Equal(got, b) {
				t.Fatalf("round trip of %d bytes failed", len(b))
			}
		}
	})
}

func FuzzDecompress(f *testing.F) {
	z, _ := Compress(randomList(f, 3, 1<<12, 0.02, Revoked).Bytes())
	f.Add(z, 1024)
	f.Add(zlibOf(f, []byte("hello"), 9), 5)
	f.Add(zeroBomb(1<<20), 1000)
	f.Fuzz(func(t *testing.T, z []byte, limit int) {
		limit %= 1 << 20
		got, err := Decompress(z, limit)
		if err != nil {
			if got != nil {
				t.Fatal("data with an error")
			}
			return
		}
		if len(got) > max(limit, 0) {
			t.Fatalf("%d bytes over the limit %d", len(got), limit)
		}
	})
}
