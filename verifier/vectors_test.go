package verifier

import (
	"encoding/hex"
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/strictcbor"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/presentation"
	"github.com/netcred/netcred/spec"
)

// vectorVerifier configures a Verifier as spec/credential.md §11 says.
func vectorVerifier(tb testing.TB, v spec.Vector) *Verifier {
	tb.Helper()
	var cfg Config
	if v.Trust != nil {
		t, err := LoadTrust(v.Trust.Roots, []byte(v.Trust.Bundle), VectorTokens(tb, v.Trust)...)
		if err != nil {
			tb.Fatalf("trust: %v", err)
		}
		cfg.Trust = t
	} else {
		set, err := keys.ParseSet(v.Keys)
		if err != nil {
			tb.Fatalf("keys: %v", err)
		}
		cfg.Keys = set
	}
	cfg.Policy, _ = VectorPolicy(tb, v.Policy)
	ver, err := New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return ver
}

// VectorTokens decodes a vector's status list tokens.
func VectorTokens(tb testing.TB, t *spec.VectorTrust) [][]byte {
	tb.Helper()
	var out [][]byte
	for _, h := range t.StatusLists {
		b, err := hex.DecodeString(h)
		if err != nil {
			tb.Fatalf("status list: %v", err)
		}
		out = append(out, b)
	}
	return out
}

// VectorPolicy converts a vector's policy; its "at" is the options' Now.
func VectorPolicy(tb testing.TB, vp spec.VectorPolicy) (Policy, Options) {
	tb.Helper()
	var p Policy
	var o Options
	var err error
	if o.Now, err = time.Parse(time.RFC3339, vp.At); err != nil {
		tb.Fatalf("policy.at: %v", err)
	}
	if vp.MinLevel != "" {
		if p.MinLevel, err = credential.ParseLevel(vp.MinLevel); err != nil {
			tb.Fatal(err)
		}
	}
	p.Types = vp.Types
	dur := func(s string) time.Duration {
		d, err := time.ParseDuration(s)
		if err != nil {
			tb.Fatal(err)
		}
		return d
	}
	if vp.ClockSkew != "" {
		if p.ClockSkew = dur(vp.ClockSkew); p.ClockSkew == 0 {
			p.ClockSkew = -1 // Policy's zero value means the default
		}
	}
	if vp.MaxStatusAge != "" {
		p.MaxStatusAge = dur(vp.MaxStatusAge)
	}
	if vp.BundleGrace != "" {
		p.BundleGrace = dur(vp.BundleGrace)
	}
	p.AllowStaleStatus = vp.AllowStaleStatus
	p.RequireHolderBinding = vp.RequireHolderBinding
	if vp.MaxPresentationAge != "" {
		p.MaxPresentationAge = dur(vp.MaxPresentationAge)
	}
	if vp.PresentationSkew != "" {
		if p.PresentationSkew = dur(vp.PresentationSkew); p.PresentationSkew == 0 {
			p.PresentationSkew = -1
		}
	}
	if vp.Nonce != "" {
		if o.Nonce, err = hex.DecodeString(vp.Nonce); err != nil {
			tb.Fatalf("policy.nonce: %v", err)
		}
	}
	o.Audience = vp.Audience
	return p, o
}

// allVectors are the credential and the presentation vectors.
func allVectors(tb testing.TB) []spec.Vector {
	tb.Helper()
	vectors, err := spec.LoadVectors()
	if err != nil {
		tb.Fatal(err)
	}
	pv, err := spec.LoadPresentationVectors()
	if err != nil {
		tb.Fatal(err)
	}
	return append(vectors, pv...)
}

