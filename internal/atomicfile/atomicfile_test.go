package atomicfile

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	for _, content := range []string{"first", "second, longer"} {
		if err := Write(path, []byte(content), 0o640); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != content {
			t.Fatalf("got %q, %v; want %q", got, err, content)
		}
	}
	info, _ := os.Stat(path)
	if info.Mode().Perm() != 0o640 {
		t.Errorf("mode %o, want 640", info.Mode().Perm())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d entries left in the directory, want 1 (no temporary files)", len(entries))
	}
	if err := Write(filepath.Join(dir, "missing", "f"), []byte("x"), 0o600); err == nil {
		t.Error("Write into a missing directory succeeded")
	}
}

// TestWriteConcurrentReader: a reader never sees part of a file, only the old
// content or the new, and a failed write leaves nothing behind.
func TestWriteConcurrentReader(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "token.cwt")
	a, b := bytes.Repeat([]byte{'a'}, 256<<10), bytes.Repeat([]byte{'b'}, 256<<10)
	if err := Write(path, a, 0o644); err != nil {
		t.Fatal(err)
	}
	var (
		wg   sync.WaitGroup
		done = make(chan struct{})
	)
	wg.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Errorf("reader: %v", err)
				return
			}
			if !bytes.Equal(got, a) && !bytes.Equal(got, b) {
				t.Errorf("reader saw %d bytes that are neither version", len(got))
				return
			}
		}
	})
	for i := range 40 {
		content := a
		if i%2 == 0 {
			content = b
		}
		if err := Write(path, content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()

	if err := Write(filepath.Join(dir, "missing", "x.cwt"), a, 0o644); err == nil {
		t.Error("wrote into a missing directory")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want only token.cwt", names)
	}
}
