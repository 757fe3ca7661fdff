package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer/httpapi"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/keys/keyfile"
)

const walletUsage = `Usage:
  netcred wallet redeem --offer URI --tx-code CODE --holder-key KEY --out DIR [--batch N]
      redeem a credential offer (OpenID4VCI pre-authorized code flow) for
      credentials bound to the holder's key; writes DIR/credential-1.txt...

Run netcred wallet COMMAND -h for a command's flags.

Example:
  netcred wallet redeem --offer "$(cat offer.uri)" --tx-code 402917 --holder-key device.jwk --out wallet
`

func runWallet(args []string, e *env) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, walletUsage)
		return exitUsage
	}
	switch args[0] {
	case "redeem":
		return runWalletRedeem(args[1:], e)
	case "-h", "--help", "-help", "help":
		fmt.Fprint(e.stdout, walletUsage)
		return exitOK
	}
	errorf(e, "unknown wallet command %q", args[0])
	hint(e, "netcred wallet -h lists its commands")
	fmt.Fprint(e.stderr, walletUsage)
	return exitUsage
}

const walletRedeemSynopsis = `wallet redeem --offer URI --tx-code CODE --holder-key KEY --out DIR [--batch N] [--timeout D]

The reference wallet of spec/oid4vci.md. Reads the credential offer URI
(openid-credential-offer://?credential_offer=..., the QR code the enrollment
terminal shows), fetches the issuer's metadata from the offer's
credential_issuer, exchanges the pre-authorized code and the transaction
code CODE (the digits the terminal shows) for an access token, gets a
c_nonce and sends one proof of possession per credential. KEY is the
holder's private key (ES256 or EdDSA JWK, e.g. from netcred keys new); with
--batch N > 1 the wallet makes N-1 more keys of the same algorithm, one per
credential, so that no two presentations share a key.

Files written to DIR (created if missing; existing files are never
overwritten, and are checked before the offer is used):
  DIR/credential-1.txt       the QR text of the credential bound to KEY
  DIR/credential-I.txt       for I = 2..N, the QR text of credential I
  DIR/credential-I.jwk       its private key (mode 0600)
Standard output lists the credential files, one per line.

An offer is used once: a wrong CODE is counted by the issuer, and the
fifth wrong one invalidates the offer. Exit codes: 0 redeemed, 1 the issuer
refused (the message and hint say why), 2 usage, network or file error.

Example:
  netcred wallet redeem --offer "$(cat offer.uri)" --tx-code 402917 --holder-key device.jwk --out wallet --batch 3`

// walletMaxBody caps every answer the wallet reads.
const walletMaxBody = 1 << 20

