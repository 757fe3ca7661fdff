//go:build unix

package keyfile

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestReadRefusesSpecialFiles checks that a named pipe (whose open would
// wait for a writer forever), a device and a directory are refused at
// once, for key files and passphrase files.
func TestReadRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	for _, path := range []string{fifo, "/dev/zero", "/dev/null", dir} {
		done := make(chan error, 2)
		go func() {
			_, _, err := Read(path, nil)
			done <- err
			_, err = ReadPassphrase(path)
			done <- err
		}()
		for range 2 {
			select {
			case err := <-done:
				wantErr(t, err, ErrNotRegular)
			case <-time.After(5 * time.Second):
				t.Fatalf("%s: still reading after 5 s", path)
			}
		}
	}
}
