//go:build unix

package regularfile

import (
	"errors"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A named pipe is refused at once: opening it would wait for a writer.
func TestOpenFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	done := make(chan error, 1)
	go func() { _, _, err := Open(fifo, 10); done <- err }()
	select {
	case err := <-done:
		if !errors.Is(err, ErrNotRegular) || errors.Is(err, ErrIsDir) {
			t.Errorf("Open(fifo): %v; want ErrNotRegular (a named pipe)", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Open(fifo) still waiting after 5 s")
	}
}