func runWalletRedeem(args []string, e *env) int {
	fs := newFlags(e, "wallet redeem", walletRedeemSynopsis)
	offerURI := fs.String("offer", "", "the credential offer URI (required)")
	txCode := fs.String("tx-code", "", "the transaction code the enrollment terminal shows")
	keyFile := fs.String("holder-key", "", "the holder's private key file (required)")
	passFile := fs.String("passphrase-file", "", "passphrase of an encrypted --holder-key")
	outDir := fs.String("out", "", "directory for the credentials (required)")
	batch := fs.Int("batch", 1, "number of credentials, each with its own key and status index")
	timeout := 30 * time.Second
	fs.Var(durationFlag{d: &timeout}, "timeout", "give up after this long (default 30s)")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if *offerURI == "" || *keyFile == "" || *outDir == "" || len(rest) > 0 {
		errorf(e, "wallet redeem needs --offer URI, --holder-key KEY and --out DIR")
		hint(e, `netcred wallet redeem --offer "$(cat offer.uri)" --tx-code 402917 --holder-key device.jwk --out wallet`)
		return exitUsage
	}
	if *batch < 1 || *batch > httpapi.MaxBatch {
		errorf(e, "--batch %d: want 1 to %d", *batch, httpapi.MaxBatch)
		return exitUsage
	}
	offer, err := parseOfferURI(*offerURI)
	if err != nil {
		errorf(e, "--offer: %v", err)
		hint(e, "pass the text of the offer's QR code: openid-credential-offer://?credential_offer=... (POST /v1/offers answers it as offer_uri)")
		return exitUsage
	}
	grant := offer.Grants[httpapi.PreAuthorizedGrant]
	if tc := grant.TxCode; tc != nil {
		if *txCode == "" {
			errorf(e, "the offer needs a transaction code (%d %s characters)", tc.Length, modeName(tc.InputMode))
			hint(e, "add --tx-code CODE with the code the enrollment terminal shows (not part of the QR code)")
			return exitUsage
		}
		if msg := checkTxCode(*txCode, tc.InputMode, tc.Length); msg != "" {
			errorf(e, "--tx-code: %s", msg)
			hint(e, "check the code on the terminal; a wrong code uses up one of the offer's few attempts, so nothing was sent")
			return exitUsage
		}
	}
	key, code := loadPrivate(e, *keyFile, *passFile)
	if key == nil {
		return code
	}
	files, code := walletFiles(e, *outDir, *batch)
	if files == nil {
		return code
	}
	holders := []*keys.PrivateKey{key}
	for len(holders) < *batch {
		k, err := keys.Generate(key.Algorithm())
		if err != nil {
			errorf(e, "%v", err)
			return exitUsage
		}
		holders = append(holders, k)
	}
	if u, _ := url.Parse(offer.CredentialIssuer); u.Scheme == "http" && !isLoopback(u.Hostname()) {
		warnf(e, "the issuer %s is not https: the codes and credentials travel unprotected", offer.CredentialIssuer)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	w := &walletClient{e: e, ctx: ctx, http: &http.Client{Timeout: timeout}}
	creds, code := w.redeem(offer, *txCode, holders)
	if creds == nil {
		return code
	}
	for i, c := range creds {
		if err := writeNew(files[i].txt, []byte(c+"\n"), 0o644); err != nil {
			errorf(e, "%v", err)
			return exitUsage
		}
		if i > 0 {
			if err := keyfile.Write(files[i].jwk, holders[i], nil); err != nil {
				errorf(e, "%v", err)
				return exitUsage
			}
		}
		fmt.Fprintln(e.stdout, files[i].txt)
	}
	fmt.Fprintf(e.stderr, "%s: redeemed the offer of %s: %d credential(s) (%s) in %s\n", progName, offer.CredentialIssuer, len(creds), offer.ConfigurationIDs[0], *outDir)
	return exitOK
}

// walletOffer is the part of a Credential Offer the wallet reads.
type walletOffer struct {
	CredentialIssuer string   `json:"credential_issuer"`
	ConfigurationIDs []string `json:"credential_configuration_ids"`
	Grants           map[string]struct {
		Code   string `json:"pre-authorized_code"`
		TxCode *struct {
			InputMode string `json:"input_mode"`
			Length    int    `json:"length"`
		} `json:"tx_code"`
	} `json:"grants"`
}

// parseOfferURI reads an offer passed by value.
func parseOfferURI(s string) (*walletOffer, error) {
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("not a URI: %v", err)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("the query does not parse: %v", err)
	}
	if q.Has("credential_offer_uri") {
		return nil, errors.New("an offer by reference (credential_offer_uri) is not supported: the netcred service passes offers by value")
	}
	v := q["credential_offer"]
	if len(v) != 1 {
		return nil, errors.New("no credential_offer parameter (or more than one)")
	}
	var o walletOffer
	if err := json.Unmarshal([]byte(v[0]), &o); err != nil {
		return nil, fmt.Errorf("credential_offer is not a JSON offer: %v", err)
	}
	iu, err := url.Parse(o.CredentialIssuer)
	if err != nil || (iu.Scheme != "https" && iu.Scheme != "http") || iu.Host == "" || iu.RawQuery != "" || iu.Fragment != "" {
		return nil, fmt.Errorf("credential_issuer %q is not an http(s) URL", o.CredentialIssuer)
	}
	if len(o.ConfigurationIDs) != 1 {
		return nil, fmt.Errorf("%d credential configurations offered; this wallet redeems offers of one", len(o.ConfigurationIDs))
	}
	g, ok := o.Grants[httpapi.PreAuthorizedGrant]
	if !ok || g.Code == "" {
		return nil, errors.New("the offer has no pre-authorized code grant (this wallet supports no other)")
	}
	return &o, nil
}

