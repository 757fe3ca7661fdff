package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/issuer/httpapi"
	"github.com/netcred/netcred/issuer/store/bolt"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/keys/keyfile"
	"github.com/netcred/netcred/status"
)

// buildNetcred builds the netcred binary once per test run.
var buildNetcred = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "netcred-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "netcred")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// serveFixture is a store with a client, and the issuer key.
type serveFixture struct {
	dir, db, keyFile, token string
	key                     *keys.PrivateKey
}

const serveBase = "https://issuer.example/status/"

func newServeFixture(t testing.TB) *serveFixture {
	t.Helper()
	dir := t.TempDir()
	f := &serveFixture{dir: dir, db: filepath.Join(dir, "issuer.db"), keyFile: filepath.Join(dir, "issuer.jwk")}
	var err error
	if f.key, err = keys.Generate(credential.EdDSA); err != nil {
		t.Fatal(err)
	}
	if err := keyfile.Write(f.keyFile, f.key, nil); err != nil {
		t.Fatal(err)
	}
	st, err := bolt.Open(f.db, bolt.Options{})
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

// server is a running netcred serve.
type server struct {
	cmd    *exec.Cmd
	url    string
	stderr *bytes.Buffer
	mu     *sync.Mutex
	done   chan error
}

var servingLine = regexp.MustCompile(`serving .* on (https?://[0-9.:]+) `)

func startServe(t testing.TB, f *serveFixture, extra ...string) *server {
	t.Helper()
	bin, err := buildNetcred()
	if err != nil {
		t.Fatal(err)
	}
	args := append([]string{"serve", "--db", f.db, "--key", f.keyFile, "--listen", "127.0.0.1:0", "--rate", "-1"}, extra...)
	cmd := exec.Command(bin, args...)
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, stderr: &bytes.Buffer{}, mu: &sync.Mutex{}, done: make(chan error, 1)}
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			line := sc.Text()
			s.mu.Lock()
			s.stderr.WriteString(line + "\n")
			s.mu.Unlock()
			if m := servingLine.FindStringSubmatch(line); m != nil {
				urlc <- m[1]
			}
		}
	}()
	go func() { s.done <- cmd.Wait(); pw.Close() }()
	t.Cleanup(func() { cmd.Process.Kill() })
	select {
	case s.url = <-urlc:
	case err := <-s.done:
		t.Fatalf("serve exited before serving: %v\n%s", err, s.log())
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not start:\n%s", s.log())
	}
	return s
}

func (s *server) log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stderr.String()
}

func post(c *http.Client, url, token, body string, hdr ...string) (int, []byte, error) {
	resp, data, err := postHdr(c, url, token, body, hdr...)
	if resp == nil {
		return 0, nil, err
	}
	return resp.StatusCode, data, err
}

const loadBody = `{"type":"identity","level":"substantial","claims":{"name":"张三","id_number":"11010519491231002X","birth_date":"1949-12-31"},"evidence":[{"method":"face_match","score":0.97,"liveness":true}]}`

type ackedCredential struct {
	ID     string `json:"id"`
	Status struct {
		URI string `json:"uri"`
		Idx uint64 `json:"idx"`
	} `json:"status"`
}

