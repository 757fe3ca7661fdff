package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestEvidenceVectorsUpToDate regenerates the evidence vectors and
// compares them with spec/vectors/evidence (go run ./internal/vectorgen
// writes them).
func TestEvidenceVectorsUpToDate(t *testing.T) {
	vectors, err := GenerateEvidence()
	if err != nil {
		t.Fatal(err)
	}
	dir := "../../spec/vectors/evidence"
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != len(vectors) {
		t.Errorf("%s has %d files, the generator makes %d vectors", dir, len(files), len(vectors))
	}
	names := map[string]bool{}
	for _, v := range vectors {
		if names[v.Name] {
			t.Errorf("two vectors named %s", v.Name)
		}
		names[v.Name] = true
		want, err := Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(dir, v.Name+".json"))
		if err != nil {
			t.Errorf("%s: %v", v.Name, err)
			continue
		}
		if !RandomizedEvidenceVectors[v.Name] && string(got) != string(want) {
			t.Errorf("%s is out of date: run go run ./internal/vectorgen", v.Name)
		}
	}
}
