package httpapi

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/jws"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/keys"
)

const testIssuer = "https://issuer.example"

func newWalletService(t testing.TB) *storeService {
	t.Helper()
	ss := newStoreService(t)
	ss.srv.SetIssuerURL(testIssuer + "/")
	return ss
}

// form posts a token request.
func (ss *storeService) form(body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", "/token", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	ss.srv.Handler().ServeHTTP(w, req)
	return w
}

// credential posts a credential request with an access token.
func (ss *storeService) credential(token, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", "/credential", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	ss.srv.Handler().ServeHTTP(w, req)
	return w
}

type madeOffer struct {
	offerAnswer
	code string
}

// makeOffer makes a high identity offer through POST /v1/offers.
func (ss *storeService) makeOffer(t testing.TB) madeOffer {
	t.Helper()
	w := ss.h("POST", "/v1/offers", "police", issueBodyJSON("high", ss.attest(t, identityClaims, time.Now())))
	if w.Code != 201 {
		t.Fatalf("POST /v1/offers: %d %s", w.Code, w.Body)
	}
	var a madeOffer
	if err := json.Unmarshal(w.Body.Bytes(), &a.offerAnswer); err != nil {
		t.Fatal(err)
	}
	var o credentialOffer
	if err := json.Unmarshal(a.CredentialOffer, &o); err != nil {
		t.Fatal(err)
	}
	a.code = o.Grants[PreAuthorizedGrant].Code
	return a
}

func tokenForm(code, tx string) string {
	return url.Values{"grant_type": {PreAuthorizedGrant}, "pre-authorized_code": {code}, "tx_code": {tx}}.Encode()
}

func oauthCode(t testing.TB, w *httptest.ResponseRecorder) string {
	t.Helper()
	var m map[string]string
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		t.Fatalf("error body %q: %v", w.Body, err)
	}
	return m["error"]
}

func wrongTx(tx string) string {
	if tx == "000000" {
		return "111111"
	}
	return "000000"
}

func TestOfferEndpoint(t *testing.T) {
	ss := newWalletService(t)
	a := ss.makeOffer(t)
	if len(a.TxCode) != 6 || strings.Trim(a.TxCode, "0123456789") != "" {
		t.Errorf("tx_code %q; want 6 digits", a.TxCode)
	}
	u, err := url.Parse(a.OfferURI)
	if err != nil || u.Scheme != "openid-credential-offer" || u.Query().Get("credential_offer") != string(a.CredentialOffer) {
		t.Errorf("offer_uri %q does not carry the offer %s", a.OfferURI, a.CredentialOffer)
	}
	var o credentialOffer
	json.Unmarshal(a.CredentialOffer, &o)
	if o.CredentialIssuer != testIssuer || len(o.ConfigurationIDs) != 1 || o.ConfigurationIDs[0] != "identity_high" ||
		o.Grants[PreAuthorizedGrant].TxCode == nil || o.Grants[PreAuthorizedGrant].TxCode.Length != 6 {
		t.Errorf("offer %s", a.CredentialOffer)
	}
	if strings.Contains(string(a.CredentialOffer), a.TxCode) && !strings.Contains(a.code, a.TxCode) {
		t.Errorf("the offer (QR code) carries the transaction code")
	}
	now := time.Now()
	replayed := ss.attest(t, identityClaims, now)
	if w := ss.h("POST", "/v1/offers", "police", issueBodyJSON("high", replayed)); w.Code != 201 {
		t.Fatalf("offer: %d %s", w.Code, w.Body)
	}
	for _, tc := range []struct {
		name, token, body string
		status            int
		code, field       string
	}{
		{"no token", "", issueBodyJSON("high", ss.attest(t, identityClaims, now)), 401, CodeUnauthenticated, ""},
		{"level above the client's", "app", issueBodyJSON("high", ss.attest(t, identityClaims, now)), 403, CodeLevelNotAllowed, "level"},
		{"type not the client's", "police", `{"type":"passport","level":"high","claims":{}}`, 403, CodeTypeNotAllowed, "type"},
		{"attestation used by an earlier offer", "police", issueBodyJSON("high", replayed), 403, "attestation_replayed", "evidence[0]"},
		{"no evidence for high", "police", issueBodyJSON("high"), 403, CodeEvidence, "evidence"},
		{"holder key", "police", `{"type":"identity","level":"substantial","claims":` + identityClaims + `,"evidence":[` + faceMatch + `],"holder_key":{"kty":"OKP","crv":"Ed25519","alg":"EdDSA","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}}`, 400, CodeInvalidField, "holder_key"},
		{"unknown member", "police", `{"type":"identity","level":"low","claims":{},"colour":1}`, 400, CodeUnknownField, "colour"},
		{"claims the schema refuses", "app", `{"type":"identity","level":"substantial","claims":{"name":"x"},"evidence":[` + faceMatch + `]}`, 400, CodeInvalidClaims, ""},
	} {
		w := ss.h("POST", "/v1/offers", tc.token, tc.body)
		var e errorBody
		json.Unmarshal(w.Body.Bytes(), &e)
		if w.Code != tc.status || e.Error.Code != tc.code || (tc.field != "" && e.Error.Field != tc.field) {
			t.Errorf("%s: got %d %s (field %q); want %d %s (field %q)", tc.name, w.Code, e.Error.Code, e.Error.Field, tc.status, tc.code, tc.field)
		}
	}
}

