package qrimage

import (
	"fmt"
	"image"
	"io"
	"math"
	"sort"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

const (
	// MaxBytes is the largest encoded image that [Decode] reads: 32 MiB.
	MaxBytes = 32 << 20

	// MaxPixels is the largest image, in pixels, that [Decode] and
	// [DecodeImage] accept: 20 megapixels, more than a phone camera's
	// usual picture.
	MaxPixels = 20_000_000

	// workBudget bounds the work of reading one image, in pixel reads and
	// their equivalents: about a second of CPU here, whatever the image.
	workBudget = 400_000_000
)

// Decode reads a PNG, JPEG, GIF or WebP image from r and returns the text of
// the QR code it shows (of a GIF, its first frame).
//
// It reads at most [MaxBytes] and checks the dimensions in the image header
// before decoding any pixel. Errors wrap [ErrImageTooLarge],
// [ErrUnsupportedFormat] (an image format it does not read, see [Sniff]),
// [ErrUnsupportedImage] (not an image, or a damaged one), [ErrNoQRCode], or
// are an I/O error from r.
func Decode(r io.Reader) (string, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return "", fmt.Errorf("qrimage: reading image: %w", err)
	}
	if len(data) > MaxBytes {
		return "", fmt.Errorf("%w: more than %d bytes", ErrImageTooLarge, MaxBytes)
	}
	img, err := decodeBytes(data)
	if err != nil {
		return "", err
	}
	return DecodeImage(img)
}

// checkDimensions refuses images of more than MaxPixels.
func checkDimensions(width, height int) error {
	// int64: on 32-bit platforms (WebAssembly) the product of two ints
	// could overflow.
	if int64(width)*int64(height) > MaxPixels {
		return fmt.Errorf("%w: %dx%d pixels, more than %d", ErrImageTooLarge, width, height, MaxPixels)
	}
	return nil
}

// DecodeImage returns the text of the QR code that img shows. The code may be
// dark on light or, as in a screenshot of a dark terminal, light on dark.
//
// It binarizes the image in several ways (the library's local thresholds,
// a threshold against the mean of a wider window, each also for the
// inverted image, then at half size for a large image and at double size
// for a small one) and stops at the first that yields a code. In each it
// searches for finder patterns, decodes the best triples of them, and
// infers a third pattern from two where only two were found.
//
// The search is bounded: whatever the image, it stops after a fixed amount
// of work (about a second of CPU for the largest image) and reports
// [ErrNoQRCode] if it found nothing by then.
//
// Errors wrap [ErrImageTooLarge] for an image of more than [MaxPixels],
// [ErrMultipleCodes] for an image that shows codes of different texts, or
// [ErrNoQRCode].
func DecodeImage(img image.Image) (string, error) {
	return decodeImage(img, &budget{left: workBudget})
}

// A view is one binarization of the image to search.
type view struct {
	binarize func() (*gozxing.BitMatrix, error)
	cost     int // work units, charged before binarizing
	step     int // rows between finder scans
}

// views returns the binarizations DecodeImage tries, in order.
func views(lum plane) []view {
	px := lum.w * lum.h
	var inv plane
	invert := func() plane {
		if inv.pix == nil {
			inv = lum.inverted()
		}
		return inv
	}
	radius := min(max(min(lum.w, lum.h)/128, 3), 24)
	vs := []view{
		{lum.hybrid, 4 * px, 2},
		{func() (*gozxing.BitMatrix, error) { return invert().hybrid() }, 5 * px, 2},
		{func() (*gozxing.BitMatrix, error) { return lum.meanThreshold(radius) }, 4 * px, 2},
		{func() (*gozxing.BitMatrix, error) { return invert().meanThreshold(radius) }, 5 * px, 2},
	}
	if min(lum.w, lum.h) >= 400 {
		vs = append(vs, view{func() (*gozxing.BitMatrix, error) { return lum.half().hybrid() }, 2 * px, 1})
	}
	if px <= 2_000_000 {
		vs = append(vs, view{func() (*gozxing.BitMatrix, error) { return lum.double().hybrid() }, 4 * 4 * px, 3})
	}
	return vs
}

