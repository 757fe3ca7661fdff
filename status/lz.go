package status

import (
	"encoding/binary"
	"math/bits"
	"sort"
)

// This file chooses the DEFLATE tokens for a status list byte array. See
// compress.go for why and how; in short: the array is mostly zero bytes
// with a few non-zero bytes ("events"), and the cheapest DEFLATE encoding
// of it mixes three kinds of tokens, chosen by a shortest-path search:
//
//   - a literal for an event byte,
//   - a zero run: one literal 0 (after a non-zero byte) and then
//     distance-1 matches,
//   - a long-distance match copying an earlier stretch that has the same
//     events at the same offsets ("0 0 0 X 0 0 0 0 Y 0 0"), which codes
//     two or three events and the zeros around them in one token.

const (
	// segmentSize is the amount of input parsed and written as one DEFLATE
	// block. It bounds the parser's memory; a default-size list (2^20
	// entries, 256 KiB) is one segment.
	segmentSize = 256 << 10
	// parsePasses is how many times the parse is repeated, each pass
	// costing tokens with the Huffman code lengths of the previous one.
	parsePasses = 3
	// seedDistCost is the cost in bits assumed for a long-distance match's
	// distance in the first pass, before any such match has been counted
	// (about log2 of the window size, a little optimistic).
	seedDistCost = 13
	// Candidate search limits per event: predecessors with the same
	// (value, gap, next value) examined and kept, and predecessors with
	// the same value examined and kept.
	pairScan, pairKeep     = 16, 4
	singleScan, singleKeep = 32, 2
	// ringSize must exceed 2*maxMatch; see parser.add.
	ringSize = 1024
)

// costModel holds token costs in bits, from Huffman code lengths.
type costModel struct {
	lit  [256]int32
	leng [maxMatch + 1]int32 // code length + extra bits
	dist [numDist]int32      // code length + extra bits
}

func newCostModel(toks []token) *costModel {
	lf, df := frequencies(toks)
	var llens [numLitLen]uint8
	var dlens [numDist]uint8
	codeLengths(lf[:], 15, llens[:])
	codeLengths(df[:], 15, dlens[:])
	cost := func(l uint8) int32 {
		if l == 0 {
			return 16 // unused so far: dearer than any code in use
		}
		return int32(l)
	}
	m := &costModel{}
	for i := range m.lit {
		m.lit[i] = cost(llens[i])
	}
	for l := minMatch; l <= maxMatch; l++ {
		c := lenCode[l]
		m.leng[l] = cost(llens[257+int(c)]) + int32(lenExtra[c])
	}
	for c := range m.dist {
		m.dist[c] = cost(dlens[c]) + int32(distExtra[c])
	}
	return m
}

// zeroRun splits r zero bytes that follow a zero byte into distance-1
// matches: full-length ones, then the rest, never leaving a 1- or 2-byte
// tail (258+1 is sent as 256+3). It returns the number of 258-byte
// matches, the lengths of up to two more matches, and the number of
// literal zeros (only when r < 3).
func zeroRun(r int) (full, m1, m2, lits int) {
	if r < minMatch {
		return 0, 0, 0, r
	}
	full, rem := r/maxMatch, r%maxMatch
	switch {
	case rem == 0:
	case rem >= minMatch:
		m1 = rem
	default: // rem is 1 or 2 and full >= 1
		full--
		m1, m2 = maxMatch-minMatch+rem, minMatch
	}
	return full, m1, m2, 0
}

// zeroCost is the cost of r zero bytes; prevZero tells whether the byte
// before them is a zero (else the first zero must be a literal).
func (c *costModel) zeroCost(r int, prevZero bool) int32 {
	var s int32
	if r > 0 && !prevZero {
		s, r = c.lit[0], r-1
	}
	full, m1, m2, lits := zeroRun(r)
	d1 := c.dist[0]
	s += int32(full)*(c.leng[maxMatch]+d1) + int32(lits)*c.lit[0]
	if m1 > 0 {
		s += c.leng[m1] + d1
	}
	if m2 > 0 {
		s += c.leng[m2] + d1
	}
	return s
}

