package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netcred/netcred/issuer"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/time/rate"
)

// Defaults of Options.
const (
	// DefaultMaxBody caps a request body: 64 KiB holds any claims set and
	// its evidence many times over.
	DefaultMaxBody = 64 << 10
	// DefaultRate and DefaultBurst are each client's rate limit: requests
	// per second, and how many may come at once.
	DefaultRate  = 2000
	DefaultBurst = 4000
	// DefaultPublishDelay is how long after a status change the lists are
	// republished, so that changes arriving together share a signature.
	DefaultPublishDelay = 200 * time.Millisecond
	// DefaultPublishEvery is the longest time between two publications;
	// the publisher republishes sooner when half a token's ttl has passed.
	DefaultPublishEvery = 30 * time.Minute
	// DefaultPublishPoll is how often an instance that shares its store
	// with others tries the publish lock and looks for a newer stored
	// publication (notifications make it sooner).
	DefaultPublishPoll = time.Second
	// RetryAfter is the Retry-After, in seconds, of a 503 answer.
	RetryAfter = 2
)

// Options configure a Server. Backend and Keys are required.
type Options struct {
	// Backend issues and keeps the records.
	Backend Backend
	// Evaluator judges evidence; nil means no evidence earns more than
	// low.
	Evaluator Evaluator
	// Keys are the issuer's keys, for /v1/keys.
	Keys *KeyRing
	// Bundle, when set, is served at /bundle.jws (the distribution point
	// of spec/status.md §7). SetBundle replaces it.
	Bundle []byte
	// Logger receives one JSON line per request; nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// MaxBody caps request bodies (DefaultMaxBody when zero).
	MaxBody int64
	// Rate and Burst are each client's limit; zero means DefaultRate and
	// DefaultBurst, a negative Rate no limit.
	Rate  float64
	Burst int
	// FailRate and FailBurst limit failed authentications (401) per
	// remote address; zero means DefaultFailRate and DefaultFailBurst, a
	// negative FailRate no limit.
	FailRate  float64
	FailBurst int
	// PublishDelay, PublishEvery and PublishPoll steer the publisher
	// (defaults above).
	PublishDelay, PublishEvery, PublishPoll time.Duration
	// IssuerURL is the OpenID4VCI credential issuer identifier (see
	// SetIssuerURL); the endpoints are served when it is set and Backend
	// is an OfferBackend.
	IssuerURL string
}

// Coordinated is implemented by a Backend whose store other service
// instances may share (issuer.SharedStore): the publisher then signs only
// while it holds the Coordinator's publish lock and otherwise serves the
// publication stored by the instance that does. A Backend that does not
// implement it publishes alone (issuer.LocalCoordinator).
type Coordinated interface {
	Coordinator() issuer.Coordinator
}

// Pinger is implemented by a Backend that can tell whether its store is
// reachable; /healthz asks it.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Server is the issuer's HTTP service. Its Handler serves requests; Run
// publishes the status lists in the background.
type Server struct {
	backend Backend
	eval    Evaluator
	keys    *KeyRing
	bundle  atomic.Pointer[[]byte]
	log     *slog.Logger
	now     func() time.Time
	maxBody int64
	limits  *limiters
	fails   *failLimits
	m       *metrics
	pub     *publisher
	handler http.Handler
	oid     *oid4vci

	idemMu   sync.Mutex
	inflight map[string]chan struct{}
}

