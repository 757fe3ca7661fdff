package verifier

import (
	"crypto/rand"
	"sync"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/strictcbor/cbormode"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/presentation"
	"github.com/netcred/netcred/presentation/sign"
	"github.com/veraison/go-cose"
)

// memReplay is a ReplayCache in memory.
type memReplay struct {
	mu   sync.Mutex
	seen map[[32]byte]time.Time
}

func (m *memReplay) Seen(key [32]byte, now, until time.Time) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seen == nil {
		m.seen = map[[32]byte]time.Time{}
	}
	if u, ok := m.seen[key]; ok && !now.After(u) {
		return true
	}
	m.seen[key] = until
	return false
}

// holderFixture issues the reference credential bound to a fresh holder
// key and signs presentations of it.
type holderFixture struct {
	*fixture
	holder, other *keys.PrivateKey
	cred          []byte // COSE
}

func newHolderFixture(tb testing.TB, holderAlg credential.Algorithm) *holderFixture {
	tb.Helper()
	h := &holderFixture{fixture: newFixture(tb, credential.EdDSA)}
	var err error
	if h.holder, err = keys.Generate(holderAlg); err != nil {
		tb.Fatal(err)
	}
	if h.other, err = keys.Generate(holderAlg); err != nil {
		tb.Fatal(err)
	}
	req := referenceRequest()
	req.HolderKey = h.holder.Public()
	if h.cred, err = credential.DecodeQR(h.issue(tb, req)); err != nil {
		tb.Fatal(err)
	}
	return h
}

// present signs a presentation of cred with key at iat.
func present(tb testing.TB, cred []byte, key *keys.PrivateKey, iat time.Time, nonce []byte, aud string) string {
	tb.Helper()
	p, err := sign.Present(cred, key.Algorithm(), key.Signer(), sign.Options{Now: iat, Nonce: nonce, Audience: aud})
	if err != nil {
		tb.Fatal(err)
	}
	text, err := presentation.EncodeQR(p)
	if err != nil {
		tb.Fatal(err)
	}
	return text
}

// rawPresent signs any credential bytes and claims as a presentation,
// without sign.Present's checks (an attacker's presentation).
func rawPresent(tb testing.TB, cred []byte, key *keys.PrivateKey, claims map[int64]any) string {
	tb.Helper()
	alg, _ := key.Algorithm().COSE()
	cs, err := cose.NewSigner(cose.Algorithm(alg), key.Signer())
	if err != nil {
		tb.Fatal(err)
	}
	msg := cose.NewSign1Message()
	msg.Headers.Protected.SetAlgorithm(cose.Algorithm(alg))
	msg.Headers.Protected[int64(13)] = cbor.RawMessage(cred)
	msg.Headers.Protected[cose.HeaderLabelType] = presentation.Typ
	if msg.Payload, err = cbormode.EncMode.Marshal(claims); err != nil {
		tb.Fatal(err)
	}
	if err := msg.Sign(rand.Reader, nil, cs); err != nil {
		tb.Fatal(err)
	}
	b, err := msg.MarshalCBOR()
	if err != nil {
		tb.Fatal(err)
	}
	text, err := presentation.EncodeQR(b)
	if err != nil {
		tb.Fatal(err)
	}
	return text
}

func TestVerifyPresentation(t *testing.T) {
	for _, alg := range []credential.Algorithm{credential.ES256, credential.EdDSA} {
		t.Run(string(alg), func(t *testing.T) { testVerifyPresentation(t, alg) })
	}
}

