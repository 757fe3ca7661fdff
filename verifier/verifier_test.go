package verifier

import (
	"errors"
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
