package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestProofVectorsUpToDate: spec/vectors/oid4vci holds what the generator
// makes (ES256 vectors only by name: their signatures are randomized).
func TestProofVectorsUpToDate(t *testing.T) {
	vectors, err := GenerateProofs()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../../spec/vectors/oid4vci/*.json")
	if len(files) != len(vectors) {
		t.Errorf("spec/vectors/oid4vci has %d files, the generator makes %d vectors", len(files), len(vectors))
	}
	for _, v := range vectors {
		want, err := Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join("../../spec/vectors/oid4vci", v.Name+".json"))
		if err != nil {
			t.Errorf("%s: %v", v.Name, err)
			continue
		}
		if !RandomizedProofVectors[v.Name] && string(got) != string(want) {
			t.Errorf("%s is out of date: run go run ./internal/vectorgen", v.Name)
		}
	}
}
