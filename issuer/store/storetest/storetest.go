// Package storetest is the conformance suite of issuer.Store: every store
// passes it, the way every fs.FS passes testing/fstest.TestFS. A store's
// test is one call:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) issuer.Store { ... })
//	}
//
// newStore is called with each subtest's t. The first call for a given t
// returns an empty store; a later call with the same t, after the suite
// closed the store, returns the same data reopened (the durability test).
package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/status"
)

// Run runs the whole suite against the stores newStore returns.
func Run(t *testing.T, newStore func(t *testing.T) issuer.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, newStore func(t *testing.T) issuer.Store)
	}{
		{"Config", testConfig},
		{"Lists", testLists},
		{"Credentials", testCredentials},
		{"NotValid", testNotValid},
		{"StatusChanges", testStatusChanges},
		{"Clients", testClients},
		{"Terminals", testTerminals},
		{"UseOnce", testUseOnce},
		{"Idempotency", testIdempotency},
		{"IdempotencyExpiry", testIdempotencyExpiry},
		{"DropExpired", testDropExpired},
		{"KeyExpiry", testKeyExpiry},
		{"Offers", testOffers},
		{"Audit", testAudit},
		{"Rollback", testRollback},
		{"ReadOnlyView", testReadOnlyView},
		{"Copies", testCopies},
		{"Concurrent", testConcurrent},
		{"Durable", testDurable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStore) })
	}
}

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func open(t *testing.T, newStore func(t *testing.T) issuer.Store) issuer.Store {
	t.Helper()
	st := newStore(t)
	t.Cleanup(func() { st.Close() })
	return st
}

func update(t testing.TB, st issuer.Store, fn func(tx issuer.Tx) error) {
	t.Helper()
	if err := st.Update(fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func view(t testing.TB, st issuer.Store, fn func(tx issuer.Tx) error) {
	t.Helper()
	if err := st.View(fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

func wantErr(t testing.TB, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: got error %v; want %v", what, err, want)
	}
}

func equal(t testing.TB, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\ngot  %+v\nwant %+v", what, got, want)
	}
}

func credRec(list uint32, idx uint64) *issuer.CredentialRecord {
	return &issuer.CredentialRecord{
		List: list, Index: idx, CTI: []byte{1, 2}, Type: "identity", Level: credential.LevelSubstantial, KID: []byte("kid-1234"),
		IssuedAt: t0, Expiry: t0.Add(24 * time.Hour), Client: "mini-app",
		Evidence: issuer.EvidenceSummary{Method: "face_match", At: t0.Add(-time.Minute)},
	}
}

func testConfig(t *testing.T, newStore func(t *testing.T) issuer.Store) {
	st := open(t, newStore)
	view(t, st, func(tx issuer.Tx) error {
		_, err := tx.Config()
		wantErr(t, "Config of an empty store", err, issuer.ErrNotFound)
		return nil
	})
	c := &issuer.Config{Format: issuer.StoreFormat, BaseURI: "https://id.example/s/", ListSize: 1 << 20, Created: t0, Current: 3,
		KIDs: []string{"a", "b"}, LastPublished: t0.Add(time.Hour)}
	update(t, st, func(tx issuer.Tx) error { return tx.PutConfig(c) })
	view(t, st, func(tx issuer.Tx) error {
		got, err := tx.Config()
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "Config", got, c)
		return nil
	})
}

func testLists(t *testing.T, newStore func(t *testing.T) issuer.Store) {
	st := open(t, newStore)
	ls := []*issuer.ListRecord{
		{Number: 2, Size: 1024, Key: bytes.Repeat([]byte{2}, 32), Next: 100, Created: t0},
		{Number: 1, Size: 1024, Key: bytes.Repeat([]byte{1}, 32), Next: 1024, Created: t0},
		{Number: 10, Size: 1024, Key: bytes.Repeat([]byte{3}, 32), Created: t0},
	}
	update(t, st, func(tx issuer.Tx) error {
		for _, l := range ls {
			if err := tx.PutList(l); err != nil {
				return err
			}
		}
		return nil
	})
	update(t, st, func(tx issuer.Tx) error {
		l, err := tx.List(2)
		if err != nil {
			return err
		}
		l.Next = 200
		return tx.PutList(l)
	})
	ls[0].Next = 200
	view(t, st, func(tx issuer.Tx) error {
		_, err := tx.List(3)
		wantErr(t, "List(3)", err, issuer.ErrNotFound)
		got, err := tx.Lists()
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "Lists (in order of number)", got, []*issuer.ListRecord{ls[1], ls[0], ls[2]})
		return nil
	})
}

