//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package trust

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/netcred/netcred/status"
)

// TestHostileStoreFiles: store files that are FIFOs, devices, directories
// or oversized are refused (roots.json, bundle.jws) or skipped (status
// files), never blocked on or read without end.
func TestHostileStoreFiles(t *testing.T) {
	w := newWorld(t)
	for _, tc := range []struct {
		name    string
		file    string // relative to the store
		make    func(path string) error
		openErr error // nil: Open succeeds and skips the file
	}{
		{"roots.json is a FIFO", rootsFile, func(p string) error { return syscall.Mkfifo(p, 0o644) }, ErrStoreFile},
		{"bundle.jws is a FIFO", bundleFile, func(p string) error { return syscall.Mkfifo(p, 0o644) }, ErrStoreFile},
		{"bundle.jws is /dev/zero", bundleFile, func(p string) error { return os.Symlink("/dev/zero", p) }, ErrStoreFile},
		{"bundle.jws is a directory", bundleFile, func(p string) error { return os.Mkdir(p, 0o755) }, ErrStoreFile},
		{"bundle.jws is too large", bundleFile, func(p string) error { return os.WriteFile(p, bytes.Repeat([]byte("e"), maxBundleFile+1), 0o644) }, ErrStoreFile},
		{"a status file is a FIFO", filepath.Join(statusDir, status.FileName(listURI)), func(p string) error { return syscall.Mkfifo(p, 0o644) }, nil},
		{"a status file is /dev/zero", filepath.Join(statusDir, status.FileName(listURI)), func(p string) error { return os.Symlink("/dev/zero", p) }, nil},
		{"a status file is too large", filepath.Join(statusDir, status.FileName(listURI)), func(p string) error {
			return os.WriteFile(p, make([]byte, status.MaxTokenSize+1), 0o644)
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, dir := w.store(t)
			if _, err := s.Import([]Input{{"b", w.bundle(t, 1, w.root, "x")}}); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, tc.file)
			os.Remove(path)
			if err := tc.make(path); err != nil {
				t.Fatal(err)
			}
			done := make(chan struct{})
			var got *Store
			var err error
			go func() {
				got, err = Open(dir)
				close(done)
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("Open blocked on the file")
			}
			if tc.openErr != nil {
				if !errors.Is(err, tc.openErr) {
					t.Fatalf("Open: got %v, want %v", err, tc.openErr)
				}
				return
			}
			if err != nil || len(got.Skipped) != 1 || len(got.SkipReasons) != 1 || !errors.Is(got.SkipReasons[0], ErrStoreFile) {
				t.Fatalf("Open: %v, skipped %v (%v); want the file skipped as an unusable store file", err, got.Skipped, got.SkipReasons)
			}
			// The next update replaces the hostile file with a real one.
			if _, err := got.Import([]Input{{"l", w.token(t, w.issuer, fixedNow)}}); err != nil {
				t.Fatal(err)
			}
			if info, err := os.Lstat(path); err != nil || !info.Mode().IsRegular() {
				t.Fatalf("after an update, %s is %v (%v); want a regular file", tc.file, info.Mode(), err)
			}
		})
	}
}

// TestUpdatesNeverWriteThroughSymlinks: a store file that is a symbolic
// link to a file elsewhere is read through (configuration mounts use
// links), but an update replaces the link, never the file it points to;
// a lock file that is a link is refused.
func TestUpdatesNeverWriteThroughSymlinks(t *testing.T) {
	w := newWorld(t)
	s, dir := w.store(t)
	if _, err := s.Import([]Input{{"b", w.bundle(t, 1, w.root, "x")}}); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(t.TempDir(), "precious.jws")
	b1, _ := os.ReadFile(filepath.Join(dir, bundleFile))
	os.WriteFile(outside, b1, 0o644)
	os.Remove(filepath.Join(dir, bundleFile))
	if err := os.Symlink(outside, filepath.Join(dir, bundleFile)); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatalf("Open through a link: %v", err)
	}
	if _, err := s.Import([]Input{{"b2", w.bundle(t, 2, w.root, "x")}}); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(outside); !bytes.Equal(after, b1) {
		t.Fatal("an update wrote through the symbolic link")
	}
	if info, _ := os.Lstat(filepath.Join(dir, bundleFile)); !info.Mode().IsRegular() {
		t.Fatalf("bundle.jws is %v after an update; want a regular file", info.Mode())
	}
	if got := storedSerial(t, dir); got != 2 {
		t.Fatalf("stored serial %d; want 2", got)
	}
	// A planted lock link, pointing where the update must not create or
	// lock a file.
	target := filepath.Join(t.TempDir(), "created-by-netcred")
	os.Remove(filepath.Join(dir, lockFile))
	os.Symlink(target, filepath.Join(dir, lockFile))
	if _, err := s.Import([]Input{{"b3", w.bundle(t, 3, w.root, "x")}}); err == nil {
		t.Fatal("Import with a symbolic link as its lock file: no error")
	}
	if _, err := os.Lstat(target); err == nil {
		t.Fatal("the lock link's target was created")
	}
}

