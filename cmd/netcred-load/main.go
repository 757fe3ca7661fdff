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
//
// It prints credentials per second, p50 and p99 latency, the ratio to
// ed25519.Sign, and the CPU time per credential of the service (from
// /proc) and of itself: CPU time is the figure other load on the machine
// inflates least. The generator is lean, as it shares the cores: plain
// HTTP/1.1 over one keep-alive connection per worker, pre-built request
// bytes, answers parsed to the status line and Content-Length. With
// --pprof ADDR the service serves its runtime profiles there:
//
//	go run ./cmd/netcred-load --netcred /tmp/netcred --n 100000 --pprof 127.0.0.1:6060 &
//	go tool pprof -seconds 10 /tmp/netcred http://127.0.0.1:6060/debug/pprof/profile
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/baseline"
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
	flag.StringVar(&pprofAddr, "pprof", "", "with --netcred: start the service with --pprof ADDR (profile it during the run)")
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
	signRate, signCPU := baseline.Ed25519(time.Second)
	fmt.Printf("ed25519.Sign (one goroutine): %.0f /s wall, %.1f µs CPU each\n", signRate, signCPU.Seconds()*1e6)
	targets, err := parseTargets(url, token)
	if err != nil {
		return err
	}
	if _, _, err := loadAll(targets, warm, conc, idem, "w"); err != nil {
		return err
	}
	cpu0, self0, db0 := processCPU(servicePID), baseline.ProcessCPU(), snapshot()
	elapsed, lat, err := loadAll(targets, n, conc, idem, "m")
	if err != nil {
		return err
	}
	cpu, self := processCPU(servicePID)-cpu0, baseline.ProcessCPU()-self0
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
	gen := self / time.Duration(n)
	fmt.Printf("load generator CPU per credential: %.1f µs (user+sys)\n", gen.Seconds()*1e6)
	if servicePID != 0 && signCPU > 0 {
		// What a quiet machine would reach when the service and the
		// generator share its cores and nothing else runs: the figure
		// other load on the machine distorts least.
		both := cpu/time.Duration(n) + gen
		ceiling := float64(runtime.NumCPU()) / both.Seconds()
		fmt.Printf("CPU-bound estimate (service + generator on %d cores): %.0f /s, ratio %.2f to one core's ed25519.Sign by CPU time (%.0f /s)\n",
			runtime.NumCPU(), ceiling, ceiling*signCPU.Seconds(), 1/signCPU.Seconds())
	}
	reportShared(db0, n, elapsed)
	after, _ := baseline.Ed25519(time.Second)
	fmt.Printf("ed25519.Sign (one goroutine, after): %.0f /s\n", after)
	return nil
}

// servicePID is the service's process when this program started it;
// pprofAddr its --pprof address.
var (
	servicePID int
	pprofAddr  string
)

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

// target is the service's POST /v1/credentials.
type target struct {
	host, path, token string
}

// request returns the bytes of one request: HTTP/1.1, keep-alive, the
// body pre-built.
func (t *target) request(idemKey string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "POST %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n",
		t.path, t.host, t.token, len(body))
	if idemKey != "" {
		fmt.Fprintf(&b, "Idempotency-Key: %s\r\n", idemKey)
	}
	b.WriteString("\r\n" + body)
	return b.Bytes()
}

// conn is one keep-alive connection to the service.
type conn struct {
	t  *target
	c  net.Conn
	r  *bufio.Reader
	hb []byte
}

// do sends req and reads the answer's status and body (which stays valid
// until the next call). It reconnects when the service closed the
// connection.
func (c *conn) do(req []byte) (int, []byte, error) {
	for attempt := 0; ; attempt++ {
		if c.c == nil {
			nc, err := net.DialTimeout("tcp", c.t.host, 10*time.Second)
			if err != nil {
				return 0, nil, err
			}
			c.c = nc
			c.r = bufio.NewReaderSize(nc, 8192)
		}
		c.c.SetDeadline(time.Now().Add(30 * time.Second))
		status, data, closeAfter, err := c.roundTrip(req)
		if err != nil {
			c.c.Close()
			c.c = nil
			if attempt == 0 && status == 0 {
				continue // a kept-alive connection the service had closed
			}
			return 0, nil, err
		}
		if closeAfter {
			c.c.Close()
			c.c = nil
		}
		return status, data, nil
	}
}

// roundTrip writes req and parses just enough of the answer: the status
// line, Content-Length and Connection headers, and the body.
func (c *conn) roundTrip(req []byte) (status int, data []byte, closeAfter bool, err error) {
	if _, err := c.c.Write(req); err != nil {
		return 0, nil, false, err
	}
	line, err := c.r.ReadSlice('\n')
	if err != nil {
		return 0, nil, false, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) {
		return -1, nil, false, fmt.Errorf("malformed status line %q", line)
	}
	status, err = strconv.Atoi(string(line[9:12]))
	if err != nil {
		return -1, nil, false, fmt.Errorf("malformed status line %q", line)
	}
	length := -1
	for {
		h, err := c.r.ReadSlice('\n')
		if err != nil {
			return -1, nil, false, err
		}
		h = bytes.TrimRight(h, "\r\n")
		if len(h) == 0 {
			break
		}
		name, value, _ := bytes.Cut(h, []byte(":"))
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil || length < 0 || length > 1<<20 {
				return -1, nil, false, fmt.Errorf("bad Content-Length %q", value)
			}
		case bytes.EqualFold(name, []byte("Connection")):
			closeAfter = bytes.EqualFold(value, []byte("close"))
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			return -1, nil, false, fmt.Errorf("the answer is %s-encoded; the generator reads only Content-Length bodies", value)
		}
	}
	if length < 0 {
		return -1, nil, false, fmt.Errorf("answer %d without Content-Length", status)
	}
	if cap(c.hb) < length {
		c.hb = make([]byte, length)
	}
	data = c.hb[:length]
	if _, err := io.ReadFull(c.r, data); err != nil {
		return -1, nil, false, err
	}
	return status, data, closeAfter, nil
}

// load issues n credentials with conc workers and returns the time and
// each request's latency. The generator shares the machine's cores with
// the service, so it is lean: one keep-alive connection per worker, the
// request's bytes built once (per request only with Idempotency-Key),
// the answer's status line and two headers parsed, its body not.
func load(t *target, n, conc int, idem bool, tag string) (time.Duration, []time.Duration, error) {
	var next atomic.Int64
	lat := make([]time.Duration, n)
	var firstErr atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for range conc {
		wg.Go(func() {
			c := &conn{t: t}
			defer func() {
				if c.c != nil {
					c.c.Close()
				}
			}()
			req := t.request("")
			for {
				i := int(next.Add(1) - 1)
				if i >= n || firstErr.Load() != nil {
					return
				}
				if idem {
					req = t.request(tag + "-" + strconv.FormatInt(start.UnixNano(), 10) + "-" + strconv.Itoa(i))
				}
				t0 := time.Now()
				status, data, err := c.do(req)
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				lat[i] = time.Since(t0)
				if status != 201 {
					firstErr.CompareAndSwap(nil, fmt.Errorf("status %d: %s", status, data))
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
	args := []string{"serve", "--db", db, "--key", keyFile, "--listen", "127.0.0.1:0", "--rate", "-1"}
	if pprofAddr != "" {
		args = append(args, "--pprof", pprofAddr)
	}
	cmd := exec.Command(bin, args...)
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