func testCredentials(t *testing.T, newStore func(t *testing.T) issuer.Store) {
	st := open(t, newStore)
	a, b := credRec(1, 7), credRec(1, 1<<40)
	update(t, st, func(tx issuer.Tx) error {
		if err := tx.InsertCredential(a); err != nil {
			return err
		}
		return tx.InsertCredential(b)
	})
	dup := credRec(1, 7)
	dup.Type = "ticket"
	err := st.Update(func(tx issuer.Tx) error { return tx.InsertCredential(dup) })
	wantErr(t, "InsertCredential at a taken (list, index)", err, issuer.ErrExists)
	err = st.Update(func(tx issuer.Tx) error { return tx.UpdateCredential(credRec(2, 7)) })
	wantErr(t, "UpdateCredential of a missing record", err, issuer.ErrNotFound)
	view(t, st, func(tx issuer.Tx) error {
		got, err := tx.Credential(1, 7)
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "Credential(1, 7) (the first insert kept)", got, a)
		_, err = tx.Credential(2, 7)
		wantErr(t, "Credential(2, 7)", err, issuer.ErrNotFound)
		for list, want := range map[uint32]int{1: 2, 2: 0} {
			n, err := tx.CountCredentials(list)
			if err != nil || n != want {
				t.Errorf("CountCredentials(%d) = %d, %v; want %d", list, n, err, want)
			}
		}
		return nil
	})
}

func testNotValid(t *testing.T, newStore func(t *testing.T) issuer.Store) {
	st := open(t, newStore)
	update(t, st, func(tx issuer.Tx) error {
		for _, list := range []uint32{1, 2} {
			for i := range uint64(20) {
				r := credRec(list, i*1000)
				if i%3 == 0 {
					r.Status = status.Suspended
				}
				if err := tx.InsertCredential(r); err != nil {
					return err
				}
			}
		}
		return nil
	})
	update(t, st, func(tx issuer.Tx) error {
		for i, s := range map[uint64]status.Status{0: status.Valid, 5000: status.Revoked, 3000: status.Revoked} {
			r, err := tx.Credential(1, i)
			if err != nil {
				return err
			}
			r.Status = s
			if err := tx.UpdateCredential(r); err != nil {
				return err
			}
		}
		return nil
	})
	want := map[uint64]status.Status{}
	for i := range uint64(20) {
		if i%3 == 0 {
			want[i*1000] = status.Suspended
		}
	}
	delete(want, 0)
	want[5000], want[3000] = status.Revoked, status.Revoked
	view(t, st, func(tx issuer.Tx) error {
		got := map[uint64]status.Status{}
		last := int64(-1)
		err := tx.NotValid(1, func(idx uint64, s status.Status) error {
			if int64(idx) <= last {
				t.Errorf("NotValid: index %d after %d; want increasing order", idx, last)
			}
			last = int64(idx)
			got[idx] = s
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "NotValid(1)", got, want)
		n := 0
		if err := tx.NotValid(3, func(uint64, status.Status) error { n++; return nil }); err != nil || n != 0 {
			t.Errorf("NotValid(3) of an unknown list: %d entries, %v; want none", n, err)
		}
		stop := errors.New("stop")
		if err := tx.NotValid(1, func(uint64, status.Status) error { return stop }); !errors.Is(err, stop) {
			t.Errorf("NotValid: fn's error not returned: %v", err)
		}
		return nil
	})
}

func testStatusChanges(t *testing.T, newStore func(t *testing.T) issuer.Store) {
	st := open(t, newStore)
	var seqs []uint64
	update(t, st, func(tx issuer.Tx) error {
		seqs = nil
		for i, c := range []issuer.StatusChange{
			{List: 1, Index: 5, At: t0, From: status.Valid, To: status.Suspended, Reason: "lost"},
			{List: 1, Index: 6, At: t0, From: status.Valid, To: status.Revoked},
			{List: 1, Index: 5, At: t0.Add(time.Hour), From: status.Suspended, To: status.Revoked, Reason: "stolen", Client: "desk"},
		} {
			if err := tx.AppendStatusChange(&c); err != nil {
				return err
			}
			if c.Seq == 0 || (i > 0 && c.Seq <= seqs[i-1]) {
				t.Errorf("AppendStatusChange assigned Seq %d after %v; want increasing from 1", c.Seq, seqs)
			}
			seqs = append(seqs, c.Seq)
		}
		return nil
	})
	view(t, st, func(tx issuer.Tx) error {
		got, err := tx.StatusChanges(1, 5)
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "StatusChanges(1, 5)", got, []*issuer.StatusChange{
			{Seq: seqs[0], List: 1, Index: 5, At: t0, From: status.Valid, To: status.Suspended, Reason: "lost"},
			{Seq: seqs[2], List: 1, Index: 5, At: t0.Add(time.Hour), From: status.Suspended, To: status.Revoked, Reason: "stolen", Client: "desk"},
		})
		got, err = tx.StatusChanges(2, 5)
		if err != nil || len(got) != 0 {
			t.Errorf("StatusChanges(2, 5) = %v, %v; want none", got, err)
		}
		return nil
	})
}

