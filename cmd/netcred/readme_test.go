package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/netcred/netcred/issuer/store/postgres/pgtest"
)

// readmeSkip marks a README shell block that TestREADME does not run; the
// comment must say why, e.g. <!-- readme-test: skip (.ci/run runs it) -->.
var readmeSkip = regexp.MustCompile(`<!-- readme-test: skip \((.+)\) -->`)

// readmeNeeds marks a README shell block that needs a program besides
// bash and netcred, e.g. <!-- readme-test: needs curl -->: TestREADME
// skips it, saying so, only where that program is not on PATH. "needs
// postgres" is the test PostgreSQL server (pgtest) instead: the block gets
// a fresh database in $NETCRED_README_DB, and is skipped without a server
// (failed with CI=true).
var readmeNeeds = regexp.MustCompile(`<!-- readme-test: needs ([a-z0-9_-]+) -->`)

// What a README command says it prints, in a trailing comment: a verdict
// line first ("# NOT VALID: revoked, exit 1"), and/or an exit code anywhere.
var (
	readmeVerdict = regexp.MustCompile(`^(VALID|NOT VALID: [a-z_]+|UNDETERMINED: [a-z_]+)\b`)
	readmeExit    = regexp.MustCompile(`\bexit (\d)\b`)
)

// readmeClaim returns what the comment of a command line claims.
func readmeClaim(line string) (verdict, exit string) {
	i := strings.Index(line, " #")
	if i < 0 {
		return "", ""
	}
	comment := strings.TrimSpace(line[i+2:])
	if m := readmeVerdict.FindStringSubmatch(comment); m != nil {
		verdict = m[1]
	}
	if m := readmeExit.FindStringSubmatch(comment); m != nil {
		exit = m[1]
	}
	return verdict, exit
}

// readmeBlock is one ```sh block of the README.
type readmeBlock struct {
	line int    // where it starts, for messages
	skip string // why it is not run, or ""
	need string // a program it needs, or ""
	text string
}

func readmeBlocks(tb testing.TB, path string) []readmeBlock {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var blocks []readmeBlock
	var cur *readmeBlock
	skip, need := "", ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur == nil && strings.TrimSpace(line) == "```sh":
			cur = &readmeBlock{line: n, skip: skip, need: need}
			skip, need = "", ""
		case cur == nil && strings.HasPrefix(line, "```"):
			switch strings.TrimSpace(strings.TrimPrefix(line, "```")) {
			case "bash", "shell", "console", "zsh":
				tb.Errorf("%s:%d: a shell block must be ```sh, so that TestREADME runs it", path, n)
			}
			skip, need = "", ""
		case cur == nil:
			if m := readmeSkip.FindStringSubmatch(line); m != nil {
				skip = m[1]
			}
			if m := readmeNeeds.FindStringSubmatch(line); m != nil {
				need = m[1]
			}
		case strings.TrimSpace(line) == "```":
			blocks = append(blocks, *cur)
			cur = nil
		default:
			cur.text += line + "\n"
		}
	}
	if cur != nil {
		tb.Fatalf("%s:%d: unterminated code block", path, cur.line)
	}
	return blocks
}

// readmeUnits splits a block into logical commands: continuation lines
// joined, a here-document kept with its command, comment lines dropped.
func readmeUnits(block string) []string {
	var units []string
	lines := strings.Split(strings.TrimRight(block, "\n"), "\n")
	heredoc := regexp.MustCompile(`<<-?'?([A-Z]+)'?`)
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if t := strings.TrimSpace(line); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		unit := line
		for strings.HasSuffix(strings.TrimRight(stripComment(unit), " "), "\\") && i+1 < len(lines) {
			i++
			unit += "\n" + lines[i]
		}
		if m := heredoc.FindStringSubmatch(unit); m != nil {
			for i+1 < len(lines) {
				i++
				unit += "\n" + lines[i]
				if strings.TrimSpace(lines[i]) == m[1] {
					break
				}
			}
		}
		units = append(units, unit)
	}
	return units
}

// stripComment drops a trailing " # ..." comment of a shell line (good
// enough for the README: no # inside quotes there).
func stripComment(line string) string {
	if i := strings.Index(line, " #"); i >= 0 {
		return line[:i]
	}
	return line
}

