package main

import (
	"bytes"
	"errors"
	"image"
	"image/gif"
	_ "image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/credential/sign"
	"github.com/netcred/netcred/keys/keyfile"
	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the test binary act as netcred inside test scripts.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"netcred": scriptNetcred})
}

// scriptNetcred is netcred as the scripts run it. NETCRED_NOW (RFC 3339)
// fixes its clock, for scripts that need one; netcred itself has no such
// variable.
func scriptNetcred() {
	e := newEnv()
	if v := os.Getenv("NETCRED_NOW"); v != "" {
		now, err := time.Parse(time.RFC3339, v)
		if err != nil {
			panic("NETCRED_NOW: " + err.Error())
		}
		e.now = func() time.Time { return now }
	}
	os.Exit(run(os.Args[1:], e))
}

// TestScript runs testdata/script/*.txtar, one file per subcommand.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Condition:           scriptCondition,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"pgdb":        cmdPgDB,
			"pgexec":      cmdPgExec,
			"resign":      cmdResign,
			"serve":       cmdServe,
			"writebyte":   cmdWriteBytes,
			"encode":      cmdEncode,
			"grepenv":     cmdGrepEnv,
			"exitcode":    cmdExitCode,
			"togif":       cmdToGIF,
			"audittamper": cmdAuditTamper,
		},
	})
}

// cmdResign re-signs a credential with other claims, which netcred issue
// cannot produce: resign KEY_FILE IN_QR_FILE OUT_QR_FILE exp=UNIX_SECONDS.
func cmdResign(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 4 {
		ts.Fatalf("usage: resign KEY_FILE IN OUT exp=UNIX_SECONDS")
	}
	key, _, err := keyfile.Read(ts.MkAbs(args[0]), nil)
	ts.Check(err)
	cose, err := credential.DecodeQR(strings.TrimSpace(ts.ReadFile(args[1])))
	ts.Check(err)
	signed, err := credential.Parse(cose)
	ts.Check(err)
	claims, err := signed.Inspect()
	ts.Check(err)
	for _, a := range args[3:] {
		name, value, _ := strings.Cut(a, "=")
		n, err := strconv.ParseInt(value, 10, 64)
		ts.Check(err)
		switch name {
		case "exp":
			claims.Expiry = time.Unix(n, 0).UTC()
		default:
			ts.Fatalf("resign: unknown claim %q", name)
		}
	}
	out, err := sign.Credential(claims, key.Algorithm(), key.KID(), key.Signer())
	ts.Check(err)
	qr, err := credential.EncodeQR(out)
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[2]), []byte(qr+"\n"), 0o644))
}

// cmdServe serves a directory over HTTP until the script ends and sets
// $URL to its address: serve DIR.
func cmdServe(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: serve DIR")
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(ts.MkAbs(args[0]))))
	ts.Defer(srv.Close)
	ts.Setenv("URL", srv.URL)
}

// cmdWriteBytes writes bytes given in hex, then text: writebyte FILE HEX [TEXT].
// Scripts use it for byte-order marks, UTF-16 and image headers.
func cmdWriteBytes(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: writebyte FILE HEX [TEXT]")
	}
	var b []byte
	h := args[1]
	for i := 0; i+1 < len(h); i += 2 {
		v, err := strconv.ParseUint(h[i:i+2], 16, 8)
		ts.Check(err)
		b = append(b, byte(v))
	}
	if len(args) == 3 {
		b = append(b, args[2]...)
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), b, 0o644))
}

// cmdEncode re-encodes a UTF-8 text file: encode IN OUT utf8bom|utf16le|utf16be.
func cmdEncode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: encode IN OUT utf8bom|utf16le|utf16be")
	}
	text := ts.ReadFile(args[0])
	var out []byte
	switch args[2] {
	case "utf8bom":
		out = append([]byte{0xef, 0xbb, 0xbf}, text...)
	case "utf16le", "utf16be":
		be := args[2] == "utf16be"
		out = []byte{0xff, 0xfe}
		if be {
			out = []byte{0xfe, 0xff}
		}
		for _, u := range utf16.Encode([]rune(text)) {
			if be {
				out = append(out, byte(u>>8), byte(u))
			} else {
				out = append(out, byte(u), byte(u>>8))
			}
		}
	default:
		ts.Fatalf("encode: unknown encoding %q", args[2])
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), out, 0o644))
}

// cmdGrepEnv sets an environment variable to the first group of a
// regular expression matched in a file (stdout and stderr are files too):
// grepenv NAME REGEXP FILE. Scripts use it for credential ids.
func cmdGrepEnv(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: grepenv NAME REGEXP FILE")
	}
	re, err := regexp.Compile(args[1])
	ts.Check(err)
	m := re.FindStringSubmatch(ts.ReadFile(args[2]))
	if len(m) < 2 {
		ts.Fatalf("grepenv: no match of %q in %s", args[1], args[2])
	}
	ts.Setenv(args[0], m[1])
}

// cmdExitCode runs a command as exec does and checks its exit code, which
// exec cannot tell apart (1 not valid, 2 usage, 3 undetermined), and that
// an error it prints comes with a hint: exitcode N COMMAND [ARGS...].
func cmdExitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode N COMMAND [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("%s: %v", args[1], err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("exit code %d, want %d", got, want)
	}
	// Every error a user can cause comes with a hint.
	if stderr := ts.ReadFile("stderr"); strings.Contains(stderr, "netcred: error: ") && !strings.Contains(stderr, "netcred: hint: ") {
		ts.Fatalf("an error without a hint:\n%s", stderr)
	}
}

// cmdToGIF converts a PNG image to GIF: togif IN.png OUT.gif.
func cmdToGIF(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: togif IN.png OUT.gif")
	}
	img, _, err := image.Decode(strings.NewReader(ts.ReadFile(args[0])))
	ts.Check(err)
	var b bytes.Buffer
	ts.Check(gif.Encode(&b, img, nil))
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), b.Bytes(), 0o644))
}
