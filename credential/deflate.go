package credential

import (
	"math/bits"
	"slices"
	"sync"
)

// This file is a raw DEFLATE (RFC 1951) encoder for the QR form: inputs of
// at most MaxSize bytes after the preset dictionary qrDictionary, one final
// block. compress/flate clears 640 KB of hash tables on every Reset, which
// cost more than signing a 200-byte credential; here the hash heads are
// tagged with a generation instead of cleared. The parse is a shortest path
// under the block's code lengths over "literal" and "match of length L at
// the nearest distance that reaches L", among the matches a hash chain of
// at most maxChain steps finds. It is computed with the fixed code's
// costs and again with the costs of a dynamic code fitted to that parse; the
// smaller block is written. The first byte of the stream has BFINAL set, so
// it is odd and never 0xD2. FuzzDeflate holds the output to compress/flate's
// inflater and to inflateFast.

const (
	dictLen     = 83 // len(qrDictionary), checked by init
	maxWin      = dictLen + MaxSize
	hashBits    = 12
	maxChain    = 256
	maxMatch    = 258
	minMatch    = 3
	numLitLen   = 286
	numDist     = 30
	endOfBlock  = 256
	maxCodeBits = 15
)

// Tables shared by every encoder.
var (
	lengthCodeOf  [maxMatch + 1]uint8 // length → index into lengthBase
	distCodeOf    [maxWin + 1]uint8   // distance → index into distBase
	fixedLitLen   [288]uint8          // 286 and 287 take part in the code, never in a block
	fixedDistLen  [numDist]uint8
	fixedLitCode  [288]uint16
	fixedDistCode [numDist]uint16
)

func init() {
	if len(qrDictionary) != dictLen {
		panic("credential: dictLen is not len(qrDictionary)")
	}
	for l, c := minMatch, 0; l <= maxMatch; l++ {
		for c+1 < len(lengthBase) && int(lengthBase[c+1]) <= l {
			c++
		}
		lengthCodeOf[l] = uint8(c)
	}
	for d, c := 1, 0; d <= maxWin; d++ {
		for c+1 < len(distBase) && int(distBase[c+1]) <= d {
			c++
		}
		distCodeOf[d] = uint8(c)
	}
	for s := range fixedLitLen {
		switch {
		case s < 144:
			fixedLitLen[s] = 8
		case s < 256:
			fixedLitLen[s] = 9
		case s < 280:
			fixedLitLen[s] = 7
		default:
			fixedLitLen[s] = 8
		}
	}
	for s := range fixedDistLen {
		fixedDistLen[s] = 5
	}
	canonical(fixedLitLen[:], fixedLitCode[:])
	canonical(fixedDistLen[:], fixedDistCode[:])
}

// matchCand is a match at distance dist reaching up to length bytes; a
// position's candidates have increasing lengths and distances.
type matchCand struct {
	length, dist uint16
}

// qrDeflater holds one encoder's state; qrDeflaters pools them.
type qrDeflater struct {
	head        [1 << hashBits]uint32 // gen+position, stale when below gen
	gen         uint32
	prev        [maxWin]int16
	cands       []matchCand
	candOff     [MaxSize + 1]int32
	cost        [MaxSize + 1]uint32
	choice      [MaxSize]matchCand // length 0: a literal
	tokens      []matchCand        // length 0: literal dist
	fixedTokens []matchCand
	dyn         dynCode
	out         []byte

	// Scratch of deflate and huffLengths, kept here rather than on the
	// stack: frames of many kilobytes make every pooled goroutine that
	// encodes grow (and, after a GC shrank it, regrow) its stack, and
	// zeroing them costs as much as the work.
	win      [maxWin]byte
	litF     [numLitLen]uint32
	distF    [numDist]uint32
	litCode  [numLitLen]uint16
	distCode [numDist]uint16
	huff     huffScratch
}

var qrDeflaters = sync.Pool{New: func() any { return new(qrDeflater) }}

