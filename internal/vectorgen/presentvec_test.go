package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestPresentationVectorsUpToDate regenerates the presentation vectors and
// compares them with spec/vectors/presentation.
func TestPresentationVectorsUpToDate(t *testing.T) {
	vectors, err := GeneratePresentation()
	if err != nil {
		t.Fatal(err)
	}
	dir := "../../spec/vectors/presentation"
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != len(vectors) {
		t.Errorf("%s has %d files, the generator makes %d vectors", dir, len(files), len(vectors))
	}
	for _, v := range vectors {
		want, err := Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(dir, v.Name+".json"))
		if err != nil {
			t.Errorf("%s: %v", v.Name, err)
			continue
		}
		if !RandomizedPresentationVectors[v.Name] && string(got) != string(want) {
			t.Errorf("%s is out of date: run go run ./internal/vectorgen", v.Name)
		}
	}
}
