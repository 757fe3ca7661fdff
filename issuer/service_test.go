package issuer_test

import (
	"crypto"
	"encoding/binary"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/issuer/store/bolt"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/status"
)

const baseURI = "https://id.example/s/"

var now = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func claims() map[string]any {
	return map[string]any{"name": "王小明", "id_number": "11010519491231002X", "birth_date": "1949-12-31"}
}

func newKey(tb testing.TB) *keys.PrivateKey {
	tb.Helper()
	k, err := keys.Generate(credential.EdDSA)
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// openService opens (creating) the store at path with the rules over it.
func openService(tb testing.TB, path string, key *keys.PrivateKey, opts issuer.Options) *issuer.Service {
	tb.Helper()
	st, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	var is *issuer.Issuer
	if key != nil {
		is = issuer.New(key, nil)
		is.Now = func() time.Time { return now }
	}
	if opts.BaseURI == "" {
		opts.BaseURI = baseURI
	}
	if opts.Now == nil {
		opts.Now = func() time.Time { return now }
	}
	s, err := issuer.Open(st, is, opts)
	if err != nil {
		st.Close()
		tb.Fatal(err)
	}
	return s
}

func issue(tb testing.TB, s *issuer.Service, client string) *issuer.Issued {
	tb.Helper()
	out, err := s.Issue(issuer.Request{Type: "identity", Level: credential.LevelSubstantial, Claims: claims()},
		issuer.IssueInfo{Client: client, Evidence: issuer.EvidenceSummary{Method: "face_match", At: now}})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// TestIssueNeverReusesAnIndex: concurrent issuance across restarts (each
// restart loses the rest of its reserved range) into lists that fill and
// roll over never gives an entry twice, and every credential is recorded.
func TestIssueNeverReusesAnIndex(t *testing.T) {
	path := filepath.Join(t.TempDir(), "issuer.db")
	key := newKey(t)
	seen := map[string]bool{}
	var mu sync.Mutex
	for restart := range 4 {
		s := openService(t, path, key, issuer.Options{ListSize: 512, Reserve: 37})
		var wg sync.WaitGroup
		for range 6 {
			wg.Go(func() {
				for range 40 {
					out := issue(t, s, "")
					id := issuer.CredentialID(out.Claims.Status)
					mu.Lock()
					if seen[id] {
						t.Errorf("restart %d: entry %s given twice", restart, id)
					}
					seen[id] = true
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		for id := range seen {
			if _, err := s.Credential(id); err != nil {
				t.Errorf("issued %s is not recorded: %v", id, err)
			}
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if len(seen) != 4*6*40 {
		t.Errorf("%d distinct entries; want %d", len(seen), 4*6*40)
	}
	lists := map[string]int{}
	for id := range seen {
		lists[id[:strings.IndexByte(id, '#')]]++
	}
	if len(lists) < 2 {
		t.Errorf("issuance used lists %v; want a rollover past list 1", lists)
	}
}

// TestRollover: a list of 16 entries fills with 16 credentials; the next
// list opens (empty) at 90%, and the 17th credential goes into it.
func TestRollover(t *testing.T) {
	s := openService(t, filepath.Join(t.TempDir(), "issuer.db"), newKey(t), issuer.Options{ListSize: 16, Reserve: 1})
	defer s.Close()
	for i := range 17 {
		out := issue(t, s, "")
		want := baseURI + "1"
		if i == 16 {
			want = baseURI + "2"
		}
		if out.Claims.Status.URI != want {
			t.Errorf("credential %d in %s; want %s", i+1, out.Claims.Status.URI, want)
		}
		lists, err := s.Lists()
		if err != nil {
			t.Fatal(err)
		}
		wantLists := 1
		if i+1 >= 15 {
			wantLists = 2
		}
		if len(lists) != wantLists {
			t.Errorf("after %d credentials: %d lists; want %d", i+1, len(lists), wantLists)
		}
	}
}

func TestOpenRefuses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "issuer.db")
	st, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := issuer.Open(st, nil, issuer.Options{}); !errors.Is(err, issuer.ErrNoStore) {
		t.Errorf("Open of an empty store without a base URI: %v; want ErrNoStore", err)
	}
	for _, uri := range []string{"ftp://x/", "https://x/s?q", "https://x/s#", "/relative/"} {
		if _, err := issuer.Open(st, nil, issuer.Options{BaseURI: uri}); !errors.Is(err, issuer.ErrStoreConfig) {
			t.Errorf("Open with base URI %q: %v; want ErrStoreConfig", uri, err)
		}
	}
	if _, err := issuer.Open(st, nil, issuer.Options{BaseURI: baseURI}); err != nil {
		t.Fatal(err)
	}
	if _, err := issuer.Open(st, nil, issuer.Options{BaseURI: "https://other.example/s/"}); !errors.Is(err, issuer.ErrStoreConfig) {
		t.Errorf("Open with another base URI: %v; want ErrStoreConfig", err)
	}
	if _, err := issuer.Open(st, nil, issuer.Options{ListSize: 64}); !errors.Is(err, issuer.ErrStoreConfig) {
		t.Errorf("Open with another list size: %v; want ErrStoreConfig", err)
	}
	st.Close()
}

// TestSetStatusRules: the allowed changes, final revocation, and what a
// client may change.
func TestSetStatusRules(t *testing.T) {
	s := openService(t, filepath.Join(t.TempDir(), "issuer.db"), newKey(t), issuer.Options{})
	defer s.Close()
	app := &issuer.Client{Name: "app", Scope: issuer.ScopeIssue}
	other := &issuer.Client{Name: "other", Scope: issuer.ScopeIssue}
	admin := &issuer.Client{Name: "admin", Scope: issuer.ScopeAdmin}
	id := issuer.CredentialID(issue(t, s, "app").Claims.Status)
	steps := []struct {
		to       status.Status
		client   *issuer.Client
		previous status.Status
		err      error
	}{
		{status.Suspended, other, 0, issuer.ErrForbidden},
		{status.Valid, app, 0, issuer.ErrForbidden}, // reinstating needs admin, even a valid one (no change)
		{status.Suspended, app, status.Valid, nil},
		{status.Suspended, app, status.Suspended, nil}, // no change
		{status.Valid, app, 0, issuer.ErrForbidden},    // reinstating needs admin
		{status.Valid, admin, status.Suspended, nil},
		{status.Suspended, nil, status.Valid, nil},
		{status.Valid, nil, status.Suspended, nil},
		{status.Revoked, app, status.Valid, nil},
		{status.Suspended, nil, 0, issuer.ErrRevocationFinal},
		{status.Valid, admin, 0, issuer.ErrRevocationFinal},
		{status.Revoked, nil, status.Revoked, nil},
		{status.Status(3), nil, 0, status.ErrInvalidStatus},
	}
	for i, st := range steps {
		prev, err := s.SetStatus(id, st.to, "test", st.client)
		if !errors.Is(err, st.err) || (err == nil && prev != st.previous) {
			t.Errorf("step %d (to %v by %v): got %v, %v; want %v, %v", i, st.to, st.client, prev, err, st.previous, st.err)
		}
	}
	info, err := s.Credential(id)
	if err != nil {
		t.Fatal(err)
	}
	if info.Status != status.Revoked || len(info.History) != 5 {
		t.Errorf("record: status %v with %d changes; want revoked with 5", info.Status, len(info.History))
	}
	for _, bad := range []string{"https://id.example/s/1", "https://id.example/s/1#01", "https://other.example/s/1#5", baseURI + "1#99999999"} {
		if _, err := s.SetStatus(bad, status.Revoked, "", nil); err == nil {
			t.Errorf("SetStatus(%q) accepted", bad)
		}
	}
	if _, err := s.SetStatus(id, status.Revoked, "bad\x00reason", nil); !errors.Is(err, issuer.ErrRequest) {
		t.Errorf("reason with a control character: %v; want ErrRequest", err)
	}
}

func TestRecordHoldsNoClaims(t *testing.T) {
	s := openService(t, filepath.Join(t.TempDir(), "issuer.db"), newKey(t), issuer.Options{})
	defer s.Close()
	out := issue(t, s, "app")
	info, err := s.FindCredential(out.COSE)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(info)
	for _, v := range []string{"王小明", "11010519491231002X", "1949-12-31"} {
		if strings.Contains(string(data), v) {
			t.Errorf("the record holds the claim %q: %s", v, data)
		}
	}
	if info.Evidence.Method != "face_match" || info.Client != "app" || info.Type != "identity" {
		t.Errorf("record = %+v; want evidence face_match, client app, type identity", info.CredentialRecord)
	}
}

func TestClients(t *testing.T) {
	s := openService(t, filepath.Join(t.TempDir(), "issuer.db"), nil, issuer.Options{})
	defer s.Close()
	token, c, err := s.AddClient("mini-app", credential.LevelSubstantial, []string{"identity"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(token, issuer.TokenPrefix) || c.TokenHash != issuer.TokenHash(token) || c.Scope != issuer.ScopeIssue {
		t.Errorf("AddClient = %q, %+v", token, c)
	}
	got, err := s.Authenticate(token)
	if err != nil || got.Name != "mini-app" {
		t.Errorf("Authenticate = %v, %v; want mini-app", got, err)
	}
	for _, bad := range []struct {
		name  string
		level credential.Level
		types []string
		scope string
	}{
		{"mini-app", credential.LevelLow, []string{"identity"}, ""},   // taken
		{"", credential.LevelLow, []string{"identity"}, ""},           // no name
		{"a b", credential.LevelLow, []string{"identity"}, ""},        // bad name
		{"x", credential.Level(9), []string{"identity"}, ""},          // bad level
		{"x", credential.LevelLow, nil, ""},                           // no type
		{"x", credential.LevelLow, []string{"no-such-type"}, ""},      // unknown type
		{"x", credential.LevelLow, []string{"identity"}, "superuser"}, // bad scope
	} {
		if _, _, err := s.AddClient(bad.name, bad.level, bad.types, bad.scope); err == nil {
			t.Errorf("AddClient(%+v) accepted", bad)
		}
	}
	if _, err := s.Authenticate("nct_wrong"); !errors.Is(err, issuer.ErrUnauthorized) {
		t.Errorf("Authenticate of a wrong token: %v; want ErrUnauthorized", err)
	}
	if err := s.RevokeClient("mini-app"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(token); !errors.Is(err, issuer.ErrUnauthorized) {
		t.Errorf("Authenticate of a revoked client: %v; want ErrUnauthorized", err)
	}
}

func TestTerminals(t *testing.T) {
	s := openService(t, filepath.Join(t.TempDir(), "issuer.db"), nil, issuer.Options{})
	defer s.Close()
	term := newKey(t)
	jwk, _ := term.Public().MarshalJSON()
	if _, err := s.AddTerminal("police-7", jwk); err != nil {
		t.Fatal(err)
	}
	private, _ := term.MarshalJSON()
	if _, err := s.AddTerminal("police-8", private); err == nil {
		t.Error("a private JWK was accepted")
	}
	got, err := s.TerminalKey(t.Context(), "police-7")
	if err != nil || got == nil || got.Thumbprint() != term.Public().Thumbprint() {
		t.Errorf("TerminalKey = %v, %v", got, err)
	}
	if err := s.RemoveTerminal("police-7"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.TerminalKey(t.Context(), "police-7"); got != nil || err != nil {
		t.Errorf("TerminalKey of a removed terminal = %v, %v; want nil, nil", got, err)
	}
	fresh, err := s.MarkUsed(t.Context(), "att-1", now.Add(5*time.Minute))
	if err != nil || !fresh {
		t.Errorf("first MarkUsed = %v, %v; want fresh", fresh, err)
	}
	if fresh, err := s.MarkUsed(t.Context(), "att-1", now.Add(5*time.Minute)); err != nil || fresh {
		t.Errorf("second MarkUsed = %v, %v; want not fresh", fresh, err)
	}
}

func TestPublishShowsStatuses(t *testing.T) {
	key := newKey(t)
	s := openService(t, filepath.Join(t.TempDir(), "issuer.db"), key, issuer.Options{ListSize: 1024})
	defer s.Close()
	a, b := issue(t, s, ""), issue(t, s, "")
	if _, err := s.SetStatus(issuer.CredentialID(a.Claims.Status), status.Revoked, "", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetStatus(issuer.CredentialID(b.Claims.Status), status.Suspended, "", nil); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	pub, err := s.Publish(key, out, now, 48*time.Hour, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if len(pub) != 1 || pub[0].Revoked != 1 || pub[0].Suspended != 1 {
		t.Fatalf("Publish = %+v; want one list with 1 revoked, 1 suspended", pub)
	}
	signed, err := s.SignLists(key, now, 48*time.Hour, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if !signed[0].IssuedAt.After(pub[0].IssuedAt) {
		t.Errorf("second publication iat %s not after %s", signed[0].IssuedAt, pub[0].IssuedAt)
	}
	tok, err := status.ParseToken(signed[0].Token, func([]byte) (credential.Algorithm, crypto.PublicKey, bool) {
		return key.Algorithm(), key.Public().Key(), true
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		ref  *credential.StatusRef
		want status.Status
	}{{a.Claims.Status, status.Revoked}, {b.Claims.Status, status.Suspended}} {
		if got, _ := tok.List.Get(c.ref.Index); got != c.want {
			t.Errorf("published status of %d = %v; want %v", c.ref.Index, got, c.want)
		}
	}
}

// auditFixture builds a store with a checkpointed audit log of a few
// kinds of entries and returns its path and key.
func auditFixture(t *testing.T) (string, *keys.PrivateKey) {
	path := filepath.Join(t.TempDir(), "issuer.db")
	key := newKey(t)
	s := openService(t, path, key, issuer.Options{ListSize: 64})
	id := issuer.CredentialID(issue(t, s, "").Claims.Status)
	issue(t, s, "")
	if _, err := s.SetStatus(id, status.Revoked, "stolen", nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.AddClient("app", credential.LevelSubstantial, []string{"identity"}, ""); err != nil {
		t.Fatal(err)
	}
	jwk, _ := newKey(t).Public().MarshalJSON()
	if _, err := s.AddTerminal("police-7", jwk); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil { // signs a checkpoint
		t.Fatal(err)
	}
	return path, key
}

// tamper changes the raw audit bucket of the store at path.
func tamper(t *testing.T, path string, fn func(b *bbolt.Bucket) error) {
	t.Helper()
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bbolt.Tx) error { return fn(tx.Bucket([]byte("audit"))) }); err != nil {
		t.Fatal(err)
	}
}

func seqKey(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

func verify(t *testing.T, path string, trusted ...*keys.PublicKey) *issuer.AuditReport {
	t.Helper()
	st, err := bolt.Open(path, bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r, err := issuer.VerifyAudit(st, trusted...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func rewriteEntry(b *bbolt.Bucket, seq uint64, fn func(e *issuer.AuditEntry)) error {
	var e issuer.AuditEntry
	if err := json.Unmarshal(b.Get(seqKey(seq)), &e); err != nil {
		return err
	}
	fn(&e)
	data, _ := json.Marshal(&e)
	return b.Put(seqKey(seq), data)
}

func TestVerifyAudit(t *testing.T) {
	path, key := auditFixture(t)
	r := verify(t, path, key.Public())
	if !r.OK() || r.Entries < 7 || r.Covered != r.Last || r.Checkpoints != 1 {
		t.Fatalf("untouched log: %+v; want OK with every entry covered by one checkpoint", r)
	}
	if r := verify(t, path, newKey(t).Public()); r.OK() {
		t.Errorf("a checkpoint by an untrusted key passed: %+v", r)
	}

	cases := []struct {
		name     string
		tamper   func(b *bbolt.Bucket) error
		seq      uint64
		kind     string
		anywhere bool // the problem may name a later entry
	}{
		{"altered body", func(b *bbolt.Bucket) error {
			return rewriteEntry(b, 4, func(e *issuer.AuditEntry) { e.Body = []byte(strings.Replace(string(e.Body), "identity", "ticket", 1)) })
		}, 4, "altered", false},
		{"altered and rehashed", func(b *bbolt.Bucket) error {
			return rewriteEntry(b, 4, func(e *issuer.AuditEntry) {
				e.Body = []byte(strings.Replace(string(e.Body), "identity", "ticket", 1))
				e.Hash = issuer.AuditHash(e.Seq, e.Prev, e.Body)
			})
		}, 5, "altered", false},
		{"removed", func(b *bbolt.Bucket) error { return b.Delete(seqKey(3)) }, 3, "removed", false},
		{"truncated", func(b *bbolt.Bucket) error {
			k, _ := b.Cursor().Last()
			last := binary.BigEndian.Uint64(k)
			if err := b.Delete(seqKey(last)); err != nil {
				return err
			}
			return b.Delete(seqKey(last - 1))
		}, 0, "truncated", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path, key := auditFixture(t)
			tamper(t, path, tc.tamper)
			r := verify(t, path, key.Public())
			if r.OK() {
				t.Fatalf("tampered log verified: %+v", r)
			}
			p := r.Problems[0]
			if p.Kind != tc.kind || (!tc.anywhere && p.Seq != tc.seq) {
				t.Errorf("first problem %v; want %s at entry %d (all: %v)", p, tc.kind, tc.seq, r.Problems)
			}
		})
	}

	t.Run("rewritten history without the key", func(t *testing.T) {
		path, key := auditFixture(t)
		// Rewrite entry 4 and rechain everything after it: the chain holds,
		// the signed checkpoint does not.
		tamper(t, path, func(b *bbolt.Bucket) error {
			var prev issuer.Hash
			for seq := uint64(1); ; seq++ {
				v := b.Get(seqKey(seq))
				if v == nil {
					return nil
				}
				err := rewriteEntry(b, seq, func(e *issuer.AuditEntry) {
					if seq == 4 {
						e.Body = []byte(strings.Replace(string(e.Body), "identity", "ticket", 1))
					}
					e.Prev = prev
					e.Hash = issuer.AuditHash(e.Seq, e.Prev, e.Body)
					prev = e.Hash
				})
				if err != nil {
					return err
				}
			}
		})
		r := verify(t, path, key.Public())
		if r.OK() || r.Problems[0].Kind != "altered" {
			t.Errorf("rewritten history: %+v; want altered at the checkpoint", r)
		}
	})
}