// New returns a Server with the given options.
func New(o Options) (*Server, error) {
	if o.Backend == nil || o.Keys == nil {
		return nil, errors.New("httpapi: Options need a Backend and Keys")
	}
	s := &Server{backend: o.Backend, eval: o.Evaluator, keys: o.Keys, log: o.Logger, now: o.Now, maxBody: o.MaxBody,
		m: newMetrics(), inflight: map[string]chan struct{}{}}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBody
	}
	lim, burst := rate.Limit(o.Rate), o.Burst
	switch {
	case o.Rate < 0:
		lim = rate.Inf
	case o.Rate == 0:
		lim = DefaultRate
	}
	if burst <= 0 {
		burst = max(DefaultBurst, int(2*lim))
	}
	s.limits = &limiters{limit: lim, burst: burst, m: map[string]*rate.Limiter{}}
	flim, fburst := rate.Limit(o.FailRate), o.FailBurst
	switch {
	case o.FailRate < 0:
		flim = rate.Inf
	case o.FailRate == 0:
		flim = DefaultFailRate
	}
	if fburst <= 0 {
		fburst = DefaultFailBurst
	}
	s.fails = newFailLimits(flim, fburst, DefaultFailAddrs)
	if o.Bundle != nil {
		s.SetBundle(o.Bundle)
	}
	delay, every, poll := o.PublishDelay, o.PublishEvery, o.PublishPoll
	if delay <= 0 {
		delay = DefaultPublishDelay
	}
	if every <= 0 {
		every = DefaultPublishEvery
	}
	if poll <= 0 {
		poll = DefaultPublishPoll
	}
	var coord issuer.Coordinator
	if c, ok := o.Backend.(Coordinated); ok {
		coord = c.Coordinator()
	}
	if coord == nil {
		coord = issuer.NewLocalCoordinator()
	}
	s.pub = newPublisher(o.Backend, coord, s.log, s.m, s.now, delay, every, poll)
	s.oid = newOID4VCI(o)
	s.handler = s.routes()
	return s, nil
}

// SetBundle replaces the bundle served at /bundle.jws (nil: none).
func (s *Server) SetBundle(b []byte) {
	if b == nil {
		s.bundle.Store(nil)
		return
	}
	c := append([]byte(nil), b...)
	s.bundle.Store(&c)
}

// Handler returns the service's HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Run publishes the status lists at once, then whenever a status change
// or a new list asks for it and before the tokens go stale, until ctx
// ends; with a shared store, only while this instance holds the publish
// lock (Coordinated). It closes the Coordinator when it returns.
func (s *Server) Run(ctx context.Context) {
	go s.sweepOffers(ctx)
	s.pub.run(ctx)
}

// Republish asks for a publication and waits until one that reflects
// every write acknowledged before the call is served (or ctx ends). Run
// must be running.
func (s *Server) Republish(ctx context.Context) error {
	seq, err := s.pub.changed(ctx)
	if err != nil {
		return err
	}
	return s.pub.wait(ctx, seq)
}

// ObserveCommit records the latency of one durable store write in the
// service's metrics; a Backend calls it.
func (s *Server) ObserveCommit(d time.Duration) { s.m.commit.Observe(d.Seconds()) }

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/credentials", s.handleIssue)
	mux.HandleFunc("GET /v1/credentials/{id}", s.handleGet)
	mux.HandleFunc("POST /v1/credentials/{id}/{action}", s.handleStatus)
	mux.HandleFunc("GET /v1/keys", s.handleKeys)
	mux.HandleFunc("GET /v1/status", s.handleStatusIndex)
	mux.HandleFunc("GET /v1/status/{list}", s.handleList)
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.m.reg, promhttp.HandlerOpts{}))
	s.oid4vciRoutes(mux)
	mux.HandleFunc("/", s.handleDistribution)
	return s.middleware(mux)
}

// recorder keeps what the log line and metrics need of a response.
type recorder struct {
	http.ResponseWriter
	status int
	code   string
	client string
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// requestID returns the request's X-Request-Id when it is a sane token,
// or a new random one.
func requestID(r *http.Request) string {
	if id := r.Header.Get("X-Request-Id"); id != "" && len(id) <= 64 && strings.Trim(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == "" {
		return id
	}
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

type ctxKey struct{}

func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := requestID(r)
		w.Header().Set("X-Request-Id", id)
		rec := &recorder{ResponseWriter: w}
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, rec))
		s.m.inflight.Inc()
		defer func() {
			s.m.inflight.Dec()
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic serving a request", "request_id", id, "panic", fmt.Sprint(v))
				if rec.status == 0 {
					s.fail(rec, r, &Error{Status: 500, Code: CodeInternal, Message: "internal error; see the service log"})
				}
			}
			route := r.Pattern
			switch route {
			case "/":
				route = "distribution"
			case "":
				route = "other"
			}
			st := rec.status
			if st == 0 {
				st = http.StatusOK
			}
			d := time.Since(start)
			s.m.latency.WithLabelValues(route, strconv.Itoa(st)).Observe(d.Seconds())
			level := slog.LevelInfo
			if st >= 500 {
				level = slog.LevelError
			}
			// No path (it may hold an id), no body, no token: the route.
			attrs := []slog.Attr{slog.String("request_id", id), slog.String("method", r.Method), slog.String("route", route),
				slog.Int("status", st), slog.Float64("dur_ms", float64(d.Microseconds())/1000)}
			if rec.client != "" {
				attrs = append(attrs, slog.String("client", rec.client))
			}
			if rec.code != "" {
				attrs = append(attrs, slog.String("code", rec.code))
			}
			s.log.LogAttrs(r.Context(), level, "request", attrs...)
		}()
		next.ServeHTTP(rec, r)
	})
}

