package status

import (
	"math/bits"
	"slices"
)

// This file is a minimal DEFLATE (RFC 1951) block writer: tokens in, one
// dynamic-Huffman block out. It makes no parsing decisions; see lz.go.

// bitWriter packs bits least-significant first, as DEFLATE requires.
type bitWriter struct {
	out   []byte
	acc   uint64
	nbits uint
}

func (w *bitWriter) write(v uint64, n uint) {
	w.acc |= v << w.nbits
	w.nbits += n
	for w.nbits >= 8 {
		w.out = append(w.out, byte(w.acc))
		w.acc >>= 8
		w.nbits -= 8
	}
}

// flush pads the last partial byte with zero bits.
func (w *bitWriter) flush() {
	if w.nbits > 0 {
		w.out = append(w.out, byte(w.acc))
		w.acc, w.nbits = 0, 0
	}
}

// RFC 1951 §3.2.5 length and distance tables.
var (
	lenBase   = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lenExtra  = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase  = [30]uint16{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtra = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
	// clOrder is the order in which code-length code lengths are sent.
	clOrder = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}
	// lenCode maps a match length (3..258) to its length code (0..28,
	// i.e. literal/length symbol 257+code).
	lenCode = func() (t [maxMatch + 1]uint8) {
		c := 0
		for l := minMatch; l <= maxMatch; l++ {
			for c < 28 && l >= int(lenBase[c+1]) {
				c++
			}
			t[l] = uint8(c)
		}
		return t
	}()
)

const (
	minMatch   = 3
	maxMatch   = 258
	windowSize = 32768
	endOfBlock = 256
	numLitLen  = 286
	numDist    = 30
	numCL      = 19
)

// distCode maps a distance (1..32768) to its distance code (0..29).
func distCode(d int) int {
	if d <= 4 {
		return d - 1
	}
	x := uint32(d - 1)
	hb := bits.Len32(x) - 1
	return 2*hb + int(x>>(hb-1)&1)
}

// token is a literal byte (value < 256) or, with matchFlag set, a match
// holding length-3 in bits 15..22 and distance-1 in bits 0..14.
type token uint32

const matchFlag token = 1 << 31

func literal(b byte) token    { return token(b) }
func match(l, d int) token    { return matchFlag | token(l-minMatch)<<15 | token(d-1) }
func (t token) isMatch() bool { return t&matchFlag != 0 }
func (t token) length() int   { return int(t>>15&0xff) + minMatch }
func (t token) dist() int     { return int(t&0x7fff) + 1 }

// frequencies counts literal/length and distance symbols, end of block
// included.
func frequencies(toks []token) (lf [numLitLen]int, df [numDist]int) {
	for _, t := range toks {
		if !t.isMatch() {
			lf[t]++
			continue
		}
		lf[257+int(lenCode[t.length()])]++
		df[distCode(t.dist())]++
	}
	lf[endOfBlock]++
	return lf, df
}

// codeLengths sets lens to length-limited Huffman code lengths for freq.
// At least two symbols get a code (unused ones are added if needed), so
// every code written is complete and no inflater has to accept the
// degenerate one-code case.
func codeLengths(freq []int, limit int, lens []uint8) {
	clear(lens)
	syms := make([]int, 0, len(freq))
	for s, f := range freq {
		if f > 0 {
			syms = append(syms, s)
		}
	}
	for s := 0; len(syms) < 2; s++ {
		if freq[s] == 0 {
			syms = append(syms, s)
		}
	}
	weight := func(s int) int { return max(freq[s], 1) }
	slices.SortFunc(syms, func(a, b int) int {
		if wa, wb := weight(a), weight(b); wa != wb {
			return wa - wb
		}
		return a - b
	})
	// Huffman's algorithm with two queues: leaves (sorted) and inner nodes
	// (created in increasing weight order).
	n := len(syms)
	w := make([]int, 2*n-1)
	parent := make([]int, 2*n-1)
	for i, s := range syms {
		w[i] = weight(s)
	}
	leaf, inner := 0, n
	pick := func(next int) int {
		if leaf < n && (inner >= next || w[leaf] <= w[inner]) {
			leaf++
			return leaf - 1
		}
		inner++
		return inner - 1
	}
	for next := n; next < 2*n-1; next++ {
		a, b := pick(next), pick(next)
		w[next] = w[a] + w[b]
		parent[a], parent[b] = next, next
	}
	depth := make([]int, 2*n-1)
	maxDepth := 0
	for i := 2*n - 3; i >= 0; i-- {
		depth[i] = depth[parent[i]] + 1
		maxDepth = max(maxDepth, depth[i])
	}
	count := make([]int, max(maxDepth, limit)+1)
	for i := range n {
		count[depth[i]]++
	}
	// Limit the depth as in JPEG (ITU T.81) Annex K.3: two leaves at the
	// deepest level become one leaf a level up, and a shallower leaf splits
	// in two; the Kraft sum stays exactly 1.
	for i := maxDepth; i > limit; i-- {
		for count[i] > 0 {
			j := i - 2
			for count[j] == 0 {
				j--
			}
			count[i] -= 2
			count[i-1]++
			count[j+1] += 2
			count[j]--
		}
	}
	// The most frequent symbols (end of syms) get the shortest codes.
	k := n - 1
	for l := 1; l <= limit; l++ {
		for c := count[l]; c > 0; c-- {
			lens[syms[k]] = uint8(l)
			k--
		}
	}
}

