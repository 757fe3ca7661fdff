package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/baseline"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/issuer/store/bolt"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/keys/keyfile"
)

// writeSubjects writes n JSONL subjects (lines differ by name) to name.
func writeSubjects(tb testing.TB, name string, n int) {
	tb.Helper()
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, `{"name":"subject %d","id_number":"11010519491231002X","birth_date":"1949-12-31"}`+"\n", i)
	}
	if err := os.WriteFile(name, b.Bytes(), 0o600); err != nil {
		tb.Fatal(err)
	}
}

func writeKey(tb testing.TB, name string) {
	tb.Helper()
	k, err := keys.Generate(credential.EdDSA)
	if err != nil {
		tb.Fatal(err)
	}
	if err := keyfile.Write(name, k, nil); err != nil {
		tb.Fatal(err)
	}
}

// batchOutLines reads an --out file: the count of each input line, and of
// each credential id. A last line without its newline (torn by a kill) is
// left out when tornOK, an error otherwise.
func batchOutLines(tb testing.TB, name string, tornOK bool) (lines map[int]int, ids map[string]int) {
	tb.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	lines, ids = map[int]int{}, map[string]int{}
	for len(data) > 0 {
		l, rest, complete := bytes.Cut(data, []byte{'\n'})
		data = rest
		if !complete {
			if !tornOK {
				tb.Fatalf("%s ends in a torn line %q", name, l)
			}
			break
		}
		var bl batchLine
		if err := json.Unmarshal(l, &bl); err != nil {
			tb.Fatalf("%s: %q: %v", name, l, err)
		}
		lines[bl.Line]++
		ids[bl.ID]++
	}
	return lines, ids
}