// deflateQR returns the raw DEFLATE of src (len(src) <= MaxSize) with
// qrDictionary, appended to dst.
func deflateQR(dst, src []byte) []byte {
	e := qrDeflaters.Get().(*qrDeflater)
	defer qrDeflaters.Put(e)
	return e.deflate(dst, src)
}

func hash3(b []byte) uint32 {
	return (uint32(b[0])<<16 | uint32(b[1])<<8 | uint32(b[2])) * 0x9E3779B1 >> (32 - hashBits)
}

// findMatches records, for every input position, its candidate matches.
func (e *qrDeflater) findMatches(win []byte) {
	if e.gen > 1<<31 {
		e.head = [1 << hashBits]uint32{}
		e.gen = 0
	}
	e.gen += maxWin + 1
	gen := e.gen
	e.cands = e.cands[:0]
	n := len(win) - dictLen
	for p := 0; p+minMatch <= len(win); p++ {
		h := hash3(win[p:])
		if p >= dictLen {
			e.candOff[p-dictLen] = int32(len(e.cands))
			best := minMatch - 1
			limit := min(maxMatch, len(win)-p)
			for q, chain := e.head[h], 0; q >= gen && chain < maxChain; chain++ {
				j := int(q - gen)
				if win[j+best] == win[p+best] {
					l := 0
					for l < limit && win[j+l] == win[p+l] {
						l++
					}
					if l > best {
						best = l
						e.cands = append(e.cands, matchCand{uint16(l), uint16(p - j)})
						if l == limit {
							break
						}
					}
				}
				if e.prev[j] < 0 {
					break
				}
				q = uint32(e.prev[j]) + gen
			}
		}
		if e.head[h] >= gen {
			e.prev[p] = int16(e.head[h] - gen)
		} else {
			e.prev[p] = -1
		}
		e.head[h] = gen + uint32(p)
	}
	for i := max(0, len(win)-minMatch+1-dictLen); i <= n; i++ {
		e.candOff[i] = int32(len(e.cands))
	}
}

// parse fills e.tokens with the cheapest parse under the code lengths
// lit and dist (a zero length costs as much as the longest code).
func (e *qrDeflater) parse(win []byte, lit, dist []uint8) {
	var litCost [numLitLen]uint32
	var distCost [numDist]uint32
	for s, l := range lit {
		if l == 0 {
			l = maxCodeBits
		}
		litCost[s] = uint32(l)
		if s > endOfBlock {
			litCost[s] += uint32(lengthExtra[s-257])
		}
	}
	for s, l := range dist {
		if l == 0 {
			l = maxCodeBits
		}
		distCost[s] = uint32(l) + uint32(distExtra[s])
	}
	src := win[dictLen:]
	n := len(src)
	e.cost[n] = 0
	for i := n - 1; i >= 0; i-- {
		best := litCost[src[i]] + e.cost[i+1]
		choice := matchCand{}
		prevLen := minMatch - 1
		for _, c := range e.cands[e.candOff[i]:e.candOff[i+1]] {
			dc := distCost[distCodeOf[c.dist]]
			for l := prevLen + 1; l <= int(c.length); l++ {
				if x := dc + litCost[257+int(lengthCodeOf[l])] + e.cost[i+l]; x < best {
					best, choice = x, matchCand{uint16(l), c.dist}
				}
			}
			prevLen = int(c.length)
		}
		e.cost[i], e.choice[i] = best, choice
	}
	e.tokens = e.tokens[:0]
	for i := 0; i < n; {
		c := e.choice[i]
		if c.length == 0 {
			e.tokens = append(e.tokens, matchCand{0, uint16(src[i])})
			i++
			continue
		}
		e.tokens = append(e.tokens, c)
		i += int(c.length)
	}
}

// freqs counts the symbols of e.tokens, end of block included.
func (e *qrDeflater) freqs(lit *[numLitLen]uint32, dist *[numDist]uint32) {
	*lit, *dist = [numLitLen]uint32{}, [numDist]uint32{}
	for _, t := range e.tokens {
		if t.length == 0 {
			lit[t.dist]++
			continue
		}
		lit[257+int(lengthCodeOf[t.length])]++
		dist[distCodeOf[t.dist]]++
	}
	lit[endOfBlock]++
}

