package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/netcred/netcred/bundle"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/issuer/evidence"
	"github.com/netcred/netcred/issuer/httpapi"
	"github.com/netcred/netcred/keys"
)

const serveSynopsis = `serve --db PATH --key KEY --listen ADDR [--status-uri BASE_URI] [--policy FILE]
      [--bundle FILE] [--tls-cert FILE --tls-key FILE] [--rate N] [--burst N]
      [--pprof ADDR]

Runs the issuer service (spec/service.md): the /v1 HTTP API for enrollment
clients, the JWKS at /v1/keys, the distribution point verifiers sync from
(/bundle.jws with --bundle, /status/<name>.cwt and each list at its uri's
path), /healthz and /metrics. Clients authenticate with the bearer tokens
of netcred clients add. A new store needs --status-uri.

Status lists are republished within a second of a status change and
before they go stale. With --db postgres://USER@HOST/DB, several serve
instances may share the database: one at a time (the holder of its
publish lock) signs the lists, every instance serves what it stored, and
another takes over within seconds when it dies; while the database is
unreachable, requests get 503 store_unavailable with a Retry-After. SIGTERM or SIGINT stops accepting requests and
drains those in flight. SIGHUP reloads --bundle and --key: after netcred
keys rotate --key KEY, the new key signs and /v1/keys keeps the old one
until its credentials expire (retired keys are read from KEY.<kid>.retired
on start).

--pprof ADDR serves Go's runtime profiles (net/http/pprof, under
/debug/pprof/) on a second listener, for profiling the service under
load; it has no authentication, so bind it to a loopback address only.

Example:
  netcred serve --db issuer.db --key issuer.jwk --listen 127.0.0.1:8080 \
      --status-uri https://issuer.example/status/ --bundle bundle.jws`

