package verifier

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/spec"
)

// vectorVerifier configures a Verifier as spec/credential.md §11 says.
func vectorVerifier(tb testing.TB, v spec.Vector) *Verifier {
	tb.Helper()
	set, err := keys.ParseSet(v.Keys)
	if err != nil {
		tb.Fatalf("keys: %v", err)
	}
	var p Policy
	if p.At, err = time.Parse(time.RFC3339, v.Policy.At); err != nil {
		tb.Fatalf("policy.at: %v", err)
	}
	if v.Policy.MinLevel != "" {
		if p.MinLevel, err = credential.ParseLevel(v.Policy.MinLevel); err != nil {
			tb.Fatal(err)
		}
	}
	p.Types = v.Policy.Types
	if v.Policy.ClockSkew != "" {
		d, err := time.ParseDuration(v.Policy.ClockSkew)
		if err != nil {
			tb.Fatal(err)
		}
		if p.ClockSkew = d; d == 0 {
			p.ClockSkew = -1 // Policy's zero value means the default
		}
	}
	ver, err := New(Config{Keys: set, Policy: p})
	if err != nil {
		tb.Fatal(err)
	}
	return ver
}

// TestVectors runs the verifier over every conformance vector.
func TestVectors(t *testing.T) {
	vectors, err := spec.LoadVectors()
	if err != nil {
		t.Fatal(err)
	}
	if len(vectors) == 0 {
		t.Fatal("no vectors embedded")
	}
	for _, v := range vectors {
		t.Run(v.Name, func(t *testing.T) {
			got := vectorVerifier(t, v).Verify(v.Input)
			if got.Valid != v.Expect.Valid || string(got.Code) != v.Expect.Code {
				t.Fatalf("got valid=%v code=%s (%s); want valid=%v code=%s", got.Valid, got.Code, got.Detail, v.Expect.Valid, v.Expect.Code)
			}
			if v.Expect.Level != "" && got.Level != v.Expect.Level {
				t.Errorf("level: got %q, want %q", got.Level, v.Expect.Level)
			}
			if v.Expect.Type != "" && got.Type != v.Expect.Type {
				t.Errorf("type: got %q, want %q", got.Type, v.Expect.Type)
			}
			if v.Expect.Claims != nil {
				var gotClaims map[string]any
				b, _ := json.Marshal(got.Claims)
				json.Unmarshal(b, &gotClaims)
				if !reflect.DeepEqual(gotClaims, v.Expect.Claims) {
					t.Errorf("claims: got %v, want %v", gotClaims, v.Expect.Claims)
				}
			}
			if !got.Valid && got.Claims != nil {
				t.Errorf("an invalid result carries claims")
			}
		})
	}
}

// TestVectorsCoverEveryCode: each reason code has at least one vector.
func TestVectorsCoverEveryCode(t *testing.T) {
	vectors, err := spec.LoadVectors()
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, v := range vectors {
		covered[v.Expect.Code] = true
	}
	for _, c := range Codes {
		if !covered[string(c)] {
			t.Errorf("no vector expects reason code %s", c)
		}
	}
}