func decodeImage(img image.Image, work *budget) (text string, err error) {
	b := img.Bounds()
	if err := checkDimensions(b.Dx(), b.Dy()); err != nil {
		return "", err
	}
	if b.Empty() {
		return "", fmt.Errorf("%w: empty image", ErrNoQRCode)
	}
	// The decoder is a port of Java code on untrusted input: a panic in it
	// must not bring the verifier down.
	defer func() {
		if p := recover(); p != nil {
			text, err = "", fmt.Errorf("%w: decoder panic: %v", ErrNoQRCode, p)
		}
	}()

	work.spend(2 * b.Dx() * b.Dy())
	lum := lumaPlane(img)
	crowded := false
	first := ""
	for _, v := range views(lum) {
		if !work.afford(v.cost) {
			break
		}
		bm, err := v.binarize()
		if err != nil {
			continue // an image too small for the binarizer
		}
		r := searchView(bm, v.step, work)
		crowded = crowded || r.crowded
		if r.err != nil {
			return "", r.err
		}
		if r.text != "" && first != "" && r.text != first {
			return "", fmt.Errorf("%w: %q... and %q...", ErrMultipleCodes, prefixOf(first), prefixOf(r.text))
		}
		if r.text != "" {
			// Another code may be there, unread in this view: the other
			// views look on, and read this one again.
			first = r.text
		}
	}
	if first != "" {
		return first, nil
	}
	switch {
	case work.exhausted():
		return "", fmt.Errorf("%w: gave up after the work limit", ErrNoQRCode)
	case crowded:
		return "", fmt.Errorf("%w: more than %d finder-like shapes", ErrNoQRCode, maxCandidates)
	}
	return "", ErrNoQRCode
}

// viewResult is what the search of one binarized view found.
type viewResult struct {
	text    string
	err     error // ErrMultipleCodes
	crowded bool
}

// maxCodes is how many codes one view may yield before the search stops:
// two of different texts are already an error.
const maxCodes = 4

// searchView finds finder patterns in bm and decodes the codes their best
// triples frame. After each code it drops the patterns on it and searches
// the rest again, so that a second code with another text is reported
// rather than ignored.
func searchView(bm *gozxing.BitMatrix, step int, work *budget) viewResult {
	f := finder{img: bm, w: bm.GetWidth(), h: bm.GetHeight(), budget: work}
	f.find(step)
	res := viewResult{crowded: f.crowded}
	var codes []decoded
	free := f.found
	for range maxCodes {
		d, ok := searchOnce(bm, free, work)
		if !ok {
			break
		}
		for _, c := range codes {
			if c.text != d.text {
				res.err = fmt.Errorf("%w: %q... and %q...", ErrMultipleCodes, prefixOf(c.text), prefixOf(d.text))
				return res
			}
		}
		codes = append(codes, d)
		var rest []candidate
		for _, c := range free {
			if !d.contains(c.x, c.y) {
				rest = append(rest, c)
			}
		}
		free = rest
	}
	if len(codes) > 0 {
		res.text = codes[0].text
	}
	return res
}

// searchOnce decodes the first code that a triple of cands frames: the
// triples found, then pairs completed by an inferred third pattern, for
// where one pattern is hidden or too distorted to be found.
func searchOnce(bm *gozxing.BitMatrix, cands []candidate, work *budget) (decoded, bool) {
	all, more := inferred(cands, bm.GetWidth(), bm.GetHeight())
	for _, t := range append(triples(cands), more...) {
		if work.exhausted() {
			break
		}
		if d, ok := decodeTriple(bm, all, t, work); ok {
			return d, true
		}
	}
	return decoded{}, false
}