func runServe(args []string, e *env) int {
	fs := newFlags(e, "serve", serveSynopsis)
	dbFile := fs.String("db", "", "the issuer store: a bbolt file, or a postgres:// URL that several instances may share (required)")
	keyFile := fs.String("key", "", "the issuer's private key file (required)")
	passFile := fs.String("passphrase-file", "", "passphrase of an encrypted key file")
	listen := fs.String("listen", "", "address to listen on, e.g. 127.0.0.1:8080 (required)")
	statusURI := fs.String("status-uri", "", "base URI of the status lists, needed when --db is created")
	listSize := fs.Int("list-size", 0, "entries per status list when --db is created (default 1048576)")
	policyFile := fs.String("policy", "", "evidence policy file (default: the built-in policy)")
	bundleFile := fs.String("bundle", "", "trust bundle to serve at /bundle.jws")
	tlsCert := fs.String("tls-cert", "", "TLS certificate file (PEM), with --tls-key")
	tlsKey := fs.String("tls-key", "", "TLS private key file (PEM), with --tls-cert")
	rate := fs.Float64("rate", httpapi.DefaultRate, "requests per second each client may send (negative: no limit)")
	burst := fs.Int("burst", 0, "requests a client may send at once (default: twice --rate, at least 4000)")
	maxBody := fs.Int64("max-body", httpapi.DefaultMaxBody, "largest request body in bytes")
	publicURL := fs.String("public-url", "", "the OpenID4VCI credential issuer URL wallets reach (default: the address it serves on)")
	failRate := fs.Float64("auth-fail-rate", httpapi.DefaultFailRate, "failed authentications per second allowed from one address (negative: no limit)")
	failBurst := fs.Int("auth-fail-burst", httpapi.DefaultFailBurst, "failed authentications one address may have at once")
	listValidity := issuer.DefaultStatusValidity
	fs.Var(durationFlag{d: &listValidity}, "list-validity", "validity of published status list tokens (default 48h)")
	listTTL := issuer.DefaultStatusTTL
	fs.Var(durationFlag{d: &listTTL}, "list-ttl", "ttl of published status list tokens (default 1h)")
	pprofAddr := fs.String("pprof", "", "serve runtime profiles (/debug/pprof/) on this address, e.g. 127.0.0.1:6060 (no authentication)")
	drain := 30 * time.Second
	fs.Var(durationFlag{d: &drain}, "drain", "how long SIGTERM waits for requests in flight (default 30s)")
	idemTTL := httpapi.DefaultIdempotencyTTL
	fs.Var(durationFlag{d: &idemTTL}, "idempotency-ttl", "how long the answer to a request with an Idempotency-Key is kept (default 24h)")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		errorf(e, "serve takes no arguments, got %q", rest)
		return exitUsage
	}
	for name, v := range map[string]string{"db": *dbFile, "key": *keyFile, "listen": *listen} {
		if v == "" {
			errorf(e, "serve needs --%s", name)
			hint(e, "netcred serve --db issuer.db --key issuer.jwk --listen 127.0.0.1:8080 --status-uri https://issuer.example/status/")
			return exitUsage
		}
	}
	if (*tlsCert == "") != (*tlsKey == "") {
		errorf(e, "--tls-cert and --tls-key go together")
		return exitUsage
	}
	if listTTL > listValidity {
		errorf(e, "--list-ttl %s is longer than --list-validity %s", listTTL, listValidity)
		return exitUsage
	}
	key, code := loadPrivate(e, *keyFile, *passFile)
	if key == nil {
		return code
	}
	policy := evidence.DefaultPolicy()
	if *policyFile != "" {
		data, err := readText(e, *policyFile, maxSmallFile)
		if err != nil {
			errorf(e, "%v", err)
			return exitUsage
		}
		if policy, err = evidence.ParsePolicy(data); err != nil {
			errorf(e, "%s: %v", *policyFile, err)
			return exitUsage
		}
	}
	var bundleData []byte
	if *bundleFile != "" {
		var code int
		if bundleData, code = readBundleFile(e, *bundleFile); bundleData == nil {
			return code
		}
	}
	if idemTTL <= 0 {
		errorf(e, "--idempotency-ttl must be positive, got %s", idemTTL)
		return exitUsage
	}
	// The service's live heap is small (records live in bbolt's map, not
	// in the Go heap), so the default GC, at every doubling of it, runs
	// hundreds of times a second under load: at 400 it costs a quarter as
	// much CPU for a few more megabytes. GOGC in the environment decides
	// when set.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	openOpts := issuer.Options{BaseURI: *statusURI, ListSize: *listSize, Reserve: 1 << 14, IdempotencyTTL: idemTTL}
	e.storeUse = useServe
	svc, code := openService(e, *dbFile, issuer.New(key, nil), openOpts, false)
	if svc == nil {
		return code
	}
	openOpts.Now = e.now
	openOpts.BaseURI, openOpts.ListSize = "", 0
	ring := httpapi.NewKeyRing(key)
	retired := loadRetired(e, *keyFile, *passFile, ring, svc)
	backend := httpapi.NewServiceBackend(svc, ring, httpapi.ServiceOptions{Open: openOpts, ListValidity: listValidity, ListTTL: listTTL})
	defer func() {
		if err := backend.Close(); err != nil {
			errorf(e, "closing %s: %v", displayDB(*dbFile), err)
		}
	}()
	logger := slog.New(slog.NewJSONHandler(e.stderr, nil))
	srv, err := httpapi.New(httpapi.Options{
		Backend:   backend,
		Evaluator: httpapi.EvidenceEvaluator{Evaluator: &evidence.Evaluator{Policy: policy, Terminals: svc, Replay: svc}, Now: e.now},
		Keys:      ring, Bundle: bundleData, Logger: logger, Now: e.now,
		MaxBody: *maxBody, Rate: *rate, Burst: *burst, FailRate: *failRate, FailBurst: *failBurst,
	})
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}

	if *pprofAddr != "" {
		pln, err := net.Listen("tcp", *pprofAddr)
		if err != nil {
			errorf(e, "--pprof: %v", err)
			return exitUsage
		}
		ps := &http.Server{Handler: pprofHandler(), ReadHeaderTimeout: 10 * time.Second}
		go ps.Serve(pln)
		defer ps.Close()
		fmt.Fprintf(e.stderr, "%s: runtime profiles on http://%s/debug/pprof/\n", progName, pln.Addr())
	}

	ctx, cancel := context.WithCancel(context.Background())
	published := make(chan struct{})
	go func() { srv.Run(ctx); close(published) }()
	swept := make(chan struct{})
	go func() { sweep(ctx, logger, backend, sweepEvery); close(swept) }()
	defer func() { cancel(); <-published; <-swept }()

	scheme := "http"
	if *tlsCert != "" {
		scheme = "https"
	}
	if *publicURL == "" {
		*publicURL = scheme + "://" + ln.Addr().String()
	} else if err := httpapi.CheckIssuerURL(*publicURL); err != nil {
		errorf(e, "--public-url: %v", err)
		hint(e, "give the origin wallets reach, such as https://id.example.cn")
		return exitUsage
	}
	srv.SetIssuerURL(*publicURL)
	served := make(chan error, 1)
	go func() {
		if *tlsCert != "" {
			served <- hs.ServeTLS(ln, *tlsCert, *tlsKey)
		} else {
			served <- hs.Serve(ln)
		}
	}()
	fmt.Fprintf(e.stderr, "%s: serving %s on %s://%s (kid %s%s)\n", progName, displayDB(*dbFile), scheme, ln.Addr(), key.Public().KIDString(), retired)

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	defer signal.Stop(sigs)
	for {
		select {
		case err := <-served:
			errorf(e, "serving: %v", err)
			return exitUsage
		case sig := <-sigs:
			if sig == syscall.SIGHUP {
				reload(e, logger, backend, srv, *keyFile, *passFile, *bundleFile)
				continue
			}
			fmt.Fprintf(e.stderr, "%s: %s: draining requests in flight (at most %s)\n", progName, sig, drain)
			sctx, scancel := context.WithTimeout(context.Background(), drain)
			err := hs.Shutdown(sctx)
			scancel()
			if err != nil {
				errorf(e, "draining: %v", err)
				hs.Close()
			}
			fmt.Fprintf(e.stderr, "%s: stopped\n", progName)
			return exitOK
		}
	}
}