// TestREADME runs every ```sh block of README.md, in order, in one shell
// and one empty directory, with a freshly built netcred on PATH. Each
// command must exit 0 unless its comment says otherwise; a comment that
// names a verdict ("# NOT VALID: revoked, exit 1") must match what the
// command prints and how it exits.
func TestREADME(t *testing.T) {
	if testing.Short() {
		t.Skip("builds netcred and runs the README: not with -short")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "netcred"), ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	var script strings.Builder
	script.WriteString("set -u\nfailed=0\ncheck() { # unit-number want-verdict want-exit got-exit\n" +
		"  if [ -n \"$3\" ] && [ \"$4\" != \"$3\" ]; then echo \"README FAIL unit $1: exit $4, README says exit $3\"; failed=1; fi\n" +
		"  if [ -n \"$2\" ] && ! grep -q \"^$2\" .readme-out; then echo \"README FAIL unit $1: output lacks '$2'\"; failed=1; fi\n" +
		"}\n")
	ran := 0
	readmeDB := ""
	var listing []string
	for _, b := range readmeBlocks(t, "../../README.md") {
		if b.skip != "" {
			t.Logf("README.md:%d: not run: %s", b.line, b.skip)
			continue
		}
		if b.need == "postgres" {
			// Not a program: the test server, with a fresh database for the
			// README in $NETCRED_README_DB.
			if readmeDB == "" {
				admin, err := pgtest.Server()
				if err == nil {
					var drop func() error
					readmeDB, drop, err = pgtest.Create(admin)
					if err == nil {
						t.Cleanup(func() { drop() })
					}
				}
				if err != nil {
					if os.Getenv("CI") == "true" {
						t.Fatalf("README.md:%d needs PostgreSQL: %v", b.line, err)
					}
					t.Logf("README.md:%d: not run: it needs PostgreSQL (%v; set %s)", b.line, err, pgtest.EnvServer)
					continue
				}
			}
		} else if b.need != "" {
			if _, err := exec.LookPath(b.need); err != nil {
				t.Logf("README.md:%d: not run: it needs %s, which is not on PATH", b.line, b.need)
				continue
			}
		}
		for _, u := range readmeUnits(b.text) {
			ran++
			listing = append(listing, fmt.Sprintf("unit %d (README.md block at line %d):\n%s", ran, b.line, u))
			first := strings.SplitN(u, "\n", 2)[0]
			verdict, exit := readmeClaim(first)
			switch {
			case exit != "":
			case verdict == "" || verdict == "VALID":
				exit = "0"
			case strings.HasPrefix(verdict, "UNDETERMINED"):
				exit = "3"
			default:
				exit = "1"
			}
			echoesExit := strings.HasSuffix(strings.TrimSpace(stripComment(first)), "; echo $?")
			fmt.Fprintf(&script, "echo '>>> unit %d'\n{ %s\n} > .readme-out 2> .readme-err\nrc=$?\ncat .readme-out; cat .readme-err\n", ran, u)
			if echoesExit {
				script.WriteString("rc=$(tail -n 1 .readme-out)\n")
			}
			fmt.Fprintf(&script, "check %d %q %q \"$rc\"\n", ran, verdict, exit)
		}
	}
	script.WriteString("exit $failed\n")
	if ran == 0 {
		t.Fatal("README.md has no shell block to run")
	}
	dir := t.TempDir()
	cmd := exec.Command("bash", "-c", script.String())
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "NETCRED_README_DB="+readmeDB)
	out, err := cmd.CombinedOutput()
	if err != nil || strings.Contains(string(out), "README FAIL") {
		t.Errorf("README commands failed (%v):\n%s\n\nthe commands:\n%s", err, out, strings.Join(listing, "\n\n"))
	}
}

// TestREADMENeeds checks that the marker naming a program a block needs is
// read, so that TestREADME skips those blocks where the program is absent.
func TestREADMENeeds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.md")
	doc := "<!-- readme-test: needs curl -->\n```sh\ncurl -fsS http://127.0.0.1/\n```\n\n```sh\nnetcred help\n```\n"
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	blocks := readmeBlocks(t, path)
	if len(blocks) != 2 {
		t.Fatalf("got %d blocks; want 2", len(blocks))
	}
	if blocks[0].need != "curl" || blocks[1].need != "" {
		t.Errorf("got needs %q and %q; want \"curl\" and \"\"", blocks[0].need, blocks[1].need)
	}
	var curl int
	for _, b := range readmeBlocks(t, "../../README.md") {
		if strings.Contains(b.text, "curl ") {
			curl++
			if b.need != "curl" {
				t.Errorf("README.md:%d: a block that runs curl needs <!-- readme-test: needs curl --> before it", b.line)
			}
		}
	}
	if curl == 0 {
		t.Error("README.md runs no curl: the service's section is gone")
	}
}
