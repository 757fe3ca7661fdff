package main

import (
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/netcred/netcred/spec"
)

// TestSessionAgreesWithVectors runs the trust-store vectors that use the
// default policy through the browser entry: same verdict and code.
func TestSessionAgreesWithVectors(t *testing.T) {
	vectors, err := spec.LoadVectors()
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, v := range vectors {
		p := v.Policy
		p.At = ""
		if v.Trust == nil || (v.Kind != "" && v.Kind != spec.KindVerify) || p.MinLevel != "" || len(p.Types) > 0 ||
			p.ClockSkew != "" || p.MaxStatusAge != "" || p.AllowStaleStatus || p.BundleGrace != "" {
			continue
		}
		t.Run(v.Name, func(t *testing.T) {
			at, err := time.Parse(time.RFC3339, v.Policy.At)
			if err != nil {
				t.Fatal(err)
			}
			var tokens [][]byte
			for _, h := range v.Trust.StatusLists {
				b, err := hex.DecodeString(h)
				if err != nil {
					t.Fatal(err)
				}
				tokens = append(tokens, b)
			}
			s := &session{now: func() time.Time { return at }}
			if out := s.load(strings.Join(v.Trust.Roots, ","), v.Trust.Bundle, tokens); out["ok"] != true {
				t.Fatalf("load: %v", out)
			}
			out := s.verify(v.Input)
			if out["code"] != v.Expect.Code || out["valid"] != v.Expect.Valid {
				t.Fatalf("got %v %v (%v); want %v %s", out["valid"], out["code"], out["detail"], v.Expect.Valid, v.Expect.Code)
			}
			if _, ok := out["claims"]; ok != v.Expect.Valid {
				t.Fatalf("claims present: %v; want %v", ok, v.Expect.Valid)
			}
		})
		ran++
	}
	if ran == 0 {
		t.Fatal("no vector ran")
	}
}

func TestSessionRefuses(t *testing.T) {
	s := &session{now: time.Now}
	if out := s.verify("NC1:"); out["error"] == nil {
		t.Fatalf("verify before loadTrust: got %v; want an error", out)
	}
	out := s.load("", "not a bundle", nil)
	if out["error"] == nil || out["code"] != "bundle_malformed" && out["code"] != "bundle_untrusted" {
		t.Fatalf("load of junk: got %v; want an error with a bundle code", out)
	}
}
