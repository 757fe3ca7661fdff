package main

import (
	"strings"
	"testing"
	"time"
)

// TestHolderBindingContract drives issue 9's CLI contract exactly as
// written: netcred present's and netcred verify's flags, exit codes and
// reason codes, on the CLI's clock, at both ends of the presentation window
// (60 s plus 5 s of skew by default, spec/presentation.md §5).
func TestHolderBindingContract(t *testing.T) {
	w := newWorkspace(t)
	w.write(t, "device.pub.jwk", runCLI(t, "", "holder", "keys", "new", "--out", w.path("device.jwk")).must(t, exitOK).stdout)
	runCLI(t, "", "holder", "keys", "new", "--alg", "ed25519", "--out", w.path("other.jwk")).must(t, exitOK)
	bound := strings.TrimSpace(runCLI(t, "", "issue", "--key", w.key, "--type", "identity", "--level", "substantial",
		"--claims", w.claims, "--holder-key", w.path("device.pub.jwk")).must(t, exitOK).stdout)
	bare := w.write(t, "bound.txt", bound)
	presentAt := func(at time.Duration, extra ...string) string {
		args := append([]string{"present", "--credential", bare, "--holder-key", w.path("device.jwk")}, extra...)
		text := strings.TrimSpace(runCLIAt(t, fixedNow.Add(at), "", args...).must(t, exitOK).stdout)
		if !strings.HasPrefix(text, "NP1:") {
			t.Fatalf("present printed %q, want NP1: QR text", text)
		}
		return w.write(t, "p-"+at.String()+strings.Join(extra, "_")+".txt", text)
	}
	plain := presentAt(0)
	nonced := presentAt(0, "--nonce", "7KQ2-9XJ4", "--audience", "gate-7")

	tests := []struct {
		name  string
		at    time.Duration // after the presentation was signed
		input string
		flags []string
		code  int
		want  string
	}{
		{"live", 0, plain, []string{"--require-holder-binding"}, exitOK, "VALID"},
		{"window end with skew", 65 * time.Second, plain, []string{"--require-holder-binding"}, exitOK, "VALID"},
		{"a screenshot past the window", 66 * time.Second, plain, []string{"--require-holder-binding"}, exitInvalid, "presentation_stale"},
		{"a minute later", time.Minute + 10*time.Second, plain, nil, exitInvalid, "presentation_stale"},
		{"longer window", 100 * time.Second, plain, []string{"--max-presentation-age", "2m"}, exitOK, "VALID"},
		{"no skew", 61 * time.Second, plain, []string{"--presentation-skew", "0s"}, exitInvalid, "presentation_stale"},
		{"device clock 5s ahead", -5 * time.Second, plain, []string{"--require-holder-binding"}, exitOK, "VALID"},
		{"device clock 6s ahead", -6 * time.Second, plain, []string{"--require-holder-binding"}, exitInvalid, "presentation_future"},
		{"nonce and audience", 0, nonced, []string{"--nonce", "7KQ2-9XJ4", "--audience", "gate-7"}, exitOK, "VALID"},
		{"wrong nonce", 0, nonced, []string{"--nonce", "7KQ2-0001", "--audience", "gate-7"}, exitInvalid, "nonce_mismatch"},
		{"nonce not shown", 0, nonced, []string{"--audience", "gate-7"}, exitInvalid, "nonce_mismatch"},
		{"nonce shown, none carried", 0, plain, []string{"--nonce", "7KQ2-9XJ4"}, exitInvalid, "nonce_mismatch"},
		{"wrong audience", 0, nonced, []string{"--nonce", "7KQ2-9XJ4", "--audience", "gate-8"}, exitInvalid, "audience_mismatch"},
		{"relayed from a gate to a desk", 0, plain, []string{"--audience", "desk-1"}, exitInvalid, "audience_mismatch"},
		{"bare, binding required", 0, bare, []string{"--require-holder-binding"}, exitInvalid, "holder_binding_missing"},
		{"bare, binding not required", 0, bare, nil, exitOK, "holder_binding_unchecked"},
		// configuration errors: exit 2, never a verdict
		{"nonce over 64 bytes", 0, plain, []string{"--nonce", strings.Repeat("n", 65)}, exitUsage, "--nonce"},
		{"audience over 256 bytes", 0, plain, []string{"--audience", strings.Repeat("a", 257)}, exitUsage, "--audience"},
		{"audience not UTF-8", 0, plain, []string{"--audience", "gate-\xff"}, exitUsage, "--audience"},
		{"age zero", 0, plain, []string{"--max-presentation-age", "0s"}, exitUsage, "max-presentation-age"},
		{"negative skew", 0, plain, []string{"--presentation-skew", "-1s"}, exitUsage, "presentation-skew"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append(append([]string{"verify", "--keys", w.jwks}, tc.flags...), tc.input)
			r := runCLIAt(t, fixedNow.Add(tc.at), "", args...).must(t, tc.code)
			out := r.stdout
			if tc.code == exitUsage {
				out = r.stderr
				if !strings.Contains(r.stderr, "netcred: hint:") {
					t.Errorf("no hint:\n%s", r.stderr)
				}
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("want %q in:\n%s", tc.want, out)
			}
		})
	}

	t.Run("replay cache", func(t *testing.T) {
		cache := w.path("gate.replay")
		verify := func(at time.Duration, input string) cliResult {
			return runCLIAt(t, fixedNow.Add(at), "", "verify", "--keys", w.jwks, "--require-holder-binding",
				"--replay-cache", cache, input)
		}
		verify(0, plain).must(t, exitOK)
		if r := verify(30*time.Second, plain).must(t, exitInvalid); !strings.Contains(r.stdout, "presentation_replayed") {
			t.Errorf("second use within the window:\n%s", r.stdout)
		}
		if r := verify(70*time.Second, plain).must(t, exitInvalid); !strings.Contains(r.stdout, "presentation_stale") {
			t.Errorf("replay after the window:\n%s", r.stdout)
		}
		// A refused presentation is not recorded (§5): the bare credential
		// and the wrong-nonce one leave the cache as it was.
		verify(0, bare).must(t, exitInvalid)
		verify(1*time.Second, nonced).must(t, exitInvalid)
		// The wallet's next presentation (30 s later) is another code.
		verify(31*time.Second, presentAt(30*time.Second)).must(t, exitOK)
	})

	t.Run("signed by another key", func(t *testing.T) {
		r := runCLI(t, "", "present", "--credential", bare, "--holder-key", w.path("other.jwk")).must(t, exitUsage)
		if r.stdout != "" || !strings.Contains(r.stderr, "netcred: hint:") {
			t.Errorf("stdout %q, stderr:\n%s", r.stdout, r.stderr)
		}
	})
}
