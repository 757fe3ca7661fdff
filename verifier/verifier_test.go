package verifier

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/spec"
)

func TestNewRefusesBadConfig(t *testing.T) {
	f := newFixture(t, credential.EdDSA)
	for _, tc := range []struct {
		name string
		cfg  Config
		want error
	}{
		{"no keys", Config{}, ErrNoKeys},
		{"bad minimum level", Config{Keys: f.set, Policy: Policy{MinLevel: 9}}, ErrBadPolicy},
		{"unknown type", Config{Keys: f.set, Policy: Policy{Types: []string{"passport"}}}, ErrBadPolicy},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := New(tc.cfg)
			if !errors.Is(err, tc.want) || v != nil {
				t.Fatalf("New: got %v, %v; want error %v", v, err, tc.want)
			}
		})
	}
}

func TestVerifyPolicy(t *testing.T) {
	f := newFixture(t, credential.ES256)
	text := f.issue(t, referenceRequest())
	exp := fixedNow.Add(365 * 24 * time.Hour)
	for _, tc := range []struct {
		name   string
		policy Policy
		at     time.Time
		want   Code
	}{
		{"defaults", Policy{}, time.Time{}, CodeValid},
		{"minimum met", Policy{MinLevel: credential.LevelSubstantial}, time.Time{}, CodeValid},
		{"minimum missed", Policy{MinLevel: credential.LevelHigh}, time.Time{}, CodeLevelTooLow},
		{"type allowed", Policy{Types: []string{"ticket", "identity"}}, time.Time{}, CodeValid},
		{"type refused", Policy{Types: []string{"ticket"}}, time.Time{}, CodeTypeNotAllowed},
		{"just before exp", Policy{ClockSkew: -1}, exp.Add(-time.Second), CodeValid},
		{"at exp", Policy{ClockSkew: -1}, exp, CodeExpired},
		{"within skew after exp", Policy{}, exp.Add(4 * time.Minute), CodeValid},
		{"wider skew", Policy{ClockSkew: time.Hour}, fixedNow.Add(-50 * time.Minute), CodeValid},
		{"before iat", Policy{}, fixedNow.Add(-time.Hour), CodeNotYetValid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := verifyAt
			if !tc.at.IsZero() {
				opts.Now = tc.at
			}
			got := f.verifier(t, tc.policy).Verify(text, opts)
			if got.Code != tc.want || got.Valid != (tc.want == CodeValid) {
				t.Fatalf("got %s (%s), want %s", got.Code, got.Detail, tc.want)
			}
			if got.Valid {
				if got.Claims["id_number"] != "11010519491231002X" || got.Level != "substantial" || got.Type != "identity" {
					t.Fatalf("valid result lacks its contents: %+v", got)
				}
			} else if got.Claims != nil || got.Credential != nil {
				t.Fatal("invalid result carries claims")
			}
			if got.Warnings == nil {
				t.Fatal("warnings is nil; want an empty list so JSON prints []")
			}
		})
	}
}

func TestVerifyIsConcurrencySafe(t *testing.T) {
	f := newFixture(t, credential.EdDSA)
	text := f.issue(t, referenceRequest())
	v := f.verifier(t, Policy{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				if r := v.Verify(text, verifyAt); !r.Valid {
					t.Errorf("not valid: %s", r.Code)
				}
			}
		})
	}
	wg.Wait()
}

func TestUnknownKeyNamesTheKid(t *testing.T) {
	f := newFixture(t, credential.EdDSA)
	other := newFixture(t, credential.EdDSA)
	got := other.verifier(t, Policy{}).Verify(f.issue(t, referenceRequest()), verifyAt)
	if got.Code != CodeUnknownKey || !strings.Contains(got.Detail, f.key.Public().KIDString()) {
		t.Fatalf("got %s %q; want unknown_key naming kid %s", got.Code, got.Detail, f.key.Public().KIDString())
	}
}

