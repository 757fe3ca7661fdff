package issuer_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/keys"
)

const crashEnv = "NETCRED_ISSUER_CRASH_CHILD"

// TestCrashChild is the child process of TestSIGKILLDuringIssuance: it
// issues from 8 goroutines until killed, printing each credential id once
// Issue has returned it (acknowledged).
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("only run as the child of TestSIGKILLDuringIssuance")
	}
	data, err := os.ReadFile(path + ".key")
	if err != nil {
		t.Fatal(err)
	}
	key, err := keys.ParsePrivateJWK(data)
	if err != nil {
		t.Fatal(err)
	}
	s := openService(t, path, key, issuer.Options{ListSize: 4096, Reserve: 50})
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for {
				out := issue(t, s, "")
				mu.Lock()
				fmt.Println("ACK", issuer.CredentialID(out.Claims.Status))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}

// TestSIGKILLDuringIssuance kills a real process in the middle of a
// concurrent issuance load, three times: every acknowledged credential is
// in the store afterwards, no index is ever given twice, and the audit
// chain holds.
func TestSIGKILLDuringIssuance(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	path := filepath.Join(t.TempDir(), "issuer.db")
	key := newKey(t)
	data, _ := key.MarshalJSON()
	if err := os.WriteFile(path+".key", data, 0o600); err != nil {
		t.Fatal(err)
	}
	acked := map[string]bool{}
	for round := range 3 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.v")
		cmd.Env = append(os.Environ(), crashEnv+"="+path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		n := 0
		for sc.Scan() && n < 200+round*100 {
			id, ok := strings.CutPrefix(sc.Text(), "ACK ")
			if !ok {
				continue
			}
			if acked[id] {
				t.Errorf("round %d: %s acknowledged twice", round, id)
			}
			acked[id] = true
			n++
		}
		cmd.Process.Kill() // SIGKILL
		for sc.Scan() {    // what was printed before the kill landed
			if id, ok := strings.CutPrefix(sc.Text(), "ACK "); ok {
				if acked[id] {
					t.Errorf("round %d: %s acknowledged twice", round, id)
				}
				acked[id] = true
			}
		}
		cmd.Wait()
		if n == 0 {
			t.Fatalf("round %d: the child acknowledged nothing", round)
		}
	}
	s := openService(t, path, key, issuer.Options{})
	defer s.Close()
	for id := range acked {
		if _, err := s.Credential(id); err != nil {
			t.Errorf("acknowledged %s is not in the store after SIGKILL: %v", id, err)
		}
	}
	for range 50 {
		if id := issuer.CredentialID(issue(t, s, "").Claims.Status); acked[id] {
			t.Errorf("after the crashes, %s was given again", id)
		}
	}
	r, err := issuer.VerifyAudit(s.Store(), key.Public())
	if err != nil || !r.OK() {
		t.Errorf("audit log after SIGKILLs: %+v, %v", r, err)
	}
	t.Logf("%d acknowledged credentials across 3 kills", len(acked))
}
