package main

// netcred serve instances on one PostgreSQL database, as real processes:
// one killed under load, and the database restarted under load.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/issuer/store/postgres"
	"github.com/netcred/netcred/issuer/store/postgres/pgtest"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/keys/keyfile"
	"github.com/netcred/netcred/status"
)

// newPGFixture is newServeFixture on the PostgreSQL database at url.
func newPGFixture(t testing.TB, url string) *serveFixture {
	t.Helper()
	dir := t.TempDir()
	f := &serveFixture{dir: dir, db: url, keyFile: filepath.Join(dir, "issuer.jwk")}
	var err error
	if f.key, err = keys.Generate(credential.EdDSA); err != nil {
		t.Fatal(err)
	}
	if err := keyfile.Write(f.keyFile, f.key, nil); err != nil {
		t.Fatal(err)
	}
	st, err := postgres.Open(context.Background(), url, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := issuer.Open(st, issuer.New(f.key, nil), issuer.Options{BaseURI: serveBase, ListSize: 1 << 16})
	if err != nil {
		t.Fatal(err)
	}
	if f.token, _, err = svc.AddClient("load", credential.LevelHigh, []string{"identity"}, issuer.ScopeAdmin); err != nil {
		t.Fatal(err)
	}
	if err := svc.Close(); err != nil {
		t.Fatal(err)
	}
	return f
}

// loadResult is what a load run saw.
type loadResult struct {
	mu      sync.Mutex
	acked   []ackedCredential
	revoked map[string]ackedCredential
	codes   map[int]int
	// unavailable counts 503 answers with a Retry-After and the code
	// store_unavailable.
	unavailable int
}

func (r *loadResult) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.acked)
}

// runLoad issues (and revokes every fourth) through the servers' urls in
// turn with workers goroutines until stop is closed.
func runLoad(t *testing.T, urls func() []string, token string, workers int, stop chan struct{}) (*loadResult, *sync.WaitGroup) {
	r := &loadResult{revoked: map[string]ackedCredential{}, codes: map[int]int{}}
	c := &http.Client{Timeout: 40 * time.Second}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				us := urls()
				base := us[(w+i)%len(us)]
				req, _ := http.NewRequest("POST", base+"/v1/credentials", strings.NewReader(loadBody))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Idempotency-Key", fmt.Sprintf("w%d-%d", w, i))
				resp, err := c.Do(req)
				if err != nil {
					time.Sleep(10 * time.Millisecond)
					continue // a killed instance
				}
				var body struct {
					ackedCredential
					Error struct {
						Code string `json:"code"`
					} `json:"error"`
				}
				json.NewDecoder(resp.Body).Decode(&body)
				resp.Body.Close()
				r.mu.Lock()
				r.codes[resp.StatusCode]++
				if resp.StatusCode == 503 && resp.Header.Get("Retry-After") != "" && body.Error.Code == "store_unavailable" {
					r.unavailable++
				}
				r.mu.Unlock()
				if resp.StatusCode != 201 {
					time.Sleep(20 * time.Millisecond)
					continue
				}
				a := body.ackedCredential
				r.mu.Lock()
				r.acked = append(r.acked, a)
				r.mu.Unlock()
				if i%4 == 0 {
					code, _, err := post(c, base+"/v1/credentials/"+a.ID+"/revoke", token, `{"reason":"test"}`)
					if err == nil && code == 200 {
						r.mu.Lock()
						r.revoked[a.ID] = a
						r.mu.Unlock()
					}
				}
			}
		})
	}
	return r, &wg
}

// checkAcked asks base for every acknowledged credential: each is there,
// revoked when its revocation was acknowledged, and no two share a
// status entry.
func checkAcked(t *testing.T, base, token string, r *loadResult) {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second}
	seen := map[string]string{}
	for _, a := range r.acked {
		key := fmt.Sprintf("%s#%d", a.Status.URI, a.Status.Idx)
		if prev, dup := seen[key]; dup {
			t.Errorf("status entry %s given to %s and %s", key, prev, a.ID)
		}
		seen[key] = a.ID
		req, _ := http.NewRequest("GET", base+"/v1/credentials/"+a.ID, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var rec struct {
			Status struct {
				Value string `json:"value"`
			} `json:"status"`
		}
		json.NewDecoder(resp.Body).Decode(&rec)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("acknowledged credential %s: GET %d; want 200", a.ID, resp.StatusCode)
			continue
		}
		if _, ok := r.revoked[a.ID]; ok && rec.Status.Value != "revoked" {
			t.Errorf("acknowledged revocation of %s: record says %q", a.ID, rec.Status.Value)
		}
	}
}

