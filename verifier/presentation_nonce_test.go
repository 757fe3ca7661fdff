package verifier

import (
	"testing"
	"time"

	"github.com/netcred/netcred/credential"
)

// TestEmptyNonceIsNone: a caller's empty, non-nil Options.Nonce means the
// verifier showed none (a cnonce is 1 to 64 bytes, spec/presentation.md
// §4), exactly as nil: a presentation without a nonce is accepted and one
// with a nonce refused.
func TestEmptyNonceIsNone(t *testing.T) {
	h := newHolderFixture(t, credential.ES256)
	now := fixedNow.Add(time.Hour)
	v := h.verifier(t, Policy{RequireHolderBinding: true})
	plain := present(t, h.cred, h.holder, now, nil, "")
	nonced := present(t, h.cred, h.holder, now, []byte("n-4711"), "")
	for _, shown := range [][]byte{nil, {}} {
		if r := v.Verify(plain, Options{Now: now, Nonce: shown}); r.Code != CodeValid {
			t.Errorf("nonce %#v, no cnonce: %s (%s), want valid", shown, r.Code, r.Detail)
		}
		if r := v.Verify(nonced, Options{Now: now, Nonce: shown}); r.Code != CodeNonceMismatch {
			t.Errorf("nonce %#v, a cnonce: %s (%s), want nonce_mismatch", shown, r.Code, r.Detail)
		}
	}
}