// TestServeCrash SIGKILLs the service in the middle of a concurrent load
// and restarts it: every acknowledged credential is in the store, no
// status index is used twice, and every acknowledged revocation is in the
// next published list.
func TestServeCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs netcred serve")
	}
	f := newServeFixture(t)
	s := startServe(t, f)
	c := &http.Client{Timeout: 10 * time.Second}

	var mu sync.Mutex
	var acked []ackedCredential
	revoked := map[string]ackedCredential{}
	firstAnswer := map[string]string{} // Idempotency-Key -> 201 body
	var unanswered []string            // keys sent without a 201 (the crash)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				key := fmt.Sprintf("w%d-%d", w, i)
				code, body, err := post(c, s.url+"/v1/credentials", f.token, loadBody, "Idempotency-Key", key)
				if err != nil || code != 201 {
					mu.Lock()
					unanswered = append(unanswered, key)
					mu.Unlock()
					continue // the crash
				}
				mu.Lock()
				firstAnswer[key] = string(body)
				mu.Unlock()
				var a ackedCredential
				if err := json.Unmarshal(body, &a); err != nil {
					t.Errorf("201 body %q: %v", body, err)
					return
				}
				mu.Lock()
				acked = append(acked, a)
				mu.Unlock()
				if i%4 == 0 {
					code, _, err := post(c, s.url+"/v1/credentials/"+a.ID+"/revoke", f.token, `{"reason":"test"}`)
					if err == nil && code == 200 {
						mu.Lock()
						revoked[a.ID] = a
						mu.Unlock()
					}
				}
			}
		})
	}
	// Kill once a good number of credentials went through.
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 2000 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-s.done
	close(stop)
	wg.Wait()
	if len(acked) == 0 || len(revoked) == 0 {
		t.Fatalf("%d credentials and %d revocations acknowledged before the kill; want some of each\n%s", len(acked), len(revoked), s.log())
	}
	t.Logf("killed after %d acknowledged credentials, %d acknowledged revocations", len(acked), len(revoked))

	s = startServe(t, f)
	// New credentials after the restart never take an index used before.
	for i := range 200 {
		code, body, err := post(c, s.url+"/v1/credentials", f.token, loadBody)
		if err != nil || code != 201 {
			t.Fatalf("issuing after the restart: %d %s %v", code, body, err)
		}
		var a ackedCredential
		json.Unmarshal(body, &a)
		acked = append(acked, a)
		_ = i
	}
	// A retry with the key of a request the crash left unanswered gets a
	// 201: the first answer when the credential was committed before the
	// kill (credential and idempotency record are one write), a new one
	// otherwise. A retry of an answered request gets the first answer.
	replayed := 0
	for _, key := range unanswered {
		resp, body, err := postHdr(c, s.url+"/v1/credentials", f.token, loadBody, "Idempotency-Key", key)
		if err != nil || resp.StatusCode != 201 {
			t.Fatalf("retrying key %s after the restart: %v %s %v", key, resp, body, err)
		}
		if resp.Header.Get("Idempotent-Replayed") == "true" {
			replayed++
		}
		var a ackedCredential
		json.Unmarshal(body, &a)
		acked = append(acked, a)
	}
	t.Logf("%d requests unanswered at the kill; on retry %d were answered from their idempotency record", len(unanswered), replayed)
	n := 0
	for key, first := range firstAnswer {
		if n++; n > 50 {
			break
		}
		resp, body, err := postHdr(c, s.url+"/v1/credentials", f.token, loadBody, "Idempotency-Key", key)
		if err != nil || resp.StatusCode != 201 || string(body) != first || resp.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("retrying answered key %s: %v %s (%v); want 201 %s, Idempotent-Replayed", key, resp, body, err, first)
		}
	}
	seen := map[string]string{}
	for _, a := range acked {
		key := fmt.Sprintf("%s#%d", a.Status.URI, a.Status.Idx)
		if prev, dup := seen[key]; dup {
			t.Errorf("status entry %s given to %s and %s", key, prev, a.ID)
		}
		seen[key] = a.ID
	}
	for _, a := range acked {
		req, _ := http.NewRequest("GET", s.url+"/v1/credentials/"+a.ID, nil)
		req.Header.Set("Authorization", "Bearer "+f.token)
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
			t.Errorf("acknowledged credential %s: GET status %d; want 200", a.ID, resp.StatusCode)
			continue
		}
		if _, ok := revoked[a.ID]; ok && rec.Status.Value != "revoked" {
			t.Errorf("acknowledged revocation of %s: record says %q", a.ID, rec.Status.Value)
		}
	}
	// The published lists hold every acknowledged revocation.
	lists := map[string]*status.Token{}
	for _, a := range revoked {
		tok := lists[a.Status.URI]
		if tok == nil {
			tok = fetchList(t, c, s.url, a.Status.URI, f.key)
			lists[a.Status.URI] = tok
		}
		if got, _ := tok.List.Get(a.Status.Idx); got != status.Revoked {
			t.Errorf("published list %s: entry %d is %v; want revoked (%s)", a.Status.URI, a.Status.Idx, got, a.ID)
		}
	}

	// A second serve on the same store fails fast with a clear message.
	bin, _ := buildNetcred()
	start := time.Now()
	out, err := exec.Command(bin, "serve", "--db", f.db, "--key", f.keyFile, "--listen", "127.0.0.1:0").CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitUsage {
		t.Errorf("second serve: %v; want exit code %d\n%s", err, exitUsage, out)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("second serve took %s to fail", d)
	}
	if !strings.Contains(string(out), "in use by another process") || !strings.Contains(string(out), "HTTP API") {
		t.Errorf("second serve said %q; want the store is in use, and a hint to go through the HTTP API", out)
	}

	// SIGTERM drains and exits 0.
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("serve after SIGTERM: %v\n%s", err, s.log())
		}
	case <-time.After(40 * time.Second):
		t.Fatal("serve did not stop after SIGTERM")
	}
	if !strings.Contains(s.log(), "stopped") {
		t.Errorf("serve's log lacks the stop:\n%s", s.log())
	}
	if strings.Contains(s.log(), "张三") || strings.Contains(s.log(), f.token) {
		t.Error("serve's log holds personal data or a token")
	}
	// The store holds one credential per key, and the 200 without one.
	st, err := bolt.Open(f.db, bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stored := 0
	err = st.View(func(tx issuer.Tx) error {
		lists, err := tx.Lists()
		for _, l := range lists {
			n, err := tx.CountCredentials(l.Number)
			if err != nil {
				return err
			}
			stored += n
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := len(firstAnswer) + len(unanswered) + 200; stored != want {
		t.Errorf("the store holds %d credentials; want %d (%d answered keys, %d retried keys, 200 without a key)",
			stored, want, len(firstAnswer), len(unanswered))
	}
}

// postHdr is post that also returns the answer's headers.
func postHdr(c *http.Client, url, token, body string, hdr ...string) (*http.Response, []byte, error) {
	req, err := http.NewRequest("POST", url, strings.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp, data, err
}

// fetchList fetches and verifies the published token of uri, waiting for
// the first publication after a start.
func fetchList(t testing.TB, c *http.Client, base, uri string, key *keys.PrivateKey) *status.Token {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := c.Get(base + "/status/" + status.FileName(uri))
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 200 {
			if ct := resp.Header.Get("Content-Type"); ct != "application/statuslist+cwt" {
				t.Errorf("Content-Type %q", ct)
			}
			tok, err := status.ParseToken(data, func(kid []byte) (credential.Algorithm, crypto.PublicKey, bool) {
				return key.Algorithm(), key.Public().Key(), bytes.Equal(kid, key.KID())
			})
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}
		if time.Now().After(deadline) {
			t.Fatalf("list %s not published: %d", uri, resp.StatusCode)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func getJWKS(t testing.TB, c *http.Client, base string) *keys.Set {
	t.Helper()
	resp, err := c.Get(base + "/v1/keys")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	set, err := keys.ParseSet(data)
	if err != nil {
		t.Fatalf("/v1/keys: %v (%s)", err, data)
	}
	return set
}

// TestServeRotate rotates the key of a running service: netcred keys
// rotate, then SIGHUP. The new key signs; /v1/keys serves both, also after
// a restart.
func TestServeRotate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs netcred serve")
	}
	f := newServeFixture(t)
	s := startServe(t, f)
	c := &http.Client{Timeout: 10 * time.Second}
	// The old key signs one credential, valid for 12 s: the store records
	// that expiry, and the retired key is published exactly until then.
	short := strings.Replace(loadBody, `"type":"identity"`, `"type":"identity","valid_for":12`, 1)
	code, body, err := post(c, s.url+"/v1/credentials", f.token, short)
	if err != nil || code != 201 {
		t.Fatalf("issue: %d %s %v", code, body, err)
	}
	var first struct{ Expires time.Time }
	if err := json.Unmarshal(body, &first); err != nil {
		t.Fatal(err)
	}
	bin, _ := buildNetcred()
	out, err := exec.Command(bin, "keys", "rotate", "--key", f.keyFile).CombinedOutput()
	if err != nil {
		t.Fatalf("keys rotate: %v\n%s", err, out)
	}
	next, _, err := keyfile.Read(f.keyFile, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.cmd.Process.Signal(syscall.SIGHUP)
	deadline := time.Now().Add(20 * time.Second)
	for getJWKS(t, c, s.url).Lookup(next.KID()) == nil {
		if time.Now().After(deadline) {
			t.Fatalf("the new key never reached /v1/keys\n%s", s.log())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if getJWKS(t, c, s.url).Lookup(f.key.KID()) == nil {
		t.Error("the old key left /v1/keys at the rotation")
	}
	code, body, err = post(c, s.url+"/v1/credentials", f.token, loadBody)
	if err != nil || code != 201 {
		t.Fatalf("issue after rotation: %d %s %v", code, body, err)
	}
	var a struct{ QR string }
	json.Unmarshal(body, &a)
	cose, _ := credential.DecodeQR(a.QR)
	signed, err := credential.Parse(cose)
	if err != nil || !bytes.Equal(signed.KID(), next.KID()) {
		t.Errorf("credential after rotation: kid %x (%v); want the new key's", signed.KID(), err)
	}
	// The lists are republished with the new key.
	for {
		resp, err := c.Get(s.url + "/status/1")
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		_, err = status.ParseToken(data, func(kid []byte) (credential.Algorithm, crypto.PublicKey, bool) {
			return next.Algorithm(), next.Public().Key(), bytes.Equal(kid, next.KID())
		})
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the lists are not republished with the new key: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}

	s.cmd.Process.Signal(syscall.SIGTERM)
	<-s.done
	s = startServe(t, f)
	set := getJWKS(t, c, s.url)
	if set.Lookup(next.KID()) == nil {
		t.Errorf("after a restart /v1/keys lacks the new key")
	}
	if time.Now().Before(first.Expires.Add(-time.Second)) && set.Lookup(f.key.KID()) == nil {
		t.Errorf("after a restart, before %s, /v1/keys lacks the retired key", first.Expires)
	}
	// Once the old key's last credential has expired, it leaves the JWKS
	// (before the store recorded expiries, it stayed for 10 years).
	time.Sleep(time.Until(first.Expires.Add(time.Second)))
	if getJWKS(t, c, s.url).Lookup(f.key.KID()) != nil {
		t.Errorf("after %s, when its last credential expired, /v1/keys still serves the retired key", first.Expires)
	}
}

// TestServeTLS serves HTTPS with --tls-cert and --tls-key.
func TestServeTLS(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs netcred serve")
	}
	f := newServeFixture(t)
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalPKCS8PrivateKey(priv)
	certFile, keyFile := filepath.Join(f.dir, "tls.crt"), filepath.Join(f.dir, "tls.key")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600)
	s := startServe(t, f, "--tls-cert", certFile, "--tls-key", keyFile)
	if !strings.HasPrefix(s.url, "https://") {
		t.Fatalf("serving on %s; want https", s.url)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	if code, body, err := post(c, s.url+"/v1/credentials", f.token, loadBody); err != nil || code != 201 {
		t.Fatalf("issue over TLS: %d %s %v", code, body, err)
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	<-s.done
}

// TestServeSweep: serve's sweep drops expired used-once and idempotency
// records, and keeps those not yet expired.
func TestServeSweep(t *testing.T) {
	f := newServeFixture(t)
	st, err := bolt.Open(f.db, bolt.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := issuer.Open(st, issuer.New(f.key, nil), issuer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	err = st.Update(func(tx issuer.Tx) error {
		for i := range 2500 {
			if err := tx.UseOnce("attestation", fmt.Sprint("old-", i), now.Add(-time.Hour), now.Add(-2*time.Hour)); err != nil {
				return err
			}
		}
		if err := tx.UseOnce("attestation", "fresh", now.Add(time.Hour), now); err != nil {
			return err
		}
		return tx.PutIdempotency(&issuer.IdempotencyRecord{Client: "load", Key: "k", Response: []byte(`{}`), Created: now.Add(-2 * time.Hour), Expires: now.Add(-time.Hour)})
	})
	if err != nil {
		t.Fatal(err)
	}
	b := httpapi.NewServiceBackend(svc, httpapi.NewKeyRing(f.key), httpapi.ServiceOptions{})
	defer b.Close()
	var logs syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { sweep(ctx, slog.New(slog.NewJSONHandler(&logs, nil)), b, 10*time.Millisecond); close(done) }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), `"dropped":2501`) {
		if time.Now().After(deadline) {
			t.Fatalf("no sweep dropped the 2501 expired records within 10 s; log:\n%s", logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	// Everything expired went (in 3 store writes of at most 1000); the
	// fresh record stays.
	var n int
	err = st.Update(func(tx issuer.Tx) error {
		var err error
		n, err = tx.DropExpired(now, 10000)
		return err
	})
	if err != nil || n != 0 {
		t.Errorf("after the sweep DropExpired removed %d more (%v); want 0", n, err)
	}
	st.View(func(tx issuer.Tx) error {
		if _, err := tx.Idempotency("load", "k"); !errors.Is(err, issuer.ErrNotFound) {
			t.Errorf("the expired idempotency record after the sweep: %v; want dropped", err)
		}
		return nil
	})
	err = st.Update(func(tx issuer.Tx) error { return tx.UseOnce("attestation", "fresh", now.Add(time.Hour), now) })
	if !errors.Is(err, issuer.ErrExists) {
		t.Errorf("the fresh used-once record after the sweep: %v; want kept (ErrExists)", err)
	}
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