// bodyBits is the size of e.tokens' symbols under the given code lengths.
func bodyBits(lit *[numLitLen]uint32, dist *[numDist]uint32, litLen, distLen []uint8) int {
	n := 0
	for s, f := range lit {
		if f != 0 {
			n += int(f) * int(litLen[s])
			if s > endOfBlock {
				n += int(f) * int(lengthExtra[s-257])
			}
		}
	}
	for s, f := range dist {
		n += int(f) * (int(distLen[s]) + int(distExtra[s]))
	}
	return n
}

func (e *qrDeflater) deflate(dst, src []byte) []byte {
	win := &e.win
	copy(win[:], qrDictionary)
	w := win[:dictLen+copy(win[dictLen:], src)]
	e.findMatches(w)

	litF, distF := &e.litF, &e.distF
	e.parse(w, fixedLitLen[:numLitLen], fixedDistLen[:])
	e.freqs(litF, distF)
	fixedBits := 3 + bodyBits(litF, distF, fixedLitLen[:numLitLen], fixedDistLen[:])

	// A dynamic code fitted to the fixed parse; when it comes within
	// dynSlack bits of the fixed block, the parse is redone with its costs
	// and the code refitted to that parse.
	dyn := &e.dyn
	dyn.build(litF, distF, &e.huff)
	dynBits := 3 + dyn.headerBits() + bodyBits(litF, distF, dyn.lit[:], dyn.dist[:])
	if dynBits < fixedBits+dynSlack {
		e.fixedTokens = append(e.fixedTokens[:0], e.tokens...)
		e.parse(w, dyn.lit[:], dyn.dist[:])
		e.freqs(litF, distF)
		dyn.build(litF, distF, &e.huff)
		dynBits = 3 + dyn.headerBits() + bodyBits(litF, distF, dyn.lit[:], dyn.dist[:])
		if dynBits >= fixedBits {
			e.tokens = append(e.tokens[:0], e.fixedTokens...)
		}
	}

	bw := bitWriter{out: dst}
	if dynBits < fixedBits {
		bw.put(1|2<<1, 3)
		dyn.writeHeader(&bw)
		litCode, distCode := &e.litCode, &e.distCode
		canonical(dyn.lit[:], litCode[:])
		canonical(dyn.dist[:], distCode[:])
		e.writeTokens(&bw, dyn.lit[:], litCode[:], dyn.dist[:], distCode[:])
	} else {
		bw.put(1|1<<1, 3)
		e.writeTokens(&bw, fixedLitLen[:], fixedLitCode[:], fixedDistLen[:], fixedDistCode[:])
	}
	return bw.flush()
}

// dynSlack is how far (in bits) a dynamic code fitted to the fixed parse
// may lose and still be tried with a parse of its own.
const dynSlack = 64

// writeTokens writes e.tokens and the end of block with the given codes.
func (e *qrDeflater) writeTokens(bw *bitWriter, litLen []uint8, litCode []uint16, distLen []uint8, distCode []uint16) {
	for _, t := range e.tokens {
		if t.length == 0 {
			bw.put(uint32(litCode[t.dist]), uint(litLen[t.dist]))
			continue
		}
		lc := int(lengthCodeOf[t.length])
		bw.put(uint32(litCode[257+lc]), uint(litLen[257+lc]))
		bw.put(uint32(t.length-lengthBase[lc]), uint(lengthExtra[lc]))
		dc := int(distCodeOf[t.dist])
		bw.put(uint32(distCode[dc]), uint(distLen[dc]))
		bw.put(uint32(t.dist-distBase[dc]), uint(distExtra[dc]))
	}
	bw.put(uint32(litCode[endOfBlock]), uint(litLen[endOfBlock]))
}

// bitWriter writes bits least significant first.
type bitWriter struct {
	out   []byte
	acc   uint64
	nbits uint
}

