package httpapi

// POST /v1/offers: an enrollment client turns a checked request into a
// credential offer of the OpenID4VCI pre-authorized code flow
// (spec/oid4vci.md §2), redeemed later by the holder's wallet.

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/keys"
)

// PreAuthorizedGrant is the grant type of the pre-authorized code flow.
const PreAuthorizedGrant = "urn:ietf:params:oauth:grant-type:pre-authorized_code"

// OfferRequest is a checked request for an offer: the client may ask for
// its type and level, and the evidence earns the level.
type OfferRequest struct {
	Client     *Client
	Type       string
	Level      credential.Level
	ClaimsJSON json.RawMessage
	Evidence   *Decision
	ValidFor   time.Duration
}

// OfferCreated is a stored offer and its secrets.
type OfferCreated struct {
	ID string
	// Code is the pre-authorized code; TxCode the transaction code.
	Code, TxCode string
	Expires      time.Time
}

// Grant is an access token given for a pre-authorized code.
type Grant struct {
	Token   string
	Expires time.Time
}

// OfferInfo is what the credential endpoint needs of the offer behind an
// access token.
type OfferInfo struct {
	Type  string
	Level credential.Level
}

// Configuration is one credential configuration of the metadata: a type
// at a level.
type Configuration struct {
	Type  string
	Level credential.Level
}

// ID is the configuration's identifier: type, "_", level.
func (c Configuration) ID() string { return c.Type + "_" + c.Level.String() }

// OfferBackend is the issuer's side of the pre-authorized code flow. A
// Backend that also implements it gets the OpenID4VCI endpoints. Refusals
// of the wallet-facing methods are *OAuthError values.
type OfferBackend interface {
	// CreateOffer stores an offer (durably, when it returns nil).
	CreateOffer(ctx context.Context, req *OfferRequest) (*OfferCreated, error)
	// RedeemOffer exchanges a pre-authorized code and transaction code
	// for an access token, once.
	RedeemOffer(ctx context.Context, code, txCode string) (*Grant, error)
	// OfferOfToken returns the offer of a valid, unused access token.
	OfferOfToken(ctx context.Context, token string) (*OfferInfo, error)
	// IssueOffer issues one credential per holder key, once per token.
	IssueOffer(ctx context.Context, token string, holders []*keys.PublicKey) ([]*Issued, error)
	// UseNonce records a c_nonce as used until it expires; false if it
	// was used before.
	UseNonce(ctx context.Context, nonce string, until time.Time) (bool, error)
	// Configurations lists the type/level pairs that can be offered.
	Configurations() []Configuration
	// SweepOffers deletes the expired offers.
	SweepOffers(ctx context.Context) error
}

// offerAnswer is the 201 body of POST /v1/offers.
type offerAnswer struct {
	ID              string          `json:"id"`
	OfferURI        string          `json:"offer_uri"`
	CredentialOffer json.RawMessage `json:"credential_offer"`
	TxCode          string          `json:"tx_code"`
	Expires         string          `json:"expires"`
}

// credentialOffer is the Credential Offer object (OpenID4VCI §4.1.1).
type credentialOffer struct {
	CredentialIssuer string                   `json:"credential_issuer"`
	ConfigurationIDs []string                 `json:"credential_configuration_ids"`
	Grants           map[string]preAuthorized `json:"grants"`
}

type preAuthorized struct {
	Code   string  `json:"pre-authorized_code"`
	TxCode *txCode `json:"tx_code,omitempty"`
}

type txCode struct {
	InputMode   string `json:"input_mode"`
	Length      int    `json:"length"`
	Description string `json:"description,omitempty"`
}

// OfferURIScheme starts the URI of an offer passed by value.
const OfferURIScheme = "openid-credential-offer://"

// txCodeSpec is the tx_code object of every offer.
var txCodeSpec = &txCode{InputMode: "numeric", Length: 6, Description: "the code the enrollment terminal shows"}

func (s *Server) handleOffer(w http.ResponseWriter, r *http.Request) {
	ob := s.oid.offers
	client, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	if ob == nil || s.oid.issuer() == "" {
		s.fail(w, r, &Error{Status: http.StatusServiceUnavailable, Code: CodeUnavailable, Message: "this service does not make credential offers (no credential issuer URL)"})
		return
	}
	data, err := readBody(w, r, s.maxBody)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, err := decodeIssue(data, int(s.maxBody))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if in.HolderKey != nil {
		s.fail(w, r, invalid("holder_key", "an offer takes no holder_key: the wallet proves its own key when it redeems the offer"))
		return
	}
	// The same scope and evidence rules as POST /v1/credentials, now:
	// an attestation is used up by the offer, not by the redemption.
	decision, err := s.judge(r.Context(), client, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	start := time.Now()
	o, err := ob.CreateOffer(r.Context(), &OfferRequest{Client: client, Type: in.Type, Level: in.Level, ClaimsJSON: in.ClaimsJSON, Evidence: decision, ValidFor: in.ValidFor})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.ObserveCommit(time.Since(start))
	offer, err := json.Marshal(credentialOffer{
		CredentialIssuer: s.oid.issuer(),
		ConfigurationIDs: []string{Configuration{Type: in.Type, Level: in.Level}.ID()},
		Grants:           map[string]preAuthorized{PreAuthorizedGrant: {Code: o.Code, TxCode: txCodeSpec}},
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, offerAnswer{ID: o.ID, OfferURI: OfferURIScheme + "?credential_offer=" + url.QueryEscape(string(offer)),
		CredentialOffer: offer, TxCode: o.TxCode, Expires: stamp(o.Expires)})
}
