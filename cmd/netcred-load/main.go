// Command netcred-load measures durable issuance through the issuer
// service's HTTP API on loopback, beside the single-core ed25519.Sign rate
// measured in the same run.
//
// With --netcred BIN it creates a store, a client and a key in a temporary
// directory, starts BIN serve on 127.0.0.1 and loads it; with --url and
// --token it loads a service already running. The generator runs in this
// process, the service in its own.
//
//	go build -o /tmp/netcred ./cmd/netcred
//	go run ./cmd/netcred-load --netcred /tmp/netcred --n 20000 --c 64
package main

import (
	"bufio"
	"crypto/ed25519"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/issuer/store/bolt"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/keys/keyfile"
)

const body = `{"type":"identity","level":"substantial","claims":{"name":"张三","id_number":"11010519491231002X","birth_date":"1949-12-31"},"evidence":[{"method":"face_match","score":0.97,"liveness":true}]}`

func main() {
	bin := flag.String("netcred", "", "netcred binary to start as the service")
	url := flag.String("url", "", "base URL of a running service (instead of --netcred); several, comma-separated, are loaded together")
	token := flag.String("token", "", "client token for --url")
	n := flag.Int("n", 20000, "credentials to issue")
	conc := flag.Int("c", 64, "concurrent requests")
	warm := flag.Int("warmup", 1000, "credentials issued before measuring")
	idem := flag.Bool("idempotency", false, "send an Idempotency-Key with every request")
	flag.Parse()
	if err := run(*bin, *url, *token, *n, *conc, *warm, *idem); err != nil {
		fmt.Fprintf(os.Stderr, "netcred-load: error: %v\n", err)
		os.Exit(1)
	}
}

func run(bin, url, token string, n, conc, warm int, idem bool) error {
	if bin != "" {
		dir, err := os.MkdirTemp("", "netcred-load")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		var stop func()
		if *pgAdmin != "" {
			url, token, stop, err = startShared(bin, dir)
		} else {
			url, token, stop, err = startService(bin, dir, &servicePID)
		}
		if err != nil {
			return err
		}
		defer stop()
	}
	if url == "" || token == "" {
		return fmt.Errorf("give --netcred BIN, or --url and --token")
	}
	signRate, signCPU := ed25519Rate(time.Second)
	fmt.Printf("ed25519.Sign (one goroutine): %.0f /s wall, %.1f µs CPU each\n", signRate, signCPU.Seconds()*1e6)
	c := &http.Client{Transport: &http.Transport{MaxIdleConns: conc, MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc}, Timeout: 30 * time.Second}
	if _, _, err := loadAll(c, url, token, warm, conc, idem, "w"); err != nil {
		return err
	}
	cpu0, db0 := processCPU(servicePID), snapshot()
	elapsed, lat, err := loadAll(c, url, token, n, conc, idem, "m")
	if err != nil {
		return err
	}
	cpu := processCPU(servicePID) - cpu0
	rate := float64(n) / elapsed.Seconds()
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	fmt.Printf("issued %d credentials through POST /v1/credentials in %s with %d concurrent requests\n", n, elapsed.Round(time.Millisecond), conc)
	fmt.Printf("credentials/s: %.0f   p50 %s   p99 %s   ratio to ed25519.Sign: %.2f\n",
		rate, pct(0.50).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond), rate/signRate)
	if servicePID != 0 {
		per := cpu / time.Duration(n)
		fmt.Printf("service CPU per credential: %.1f µs (user+sys), %.1f ed25519.Sign's worth; CPU-bound ceiling on %d cores: %.0f /s\n",
			per.Seconds()*1e6, per.Seconds()/signCPU.Seconds(), runtime.NumCPU(), float64(runtime.NumCPU())/per.Seconds())
	}
	reportShared(db0, n, elapsed)
	after, _ := ed25519Rate(time.Second)
	fmt.Printf("ed25519.Sign (one goroutine, after): %.0f /s\n", after)
	return nil
}

// servicePID is the service's process when this program started it.
var servicePID int

