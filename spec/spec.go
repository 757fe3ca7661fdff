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
//go:embed vectors/*.json vectors/presentation/*.json
var Vectors embed.FS

// Vector is one conformance case (credential.md §11). Kind "verify" (the
// default) verifies Input with Keys or Trust under Policy; kind
// "trust_update" offers Update to a trust store that holds Trust and
// expects Expect.Code ("ok" when the update is accepted).
type Vector struct {
	Name    string          `json:"name"`
	Comment string          `json:"comment"`
	Kind    string          `json:"kind,omitempty"`
	Input   string          `json:"input,omitempty"`
	Keys    json.RawMessage `json:"keys,omitempty"`
	Trust   *VectorTrust    `json:"trust,omitempty"`
	Update  *VectorTrust    `json:"update,omitempty"`
	Policy  VectorPolicy    `json:"policy"`
	// Seen, for a presentation vector (presentation.md §7), are inputs a
	// verifier with a replay cache verified, each valid, before Input,
	// with the same policy.
	Seen   []string     `json:"seen,omitempty"`
	Expect VectorExpect `json:"expect"`
}

// Kinds of vectors.
const (
	KindVerify      = "verify"
	KindTrustUpdate = "trust_update"
)

// VectorTrust is trust material: pinned roots, a bundle (JWS compact) and
// status list tokens (hex of the COSE_Sign1 bytes).
type VectorTrust struct {
	Roots       []string `json:"roots,omitempty"`
	Bundle      string   `json:"bundle,omitempty"`
	StatusLists []string `json:"status_lists,omitempty"`
}

// VectorPolicy is the verifier policy of a vector; empty members mean the
// defaults.
type VectorPolicy struct {
	At               string   `json:"at,omitempty"`
	MinLevel         string   `json:"min_level,omitempty"`
	Types            []string `json:"types,omitempty"`
	ClockSkew        string   `json:"clock_skew,omitempty"`
	MaxStatusAge     string   `json:"max_status_age,omitempty"`
	AllowStaleStatus bool     `json:"allow_stale_status,omitempty"`
	BundleGrace      string   `json:"bundle_grace,omitempty"`
	// Holder binding (presentation.md §7): the policy's requirement and
	// window, and the nonce (hex) and audience the verifier shows.
	RequireHolderBinding bool   `json:"require_holder_binding,omitempty"`
	MaxPresentationAge   string `json:"max_presentation_age,omitempty"`
	PresentationSkew     string `json:"presentation_skew,omitempty"`
	Nonce                string `json:"nonce,omitempty"`
	Audience             string `json:"audience,omitempty"`
}

// VectorExpect is the expected result (credential.md §11). Level and Type
// are always checked, an empty one meaning that the result carries none;
// Claims is checked when present. Reason, set on every malformed vector,
// is the stable sub-code of the rule the input breaks (credential.md §11
// lists them): an implementation that reports sub-codes must report this
// one, so that a vector cannot pass by failing for another reason.
type VectorExpect struct {
	Valid   bool           `json:"valid"`
	Verdict string         `json:"verdict,omitempty"`
	Code    string         `json:"code"`
	Reason  string         `json:"reason,omitempty"`
	Level   string         `json:"level,omitempty"`
	Type    string         `json:"type,omitempty"`
	Claims  map[string]any `json:"claims,omitempty"`
	// Warnings, when present, are the warning codes the result MUST
	// carry, in order (credential.md §8).
	Warnings []string `json:"warnings,omitempty"`
	// Stored is, for a trust_update vector, what the store MUST hold
	// after the update (its bundle and status list tokens, in any order);
	// checked when present (status.md §8).
	Stored *VectorTrust `json:"stored,omitempty"`
}

// LoadVectors parses every embedded credential vector (vectors/*.json),
// sorted by name.
func LoadVectors() ([]Vector, error) { return loadVectors("vectors/*.json") }

// LoadPresentationVectors parses the presentation vectors
// (vectors/presentation/*.json, presentation.md §7), sorted by name.
func LoadPresentationVectors() ([]Vector, error) {
	return loadVectors("vectors/presentation/*.json")
}

func loadVectors(pattern string) ([]Vector, error) {
	names, err := fs.Glob(Vectors, pattern)
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