func modeName(m string) string {
	if m == "text" {
		return "text"
	}
	return "numeric"
}

// checkTxCode checks a transaction code against the offer's tx_code
// object before it is sent.
func checkTxCode(code, mode string, length int) string {
	if length > 0 && len(code) != length {
		return fmt.Sprintf("%d characters, the offer says %d", len(code), length)
	}
	if modeName(mode) == "numeric" && strings.Trim(code, "0123456789") != "" {
		return "the offer's code is numeric: digits only"
	}
	return ""
}

func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}

type walletFile struct{ txt, jwk string }

// walletFiles creates dir and checks that none of the files to write
// exists yet.
func walletFiles(e *env, dir string, n int) ([]walletFile, int) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		errorf(e, "%v", err)
		return nil, exitUsage
	}
	var out []walletFile
	for i := 1; i <= n; i++ {
		f := walletFile{txt: filepath.Join(dir, "credential-"+strconv.Itoa(i)+".txt"), jwk: filepath.Join(dir, "credential-"+strconv.Itoa(i)+".jwk")}
		for _, p := range []string{f.txt, f.jwk} {
			if _, err := os.Lstat(p); err == nil {
				errorf(e, "%s exists", p)
				hint(e, "choose another --out directory; the wallet never overwrites credentials or keys")
				return nil, exitUsage
			}
		}
		out = append(out, f)
	}
	return out, exitOK
}

// writeNew writes a file that must not exist.
func writeNew(path string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// walletClient speaks to one issuer.
type walletClient struct {
	e    *env
	ctx  context.Context
	http *http.Client
}

// oauthErr is an error answer of the token or credential endpoint.
type oauthErr struct {
	Status      int
	Code        string `json:"error"`
	Description string `json:"error_description"`
}

func (o *oauthErr) Error() string {
	if o.Description == "" {
		return o.Code
	}
	return o.Code + ": " + o.Description
}

// do sends req and decodes a 200 JSON answer into v; an error answer is
// an *oauthErr when it is OAuth's JSON.
func (w *walletClient) do(req *http.Request, v any) error {
	req = req.WithContext(w.ctx)
	resp, err := w.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, walletMaxBody+1))
	if err != nil {
		return fmt.Errorf("%s: reading the answer: %v", req.URL, err)
	}
	if len(data) > walletMaxBody {
		return fmt.Errorf("%s: an answer over %d bytes", req.URL, walletMaxBody)
	}
	isJSON := false
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json")) {
		isJSON = true
	}
	if resp.StatusCode != http.StatusOK {
		var oe oauthErr
		if isJSON && json.Unmarshal(data, &oe) == nil && oe.Code != "" {
			oe.Status = resp.StatusCode
			return &oe
		}
		return fmt.Errorf("%s: %s", req.URL, resp.Status)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: the answer (%q) is not the JSON expected: %v", req.URL, resp.Header.Get("Content-Type"), err)
	}
	return nil
}

func (w *walletClient) get(u string, v any) error {
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		return err
	}
	return w.do(req, v)
}

// issuerMetadata is what the wallet reads of the metadata.
type issuerMetadata struct {
	CredentialIssuer     string   `json:"credential_issuer"`
	AuthorizationServers []string `json:"authorization_servers"`
	CredentialEndpoint   string   `json:"credential_endpoint"`
	NonceEndpoint        string   `json:"nonce_endpoint"`
	Batch                *struct {
		Size int `json:"batch_size"`
	} `json:"batch_credential_issuance"`
	Configurations map[string]struct {
		Format     string `json:"format"`
		ProofTypes map[string]struct {
			Algs []string `json:"proof_signing_alg_values_supported"`
		} `json:"proof_types_supported"`
	} `json:"credential_configurations_supported"`
}

