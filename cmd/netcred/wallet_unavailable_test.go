package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestWalletIssuerUnavailable: an issuer whose database is down answers
// the wallet 503 temporarily_unavailable with a Retry-After
// (spec/oid4vci.md §5, §7.2); the reference wallet says to run the same
// command again, the offer being still usable, and exits 1.
func TestWalletIssuerUnavailable(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After", "2")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"error":"temporarily_unavailable","error_description":"the issuer's database cannot be reached; retry after 2 s"}`))
	}))
	defer srv.Close()
	for _, path := range []string{"/token", "/credential"} {
		var stderr bytes.Buffer
		e := &env{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &stderr, now: time.Now}
		wc := &walletClient{e: e, ctx: context.Background(), http: srv.Client()}
		req, _ := http.NewRequest("POST", srv.URL+path, strings.NewReader(""))
		var v any
		err := wc.do(req, &v)
		if code := wc.refused(path+" request", err); code != exitInvalid {
			t.Errorf("%s: exit %d; want %d", path, code, exitInvalid)
		}
		out := stderr.String()
		for _, want := range []string{"temporarily_unavailable", "netcred: hint: the issuer's database is unavailable for now", "still usable"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: stderr lacks %q:\n%s", path, want, out)
			}
		}
		if strings.Contains(out, "cannot be used any more") || strings.Contains(out, "new offer") {
			t.Errorf("%s: the hint sends the holder for a new offer:\n%s", path, out)
		}
	}
}