// TestStatusFileNames: only file names status.FileName gives are read;
// a token copied under another list's name is skipped.
func TestStatusFileNames(t *testing.T) {
	for name, want := range map[string]bool{
		status.FileName(listURI):                      true,
		"0123456789abcdef0123456789abcdef.cwt":        true,
		"0123456789ABCDEF0123456789ABCDEF.cwt":        false,
		"../../../etc/passwd.cwt":                     false,
		".0123456789abcdef0123456789abcdef.cwt.tmp-1": false,
		"0123456789abcdef0123456789abcde.cwt":         false,
		"0123456789abcdef0123456789abcdef.cwt/":       false,
	} {
		if got := statusFileName(name); got != want {
			t.Errorf("statusFileName(%q) = %v; want %v", name, got, want)
		}
	}
	w := newWorld(t)
	s, dir := w.store(t)
	if _, err := s.Import([]Input{{"b", w.bundle(t, 1, w.root, "x")}, {"l", w.token(t, w.issuer, fixedNow)}}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, statusDir, status.FileName(listURI)))
	os.WriteFile(filepath.Join(dir, statusDir, "0123456789abcdef0123456789abcdef.cwt"), data, 0o644)
	r, err := Open(dir)
	if err != nil || len(r.Skipped) != 1 {
		t.Fatalf("Open: %v, skipped %v; want the misnamed copy skipped", err, r.Skipped)
	}
}

// TestSyncRedactsPassword: a base URL with a password never shows it in
// progress lines or errors.
func TestSyncRedactsPassword(t *testing.T) {
	w := newWorld(t)
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		http.Error(rw, "no", http.StatusForbidden)
	}))
	defer srv.Close()
	s, _ := w.store(t)
	base := strings.Replace(srv.URL, "http://", "http://user:s3cret@", 1)
	var lines []string
	_, err := s.Sync(context.Background(), base, nil, func(f string, a ...any) { lines = append(lines, f) })
	if syncCode(err) != SyncHTTPStatus {
		t.Fatalf("Sync: got %v, want %s", err, SyncHTTPStatus)
	}
	var se *SyncError
	errors.As(err, &se)
	if strings.Contains(err.Error(), "s3cret") || strings.Contains(se.URL, "s3cret") {
		t.Fatalf("the error shows the password: %v", err)
	}
}

// TestInterruptedWriteLeftovers: what a crash mid-write leaves (temporary
// files, a truncated status file) does not stop the store from loading,
// and the next update clears it away.
func TestInterruptedWriteLeftovers(t *testing.T) {
	w := newWorld(t)
	s, dir := w.store(t)
	tok := w.token(t, w.issuer, fixedNow)
	if _, err := s.Import([]Input{{"b", w.bundle(t, 1, w.root, "x")}, {"l", tok}}); err != nil {
		t.Fatal(err)
	}
	leftovers := []string{
		filepath.Join(dir, ".bundle.jws.tmp-123"),
		filepath.Join(dir, statusDir, "."+status.FileName(listURI)+".tmp-456"),
	}
	for _, p := range leftovers {
		os.WriteFile(p, []byte("partial"), 0o644)
	}
	statusFile := filepath.Join(dir, statusDir, status.FileName(listURI))
	os.WriteFile(statusFile, tok[:len(tok)/2], 0o644)
	r, err := Open(dir)
	if err != nil || len(r.Skipped) != 1 {
		t.Fatalf("Open: %v, skipped %v; want the truncated file skipped", err, r.Skipped)
	}
	if _, err := r.Import([]Input{{"b2", w.bundle(t, 2, w.root, "x")}}); err != nil {
		t.Fatal(err)
	}
	for _, p := range append(leftovers, statusFile) {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("%s is still there after an update", filepath.Base(p))
		}
	}
}

// TestOpenReadOnlyStore: a store in a directory this process cannot write
// (a read-only mount) and without lock files still opens: no update can
// run there either.
func TestOpenReadOnlyStore(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root can write anywhere")
	}
	w := newWorld(t)
	s, dir := w.store(t)
	if _, err := s.Import([]Input{{"b", w.bundle(t, 1, w.root, "x")}}); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, lockFile))
	os.Remove(filepath.Join(dir, gateFile))
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	if got := storedSerial(t, dir); got != 1 {
		t.Fatalf("stored serial %d; want 1", got)
	}
}
