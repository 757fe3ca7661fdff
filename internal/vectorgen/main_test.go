package main

import (
	"os"
	"path/filepath"
	"testing"
)

// randomized names the vectors with ES256 signatures, whose bytes change on
// every run (ECDSA signing is randomized); all others must be reproduced
// byte for byte.
var randomized = map[string]bool{"valid_identity_es256": true, "trust_valid_es256_key": true}

// TestVectorsUpToDate regenerates the vectors and compares them with
// spec/vectors: a change to the generator or the format must come with
// regenerated files (go run ./internal/vectorgen).
func TestVectorsUpToDate(t *testing.T) {
	vectors, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../../spec/vectors/*.json")
	if len(files) != len(vectors) {
		t.Errorf("spec/vectors has %d files, the generator makes %d vectors", len(files), len(vectors))
	}
	for _, v := range vectors {
		want, err := Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join("../../spec/vectors", v.Name+".json"))
		if err != nil {
			t.Errorf("%s: %v", v.Name, err)
			continue
		}
		if !randomized[v.Name] && string(got) != string(want) {
			t.Errorf("%s is out of date: run go run ./internal/vectorgen", v.Name)
		}
	}
}