func testClients(t *testing.T, newStore func(t *testing.T) issuer.Store) {
	st := open(t, newStore)
	b := &issuer.Client{Name: "desk", TokenHash: issuer.TokenHash("t-desk"), MaxLevel: credential.LevelHigh, Types: []string{"identity"}, Scope: issuer.ScopeAdmin, Created: t0}
	a := &issuer.Client{Name: "app", TokenHash: issuer.TokenHash("t-app"), MaxLevel: credential.LevelSubstantial, Types: []string{"identity", "ticket"}, Scope: issuer.ScopeIssue, Created: t0}
	update(t, st, func(tx issuer.Tx) error {
		if err := tx.InsertClient(b); err != nil {
			return err
		}
		return tx.InsertClient(a)
	})
	sameName := *a
	sameName.TokenHash = issuer.TokenHash("other")
	wantErr(t, "InsertClient with a taken name", st.Update(func(tx issuer.Tx) error { return tx.InsertClient(&sameName) }), issuer.ErrExists)
	sameToken := *a
	sameToken.Name = "other"
	wantErr(t, "InsertClient with a taken token hash", st.Update(func(tx issuer.Tx) error { return tx.InsertClient(&sameToken) }), issuer.ErrExists)
	newToken := *a
	newToken.TokenHash = issuer.TokenHash("changed")
	wantErr(t, "UpdateClient changing the token hash", st.Update(func(tx issuer.Tx) error { return tx.UpdateClient(&newToken) }), issuer.ErrConflict)
	missing := *a
	missing.Name = "nobody"
	wantErr(t, "UpdateClient of a missing client", st.Update(func(tx issuer.Tx) error { return tx.UpdateClient(&missing) }), issuer.ErrNotFound)
	revoked := *a
	revoked.Revoked = t0.Add(time.Hour)
	update(t, st, func(tx issuer.Tx) error { return tx.UpdateClient(&revoked) })
	view(t, st, func(tx issuer.Tx) error {
		got, err := tx.ClientByTokenHash(issuer.TokenHash("t-app"))
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "ClientByTokenHash", got, &revoked)
		_, err = tx.ClientByTokenHash(issuer.TokenHash("other"))
		wantErr(t, "ClientByTokenHash of an unknown token", err, issuer.ErrNotFound)
		_, err = tx.Client("nobody")
		wantErr(t, "Client(nobody)", err, issuer.ErrNotFound)
		all, err := tx.Clients()
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "Clients (in order of name)", all, []*issuer.Client{&revoked, b})
		return nil
	})
}

func testTerminals(t *testing.T, newStore func(t *testing.T) issuer.Store) {
	st := open(t, newStore)
	jwk := []byte(`{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`)
	for _, n := range []string{"police-7", "police-2", "desk-1"} {
		update(t, st, func(tx issuer.Tx) error { return tx.InsertTerminal(&issuer.Terminal{Name: n, Key: jwk, Added: t0}) })
	}
	wantErr(t, "InsertTerminal with a taken name", st.Update(func(tx issuer.Tx) error {
		return tx.InsertTerminal(&issuer.Terminal{Name: "desk-1", Key: jwk, Added: t0})
	}), issuer.ErrExists)
	update(t, st, func(tx issuer.Tx) error { return tx.DeleteTerminal("police-7") })
	wantErr(t, "DeleteTerminal of a missing terminal", st.Update(func(tx issuer.Tx) error { return tx.DeleteTerminal("police-7") }), issuer.ErrNotFound)
	view(t, st, func(tx issuer.Tx) error {
		_, err := tx.Terminal("police-7")
		wantErr(t, "Terminal of a removed terminal", err, issuer.ErrNotFound)
		got, err := tx.Terminal("desk-1")
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "desk-1" || !bytes.Equal(got.Key, jwk) || !got.Added.Equal(t0) {
			t.Errorf("Terminal(desk-1) = %+v", got)
		}
		all, err := tx.Terminals()
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, term := range all {
			names = append(names, term.Name)
		}
		equal(t, "Terminals (in order of name)", names, []string{"desk-1", "police-2"})
		return nil
	})
}