func (w *bitWriter) put(v uint32, n uint) {
	w.acc |= uint64(v) << w.nbits
	w.nbits += n
	for w.nbits >= 8 {
		w.out = append(w.out, byte(w.acc))
		w.acc >>= 8
		w.nbits -= 8
	}
}

func (w *bitWriter) flush() []byte {
	if w.nbits > 0 {
		w.out = append(w.out, byte(w.acc))
	}
	return w.out
}

// canonical assigns the RFC 1951 §3.2.2 codes for lengths, bit-reversed for
// a least-significant-first writer.
func canonical(lengths []uint8, codes []uint16) {
	var count [maxCodeBits + 1]uint16
	for _, l := range lengths {
		count[l]++
	}
	count[0] = 0
	var next [maxCodeBits + 1]uint16
	code := uint16(0)
	for b := 1; b <= maxCodeBits; b++ {
		code = (code + count[b-1]) << 1
		next[b] = code
	}
	for s, l := range lengths {
		if l != 0 {
			codes[s] = bits.Reverse16(next[l]) >> (16 - l)
			next[l]++
		}
	}
}

// huffScratch is huffLengths' working memory; every part it reads it
// has written first in the same call.
type huffScratch struct {
	f      [numLitLen]uint32
	keys   [numLitLen]uint64 // frequency << 16 | symbol
	nf     [2 * numLitLen]uint64
	parent [2 * numLitLen]int16
	depth  [2 * numLitLen]uint8
	sorted [numLitLen]uint64
	count  [countSortMax + 2]uint16
}

// countSortMax is the largest frequency sortLeaves counts directly; a
// larger one (an input of several kilobytes) falls back to a general sort.
const countSortMax = 1024

// sortLeaves sorts leaves (frequency << 16 | symbol, appended in ascending
// symbol order, so all unique) ascending and returns the sorted slice,
// which may be hs.sorted. When every frequency is at most countSortMax it
// is a counting sort by frequency: stable, so equal frequencies keep their
// ascending symbols, the order slices.Sort gives these unique keys; the
// result, and the code built from it, is the same.
func sortLeaves(leaves []uint64, maxf uint32, hs *huffScratch) []uint64 {
	if maxf > countSortMax {
		slices.Sort(leaves)
		return leaves
	}
	count := hs.count[:maxf+2]
	clear(count)
	for _, key := range leaves {
		count[key>>16+1]++
	}
	for i := 1; i < len(count); i++ {
		count[i] += count[i-1]
	}
	out := hs.sorted[:len(leaves)]
	for _, key := range leaves {
		f := key >> 16
		out[count[f]] = key
		count[f]++
	}
	return out
}

// huffLengths sets lengths to a Huffman code for freq (at most 286
// symbols) limited to maxBits bits; every code has at least two symbols, so
// any inflater takes it. When the code would be too deep, the frequencies
// are halved (keeping every used symbol) and the code rebuilt.
func huffLengths(freq []uint32, lengths []uint8, maxBits int, hs *huffScratch) {
	f := hs.f[:len(freq)]
	copy(f, freq)
	used := 0
	for _, x := range f {
		if x != 0 {
			used++
		}
	}
	for i := 0; used < 2; i++ {
		if f[i] == 0 {
			f[i] = 1
			used++
		}
	}
	nf, parent, depth := &hs.nf, &hs.parent, &hs.depth
	for {
		leaves := hs.keys[:0]
		maxf := uint32(0)
		for i, x := range f {
			if x != 0 {
				leaves = append(leaves, uint64(x)<<16|uint64(i))
				maxf = max(maxf, x)
			}
		}
		leaves = sortLeaves(leaves, maxf, hs)
		n := len(leaves)
		for k, key := range leaves {
			nf[k] = key >> 16
		}
		// Two queues: the sorted leaves, and internal nodes in the order
		// they are made (which is also sorted).
		li, ii, next := 0, n, n
		pick := func() int {
			if li < n && (ii >= next || nf[li] <= nf[ii]) {
				li++
				return li - 1
			}
			ii++
			return ii - 1
		}
		for ; next < 2*n-1; next++ {
			a, b := pick(), pick()
			nf[next] = nf[a] + nf[b]
			parent[a], parent[b] = int16(next), int16(next)
		}
		depth[2*n-2] = 0
		deepest := 0
		for k := 2*n - 3; k >= 0; k-- {
			depth[k] = depth[parent[k]] + 1
			if k < n {
				deepest = max(deepest, int(depth[k]))
			}
		}
		if deepest <= maxBits {
			clear(lengths)
			for k, key := range leaves {
				lengths[key&0xffff] = depth[k]
			}
			return
		}
		for i := range f {
			if f[i] != 0 {
				f[i] = f[i]>>1 | 1
			}
		}
	}
}

