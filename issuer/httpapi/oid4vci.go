package httpapi

// The wallet-facing endpoints of OpenID for Verifiable Credential Issuance
// 1.0, pre-authorized code flow only (spec/oid4vci.md): issuer and
// authorization server metadata, /token, /nonce and /credential.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/netcred/netcred/internal/strictjson"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/status"
)

// FormatID is the credential format identifier of netcred's profile: the
// credential is the QR text (NC1:...) of spec/credential.md.
const FormatID = "netcred_cwt"

// MaxTokenBody caps a token request; MaxCredentialBody a credential
// request (ten proofs of MaxProofSize and room to spare).
const (
	MaxTokenBody      = 4096
	MaxCredentialBody = 64 << 10
)

// OAuth error codes (RFC 6749 §5.2, RFC 6750 §3.1, OpenID4VCI §8.3.1.2).
const (
	OAuthInvalidRequest           = "invalid_request"
	OAuthInvalidGrant             = "invalid_grant"
	OAuthUnsupportedGrantType     = "unsupported_grant_type"
	OAuthInvalidToken             = "invalid_token"
	OAuthInvalidCredentialRequest = "invalid_credential_request"
	OAuthUnknownConfiguration     = "unknown_credential_configuration"
	OAuthInvalidProof             = "invalid_proof"
	OAuthInvalidNonce             = "invalid_nonce"
	OAuthRequestDenied            = "credential_request_denied"
	OAuthServerError              = "server_error"
)

// OAuthError is a refusal of a wallet-facing endpoint, answered as
// {"error": Code, "error_description": Description}.
type OAuthError struct {
	Status      int
	Code        string
	Description string
}

func (e *OAuthError) Error() string { return "httpapi: " + e.Code + ": " + e.Description }

// oid4vci is the state of the OpenID4VCI endpoints.
type oid4vci struct {
	offers    OfferBackend
	issuerURL atomic.Pointer[string]
	nonces    *nonces
}

func newOID4VCI(o Options) *oid4vci {
	v := &oid4vci{nonces: newNonces(o.Keys.Current())}
	v.offers, _ = o.Backend.(OfferBackend)
	u := strings.TrimSuffix(o.IssuerURL, "/")
	v.issuerURL.Store(&u)
	return v
}

func (v *oid4vci) issuer() string { return *v.issuerURL.Load() }

// CheckIssuerURL reports whether u can be a credential issuer identifier:
// an http or https URL with a host and no user, path, query or fragment.
func CheckIssuerURL(u string) error {
	p, err := url.Parse(strings.TrimSuffix(u, "/"))
	if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" || p.User != nil ||
		p.Path != "" || p.RawQuery != "" || p.ForceQuery || p.Fragment != "" {
		return fmt.Errorf("httpapi: credential issuer URL %q: want http(s)://HOST[:PORT] with no path, query or fragment", u)
	}
	return nil
}

// SetIssuerURL sets the credential issuer identifier (an https or http
// URL without a path, query or fragment), for a server that learns its
// address only once it listens.
func (s *Server) SetIssuerURL(u string) {
	u = strings.TrimSuffix(u, "/")
	s.oid.issuerURL.Store(&u)
}

func (s *Server) oid4vciRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /v1/offers", s.handleOffer)
	mux.HandleFunc("GET /.well-known/openid-credential-issuer", s.handleIssuerMetadata)
	mux.HandleFunc("GET /.well-known/oauth-authorization-server", s.handleASMetadata)
	mux.HandleFunc("POST /token", s.handleToken)
	mux.HandleFunc("POST /nonce", s.handleNonce)
	mux.HandleFunc("POST /credential", s.handleCredential)
}

