package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDemo(t *testing.T) {
	dir := t.TempDir()
	// The demo's clock runs hours ahead of its start; run it at the real
	// time too, as `netcred demo` does.
	runCLIAt(t, time.Now(), "", "demo", "--dir", t.TempDir(), "--no-qr").must(t, exitOK)
	r := runCLI(t, "", "demo", "--dir", dir).must(t, exitOK)
	for _, want := range []string{"NC1:", "VALID: identity credential, level substantial", "NOT VALID: level_too_low", "█"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "credential.png")); err != nil {
		t.Errorf("demo wrote no PNG: %v", err)
	}
}