// waitEntry waits until base publishes entry idx of uri with want.
func waitEntry(t *testing.T, base string, uri string, idx uint64, want status.Status, key *keys.PrivateKey) {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second}
	deadline := time.Now().Add(15 * time.Second)
	for {
		got, _ := fetchList(t, c, base, uri, key).List.Get(idx)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s publishes entry %d of %s as %v after 15 s; want %v", base, idx, uri, got, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestServeSharedKill runs two instances on one database under a
// concurrent load and SIGKILLs the publisher mid-way: every acknowledged
// credential is in the database, no status index is used twice, the
// survivor takes over the publish lock and publishes a change made after
// the kill, and the audit log is one chain.
func TestServeSharedKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs netcred serve on PostgreSQL")
	}
	f := newPGFixture(t, pgtest.URL(t))
	a, b := startServe(t, f), startServe(t, f)
	publisher := func() *server {
		for end := time.Now().Add(15 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
			for _, s := range []*server{a, b} {
				if strings.Contains(s.log(), "this instance publishes") {
					return s
				}
			}
		}
		t.Fatalf("no instance says it publishes:\n%s\n%s", a.log(), b.log())
		return nil
	}
	pub := publisher()
	survivor := a
	if pub == a {
		survivor = b
	}
	// A change made through the instance that does not publish reaches
	// the publisher's list, and both serve the same token.
	c := &http.Client{Timeout: 10 * time.Second}
	code, body, err := post(c, survivor.url+"/v1/credentials", f.token, loadBody)
	if err != nil || code != 201 {
		t.Fatalf("issue: %d %s %v", code, body, err)
	}
	var first ackedCredential
	json.Unmarshal(body, &first)
	if code, body, err := post(c, survivor.url+"/v1/credentials/"+first.ID+"/revoke", f.token, `{"reason":"test"}`); err != nil || code != 200 {
		t.Fatalf("revoke: %d %s %v", code, body, err)
	}
	waitEntry(t, pub.url, first.Status.URI, first.Status.Idx, status.Revoked, f.key)
	waitEntry(t, survivor.url, first.Status.URI, first.Status.Idx, status.Revoked, f.key)
	same := false
	for end := time.Now().Add(10 * time.Second); !same && time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		same = string(rawList(t, c, pub.url, first.Status.URI)) == string(rawList(t, c, survivor.url, first.Status.URI))
	}
	if !same {
		t.Error("the two instances serve different tokens of one list; want the publisher's at both")
	}

	var mu sync.Mutex
	urls := []string{a.url, b.url}
	stop := make(chan struct{})
	r, wg := runLoad(t, func() []string { mu.Lock(); defer mu.Unlock(); return urls }, f.token, 16, stop)
	for end := time.Now().Add(20 * time.Second); r.count() < 1500 && time.Now().Before(end); {
		time.Sleep(10 * time.Millisecond)
	}
	if err := pub.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-pub.done
	mu.Lock()
	urls = []string{survivor.url}
	mu.Unlock()
	before := r.count()
	for end := time.Now().Add(20 * time.Second); r.count() < before+500 && time.Now().Before(end); {
		time.Sleep(10 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	t.Logf("%d credentials, %d revocations acknowledged (%d after the kill); answers %v", len(r.acked), len(r.revoked), len(r.acked)-before, r.codes)
	if len(r.acked)-before < 100 || len(r.revoked) == 0 {
		t.Fatalf("the survivor did not keep serving: %d acknowledged after the kill\n%s", len(r.acked)-before, survivor.log())
	}
	checkAcked(t, survivor.url, f.token, r)

	// The survivor takes over and publishes a change made after the kill.
	code, body, err = post(c, survivor.url+"/v1/credentials", f.token, loadBody)
	if err != nil || code != 201 {
		t.Fatalf("issue: %d %s %v", code, body, err)
	}
	var last ackedCredential
	json.Unmarshal(body, &last)
	if code, body, err := post(c, survivor.url+"/v1/credentials/"+last.ID+"/suspend", f.token, `{"reason":"test"}`); err != nil || code != 200 {
		t.Fatalf("suspend: %d %s %v", code, body, err)
	}
	waitEntry(t, survivor.url, last.Status.URI, last.Status.Idx, status.Suspended, f.key)
	if !strings.Contains(survivor.log(), "this instance publishes") {
		t.Errorf("the survivor did not take over the publish lock:\n%s", survivor.log())
	}
	for _, rv := range r.revoked {
		tok := fetchList(t, c, survivor.url, rv.Status.URI, f.key)
		if got, _ := tok.List.Get(rv.Status.Idx); got != status.Revoked {
			t.Errorf("published entry %d of %s is %v; want revoked (%s)", rv.Status.Idx, rv.Status.URI, got, rv.ID)
		}
	}

	// One audit chain, no fork, checkpoints by the issuer key.
	survivor.cmd.Process.Signal(syscall.SIGTERM)
	<-survivor.done
	pubFile := filepath.Join(f.dir, "issuer.pub.jwk")
	jwk, _ := f.key.Public().MarshalJSON()
	os.WriteFile(pubFile, jwk, 0o644)
	bin, _ := buildNetcred()
	out, err := exec.Command(bin, "audit", "verify", "--db", f.db, "--key", pubFile).CombinedOutput()
	if err != nil {
		t.Errorf("audit verify: %v\n%s", err, out)
	}
}

// privatePostgres is a PostgreSQL server of this test alone, which it may
// stop and start.
type privatePostgres struct {
	bin, data, log string
	port           int
}

// pgBinDir finds the PostgreSQL server binaries.
func pgBinDir() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
			return dirs[i]
		}
	}
	return ""
}