// storeCredentials counts the credentials recorded in the store at db.
func storeCredentials(tb testing.TB, db string) int {
	tb.Helper()
	st, err := bolt.Open(db, bolt.Options{ReadOnly: true})
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	n := 0
	err = st.View(func(tx issuer.Tx) error {
		c, err := tx.Config()
		if err != nil {
			return err
		}
		for l := uint32(1); l <= c.Current+1; l++ {
			k, err := tx.CountCredentials(l)
			if err != nil {
				return err
			}
			n += k
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// TestBatchCrash SIGKILLs netcred issue --batch in the middle of a batch,
// several times, and reruns it: in the end every line is in the output
// exactly once, and the store holds exactly one credential per line.
func TestBatchCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("runs netcred issue --batch")
	}
	bin, err := buildNetcred()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in, out, db, key := filepath.Join(dir, "subjects.jsonl"), filepath.Join(dir, "issued.jsonl"), filepath.Join(dir, "issuer.db"), filepath.Join(dir, "issuer.jwk")
	const n = 6000
	writeSubjects(t, in, n)
	writeKey(t, key)
	args := []string{"issue", "--key", key, "--db", db, "--status-uri", "https://issuer.example/status/",
		"--type", "identity", "--level", "substantial", "--batch", in, "--out", out}
	for kill := range 3 {
		cmd := exec.Command(bin, args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill once the output grew by some hundreds of lines.
		before := fileSize(out)
		deadline := time.Now().Add(60 * time.Second)
		for fileSize(out) < before+int64(300*(kill+1))*400 && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		if err := cmd.Process.Kill(); err != nil { // SIGKILL
			t.Fatal(err)
		}
		if err := cmd.Wait(); err == nil {
			t.Fatalf("run %d finished before it was killed; stderr:\n%s", kill+1, stderr.String())
		}
		lines, _ := batchOutLines(t, out, true)
		stored := storeCredentials(t, db)
		t.Logf("after kill %d: %d lines in the output, %d credentials in the store", kill+1, len(lines), stored)
		if stored < len(lines) {
			t.Errorf("after kill %d: %d lines in the output but %d credentials in the store: a line was written before its commit", kill+1, len(lines), stored)
		}
	}
	res, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("rerun: %v\n%s", err, res)
	}
	t.Logf("rerun: %s", strings.TrimSpace(string(res)))
	if !strings.Contains(string(res), "failed 0") {
		t.Errorf("rerun summary %q; want failed 0", res)
	}
	lines, ids := batchOutLines(t, out, false)
	for l := 1; l <= n; l++ {
		if lines[l] != 1 {
			t.Errorf("line %d is %d times in the output; want 1", l, lines[l])
		}
	}
	if len(lines) != n || len(ids) != n {
		t.Errorf("output has %d lines with %d ids; want %d of each", len(lines), len(ids), n)
	}
	if got := storeCredentials(t, db); got != n {
		t.Errorf("store holds %d credentials; want %d (one per line)", got, n)
	}
	// A third run has nothing to do.
	res, err = exec.Command(bin, args...).CombinedOutput()
	if err != nil || !strings.Contains(string(res), fmt.Sprintf("issued 0, recovered 0, skipped %d", n)) {
		t.Errorf("run after completion: %v, %s; want all %d skipped", err, res, n)
	}
}

func fileSize(name string) int64 {
	fi, err := os.Stat(name)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// BenchmarkIssueBatch runs netcred issue --batch in process on b.N
// subjects into a new store (fsync on), reporting creds/s beside the
// single-core ed25519.Sign rate measured in the same run. Use
// -benchtime=100000x for the issue's figure.
func BenchmarkIssueBatch(b *testing.B) {
	dir := b.TempDir()
	in, out, db, key := filepath.Join(dir, "subjects.jsonl"), filepath.Join(dir, "issued.jsonl"), filepath.Join(dir, "issuer.db"), filepath.Join(dir, "issuer.jwk")
	writeSubjects(b, in, b.N)
	writeKey(b, key)
	signRate, signCPU := baseline.Ed25519(200 * time.Millisecond)
	var stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &stderr, now: time.Now}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := baseline.ProcessCPU()
	start := time.Now()
	code := run([]string{"issue", "--key", key, "--db", db, "--status-uri", "https://issuer.example/status/",
		"--type", "identity", "--level", "substantial", "--batch", in, "--out", out}, e)
	elapsed := time.Since(start)
	cpu := baseline.ProcessCPU() - cpu0
	b.StopTimer()
	if code != exitOK {
		b.Fatalf("exit %d: %s", code, stderr.String())
	}
	rate := float64(b.N) / elapsed.Seconds()
	b.ReportMetric(rate, "creds/s")
	b.ReportMetric(signRate, "ed25519-sign/s")
	b.ReportMetric(rate/signRate, "ratio")
	// CPU per credential: on a machine shared with other work the rate
	// is what the process got, this what it needs.
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/cred")
	b.ReportMetric(float64(signCPU.Nanoseconds())/1000, "cpu-µs/sign")
}

// failingStore is a store whose writes fail after the first after ones,
// as a full disk would.
type failingStore struct {
	issuer.Store
	after int64
	n     atomic.Int64
}

var errDiskFull = errors.New("write issuer.db: no space left on device")

func (s *failingStore) Update(fn func(issuer.Tx) error) error {
	if s.n.Add(1) > s.after {
		return errDiskFull
	}
	return s.Store.Update(fn)
}

// TestBatchStoreFails: a store failure in the middle of a batch stops it
// with exit code 2 and a clear message, instead of failing every line
// after it; what was committed stays, and the next run resumes.
func TestBatchStoreFails(t *testing.T) {
	dir := t.TempDir()
	in, out, db := filepath.Join(dir, "subjects.jsonl"), filepath.Join(dir, "issued.jsonl"), filepath.Join(dir, "issuer.db")
	const n = 3000
	writeSubjects(t, in, n)
	key, err := keys.Generate(credential.EdDSA)
	if err != nil {
		t.Fatal(err)
	}
	registry, err := loadRegistry("")
	if err != nil {
		t.Fatal(err)
	}
	batch := func(after int64) (int, string) {
		t.Helper()
		st, err := bolt.Open(db, bolt.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		fs := &failingStore{Store: st, after: 1 << 62}
		svc, err := issuer.Open(fs, issuer.New(key, registry), issuer.Options{BaseURI: "https://issuer.example/status/", Reserve: 64})
		if err != nil {
			t.Fatal(err)
		}
		defer svc.Close()
		fs.n.Store(0)
		fs.after = after
		var stderr bytes.Buffer
		e := &env{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &stderr, now: time.Now}
		code := runBatch(e, &batchConfig{in: in, out: out, errs: out + ".errors", id: "b1", typeName: "identity", level: "substantial",
			registry: registry, svc: svc})
		return code, stderr.String()
	}
	code, msg := batch(40)
	if code != exitUsage {
		t.Fatalf("batch on a failing store: exit %d; want %d\n%s", code, exitUsage, msg)
	}
	if !strings.Contains(msg, "stopped") || !strings.Contains(msg, "no space left on device") || !strings.Contains(msg, "run the same command again") {
		t.Errorf("batch on a failing store said %q; want the store's failure and how to resume", msg)
	}
	if errs, _ := os.ReadFile(out + ".errors"); len(errs) != 0 {
		t.Errorf("the store's failure was written as failed lines:\n%.300s", errs)
	}
	lines, _ := batchOutLines(t, out, false)
	stored := storeCredentials(t, db)
	if len(lines) == 0 || len(lines) >= n || stored != len(lines) {
		t.Errorf("after the failure: %d lines out, %d credentials stored; want the same number, some but not all of %d", len(lines), stored, n)
	}
	t.Logf("stopped after %d of %d lines:\n%s", len(lines), n, msg)
	if code, msg := batch(1 << 62); code != exitOK {
		t.Fatalf("rerun: exit %d\n%s", code, msg)
	}
	lines, ids := batchOutLines(t, out, false)
	if len(lines) != n || len(ids) != n || storeCredentials(t, db) != n {
		t.Errorf("after the rerun: %d lines, %d ids, %d stored; want %d of each", len(lines), len(ids), storeCredentials(t, db), n)
	}
}