func testUseOnce(t *testing.T, newStore func(t *testing.T) issuer.Store) {
	st := open(t, newStore)
	use := func(kind, id string, expires, now time.Time) error {
		return st.Update(func(tx issuer.Tx) error { return tx.UseOnce(kind, id, expires, now) })
	}
	exp := t0.Add(5 * time.Minute)
	if err := use("attestation", "abc", exp, t0); err != nil {
		t.Fatalf("first use: %v", err)
	}
	wantErr(t, "second use before expiry", use("attestation", "abc", exp, t0.Add(time.Minute)), issuer.ErrExists)
	if err := use("other", "abc", exp, t0); err != nil {
		t.Errorf("the same id of another kind: %v; want accepted", err)
	}
	if err := use("attestation", "abc", t0.Add(time.Hour), exp.Add(time.Second)); err != nil {
		t.Errorf("a use after the record expired: %v; want accepted", err)
	}
	// Of many concurrent uses of one id, exactly one is accepted.
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for range 20 {
		wg.Go(func() {
			if use("attestation", "race", exp, t0) == nil {
				mu.Lock()
				ok++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if ok != 1 {
		t.Errorf("concurrent uses of one id: %d accepted; want 1", ok)
	}
}

func testIdempotency(t *testing.T, newStore func(t *testing.T) issuer.Store) {
	st := open(t, newStore)
	r := &issuer.IdempotencyRecord{Client: "app", Key: "k1", RequestHash: []byte{9}, Response: []byte(`{"id":"x"}`), Created: t0}
	update(t, st, func(tx issuer.Tx) error { return tx.PutIdempotency(r) })
	again := *r
	again.Response = []byte(`{"id":"y"}`)
	wantErr(t, "PutIdempotency of a recorded key", st.Update(func(tx issuer.Tx) error { return tx.PutIdempotency(&again) }), issuer.ErrExists)
	view(t, st, func(tx issuer.Tx) error {
		got, err := tx.Idempotency("app", "k1")
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "Idempotency(app, k1)", got, r)
		_, err = tx.Idempotency("desk", "k1")
		wantErr(t, "Idempotency of another client's key", err, issuer.ErrNotFound)
		return nil
	})
}

func testIdempotencyExpiry(t *testing.T, newStore func(t *testing.T) issuer.Store) {
	st := open(t, newStore)
	put := func(r *issuer.IdempotencyRecord) error {
		return st.Update(func(tx issuer.Tx) error { return tx.PutIdempotency(r) })
	}
	r := &issuer.IdempotencyRecord{Client: "app", Key: "k", RequestHash: []byte{1}, Response: []byte(`{"id":"x"}`),
		Created: t0, Expires: t0.Add(time.Hour)}
	if err := put(r); err != nil {
		t.Fatal(err)
	}
	view(t, st, func(tx issuer.Tx) error {
		got, err := tx.Idempotency("app", "k")
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "Idempotency with Expires", got, r)
		return nil
	})
	early := *r
	early.Created, early.Response = t0.Add(59*time.Minute), []byte(`{"id":"early"}`)
	wantErr(t, "PutIdempotency before the record expired", put(&early), issuer.ErrExists)
	late := *r
	late.Created, late.Expires, late.Response = t0.Add(61*time.Minute), t0.Add(3*time.Hour), []byte(`{"id":"late"}`)
	if err := put(&late); err != nil {
		t.Errorf("PutIdempotency after the record expired: %v; want the record replaced", err)
	}
	// A record without Expires (as earlier releases wrote) never expires.
	forever := &issuer.IdempotencyRecord{Client: "app", Key: "old", Response: []byte(`{}`), Created: t0}
	if err := put(forever); err != nil {
		t.Fatal(err)
	}
	again := *forever
	again.Created = t0.AddDate(20, 0, 0)
	wantErr(t, "PutIdempotency over a record without Expires", put(&again), issuer.ErrExists)
	update(t, st, func(tx issuer.Tx) error {
		n, err := tx.DropExpired(t0.AddDate(30, 0, 0), 100)
		equal(t, "DropExpired after every expiry: removed", n, 1) // "k" (late); "old" stays
		return err
	})
	view(t, st, func(tx issuer.Tx) error {
		got, err := tx.Idempotency("app", "old")
		if err != nil {
			t.Errorf("a record without Expires was dropped: %v", err)
		} else {
			equal(t, "Idempotency(app, old)", got, forever)
		}
		_, err = tx.Idempotency("app", "k")
		wantErr(t, "Idempotency of a dropped record", err, issuer.ErrNotFound)
		return nil
	})
}

func testDropExpired(t *testing.T, newStore func(t *testing.T) issuer.Store) {
	st := open(t, newStore)
	// Ten used-once records and ten idempotency records, expiring one
	// minute apart, interleaved.
	update(t, st, func(tx issuer.Tx) error {
		for i := range 10 {
			at := t0.Add(time.Duration(2*i) * time.Minute)
			if err := tx.UseOnce("attestation", fmt.Sprint("a", i), at, t0); err != nil {
				return err
			}
			r := &issuer.IdempotencyRecord{Client: "app", Key: fmt.Sprint("k", i), Response: []byte(`{}`),
				Created: t0.Add(-time.Hour), Expires: at.Add(time.Minute)}
			if err := tx.PutIdempotency(r); err != nil {
				return err
			}
		}
		return nil
	})
	drop := func(now time.Time, limit int) int {
		t.Helper()
		var n int
		update(t, st, func(tx issuer.Tx) error {
			var err error
			n, err = tx.DropExpired(now, limit)
			return err
		})
		return n
	}
	wantErr(t, "DropExpired in a View", st.View(func(tx issuer.Tx) error { _, err := tx.DropExpired(t0, 1); return err }), issuer.ErrReadOnly)
	if n := drop(t0, 100); n != 0 {
		t.Errorf("DropExpired at the first expiry: removed %d; want 0 (a record is kept until its expiry)", n)
	}
	// Before t0+5m30s: a0 (t0), k0 (t0+1m), a1 (t0+2m), k1 (3m), a2 (4m),
	// k2 (5m) have expired; at most 4 go at once, the earliest first.
	now := t0.Add(5*time.Minute + 30*time.Second)
	if n := drop(now, 4); n != 4 {
		t.Errorf("DropExpired(max 4): removed %d; want 4", n)
	}
	view(t, st, func(tx issuer.Tx) error {
		_, err := tx.Idempotency("app", "k1")
		wantErr(t, "Idempotency(k1) after the sweep", err, issuer.ErrNotFound)
		if _, err := tx.Idempotency("app", "k2"); err != nil {
			t.Errorf("Idempotency(k2): %v; want kept (not among the 4 earliest)", err)
		}
		return nil
	})
	if n := drop(now, 100); n != 2 {
		t.Errorf("second DropExpired: removed %d; want 2 (a2, k2)", n)
	}
	if n := drop(now, 100); n != 0 {
		t.Errorf("third DropExpired: removed %d; want 0", n)
	}
	// A dropped used-once record can be used again; a kept one cannot.
	update(t, st, func(tx issuer.Tx) error { return tx.UseOnce("attestation", "a0", t0.Add(time.Hour), now) })
	wantErr(t, "UseOnce of a kept record", st.Update(func(tx issuer.Tx) error { return tx.UseOnce("attestation", "a9", t0.Add(time.Hour), now) }), issuer.ErrExists)
	// A used-once record used again after its expiry keeps only its new
	// expiry: it is not dropped at the old one.
	update(t, st, func(tx issuer.Tx) error {
		return tx.UseOnce("attestation", "a3", t0.Add(2*time.Hour), t0.Add(7*time.Minute))
	})
	if n := drop(t0.Add(time.Hour-time.Second), 100); n != 13 {
		t.Errorf("DropExpired before the hour: removed %d; want 13 (a4..a9 and k3..k9; not a3, renewed, nor a0, used again)", n)
	}
	view(t, st, func(tx issuer.Tx) error {
		for _, k := range []string{"k3", "k9"} {
			_, err := tx.Idempotency("app", k)
			wantErr(t, "Idempotency("+k+")", err, issuer.ErrNotFound)
		}
		return nil
	})
	wantErr(t, "UseOnce(a3) within its renewed expiry", st.Update(func(tx issuer.Tx) error {
		return tx.UseOnce("attestation", "a3", t0.Add(3*time.Hour), t0.Add(90*time.Minute))
	}), issuer.ErrExists)
	if n := drop(t0.AddDate(1, 0, 0), 100); n != 2 {
		t.Errorf("DropExpired a year on: removed %d; want 2 (a0 again, a3)", n)
	}
}

func testKeyExpiry(t *testing.T, newStore func(t *testing.T) issuer.Store) {
	st := open(t, newStore)
	view(t, st, func(tx issuer.Tx) error {
		_, err := tx.KeyExpiry("kid-a")
		wantErr(t, "KeyExpiry of an unknown kid", err, issuer.ErrNotFound)
		return nil
	})
	wantErr(t, "ExtendKeyExpiry in a View", st.View(func(tx issuer.Tx) error { return tx.ExtendKeyExpiry("kid-a", t0) }), issuer.ErrReadOnly)
	ext := func(kid string, until time.Time) {
		update(t, st, func(tx issuer.Tx) error { return tx.ExtendKeyExpiry(kid, until) })
	}
	ext("kid-a", t0.Add(time.Hour))
	ext("kid-a", t0.Add(time.Minute)) // earlier: no change
	ext("kid-b", t0.Add(2*time.Hour))
	// Concurrent extensions keep the latest.
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() { ext("kid-c", t0.Add(time.Duration(i)*time.Hour)) })
	}
	wg.Wait()
	check := func(kid string, want time.Time) {
		t.Helper()
		view(t, st, func(tx issuer.Tx) error {
			got, err := tx.KeyExpiry(kid)
			if err != nil {
				t.Errorf("KeyExpiry(%s): %v", kid, err)
			} else if !got.Equal(want) {
				t.Errorf("KeyExpiry(%s) = %v; want %v", kid, got, want)
			}
			return nil
		})
	}
	check("kid-a", t0.Add(time.Hour))
	check("kid-b", t0.Add(2*time.Hour))
	check("kid-c", t0.Add(19*time.Hour))
	// Rounded up to a whole second, never down.
	ext("kid-d", t0.Add(1500*time.Millisecond))
	view(t, st, func(tx issuer.Tx) error {
		got, err := tx.KeyExpiry("kid-d")
		if err != nil || got.Before(t0.Add(1500*time.Millisecond)) || got.After(t0.Add(2*time.Second)) {
			t.Errorf("KeyExpiry(kid-d) = %v, %v; want between %v and %v", got, err, t0.Add(1500*time.Millisecond), t0.Add(2*time.Second))
		}
		return nil
	})
}

