package verifier

import (
	"bytes"
	"errors"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/presentation"
)

// Presented describes the presentation a credential came in.
type Presented struct {
	// IssuedAt is the presentation's iat: when the holder's device signed.
	IssuedAt string `json:"iat"`
	// Audience is its aud ("" for no particular verifier).
	Audience string `json:"aud"`
	// Nonce reports whether it carried this verifier's nonce.
	Nonce bool `json:"nonce"`
}

// VerifyPresentation checks a presentation's COSE_Sign1
// (spec/presentation.md §5): its structure, then the credential it holds
// as VerifyCOSE does (every step of credential.md §8), then the holder's
// signature with the key of the credential's cnf, the presentation's time
// window, the nonce and audience of opts, and last, when the result is
// otherwise valid, opts.Replay. An invalid finding about the presentation
// wins over an undetermined one about the credential.
func (v *Verifier) VerifyPresentation(data []byte, opts Options) Result {
	p, err := presentation.Parse(data)
	if err != nil {
		return presentationErr(err)
	}
	r, claims := v.verifyCredential(p.Credential(), opts, true)
	if claims == nil || r.Verdict == VerdictInvalid {
		return r
	}
	base := r
	base.Valid, base.Verdict, base.Code, base.Claims, base.Credential = false, "", "", nil, nil
	alg, pub, ok, err := claims.HolderKey()
	if err != nil || !ok {
		return base.fail(CodeHolderBindingMissing, "the presented credential has no holder key (cnf): it cannot be bound to a device")
	}
	// Holder keys are not kept like trusted keys: every holder has their
	// own (credential.ParseConfirmation memoizes the decoding).
	hk, err := credential.NewVerifyKey(alg, pub)
	if err != nil {
		return base.fail(CodeHolderBindingMissing, "the credential's holder key: %v", err)
	}
	pc, err := p.Verify(hk)
	if err != nil {
		return presentationErrOn(base, err)
	}
	at := opts.now()
	skew, maxAge := v.policy.PresentationSkew, v.policy.MaxPresentationAge
	base.Presented = &Presented{IssuedAt: stamp(pc.IssuedAt), Audience: pc.Audience, Nonce: pc.Nonce != nil}
	switch {
	case pc.IssuedAt.After(at.Add(skew)):
		return base.fail(CodePresentationFuture, "presented at %s, now %s: more than %s ahead", stamp(pc.IssuedAt), stamp(at), skew)
	case pc.IssuedAt.Before(at.Add(-maxAge - skew)):
		return base.fail(CodePresentationStale, "presented at %s, now %s: older than %s (plus %s of skew); a screenshot is worthless", stamp(pc.IssuedAt), stamp(at), maxAge, skew)
	}
	// An empty nonce is none (a cnonce is 1 to 64 bytes, presentation.md §4).
	switch shown := len(opts.Nonce) > 0; {
	case !shown && pc.Nonce != nil:
		return base.fail(CodeNonceMismatch, "the presentation carries a nonce this verifier did not show")
	case shown && pc.Nonce == nil:
		return base.fail(CodeNonceMismatch, "the presentation carries no nonce; this verifier showed one")
	case shown && !bytes.Equal(opts.Nonce, pc.Nonce):
		return base.fail(CodeNonceMismatch, "the presentation carries another nonce than the one this verifier showed: a replay")
	}
	if pc.Audience != opts.Audience {
		if opts.Audience == "" {
			return base.fail(CodeAudienceMismatch, "the presentation is for audience %q; this verifier shows none", pc.Audience)
		}
		return base.fail(CodeAudienceMismatch, "the presentation is for audience %q, not %q", pc.Audience, opts.Audience)
	}
	if !r.Valid {
		r.Presented = base.Presented
		return r // undetermined: not recorded, so that it may be verified again after a sync
	}
	if opts.Replay != nil && opts.Replay.Seen(p.ReplayKey(), at, pc.IssuedAt.Add(maxAge+skew)) {
		return base.fail(CodePresentationReplayed, "this presentation was shown here before, at most %s ago", maxAge+skew)
	}
	r.Presented = base.Presented
	return r
}

// presentationErr is the result of a presentation that does not parse.
func presentationErr(err error) Result {
	return presentationErrOn(Result{Warnings: []Warning{}}, err)
}

func presentationErrOn(base Result, err error) Result {
	code := decodeCode(err)
	if errors.Is(err, presentation.ErrSignatureInvalid) {
		code = CodePresentationSignatureInvalid
	}
	r := base.fail(code, "presentation: %v", err)
	if code == CodeMalformed {
		r.Reason = presentation.Reason(err)
	}
	return r
}