func TestTokenEndpoint(t *testing.T) {
	ss := newWalletService(t)
	a := ss.makeOffer(t)
	other := ss.makeOffer(t)
	guessed := issuer.PreAuthorizedCodePrefix + a.ID + "." + base64.RawURLEncoding.EncodeToString(make([]byte, 32))
	for _, tc := range []struct {
		name, body string
		status     int
		code       string
	}{
		{"empty", "", 400, OAuthInvalidRequest},
		{"not a form", "%zz", 400, OAuthInvalidRequest},
		{"no grant_type", "pre-authorized_code=x&tx_code=1", 400, OAuthInvalidRequest},
		{"another grant", "grant_type=authorization_code&code=x", 400, OAuthUnsupportedGrantType},
		{"no code", url.Values{"grant_type": {PreAuthorizedGrant}, "tx_code": {a.TxCode}}.Encode(), 400, OAuthInvalidRequest},
		{"code twice", tokenForm(a.code, a.TxCode) + "&pre-authorized_code=x", 400, OAuthInvalidRequest},
		{"no tx_code", url.Values{"grant_type": {PreAuthorizedGrant}, "pre-authorized_code": {a.code}}.Encode(), 400, OAuthInvalidRequest},
		{"guessed code", tokenForm(guessed, a.TxCode), 400, OAuthInvalidGrant},
		{"another offer's tx_code", tokenForm(a.code, other.TxCode), 400, OAuthInvalidGrant},
		{"wrong tx_code", tokenForm(a.code, wrongTx(a.TxCode)), 400, OAuthInvalidGrant},
	} {
		w := ss.form(tc.body)
		if w.Code != tc.status || oauthCode(t, w) != tc.code {
			t.Errorf("%s: got %d %s; want %d %s", tc.name, w.Code, w.Body, tc.status, tc.code)
		}
	}
	req := httptest.NewRequest("POST", "/token", strings.NewReader(tokenForm(a.code, a.TxCode)))
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	ss.srv.Handler().ServeHTTP(w, req)
	if w.Code != 400 || oauthCode(t, w) != OAuthInvalidRequest {
		t.Errorf("JSON content type: got %d %s; want 400 invalid_request", w.Code, w.Body)
	}
	w = ss.form(tokenForm(a.code, a.TxCode))
	if w.Code != 200 || w.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("right codes after 2 wrong ones: %d %s", w.Code, w.Body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
	}
	json.Unmarshal(w.Body.Bytes(), &tok)
	if tok.TokenType != "Bearer" || !strings.HasPrefix(tok.AccessToken, issuer.AccessTokenPrefix) || tok.ExpiresIn < 250 || tok.ExpiresIn > 300 {
		t.Errorf("token answer %s", w.Body)
	}
	if w := ss.form(tokenForm(a.code, a.TxCode)); w.Code != 400 || oauthCode(t, w) != OAuthInvalidGrant || !strings.Contains(w.Body.String(), "already used") {
		t.Errorf("reused code: got %d %s; want 400 invalid_grant, already used", w.Code, w.Body)
	}
}