// TestVectors runs the verifier over every conformance vector.
func TestVectors(t *testing.T) {
	vectors := allVectors(t)
	if len(vectors) == 0 {
		t.Fatal("no vectors embedded")
	}
	for _, v := range vectors {
		if v.Kind != "" && v.Kind != spec.KindVerify {
			continue // trust store updates: see package trust
		}
		t.Run(v.Name, func(t *testing.T) {
			_, opts := VectorPolicy(t, v.Policy)
			ver := vectorVerifier(t, v)
			if v.Seen != nil {
				opts.Replay = &memReplay{}
				for i, in := range v.Seen {
					if r := ver.Verify(in, opts); !r.Valid {
						t.Fatalf("seen[%d]: %s (%s); want valid", i, r.Code, r.Detail)
					}
				}
			}
			got := ver.Verify(v.Input, opts)
			if v.Expect.Verdict != "" && string(got.Verdict) != v.Expect.Verdict {
				t.Errorf("verdict: got %s, want %s", got.Verdict, v.Expect.Verdict)
			}
			if got.Valid != v.Expect.Valid || string(got.Code) != v.Expect.Code {
				t.Fatalf("got valid=%v code=%s (%s); want valid=%v code=%s", got.Valid, got.Code, got.Detail, v.Expect.Valid, v.Expect.Code)
			}
			if got.Reason != v.Expect.Reason {
				t.Errorf("reason: got %q (%s), want %q", got.Reason, got.Detail, v.Expect.Reason)
			}
			// An absent level or type means the result carries none
			// (credential.md §8, §11).
			if got.Level != v.Expect.Level {
				t.Errorf("level: got %q, want %q", got.Level, v.Expect.Level)
			}
			if got.Type != v.Expect.Type {
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
			if v.Expect.Warnings != nil {
				codes := []string{}
				for _, w := range got.Warnings {
					codes = append(codes, string(w.Code))
				}
				if !slices.Equal(codes, v.Expect.Warnings) {
					t.Errorf("warnings: got %v, want %v", codes, v.Expect.Warnings)
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
	vectors := allVectors(t)
	covered := map[string]bool{}
	for _, v := range vectors {
		covered[v.Expect.Code] = true
	}
	for _, c := range append(append([]Code{}, Codes...), TrustCodes...) {
		if !covered[string(c)] {
			t.Errorf("no vector expects reason code %s", c)
		}
	}
	reasons := map[string]bool{}
	for _, v := range vectors {
		reasons[v.Expect.Reason] = true
	}
	for r := range knownReasons {
		if !reasons[r] {
			t.Errorf("no vector expects the malformed reason %s", r)
		}
	}
}

// TestMalformedVectorsNameTheirReason: every malformed vector says which
// rule it breaks, with a reason of credential.md §11, so that none passes
// by failing for another reason (TestVectors checks the verifier gives it).
func TestMalformedVectorsNameTheirReason(t *testing.T) {
	vectors := allVectors(t)
	for _, v := range vectors {
		switch {
		case v.Expect.Code == string(CodeMalformed) && !knownReasons[v.Expect.Reason]:
			t.Errorf("%s: malformed with reason %q; want one of credential.md §11", v.Name, v.Expect.Reason)
		case v.Expect.Code != string(CodeMalformed) && v.Expect.Reason != "":
			t.Errorf("%s: reason %q on a %s vector; reasons are for malformed ones", v.Name, v.Expect.Reason, v.Expect.Code)
		}
	}
}

// knownReasons are the reasons credential.md §11 lists.
var knownReasons = map[string]bool{
	credential.ReasonQRPrefix: true, credential.ReasonBase45: true, credential.ReasonDeflate: true,
	credential.ReasonCOSEStructure: true, credential.ReasonCOSEUnprotected: true, credential.ReasonCOSEHeader: true,
	credential.ReasonClaims: true, credential.ReasonClaimsDate: true, credential.ReasonClaimsStatus: true,
	credential.ReasonClaimsCnf: true,
	presentation.ReasonHeader:  true, presentation.ReasonClaims: true,
	strictcbor.ReasonTruncated: true, strictcbor.ReasonTrailingBytes: true, strictcbor.ReasonIndefinite: true,
	strictcbor.ReasonNonShortest: true, strictcbor.ReasonKeyOrder: true, strictcbor.ReasonDuplicateKey: true,
	strictcbor.ReasonDepth: true, strictcbor.ReasonTooManyItems: true, strictcbor.ReasonTag: true,
	strictcbor.ReasonFloatOrSimple: true, strictcbor.ReasonInvalidUTF8: true,
}