// FuzzVerify runs the whole pipeline on arbitrary text, seeded with every
// conformance vector: no panic, a known reason code, claims only when valid.
func FuzzVerify(f *testing.F) {
	vectors, err := spec.LoadVectors()
	if err != nil {
		f.Fatal(err)
	}
	for _, v := range vectors {
		f.Add(v.Input)
	}
	v := vectorVerifier(f, vectors[0])
	_, opts := VectorPolicy(f, vectors[0].Policy)
	known := map[Code]bool{CodeIssuerMismatch: true, CodeKeyNotAuthorized: true}
	for _, c := range Codes {
		known[c] = true
	}
	f.Fuzz(func(t *testing.T, text string) {
		r := v.Verify(text, opts)
		if !known[r.Code] {
			t.Fatalf("unknown reason code %q", r.Code)
		}
		if r.Valid != (r.Code == CodeValid) || (!r.Valid && r.Claims != nil) {
			t.Fatalf("inconsistent result %+v", r)
		}
	})
}

// TestWarnings: each warning code appears exactly where spec/credential.md
// §8 says, and never changes the verdict.
func TestWarnings(t *testing.T) {
	f := newFixture(t, credential.EdDSA)
	withStatus := f.issue(t, referenceRequest())
	req := referenceRequest()
	req.Status = nil
	noStatus := f.issue(t, req)
	holder := referenceClaimsOf(t, f, withStatus)
	holder.Confirmation = testHolderCnf(t)
	holderText := f.sign(t, holder)
	trust := f.trust(t)
	nextUpdate := trust.Bundle.NextUpdate
	for _, tc := range []struct {
		name   string
		text   string
		trust  bool
		policy Policy
		at     time.Time
		want   []WarningCode
	}{
		{"key set, status claim", withStatus, false, Policy{}, time.Time{}, []WarningCode{WarnStatusUnchecked}},
		{"key set, no status claim", noStatus, false, Policy{}, time.Time{}, nil},
		{"trust, status checked", withStatus, true, Policy{}, time.Time{}, nil},
		{"trust, no status claim", noStatus, true, Policy{}, time.Time{}, []WarningCode{WarnNoStatus}},
		{"trust, stale list accepted", withStatus, true, Policy{AllowStaleStatus: true}, fixedNow.Add(25 * time.Hour), []WarningCode{WarnStatusStale}},
		{"trust, bundle within grace", noStatus, true, Policy{BundleGrace: 2 * time.Hour}, nextUpdate.Add(time.Hour), []WarningCode{WarnNoStatus, WarnBundleGrace}},
		{"holder binding", holderText, false, Policy{}, time.Time{}, []WarningCode{WarnStatusUnchecked, WarnHolderBindingUnchecked}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{Keys: f.set, Policy: tc.policy}
			if tc.trust {
				cfg = Config{Trust: trust, Policy: tc.policy}
			}
			v, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			opts := verifyAt
			if !tc.at.IsZero() {
				opts.Now = tc.at
			}
			got := v.Verify(tc.text, opts)
			if !got.Valid {
				t.Fatalf("got %s (%s); want valid", got.Code, got.Detail)
			}
			var codes []WarningCode
			for _, w := range got.Warnings {
				if w.Detail == "" {
					t.Errorf("warning %s has no detail", w.Code)
				}
				codes = append(codes, w.Code)
			}
			if !slices.Equal(codes, tc.want) {
				t.Fatalf("warnings: got %v; want %v", codes, tc.want)
			}
		})
	}
}

// referenceClaimsOf returns the claims of a credential the fixture issued.
func referenceClaimsOf(tb testing.TB, f *fixture, text string) *credential.Claims {
	tb.Helper()
	cose, err := credential.DecodeQR(text)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := credential.Parse(cose)
	if err != nil {
		tb.Fatal(err)
	}
	c, err := s.Verify(f.key.Algorithm(), f.key.Public().Key())
	if err != nil {
		tb.Fatal(err)
	}
	return c
}