func entry(seq uint64, prev issuer.Hash) *issuer.AuditEntry {
	body := []byte(fmt.Sprintf(`{"kind":"test","n":%d}`, seq))
	return &issuer.AuditEntry{Seq: seq, Prev: prev, Body: body, Hash: issuer.AuditHash(seq, prev, body)}
}

func testAudit(t *testing.T, newStore func(t *testing.T) issuer.Store) {
	st := open(t, newStore)
	view(t, st, func(tx issuer.Tx) error {
		_, err := tx.LastAudit()
		wantErr(t, "LastAudit of an empty log", err, issuer.ErrNotFound)
		return nil
	})
	wantErr(t, "AppendAudit starting at 2", st.Update(func(tx issuer.Tx) error { return tx.AppendAudit(entry(2, issuer.Hash{})) }), issuer.ErrConflict)
	var es []*issuer.AuditEntry
	var prev issuer.Hash
	for seq := uint64(1); seq <= 300; seq++ {
		e := entry(seq, prev)
		es = append(es, e)
		prev = e.Hash
	}
	update(t, st, func(tx issuer.Tx) error {
		for _, e := range es[:200] {
			if err := tx.AppendAudit(e); err != nil {
				return err
			}
		}
		return nil
	})
	for _, e := range es[200:] {
		update(t, st, func(tx issuer.Tx) error { return tx.AppendAudit(e) })
	}
	for _, seq := range []uint64{300, 5, 302} {
		wantErr(t, fmt.Sprintf("AppendAudit(%d) after 300", seq), st.Update(func(tx issuer.Tx) error { return tx.AppendAudit(entry(seq, prev)) }), issuer.ErrConflict)
	}
	cp := &issuer.Checkpoint{Seq: 300, Hash: prev, At: t0, KID: []byte("k"), Signature: []byte("sig")}
	update(t, st, func(tx issuer.Tx) error {
		if err := tx.PutCheckpoint(&issuer.Checkpoint{Seq: 100, Hash: es[99].Hash, At: t0, KID: []byte("k"), Signature: []byte("s")}); err != nil {
			return err
		}
		return tx.PutCheckpoint(cp)
	})
	wantErr(t, "PutCheckpoint at a covered Seq", st.Update(func(tx issuer.Tx) error { return tx.PutCheckpoint(cp) }), issuer.ErrExists)
	view(t, st, func(tx issuer.Tx) error {
		last, err := tx.LastAudit()
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "LastAudit", last, es[299])
		var got []*issuer.AuditEntry
		if err := tx.Audit(250, func(e *issuer.AuditEntry) error { got = append(got, e); return nil }); err != nil {
			t.Fatal(err)
		}
		equal(t, "Audit(250)", got, es[249:])
		var seqs []uint64
		if err := tx.Checkpoints(func(c *issuer.Checkpoint) error { seqs = append(seqs, c.Seq); return nil }); err != nil {
			t.Fatal(err)
		}
		equal(t, "Checkpoints", seqs, []uint64{100, 300})
		return nil
	})
}