// appendZeros appends the tokens that zeroCost prices.
func appendZeros(toks []token, r int, prevZero bool) []token {
	if r > 0 && !prevZero {
		toks, r = append(toks, literal(0)), r-1
	}
	full, m1, m2, lits := zeroRun(r)
	for range full {
		toks = append(toks, match(maxMatch, 1))
	}
	for _, l := range []int{m1, m2} {
		if l > 0 {
			toks = append(toks, match(l, 1))
		}
	}
	for range lits {
		toks = append(toks, literal(0))
	}
	return toks
}

// candidate is a long-distance match that covers one target event.
type candidate struct {
	d      int32 // distance
	srcMin int32 // earliest start: bytes [srcMin, event) match the source
	end    int32 // exclusive end of the longest match through the event
}

// pstate is a node of the shortest-path search: the input up to x is coded
// at cost bits.
type pstate struct {
	x, cost int32
	prev    int32 // previous state, -1 for the first
	next    int32 // next state in the same bucket, -1 at the end
	st      int32 // kind 2: match start (zeros from x of prev to st first)
	l, d    uint16
	kind    uint8 // 0 first, 1 zeros + event literal, 2 zeros + match
}

// parser holds scratch space reused across segments and passes.
type parser struct {
	b      []byte
	pos    []int32 // event positions, then a sentinel
	val    []byte
	t0     int   // index of the first event inside the segment
	lo, hi int32 // segment bounds
	cands  []candidate
	cOff   []int32 // cands of target event t0+k: cands[cOff[k]:cOff[k+1]]
	states []pstate
	head   []int32 // per target bucket: first state
	ring   [ringSize]int32
	toks   []token
}

// tokens returns the tokens for b[lo:hi]; b[:lo] is already written and is
// available as match source.
func (p *parser) tokens(b []byte, lo, hi int) []token {
	p.b, p.lo, p.hi = b, int32(lo), int32(hi)
	p.findEvents()
	p.findCandidates()
	// The plain encoding (event literals and zero runs) gives the first
	// cost model; long-distance matches get seedDistCost until counted.
	p.toks = p.toks[:0]
	x := lo
	for k := p.t0; k < len(p.val); k++ {
		e := int(p.pos[k])
		p.toks = appendZeros(p.toks, e-x, x > 0 && b[x-1] == 0)
		p.toks = append(p.toks, literal(p.val[k]))
		x = e + 1
	}
	p.toks = appendZeros(p.toks, hi-x, x > 0 && b[x-1] == 0)
	for pass := range parsePasses {
		cm := newCostModel(p.toks)
		if pass == 0 {
			for c := 1; c < numDist; c++ {
				cm.dist[c] = seedDistCost
			}
		}
		p.search(cm)
	}
	return p.toks
}

// findEvents lists the non-zero bytes in the window before the segment and
// in the segment.
func (p *parser) findEvents() {
	p.pos, p.val = p.pos[:0], p.val[:0]
	from := max(0, p.lo-windowSize)
	p.t0 = -1
	for i := from; i < p.hi; i++ {
		if v := p.b[i]; v != 0 {
			if p.t0 < 0 && i >= p.lo {
				p.t0 = len(p.pos)
			}
			p.pos = append(p.pos, i)
			p.val = append(p.val, v)
		}
	}
	if p.t0 < 0 {
		p.t0 = len(p.pos)
	}
	p.pos = append(p.pos, p.hi) // sentinel
}

// matchForward returns the first i in [i, hi) with b[i] != b[i-d], or hi.
func matchForward(b []byte, i, d, hi int) int {
	for i+8 <= hi {
		x := binary.LittleEndian.Uint64(b[i:]) ^ binary.LittleEndian.Uint64(b[i-d:])
		if x != 0 {
			return i + bits.TrailingZeros64(x)/8
		}
		i += 8
	}
	for i < hi && b[i] == b[i-d] {
		i++
	}
	return i
}

// matchBackward returns the least j in [lo, i] with b[j:i] == b[j-d:i-d].
func matchBackward(b []byte, i, d, lo int) int {
	for i-8 >= lo {
		x := binary.LittleEndian.Uint64(b[i-8:]) ^ binary.LittleEndian.Uint64(b[i-8-d:])
		if x != 0 {
			return i - bits.LeadingZeros64(x)/8
		}
		i -= 8
	}
	for i > lo && b[i-1] == b[i-1-d] {
		i--
	}
	return i
}

