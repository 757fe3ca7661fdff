package httpapi

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestProofVectors runs spec/vectors/oid4vci (spec/oid4vci.md §7.3).
func TestProofVectors(t *testing.T) {
	files, err := filepath.Glob("../../spec/vectors/oid4vci/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no vectors: %v", err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var v struct {
			Name, Audience, At, Proof string
			Expect                    struct{ Result, Nonce, Thumbprint string }
		}
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		t.Run(v.Name, func(t *testing.T) {
			at, err := time.Parse(time.RFC3339, v.At)
			if err != nil {
				t.Fatal(err)
			}
			p, oe := parseProof(0, v.Proof, v.Audience, at)
			if v.Expect.Result != "ok" {
				if oe == nil || oe.Code != v.Expect.Result {
					t.Errorf("got %v; want %s", oe, v.Expect.Result)
				}
				return
			}
			if oe != nil {
				t.Fatalf("refused: %v", oe)
			}
			if p.Nonce != v.Expect.Nonce || p.Key.Thumbprint() != v.Expect.Thumbprint {
				t.Errorf("nonce %q key %s; want %q %s", p.Nonce, p.Key.Thumbprint(), v.Expect.Nonce, v.Expect.Thumbprint)
			}
		})
	}
}