func testRollback(t *testing.T, newStore func(t *testing.T) issuer.Store) {
	st := open(t, newStore)
	boom := errors.New("boom")
	err := st.Update(func(tx issuer.Tx) error {
		if err := tx.InsertCredential(credRec(1, 1)); err != nil {
			return err
		}
		if err := tx.AppendAudit(entry(1, issuer.Hash{})); err != nil {
			return err
		}
		if err := tx.PutConfig(&issuer.Config{Format: 1}); err != nil {
			return err
		}
		return boom
	})
	wantErr(t, "Update whose fn fails", err, boom)
	view(t, st, func(tx issuer.Tx) error {
		_, err := tx.Credential(1, 1)
		wantErr(t, "Credential written by a failed Update", err, issuer.ErrNotFound)
		_, err = tx.LastAudit()
		wantErr(t, "audit entry written by a failed Update", err, issuer.ErrNotFound)
		_, err = tx.Config()
		wantErr(t, "Config written by a failed Update", err, issuer.ErrNotFound)
		return nil
	})
}

func testReadOnlyView(t *testing.T, newStore func(t *testing.T) issuer.Store) {
	st := open(t, newStore)
	var errs []error
	_ = st.View(func(tx issuer.Tx) error {
		errs = []error{
			tx.PutConfig(&issuer.Config{}),
			tx.InsertCredential(credRec(1, 1)),
			tx.AppendAudit(entry(1, issuer.Hash{})),
			tx.UseOnce("k", "i", t0, t0),
			tx.DeleteTerminal("x"),
			tx.PutOffer(offerRec("o")),
			tx.DeleteOffer("o"),
		}
		return nil
	})
	for i, err := range errs {
		wantErr(t, fmt.Sprintf("write %d in a View", i), err, issuer.ErrReadOnly)
	}
}

