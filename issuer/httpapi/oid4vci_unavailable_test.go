package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/keys"
)

// downBackend is a ServiceBackend whose store can be taken down: the
// wallet endpoints' store calls then fail as the PostgreSQL store's do
// while the database is unreachable.
type downBackend struct {
	*ServiceBackend
	down *atomic.Bool
}

var errDown = fmt.Errorf("connecting: %w", issuer.ErrStoreUnavailable)

func (b downBackend) RedeemOffer(ctx context.Context, code, tx string) (*Grant, error) {
	if b.down.Load() {
		return nil, errDown
	}
	return b.ServiceBackend.RedeemOffer(ctx, code, tx)
}

func (b downBackend) OfferOfToken(ctx context.Context, token string) (*OfferInfo, error) {
	if b.down.Load() {
		return nil, errDown
	}
	return b.ServiceBackend.OfferOfToken(ctx, token)
}

func (b downBackend) IssueOffer(ctx context.Context, token string, holders []*keys.PublicKey) ([]*Issued, error) {
	if b.down.Load() {
		return nil, errDown
	}
	return b.ServiceBackend.IssueOffer(ctx, token, holders)
}

func (b downBackend) UseNonce(ctx context.Context, nonce string, until time.Time) (bool, error) {
	if b.down.Load() {
		return false, errDown
	}
	return b.ServiceBackend.UseNonce(ctx, nonce, until)
}

// TestWalletEndpointsStoreUnavailable: while the store cannot be reached,
// /token and /credential answer 503 temporarily_unavailable with a
// Retry-After (issue 8: "requests fail with 503 and a Retry-After while it
// is down"; spec/oid4vci.md §5, §7.2), never a 500, and count no failed
// authentication; once it is back the same code and token work.
func TestWalletEndpointsStoreUnavailable(t *testing.T) {
	ss := newWalletService(t)
	var down atomic.Bool
	srv, err := New(Options{Backend: downBackend{ss.backend, &down}, Keys: ss.ring, Rate: -1, FailRate: 0.001, FailBurst: 1})
	if err != nil {
		t.Fatal(err)
	}
	srv.SetIssuerURL(testIssuer)
	do := func(path, ctype, token, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", path, strings.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		w := httptest.NewRecorder()
		srv.Handler().ServeHTTP(w, req)
		return w
	}
	unavailable := func(what string, w *httptest.ResponseRecorder) {
		t.Helper()
		if w.Code != 503 || oauthCode(t, w) != OAuthTemporarilyUnavailable {
			t.Errorf("%s with the store down: %d %s; want 503 %s", what, w.Code, w.Body, OAuthTemporarilyUnavailable)
		}
		if got := w.Header().Get("Retry-After"); got != strconv.Itoa(RetryAfter) {
			t.Errorf("%s with the store down: Retry-After %q; want %d", what, got, RetryAfter)
		}
	}
	a := ss.makeOffer(t)
	down.Store(true)
	// More than the failed-authentication burst: none of them counts.
	for range 3 {
		unavailable("POST /token", do("/token", "application/x-www-form-urlencoded", "", tokenForm(a.code, a.TxCode)))
	}
	down.Store(false)
	w := do("/token", "application/x-www-form-urlencoded", "", tokenForm(a.code, a.TxCode))
	if w.Code != 200 {
		t.Fatalf("POST /token once the store is back: %d %s; want 200 (the code unused)", w.Code, w.Body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	json.Unmarshal(w.Body.Bytes(), &tok)
	proof, err := SignProof(genKey(t, credential.ES256), testIssuer, ss.nonce(t), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	down.Store(true)
	for range 3 {
		unavailable("POST /credential", do("/credential", "application/json", tok.AccessToken, credBody(proof)))
	}
	down.Store(false)
	if w := do("/credential", "application/json", tok.AccessToken, credBody(proof)); w.Code != 200 {
		t.Errorf("POST /credential once the store is back: %d %s; want 200 (token and nonce unused)", w.Code, w.Body)
	}
}