// pprofHandler serves net/http/pprof's pages on a mux of its own (not
// http.DefaultServeMux).
func pprofHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// readBundleFile reads a bundle file and checks that it is a JWS compact
// serialization within bundle.MaxSize: what sync will fetch.
func readBundleFile(e *env, name string) ([]byte, int) {
	data, err := readFile(e, name, bundle.MaxSize)
	if err != nil {
		errorf(e, "%v", err)
		return nil, exitUsage
	}
	if s := strings.TrimSpace(string(data)); strings.Count(s, ".") != 2 {
		errorf(e, "%s is not a signed bundle (a JWS compact serialization)", name)
		hint(e, "netcred bundle new ... --out %s", name)
		return nil, exitUsage
	}
	return data, exitOK
}

// reload handles SIGHUP: the bundle is read again, and a key file holding
// a new key (after netcred keys rotate) makes that key the signing key.
func reload(e *env, log *slog.Logger, b *httpapi.ServiceBackend, srv *httpapi.Server, keyFile, passFile, bundleFile string) {
	if bundleFile != "" {
		if data, _ := readBundleFile(e, bundleFile); data != nil {
			srv.SetBundle(data)
			log.Info("reloaded the bundle", "file", bundleFile)
		}
	}
	key, _ := loadPrivate(e, keyFile, passFile)
	if key == nil {
		return
	}
	old := b.Service().Issuer().KID()
	if string(old) == string(key.KID()) {
		return
	}
	if err := b.Rotate(key); err != nil {
		errorf(e, "rotating to the key in %s: %v", keyFile, err)
		return
	}
	log.Info("rotated the signing key", "kid", key.Public().KIDString())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Republish(ctx); err != nil {
		log.Error("republishing after the rotation", "err", err)
	}
}

// Sweep bounds (spec/issuer.md §2.7): every sweepEvery, expired used-once
// and idempotency records go in store writes of sweepPerTx, at most
// sweepMax a sweep.
const (
	sweepEvery = time.Minute
	sweepPerTx = 1000
	sweepMax   = 100000
)

// sweep drops expired used-once and idempotency records every every,
// until ctx ends.
func sweep(ctx context.Context, log *slog.Logger, b *httpapi.ServiceBackend, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := b.Service().DropExpired(sweepPerTx, sweepMax)
		if err != nil {
			log.Error("dropping expired records", "err", err.Error(), "dropped", n)
		} else if n > 0 {
			log.Info("dropped expired records", "dropped", n)
		}
	}
}

// loadRetired puts the keys netcred keys rotate retired (KEY.<kid>.retired)
// into ring, published until the latest expiry the store recorded for
// them (spec/issuer.md §2.8). For a key the store has no record of (one
// retired before this record existed), the longest validity the issuer
// grants is assumed from the file's last change. It returns a note for the
// start line.
func loadRetired(e *env, keyFile, passFile string, ring *httpapi.KeyRing, svc *issuer.Service) string {
	files, _ := filepath.Glob(keyFile + ".*.retired")
	n := 0
	for _, f := range files {
		k, _ := loadPrivateQuiet(e, f, passFile)
		if k == nil {
			continue
		}
		until, err := svc.KeyExpiry(k.Public().KIDString())
		if errors.Is(err, issuer.ErrNotFound) {
			fi, err := os.Stat(f)
			if err != nil {
				continue
			}
			until = changeTime(fi).Add(issuer.MaxValidity)
		} else if err != nil {
			continue
		}
		if until.After(e.now()) {
			ring.Retire(k.Public(), until)
			n++
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("; %d retired key(s) still published", n)
}

// loadPrivateQuiet is loadPrivate without messages.
func loadPrivateQuiet(e *env, name, passFile string) (*keys.PrivateKey, error) {
	quiet := *e
	quiet.stderr = discard{}
	k, _ := loadPrivate(&quiet, name, passFile)
	if k == nil {
		return nil, errors.New("unreadable")
	}
	return k, nil
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
