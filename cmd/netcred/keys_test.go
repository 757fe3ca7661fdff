package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func TestKeysNew(t *testing.T) {
	w := &workspace{dir: t.TempDir()}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string // in stdout+stderr
	}{
		{"ed25519 default", []string{"keys", "new", "--out", w.path("a.jwk")}, exitOK, `"crv": "Ed25519"`},
		{"es256", []string{"keys", "new", "--alg", "es256", "--out", w.path("b.jwk")}, exitOK, `"crv": "P-256"`},
		{"refuses to overwrite", []string{"keys", "new", "--out", w.path("a.jwk")}, exitUsage, "never overwritten"},
		{"needs --out", []string{"keys", "new"}, exitUsage, "needs --out"},
		{"bad alg", []string{"keys", "new", "--alg", "rsa", "--out", w.path("c.jwk")}, exitUsage, "unsupported algorithm"},
		{"stray argument", []string{"keys", "new", "--out", w.path("d.jwk"), "extra"}, exitUsage, "takes no arguments"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, "", tc.args...).must(t, tc.code)
			if !strings.Contains(r.stdout+r.stderr, tc.want) {
				t.Fatalf("output lacks %q:\n%s%s", tc.want, r.stdout, r.stderr)
			}
		})
	}
	info, err := os.Stat(w.path("a.jwk"))
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Fatalf("private key file mode %o, want 600", mode)
	}
}

func TestKeysPublicSetThumbprint(t *testing.T) {
	w := newWorkspace(t)
	pub := runCLI(t, "", "keys", "public", w.key).must(t, exitOK).stdout
	if strings.Contains(pub, `"d"`) {
		t.Fatalf("keys public printed private material:\n%s", pub)
	}
	var set struct{ Keys []map[string]any }
	if err := json.Unmarshal([]byte(runCLI(t, "", "keys", "set", w.key, w.path("issuer.pub.jwk")).stdout), &set); err == nil {
		t.Fatalf("keys set accepted the same key twice")
	}
	tp := strings.TrimSpace(runCLI(t, "", "keys", "thumbprint", w.key).must(t, exitOK).stdout)
	if len(tp) != 43 {
		t.Fatalf("thumbprint %q: want 43 base64url characters", tp)
	}
	if tp2 := strings.TrimSpace(runCLI(t, "", "keys", "thumbprint", w.path("issuer.pub.jwk")).must(t, exitOK).stdout); tp2 != tp {
		t.Fatalf("thumbprint of the public file %q differs from the private file's %q", tp2, tp)
	}
	runCLI(t, "", "keys", "public", w.path("missing.jwk")).must(t, exitUsage)
}

func TestKeysEncrypted(t *testing.T) {
	w := &workspace{dir: t.TempDir()}
	pass := w.write(t, "pass.txt", "correct horse battery staple\n")
	wrong := w.write(t, "wrong.txt", "wrong\n")
	key := w.path("enc.jwk")
	runCLI(t, "", "keys", "new", "--out", key, "--passphrase-file", pass).must(t, exitOK)
	data, _ := os.ReadFile(key)
	if strings.Contains(string(data), `"d"`) {
		t.Fatal("encrypted key file holds a plain private key")
	}
	r := runCLI(t, "", "keys", "public", key).must(t, exitUsage)
	if !strings.Contains(r.stderr, "--passphrase-file") {
		t.Fatalf("no hint about --passphrase-file:\n%s", r.stderr)
	}
	runCLI(t, "", "keys", "public", key, "--passphrase-file", wrong).must(t, exitUsage)
	runCLI(t, "", "keys", "public", key, "--passphrase-file", pass).must(t, exitOK)
}

func TestKeysWarnsOnReadableFile(t *testing.T) {
	w := newWorkspace(t)
	if err := os.Chmod(w.key, 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, "", "keys", "public", w.key).must(t, exitOK)
	if !strings.Contains(r.stderr, "warning") || !strings.Contains(r.stderr, "readable by others") {
		t.Fatalf("no warning for a world-readable key:\n%s", r.stderr)
	}
}
