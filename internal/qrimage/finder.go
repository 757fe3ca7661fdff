package qrimage

// The finder pattern search below follows ZXing's FinderPatternFinder as
// ported to Go by github.com/makiuchi-d/gozxing (Apache License 2.0), with
// every loop bounded: runs are cut at a multiple of the expected length, the
// candidates are capped, and each pixel read is charged to a budget. The
// library's own search reads a column or diagonal to its end for every
// candidate and scores every triple of candidates, which took minutes on a
// 1.2 KB PNG of a few thousand finder-like squares.

import (
	"math"
	"sort"

	"github.com/makiuchi-d/gozxing"
)

const (
	// maxCandidates caps the finder pattern candidates kept per view. A
	// photo of one or two codes has a few dozen; past the cap, new ones are
	// dropped and the view is marked crowded.
	maxCandidates = 256

	// maxTripleCandidates is how many candidates, the most often confirmed
	// first, are combined into triples.
	maxTripleCandidates = 32

	// maxTriples is how many triples, the best shaped first, are handed to
	// the detector and decoder per view.
	maxTriples = 12
)

// budget counts work, in pixel reads and their equivalents, that a search may
// still do. Every loop over pixels charges it; a search whose budget runs out
// stops and reports what it found so far.
type budget struct {
	left int64
}

// spend charges n units and reports whether any budget was left.
func (b *budget) spend(n int) bool {
	b.left -= int64(n)
	return b.left >= 0
}

func (b *budget) exhausted() bool { return b.left < 0 }

// afford charges n units if that many are left, else charges nothing and
// reports false: for work that cannot stop halfway, such as binarizing.
func (b *budget) afford(n int) bool {
	if b.left < int64(n) {
		return false
	}
	b.left -= int64(n)
	return true
}

// candidate is a possible finder pattern centre.
type candidate struct {
	x, y       float64
	moduleSize float64
	count      int // times confirmed by separate row scans
}

// finder searches one binarized image for finder patterns.
type finder struct {
	img     *gozxing.BitMatrix
	w, h    int
	budget  *budget
	found   []candidate
	crowded bool // more than maxCandidates were seen
	state   [5]int
}

// find scans every step-th row for the 1:1:3:1:1 run pattern of a finder and
// cross-checks each hit vertically, horizontally and diagonally.
func (f *finder) find(step int) {
	var counts [5]int
	for i := step / 2; i < f.h; i += step {
		if !f.budget.spend(f.w) {
			return
		}
		counts = [5]int{}
		state := 0
		for j := 0; j < f.w; j++ {
			if f.img.Get(j, i) {
				if state&1 == 1 {
					state++
				}
				counts[state]++
				continue
			}
			if state&1 == 1 {
				counts[state]++
				continue
			}
			if state < 4 {
				state++
				counts[state]++
				continue
			}
			if crossRatio(counts, 2) {
				f.handle(counts, i, j)
				if f.budget.exhausted() {
					return
				}
			}
			counts = [5]int{counts[2], counts[3], counts[4], 1, 0}
			state = 3
		}
		if crossRatio(counts, 2) {
			f.handle(counts, i, f.w)
		}
	}
}

// crossRatio reports whether run lengths are close enough to 1:1:3:1:1:
// each within moduleSize/div of its expected length.
func crossRatio(c [5]int, div float64) bool {
	total := 0
	for _, n := range c {
		if n == 0 {
			return false
		}
		total += n
	}
	if total < 7 {
		return false
	}
	ms := float64(total) / 7
	v := ms / div
	return math.Abs(ms-float64(c[0])) < v && math.Abs(ms-float64(c[1])) < v &&
		math.Abs(3*ms-float64(c[2])) < 3*v && math.Abs(ms-float64(c[3])) < v &&
		math.Abs(ms-float64(c[4])) < v
}

func centerFromEnd(c [5]int, end int) float64 {
	return float64(end-c[4]-c[3]) - float64(c[2])/2
}

