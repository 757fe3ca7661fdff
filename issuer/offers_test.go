package issuer_test

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/schemas"
)

const offerClaims = `{"name":"李四","id_number":"11010519491231002X","birth_date":"1949-12-31"}`

// clock is a settable time for the offer tests.
type clock struct{ t atomic.Int64 }

func (c *clock) now() time.Time      { return time.Unix(0, c.t.Load()).UTC() }
func (c *clock) add(d time.Duration) { c.t.Add(int64(d)) }

func offerService(t *testing.T) (*issuer.Service, *clock) {
	t.Helper()
	c := &clock{}
	c.t.Store(now.UnixNano())
	s := openService(t, filepath.Join(t.TempDir(), "issuer.db"), newKey(t), issuer.Options{Now: c.now})
	s.Issuer().Now = c.now
	t.Cleanup(func() { s.Close() })
	return s, c
}

func makeOffer(t *testing.T, s *issuer.Service) *issuer.NewOffer {
	t.Helper()
	o, err := s.CreateOffer(issuer.OfferRequest{Client: "police", Type: "identity", Level: credential.LevelHigh,
		Evidence: credential.EvidenceInPersonDocument, Summary: issuer.EvidenceSummary{Method: "document_check", At: now, Terminal: "desk-7"},
		Claims: json.RawMessage(offerClaims)})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func storedOffer(t *testing.T, s *issuer.Service, id string) *issuer.Offer {
	t.Helper()
	var o *issuer.Offer
	err := s.Store().View(func(tx issuer.Tx) error {
		var err error
		o, err = tx.Offer(id)
		return err
	})
	if err != nil {
		t.Fatalf("Offer(%s): %v", id, err)
	}
	return o
}

func TestCreateOffer(t *testing.T) {
	s, _ := offerService(t)
	o := makeOffer(t, s)
	if len(o.TxCode) != issuer.TxCodeLength || strings.Trim(o.TxCode, "0123456789") != "" {
		t.Errorf("tx code %q; want %d digits", o.TxCode, issuer.TxCodeLength)
	}
	if !strings.HasPrefix(o.Code, issuer.PreAuthorizedCodePrefix+o.ID+".") {
		t.Errorf("code %q does not name offer %s", o.Code, o.ID)
	}
	if got, want := o.Expires, now.Add(issuer.DefaultOfferTTL); !got.Equal(want) {
		t.Errorf("expires %s; want %s", got, want)
	}
	rec := storedOffer(t, s, o.ID)
	if rec.State != issuer.OfferOpen || string(rec.Claims) != offerClaims || rec.Level != credential.LevelHigh || rec.EvidenceCode != "in_person_document" {
		t.Errorf("stored offer %+v", rec)
	}
	raw, _ := json.Marshal(rec)
	if strings.Contains(string(raw), o.TxCode) || strings.Contains(string(raw), o.Code) {
		t.Errorf("the record holds a code in the clear: %s", raw)
	}
	// The rules of Issue apply when the offer is made.
	for _, tc := range []struct {
		name string
		req  issuer.OfferRequest
		want error
	}{
		{"unknown type", issuer.OfferRequest{Type: "pet", Level: credential.LevelLow, Claims: json.RawMessage(offerClaims)}, schemas.ErrUnknownType},
		{"evidence too weak", issuer.OfferRequest{Type: "identity", Level: credential.LevelHigh, Evidence: credential.EvidenceRemoteFaceMatch, Claims: json.RawMessage(offerClaims)}, issuer.ErrEvidence},
		{"claims refused", issuer.OfferRequest{Type: "identity", Level: credential.LevelSubstantial, Claims: json.RawMessage(`{"name":"x"}`)}, nil},
		{"level below the type's minimum", issuer.OfferRequest{Type: "identity", Level: credential.LevelLow, Claims: json.RawMessage(offerClaims)}, issuer.ErrLevel},
		{"validity", issuer.OfferRequest{Type: "identity", Level: credential.LevelSubstantial, Claims: json.RawMessage(offerClaims), ValidFor: 20 * 366 * 24 * time.Hour}, issuer.ErrValidity},
	} {
		_, err := s.CreateOffer(tc.req)
		if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
			t.Errorf("%s: got %v; want %v", tc.name, err, tc.want)
		}
	}
}