// findCandidates lists, for each event in the segment, a few earlier places
// a match through it could copy from: the nearest ones with the same
// value, the same gap to the next event and the same next value (they
// cover two events or more), and, among the nearest with the same value,
// those that cover the most bytes.
func (p *parser) findCandidates() {
	const hashBits = 14
	var head [1 << hashBits]int32
	for i := range head {
		head[i] = -1
	}
	var lastVal [256]int32
	for i := range lastVal {
		lastVal[i] = -1
	}
	m := len(p.val)
	chain := make([]int32, m)
	prevSame := make([]int32, m)
	pos, val := p.pos, p.val
	pairKey := func(k int) (uint32, bool) {
		if k+1 >= m || pos[k+1]-pos[k] > maxMatch {
			return 0, false
		}
		key := uint32(val[k])<<24 | uint32(val[k+1])<<16 | uint32(pos[k+1]-pos[k])
		return key * 2654435761 >> (32 - hashBits), true
	}
	p.cands = p.cands[:0]
	p.cOff = p.cOff[:0]
	var pick []candidate
	var cover []int32
	keep := func(c candidate, cov int32, limit int) {
		if len(pick) < limit {
			pick, cover = append(pick, c), append(cover, cov)
			return
		}
		w := 0
		for i := range cover {
			if cover[i] < cover[w] {
				w = i
			}
		}
		if cov > cover[w] {
			pick[w], cover[w] = c, cov
		}
	}
	for k := range m {
		if k >= p.t0 {
			p.cOff = append(p.cOff, int32(len(p.cands)))
			runStart := p.lo
			if k > 0 {
				runStart = max(runStart, pos[k-1]+1)
			}
			e := int(pos[k])
			hi := min(int(p.hi), e+maxMatch)
			// try returns the candidate copying event q to event k and how
			// many bytes it can cover; ok is false if it is of no use.
			try := func(q int32) (c candidate, cov int32, ok bool) {
				d := e - int(pos[q])
				lo := max(int(runStart), e-maxMatch+1, d)
				srcMin := matchBackward(p.b, e, d, lo)
				end := matchForward(p.b, e+1, d, hi)
				if end-max(srcMin, int(runStart)) < minMatch {
					return c, 0, false
				}
				return candidate{int32(d), int32(srcMin), int32(end)}, int32(end - srcMin), true
			}
			// The most a match through e can cover, from the run start (or
			// maxMatch-1 before e) to hi.
			maxCover := int32(hi - max(int(runStart), e-maxMatch+1))
			pick, cover = pick[:0], cover[:0]
			if key, ok := pairKey(k); ok {
				n := 0
				for q := head[key]; q >= 0 && n < pairScan && e-int(pos[q]) <= windowSize; q = chain[q] {
					n++
					if val[q] != val[k] || val[q+1] != val[k+1] || pos[q+1]-pos[q] != pos[k+1]-pos[k] {
						continue
					}
					c, cov, ok := try(q)
					if !ok {
						continue
					}
					keep(c, cov, pairKeep)
					if cov == maxCover {
						break // nothing can cover more
					}
				}
			}
			p.cands = append(p.cands, pick...)
			pick, cover = pick[:0], cover[:0]
			n := 0
			for q := lastVal[val[k]]; q >= 0 && n < singleScan && e-int(pos[q]) <= windowSize; q = prevSame[q] {
				n++
				c, cov, ok := try(q)
				if !ok || p.hasCandidate(c.d) {
					continue
				}
				keep(c, cov, singleKeep)
				if cov == maxCover {
					break
				}
			}
			p.cands = append(p.cands, pick...)
		}
		prevSame[k] = lastVal[val[k]]
		lastVal[val[k]] = int32(k)
		if key, ok := pairKey(k); ok {
			chain[k] = head[key]
			head[key] = int32(k)
		}
	}
	p.cOff = append(p.cOff, int32(len(p.cands)))
}

// hasCandidate reports whether the current event already has a candidate
// at distance d.
func (p *parser) hasCandidate(d int32) bool {
	for _, c := range p.cands[p.cOff[len(p.cOff)-1]:] {
		if c.d == d {
			return true
		}
	}
	return false
}

