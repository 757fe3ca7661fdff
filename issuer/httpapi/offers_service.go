package httpapi

// ServiceBackend's side of the pre-authorized code flow: issuer.Service's
// offers, with their errors mapped to OAuth error codes.

import (
	"context"
	"errors"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/schemas"
)

var _ OfferBackend = (*ServiceBackend)(nil)

// CreateOffer implements OfferBackend.
func (b *ServiceBackend) CreateOffer(_ context.Context, req *OfferRequest) (*OfferCreated, error) {
	ev := req.Evidence
	if ev == nil {
		ev = &Decision{}
	}
	o, err := b.svc.Load().CreateOffer(issuer.OfferRequest{
		Client: req.Client.Name, Type: req.Type, Level: req.Level, Evidence: ev.Evidence,
		Summary: issuer.EvidenceSummary{Method: ev.Method, At: ev.At, Terminal: ev.Terminal},
		Claims:  req.ClaimsJSON, ValidFor: req.ValidFor,
	})
	if err != nil {
		return nil, issueError(err)
	}
	return &OfferCreated{ID: o.ID, Code: o.Code, TxCode: o.TxCode, Expires: o.Expires}, nil
}

// offerError maps the issuer's offer errors to OAuth errors.
func offerError(err error) error {
	grant := func() error { return &OAuthError{Status: 400, Code: OAuthInvalidGrant, Description: err.Error()} }
	switch {
	case errors.Is(err, issuer.ErrOfferUnknown), errors.Is(err, issuer.ErrOfferUsed), errors.Is(err, issuer.ErrOfferExpired),
		errors.Is(err, issuer.ErrOfferInvalidated), errors.Is(err, issuer.ErrTxCode):
		return grant()
	case errors.Is(err, issuer.ErrAccessToken):
		return &OAuthError{Status: 401, Code: OAuthInvalidToken, Description: err.Error()}
	case errors.Is(err, issuer.ErrBatch):
		return &OAuthError{Status: 400, Code: OAuthInvalidCredentialRequest, Description: err.Error()}
	case errors.Is(err, issuer.ErrLevel), errors.Is(err, issuer.ErrEvidence), errors.Is(err, issuer.ErrValidity),
		errors.Is(err, schemas.ErrUnknownType):
		return &OAuthError{Status: 400, Code: OAuthRequestDenied, Description: err.Error()}
	}
	return err
}

// RedeemOffer implements OfferBackend.
func (b *ServiceBackend) RedeemOffer(_ context.Context, code, txCode string) (*Grant, error) {
	t, err := b.svc.Load().RedeemOffer(code, txCode)
	if err != nil {
		return nil, offerError(err)
	}
	return &Grant{Token: t.Token, Expires: t.Expires}, nil
}

// OfferOfToken implements OfferBackend.
func (b *ServiceBackend) OfferOfToken(_ context.Context, token string) (*OfferInfo, error) {
	o, err := b.svc.Load().OfferOfToken(token)
	if err != nil {
		return nil, offerError(err)
	}
	return &OfferInfo{Type: o.Type, Level: o.Level}, nil
}

// IssueOffer implements OfferBackend.
func (b *ServiceBackend) IssueOffer(_ context.Context, token string, holders []*keys.PublicKey) ([]*Issued, error) {
	svc := b.svc.Load()
	outs, err := svc.IssueOffer(token, holders)
	if err != nil {
		return nil, offerError(err)
	}
	res := make([]*Issued, len(outs))
	for i, out := range outs {
		b.ring.Signed(svc.Issuer().KID(), out.Claims.Expiry)
		ref := out.Claims.Status
		res[i] = &Issued{ID: b.apiID(ref), QR: out.QR, StatusURI: ref.URI, StatusIndex: ref.Index, Expires: out.Claims.Expiry}
	}
	return res, nil
}

// UseNonce implements OfferBackend.
func (b *ServiceBackend) UseNonce(_ context.Context, nonce string, until time.Time) (bool, error) {
	return b.svc.Load().UseNonce(nonce, until)
}

// Configurations implements OfferBackend: every type of the registry at
// every level from its minimum up.
func (b *ServiceBackend) Configurations() []Configuration {
	reg := b.opts.Registry
	if reg == nil {
		reg = schemas.Builtin()
	}
	var out []Configuration
	for _, s := range reg.Schemas() {
		for l := max(s.MinLevel, credential.LevelLow); l <= credential.LevelHigh; l++ {
			out = append(out, Configuration{Type: s.Name, Level: l})
		}
	}
	return out
}

// SweepOffers implements OfferBackend.
func (b *ServiceBackend) SweepOffers(context.Context) error {
	_, err := b.svc.Load().SweepOffers()
	return err
}