func TestRedeemOffer(t *testing.T) {
	s, c := offerService(t)
	o := makeOffer(t, s)
	wrong := "000000"
	if wrong == o.TxCode {
		wrong = "111111"
	}
	for _, tc := range []struct {
		name, code, tx string
		want           error
	}{
		{"guessed code", issuer.PreAuthorizedCodePrefix + o.ID + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", o.TxCode, issuer.ErrOfferUnknown},
		{"code of no offer", issuer.PreAuthorizedCodePrefix + "AAAAAAAAAAAAAAAAAAAAAA.x", o.TxCode, issuer.ErrOfferUnknown},
		{"not a code", "hello", o.TxCode, issuer.ErrOfferUnknown},
		{"access token as code", issuer.AccessTokenPrefix + o.ID + ".x", o.TxCode, issuer.ErrOfferUnknown},
		{"empty tx code", o.Code, "", issuer.ErrTxCode},
		{"wrong tx code", o.Code, wrong, issuer.ErrTxCode},
	} {
		_, err := s.RedeemOffer(tc.code, tc.tx)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v; want %v", tc.name, err, tc.want)
		}
	}
	if n := storedOffer(t, s, o.ID).FailedTxCodes; n != 2 {
		t.Errorf("failed tx codes %d; want 2 (a guessed code counts nothing)", n)
	}
	tok, err := s.RedeemOffer(o.Code, o.TxCode)
	if err != nil {
		t.Fatalf("redeeming with the right codes: %v", err)
	}
	if !strings.HasPrefix(tok.Token, issuer.AccessTokenPrefix+o.ID+".") || !tok.Expires.Equal(now.Add(issuer.DefaultAccessTokenTTL)) {
		t.Errorf("token %+v", tok)
	}
	if _, err := s.RedeemOffer(o.Code, o.TxCode); !errors.Is(err, issuer.ErrOfferUsed) {
		t.Errorf("second redemption: got %v; want ErrOfferUsed", err)
	}
	if _, err := s.OfferOfToken(tok.Token); err != nil {
		t.Errorf("OfferOfToken: %v", err)
	}
	for _, bad := range []string{tok.Token + "x", o.Code, issuer.AccessTokenPrefix + o.ID + ".x", ""} {
		if _, err := s.OfferOfToken(bad); !errors.Is(err, issuer.ErrAccessToken) {
			t.Errorf("OfferOfToken(%q): got %v; want ErrAccessToken", bad, err)
		}
	}
	c.add(issuer.DefaultAccessTokenTTL)
	if _, err := s.OfferOfToken(tok.Token); !errors.Is(err, issuer.ErrAccessToken) {
		t.Errorf("an expired token: got %v; want ErrAccessToken", err)
	}
}

func TestOfferInvalidatedAfterWrongTxCodes(t *testing.T) {
	s, _ := offerService(t)
	o := makeOffer(t, s)
	wrong := "000000"
	if wrong == o.TxCode {
		wrong = "111111"
	}
	for i := 1; i < issuer.MaxTxCodeFailures; i++ {
		if _, err := s.RedeemOffer(o.Code, wrong); !errors.Is(err, issuer.ErrTxCode) {
			t.Fatalf("wrong code %d: got %v; want ErrTxCode", i, err)
		}
	}
	if _, err := s.RedeemOffer(o.Code, wrong); !errors.Is(err, issuer.ErrOfferInvalidated) {
		t.Fatalf("wrong code %d: got %v; want ErrOfferInvalidated", issuer.MaxTxCodeFailures, err)
	}
	rec := storedOffer(t, s, o.ID)
	if rec.State != issuer.OfferInvalidated || rec.Claims != nil {
		t.Errorf("invalidated offer: state %s, claims %s; want invalidated and none", rec.State, rec.Claims)
	}
	if _, err := s.RedeemOffer(o.Code, o.TxCode); !errors.Is(err, issuer.ErrOfferInvalidated) {
		t.Errorf("the right code after invalidation: got %v; want ErrOfferInvalidated", err)
	}
	// The audit log has the offer and its end, naming the offer only.
	var kinds []string
	err := s.Store().View(func(tx issuer.Tx) error {
		return tx.Audit(1, func(e *issuer.AuditEntry) error {
			var b issuer.AuditBody
			if err := json.Unmarshal(e.Body, &b); err != nil {
				return err
			}
			if b.Offer != "" {
				kinds = append(kinds, b.Kind)
				if b.Offer != o.ID || strings.Contains(string(e.Body), "李四") {
					t.Errorf("audit entry %s", e.Body)
				}
			}
			return nil
		})
	})
	if err != nil || strings.Join(kinds, ",") != "offer,offer_invalidated" {
		t.Errorf("offer audit entries %v, %v; want offer, offer_invalidated", kinds, err)
	}
}

