package qrimage

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/netcred/netcred/internal/qrimage/internal/photogen"
)

var corpusDir = flag.String("corpus-dir", "", "write the photo corpus to this directory")

// corpusFile is one rendered picture of the corpus.
type corpusFile struct {
	photogen.Case
	data []byte
	ext  string
	read func() (string, error) // Decode(data), once
}

var (
	corpusOnce  sync.Once
	corpusFiles []corpusFile
	corpusText  string
)

// corpus renders the photo corpus once per test binary: the QR code of a
// 256-character credential text at level M, drawn by this package.
func corpus(tb testing.TB) ([]corpusFile, string) {
	tb.Helper()
	corpusOnce.Do(func() {
		corpusText = qrText(tb, 256)
		m, err := Options{}.modules(corpusText)
		if err != nil {
			tb.Fatal(err)
		}
		withQuiet := quietZone(m)
		cases := photogen.Corpus()
		corpusFiles = make([]corpusFile, len(cases))
		var wg sync.WaitGroup
		sem := make(chan struct{}, 2)
		for i, c := range cases {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				data, ext := photogen.Encode(withQuiet, c.Scene)
				corpusFiles[i] = corpusFile{Case: c, data: data, ext: ext, read: sync.OnceValues(func() (string, error) {
					return Decode(bytes.NewReader(data))
				})}
			}()
		}
		wg.Wait()
	})
	if corpusFiles == nil {
		tb.Fatal("corpus: rendering failed")
	}
	return corpusFiles, corpusText
}

// quietZone adds QuietZone light modules around a symbol.
func quietZone(m [][]bool) [][]bool {
	n := len(m) + 2*QuietZone
	out := make([][]bool, n)
	for y := range out {
		out[y] = make([]bool, n)
		if y >= QuietZone && y < n-QuietZone {
			copy(out[y][QuietZone:], m[y-QuietZone])
		}
	}
	return out
}

func (c corpusFile) String() string { return c.Category + "/" + c.Name }

func (c corpusFile) fileName() string {
	r := strings.NewReplacer(" ", "_", "/", "_", ",", "_", "+", "p", "-", "m")
	return r.Replace(c.Category) + "__" + r.Replace(c.Name) + "." + c.ext
}

// TestCorpus reads every picture of the photo corpus.
func TestCorpus(t *testing.T) {
	files, text := corpus(t)
	if *corpusDir != "" {
		if err := os.MkdirAll(*corpusDir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if err := os.WriteFile(filepath.Join(*corpusDir, f.fileName()), f.data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, f := range files {
		t.Run(f.String(), func(t *testing.T) {
			got, err := f.read()
			if f.Hard {
				t.Logf("hard case, not required: Decode = %.20q, %v", got, err)
				return
			}
			if err != nil || got != text {
				t.Errorf("Decode(%s) = %.20q, %v; want the text, nil", f, got, err)
			}
		})
	}
}

// zbarRead runs zbarimg on an image file and returns the texts of the QR
// codes it reads.
func zbarRead(tb testing.TB, path string) []string {
	tb.Helper()
	out, err := exec.Command("zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", path).Output()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 4 { // no symbol found
		return nil
	}
	if err != nil {
		tb.Fatalf("zbarimg %s: %v", path, err)
	}
	return strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
}

// needZbar returns zbarimg's path or skips the test; under CI it fails.
func needZbar(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("zbarimg"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("zbarimg not found (CI=true): .ci/run installs it (apt-get install -y zbar-tools)")
		}
		t.Skip("zbarimg not found: install it (apt-get install -y zbar-tools) to compare with zbar")
	}
}

// TestCorpusZbar is the differential test: every picture that zbarimg (the
// reference reader) reads, this package reads with the same text. It logs
// both read rates per category.
func TestCorpusZbar(t *testing.T) {
	needZbar(t)
	files, text := corpus(t)
	dir := t.TempDir()
	type rate struct{ n, ours, zbar int }
	rates := map[string]*rate{}
	for _, f := range files {
		path := filepath.Join(dir, f.fileName())
		if err := os.WriteFile(path, f.data, 0o644); err != nil {
			t.Fatal(err)
		}
		zb := zbarRead(t, path)
		got, err := f.read()
		r := rates[f.Category]
		if r == nil {
			r = &rate{}
			rates[f.Category] = r
		}
		r.n++
		zbarOK := len(zb) == 1 && zb[0] == text
		if zbarOK {
			r.zbar++
		}
		if err == nil && got == text {
			r.ours++
		}
		if zbarOK && (err != nil || got != text) {
			t.Errorf("%s: zbarimg reads it, Decode = %.20q, %v; want the text", f, got, err)
		}
		if len(zb) > 0 && !zbarOK {
			t.Logf("%s: zbarimg read %q", f, zb)
		}
	}
	cats := make([]string, 0, len(rates))
	for c := range rates {
		cats = append(cats, c)
	}
	sort.Strings(cats)
	var b strings.Builder
	fmt.Fprintf(&b, "%-22s %6s %8s %8s\n", "category", "images", "netcred", "zbarimg")
	for _, c := range cats {
		r := rates[c]
		fmt.Fprintf(&b, "%-22s %6d %8d %8d\n", c, r.n, r.ours, r.zbar)
	}
	t.Logf("read rates:\n%s", b.String())
}

// TestZbarReadsDrawing checks the encoder against the reference reader:
// zbarimg reads every PNG this package draws, with the same text.
func TestZbarReadsDrawing(t *testing.T) {
	needZbar(t)
	dir := t.TempDir()
	tests := []struct {
		name string
		opts Options
		text string
	}{
		{"short", Options{}, "NC1:BB8"},
		{"256 chars", Options{}, qrText(t, 256)},
		{"346 chars level L", Options{Level: Low}, qrText(t, 346)},
		{"346 chars level Q", Options{Level: Quartile}, qrText(t, 346)},
		{"346 chars level H", Options{Level: High, Size: 1024}, qrText(t, 346)},
		{"byte mode", Options{}, "https://example.com/netcred?x=1"},
	}
	for i, tc := range tests {
		path := filepath.Join(dir, fmt.Sprintf("%d.png", i))
		if err := os.WriteFile(path, mustPNG(t, tc.opts, tc.text), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := zbarRead(t, path); len(got) != 1 || got[0] != tc.text {
			t.Errorf("%s: zbarimg read %q; want [%q]", tc.name, got, tc.text)
		}
	}
}