func TestTxCodeLimit(t *testing.T) {
	ss := newWalletService(t)
	a := ss.makeOffer(t)
	for i := 1; i <= issuer.MaxTxCodeFailures; i++ {
		w := ss.form(tokenForm(a.code, wrongTx(a.TxCode)))
		if w.Code != 400 || oauthCode(t, w) != OAuthInvalidGrant {
			t.Fatalf("wrong code %d: %d %s", i, w.Code, w.Body)
		}
		if i < issuer.MaxTxCodeFailures && !strings.Contains(w.Body.String(), fmt.Sprintf("%d attempts left", issuer.MaxTxCodeFailures-i)) {
			t.Errorf("wrong code %d: %s does not say how many attempts are left", i, w.Body)
		}
	}
	if w := ss.form(tokenForm(a.code, a.TxCode)); w.Code != 400 || !strings.Contains(w.Body.String(), "invalidated") {
		t.Errorf("right code after %d wrong ones: %d %s; want invalid_grant, invalidated", issuer.MaxTxCodeFailures, w.Code, w.Body)
	}
}

func TestMetadata(t *testing.T) {
	ss := newWalletService(t)
	w := ss.h("GET", "/.well-known/openid-credential-issuer", "", "")
	if w.Code != 200 {
		t.Fatalf("metadata: %d %s", w.Code, w.Body)
	}
	var m struct {
		Issuer string `json:"credential_issuer"`
		Cred   string `json:"credential_endpoint"`
		Nonce  string `json:"nonce_endpoint"`
		Batch  struct {
			Size int `json:"batch_size"`
		} `json:"batch_credential_issuance"`
		Confs map[string]configurationMetadata `json:"credential_configurations_supported"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	c, ok := m.Confs["identity_high"]
	if m.Issuer != testIssuer || m.Cred != testIssuer+"/credential" || m.Nonce != testIssuer+"/nonce" || m.Batch.Size != MaxBatch ||
		!ok || c.Format != FormatID || c.Type != "identity" || c.Level != "high" || len(c.ProofTypes["jwt"].Algs) != 2 {
		t.Errorf("metadata %s", w.Body)
	}
	if _, ok := m.Confs["identity_low"]; ok {
		t.Errorf("identity_low offered below the type's minimum level")
	}
	w = ss.h("GET", "/.well-known/oauth-authorization-server", "", "")
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"token_endpoint":"`+testIssuer+`/token"`) {
		t.Errorf("AS metadata: %d %s", w.Code, w.Body)
	}
	// Without an issuer URL the wallet endpoints are not served.
	ss2 := newStoreService(t)
	if w := ss2.h("GET", "/.well-known/openid-credential-issuer", "", ""); w.Code != 404 {
		t.Errorf("metadata without an issuer URL: %d; want 404", w.Code)
	}
}

// redeem makes an offer and redeems it, returning the access token.
func (ss *storeService) redeem(t testing.TB) string {
	t.Helper()
	a := ss.makeOffer(t)
	w := ss.form(tokenForm(a.code, a.TxCode))
	if w.Code != 200 {
		t.Fatalf("token: %d %s", w.Code, w.Body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	json.Unmarshal(w.Body.Bytes(), &tok)
	return tok.AccessToken
}

func (ss *storeService) nonce(t testing.TB) string {
	t.Helper()
	w := ss.h("POST", "/nonce", "", "")
	var n struct {
		CNonce string `json:"c_nonce"`
	}
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &n) != nil || n.CNonce == "" || w.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("nonce: %d %s", w.Code, w.Body)
	}
	return n.CNonce
}