// redeem runs the flow and returns the credentials' QR texts, in the
// order of holders.
func (w *walletClient) redeem(o *walletOffer, txCode string, holders []*keys.PrivateKey) ([]string, int) {
	e := w.e
	iss := strings.TrimSuffix(o.CredentialIssuer, "/")
	var md issuerMetadata
	if err := w.get(iss+"/.well-known/openid-credential-issuer", &md); err != nil {
		errorf(e, "issuer metadata: %v", err)
		hint(e, "is %s reachable, and is it an OpenID4VCI issuer (netcred serve)?", iss)
		return nil, exitUsage
	}
	confID := o.ConfigurationIDs[0]
	conf, ok := md.Configurations[confID]
	alg := string(holders[0].Algorithm())
	switch {
	case strings.TrimSuffix(md.CredentialIssuer, "/") != iss:
		errorf(e, "the metadata is of issuer %q, the offer of %q", md.CredentialIssuer, iss)
		return nil, exitInvalid
	case !ok:
		errorf(e, "the issuer's metadata has no credential configuration %q", confID)
		return nil, exitInvalid
	case conf.Format != httpapi.FormatID:
		errorf(e, "configuration %s has format %q; this wallet takes %s", confID, conf.Format, httpapi.FormatID)
		return nil, exitInvalid
	case !contains(conf.ProofTypes["jwt"].Algs, alg):
		errorf(e, "configuration %s does not take jwt proofs signed with %s", confID, alg)
		hint(e, "use a holder key of an algorithm the issuer lists: %v", conf.ProofTypes["jwt"].Algs)
		return nil, exitUsage
	case md.CredentialEndpoint == "" || md.NonceEndpoint == "":
		errorf(e, "the issuer's metadata has no credential or nonce endpoint")
		return nil, exitInvalid
	}
	if size := 1; len(holders) > 1 {
		if md.Batch != nil {
			size = md.Batch.Size
		}
		if len(holders) > size {
			errorf(e, "--batch %d: the issuer issues at most %d credentials per request", len(holders), size)
			return nil, exitUsage
		}
	}
	tokenURL, code := w.tokenEndpoint(iss, md.AuthorizationServers)
	if tokenURL == "" {
		return nil, code
	}
	form := url.Values{"grant_type": {httpapi.PreAuthorizedGrant}, "pre-authorized_code": {o.Grants[httpapi.PreAuthorizedGrant].Code}}
	if txCode != "" {
		form.Set("tx_code", txCode)
	}
	req, _ := http.NewRequest("POST", tokenURL, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
	}
	if err := w.do(req, &tok); err != nil {
		return nil, w.refused("token request", err)
	}
	if tok.AccessToken == "" || !strings.EqualFold(tok.TokenType, "Bearer") {
		errorf(e, "the token endpoint answered no bearer access token")
		return nil, exitInvalid
	}
	var creds []string
	for attempt := 0; ; attempt++ {
		var err error
		creds, err = w.credentials(md, tok.AccessToken, confID, holders, iss)
		var oe *oauthErr
		if errors.As(err, &oe) && oe.Code == httpapi.OAuthInvalidNonce && attempt == 0 {
			continue // a nonce can go stale between the two requests: once more with a fresh one
		}
		if err != nil {
			return nil, w.refused("credential request", err)
		}
		break
	}
	if len(creds) != len(holders) {
		errorf(e, "asked for %d credentials, got %d", len(holders), len(creds))
		return nil, exitInvalid
	}
	for i, c := range creds {
		if err := checkReceived(c, holders[i]); err != nil {
			errorf(e, "credential %d: %v", i+1, err)
			hint(e, "the issuer answered something that is not a credential bound to this wallet's key; nothing was written")
			return nil, exitInvalid
		}
	}
	return creds, exitOK
}

// tokenEndpoint finds the token endpoint: in the authorization server's
// metadata (RFC 8414), the issuer's own when it names none.
func (w *walletClient) tokenEndpoint(iss string, servers []string) (string, int) {
	as := iss
	if len(servers) > 0 {
		as = strings.TrimSuffix(servers[0], "/")
	}
	var m struct {
		TokenEndpoint string `json:"token_endpoint"`
	}
	if err := w.get(as+"/.well-known/oauth-authorization-server", &m); err != nil || m.TokenEndpoint == "" {
		if as != iss {
			errorf(w.e, "authorization server metadata of %s: %v", as, err)
			return "", exitUsage
		}
		return iss + "/token", exitOK
	}
	return m.TokenEndpoint, exitOK
}