func testCopies(t *testing.T, newStore func(t *testing.T) issuer.Store) {
	st := open(t, newStore)
	r := credRec(1, 1)
	update(t, st, func(tx issuer.Tx) error { return tx.InsertCredential(r) })
	r.KID[0] = 'X'
	view(t, st, func(tx issuer.Tx) error {
		got, err := tx.Credential(1, 1)
		if err != nil {
			t.Fatal(err)
		}
		if got.KID[0] == 'X' {
			t.Errorf("the store kept the caller's slice, not a copy")
		}
		got.KID[0] = 'Y'
		return nil
	})
	view(t, st, func(tx issuer.Tx) error {
		got, _ := tx.Credential(1, 1)
		if got.KID[0] == 'Y' {
			t.Errorf("a returned record shares memory with the store")
		}
		return nil
	})
}

// testConcurrent: many goroutines each insert credentials and append
// audit entries, chained through LastAudit inside the transaction, as the
// issuer does; every write is kept and the chain has no gap.
func testConcurrent(t *testing.T, newStore func(t *testing.T) issuer.Store) {
	st := open(t, newStore)
	const workers, each = 8, 50
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				err := st.Update(func(tx issuer.Tx) error {
					if err := tx.InsertCredential(credRec(1, uint64(w*each+i))); err != nil {
						return err
					}
					var seq uint64 = 1
					var prev issuer.Hash
					if last, err := tx.LastAudit(); err == nil {
						seq, prev = last.Seq+1, last.Hash
					} else if !errors.Is(err, issuer.ErrNotFound) {
						return err
					}
					return tx.AppendAudit(entry(seq, prev))
				})
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent Update: %v", err)
	}
	view(t, st, func(tx issuer.Tx) error {
		n, err := tx.CountCredentials(1)
		if err != nil || n != workers*each {
			t.Errorf("CountCredentials = %d, %v; want %d", n, err, workers*each)
		}
		var want uint64 = 1
		var prev issuer.Hash
		err = tx.Audit(0, func(e *issuer.AuditEntry) error {
			if e.Seq != want || e.Prev != prev {
				t.Errorf("audit entry %d (prev %s); want %d (prev %s)", e.Seq, e.Prev, want, prev)
			}
			want, prev = e.Seq+1, e.Hash
			return nil
		})
		if err != nil || want != workers*each+1 {
			t.Errorf("audit log ends before %d, %v; want %d entries", want, err, workers*each)
		}
		return nil
	})
}

