package trust

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netcred/netcred/verifier"
)

// storedSerial reopens dir and returns the serial of its bundle.
func storedSerial(tb testing.TB, dir string) uint64 {
	tb.Helper()
	s, err := Open(dir)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tr, err := s.Trust()
	if err != nil {
		tb.Fatalf("Trust: %v", err)
	}
	return tr.Bundle.Serial
}

// TestConcurrentImportsKeepNewest: many goroutines, each with a store
// opened before the others wrote, import serials N and N-1 in turn (and
// lists of two ages); the store always ends with N and the newer list,
// and a reader running alongside never sees the serial go down.
func TestConcurrentImportsKeepNewest(t *testing.T) {
	w := newWorld(t)
	s, dir := w.store(t)
	if _, err := s.Import([]Input{{"b1", w.bundle(t, 1, w.root, "v1")}}); err != nil {
		t.Fatal(err)
	}
	const n = 9
	newer, older := w.bundle(t, n, w.root, "vN"), w.bundle(t, n-1, w.root, "vN-1")
	newList, oldList := w.token(t, w.issuer, fixedNow.Add(time.Hour), 7), w.token(t, w.issuer, fixedNow)
	// A generous lock timeout: this tests correctness, not speed, on a
	// machine that may be busy.
	opts := Options{LockTimeout: 2 * time.Minute}
	stores := make([]*Store, 16)
	for i := range stores {
		var err error
		if stores[i], err = OpenWith(dir, opts); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan struct{})
	var readerErr error
	var readers sync.WaitGroup
	readers.Go(func() {
		var last uint64
		for {
			select {
			case <-done:
				return
			default:
			}
			r, err := OpenWith(dir, opts)
			if err != nil {
				readerErr = err
				return
			}
			time.Sleep(time.Millisecond) // a reader, not a lock hog
			tr, _ := r.Trust()
			if tr.Bundle.Serial < last {
				readerErr = fmt.Errorf("a reader saw serial %d after %d", tr.Bundle.Serial, last)
				return
			}
			last = tr.Bundle.Serial
		}
	})
	var wg sync.WaitGroup
	for i, st := range stores {
		wg.Go(func() {
			b, l := older, oldList
			if i%2 == 1 {
				b, l = newer, newList
			}
			_, err := st.Import([]Input{{"bundle", b}, {"list", l}})
			if err != nil && codeOf(err) != verifier.CodeBundleRollback {
				t.Errorf("Import: %v", err)
			}
		})
	}
	wg.Wait()
	close(done)
	readers.Wait()
	if readerErr != nil {
		t.Fatal(readerErr)
	}
	if got := storedSerial(t, dir); got != n {
		t.Fatalf("stored serial %d after concurrent imports; want %d", got, n)
	}
	r, _ := Open(dir)
	tr, _ := r.Trust()
	if tok := tr.Lists[listURI]; tok == nil || !tok.IssuedAt.Equal(fixedNow.Add(time.Hour)) {
		t.Fatalf("stored list %+v; want the newer one", tok)
	}
}

// TestHelperImport is not a test: TestConcurrentImportProcesses runs the
// test binary again with it, as a second process importing into a store.
func TestHelperImport(t *testing.T) {
	dir := os.Getenv("NETCRED_TRUST_HELPER_DIR")
	if dir == "" {
		t.Skip("helper process only")
	}
	rounds, _ := strconv.Atoi(os.Getenv("NETCRED_TRUST_HELPER_ROUNDS"))
	files := strings.Split(os.Getenv("NETCRED_TRUST_HELPER_FILES"), string(os.PathListSeparator))
	var inputs [][]Input
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, []Input{{f, data}})
	}
	for i := range rounds {
		s, err := OpenWith(dir, Options{LockTimeout: 2 * time.Minute})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		if _, err := s.Import(inputs[i%len(inputs)]); err != nil && codeOf(err) != verifier.CodeBundleRollback {
			t.Fatalf("Import: %v", err)
		}
	}
}

