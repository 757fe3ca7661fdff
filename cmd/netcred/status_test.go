package main

import (
	"bytes"
	"crypto"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/status"
)

// statusRef splits a credential id into list URI and index.
func statusRef(tb testing.TB, id string) (string, uint64) {
	tb.Helper()
	uri, idx, _ := strings.Cut(id, "#")
	n, err := strconv.ParseUint(idx, 10, 64)
	if err != nil {
		tb.Fatalf("credential id %q: %v", id, err)
	}
	return uri, n
}

func TestStatusPublish(t *testing.T) {
	w := newWorkspace(t)
	dir, out := w.path("status"), w.path("www")
	_, valid := w.issueWithStatus(t, dir)
	_, revoked := w.issueWithStatus(t, dir)
	_, suspended := w.issueWithStatus(t, dir)
	runCLI(t, "", "revoke", "--status-dir", dir, revoked).must(t, exitOK)
	runCLI(t, "", "suspend", "--status-dir", dir, suspended).must(t, exitOK)

	r := runCLI(t, "", "status", "publish", "--status-dir", dir, "--key", w.key, "--out", out, "--valid-for", "36h", "--ttl", "30m").must(t, exitOK)
	name := status.FileName(testStatusURI + "1")
	if !strings.Contains(r.stdout, filepath.Join("status", name)) || !strings.Contains(r.stderr, "published 1 status list to") {
		t.Errorf("publish output:\n%s%s", r.stdout, r.stderr)
	}
	data, err := os.ReadFile(filepath.Join(out, "status", name))
	if err != nil {
		t.Fatal(err)
	}
	pubData, err := os.ReadFile(w.path("issuer.pub.jwk"))
	if err != nil {
		t.Fatal(err)
	}
	pub, err := keys.ParsePublicJWK(pubData)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := status.ParseToken(data, func(kid []byte) (credential.Algorithm, crypto.PublicKey, bool) {
		return pub.Algorithm(), pub.Key(), bytes.Equal(kid, pub.KID())
	})
	if err != nil {
		t.Fatal(err)
	}
	if !tok.IssuedAt.Equal(fixedNow) || !tok.Expiry.Equal(fixedNow.Add(36*time.Hour)) || tok.TTL != 30*time.Minute {
		t.Errorf("token iat %s exp %s ttl %s; want %s, +36h, 30m", tok.IssuedAt, tok.Expiry, tok.TTL, fixedNow)
	}
	for id, want := range map[string]status.Status{valid: status.Valid, revoked: status.Revoked, suspended: status.Suspended} {
		uri, idx := statusRef(t, id)
		if uri != tok.URI {
			t.Fatalf("%s is not in the published list %s", id, tok.URI)
		}
		if got, err := tok.List.Get(idx); err != nil || got != want {
			t.Errorf("%s: published %v, %v; want %s", id, got, err, want)
		}
	}
	var index struct {
		Lists map[string]struct {
			File string `json:"file"`
		} `json:"lists"`
	}
	indexData, err := os.ReadFile(filepath.Join(out, "status", "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(indexData, &index); err != nil || index.Lists[testStatusURI+"1"].File != name {
		t.Errorf("index.json does not map %s1 to %s: %v\n%s", testStatusURI, name, err, indexData)
	}
}