func testVerifyPresentation(t *testing.T, alg credential.Algorithm) {
	h := newHolderFixture(t, alg)
	now := fixedNow.Add(time.Hour)
	nonce := []byte("n-4711")
	bare, _ := credential.EncodeQR(h.cred)
	req := referenceRequest()
	unbound := h.issue(t, req)
	unboundCOSE, _ := credential.DecodeQR(unbound)
	forged := append([]byte{}, h.cred...)
	forged[len(forged)-1] ^= 1 // the issuer's signature
	expired := now.AddDate(2, 0, 0)
	tests := []struct {
		name   string
		text   string
		policy Policy
		opts   Options
		want   Code
	}{
		{"live, no nonce, no audience", present(t, h.cred, h.holder, now, nil, ""), Policy{RequireHolderBinding: true}, Options{Now: now}, CodeValid},
		{"live with nonce and audience", present(t, h.cred, h.holder, now, nonce, "gate-7"), Policy{RequireHolderBinding: true}, Options{Now: now, Nonce: nonce, Audience: "gate-7"}, CodeValid},
		{"live, binding not required", present(t, h.cred, h.holder, now, nil, ""), Policy{}, Options{Now: now}, CodeValid},
		{"bare credential with cnf, binding required", bare, Policy{RequireHolderBinding: true}, Options{Now: now}, CodeHolderBindingMissing},
		{"bare credential without cnf, binding required", unbound, Policy{RequireHolderBinding: true}, Options{Now: now}, CodeHolderBindingMissing},
		{"presented credential without cnf", rawPresent(t, unboundCOSE, h.holder, map[int64]any{3: "", 6: now.Unix()}), Policy{}, Options{Now: now}, CodeHolderBindingMissing},
		{"signed by another key than cnf", rawPresent(t, h.cred, h.other, map[int64]any{3: "", 6: now.Unix()}), Policy{}, Options{Now: now}, CodePresentationSignatureInvalid},
		{"issuer signature fails inside a valid presentation", rawPresent(t, forged, h.holder, map[int64]any{3: "", 6: now.Unix()}), Policy{}, Options{Now: now}, CodeSignatureInvalid},
		{"expired credential, live presentation", present(t, h.cred, h.holder, expired, nil, ""), Policy{}, Options{Now: expired}, CodeExpired},
		{"wrong nonce (a replay)", present(t, h.cred, h.holder, now, []byte("n-4710"), ""), Policy{}, Options{Now: now, Nonce: nonce}, CodeNonceMismatch},
		{"nonce missing", present(t, h.cred, h.holder, now, nil, ""), Policy{}, Options{Now: now, Nonce: nonce}, CodeNonceMismatch},
		{"nonce the verifier did not show", present(t, h.cred, h.holder, now, nonce, ""), Policy{}, Options{Now: now}, CodeNonceMismatch},
		{"wrong audience", present(t, h.cred, h.holder, now, nil, "hotel-desk"), Policy{}, Options{Now: now, Audience: "gate-7"}, CodeAudienceMismatch},
		{"audience where the verifier shows none", present(t, h.cred, h.holder, now, nil, "hotel-desk"), Policy{}, Options{Now: now}, CodeAudienceMismatch},
		{"no audience where the verifier shows one", present(t, h.cred, h.holder, now, nil, ""), Policy{}, Options{Now: now, Audience: "gate-7"}, CodeAudienceMismatch},
		// The window: [now - 60s - 5s, now + 5s] by default.
		{"skew: 5s ahead accepted", present(t, h.cred, h.holder, now.Add(5*time.Second), nil, ""), Policy{}, Options{Now: now}, CodeValid},
		{"skew: 6s ahead refused", present(t, h.cred, h.holder, now.Add(6*time.Second), nil, ""), Policy{}, Options{Now: now}, CodePresentationFuture},
		{"skew: 65s old accepted", present(t, h.cred, h.holder, now.Add(-65*time.Second), nil, ""), Policy{}, Options{Now: now}, CodeValid},
		{"skew: 66s old refused", present(t, h.cred, h.holder, now.Add(-66*time.Second), nil, ""), Policy{}, Options{Now: now}, CodePresentationStale},
		{"screenshot a minute and a quarter later", present(t, h.cred, h.holder, now, nil, ""), Policy{}, Options{Now: now.Add(75 * time.Second)}, CodePresentationStale},
		{"longer window by policy", present(t, h.cred, h.holder, now.Add(-2*time.Minute), nil, ""), Policy{MaxPresentationAge: 3 * time.Minute}, Options{Now: now}, CodeValid},
		{"no skew by policy", present(t, h.cred, h.holder, now.Add(time.Second), nil, ""), Policy{PresentationSkew: -1}, Options{Now: now}, CodePresentationFuture},
		{"claims outside the profile", rawPresent(t, h.cred, h.holder, map[int64]any{3: "", 6: now.Unix(), 4: now.Unix() + 60}), Policy{}, Options{Now: now}, CodeMalformed},
		{"claims without iat", rawPresent(t, h.cred, h.holder, map[int64]any{3: ""}), Policy{}, Options{Now: now}, CodeMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := h.verifier(t, tt.policy).Verify(tt.text, tt.opts)
			if got.Code != tt.want {
				t.Fatalf("got %s (%s); want %s", got.Code, got.Detail, tt.want)
			}
			if got.Valid != (tt.want == CodeValid) || (!got.Valid && got.Claims != nil) {
				t.Fatalf("valid %v with claims %v", got.Valid, got.Claims != nil)
			}
			for _, w := range got.Warnings {
				if w.Code == WarnHolderBindingUnchecked && tt.want == CodeValid && presentation.IsQR(tt.text) {
					t.Errorf("a presentation warns %s", w.Code)
				}
			}
		})
	}
}

// TestPresentationReplay: a gate with a replay cache refuses the same
// presentation twice within its window; after the window it is stale, not
// replayed; an undetermined result is not recorded.
func TestPresentationReplay(t *testing.T) {
	h := newHolderFixture(t, credential.ES256)
	now := fixedNow.Add(time.Hour)
	v := h.verifier(t, Policy{RequireHolderBinding: true})
	cache := &memReplay{}
	text := present(t, h.cred, h.holder, now, nil, "")
	steps := []struct {
		at   time.Time
		want Code
	}{
		{now, CodeValid},
		{now.Add(time.Second), CodePresentationReplayed},
		{now.Add(65 * time.Second), CodePresentationReplayed},
		{now.Add(66 * time.Second), CodePresentationStale}, // replay after the window
	}
	for i, s := range steps {
		if got := v.Verify(text, Options{Now: s.at, Replay: cache}); got.Code != s.want {
			t.Fatalf("step %d: got %s (%s); want %s", i, got.Code, got.Detail, s.want)
		}
	}
	// Another presentation from the same device is not a replay.
	if got := v.Verify(present(t, h.cred, h.holder, now.Add(30*time.Second), nil, ""), Options{Now: now.Add(31 * time.Second), Replay: cache}); got.Code != CodeValid {
		t.Fatalf("a fresh presentation: %s (%s)", got.Code, got.Detail)
	}
	// Refused presentations are not recorded: a wrong audience now, then
	// the right one, is valid once.
	other := present(t, h.cred, h.holder, now, nil, "gate-7")
	if got := v.Verify(other, Options{Now: now, Replay: cache}); got.Code != CodeAudienceMismatch {
		t.Fatalf("got %s", got.Code)
	}
	if got := v.Verify(other, Options{Now: now, Audience: "gate-7", Replay: cache}); got.Code != CodeValid {
		t.Fatalf("got %s (%s)", got.Code, got.Detail)
	}
}
