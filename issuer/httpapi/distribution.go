package httpapi

// The distribution point (spec/status.md §7) and the status list
// endpoints, with the HTTP rules of draft-ietf-oauth-status-list §8:
// Content-Type application/statuslist+cwt, ETag, Cache-Control from the
// ttl, CORS.

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/status"
)

// TokenMediaType is the Content-Type of a served Status List Token.
const TokenMediaType = "application/statuslist+cwt"

// cors lets a verifier in a web page fetch public documents.
func cors(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "If-None-Match")
	h.Set("Access-Control-Expose-Headers", "ETag")
}

// serveToken answers with a status list token.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request, t *served) {
	cors(w)
	h := w.Header()
	h.Set("Content-Type", TokenMediaType)
	h.Set("ETag", t.etag)
	maxAge := int64(t.TTL / time.Second)
	if left := int64(time.Until(t.Expiry) / time.Second); left < maxAge {
		maxAge = max(left, 0)
	}
	h.Set("Cache-Control", "public, max-age="+strconv.FormatInt(maxAge, 10))
	h.Set("Last-Modified", t.IssuedAt.UTC().Format(http.TimeFormat))
	if etagMatch(r.Header.Get("If-None-Match"), t.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(t.Data)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(t.Data)
	}
}

func etagMatch(header, etag string) bool {
	for _, v := range strings.Split(header, ",") {
		v = strings.TrimSpace(v)
		if v == "*" || strings.TrimPrefix(v, "W/") == etag {
			return true
		}
	}
	return false
}

// handleList serves GET /v1/status/{list}: {list} is the list's file name
// in the distribution layout (with or without .cwt) or the last segment
// of its uri.
func (s *Server) handleList(w http.ResponseWriter, r *http.Request) {
	t := s.pub.current.Load().byName["file:"+r.PathValue("list")]
	if t == nil {
		cors(w)
		s.fail(w, r, Refuse(ErrNotFound, CodeNotFound, "", "no status list %q is published", r.PathValue("list")))
		return
	}
	s.serveToken(w, r, t)
}

// handleStatusIndex serves GET /v1/status and the distribution point's
// BASE/status/aggregation.json (spec/status.md §7): the uris of the
// published lists, as draft-ietf-oauth-status-list §9's aggregation
// {"status_lists": [...]}.
func (s *Server) handleStatusIndex(w http.ResponseWriter, r *http.Request) {
	cors(w)
	set := s.pub.current.Load()
	data, err := (&status.Aggregation{StatusLists: set.uris}).MarshalJSON()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=60")
	writeRaw(w, http.StatusOK, append(data, '\n'))
}

// handleKeys serves the JWKS: the signing key and every retired key whose
// credentials have not all expired.
func (s *Server) handleKeys(w http.ResponseWriter, r *http.Request) {
	set, err := keys.NewSet(s.keys.Public(s.now())...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data, err := set.MarshalJSON()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cors(w)
	w.Header().Set("Cache-Control", "public, max-age=300")
	writeRaw(w, http.StatusOK, append(data, '\n'))
}

// handleDistribution serves everything else: BASE/bundle.jws,
// BASE/status/<name>.cwt, BASE/status/aggregation.json (as /v1/status),
// each list at its own uri's path, CORS
// preflights, and JSON 404 and 405 answers.
func (s *Server) handleDistribution(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if strings.HasPrefix(p, "/v1/") || p == "/healthz" || p == "/metrics" {
		if r.Method == http.MethodOptions && strings.HasPrefix(p, "/v1/status") {
			cors(w)
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if known := apiMethods(p); known != "" {
			w.Header().Set("Allow", known)
			s.fail(w, r, &Error{Status: http.StatusMethodNotAllowed, Code: CodeMethodNotAllowed, Message: r.Method + " is not allowed here; use " + known})
			return
		}
		s.fail(w, r, Refuse(ErrNotFound, CodeNotFound, "", "no such endpoint"))
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions {
		w.Header().Set("Allow", "GET, HEAD, OPTIONS")
		s.fail(w, r, &Error{Status: http.StatusMethodNotAllowed, Code: CodeMethodNotAllowed, Message: "the distribution point is read-only"})
		return
	}
	if r.Method == http.MethodOptions {
		cors(w)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	set := s.pub.current.Load()
	if name, ok := strings.CutPrefix(p, "/status/"); ok && !strings.Contains(name, "/") {
		if t := set.byName["file:"+name]; t != nil && strings.HasSuffix(name, ".cwt") {
			s.serveToken(w, r, t)
			return
		}
	}
	if p == "/status/"+status.AggregationFile {
		s.handleStatusIndex(w, r)
		return
	}
	if t := set.byName["path:"+p]; t != nil {
		s.serveToken(w, r, t)
		return
	}
	if p == "/status/"+status.AggregationFile { // what sync reads for status prefixes
		s.handleStatusIndex(w, r)
		return
	}
	if p == "/bundle.jws" {
		if b := s.bundle.Load(); b != nil {
			cors(w)
			w.Header().Set("Content-Type", "application/jose")
			w.Header().Set("Cache-Control", "public, max-age=300")
			w.Header().Set("Content-Length", strconv.Itoa(len(*b)))
			if r.Method != http.MethodHead {
				w.Write(*b)
			}
			return
		}
	}
	cors(w)
	s.fail(w, r, Refuse(ErrNotFound, CodeNotFound, "", "nothing is published at %s", p))
}

// apiMethods returns the methods allowed at an API path, "" if none.
func apiMethods(p string) string {
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	switch {
	case p == "/v1/credentials":
		return "POST"
	case len(parts) == 3 && parts[0] == "v1" && parts[1] == "credentials":
		return "GET"
	case len(parts) == 4 && parts[0] == "v1" && parts[1] == "credentials" && actions[parts[3]] != 0 || len(parts) == 4 && parts[3] == "reinstate":
		return "POST"
	case p == "/v1/keys", p == "/v1/status", p == "/healthz", p == "/metrics",
		len(parts) == 3 && parts[0] == "v1" && parts[1] == "status":
		return "GET, HEAD"
	}
	return ""
}