func TestOfferExpiresAndIsSwept(t *testing.T) {
	s, c := offerService(t)
	o := makeOffer(t, s)
	c.add(issuer.DefaultOfferTTL - time.Second)
	if n, err := s.SweepOffers(); err != nil || n != 0 {
		t.Errorf("sweep before expiry: %d, %v; want 0", n, err)
	}
	c.add(time.Second)
	if _, err := s.RedeemOffer(o.Code, o.TxCode); !errors.Is(err, issuer.ErrOfferExpired) {
		t.Errorf("redeeming at expiry: got %v; want ErrOfferExpired", err)
	}
	if n, err := s.SweepOffers(); err != nil || n != 1 {
		t.Errorf("sweep after expiry: %d, %v; want 1", n, err)
	}
	err := s.Store().View(func(tx issuer.Tx) error { _, err := tx.Offer(o.ID); return err })
	if !errors.Is(err, issuer.ErrNotFound) {
		t.Errorf("swept offer: %v; want ErrNotFound", err)
	}
	if _, err := s.RedeemOffer(o.Code, o.TxCode); !errors.Is(err, issuer.ErrOfferUnknown) {
		t.Errorf("redeeming a swept offer: got %v; want ErrOfferUnknown", err)
	}
}

// TestRedeemOnce: of concurrent redemptions with the right codes, one gets
// a token.
func TestRedeemOnce(t *testing.T) {
	s, _ := offerService(t)
	o := makeOffer(t, s)
	var wg sync.WaitGroup
	var won atomic.Int32
	for range 16 {
		wg.Go(func() {
			if _, err := s.RedeemOffer(o.Code, o.TxCode); err == nil {
				won.Add(1)
			} else if !errors.Is(err, issuer.ErrOfferUsed) {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if won.Load() != 1 {
		t.Errorf("%d redemptions won; want 1", won.Load())
	}
}

func holderKeys(t *testing.T, n int) []*keys.PublicKey {
	t.Helper()
	var out []*keys.PublicKey
	for range n {
		k, err := keys.Generate(credential.ES256)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, k.Public())
	}
	return out
}

// TestIssueOffer: a batch of N keys yields N credentials with distinct
// status entries, once; the offer then holds no claims.
func TestIssueOffer(t *testing.T) {
	s, _ := offerService(t)
	o := makeOffer(t, s)
	tok, err := s.RedeemOffer(o.Code, o.TxCode)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.IssueOffer(tok.Token, nil); !errors.Is(err, issuer.ErrBatch) {
		t.Errorf("no keys: got %v; want ErrBatch", err)
	}
	if _, err := s.IssueOffer(tok.Token, holderKeys(t, issuer.MaxBatch+1)); !errors.Is(err, issuer.ErrBatch) {
		t.Errorf("too many keys: got %v; want ErrBatch", err)
	}
	hk := holderKeys(t, 3)
	outs, err := s.IssueOffer(tok.Token, hk)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[uint64]bool{}
	for i, out := range outs {
		if out.Claims.Level != credential.LevelHigh || out.Claims.Status == nil || seen[out.Claims.Status.Index] {
			t.Errorf("credential %d: level %s, status %+v (indexes so far %v)", i, out.Claims.Level, out.Claims.Status, seen)
			continue
		}
		seen[out.Claims.Status.Index] = true
		_, pub, ok, err := out.Claims.HolderKey()
		if k, _ := keys.NewPublicKey(pub); !ok || err != nil || k.Thumbprint() != hk[i].Thumbprint() {
			t.Errorf("credential %d: cnf %v, %v; want the %d-th holder key", i, ok, err, i)
		}
		info, err := s.FindCredential(out.COSE)
		if err != nil || info.Client != "police" || info.Evidence.Terminal != "desk-7" {
			t.Errorf("record of credential %d: %+v, %v", i, info, err)
		}
	}
	rec := storedOffer(t, s, o.ID)
	if rec.State != issuer.OfferRedeemed || rec.Claims != nil || len(rec.Credentials) != 3 {
		t.Errorf("redeemed offer: %+v", rec)
	}
	if _, err := s.IssueOffer(tok.Token, hk); !errors.Is(err, issuer.ErrAccessToken) {
		t.Errorf("second use of the token: got %v; want ErrAccessToken", err)
	}
}
