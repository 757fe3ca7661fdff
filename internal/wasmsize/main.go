// Command wasmsize prints how much of a WebAssembly module each Go package
// takes: the bytes of its function bodies, summed per package, largest
// first. go tool nm does not read wasm, so it reads the module itself: the
// code section for the body sizes and the "name" custom section (kept unless
// the module is built with -ldflags=-s) for the function names. Data (string
// and type tables, pclntab) cannot be split by package without a symbol
// table; its total is printed with the other sections.
//
// Usage:
//
//	GOOS=js GOARCH=wasm go build -o /tmp/v.wasm ./cmd/netcred-wasm
//	go run ./internal/wasmsize [-n 40] -deps ./cmd/netcred-wasm /tmp/v.wasm
//
// cmd/netcred-wasm/size.sh does both.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"
)

func main() {
	n := flag.Int("n", 40, "packages to print (0: all)")
	deps := flag.String("deps", "", "the main package the module was built from (its dependencies name the packages)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "netcred: error: usage: wasmsize [-n 40] [-deps ./cmd/netcred-wasm] file.wasm")
		os.Exit(2)
	}
	var known []string
	if *deps != "" {
		cmd := exec.Command("go", "list", "-deps", *deps)
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			fmt.Fprintf(os.Stderr, "netcred: error: go list: %v\n", err)
			os.Exit(2)
		}
		known = append(strings.Fields(string(out)), "main")
	}
	b, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fmt.Fprintf(os.Stderr, "netcred: error: %v\n", err)
		os.Exit(2)
	}
	m, err := parse(b)
	if err != nil {
		fmt.Fprintf(os.Stderr, "netcred: error: %v\n", err)
		os.Exit(2)
	}
	report(os.Stdout, m, *n, known)
}

// module is what wasmsize reads from a module.
type module struct {
	sections map[string]int // section name -> bytes (with header)
	funcs    []fn           // defined functions, in order
}

// fn is one defined function: its name (empty without a name section) and
// the size of its body.
type fn struct {
	name string
	size int
}

var errFormat = errors.New("wasmsize: not a wasm module")

var sectionNames = [...]string{"custom", "type", "import", "function", "table", "memory", "global",
	"export", "start", "element", "code", "data", "datacount"}

// parse reads the sections, the imported function count, the code section
// and the function names.
func parse(b []byte) (*module, error) {
	if len(b) < 8 || string(b[:4]) != "\x00asm" {
		return nil, errFormat
	}
	m := &module{sections: map[string]int{}}
	r := &reader{b: b, off: 8}
	imported := 0
	names := map[int]string{}
	for r.off < len(r.b) {
		start := r.off
		id := r.byte()
		size := r.uleb()
		if r.err != nil || size > len(r.b)-r.off {
			return nil, errFormat
		}
		body := &reader{b: r.b[r.off : r.off+size]}
		r.off += size
		name := "unknown"
		if int(id) < len(sectionNames) {
			name = sectionNames[id]
		}
		switch id {
		case 0:
			cname := body.name()
			name = "custom " + cname
			if cname == "name" {
				readNames(body, names)
			}
		case 2:
			imported = countImportedFuncs(body)
		case 10:
			for i, count := 0, body.uleb(); i < count && body.err == nil; i++ {
				sz := body.uleb()
				body.off += sz
				m.funcs = append(m.funcs, fn{size: sz})
			}
		}
		if body.err != nil {
			return nil, fmt.Errorf("%w: bad %s section", errFormat, name)
		}
		m.sections[name] += r.off - start
	}
	for i := range m.funcs {
		m.funcs[i].name = names[imported+i]
	}
	return m, nil
}

// countImportedFuncs counts the function imports: they come first in the
// function index space that the name section uses.
func countImportedFuncs(r *reader) int {
	n := 0
	for i, count := 0, r.uleb(); i < count && r.err == nil; i++ {
		r.name()
		r.name()
		switch r.byte() {
		case 0: // func: type index
			r.uleb()
			n++
		case 1: // table: reftype, limits
			r.byte()
			r.limits()
		case 2: // memory: limits
			r.limits()
		case 3: // global: valtype, mutability
			r.byte()
			r.byte()
		default:
			r.err = errFormat
		}
	}
	return n
}