// testDurable: what an Update acknowledged is there after Close and a
// reopen.
func testDurable(t *testing.T, newStore func(t *testing.T) issuer.Store) {
	st := newStore(t)
	cfg := &issuer.Config{Format: issuer.StoreFormat, BaseURI: "https://id.example/s/", ListSize: 64, Created: t0, Current: 1}
	list := &issuer.ListRecord{Number: 1, Size: 64, Key: bytes.Repeat([]byte{7}, 32), Next: 32, Created: t0}
	rec := credRec(1, 9)
	rec.Status = status.Revoked
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			if err := st.Update(func(tx issuer.Tx) error { return tx.InsertCredential(credRec(2, uint64(i))) }); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	update(t, st, func(tx issuer.Tx) error {
		for _, err := range []error{tx.PutConfig(cfg), tx.PutList(list), tx.InsertCredential(rec), tx.AppendAudit(entry(1, issuer.Hash{})),
			tx.InsertClient(&issuer.Client{Name: "app", TokenHash: issuer.TokenHash("t"), MaxLevel: credential.LevelLow, Types: []string{"identity"}, Scope: issuer.ScopeIssue, Created: t0}),
			tx.UseOnce("attestation", "x", t0.Add(time.Hour), t0), tx.PutOffer(offerRec("durable"))} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err := st.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	st = open(t, newStore)
	view(t, st, func(tx issuer.Tx) error {
		got, err := tx.Config()
		if err != nil {
			t.Fatalf("Config after reopen: %v", err)
		}
		equal(t, "Config after reopen", got, cfg)
		gl, err := tx.List(1)
		if err != nil {
			t.Fatalf("List after reopen: %v", err)
		}
		equal(t, "List after reopen", gl, list)
		gr, err := tx.Credential(1, 9)
		if err != nil {
			t.Fatalf("Credential after reopen: %v", err)
		}
		equal(t, "Credential after reopen", gr, rec)
		n, _ := tx.CountCredentials(2)
		if n != 20 {
			t.Errorf("credentials of concurrent Updates after reopen: %d; want 20", n)
		}
		found := false
		_ = tx.NotValid(1, func(idx uint64, s status.Status) error { found = idx == 9 && s == status.Revoked; return nil })
		if !found {
			t.Errorf("NotValid after reopen lacks the revoked credential")
		}
		if _, err := tx.LastAudit(); err != nil {
			t.Errorf("LastAudit after reopen: %v", err)
		}
		if _, err := tx.ClientByTokenHash(issuer.TokenHash("t")); err != nil {
			t.Errorf("ClientByTokenHash after reopen: %v", err)
		}
		o, err := tx.Offer("durable")
		if err != nil {
			t.Errorf("Offer after reopen: %v", err)
		} else {
			equal(t, "Offer after reopen", o, offerRec("durable"))
		}
		return nil
	})
	wantErr(t, "UseOnce after reopen", st.Update(func(tx issuer.Tx) error { return tx.UseOnce("attestation", "x", t0.Add(time.Hour), t0) }), issuer.ErrExists)
}

func offerRec(id string) *issuer.Offer {
	return &issuer.Offer{
		ID: id, State: issuer.OfferOpen, CodeHash: issuer.TokenHash("code-" + id), TxCodeHash: issuer.TokenHash("tx-" + id),
		Client: "desk", Type: "identity", Level: credential.LevelHigh, EvidenceCode: "in_person_document",
		Evidence: issuer.EvidenceSummary{Method: "document_check", At: t0.Add(-time.Minute), Terminal: "police-7"},
		Claims:   []byte(`{"given_name":"Mai","family_name":"Tran"}`), ValidFor: 86400,
		Created: t0, Expires: t0.Add(10 * time.Minute),
	}
}

// testOffers: offers are written once, replaced whole, deleted, listed in
// order of ID, and returned as copies; a redeemed offer keeps no claims.
func testOffers(t *testing.T, newStore func(t *testing.T) issuer.Store) {
	st := open(t, newStore)
	ids := []string{"zzOffer", "aaOffer", "mmOffer"}
	for _, id := range ids {
		update(t, st, func(tx issuer.Tx) error { return tx.PutOffer(offerRec(id)) })
	}
	dup := offerRec("aaOffer")
	dup.Client = "other"
	wantErr(t, "PutOffer with a taken ID", st.Update(func(tx issuer.Tx) error { return tx.PutOffer(dup) }), issuer.ErrExists)
	wantErr(t, "UpdateOffer of a missing offer", st.Update(func(tx issuer.Tx) error { return tx.UpdateOffer(offerRec("nope")) }), issuer.ErrNotFound)
	wantErr(t, "DeleteOffer of a missing offer", st.Update(func(tx issuer.Tx) error { return tx.DeleteOffer("nope") }), issuer.ErrNotFound)

	redeemed := offerRec("mmOffer")
	redeemed.State, redeemed.Claims, redeemed.FailedTxCodes = issuer.OfferRedeemed, nil, 2
	redeemed.TokenHash, redeemed.TokenExpires = issuer.TokenHash("token"), t0.Add(15*time.Minute)
	redeemed.Credentials = []string{"https://id.example/s/1#7", "https://id.example/s/1#99"}
	update(t, st, func(tx issuer.Tx) error {
		o, err := tx.Offer("mmOffer")
		if err != nil {
			return err
		}
		equal(t, "Offer(mmOffer) before the update", o, offerRec("mmOffer"))
		return tx.UpdateOffer(redeemed)
	})
	update(t, st, func(tx issuer.Tx) error { return tx.DeleteOffer("zzOffer") })
	view(t, st, func(tx issuer.Tx) error {
		got, err := tx.Offer("mmOffer")
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "Offer(mmOffer) after the update", got, redeemed)
		if got.Claims != nil {
			t.Errorf("a redeemed offer's claims: got %s; want none", got.Claims)
		}
		_, err = tx.Offer("zzOffer")
		wantErr(t, "Offer of a deleted offer", err, issuer.ErrNotFound)
		got, err = tx.Offer("aaOffer")
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "Offer(aaOffer) (the first put kept)", got, offerRec("aaOffer"))
		got.Claims[0] = 'X'
		var order []string
		err = tx.Offers(func(o *issuer.Offer) error { order = append(order, o.ID); return nil })
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "Offers (in order of ID)", order, []string{"aaOffer", "mmOffer"})
		return nil
	})
	view(t, st, func(tx issuer.Tx) error {
		got, _ := tx.Offer("aaOffer")
		if got == nil || got.Claims[0] != '{' {
			t.Errorf("a returned offer shares memory with the store")
		}
		stop := errors.New("stop")
		n := 0
		err := tx.Offers(func(*issuer.Offer) error { n++; return stop })
		if !errors.Is(err, stop) || n != 1 {
			t.Errorf("Offers whose fn fails: %d calls, %v; want 1 call and fn's error", n, err)
		}
		return nil
	})
	// Of many concurrent single-use redemptions (read, check the state,
	// update), exactly one sees the offer open.
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for range 20 {
		wg.Go(func() {
			mine := false
			err := st.Update(func(tx issuer.Tx) error {
				mine = false
				o, err := tx.Offer("aaOffer")
				if err != nil {
					return err
				}
				if o.State != issuer.OfferOpen {
					return nil
				}
				o.State = issuer.OfferToken
				mine = true
				return tx.UpdateOffer(o)
			})
			if err != nil {
				t.Error(err)
			}
			if mine {
				mu.Lock()
				won++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if won != 1 {
		t.Errorf("concurrent redemptions of one offer: %d won; want 1", won)
	}
}