// credentials gets a nonce and sends one proof per holder key.
func (w *walletClient) credentials(md issuerMetadata, token, confID string, holders []*keys.PrivateKey, aud string) ([]string, error) {
	req, _ := http.NewRequest("POST", md.NonceEndpoint, nil)
	var n struct {
		CNonce string `json:"c_nonce"`
	}
	if err := w.do(req, &n); err != nil {
		return nil, err
	}
	if n.CNonce == "" {
		return nil, errors.New("the nonce endpoint answered no c_nonce")
	}
	var jwts []string
	for _, k := range holders {
		p, err := httpapi.SignProof(k, aud, n.CNonce, w.e.now())
		if err != nil {
			return nil, err
		}
		jwts = append(jwts, p)
	}
	body, _ := json.Marshal(map[string]any{"credential_configuration_id": confID, "proofs": map[string]any{"jwt": jwts}})
	req, _ = http.NewRequest("POST", md.CredentialEndpoint, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	var out struct {
		Credentials []struct {
			Credential json.RawMessage `json:"credential"`
		} `json:"credentials"`
	}
	if err := w.do(req, &out); err != nil {
		return nil, err
	}
	var qrs []string
	for i, c := range out.Credentials {
		var s string
		if err := json.Unmarshal(c.Credential, &s); err != nil {
			return nil, fmt.Errorf("credential %d is not a string (format %s is the QR text)", i+1, httpapi.FormatID)
		}
		qrs = append(qrs, s)
	}
	return qrs, nil
}

// checkReceived checks that a received credential decodes and carries a
// cnf (the verifier checks the issuer's signature; the wallet has no
// trust store).
func checkReceived(qr string, holder *keys.PrivateKey) error {
	cose, err := credential.DecodeQR(qr)
	if err != nil {
		return err
	}
	signed, err := credential.Parse(cose)
	if err != nil {
		return err
	}
	claims, err := signed.Inspect()
	if err != nil {
		return err
	}
	return checkBinding(claims, holder)
}

// refused reports an issuer's refusal with a hint for each OAuth error.
func (w *walletClient) refused(what string, err error) int {
	e := w.e
	var oe *oauthErr
	if !errors.As(err, &oe) {
		errorf(e, "%s: %v", what, err)
		hint(e, "check the network and the issuer's address; the offer may still be usable")
		return exitUsage
	}
	errorf(e, "%s refused: %v", what, oe)
	d := oe.Description
	if oe.Status == http.StatusTooManyRequests {
		hint(e, "the issuer saw too many failed attempts from this network: wait the time it names, then run again")
		return exitInvalid
	}
	switch oe.Code {
	case httpapi.OAuthInvalidGrant:
		switch {
		case strings.Contains(d, "attempts left"):
			hint(e, "the transaction code is wrong: check the digits the terminal shows and run again (the offer dies after a few wrong codes)")
		case strings.Contains(d, "invalidated"), strings.Contains(d, "expired"), strings.Contains(d, "already used"), strings.Contains(d, "unknown"):
			hint(e, "this offer cannot be used any more: ask the enrollment terminal for a new one")
		default:
			hint(e, "the offer or its code was refused: ask the enrollment terminal for a new offer")
		}
	case httpapi.OAuthInvalidRequest:
		hint(e, "the token request was malformed; is this a netcred offer? report it with the message above")
	case httpapi.OAuthUnsupportedGrantType:
		hint(e, "the issuer does not take pre-authorized codes; this wallet supports no other flow")
	case httpapi.OAuthInvalidToken:
		hint(e, "the access token expired or was used: redeem a new offer (an access token lasts minutes)")
	case httpapi.OAuthInvalidProof:
		hint(e, "the issuer refused the proof of possession: check the computer's clock and the holder key")
	case httpapi.OAuthInvalidNonce:
		hint(e, "the nonce went stale twice: check the computer's clock and run again with a new offer")
	case httpapi.OAuthUnknownConfiguration, httpapi.OAuthRequestDenied:
		hint(e, "the issuer does not issue what the offer names; ask the enrollment terminal for a new offer")
	case httpapi.OAuthInvalidCredentialRequest:
		hint(e, "the issuer refused the request's form: a batch may be too large for it")
	default:
		hint(e, "the issuer answered %d %s; the offer may still be usable", oe.Status, oe.Code)
	}
	return exitInvalid
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