// TestConcurrentImportProcesses: four processes import serials N-1 and N
// into one store, interleaved, 25 times each; the store ends with N, and
// this process, reading all along, never sees the serial go down.
func TestConcurrentImportProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	w := newWorld(t)
	s, dir := w.store(t)
	if _, err := s.Import([]Input{{"b1", w.bundle(t, 1, w.root, "v1")}}); err != nil {
		t.Fatal(err)
	}
	const n = 20
	tmp := t.TempDir()
	var files []string
	for _, serial := range []uint64{n - 1, n} {
		f := filepath.Join(tmp, fmt.Sprintf("b%d.jws", serial))
		if err := os.WriteFile(f, w.bundle(t, serial, w.root, "v"), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	var procs []*exec.Cmd
	var outs []*strings.Builder
	for i := range 4 {
		order := files
		if i%2 == 1 {
			order = []string{files[1], files[0]}
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperImport$", "-test.count=1")
		cmd.Env = append(os.Environ(), "NETCRED_TRUST_HELPER_DIR="+dir, "NETCRED_TRUST_HELPER_ROUNDS=25",
			"NETCRED_TRUST_HELPER_FILES="+strings.Join(order, string(os.PathListSeparator)))
		out := new(strings.Builder)
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		procs, outs = append(procs, cmd), append(outs, out)
	}
	exited := make(chan error, len(procs))
	for _, p := range procs {
		go func() { exited <- p.Wait() }()
	}
	var last uint64
	for running := len(procs); running > 0; {
		select {
		case err := <-exited:
			running--
			if err != nil {
				for _, o := range outs {
					t.Log(o.String())
				}
				t.Fatalf("helper process: %v", err)
			}
		case <-time.After(time.Millisecond):
			if got := storedSerial(t, dir); got < last {
				t.Fatalf("a reader saw serial %d after %d", got, last)
			} else {
				last = got
			}
		}
	}
	if got := storedSerial(t, dir); got != n {
		t.Fatalf("stored serial %d after concurrent imports by processes; want %d", got, n)
	}
}

// TestLockTimeout: an update waits for a held lock, and gives up with
// ErrLocked after the lock timeout; a load waits too.
func TestLockTimeout(t *testing.T) {
	w := newWorld(t)
	_, dir := w.store(t)
	held, err := acquire(dir, true, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	s, err := OpenWith(dir, Options{LockTimeout: 50 * time.Millisecond})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("Open while an update holds the lock: got %v, want ErrLocked", err)
	}
	held.release()
	s, err = OpenWith(dir, Options{LockTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	held, _ = acquire(dir, true, time.Second)
	start := time.Now()
	if _, err := s.Import([]Input{{"b", w.bundle(t, 1, w.root, "x")}}); !errors.Is(err, ErrLocked) {
		t.Fatalf("Import while another holds the lock: got %v, want ErrLocked", err)
	}
	if waited := time.Since(start); waited < 50*time.Millisecond {
		t.Fatalf("Import gave up after %s, before its 50ms lock timeout", waited)
	}
	go func() {
		time.Sleep(20 * time.Millisecond)
		held.release()
	}()
	s.lockTimeout = 5 * time.Second
	if _, err := s.Import([]Input{{"b", w.bundle(t, 1, w.root, "x")}}); err != nil {
		t.Fatalf("Import after the lock is released: %v", err)
	}
	// Shared locks do not exclude each other.
	r1, err := acquire(dir, false, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer r1.release()
	if _, err := OpenWith(dir, Options{LockTimeout: 50 * time.Millisecond}); err != nil {
		t.Fatalf("Open beside another load: %v", err)
	}
}

// TestUpdateNotStarvedByLoads: loads that overlap without a pause never
// leave the store unlocked, yet an update gets in within its timeout.
func TestUpdateNotStarvedByLoads(t *testing.T) {
	w := newWorld(t)
	s, dir := w.store(t)
	if _, err := s.Import([]Input{{"b1", w.bundle(t, 1, w.root, "v1")}}); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var loads sync.WaitGroup
	for range 4 {
		loads.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				l, err := acquire(dir, false, time.Minute)
				if err != nil {
					t.Error(err)
					return
				}
				time.Sleep(5 * time.Millisecond) // a slow load
				l.release()
			}
		})
	}
	defer func() {
		close(done)
		loads.Wait()
	}()
	time.Sleep(20 * time.Millisecond)
	s.lockTimeout = 5 * time.Second
	if _, err := s.Import([]Input{{"b2", w.bundle(t, 2, w.root, "v2")}}); err != nil {
		t.Fatalf("Import beside a stream of loads: %v", err)
	}
}
