// Command netcred-wasm is a minimal verifier for web pages, built with
// GOOS=js GOARCH=wasm. It links only what verification needs (CI checks
// that no signing code, go-cose, go-jose, crypto/x509, bbolt or net/http is
// linked) and exposes two functions on the global object netcred:
//
//	netcred.loadTrust(pinned, bundle, ...tokens) -> {ok} | {error, code}
//	netcred.verify(text) -> {valid, verdict, code, detail, level, type,
//	                         issuer, kid, warnings: [{code, detail}], claims}
//
// pinned is a comma-separated list of root key thumbprints, bundle the
// trust bundle (JWS compact text) and each token a status list token
// (Uint8Array). verify judges QR text ("NC1:...") at the current time with
// the default policy.
package main

import (
	"errors"
	"strings"
	"time"

	"github.com/netcred/netcred/verifier"
)

// session is the state between calls: the verifier built by loadTrust.
type session struct {
	v   *verifier.Verifier
	now func() time.Time
}

// load verifies the trust material and builds the verifier.
func (s *session) load(pinned, bundle string, tokens [][]byte) map[string]any {
	var roots []string
	for _, p := range strings.Split(pinned, ",") {
		if p = strings.TrimSpace(p); p != "" {
			roots = append(roots, p)
		}
	}
	t, err := verifier.LoadTrust(roots, []byte(bundle), tokens...)
	if err != nil {
		out := map[string]any{"error": err.Error()}
		var te *verifier.TrustError
		if errors.As(err, &te) {
			out["code"] = string(te.Code)
		}
		return out
	}
	v, err := verifier.New(verifier.Config{Trust: t})
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	s.v = v
	return map[string]any{"ok": true}
}

// verify judges QR text with the loaded trust.
func (s *session) verify(text string) map[string]any {
	if s.v == nil {
		return map[string]any{"error": "netcred: no trust loaded: call netcred.loadTrust first"}
	}
	r := s.v.Verify(text, verifier.Options{Now: s.now()})
	warnings := make([]any, len(r.Warnings))
	for i, w := range r.Warnings {
		warnings[i] = map[string]any{"code": string(w.Code), "detail": w.Detail}
	}
	out := map[string]any{
		"valid":    r.Valid,
		"verdict":  string(r.Verdict),
		"code":     string(r.Code),
		"detail":   r.Detail,
		"level":    r.Level,
		"type":     r.Type,
		"issuer":   r.Issuer,
		"kid":      r.KID,
		"warnings": warnings,
	}
	if r.Claims != nil {
		claims := make(map[string]any, len(r.Claims))
		for k, v := range r.Claims {
			claims[k] = jsValue(v)
		}
		out["claims"] = claims
	}
	return out
}

// jsValue maps a claim value to one syscall/js can carry.
func jsValue(v any) any {
	switch x := v.(type) {
	case string, bool, int64, uint64, float64, nil:
		return x
	case int:
		return x
	case time.Time:
		return x.UTC().Format(time.RFC3339)
	case []byte:
		return string(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsValue(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = jsValue(e)
		}
		return out
	}
	return nil
}