// run counts the pixels of one colour from (x, y) in direction (dx, dy), at
// most limit, charging each read.
func (f *finder) run(x, y, dx, dy int, dark bool, limit int) (n, nx, ny int) {
	for n < limit && x >= 0 && y >= 0 && x < f.w && y < f.h && f.img.Get(x, y) == dark {
		n++
		x += dx
		y += dy
	}
	f.budget.spend(n + 1)
	return n, x, y
}

// crossCheck measures the five runs through (x, y) along (dx, dy), each at
// most limit long, and returns them; ok is false if a run is missing or
// reaches the limit or the image border.
func (f *finder) crossCheck(x, y, dx, dy, limit int) (c [5]int, end int, ok bool) {
	var x1, y1 int
	// Backwards from the centre: core, light ring, dark ring.
	c[2], x1, y1 = f.run(x, y, -dx, -dy, true, 3*limit)
	if c[2] == 0 {
		return c, 0, false
	}
	c[1], x1, y1 = f.run(x1, y1, -dx, -dy, false, limit)
	c[0], _, _ = f.run(x1, y1, -dx, -dy, true, limit)
	// Forwards.
	var n int
	n, x1, y1 = f.run(x+dx, y+dy, dx, dy, true, 3*limit)
	c[2] += n
	c[3], x1, y1 = f.run(x1, y1, dx, dy, false, limit)
	c[4], x1, y1 = f.run(x1, y1, dx, dy, true, limit)
	for k, n := range c {
		if n == 0 || k != 2 && n >= limit || c[2] >= 6*limit {
			return c, 0, false
		}
	}
	if dx != 0 {
		return c, x1, true
	}
	return c, y1, true
}

// handle cross-checks a row hit ending at column j of row i and records the
// candidate it confirms.
func (f *finder) handle(row [5]int, i, j int) {
	total := row[0] + row[1] + row[2] + row[3] + row[4]
	limit := row[2] + 1 // no ring may be longer than the row's core
	cj := int(centerFromEnd(row, j))

	v, end, ok := f.crossCheck(cj, i, 0, 1, limit)
	vt := v[0] + v[1] + v[2] + v[3] + v[4]
	if !ok || 5*abs(vt-total) >= 2*total || !crossRatio(v, 2) {
		return
	}
	ci := centerFromEnd(v, end)

	h, end, ok := f.crossCheck(cj, int(ci), 1, 0, limit)
	ht := h[0] + h[1] + h[2] + h[3] + h[4]
	if !ok || 5*abs(ht-total) >= total || !crossRatio(h, 2) {
		return
	}
	cjf := centerFromEnd(h, end)

	d, _, ok := f.crossCheck(int(cjf), int(ci), 1, 1, 2*limit)
	if !ok || !crossRatio(d, 1.333) {
		return
	}

	ms := float64(ht) / 7
	f.budget.spend(len(f.found))
	for k := range f.found {
		c := &f.found[k]
		if math.Abs(ci-c.y) <= ms && math.Abs(cjf-c.x) <= ms {
			if diff := math.Abs(ms - c.moduleSize); diff <= 1 || diff <= c.moduleSize {
				n := float64(c.count)
				c.x = (n*c.x + cjf) / (n + 1)
				c.y = (n*c.y + ci) / (n + 1)
				c.moduleSize = (n*c.moduleSize + ms) / (n + 1)
				c.count++
				return
			}
		}
	}
	if len(f.found) >= maxCandidates {
		f.crowded = true
		return
	}
	f.found = append(f.found, candidate{x: cjf, y: ci, moduleSize: ms, count: 1})
}

// triple is three candidates that could be the finder patterns of one code.
type triple struct {
	a, b, c    int // indexes into the candidates
	distortion float64
	seen       int // the least count of the three, at most 3
}

