package regularfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	if err := os.WriteFile(small, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		limit      int64
		want       []error
	}{
		{"regular", small, 5, nil},
		{"no limit", small, -1, nil},
		{"over the limit", small, 4, []error{ErrTooLarge}},
		{"directory", dir, 10, []error{ErrIsDir, ErrNotRegular}},
		{"device", os.DevNull, 10, []error{ErrNotRegular}},
		{"missing", filepath.Join(dir, "nope"), 10, []error{os.ErrNotExist}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, err := Open(tt.path, tt.limit)
			if f != nil {
				f.Close()
			}
			if tt.want == nil && err != nil {
				t.Fatalf("Open: %v; want nil", err)
			}
			for _, w := range tt.want {
				if !errors.Is(err, w) {
					t.Errorf("Open: %v; want %v", err, w)
				}
			}
			if _, cerr := Check(tt.path, tt.limit); (cerr == nil) != (err == nil) {
				t.Errorf("Check: %v; Open: %v: want both nil or both errors", cerr, err)
			}
		})
	}
}
