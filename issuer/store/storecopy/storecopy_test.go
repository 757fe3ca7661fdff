package storecopy_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/issuer/store/bolt"
	"github.com/netcred/netcred/issuer/store/postgres"
	"github.com/netcred/netcred/issuer/store/postgres/pgtest"
	"github.com/netcred/netcred/issuer/store/storecopy"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/status"
)

var now = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func openBolt(t *testing.T) *bolt.Store {
	t.Helper()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "issuer.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func openPostgres(t *testing.T) *postgres.Store {
	t.Helper()
	st, err := postgres.Open(context.Background(), pgtest.URL(t), postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// fill writes records of every kind through the issuer rules: lists that
// roll over, credentials revoked and suspended, clients, terminals, an
// idempotency record, used-once records and checkpoints.
var req = issuer.Request{Type: "identity", Level: credential.LevelSubstantial,
	Claims: map[string]any{"name": "王小明", "id_number": "11010519491231002X", "birth_date": "1949-12-31"}}

func fill(t *testing.T, st issuer.Store) *keys.PrivateKey {
	t.Helper()
	key, err := keys.Generate(credential.EdDSA)
	if err != nil {
		t.Fatal(err)
	}
	is := issuer.New(key, nil)
	is.Now = func() time.Time { return now }
	svc, err := issuer.Open(st, is, issuer.Options{BaseURI: "https://id.example/s/", ListSize: 64, Reserve: 4, CheckpointEvery: 25,
		Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.AddClient("app", credential.LevelSubstantial, []string{"identity"}, issuer.ScopeIssue); err != nil {
		t.Fatal(err)
	}
	term, err := keys.Generate(credential.EdDSA)
	if err != nil {
		t.Fatal(err)
	}
	jwk, _ := term.Public().MarshalJSON()
	if _, err := svc.AddTerminal("police-7", jwk); err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		out, err := svc.Issue(req, issuer.IssueInfo{Client: "app", Evidence: issuer.EvidenceSummary{Method: "face_match", At: now}})
		if err != nil {
			t.Fatal(err)
		}
		id := issuer.CredentialID(out.Claims.Status)
		switch i % 10 {
		case 3:
			_, err = svc.SetStatus(id, status.Revoked, "stolen", nil)
		case 5:
			_, err = svc.SetStatus(id, status.Suspended, "lost", nil)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := svc.IssueOnce(req, issuer.IssueInfo{Client: "app"}, "key-1", []byte{1}); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := svc.MarkUsed(context.Background(), fmt.Sprintf("att-%d", i), now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	if err := svc.Checkpoint(); err != nil {
		t.Fatal(err)
	}
	err = st.Update(func(tx issuer.Tx) error {
		if err := tx.ExtendKeyExpiry(key.Public().KIDString(), now.AddDate(1, 0, 0)); err != nil {
			return err
		}
		return tx.PutOffer(&issuer.Offer{ID: "AAAAAAAAAAAAAAAAAAAAAA", State: issuer.OfferOpen, Client: "app", Type: "identity",
			Level: credential.LevelSubstantial, Claims: []byte(`{"name":"x"}`), Created: now, Expires: now.Add(10 * time.Minute)})
	})
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func TestCopy(t *testing.T) {
	pgtest.Need(t)
	for _, tc := range []struct {
		name     string
		src, dst func(*testing.T) storecopy.Source
	}{
		{"bolt to postgres", func(t *testing.T) storecopy.Source { return openBolt(t) }, func(t *testing.T) storecopy.Source { return openPostgres(t) }},
		{"postgres to bolt", func(t *testing.T) storecopy.Source { return openPostgres(t) }, func(t *testing.T) storecopy.Source { return openBolt(t) }},
		{"bolt to bolt", func(t *testing.T) storecopy.Source { return openBolt(t) }, func(t *testing.T) storecopy.Source { return openBolt(t) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, dst := tc.src(t), tc.dst(t)
			key := fill(t, src)
			var calls int
			counts, err := storecopy.Copy(dst, src, func(int) { calls++ })
			if err != nil {
				t.Fatalf("Copy: %v", err)
			}
			if counts.Credentials != 101 || counts.Clients != 1 || counts.Terminals != 1 || counts.UsedOnce != 3 ||
				counts.Idempotency != 1 || counts.StatusChanges != 20 || counts.Lists < 2 || counts.Checkpoints < 2 || counts.Config != 1 ||
				counts.KeyExpiries != 1 || counts.Offers != 1 {
				t.Errorf("Copy counts = %+v", counts)
			}
			if calls == 0 {
				t.Errorf("progress never called")
			}
			r, err := issuer.VerifyAudit(dst, key.Public())
			if err != nil || !r.OK() || r.Entries != counts.Audit {
				t.Errorf("VerifyAudit of the target = %+v, %v; want ok with %d entries", r, err, counts.Audit)
			}
			if _, err := storecopy.Copy(dst, src, nil); !errors.Is(err, storecopy.ErrTargetNotEmpty) {
				t.Errorf("Copy into a non-empty store: %v; want ErrTargetNotEmpty", err)
			}
			// The target issues on from where the source was: no index again.
			is := issuer.New(key, nil)
			svc, err := issuer.Open(dst, is, issuer.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for range 30 {
				if _, err := svc.Issue(req, issuer.IssueInfo{}); err != nil {
					t.Fatalf("Issue on the target (an index taken twice?): %v", err)
				}
			}
		})
	}
}

func TestCompare(t *testing.T) {
	a, b := openBolt(t), openBolt(t)
	fill(t, a)
	if err := storecopy.Compare(b, a); !errors.Is(err, storecopy.ErrMismatch) {
		t.Errorf("Compare of a filled and an empty store: %v; want ErrMismatch", err)
	}
	if err := storecopy.Compare(a, b); !errors.Is(err, storecopy.ErrMismatch) {
		t.Errorf("Compare of an empty and a filled store: %v; want ErrMismatch", err)
	}
	if err := storecopy.Compare(a, a); err != nil {
		t.Errorf("Compare of a store with itself: %v", err)
	}
}