// triples returns up to maxTriples triples of candidates, built from the
// maxTripleCandidates most often confirmed candidates: those whose patterns
// were all confirmed more often first, then the closest to an isosceles
// right triangle.
func triples(cands []candidate) []triple {
	idx := make([]int, len(cands))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return cands[idx[i]].count > cands[idx[j]].count })
	idx = idx[:min(len(idx), maxTripleCandidates)]

	var out []triple
	for ii := 0; ii < len(idx); ii++ {
		for jj := ii + 1; jj < len(idx); jj++ {
			for kk := jj + 1; kk < len(idx); kk++ {
				p, q, r := cands[idx[ii]], cands[idx[jj]], cands[idx[kk]]
				lo := min(p.moduleSize, q.moduleSize, r.moduleSize)
				hi := max(p.moduleSize, q.moduleSize, r.moduleSize)
				if hi > 2.2*lo {
					continue
				}
				s := []float64{dist2(p, q), dist2(q, r), dist2(p, r)}
				sort.Float64s(s)
				a, b, c := s[0], s[1], s[2]
				// The legs span 14 to 170 modules (versions 1 to 40) and
				// more in a tilted photo.
				ms := (p.moduleSize + q.moduleSize + r.moduleSize) / 3
				if a < (10*ms)*(10*ms) || c > 2*(200*ms)*(200*ms) {
					continue
				}
				d := (math.Abs(c-2*b) + math.Abs(c-2*a)) / c
				if d > 1.6 {
					continue
				}
				out = append(out, triple{idx[ii], idx[jj], idx[kk], d, min(p.count, q.count, r.count, 3)})
			}
		}
	}
	// Triples of patterns each seen in several rows first: noise makes
	// many patterns seen once, some in good triangles.
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].seen != out[j].seen {
			return out[i].seen > out[j].seen
		}
		return out[i].distortion < out[j].distortion
	})
	return out[:min(len(out), maxTriples)]
}

// maxInferred is how many triples with an inferred third pattern are tried
// per view.
const maxInferred = 24

// inferred completes pairs of confirmed candidates, of similar module size
// and plausibly far apart, with the third finder pattern where it would be
// if the code were square on: at a right angle at either end if the pair is
// a side, or off the middle if it is the diagonal. It returns the
// candidates with the inferred ones appended and the triples to try.
// Inferred patterns lie inside the w x h image: the library's detector
// loops forever on a pattern outside it.
func inferred(cands []candidate, w, h int) ([]candidate, []triple) {
	var conf []int
	for i, c := range cands {
		if c.count >= 2 {
			conf = append(conf, i)
		}
	}
	sort.SliceStable(conf, func(i, j int) bool { return cands[conf[i]].count > cands[conf[j]].count })
	conf = conf[:min(len(conf), 6)]
	out := append([]candidate(nil), cands...)
	var ts []triple
	for ii := 0; ii < len(conf); ii++ {
		for jj := ii + 1; jj < len(conf); jj++ {
			p, q := cands[conf[ii]], cands[conf[jj]]
			lo, hi := min(p.moduleSize, q.moduleSize), max(p.moduleSize, q.moduleSize)
			ms := (p.moduleSize + q.moduleSize) / 2
			d := math.Sqrt(dist2(p, q))
			if hi > 1.5*lo || d < 10*ms || d > 250*ms {
				continue
			}
			// Perpendicular of the same length.
			px, py := -(q.y - p.y), q.x-p.x
			mx, my := (p.x+q.x)/2, (p.y+q.y)/2
			for _, c := range [][2]float64{
				{p.x + px, p.y + py}, {p.x - px, p.y - py},
				{q.x + px, q.y + py}, {q.x - px, q.y - py},
				{mx + px/2, my + py/2}, {mx - px/2, my - py/2},
			} {
				if len(ts) == maxInferred {
					return out, ts
				}
				if c[0] < 0 || c[1] < 0 || c[0] >= float64(w) || c[1] >= float64(h) {
					continue
				}
				out = append(out, candidate{x: c[0], y: c[1], moduleSize: ms})
				ts = append(ts, triple{a: conf[ii], b: conf[jj], c: len(out) - 1})
			}
		}
	}
	return out, ts
}

func dist2(p, q candidate) float64 {
	dx, dy := p.x-q.x, p.y-q.y
	return dx*dx + dy*dy
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