// search finds the cheapest token sequence under cm and stores it in
// p.toks. States are grouped in buckets by the next target event at or
// after their position; every transition moves to a later bucket, so the
// buckets are settled in order.
func (p *parser) search(cm *costModel) {
	b, pos, val := p.b, p.pos, p.val
	nt := len(p.val) - p.t0 // target events
	p.head = p.head[:0]
	for range nt + 1 {
		p.head = append(p.head, -1)
	}
	for i := range p.ring {
		p.ring[i] = -1
	}
	p.states = append(p.states[:0], pstate{x: p.lo, prev: -1, next: -1})
	p.head[0] = 0
	best, bestCost := int32(-1), int32(1<<31-1)
	for k := 0; k <= nt; k++ {
		ev := p.t0 + k
		for si := p.head[k]; si >= 0; si = p.states[si].next {
			s := p.states[si]
			x := int(s.x)
			prevZero := x > 0 && b[x-1] == 0
			if k == nt {
				if c := s.cost + cm.zeroCost(int(p.hi)-x, prevZero); c < bestCost {
					best, bestCost = si, c
				}
				continue
			}
			e := int(pos[ev])
			c := s.cost + cm.zeroCost(e-x, prevZero) + cm.lit[val[ev]]
			p.add(k+1, pstate{x: int32(e + 1), cost: c, prev: si, kind: 1})
			for _, cd := range p.cands[p.cOff[k]:p.cOff[k+1]] {
				st := max(x, int(cd.srcMin))
				p.tryMatch(cm, s, si, k, st, min(int(cd.end), st+maxMatch), cd.d)
				if int(cd.end)-st > maxMatch {
					p.tryMatch(cm, s, si, k, int(cd.end)-maxMatch, int(cd.end), cd.d)
				}
			}
		}
	}
	p.toks = p.toks[:0]
	var path []int32
	for si := best; si > 0; si = p.states[si].prev {
		path = append(path, si)
	}
	x := int(p.lo)
	for i := len(path) - 1; i >= 0; i-- {
		s := p.states[path[i]]
		prevZero := x > 0 && b[x-1] == 0
		switch s.kind {
		case 1:
			e := int(s.x) - 1
			p.toks = appendZeros(p.toks, e-x, prevZero)
			p.toks = append(p.toks, literal(b[e]))
		case 2:
			p.toks = appendZeros(p.toks, int(s.st)-x, prevZero)
			p.toks = append(p.toks, match(int(s.l), int(s.d)))
		}
		x = int(s.x)
	}
	p.toks = appendZeros(p.toks, int(p.hi)-x, x > 0 && b[x-1] == 0)
}

// tryMatch adds the state reached from s by zeros up to st and then a
// match [st, end) at distance d that covers target event k.
func (p *parser) tryMatch(cm *costModel, s pstate, si int32, k, st, end int, d int32) {
	l := end - st
	if l < minMatch || l > maxMatch || end <= int(p.pos[p.t0+k]) {
		return
	}
	x := int(s.x)
	c := s.cost + cm.zeroCost(st-x, x > 0 && p.b[x-1] == 0) + cm.leng[l] + cm.dist[distCode(int(d))]
	// The bucket of end: the first target event at or after it.
	from := p.t0 + k + 1
	j := from + sort.Search(len(p.val)-from, func(i int) bool { return int(p.pos[from+i]) >= end })
	p.add(j-p.t0, pstate{x: int32(end), cost: c, prev: si, st: int32(st), l: uint16(l), d: uint16(d), kind: 2})
}

// add records state s in bucket k, or improves the state already at s.x.
// States that can still be improved lie within maxMatch bytes after the
// event being settled, so a ring indexed by position finds them.
func (p *parser) add(k int, s pstate) {
	slot := s.x & (ringSize - 1)
	if i := p.ring[slot]; i >= 0 && p.states[i].x == s.x {
		if s.cost < p.states[i].cost {
			s.next = p.states[i].next
			p.states[i] = s
		}
		return
	}
	s.next = p.head[k]
	p.states = append(p.states, s)
	i := int32(len(p.states) - 1)
	p.head[k] = i
	p.ring[slot] = i
}