func prefixOf(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

// decoded is a code read from a triple of finder patterns.
type decoded struct {
	text       string
	tl, tr, bl gozxing.ResultPoint
}

// contains reports whether p lies on the code, its finder patterns' centres
// widened by half the distance between them.
func (d decoded) contains(x, y float64) bool {
	ux, uy := d.tr.GetX()-d.tl.GetX(), d.tr.GetY()-d.tl.GetY()
	vx, vy := d.bl.GetX()-d.tl.GetX(), d.bl.GetY()-d.tl.GetY()
	det := ux*vy - uy*vx
	if det == 0 {
		return false
	}
	px, py := x-d.tl.GetX(), y-d.tl.GetY()
	s := (px*vy - py*vx) / det
	t := (ux*py - uy*px) / det
	return s > -0.5 && s < 1.5 && t > -0.5 && t < 1.5
}

// decodeTriple samples and decodes the code that the candidates of t frame.
// It lets the library's detector estimate the module size and the symbol's
// dimension first; where that fails, as it often does by a module or two on
// a code seen at an angle, it tries the dimensions nearest to the estimate
// from the candidates' own module sizes.
func decodeTriple(bm *gozxing.BitMatrix, cands []candidate, t triple, work *budget) (decoded, bool) {
	p := [3]candidate{cands[t.a], cands[t.b], cands[t.c]}
	ms := (p[0].moduleSize + p[1].moduleSize + p[2].moduleSize) / 3
	// The detector searches for the alignment pattern in squares of up to
	// 32 modules, then samples at most 177x177 modules and decodes them.
	region := int(math.Min(float64(bm.GetWidth())*float64(bm.GetHeight()), (32*ms)*(32*ms)))
	if !work.afford(3*region + 4*177*177) {
		return decoded{}, false
	}
	fp := func(c candidate) *detector.FinderPattern {
		return detector.NewFinderPattern(c.x, c.y, c.moduleSize, c.count)
	}
	blp, tlp, trp := gozxing.ResultPoint_OrderBestPatterns(fp(p[0]), fp(p[1]), fp(p[2]))
	d := decoded{tl: tlp, tr: trp, bl: blp}
	info := detector.NewFinderPatternInfo(blp.(*detector.FinderPattern), tlp.(*detector.FinderPattern), trp.(*detector.FinderPattern))
	if det, err := detector.NewDetector(bm).ProcessFinderPatternInfo(info); err == nil {
		if text, ok := decodeBits(det.GetBits()); ok {
			d.text = text
			return d, true
		}
	}
	for _, dim := range dimensions(tlp, trp, blp, ms) {
		if !work.afford(region + 4*dim*dim) {
			return decoded{}, false
		}
		bits, err := sampleAt(bm, tlp, trp, blp, ms, dim)
		if err != nil {
			continue
		}
		if text, ok := decodeBits(bits); ok {
			d.text = text
			return d, true
		}
	}
	return decoded{}, false
}

func decodeBits(bits *gozxing.BitMatrix) (string, bool) {
	res, err := decoder.NewDecoder().Decode(bits, nil)
	if err != nil {
		return "", false
	}
	return res.GetText(), true
}

// dimensions returns up to five symbol sizes (4v+17 modules for version v)
// within 15% of what the distances between the finder patterns suggest,
// nearest first: the candidates' module sizes are measured across rows and
// columns, which overestimates them on a rotated or tilted code.
func dimensions(tl, tr, bl gozxing.ResultPoint, ms float64) []int {
	raw := (gozxing.ResultPoint_Distance(tl, tr)+gozxing.ResultPoint_Distance(tl, bl))/(2*ms) + 7
	var dims []int
	for v := 1; v <= 40; v++ {
		if d := float64(4*v + 17); d >= raw*0.85 && d <= raw*1.2 {
			dims = append(dims, 4*v+17)
		}
	}
	sort.Slice(dims, func(i, j int) bool { return math.Abs(float64(dims[i])-raw) < math.Abs(float64(dims[j])-raw) })
	return dims[:min(len(dims), 5)]
}

// sampleAt samples the code framed by finder pattern centres tl, tr and bl
// as a symbol of dim modules, using its bottom-right alignment pattern where
// one is found, as the library's detector does.
func sampleAt(bm *gozxing.BitMatrix, tl, tr, bl gozxing.ResultPoint, ms float64, dim int) (*gozxing.BitMatrix, error) {
	version, err := decoder.Version_GetProvisionalVersionForDimension(dim)
	if err != nil {
		return nil, err
	}
	var align *detector.AlignmentPattern
	if len(version.GetAlignmentPatternCenters()) > 0 {
		brX := tr.GetX() - tl.GetX() + bl.GetX()
		brY := tr.GetY() - tl.GetY() + bl.GetY()
		c := 1 - 3/float64(dim-7)
		estX := int(tl.GetX() + c*(brX-tl.GetX()))
		estY := int(tl.GetY() + c*(brY-tl.GetY()))
		for allowance := 4.0; allowance <= 16; allowance *= 2 {
			a := int(allowance * ms)
			x0, x1 := max(estX-a, 0), min(estX+a, bm.GetWidth()-1)
			y0, y1 := max(estY-a, 0), min(estY+a, bm.GetHeight()-1)
			if float64(x1-x0) < 3*ms || float64(y1-y0) < 3*ms {
				break
			}
			if p, err := detector.NewAlignmentPatternFinder(bm, x0, y0, x1-x0, y1-y0, ms, nil).Find(); err == nil {
				align = p
				break
			}
		}
	}
	transform := detector.Detector_createTransform(tl, tr, bl, align, dim)
	return detector.Detector_sampleGrid(bm, transform, dim)
}