// processCPU returns the user and system CPU time of process pid, from
// /proc (zero where there is none).
func processCPU(pid int) time.Duration {
	if pid == 0 {
		return 0
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name in parentheses; utime and stime are
	// the 14th and 15th fields, in clock ticks (100 per second on Linux).
	s := string(data)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(fields) < 13 {
		return 0
	}
	var ut, st int64
	fmt.Sscan(fields[11], &ut)
	fmt.Sscan(fields[12], &st)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// ed25519Rate measures signatures per second on one goroutine, and the
// CPU time of one (which other processes on the machine do not inflate).
func ed25519Rate(d time.Duration) (float64, time.Duration) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var ru0, ru1 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_THREAD, &ru0)
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	msg := make([]byte, 200)
	start := time.Now()
	n := 0
	for time.Since(start) < d {
		for range 100 {
			ed25519.Sign(priv, msg)
		}
		n += 100
	}
	wall := time.Since(start)
	syscall.Getrusage(syscall.RUSAGE_THREAD, &ru1)
	cpu := time.Duration(ru1.Utime.Nano()+ru1.Stime.Nano()-ru0.Utime.Nano()-ru0.Stime.Nano()) / time.Duration(n)
	return float64(n) / wall.Seconds(), cpu
}

// load issues n credentials with conc workers and returns the time and
// each request's latency.
func load(c *http.Client, url, token string, n, conc int, idem bool, tag string) (time.Duration, []time.Duration, error) {
	var next atomic.Int64
	lat := make([]time.Duration, n)
	var firstErr atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for range conc {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n || firstErr.Load() != nil {
					return
				}
				req, _ := http.NewRequest("POST", url+"/v1/credentials", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				if idem {
					req.Header.Set("Idempotency-Key", fmt.Sprintf("%s-%d-%d", tag, start.UnixNano(), i))
				}
				t0 := time.Now()
				resp, err := c.Do(req)
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				data, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				lat[i] = time.Since(t0)
				if resp.StatusCode != 201 {
					firstErr.CompareAndSwap(nil, fmt.Errorf("status %d: %s", resp.StatusCode, data))
					return
				}
			}
		})
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return 0, nil, err
	}
	return time.Since(start), lat, nil
}

var servingLine = regexp.MustCompile(`serving .* on (http://[0-9.:]+) `)

// startService creates a store with a client and starts bin serve on it.
func startService(bin, dir string, pid *int) (url, token string, stop func(), err error) {
	key, err := keys.Generate(credential.EdDSA)
	if err != nil {
		return "", "", nil, err
	}
	keyFile, db := filepath.Join(dir, "issuer.jwk"), filepath.Join(dir, "issuer.db")
	if err := keyfile.Write(keyFile, key, nil); err != nil {
		return "", "", nil, err
	}
	st, err := bolt.Open(db, bolt.Options{})
	if err != nil {
		return "", "", nil, err
	}
	svc, err := issuer.Open(st, issuer.New(key, nil), issuer.Options{BaseURI: "https://issuer.example/status/"})
	if err != nil {
		return "", "", nil, err
	}
	token, _, err = svc.AddClient("load", credential.LevelHigh, []string{"identity"}, issuer.ScopeIssue)
	if cerr := svc.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", "", nil, err
	}
	cmd := exec.Command(bin, "serve", "--db", db, "--key", keyFile, "--listen", "127.0.0.1:0", "--rate", "-1")
	logs, err := cmd.StderrPipe()
	if err != nil {
		return "", "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", "", nil, err
	}
	sc := bufio.NewScanner(logs)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if m := servingLine.FindStringSubmatch(sc.Text()); m != nil {
			url = m[1]
			break
		}
	}
	if url == "" {
		cmd.Process.Kill()
		cmd.Wait()
		return "", "", nil, fmt.Errorf("%s serve did not start", bin)
	}
	go io.Copy(io.Discard, logs)
	*pid = cmd.Process.Pid
	stop = func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}
	return url, token, stop, nil
}