// sweepOffers deletes expired offers every minute until ctx ends.
func (s *Server) sweepOffers(ctx context.Context) {
	if s.oid.offers == nil {
		return
	}
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		if err := s.oid.offers.SweepOffers(ctx); err != nil {
			s.log.Error("sweeping expired offers", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// oauthFail answers with an OAuth error body; any error that is not an
// *OAuthError is a 500 server_error whose cause only the log sees.
func (s *Server) oauthFail(w http.ResponseWriter, r *http.Request, err error) {
	var oe *OAuthError
	if !errors.As(err, &oe) {
		s.log.Error("request failed", "request_id", w.Header().Get("X-Request-Id"), "err", err)
		oe = &OAuthError{Status: 500, Code: OAuthServerError, Description: "internal error; see the service log"}
	}
	if rec := recorderOf(r); rec != nil {
		rec.code = oe.Code
	}
	s.m.errors.WithLabelValues(oe.Code).Inc()
	if oe.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer error="`+oe.Code+`"`)
	}
	writeJSON(w, oe.Status, struct {
		Error       string `json:"error"`
		Description string `json:"error_description,omitempty"`
	}{oe.Code, oe.Description})
}

// throttled answers 429 when the request's address is past its failed
// authentications (service.md §2; a wrong code or token counts as one).
func (s *Server) throttled(w http.ResponseWriter, r *http.Request) bool {
	blocked, wait := s.fails.blocked(r.RemoteAddr, s.now())
	if !blocked {
		return false
	}
	secs := max(int((wait+time.Second-1)/time.Second), 1)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	s.oauthFail(w, r, &OAuthError{Status: http.StatusTooManyRequests, Code: OAuthInvalidRequest,
		Description: fmt.Sprintf("too many failed attempts from this address; retry after %d s", secs)})
	return true
}

// countFailure counts a refused code or token against the address.
func (s *Server) countFailure(r *http.Request, err error) {
	var oe *OAuthError
	if errors.As(err, &oe) && (oe.Code == OAuthInvalidGrant || oe.Code == OAuthInvalidToken) {
		s.fails.failed(r.RemoteAddr, s.now())
	}
}

func (s *Server) available(w http.ResponseWriter, r *http.Request) bool {
	if s.oid.offers == nil || s.oid.issuer() == "" {
		s.fail(w, r, Refuse(ErrNotFound, CodeNotFound, "", "this service does not issue through OpenID4VCI"))
		return false
	}
	return true
}

// configurationMetadata is one entry of credential_configurations_supported.
type configurationMetadata struct {
	Format           string              `json:"format"`
	Type             string              `json:"netcred_type"`
	Level            string              `json:"netcred_level"`
	Binding          []string            `json:"cryptographic_binding_methods_supported"`
	SigningAlgs      []int64             `json:"credential_signing_alg_values_supported"`
	ProofTypes       map[string]proofAlg `json:"proof_types_supported"`
	CredentialMetada struct {
		Display []display `json:"display"`
	} `json:"credential_metadata"`
}

type proofAlg struct {
	Algs []string `json:"proof_signing_alg_values_supported"`
}

type display struct {
	Name string `json:"name"`
}

// IssuerMetadata is the Credential Issuer Metadata (OpenID4VCI §12.2)
// this server publishes.
func (s *Server) IssuerMetadata() ([]byte, error) {
	iss := s.oid.issuer()
	alg, err := s.keys.Current().Algorithm().COSE()
	if err != nil {
		return nil, err
	}
	confs := map[string]configurationMetadata{}
	for _, c := range s.oid.offers.Configurations() {
		m := configurationMetadata{Format: FormatID, Type: c.Type, Level: c.Level.String(), Binding: []string{"jwk"},
			SigningAlgs: []int64{alg}, ProofTypes: map[string]proofAlg{"jwt": {Algs: []string{"ES256", "EdDSA"}}}}
		m.CredentialMetada.Display = []display{{Name: c.Type + " (" + c.Level.String() + ")"}}
		confs[c.ID()] = m
	}
	return json.Marshal(map[string]any{
		"credential_issuer":                   iss,
		"credential_endpoint":                 iss + "/credential",
		"nonce_endpoint":                      iss + "/nonce",
		"batch_credential_issuance":           map[string]int{"batch_size": MaxBatch},
		"credential_configurations_supported": confs,
	})
}

// MaxBatch is the most proofs (and so credentials) one credential request
// may carry.
const MaxBatch = issuer.MaxBatch

func (s *Server) handleIssuerMetadata(w http.ResponseWriter, r *http.Request) {
	if !s.available(w, r) {
		return
	}
	b, err := s.IssuerMetadata()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	writeRaw(w, http.StatusOK, append(b, '\n'))
}

func (s *Server) handleASMetadata(w http.ResponseWriter, r *http.Request) {
	if !s.available(w, r) {
		return
	}
	iss := s.oid.issuer()
	w.Header().Set("Cache-Control", "public, max-age=300")
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                   iss,
		"token_endpoint":           iss + "/token",
		"response_types_supported": []string{},
		"grant_types_supported":    []string{PreAuthorizedGrant},
		"pre-authorized_grant_anonymous_access_supported": true,
		"token_endpoint_auth_methods_supported":           []string{"none"},
	})
}

// tokenRequest is a decoded token request.
type tokenRequest struct {
	Code, TxCode string
}

// decodeToken decodes a token request body (application/x-www-form-
// urlencoded): grant_type the pre-authorized code grant, pre-authorized_code
// and tx_code each exactly once. Unknown parameters are ignored (RFC 6749
// §3.2).
func decodeToken(contentType string, body []byte) (*tokenRequest, *OAuthError) {
	bad := func(format string, args ...any) *OAuthError {
		return &OAuthError{Status: 400, Code: OAuthInvalidRequest, Description: fmt.Sprintf(format, args...)}
	}
	if mt, _, err := mime.ParseMediaType(contentType); err != nil || mt != "application/x-www-form-urlencoded" {
		return nil, bad("the token request must be application/x-www-form-urlencoded")
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, bad("the body is not a form: %v", err)
	}
	one := func(name string) (string, *OAuthError) {
		v := form[name]
		switch {
		case len(v) == 0 || v[0] == "":
			return "", bad("%s is missing", name)
		case len(v) > 1:
			return "", bad("%s is given %d times", name, len(v))
		}
		return v[0], nil
	}
	gt, oe := one("grant_type")
	if oe != nil {
		return nil, oe
	}
	if gt != PreAuthorizedGrant {
		return nil, &OAuthError{Status: 400, Code: OAuthUnsupportedGrantType, Description: fmt.Sprintf("grant_type %q: this issuer supports only %s", gt, PreAuthorizedGrant)}
	}
	var t tokenRequest
	if t.Code, oe = one("pre-authorized_code"); oe != nil {
		return nil, oe
	}
	if t.TxCode, oe = one("tx_code"); oe != nil {
		oe.Description += ": every offer of this issuer needs the transaction code the enrollment terminal showed"
		return nil, oe
	}
	return &t, nil
}

func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	if !s.available(w, r) {
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxTokenBody))
	if err != nil {
		s.oauthFail(w, r, &OAuthError{Status: 400, Code: OAuthInvalidRequest, Description: fmt.Sprintf("the body is larger than %d bytes or unreadable", MaxTokenBody)})
		return
	}
	req, oe := decodeToken(r.Header.Get("Content-Type"), body)
	if oe != nil {
		s.oauthFail(w, r, oe)
		return
	}
	if s.throttled(w, r) {
		return
	}
	g, err := s.oid.offers.RedeemOffer(r.Context(), req.Code, req.TxCode)
	if err != nil {
		s.countFailure(r, err)
		s.oauthFail(w, r, err)
		return
	}
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": g.Token, "token_type": "Bearer",
		"expires_in": max(1, int(time.Until(g.Expires)/time.Second)),
	})
}

func (s *Server) handleNonce(w http.ResponseWriter, r *http.Request) {
	if !s.available(w, r) {
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"c_nonce": s.oid.nonces.make(s.now())})
}

// credentialBody is the JSON of a credential request.
type credentialBody struct {
	ConfigurationID *string `json:"credential_configuration_id"`
	Proofs          *struct {
		JWT []string `json:"jwt"`
	} `json:"proofs"`
}

// decodeCredentialRequest decodes a credential request: a
// credential_configuration_id and proofs.jwt, 1 to MaxBatch proofs;
// unknown members (proof, credential_identifier, encryption) are refused.
func decodeCredentialRequest(data []byte) (string, []string, *OAuthError) {
	bad := func(format string, args ...any) *OAuthError {
		return &OAuthError{Status: 400, Code: OAuthInvalidCredentialRequest, Description: fmt.Sprintf(format, args...)}
	}
	var b credentialBody
	if err := strictjson.Unmarshal(data, &b, strictjson.DisallowUnknownFields(), strictjson.MaxSize(MaxCredentialBody)); err != nil {
		return "", nil, bad("%s", strings.TrimPrefix(err.Error(), "strictjson: "))
	}
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		return "", nil, bad("the body must be a JSON object")
	}
	switch {
	case b.ConfigurationID == nil || *b.ConfigurationID == "":
		return "", nil, bad("credential_configuration_id is missing")
	case b.Proofs == nil || len(b.Proofs.JWT) == 0:
		return "", nil, &OAuthError{Status: 400, Code: OAuthInvalidProof, Description: "proofs.jwt is missing: each credential needs a proof of possession of the holder key"}
	case len(b.Proofs.JWT) > MaxBatch:
		return "", nil, bad("%d proofs: at most %d (batch_credential_issuance.batch_size)", len(b.Proofs.JWT), MaxBatch)
	}
	return *b.ConfigurationID, b.Proofs.JWT, nil
}

func (s *Server) handleCredential(w http.ResponseWriter, r *http.Request) {
	if !s.available(w, r) {
		return
	}
	if s.throttled(w, r) {
		return
	}
	h := r.Header.Get("Authorization")
	scheme, token, _ := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || token == "" || len(token) > 256 {
		s.oauthFail(w, r, &OAuthError{Status: 401, Code: OAuthInvalidToken, Description: "send the access token from the token endpoint: Authorization: Bearer TOKEN"})
		return
	}
	info, err := s.oid.offers.OfferOfToken(r.Context(), token)
	if err != nil {
		s.countFailure(r, err)
		s.oauthFail(w, r, err)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			s.oauthFail(w, r, &OAuthError{Status: 400, Code: OAuthInvalidCredentialRequest, Description: "the credential request must be application/json"})
			return
		}
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxCredentialBody))
	if err != nil {
		s.oauthFail(w, r, &OAuthError{Status: 400, Code: OAuthInvalidCredentialRequest, Description: fmt.Sprintf("the body is larger than %d bytes or unreadable", MaxCredentialBody)})
		return
	}
	confID, jwts, oe := decodeCredentialRequest(data)
	if oe != nil {
		s.oauthFail(w, r, oe)
		return
	}
	offered := Configuration{Type: info.Type, Level: info.Level}.ID()
	if confID != offered {
		known := false
		for _, c := range s.oid.offers.Configurations() {
			known = known || c.ID() == confID
		}
		if !known {
			s.oauthFail(w, r, &OAuthError{Status: 400, Code: OAuthUnknownConfiguration, Description: fmt.Sprintf("no credential configuration %q in the metadata", confID)})
		} else {
			s.oauthFail(w, r, &OAuthError{Status: 400, Code: OAuthRequestDenied, Description: fmt.Sprintf("the offer is for %s, not %s", offered, confID)})
		}
		return
	}
	now := s.now()
	holders := make([]*keys.PublicKey, len(jwts))
	nonces := map[string]time.Time{}
	seen := map[string]bool{}
	for i, jwt := range jwts {
		p, oe := parseProof(i, jwt, s.oid.issuer(), now)
		if oe != nil {
			s.oauthFail(w, r, oe)
			return
		}
		exp, ok := s.oid.nonces.check(p.Nonce, now)
		if !ok {
			s.oauthFail(w, r, &OAuthError{Status: 400, Code: OAuthInvalidNonce, Description: fmt.Sprintf("proofs.jwt[%d]: the nonce is not a fresh c_nonce of this issuer; get a new one from the nonce endpoint", i)})
			return
		}
		if seen[p.Key.Thumbprint()] {
			s.oauthFail(w, r, proofError(i, "the same key as an earlier proof: each credential of a batch needs its own key"))
			return
		}
		seen[p.Key.Thumbprint()] = true
		nonces[p.Nonce] = exp
		holders[i] = p.Key
	}
	for n, exp := range nonces {
		fresh, err := s.oid.offers.UseNonce(r.Context(), n, exp)
		if err != nil {
			s.oauthFail(w, r, err)
			return
		}
		if !fresh {
			s.oauthFail(w, r, &OAuthError{Status: 400, Code: OAuthInvalidNonce, Description: "the c_nonce was used before; get a new one from the nonce endpoint"})
			return
		}
	}
	start := time.Now()
	issued, err := s.oid.offers.IssueOffer(r.Context(), token, holders)
	if err != nil {
		s.oauthFail(w, r, err)
		return
	}
	s.ObserveCommit(time.Since(start))
	type cred struct {
		Credential string `json:"credential"`
	}
	out := struct {
		Credentials []cred `json:"credentials"`
	}{}
	for _, c := range issued {
		out.Credentials = append(out.Credentials, cred{c.QR})
		s.m.issued.WithLabelValues(info.Type, info.Level.String()).Inc()
	}
	if len(issued) > 0 {
		if _, ok := s.pub.current.Load().byName["file:"+status.FileName(issued[0].StatusURI)]; !ok {
			s.pub.request()
		}
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "credentials issued for an offer", slog.String("request_id", w.Header().Get("X-Request-Id")),
		slog.Int("count", len(issued)), slog.String("type", info.Type), slog.String("level", info.Level.String()))
	writeJSON(w, http.StatusOK, out)
}