// codeLenOrder is the order of the code length code's lengths (§3.2.7).
var codeLenOrder = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}

// dynCode is a dynamic block's codes and its header's run-length form.
type dynCode struct {
	lit         [numLitLen]uint8
	dist        [numDist]uint8
	nlit, ndist int
	clen        [19]uint8
	nclen       int
	rle         []uint16 // symbol | extra bits << 8, in rleBuf
	rleBuf      [numLitLen + numDist]uint16
}

func (d *dynCode) build(litF *[numLitLen]uint32, distF *[numDist]uint32, hs *huffScratch) {
	huffLengths(litF[:], d.lit[:], maxCodeBits, hs)
	huffLengths(distF[:], d.dist[:], maxCodeBits, hs)
	d.nlit, d.ndist = numLitLen, numDist
	for d.nlit > 257 && d.lit[d.nlit-1] == 0 {
		d.nlit--
	}
	for d.ndist > 1 && d.dist[d.ndist-1] == 0 {
		d.ndist--
	}
	var buf [numLitLen + numDist]uint8
	all := append(append(buf[:0], d.lit[:d.nlit]...), d.dist[:d.ndist]...)
	d.rle = d.rleBuf[:0]
	for i := 0; i < len(all); {
		l := all[i]
		run := 1
		for i+run < len(all) && all[i+run] == l {
			run++
		}
		i += run
		if l == 0 {
			for run >= 11 {
				k := min(run, 138)
				d.rle = append(d.rle, 18|uint16(k-11)<<8)
				run -= k
			}
			if run >= 3 {
				d.rle = append(d.rle, 17|uint16(run-3)<<8)
				run = 0
			}
		} else {
			d.rle = append(d.rle, uint16(l))
			run--
			for run >= 3 {
				k := min(run, 6)
				d.rle = append(d.rle, 16|uint16(k-3)<<8)
				run -= k
			}
		}
		for ; run > 0; run-- {
			d.rle = append(d.rle, uint16(l))
		}
	}
	var cf [19]uint32
	for _, r := range d.rle {
		cf[r&0xff]++
	}
	huffLengths(cf[:], d.clen[:], 7, hs)
	d.nclen = 19
	for d.nclen > 4 && d.clen[codeLenOrder[d.nclen-1]] == 0 {
		d.nclen--
	}
}

var rleExtra = [19]uint8{16: 2, 17: 3, 18: 7}

func (d *dynCode) headerBits() int {
	n := 5 + 5 + 4 + 3*d.nclen
	for _, r := range d.rle {
		n += int(d.clen[r&0xff]) + int(rleExtra[r&0xff])
	}
	return n
}

func (d *dynCode) writeHeader(bw *bitWriter) {
	bw.put(uint32(d.nlit-257), 5)
	bw.put(uint32(d.ndist-1), 5)
	bw.put(uint32(d.nclen-4), 4)
	for _, s := range codeLenOrder[:d.nclen] {
		bw.put(uint32(d.clen[s]), 3)
	}
	var codes [19]uint16
	canonical(d.clen[:], codes[:])
	for _, r := range d.rle {
		s := r & 0xff
		bw.put(uint32(codes[s]), uint(d.clen[s]))
		bw.put(uint32(r>>8), uint(rleExtra[s]))
	}
}
