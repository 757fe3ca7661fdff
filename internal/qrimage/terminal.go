package qrimage

import "strings"

// halfBlocks[top|bottom<<1] draws two vertically stacked modules in one
// character cell; a set bit is ink (the terminal's text colour).
var halfBlocks = [4]string{" ", "▀", "▄", "█"}

// ANSI SGR sequences that fix the colours of a line whatever the terminal
// theme: ink on paper, so the code always reads dark on light.
const (
	darkInk  = "\x1b[30;107m" // black text on bright white: ink is dark modules
	lightInk = "\x1b[97;40m"  // bright white text on black: ink is light modules
	reset    = "\x1b[0m"
)

// Terminal returns the QR code of text at level M drawn for a terminal, or
// "" if text is empty or too long for a QR code (use [Options.Terminal] to
// get the error).
//
// Each character cell holds two modules, one above the other, drawn with
// the half blocks "▀", "▄", "█" and " ". Dark modules are ink and each line
// sets black text on a white background, so the code reads dark on light in
// a light or a dark terminal theme; without colours, the glyphs alone still
// read right where text is dark on light. A quiet zone of [QuietZone] modules
// surrounds the code. Every line ends with a newline.
func Terminal(text string) string {
	s, err := Options{}.Terminal(text)
	if err != nil {
		return ""
	}
	return s
}

// Terminal returns the QR code of text drawn for a terminal, as
// [Terminal] does, following o.Level, o.NoColor and o.Invert.
//
// The drawing is W characters wide and (W+1)/2 lines high, where W is the
// symbol's width in modules plus twice [QuietZone]; with a terminal cell
// about twice as high as wide, the code comes out square.
func (o Options) Terminal(text string) (string, error) {
	m, err := o.modules(text)
	if err != nil {
		return "", err
	}
	n := len(m) + 2*QuietZone
	dark := func(x, y int) bool {
		x, y = x-QuietZone, y-QuietZone
		return y >= 0 && y < len(m) && x >= 0 && x < len(m) && m[y][x]
	}
	ink := func(x, y int) bool {
		if y >= n {
			return false // padding below an odd number of rows: blank paper
		}
		return dark(x, y) != o.Invert
	}
	colour := darkInk
	if o.Invert {
		colour = lightInk
	}

	var b strings.Builder
	b.Grow((n + 1) / 2 * (n*len("█") + len(colour) + len(reset) + 1))
	for y := 0; y < n; y += 2 {
		if !o.NoColor {
			b.WriteString(colour)
		}
		for x := range n {
			i := 0
			if ink(x, y) {
				i |= 1
			}
			if ink(x, y+1) {
				i |= 2
			}
			b.WriteString(halfBlocks[i])
		}
		if !o.NoColor {
			b.WriteString(reset)
		}
		b.WriteByte('\n')
	}
	return b.String(), nil
}
