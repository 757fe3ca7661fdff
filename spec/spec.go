// Package spec embeds netcred's conformance vectors (spec/vectors/*.json)
// so that Go implementations, netcred's own verifier among them, can run
// them. The normative text is in the markdown files beside it.
package spec

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
)

// Vectors holds the vector files.
//
//go:embed vectors/*.json
var Vectors embed.FS

// Vector is one conformance case (credential.md §11).
type Vector struct {
	Name    string          `json:"name"`
	Comment string          `json:"comment"`
	Input   string          `json:"input"`
	Keys    json.RawMessage `json:"keys"`
	Policy  VectorPolicy    `json:"policy"`
	Expect  VectorExpect    `json:"expect"`
}

// VectorPolicy is the verifier policy of a vector; empty members mean the
// defaults.
type VectorPolicy struct {
	At        string   `json:"at"`
	MinLevel  string   `json:"min_level,omitempty"`
	Types     []string `json:"types,omitempty"`
	ClockSkew string   `json:"clock_skew,omitempty"`
}

// VectorExpect is the expected result; Level, Type and Claims are checked
// when present.
type VectorExpect struct {
	Valid  bool           `json:"valid"`
	Code   string         `json:"code"`
	Level  string         `json:"level,omitempty"`
	Type   string         `json:"type,omitempty"`
	Claims map[string]any `json:"claims,omitempty"`
}

// LoadVectors parses every embedded vector, sorted by name.
func LoadVectors() ([]Vector, error) {
	names, err := fs.Glob(Vectors, "vectors/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([]Vector, 0, len(names))
	for _, name := range names {
		data, err := Vectors.ReadFile(name)
		if err != nil {
			return nil, err
		}
		var v Vector
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out = append(out, v)
	}
	return out, nil
}
