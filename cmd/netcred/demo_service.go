package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/netcred/netcred/bundle"
	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/issuer/evidence"
	"github.com/netcred/netcred/issuer/httpapi"
	"github.com/netcred/netcred/issuer/store/bolt"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/keys/keyfile"
	"github.com/netcred/netcred/trust"
	"github.com/netcred/netcred/verifier"
)

// demoServiceURI is where the demo service's status lists live; the
// bundle authorizes them by this prefix.
const demoServiceURI = "https://id.gov.cn/svc/"

// demoService is the state of netcred demo --service.
type demoService struct {
	*demo
	url    string
	client *http.Client
	trust  string
}

// runService plays the issuer service's flow against a real HTTP server on
// 127.0.0.1: both enrollment paths, an over-scope refusal, a revocation,
// and a verifier that syncs from the service and then decides offline.
func (d *demo) runService() int {
	w := d.e.stdout
	now := d.e.now

	d.say("keys: an offline root key, the issuer's key and a police terminal's key")
	var root, issuerKey, desk *keys.PrivateKey
	for _, k := range []**keys.PrivateKey{&root, &issuerKey, &desk} {
		var err error
		if *k, err = keys.Generate(credential.EdDSA); err != nil {
			return d.fail(err)
		}
	}
	for name, k := range map[string]*keys.PrivateKey{"root.jwk": root, "issuer.jwk": issuerKey, "desk-7.jwk": desk} {
		if err := keyfile.Write(d.path(name), k, nil); err != nil {
			return d.fail(err)
		}
	}
	fmt.Fprintf(w, "root %s, issuer kid %s, terminal desk-7 kid %s, in %s\n",
		root.Public().Thumbprint(), issuerKey.Public().KIDString(), desk.Public().KIDString(), d.dir)

	d.say("the issuer's store: a mini-app client (up to substantial), a police client (up to high), terminal desk-7")
	st, err := bolt.Open(d.path("issuer.db"), bolt.Options{})
	if err != nil {
		return d.fail(err)
	}
	opts := issuer.Options{BaseURI: demoServiceURI, Reserve: 16, Now: now}
	svc, err := issuer.Open(st, issuer.New(issuerKey, nil), opts)
	if err != nil {
		st.Close()
		return d.fail(err)
	}
	miniapp, _, err := svc.AddClient("miniapp", credential.LevelSubstantial, []string{"identity"}, issuer.ScopeIssue)
	if err != nil {
		svc.Close()
		return d.fail(err)
	}
	police, _, err := svc.AddClient("police", credential.LevelHigh, []string{"identity"}, issuer.ScopeIssue)
	if err != nil {
		svc.Close()
		return d.fail(err)
	}
	deskJWK, _ := desk.Public().MarshalJSON()
	if _, err := svc.AddTerminal("desk-7", deskJWK); err != nil {
		svc.Close()
		return d.fail(err)
	}
	fmt.Fprintf(w, "clients miniapp and police (bearer tokens, only their hashes stored), terminal desk-7\n")

	d.say("the trust-root operator signs a bundle once: lists under %s are this issuer's", demoServiceURI)
	t0 := now().UTC().Truncate(time.Second)
	trustBundle := &bundle.Bundle{Serial: 1, IssuedAt: t0, NextUpdate: t0.Add(7 * 24 * time.Hour), Issuers: []bundle.Issuer{{
		ID: "id.gov.cn", Name: "Example identity authority", StatusPrefixes: []string{demoServiceURI},
		Keys: []bundle.Key{{Key: issuerKey.Public(), Authorization: bundle.Authorization{
			MaxLevel: credential.LevelHigh, Types: []string{"identity"}, NotBefore: t0.Add(-time.Hour)}}},
	}}}
	jws, err := trustBundle.Sign(root)
	if err != nil {
		svc.Close()
		return d.fail(err)
	}
	fmt.Fprintf(w, "bundle serial 1, status prefix %s: new lists need no new bundle\n", demoServiceURI)

	d.say("the issuer service starts on 127.0.0.1 (what netcred serve runs)")
	ring := httpapi.NewKeyRing(issuerKey)
	opts.BaseURI = ""
	backend := httpapi.NewServiceBackend(svc, ring, httpapi.ServiceOptions{Open: opts})
	defer backend.Close()
	srv, err := httpapi.New(httpapi.Options{
		Backend:   backend,
		Evaluator: httpapi.EvidenceEvaluator{Evaluator: &evidence.Evaluator{Policy: evidence.DefaultPolicy(), Terminals: svc, Replay: svc}, Now: now},
		Keys:      ring, Bundle: jws, Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)), Now: now,
		PublishDelay: 100 * time.Millisecond,
	})
	if err != nil {
		return d.fail(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return d.fail(err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	ctx, cancel := context.WithCancel(context.Background())
	published := make(chan struct{})
	go func() { srv.Run(ctx); close(published) }()
	defer func() {
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		hs.Shutdown(sctx)
		scancel()
		cancel()
		<-published
	}()
	ds := &demoService{demo: d, url: "http://" + ln.Addr().String(), client: &http.Client{Timeout: 10 * time.Second}, trust: "phone"}
	fmt.Fprintf(w, "serving on %s\n", ds.url)
	return ds.flow(miniapp, police, desk, root)
}

func (ds *demoService) flow(miniapp, police string, desk, root *keys.PrivateKey) int {
	w := ds.e.stdout
	ds.say("the mini-app path: its back end did a remote face match (score 0.97, liveness), and gets substantial")
	ming := map[string]any{"name": "王小红", "id_number": "11010519491231002X", "birth_date": "1949-12-31", "sex": "F"}
	req := map[string]any{"type": "identity", "level": "substantial", "claims": ming,
		"evidence": []any{map[string]any{"method": "face_match", "score": 0.97, "liveness": true}}}
	mingOut, code := ds.post(miniapp, "/v1/credentials", req, http.StatusCreated)
	if code != exitOK {
		return code
	}

	ds.say("the terminal path: police terminal desk-7 checked the physical document and signs that check; high")
	li := map[string]any{"name": "李四", "id_number": "11010519491231002X", "birth_date": "1949-12-31"}
	liJSON, _ := json.Marshal(li)
	digest, err := evidence.ClaimsDigest(liJSON)
	if err != nil {
		return ds.fail(err)
	}
	att, err := evidence.SignAttestation(desk, evidence.Attestation{Terminal: "desk-7", IssuedAt: ds.e.now().UTC(), ClaimsDigest: digest})
	if err != nil {
		return ds.fail(err)
	}
	high := map[string]any{"type": "identity", "level": "high", "claims": li,
		"evidence": []any{evidence.Item{Method: evidence.MethodDocumentCheck, Terminal: "desk-7", Attestation: att}}}
	fmt.Fprintf(w, "evidence {\"method\":\"document_check\",\"terminal\":\"desk-7\",\"attestation\":\"%s...\"} (what netcred evidence sign prints)\n", att[:24])
	liOut, code := ds.post(police, "/v1/credentials", high, http.StatusCreated)
	if code != exitOK {
		return code
	}

	ds.say("over scope: the mini-app asks for high with the same evidence, and is refused")
	if _, code := ds.post(miniapp, "/v1/credentials", high, http.StatusForbidden); code != exitOK {
		return code
	}

	ds.say("a verifier's phone syncs from the service while online, then verifies offline")
	if err := trust.Init(ds.path(ds.trust), []string{root.Public().Thumbprint()}); err != nil {
		return ds.fail(err)
	}
	if code := ds.waitPublished(mingOut.Status.URI); code != exitOK {
		return code
	}
	if code := ds.sync(); code != exitOK {
		return code
	}
	if res, code := ds.verify(ds.trust, mingOut.QR, verifier.Policy{}, ds.e.now()); code != exitOK || !res.Valid {
		return ds.failCode(code, fmt.Errorf("the mini-app's credential did not verify: %s", res.Code))
	}
	if res, code := ds.verify(ds.trust, liOut.QR, verifier.Policy{MinLevel: credential.LevelHigh}, ds.e.now()); code != exitOK || !res.Valid {
		return ds.failCode(code, fmt.Errorf("the terminal's credential did not verify at level high: %s", res.Code))
	}

	ds.say("the holder reports the phone stolen: the mini-app revokes what it issued")
	if _, code := ds.post(miniapp, "/v1/credentials/"+mingOut.ID+"/revoke", map[string]any{"reason": "phone reported stolen"}, http.StatusOK); code != exitOK {
		return code
	}

	ds.say("the phone's next sync brings the republished list; offline, it refuses the credential")
	// The service republishes within a second or so; the phone syncs
	// until it has the new list (shown once it has).
	deadline := time.Now().Add(15 * time.Second)
	for {
		time.Sleep(200 * time.Millisecond)
		rep, code := ds.doSync()
		if code != exitOK {
			return code
		}
		res, code := ds.verifyQuiet(mingOut.QR)
		if code != exitOK {
			return code
		}
		if res.Code == verifier.CodeRevoked {
			fmt.Fprintf(w, "netcred sync --from %s --trust %s\n", ds.url, ds.path(ds.trust))
			printUpdate(ds.e, rep)
			break
		}
		if time.Now().After(deadline) {
			return ds.fail(errors.New("the service did not republish the revoked list within 15s"))
		}
	}
	if res, code := ds.verify(ds.trust, mingOut.QR, verifier.Policy{}, ds.e.now()); code != exitOK || res.Code != verifier.CodeRevoked {
		return ds.failCode(code, fmt.Errorf("expected %s, got %s", verifier.CodeRevoked, res.Code))
	}
	fmt.Fprintf(w, "\nfiles are in %s; the same with the CLI: README.md, \"The issuer service\"\n", ds.dir)
	return exitOK
}

// failCode returns code when a step already failed (and said why), and
// fails with err otherwise.
func (ds *demoService) failCode(code int, err error) int {
	if code != exitOK {
		return code
	}
	return ds.fail(err)
}

// issuedAnswer is the part of a 201 answer the demo uses.
type issuedAnswer struct {
	ID     string `json:"id"`
	QR     string `json:"qr"`
	Status struct {
		URI string `json:"uri"`
	} `json:"status"`
}

// waitPublished waits until the service publishes the list uri, which a
// new store's first credential created: it is signed within a second or
// so of its creation, after the 201, and a phone syncing before that
// would find no list to decide with.
func (ds *demoService) waitPublished(uri string) int {
	want, _ := json.Marshal(uri)
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := ds.client.Get(ds.url + "/status/aggregation.json")
		if err == nil {
			index, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && bytes.Contains(index, want) {
				return exitOK
			}
		}
		if time.Now().After(deadline) {
			return ds.fail(fmt.Errorf("the service did not publish %s within 15s", uri))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// post sends body as JSON to path with the client token, prints the
// request line and the answer (the QR text shortened), and checks the
// status code.
func (ds *demoService) post(token, path string, body any, want int) (issuedAnswer, int) {
	w := ds.e.stdout
	data, err := json.Marshal(body)
	if err != nil {
		return issuedAnswer{}, ds.fail(err)
	}
	req, err := http.NewRequest(http.MethodPost, ds.url+path, bytes.NewReader(data))
	if err != nil {
		return issuedAnswer{}, ds.fail(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := ds.client.Do(req)
	if err != nil {
		return issuedAnswer{}, ds.fail(err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if err != nil {
		return issuedAnswer{}, ds.fail(err)
	}
	var a issuedAnswer
	json.Unmarshal(answer, &a)
	shown := strings.TrimSpace(string(answer))
	if len(a.QR) > 24 {
		shown = strings.Replace(shown, a.QR, a.QR[:24]+"...", 1)
	}
	fmt.Fprintf(w, "POST %s -> %d\n%s\n", path, resp.StatusCode, shown)
	if resp.StatusCode != want {
		return a, ds.fail(fmt.Errorf("POST %s answered %d, want %d", path, resp.StatusCode, want))
	}
	return a, exitOK
}

// sync syncs the phone's trust store from the service, printing what
// changed, as netcred sync --from does.
func (ds *demoService) sync() int {
	fmt.Fprintf(ds.e.stdout, "netcred sync --from %s --trust %s\n", ds.url, ds.path(ds.trust))
	rep, code := ds.doSync()
	if code == exitOK {
		printUpdate(ds.e, rep)
	}
	return code
}

func (ds *demoService) doSync() (trust.Report, int) {
	store, err := trust.OpenWith(ds.path(ds.trust), trust.Options{Now: ds.e.now})
	if err != nil {
		return trust.Report{}, ds.fail(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rep, err := store.Sync(ctx, ds.url, ds.client, nil)
	if err != nil {
		return rep, ds.fail(err)
	}
	return rep, exitOK
}

// verifyQuiet verifies text with the phone's store, printing nothing.
func (ds *demoService) verifyQuiet(text string) (verifier.Result, int) {
	quiet := *ds.demo
	e := *ds.e
	e.stdout = discard{}
	quiet.e = &e
	return quiet.verify(ds.trust, text, verifier.Policy{}, ds.e.now())
}
