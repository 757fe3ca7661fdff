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

func TestStatusPublishRefuses(t *testing.T) {
	w := newWorkspace(t)
	dir, out := w.path("status"), w.path("www")
	w.issueWithStatus(t, dir)
	encrypted := w.path("encrypted.jwk")
	pass := w.write(t, "pass.txt", "correct horse\n")
	runCLI(t, "", "keys", "new", "--out", encrypted, "--passphrase-file", pass).must(t, exitOK)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no --status-dir", []string{"status", "publish", "--key", w.key, "--out", out}, "needs --status-dir"},
		{"no --key", []string{"status", "publish", "--status-dir", dir, "--out", out}, "needs --key"},
		{"no --out", []string{"status", "publish", "--status-dir", dir, "--key", w.key}, "needs --out"},
		{"ttl beyond validity", []string{"status", "publish", "--status-dir", dir, "--key", w.key, "--out", out, "--valid-for", "1h", "--ttl", "2h"}, "longer than --valid-for"},
		{"bad duration", []string{"status", "publish", "--status-dir", dir, "--key", w.key, "--out", out, "--ttl", "soon"}, "invalid duration"},
		{"missing status dir", []string{"status", "publish", "--status-dir", w.path("nope"), "--key", w.key, "--out", out}, "no status dir"},
		{"encrypted key without passphrase", []string{"status", "publish", "--status-dir", dir, "--key", encrypted, "--out", out}, "--passphrase-file"},
		{"an argument", []string{"status", "publish", "--status-dir", dir, "--key", w.key, "--out", out, "extra"}, "takes no arguments"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, "", tc.args...).must(t, exitUsage)
			if !strings.Contains(r.stderr, tc.want) {
				t.Fatalf("stderr lacks %q:\n%s", tc.want, r.stderr)
			}
		})
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a refused publish wrote %s", out)
	}
	runCLI(t, "", "status", "publish", "--status-dir", dir, "--key", encrypted, "--passphrase-file", pass, "--out", out).must(t, exitOK)
}

func TestStatusShow(t *testing.T) {
	w := newWorkspace(t)
	dir := w.path("status")
	var ids []string
	for range 5 {
		_, id := w.issueWithStatus(t, dir, "--list-size", "4")
		ids = append(ids, id)
	}
	runCLI(t, "", "revoke", "--status-dir", dir, ids[0]).must(t, exitOK)
	runCLI(t, "", "suspend", "--status-dir", dir, ids[4]).must(t, exitOK)
	out := runCLI(t, "", "status", "show", "--status-dir", dir).must(t, exitOK).stdout
	// Lists of 4 entries: the first four credentials fill list 1, the
	// fifth is in list 2.
	rows := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) >= 5 && strings.HasPrefix(f[0], "https://") {
			rows[f[0]] = strings.Join(f[1:4], " ")
		}
	}
	for uri, want := range map[string]string{testStatusURI + "1": "4 1 0", testStatusURI + "2": "1 0 1"} {
		if rows[uri] != want {
			t.Errorf("%s: used, revoked, suspended %q, want %q\n%s", uri, rows[uri], want, out)
		}
	}
	if !strings.Contains(out, "(current)") || !strings.Contains(out, "lists "+testStatusURI+"N of 4 entries") {
		t.Errorf("status show:\n%s", out)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no --status-dir", []string{"status", "show"}, exitUsage, "needs --status-dir"},
		{"two credentials", []string{"status", "show", "--status-dir", dir, ids[0], ids[1]}, exitUsage, "at most one"},
		{"unknown id", []string{"status", "show", "--status-dir", dir, testStatusURI + "1#9"}, exitUsage, "not issued from this status dir"},
		{"no command", []string{"status"}, exitUsage, "status publish"},
		{"unknown command", []string{"status", "bogus"}, exitUsage, `unknown status command "bogus"`},
		{"help", []string{"help", "status"}, exitOK, "status show"},
		{"help revoke", []string{"help", "revoke"}, exitOK, "CREDENTIAL_OR_ID"},
		{"help reinstate", []string{"reinstate", "-h"}, exitOK, "revocation is final"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, "", tc.args...).must(t, tc.code)
			if !strings.Contains(r.stdout+r.stderr, tc.want) {
				t.Fatalf("output lacks %q:\n%s%s", tc.want, r.stdout, r.stderr)
			}
		})
	}
}
