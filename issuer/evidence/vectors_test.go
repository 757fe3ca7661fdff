package evidence

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/keys"
)

// vector is the form of spec/vectors/evidence/*.json (spec/evidence.md §8).
type vector struct {
	Name       string                     `json:"name"`
	Comment    string                     `json:"comment"`
	Kind       string                     `json:"kind"`
	ClaimsJSON string                     `json:"claims_json"`
	PolicyJSON string                     `json:"policy_json"`
	Terminals  map[string]json.RawMessage `json:"terminals"`
	At         string                     `json:"at"`
	Evidence   []string                   `json:"evidence"`
	Expect     struct {
		Canonical string `json:"canonical"`
		Digest    string `json:"digest"`
		Error     string `json:"error"`
		Level     string `json:"level"`
		Evidence  string `json:"evidence"`
		Method    string `json:"method"`
		Terminal  string `json:"terminal"`
		Time      string `json:"time"`
		Refused   []struct {
			Index int  `json:"index"`
			Code  Code `json:"code"`
		} `json:"refused"`
		Permits map[string]string `json:"permits"`
	} `json:"expect"`
}

// TestVectors runs every evidence vector.
func TestVectors(t *testing.T) {
	files, err := filepath.Glob("../../spec/vectors/evidence/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no vectors: %v", err)
	}
	kinds := map[string]int{}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var v vector
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		kinds[v.Kind]++
		t.Run(v.Name, func(t *testing.T) {
			switch v.Kind {
			case "digest":
				runDigestVector(t, v)
			case "evaluate":
				runEvaluateVector(t, v)
			default:
				t.Fatalf("unknown kind %q", v.Kind)
			}
		})
	}
	if kinds["digest"] == 0 || kinds["evaluate"] == 0 {
		t.Errorf("vectors by kind: %v; want both kinds", kinds)
	}
}

func runDigestVector(t *testing.T, v vector) {
	canon, err := Canonical([]byte(v.ClaimsJSON))
	d, derr := ClaimsDigest([]byte(v.ClaimsJSON))
	if v.Expect.Error != "" {
		if !errors.Is(err, ErrClaims) || !errors.Is(derr, ErrClaims) {
			t.Fatalf("got %s, %v; want refused (%v)", canon, err, ErrClaims)
		}
		return
	}
	if err != nil || derr != nil {
		t.Fatalf("got %v, %v; want %s", err, derr, v.Expect.Canonical)
	}
	if string(canon) != v.Expect.Canonical {
		t.Errorf("canonical %s; want %s", canon, v.Expect.Canonical)
	}
	if d.String() != v.Expect.Digest {
		t.Errorf("digest %s; want %s", d, v.Expect.Digest)
	}
}

func runEvaluateVector(t *testing.T, v vector) {
	at, err := time.Parse(time.RFC3339, v.At)
	if err != nil {
		t.Fatal(err)
	}
	policy := DefaultPolicy()
	if v.PolicyJSON != "" {
		if policy, err = ParsePolicy([]byte(v.PolicyJSON)); err != nil {
			t.Fatal(err)
		}
	}
	terminals := &MemoryTerminals{}
	for name, jwk := range v.Terminals {
		k, err := keys.ParsePublicJWK(jwk)
		if err != nil {
			t.Fatalf("terminal %s: %v", name, err)
		}
		terminals.Add(name, k)
	}
	digest, err := ClaimsDigest([]byte(v.ClaimsJSON))
	if err != nil {
		t.Fatal(err)
	}
	var items []json.RawMessage
	for _, s := range v.Evidence {
		items = append(items, json.RawMessage(s))
	}
	ev := &Evaluator{Policy: policy, Terminals: terminals, Replay: &MemoryReplay{Now: func() time.Time { return at }}}
	d, err := ev.Evaluate(context.Background(), items, digest, at)
	if v.Expect.Error != "" {
		var e *Error
		if !errors.As(err, &e) || string(e.Code) != v.Expect.Error {
			t.Fatalf("got %v; want %s", err, v.Expect.Error)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if d.Level.String() != v.Expect.Level || d.Evidence.String() != v.Expect.Evidence || string(d.Method) != v.Expect.Method || d.Terminal != v.Expect.Terminal || d.Time.Format(time.RFC3339) != v.Expect.Time {
		t.Errorf("got %s %s %q %q %s; want %s %s %q %q %s", d.Level, d.Evidence, d.Method, d.Terminal, d.Time.Format(time.RFC3339),
			v.Expect.Level, v.Expect.Evidence, v.Expect.Method, v.Expect.Terminal, v.Expect.Time)
	}
	if len(d.Refused) != len(v.Expect.Refused) {
		t.Fatalf("refused %v; want %v", d.Refused, v.Expect.Refused)
	}
	for i, r := range d.Refused {
		if r.Index != v.Expect.Refused[i].Index || r.Code != v.Expect.Refused[i].Code {
			t.Errorf("refusal %d: got item %d %s (%v); want item %d %s", i, r.Index, r.Code, r, v.Expect.Refused[i].Index, v.Expect.Refused[i].Code)
		}
	}
	if len(v.Expect.Permits) != 3 {
		t.Errorf("permits has %d levels; want 3", len(v.Expect.Permits))
	}
	for name, want := range v.Expect.Permits {
		l, err := credential.ParseLevel(name)
		if err != nil {
			t.Fatal(err)
		}
		got := "ok"
		if err := d.Permits(l); err != nil {
			got = string(err.(*Error).Code)
		}
		if got != want {
			t.Errorf("a request at %s: got %s; want %s", name, got, want)
		}
	}
}