// readNames reads subsection 1 (function names) of the name section.
func readNames(r *reader, names map[int]string) {
	for r.off < len(r.b) && r.err == nil {
		id := r.byte()
		size := r.uleb()
		if r.err != nil || size > len(r.b)-r.off {
			r.err = errFormat
			return
		}
		if id == 1 {
			sub := &reader{b: r.b[r.off : r.off+size]}
			for i, count := 0, sub.uleb(); i < count && sub.err == nil; i++ {
				idx := sub.uleb()
				names[idx] = sub.name()
			}
			if sub.err != nil {
				r.err = sub.err
			}
		}
		r.off += size
	}
}

// pkgOf returns the Go package a function belongs to. The linker writes
// names with '/', '(', '*', ')' and the like turned into '_'
// ("github.com_x_y.__T_.M" for "github.com/x/y.(*T).M"), so the package is
// the longest of the known packages (mangled the same way) that the name
// starts with, followed by a dot; without a match, what precedes the first
// dot after the first '_'.
func pkgOf(sym string, known []string) string {
	if sym == "" {
		return "(no name section)"
	}
	best := ""
	for _, p := range known {
		m := mangle(p)
		if len(m) > len(best) && strings.HasPrefix(sym, m+".") {
			best = m
		}
	}
	if best != "" {
		return unmangle(best, known)
	}
	from := max(strings.IndexByte(sym, '_'), 0)
	if i := strings.IndexByte(sym[from:], '.'); i >= 0 {
		return sym[:from+i]
	}
	return sym
}

// mangle spells a package path the way the wasm name section does.
func mangle(pkg string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' {
			return '_'
		}
		return r
	}, pkg)
}

// unmangle returns the package path whose mangled form is m.
func unmangle(m string, known []string) string {
	for _, p := range known {
		if mangle(p) == m {
			return p
		}
	}
	return m
}

// report prints the sections and the n largest packages by code size.
func report(w io.Writer, m *module, n int, known []string) {
	var secs []string
	total := 0
	for s, sz := range m.sections {
		secs = append(secs, s)
		total += sz
	}
	sort.Slice(secs, func(i, j int) bool { return m.sections[secs[i]] > m.sections[secs[j]] })
	fmt.Fprintf(w, "%-44s %10d\n", "module", total+8)
	for _, s := range secs {
		fmt.Fprintf(w, "  section %-34s %10d\n", s, m.sections[s])
	}
	per := map[string]int{}
	count := map[string]int{}
	code := 0
	for _, f := range m.funcs {
		p := pkgOf(f.name, known)
		per[p] += f.size
		count[p]++
		code += f.size
	}
	pkgs := make([]string, 0, len(per))
	for p := range per {
		pkgs = append(pkgs, p)
	}
	sort.Slice(pkgs, func(i, j int) bool {
		if per[pkgs[i]] != per[pkgs[j]] {
			return per[pkgs[i]] > per[pkgs[j]]
		}
		return pkgs[i] < pkgs[j]
	})
	fmt.Fprintf(w, "\ncode by package (%d functions, %d bytes)\n", len(m.funcs), code)
	for i, p := range pkgs {
		if n > 0 && i == n {
			rest := 0
			for _, q := range pkgs[i:] {
				rest += per[q]
			}
			fmt.Fprintf(w, "  %-52s %9d\n", fmt.Sprintf("(%d more packages)", len(pkgs)-i), rest)
			break
		}
		fmt.Fprintf(w, "  %-52s %9d %5.1f%% %5d funcs\n", p, per[p], 100*float64(per[p])/float64(code), count[p])
	}
}

// reader reads the wasm encodings wasmsize needs; the first error sticks.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) byte() byte {
	if r.err != nil || r.off >= len(r.b) {
		r.err = errFormat
		return 0
	}
	r.off++
	return r.b[r.off-1]
}

// uleb reads an unsigned LEB128 value of at most 32 bits.
func (r *reader) uleb() int {
	v := 0
	for shift := 0; shift < 35; shift += 7 {
		c := r.byte()
		v |= int(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
	}
	r.err = errFormat
	return 0
}

func (r *reader) name() string {
	n := r.uleb()
	if r.err != nil || n > len(r.b)-r.off {
		r.err = errFormat
		return ""
	}
	r.off += n
	return string(r.b[r.off-n : r.off])
}

func (r *reader) limits() {
	if r.byte()&1 != 0 {
		r.uleb()
	}
	r.uleb()
}