// canonicalCodes assigns canonical Huffman codes (RFC 1951 §3.2.2), bit
// reversed so that they can be written least-significant bit first.
func canonicalCodes(lens []uint8, codes []uint16) {
	var count, next [16]int
	for _, l := range lens {
		count[l]++
	}
	count[0] = 0
	code := 0
	for b := 1; b < 16; b++ {
		code = (code + count[b-1]) << 1
		next[b] = code
	}
	for s, l := range lens {
		if l > 0 {
			codes[s] = bits.Reverse16(uint16(next[l])) >> (16 - l)
			next[l]++
		}
	}
}

// clToken is one symbol of the code-length alphabet with its extra bits.
type clToken struct{ sym, extra uint8 }

// runLengthCodes encodes a sequence of code lengths with the repeat
// symbols 16 (previous length 3-6 times), 17 (zero 3-10 times) and 18
// (zero 11-138 times).
func runLengthCodes(seq []uint8) []clToken {
	var out []clToken
	for i := 0; i < len(seq); {
		v := seq[i]
		j := i + 1
		for j < len(seq) && seq[j] == v {
			j++
		}
		run := j - i
		if v == 0 {
			for run >= 11 {
				r := min(run, 138)
				out = append(out, clToken{18, uint8(r - 11)})
				run -= r
			}
			if run >= 3 {
				out = append(out, clToken{17, uint8(run - 3)})
				run = 0
			}
		} else {
			out = append(out, clToken{v, 0})
			run--
			for run >= 3 {
				r := min(run, 6)
				out = append(out, clToken{16, uint8(r - 3)})
				run -= r
			}
		}
		for ; run > 0; run-- {
			out = append(out, clToken{v, 0})
		}
		i = j
	}
	return out
}

// writeBlock writes toks as one dynamic-Huffman block (RFC 1951 §3.2.7).
func writeBlock(w *bitWriter, toks []token, final bool) {
	lf, df := frequencies(toks)
	var llens [numLitLen]uint8
	var dlens [numDist]uint8
	codeLengths(lf[:], 15, llens[:])
	codeLengths(df[:], 15, dlens[:])
	nlit := numLitLen
	for nlit > 257 && llens[nlit-1] == 0 {
		nlit--
	}
	ndist := numDist
	for ndist > 1 && dlens[ndist-1] == 0 {
		ndist--
	}
	// Literal/length and distance code lengths form one sequence, so a
	// repeat may run from one into the other.
	seq := append(append(make([]uint8, 0, nlit+ndist), llens[:nlit]...), dlens[:ndist]...)
	cl := runLengthCodes(seq)
	var clf [numCL]int
	for _, c := range cl {
		clf[c.sym]++
	}
	var cllens [numCL]uint8
	codeLengths(clf[:], 7, cllens[:])
	nclen := numCL
	for nclen > 4 && cllens[clOrder[nclen-1]] == 0 {
		nclen--
	}
	var lcodes [numLitLen]uint16
	var dcodes [numDist]uint16
	var clcodes [numCL]uint16
	canonicalCodes(llens[:], lcodes[:])
	canonicalCodes(dlens[:], dcodes[:])
	canonicalCodes(cllens[:], clcodes[:])

	if final {
		w.write(1, 1)
	} else {
		w.write(0, 1)
	}
	w.write(2, 2) // dynamic Huffman
	w.write(uint64(nlit-257), 5)
	w.write(uint64(ndist-1), 5)
	w.write(uint64(nclen-4), 4)
	for i := range nclen {
		w.write(uint64(cllens[clOrder[i]]), 3)
	}
	for _, c := range cl {
		w.write(uint64(clcodes[c.sym]), uint(cllens[c.sym]))
		switch c.sym {
		case 16:
			w.write(uint64(c.extra), 2)
		case 17:
			w.write(uint64(c.extra), 3)
		case 18:
			w.write(uint64(c.extra), 7)
		}
	}
	for _, t := range toks {
		if !t.isMatch() {
			w.write(uint64(lcodes[t]), uint(llens[t]))
			continue
		}
		l, d := t.length(), t.dist()
		lc, dc := int(lenCode[l]), distCode(d)
		w.write(uint64(lcodes[257+lc]), uint(llens[257+lc]))
		w.write(uint64(l-int(lenBase[lc])), uint(lenExtra[lc]))
		w.write(uint64(dcodes[dc]), uint(dlens[dc]))
		w.write(uint64(d-int(distBase[dc])), uint(distExtra[dc]))
	}
	w.write(uint64(lcodes[endOfBlock]), uint(llens[endOfBlock]))
}