func genKey(t testing.TB, alg credential.Algorithm) *keys.PrivateKey {
	t.Helper()
	k, err := keys.Generate(alg)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// craft signs header and payload (JSON objects) with key, as a JWS would.
func craft(t testing.TB, key *keys.PrivateKey, hdr, pay map[string]any) string {
	t.Helper()
	h, _ := json.Marshal(hdr)
	p, _ := json.Marshal(pay)
	if key == nil {
		return base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(p) + "." + base64.RawURLEncoding.EncodeToString(make([]byte, 64))
	}
	out, err := jws.Sign(h, p, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func credBody(jwts ...string) string {
	b, _ := json.Marshal(map[string]any{"credential_configuration_id": "identity_high", "proofs": map[string]any{"jwt": jwts}})
	return string(b)
}

func TestCredentialEndpointRefuses(t *testing.T) {
	ss := newWalletService(t)
	token := ss.redeem(t)
	k := genKey(t, credential.ES256)
	other := genKey(t, credential.ES256)
	jwk, _ := k.Public().MarshalJSON()
	otherJWK, _ := other.Public().MarshalJSON()
	now := time.Now()
	n := ss.nonce(t)
	hdr := func(mod func(h map[string]any)) map[string]any {
		h := map[string]any{"typ": ProofType, "alg": "ES256", "jwk": json.RawMessage(jwk)}
		if mod != nil {
			mod(h)
		}
		return h
	}
	pay := func(mod func(p map[string]any)) map[string]any {
		p := map[string]any{"aud": testIssuer, "iat": now.Unix(), "nonce": n}
		if mod != nil {
			mod(p)
		}
		return p
	}
	foreign := newNonces(nil).make(now)
	for _, tc := range []struct {
		name, token, body string
		status            int
		code              string
	}{
		{"no token", "", credBody(craft(t, k, hdr(nil), pay(nil))), 401, OAuthInvalidToken},
		{"unknown token", token + "x", credBody(craft(t, k, hdr(nil), pay(nil))), 401, OAuthInvalidToken},
		{"pre-authorized code as token", "ncpa_" + strings.TrimPrefix(token, "ncat_"), credBody(craft(t, k, hdr(nil), pay(nil))), 401, OAuthInvalidToken},
		{"not JSON", token, "{", 400, OAuthInvalidCredentialRequest},
		{"singular proof", token, `{"credential_configuration_id":"identity_high","proof":{"proof_type":"jwt","jwt":"x"}}`, 400, OAuthInvalidCredentialRequest},
		{"duplicate member", token, `{"credential_configuration_id":"identity_high","credential_configuration_id":"identity_high","proofs":{"jwt":["x"]}}`, 400, OAuthInvalidCredentialRequest},
		{"another proof type", token, `{"credential_configuration_id":"identity_high","proofs":{"jwt":["x"],"ldp_vp":[]}}`, 400, OAuthInvalidCredentialRequest},
		{"proofs.jwt not an array", token, `{"credential_configuration_id":"identity_high","proofs":{"jwt":"x"}}`, 400, OAuthInvalidCredentialRequest},
		{"encryption asked", token, `{"credential_configuration_id":"identity_high","proofs":{"jwt":["x"]},"credential_response_encryption":{}}`, 400, OAuthInvalidCredentialRequest},
		{"no configuration", token, `{"proofs":{"jwt":["x"]}}`, 400, OAuthInvalidCredentialRequest},
		{"no proofs", token, `{"credential_configuration_id":"identity_high"}`, 400, OAuthInvalidProof},
		{"too many proofs", token, credBody(make([]string, MaxBatch+1)...), 400, OAuthInvalidCredentialRequest},
		{"unknown configuration", token, `{"credential_configuration_id":"pet_high","proofs":{"jwt":["x"]}}`, 400, OAuthUnknownConfiguration},
		{"configuration not offered", token, `{"credential_configuration_id":"identity_substantial","proofs":{"jwt":["x"]}}`, 400, OAuthRequestDenied},
		{"not a JWS", token, credBody("abc"), 400, OAuthInvalidProof},
		{"alg none", token, credBody(craft(t, nil, hdr(func(h map[string]any) { h["alg"] = "none" }), pay(nil))), 400, OAuthInvalidProof},
		{"alg HS256", token, credBody(craft(t, nil, hdr(func(h map[string]any) { h["alg"] = "HS256" }), pay(nil))), 400, OAuthInvalidProof},
		{"no jwk", token, credBody(craft(t, k, hdr(func(h map[string]any) { delete(h, "jwk") }), pay(nil))), 400, OAuthInvalidProof},
		{"kid instead of jwk", token, credBody(craft(t, k, hdr(func(h map[string]any) { delete(h, "jwk"); h["kid"] = "k1" }), pay(nil))), 400, OAuthInvalidProof},
		{"kid beside jwk", token, credBody(craft(t, k, hdr(func(h map[string]any) { h["kid"] = "k1" }), pay(nil))), 400, OAuthInvalidProof},
		{"crit header", token, credBody(craft(t, k, hdr(func(h map[string]any) { h["crit"] = []string{"x"} }), pay(nil))), 400, OAuthInvalidProof},
		{"wrong typ", token, credBody(craft(t, k, hdr(func(h map[string]any) { h["typ"] = "JWT" }), pay(nil))), 400, OAuthInvalidProof},
		{"private jwk", token, credBody(craft(t, k, hdr(func(h map[string]any) { pj, _ := k.MarshalJSON(); h["jwk"] = json.RawMessage(pj) }), pay(nil))), 400, OAuthInvalidProof},
		{"jwk alg not the header's", token, credBody(craft(t, k, hdr(func(h map[string]any) { h["alg"] = "EdDSA" }), pay(nil))), 400, OAuthInvalidProof},
		{"signed by another key", token, credBody(craft(t, other, hdr(nil), pay(nil))), 400, OAuthInvalidProof},
		{"another key's jwk", token, credBody(craft(t, k, hdr(func(h map[string]any) { h["jwk"] = json.RawMessage(otherJWK) }), pay(nil))), 400, OAuthInvalidProof},
		{"signature cut", token, credBody(cutSignature(craft(t, k, hdr(nil), pay(nil)))), 400, OAuthInvalidProof},
		{"padded base64", token, credBody(craft(t, k, hdr(nil), pay(nil)) + "="), 400, OAuthInvalidProof},
		{"wrong aud", token, credBody(craft(t, k, hdr(nil), pay(func(p map[string]any) { p["aud"] = "https://evil.example" }))), 400, OAuthInvalidProof},
		{"aud with another", token, credBody(craft(t, k, hdr(nil), pay(func(p map[string]any) { p["aud"] = []string{testIssuer, "https://evil.example"} }))), 400, OAuthInvalidProof},
		{"no aud", token, credBody(craft(t, k, hdr(nil), pay(func(p map[string]any) { delete(p, "aud") }))), 400, OAuthInvalidProof},
		{"stale iat", token, credBody(craft(t, k, hdr(nil), pay(func(p map[string]any) { p["iat"] = now.Add(-ProofMaxAge - time.Minute).Unix() }))), 400, OAuthInvalidProof},
		{"future iat", token, credBody(craft(t, k, hdr(nil), pay(func(p map[string]any) { p["iat"] = now.Add(5 * time.Minute).Unix() }))), 400, OAuthInvalidProof},
		{"no iat", token, credBody(craft(t, k, hdr(nil), pay(func(p map[string]any) { delete(p, "iat") }))), 400, OAuthInvalidProof},
		{"fractional iat", token, credBody(craft(t, k, hdr(nil), pay(func(p map[string]any) { p["iat"] = 1.5 }))), 400, OAuthInvalidProof},
		{"no nonce", token, credBody(craft(t, k, hdr(nil), pay(func(p map[string]any) { delete(p, "nonce") }))), 400, OAuthInvalidNonce},
		{"made-up nonce", token, credBody(craft(t, k, hdr(nil), pay(func(p map[string]any) { p["nonce"] = "abc" }))), 400, OAuthInvalidNonce},
		{"another process's nonce", token, credBody(craft(t, k, hdr(nil), pay(func(p map[string]any) { p["nonce"] = foreign }))), 400, OAuthInvalidNonce},
		{"the same key twice", token, credBody(craft(t, k, hdr(nil), pay(nil)), craft(t, k, hdr(nil), pay(nil))), 400, OAuthInvalidProof},
	} {
		w := ss.credential(tc.token, tc.body)
		if w.Code != tc.status || oauthCode(t, w) != tc.code {
			t.Errorf("%s: got %d %s; want %d %s", tc.name, w.Code, w.Body, tc.status, tc.code)
		}
		if tc.status == 401 && !strings.Contains(w.Header().Get("WWW-Authenticate"), `error="invalid_token"`) {
			t.Errorf("%s: WWW-Authenticate %q", tc.name, w.Header().Get("WWW-Authenticate"))
		}
	}
}

func TestNonceExpires(t *testing.T) {
	n := newNonces(nil)
	at := time.Now()
	v := n.make(at)
	if _, ok := n.check(v, at.Add(NonceTTL-time.Second)); !ok {
		t.Errorf("nonce refused before its expiry")
	}
	if _, ok := n.check(v, at.Add(NonceTTL)); ok {
		t.Errorf("nonce accepted at its expiry")
	}
	b, _ := base64.RawURLEncoding.DecodeString(v)
	b[0] ^= 1
	if _, ok := n.check(base64.RawURLEncoding.EncodeToString(b), at); ok {
		t.Errorf("a nonce with a changed expiry accepted")
	}
	// Instances with the same signing key accept each other's nonces;
	// another key's are refused.
	for _, alg := range []credential.Algorithm{credential.EdDSA, credential.ES256} {
		k, k2 := genKey(t, alg), genKey(t, alg)
		v := newNonces(k).make(at)
		if _, ok := newNonces(k).check(v, at); !ok {
			t.Errorf("%s: a nonce refused by an instance with the same key", alg)
		}
		if _, ok := newNonces(k2).check(v, at); ok {
			t.Errorf("%s: a nonce accepted under another key", alg)
		}
	}
	var r [40]byte
	rand.Read(r[:])
	if _, ok := n.check(base64.RawURLEncoding.EncodeToString(r[:]), at); ok {
		t.Errorf("random bytes accepted as a nonce")
	}
}

// cutSignature drops the last byte of a JWS's signature.
func cutSignature(jws string) string {
	i := strings.LastIndexByte(jws, '.')
	sig, _ := base64.RawURLEncoding.DecodeString(jws[i+1:])
	return jws[:i+1] + base64.RawURLEncoding.EncodeToString(sig[:len(sig)-1])
}

// TestCredentialBatch: N proofs yield N credentials, each bound to its
// proof's key, with distinct status indexes, once; a c_nonce is used once.
func TestCredentialBatch(t *testing.T) {
	ss := newWalletService(t)
	token := ss.redeem(t)
	n := ss.nonce(t)
	now := time.Now()
	var holders []*keys.PrivateKey
	var jwts []string
	for i := range 3 {
		alg := credential.ES256
		if i == 1 {
			alg = credential.EdDSA
		}
		k := genKey(t, alg)
		p, err := SignProof(k, testIssuer, n, now)
		if err != nil {
			t.Fatal(err)
		}
		holders, jwts = append(holders, k), append(jwts, p)
	}
	w := ss.credential(token, credBody(jwts...))
	if w.Code != 200 || w.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("credential request: %d %s", w.Code, w.Body)
	}
	var out struct {
		Credentials []struct {
			Credential string `json:"credential"`
		} `json:"credentials"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil || len(out.Credentials) != 3 {
		t.Fatalf("answer %s: %v", w.Body, err)
	}
	seen := map[uint64]bool{}
	for i, c := range out.Credentials {
		cose, err := credential.DecodeQR(c.Credential)
		if err != nil {
			t.Fatal(err)
		}
		signed, _ := credential.Parse(cose)
		claims, err := signed.Inspect()
		if err != nil {
			t.Fatal(err)
		}
		if claims.Level != credential.LevelHigh || claims.Status == nil || seen[claims.Status.Index] {
			t.Errorf("credential %d: level %s status %+v (seen %v)", i, claims.Level, claims.Status, seen)
			continue
		}
		seen[claims.Status.Index] = true
		alg, pub, ok, err := claims.HolderKey()
		k, _ := keys.NewPublicKey(pub)
		if !ok || err != nil || alg != holders[i].Algorithm() || k.Thumbprint() != holders[i].Public().Thumbprint() {
			t.Errorf("credential %d: cnf %v %v; want proof %d's key", i, ok, err, i)
		}
		// The record is the enrollment client's, with the offer's evidence.
		rec, err := ss.backend.Credential(t.Context(), ss.backend.apiID(claims.Status))
		if err != nil || rec.Client != "police" || rec.EvidenceTerminal != "desk-1" {
			t.Errorf("record of credential %d: %+v, %v", i, rec, err)
		}
	}
	// The token is spent; a new offer's token with the same nonce: used.
	if w := ss.credential(token, credBody(jwts[0])); w.Code != 401 || oauthCode(t, w) != OAuthInvalidToken {
		t.Errorf("second request with the token: %d %s; want 401 invalid_token", w.Code, w.Body)
	}
	token2 := ss.redeem(t)
	if w := ss.credential(token2, credBody(jwts[0])); w.Code != 400 || oauthCode(t, w) != OAuthInvalidNonce {
		t.Errorf("a used c_nonce: %d %s; want 400 invalid_nonce", w.Code, w.Body)
	}
	// A refused request spends nothing: the same token works with a fresh nonce.
	k := genKey(t, credential.ES256)
	p, _ := SignProof(k, testIssuer, ss.nonce(t), now)
	if w := ss.credential(token2, credBody(p)); w.Code != 200 {
		t.Errorf("token after a refused request: %d %s", w.Code, w.Body)
	}
}

// TestGuessesThrottled: refused codes and tokens count against the
// address like failed authentications; past the burst it gets 429, even
// with the right code, while another address is served.
func TestGuessesThrottled(t *testing.T) {
	ss := newWalletService(t)
	a := ss.makeOffer(t)
	post := func(remote, path, body, token string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", path, strings.NewReader(body))
		req.RemoteAddr = remote
		if path == "/token" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		} else {
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+token)
		}
		w := httptest.NewRecorder()
		ss.srv.Handler().ServeHTTP(w, req)
		return w
	}
	for i := range DefaultFailBurst {
		path, body, token := "/token", tokenForm(issuer.PreAuthorizedCodePrefix+"AAAAAAAAAAAAAAAAAAAAAA."+fmt.Sprint(i), "123456"), ""
		if i%2 == 1 {
			path, body, token = "/credential", credBody("x"), issuer.AccessTokenPrefix+"AAAAAAAAAAAAAAAAAAAAAA.x"
		}
		if w := post("198.51.100.7:4000", path, body, token); w.Code != 400 && w.Code != 401 {
			t.Fatalf("guess %d: %d %s", i, w.Code, w.Body)
		}
	}
	w := post("198.51.100.7:4001", "/token", tokenForm(a.code, a.TxCode), "")
	if w.Code != 429 || w.Header().Get("Retry-After") == "" {
		t.Errorf("the right code from a throttled address: %d %s; want 429 with Retry-After", w.Code, w.Body)
	}
	if w := post("203.0.113.9:4000", "/token", tokenForm(a.code, a.TxCode), ""); w.Code != 200 {
		t.Errorf("the right code from another address: %d %s", w.Code, w.Body)
	}
}
