package pgtest_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/netcred/netcred/issuer/store/postgres/pgtest"
)

// helperEnv marks the child process of TestNeedWithoutServer.
const helperEnv = "NETCRED_PGTEST_HELPER"

// TestNeedHelper is the child of TestNeedWithoutServer: it only calls
// Need, with the environment the parent gives it.
func TestNeedHelper(t *testing.T) {
	if os.Getenv(helperEnv) != "1" {
		t.Skip("run by TestNeedWithoutServer")
	}
	pgtest.Need(t)
	t.Log("Need returned")
}

// TestNeedWithoutServer pins issue 8's rule for a machine without
// PostgreSQL: `go test ./...` skips the PostgreSQL tests with a message
// that says how to run them, and a CI run (CI=true, as .ci/run sets)
// fails instead of passing by skipping.
func TestNeedWithoutServer(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the test binary again")
	}
	// A port nobody listens on (port 1 needs root to bind), and a short
	// connect timeout.
	const closed = "postgres://postgres@127.0.0.1:1/postgres?sslmode=disable&connect_timeout=2"
	for _, tc := range []struct {
		name, ci string
		wantFail bool
		want     string
	}{
		{"no CI: skipped", "", false, "--- SKIP: TestNeedHelper"},
		{"CI=false: skipped", "false", false, "--- SKIP: TestNeedHelper"},
		{"CI=true: failed", "true", true, "--- FAIL: TestNeedHelper"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestNeedHelper$", "-test.v", "-test.count=1")
			env := []string{helperEnv + "=1", pgtest.EnvServer + "=" + closed}
			for _, kv := range os.Environ() {
				if !strings.HasPrefix(kv, "CI=") && !strings.HasPrefix(kv, pgtest.EnvServer+"=") {
					env = append(env, kv)
				}
			}
			if tc.ci != "" {
				env = append(env, "CI="+tc.ci)
			}
			cmd.Env = env
			out, err := cmd.CombinedOutput()
			if failed := err != nil; failed != tc.wantFail {
				t.Fatalf("child failed = %v (%v), want %v:\n%s", failed, err, tc.wantFail, out)
			}
			s := string(out)
			if !strings.Contains(s, tc.want) {
				t.Errorf("child output lacks %q:\n%s", tc.want, s)
			}
			// The message says how to run the tests, and names the
			// server it tried (without a password).
			for _, w := range []string{"no PostgreSQL server at postgres://postgres@127.0.0.1:1/", "set " + pgtest.EnvServer + "=postgres://"} {
				if !strings.Contains(s, w) {
					t.Errorf("child output lacks %q:\n%s", w, s)
				}
			}
			if strings.Contains(s, "Need returned") {
				t.Errorf("Need returned without a server:\n%s", s)
			}
		})
	}
}