// asPostgres runs a server binary as the postgres user (initdb and
// postgres refuse to run as root).
func (p *privatePostgres) run(t *testing.T, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(filepath.Join(p.bin, name), args...)
	if os.Geteuid() == 0 {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", filepath.Join(p.bin, name)}, args...)...)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		logs, _ := os.ReadFile(p.log)
		t.Fatalf("%s %s: %v\n%s\n%s", name, strings.Join(args, " "), err, out, logs)
	}
}

func (p *privatePostgres) start(t *testing.T) {
	t.Helper()
	p.run(t, "pg_ctl", "-D", p.data, "-l", p.log, "-w", "-t", "60", "-o",
		fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -k %s -c fsync=on -c synchronous_commit=on", p.port, filepath.Dir(p.data)), "start")
}

// crash stops the server as a crash would (immediate: no checkpoint; the
// next start recovers from the WAL).
func (p *privatePostgres) crash(t *testing.T) {
	t.Helper()
	p.run(t, "pg_ctl", "-D", p.data, "-m", "immediate", "-w", "stop")
}

func newPrivatePostgres(t *testing.T) (*privatePostgres, string) {
	t.Helper()
	bin := pgBinDir()
	if bin == "" {
		msg := "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql) to run a private server"
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true: " + msg)
		}
		t.Skip(msg)
	}
	dir, err := os.MkdirTemp("", "netcred-pg")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	if os.Geteuid() == 0 {
		if out, err := exec.Command("chown", "postgres:postgres", dir).CombinedOutput(); err != nil {
			t.Fatalf("chown: %v %s", err, out)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	p := &privatePostgres{bin: bin, data: filepath.Join(dir, "data"), log: filepath.Join(dir, "postgres.log"), port: port}
	p.run(t, "initdb", "-D", p.data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
	p.start(t)
	t.Cleanup(func() {
		exec.Command("runuser", "-u", "postgres", "--", filepath.Join(p.bin, "pg_ctl"), "-D", p.data, "-m", "immediate", "stop").Run()
	})
	admin := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	conn, err := pgxConnect(admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), "CREATE DATABASE netcred"); err != nil {
		t.Fatal(err)
	}
	return p, strings.Replace(admin, "/postgres?", "/netcred?", 1)
}

// TestServeDatabaseRestart crashes and restarts a private PostgreSQL
// server under load: while it is down requests get 503, a Retry-After
// and store_unavailable, and /healthz is not ready; nothing acknowledged
// is lost; service resumes by itself, without restarting serve.
func TestServeDatabaseRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs netcred serve and a private PostgreSQL server")
	}
	pg, url := newPrivatePostgres(t)
	f := newPGFixture(t, url)
	s := startServe(t, f)
	stop := make(chan struct{})
	r, wg := runLoad(t, func() []string { return []string{s.url} }, f.token, 8, stop)
	for end := time.Now().Add(20 * time.Second); r.count() < 500 && time.Now().Before(end); {
		time.Sleep(10 * time.Millisecond)
	}
	pg.crash(t)
	downAt := r.count()
	c := &http.Client{Timeout: 40 * time.Second}
	health := func() (int, string) {
		resp, err := c.Get(s.url + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("Retry-After")
	}
	if code, ra := health(); code != 503 || ra == "" {
		t.Errorf("/healthz with the database down: %d, Retry-After %q; want 503 with a Retry-After", code, ra)
	}
	for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		r.mu.Lock()
		n := r.unavailable
		r.mu.Unlock()
		if n >= 10 {
			break
		}
	}
	pg.start(t)
	upAt := r.count()
	for end := time.Now().Add(30 * time.Second); r.count() < upAt+300 && time.Now().Before(end); {
		time.Sleep(10 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	t.Logf("%d acknowledged (%d before the crash, %d after the restart), %d store_unavailable answers; answers %v",
		len(r.acked), downAt, len(r.acked)-upAt, r.unavailable, r.codes)
	if r.unavailable == 0 {
		t.Errorf("no 503 store_unavailable with a Retry-After while the database was down; answers %v", r.codes)
	}
	for code, n := range r.codes {
		if code != 201 && code != 503 {
			t.Errorf("%d answers %d; want only 201 and 503\n%s", n, code, s.log())
		}
	}
	if len(r.acked)-upAt < 100 {
		t.Fatalf("service did not resume after the restart: %d acknowledged\n%s", len(r.acked)-upAt, s.log())
	}
	if code, _ := health(); code != 200 {
		t.Errorf("/healthz after the restart: %d; want 200", code)
	}
	checkAcked(t, s.url, f.token, r)
	for _, rv := range r.revoked {
		waitEntry(t, s.url, rv.Status.URI, rv.Status.Idx, status.Revoked, f.key)
		break
	}
}

func pgxConnect(url string) (*pgx.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return pgx.Connect(ctx, url)
}

// rawList returns the token base serves for uri.
func rawList(t *testing.T, c *http.Client, base, uri string) []byte {
	t.Helper()
	resp, err := c.Get(base + "/status/" + status.FileName(uri))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return data
}
