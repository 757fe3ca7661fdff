package issuer

import (
	"errors"
	"testing"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/schemas"
)

var fixedNow = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

func newIssuer(tb testing.TB) (*Issuer, *keys.PrivateKey) {
	tb.Helper()
	key, err := keys.Generate(credential.EdDSA)
	if err != nil {
		tb.Fatal(err)
	}
	is := New(key, nil)
	is.Now = func() time.Time { return fixedNow }
	return is, key
}

func identityClaims() map[string]any {
	return map[string]any{"name": "王小明", "id_number": "11010519491231002X", "birth_date": "1949-12-31"}
}

func TestIssue(t *testing.T) {
	is, key := newIssuer(t)
	out, err := is.Issue(Request{Type: "identity", Level: credential.LevelHigh, Claims: identityClaims(), ValidFor: 48 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Claims
	if c.Level != credential.LevelHigh || c.Evidence != credential.EvidenceInPersonDocument {
		t.Errorf("level %s evidence %s, want high and in_person_document", c.Level, c.Evidence)
	}
	if !c.IssuedAt.Equal(fixedNow) || !c.Expiry.Equal(fixedNow.Add(48*time.Hour)) {
		t.Errorf("validity %s..%s, want %s + 48h", c.IssuedAt, c.Expiry, fixedNow)
	}
	signed, err := credential.Parse(out.COSE)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := signed.Verify(key.Algorithm(), key.Public().Key()); err != nil {
		t.Fatalf("issued credential does not verify: %v", err)
	}
	back, err := credential.DecodeQR(out.QR)
	if err != nil || string(back) != string(out.COSE) {
		t.Fatalf("QR text does not decode to the COSE bytes: %v", err)
	}
}

func TestIssueRefuses(t *testing.T) {
	is, _ := newIssuer(t)
	badClaims := identityClaims()
	badClaims["birth_date"] = "1950-01-01"
	for _, tc := range []struct {
		name string
		req  Request
		want error
	}{
		{"unknown type", Request{Type: "passport", Level: credential.LevelHigh, Claims: identityClaims()}, schemas.ErrUnknownType},
		{"invalid level", Request{Type: "identity", Level: 7, Claims: identityClaims()}, ErrLevel},
		{"level below the type minimum", Request{Type: "identity", Level: credential.LevelLow, Claims: identityClaims()}, ErrLevel},
		{"evidence too weak for high", Request{Type: "identity", Level: credential.LevelHigh, Evidence: credential.EvidenceRemoteFaceMatch, Claims: identityClaims()}, ErrEvidence},
		{"evidence too weak for substantial", Request{Type: "identity", Level: credential.LevelSubstantial, Evidence: credential.EvidenceSelfAsserted, Claims: identityClaims()}, ErrEvidence},
		{"unknown evidence", Request{Type: "identity", Level: credential.LevelSubstantial, Evidence: 42, Claims: identityClaims()}, ErrEvidence},
		{"validity too long", Request{Type: "identity", Level: credential.LevelHigh, Claims: identityClaims(), ValidFor: 20 * 365 * 24 * time.Hour}, ErrValidity},
		{"validity negative", Request{Type: "identity", Level: credential.LevelHigh, Claims: identityClaims(), ValidFor: -time.Hour}, ErrValidity},
		{"claims break the schema", Request{Type: "identity", Level: credential.LevelHigh, Claims: badClaims}, schemas.ErrInvalidClaim},
		{"status without uri", Request{Type: "identity", Level: credential.LevelHigh, Claims: identityClaims(), Status: &credential.StatusRef{Index: 1}}, credential.ErrInvalidClaims},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := is.Issue(tc.req)
			if !errors.Is(err, tc.want) || out != nil {
				t.Fatalf("Issue: got %v, %v; want error %v", out, err, tc.want)
			}
		})
	}
}

// TestIssueHolderKey: a request with a holder key yields a credential whose
// cnf is that key, for both device key types; without one, no cnf.
func TestIssueHolderKey(t *testing.T) {
	is, key := newIssuer(t)
	for _, alg := range []credential.Algorithm{credential.ES256, credential.EdDSA} {
		holder, err := keys.Generate(alg)
		if err != nil {
			t.Fatal(err)
		}
		out, err := is.Issue(Request{Type: "identity", Level: credential.LevelSubstantial, Claims: identityClaims(), HolderKey: holder.Public()})
		if err != nil {
			t.Fatal(err)
		}
		signed, err := credential.Parse(out.COSE)
		if err != nil {
			t.Fatal(err)
		}
		c, err := signed.Verify(key.Algorithm(), key.Public().Key())
		if err != nil {
			t.Fatal(err)
		}
		gotAlg, pub, ok, err := c.HolderKey()
		if err != nil || !ok {
			t.Fatalf("%s: HolderKey: ok %v, %v", alg, ok, err)
		}
		got, err := keys.NewPublicKey(pub)
		if err != nil || gotAlg != alg || got.Thumbprint() != holder.Public().Thumbprint() {
			t.Fatalf("%s: cnf key %v (%s); want %v", alg, got, gotAlg, holder.Public())
		}
	}
	out, err := is.Issue(Request{Type: "identity", Level: credential.LevelSubstantial, Claims: identityClaims()})
	if err != nil || out.Claims.Confirmation != nil {
		t.Fatalf("no holder key: cnf %x, %v; want none", out.Claims.Confirmation, err)
	}
}