func recorderOf(r *http.Request) *recorder {
	rec, _ := r.Context().Value(ctxKey{}).(*recorder)
	return rec
}

// errorBody is the JSON of every error answer.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field,omitempty"`
	} `json:"error"`
}

// fail answers with err as JSON.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	e := asError(err)
	if e.Status >= 500 && e.Err != nil {
		s.log.Error("request failed", "request_id", w.Header().Get("X-Request-Id"), "err", e.Err)
	}
	if rec := recorderOf(r); rec != nil {
		rec.code = e.Code
	}
	s.m.errors.WithLabelValues(e.Code).Inc()
	var b errorBody
	b.Error.Code, b.Error.Message, b.Error.Field = e.Code, e.Message, e.Field
	switch e.Status {
	case http.StatusUnauthorized:
		w.Header().Set("WWW-Authenticate", `Bearer realm="netcred"`)
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", strconv.Itoa(RetryAfter))
	}
	writeJSON(w, e.Status, b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", 500)
		return
	}
	writeRaw(w, status, append(data, '\n'))
}

func writeRaw(w http.ResponseWriter, status int, data []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-store")
	}
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	w.Write(data)
}

// authenticate returns the client of the request's bearer token, after
// its rate limit; on failure it has answered.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (*Client, bool) {
	// An address past its failed authentications is refused before its
	// token is looked up.
	if blocked, wait := s.fails.blocked(r.RemoteAddr, s.now()); blocked {
		secs := max(int((wait+time.Second-1)/time.Second), 1)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		s.fail(w, r, &Error{Status: 429, Code: CodeRateLimited, Message: fmt.Sprintf("too many failed authentications from this address; retry after %d s", secs)})
		return nil, false
	}
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if h == "" {
		s.fails.failed(r.RemoteAddr, s.now())
		s.fail(w, r, &Error{Status: 401, Code: CodeUnauthenticated, Message: "no bearer token: send Authorization: Bearer TOKEN"})
		return nil, false
	}
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" || len(token) > 512 {
		s.fails.failed(r.RemoteAddr, s.now())
		s.fail(w, r, &Error{Status: 401, Code: CodeUnauthenticated, Message: "the Authorization header is not Bearer TOKEN"})
		return nil, false
	}
	c, err := s.backend.Authenticate(r.Context(), token)
	if err != nil {
		if errors.Is(err, ErrUnauthenticated) {
			s.fails.failed(r.RemoteAddr, s.now())
			s.fail(w, r, &Error{Status: 401, Code: CodeUnauthenticated, Message: "unknown or revoked token", Err: err})
		} else {
			s.fail(w, r, err)
		}
		return nil, false
	}
	if rec := recorderOf(r); rec != nil {
		rec.client = c.Name
	}
	if ok, wait := s.limits.allow(c.Name, time.Now()); !ok {
		secs := int((wait + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
		s.fail(w, r, &Error{Status: 429, Code: CodeRateLimited, Message: fmt.Sprintf("client %s is over its rate limit; retry after %d s", c.Name, max(secs, 1))})
		return nil, false
	}
	return c, true
}

// handleHealth answers 200 {"status":"ok"} when the instance is ready,
// and 503 with a Retry-After and {"status":"starting"} (no status lists
// served yet), {"status":"store_unavailable"} or
// {"status":"publishing_failed"} when it is not.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	if s.pub.current.Load().iat.IsZero() {
		w.Header().Set("Retry-After", "1")
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "starting"})
		return
	}
	if p, ok := s.backend.(Pinger); ok {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		err := p.Ping(ctx)
		cancel()
		if err != nil {
			s.log.Warn("health: the store is unreachable", "err", err)
			w.Header().Set("Retry-After", strconv.Itoa(RetryAfter))
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "store_unavailable"})
			return
		}
	}
	if err := s.pub.healthy(); err != nil {
		w.Header().Set("Retry-After", strconv.Itoa(RetryAfter))
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "publishing_failed"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
