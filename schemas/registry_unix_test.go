//go:build unix

package schemas

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestLoadFileNotRegular checks that LoadFile refuses what is not a regular
// file without blocking on it.
func TestLoadFileNotRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.json")
	paths := []string{dir}
	if err := syscall.Mkfifo(fifo, 0o600); err == nil {
		paths = append(paths, fifo)
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		paths = append(paths, "/dev/zero")
	}
	for _, p := range paths {
		err := Builtin().LoadFile(p)
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("LoadFile(%s) = %v; want %v, not a regular file", p, err, ErrMalformed)
		}
	}
}
