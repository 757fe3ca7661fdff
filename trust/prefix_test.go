package trust

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/netcred/netcred/bundle"
	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/status"
	"github.com/netcred/netcred/verifier"
)

const (
	idPrefix   = "https://id.example.cn/p/"
	railPrefix = "https://rail.example/p/"
)

// prefixWorld is a world whose bundle has two issuers with status
// prefixes: id.example.cn (w.issuer; listURI listed, idPrefix) and
// rail.example (rail; railPrefix).
type prefixWorld struct {
	*world
	rail *keys.PrivateKey
}

func newPrefixWorld(tb testing.TB) *prefixWorld {
	tb.Helper()
	rail, err := keys.Generate(credential.EdDSA)
	if err != nil {
		tb.Fatal(err)
	}
	return &prefixWorld{world: newWorld(tb), rail: rail}
}

func (w *prefixWorld) bundle(tb testing.TB, serial uint64) []byte {
	tb.Helper()
	auth := bundle.Authorization{MaxLevel: credential.LevelHigh, Types: []string{"identity"}, NotBefore: fixedNow.Add(-time.Hour)}
	b := &bundle.Bundle{Serial: serial, IssuedAt: fixedNow, NextUpdate: fixedNow.Add(7 * 24 * time.Hour),
		Issuers: []bundle.Issuer{
			{ID: "id.example.cn", Name: "id", StatusLists: []string{listURI}, StatusPrefixes: []string{idPrefix},
				Keys: []bundle.Key{{Key: w.issuer.Public(), Authorization: auth}}},
			{ID: "rail.example", Name: "rail", StatusLists: []string{}, StatusPrefixes: []string{railPrefix},
				Keys: []bundle.Key{{Key: w.rail.Public(), Authorization: auth}}},
		}}
	jws, err := b.Sign(w.root)
	if err != nil {
		tb.Fatal(err)
	}
	return jws
}

// tokenFor signs a small list for uri at fixedNow, revoking the given
// entries.
func tokenFor(tb testing.TB, uri string, signer *keys.PrivateKey, revoked ...uint64) []byte {
	tb.Helper()
	return statusToken(tb, uri, signer, fixedNow, revoked...)
}

func aggregation(tb testing.TB, uris ...string) []byte {
	tb.Helper()
	data, err := (&status.Aggregation{StatusLists: uris}).MarshalJSON()
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

func listPath(uri string) string { return "/status/" + status.FileName(uri) }

const indexPath = "/status/" + status.AggregationFile

// TestSyncDiscoversPrefixLists: the lists an aggregation index names under
// a status prefix are fetched and stored beside the listed ones; entries
// outside every prefix (another origin, another path) are skipped without
// being fetched, duplicates fetched once, and a list not published yet is
// a note.
func TestSyncDiscoversPrefixLists(t *testing.T) {
	w := newPrefixWorld(t)
	good, unpublished, railList := idPrefix+"1", idPrefix+"2", railPrefix+"2026/7"
	foreign, outside, dotted := "https://evil.example/p/1", "https://id.example.cn/q/1", idPrefix+"../admin"
	d := newDistPoint(t, map[string][]byte{
		"/bundle.jws":      w.bundle(t, 3),
		indexPath:          aggregation(t, good, foreign, listURI, outside, good, unpublished, dotted, railList),
		listPath(listURI):  w.token(t, w.issuer, fixedNow),
		listPath(good):     tokenFor(t, good, w.issuer, 7),
		listPath(railList): tokenFor(t, railList, w.rail, 9),
		listPath(foreign):  tokenFor(t, foreign, w.issuer),
		listPath(outside):  tokenFor(t, outside, w.issuer),
	})
	s, dir := w.store(t)
	rep, err := s.Sync(context.Background(), d.URL, d.Client(), nil)
	if err != nil {
		t.Fatalf("Sync: %v", err)
	}
	slices.Sort(rep.Lists)
	if want := []string{good, listURI, railList}; !slices.Equal(rep.Lists, want) {
		t.Errorf("stored lists %q; want %q", rep.Lists, want)
	}
	notes := strings.Join(rep.Notes, "\n")
	for _, want := range []string{
		fmt.Sprintf("%q, which is not a status list of any issuer", foreign),
		fmt.Sprintf("%q, which is not a status list of any issuer", outside),
		fmt.Sprintf("%q, which is not a status list of any issuer", dotted),
		fmt.Sprintf("names %q twice", good),
		"status list " + unpublished + " is not published yet",
	} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes:\n%s\nwant one containing %s", notes, want)
		}
	}
	for _, p := range d.asked {
		if p == listPath(foreign) || p == listPath(outside) || p == listPath(dotted) {
			t.Errorf("fetched %s, the list of an entry outside every prefix", p)
		}
	}
	if n := strings.Count(strings.Join(d.asked, " "), listPath(good)); n != 1 {
		t.Errorf("fetched the list named twice %d times; want 1", n)
	}
	reopened, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := reopened.Trust()
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := tr.Lists[good].List.Get(7); st != status.Revoked {
		t.Errorf("prefix list after reopening: entry 7 is %s; want revoked", st)
	}
	if len(reopened.Skipped) != 0 {
		t.Errorf("reopening skipped %q; want the prefix lists to verify at load", reopened.Skipped)
	}
}

// TestSyncPrefixRefusals: a list under one issuer's prefix signed by
// another issuer's key, and indexes that are malformed, too large or too
// long, fail the whole sync before anything is stored.
func TestSyncPrefixRefusals(t *testing.T) {
	w := newPrefixWorld(t)
	railList := railPrefix + "1"
	many := make([]string, MaxSyncLists)
	for i := range many {
		many[i] = fmt.Sprintf("%s%d", idPrefix, i)
	}
	tests := []struct {
		name      string
		index     []byte
		lists     map[string][]byte
		wantSync  SyncCode
		wantTrust verifier.Code
		noLists   bool // no token may be fetched
	}{
		{"rail prefix list signed by the id issuer", aggregation(t, railList), map[string][]byte{listPath(railList): tokenFor(t, railList, w.issuer)}, "", verifier.CodeStatusListInvalid, false},
		{"id prefix list signed by the rail issuer", aggregation(t, idPrefix+"1"), map[string][]byte{listPath(idPrefix + "1"): tokenFor(t, idPrefix+"1", w.rail)}, "", verifier.CodeStatusListInvalid, false},
		{"token for another prefix list in its place", aggregation(t, idPrefix+"1"), map[string][]byte{listPath(idPrefix + "1"): tokenFor(t, idPrefix+"2", w.issuer)}, "", verifier.CodeStatusListInvalid, false},
		{"not JSON", []byte("<html>"), nil, SyncBadIndex, "", true},
		{"status_lists missing", []byte(`{"lists":[]}`), nil, SyncBadIndex, "", true},
		{"entry not a string", []byte(`{"status_lists":[1]}`), nil, SyncBadIndex, "", true},
		{"duplicate member", []byte(`{"status_lists":[],"status_lists":[]}`), nil, SyncBadIndex, "", true},
		{"too large", []byte(`{"status_lists":["` + strings.Repeat("a", status.MaxAggregationSize) + `"]}`), nil, SyncTooLarge, "", true},
		{"more entries than a sync fetches", aggregation(t, append(many, idPrefix+"x")...), nil, SyncTooManyLists, "", true},
		{"with the listed list, one too many", aggregation(t, many...), nil, SyncTooManyLists, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string][]byte{"/bundle.jws": w.bundle(t, 3), indexPath: tt.index, listPath(listURI): w.token(t, w.issuer, fixedNow)}
			for p, data := range tt.lists {
				files[p] = data
			}
			d := newDistPoint(t, files)
			s, dir := w.store(t)
			_, err := s.Sync(context.Background(), d.URL, d.Client(), nil)
			if got := syncCode(err); got != tt.wantSync {
				t.Fatalf("Sync = %v (sync code %q); want sync code %q", err, got, tt.wantSync)
			}
			if got := codeOf(err); got != tt.wantTrust {
				t.Fatalf("Sync = %v (code %q); want code %q", err, got, tt.wantTrust)
			}
			if tt.noLists {
				for _, p := range d.asked {
					if strings.HasSuffix(p, ".cwt") {
						t.Errorf("fetched %s; want no list fetched after a refused index", p)
					}
				}
			}
			reopened, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := reopened.Trust(); err == nil {
				t.Errorf("a refused sync stored a bundle")
			}
		})
	}
}

// TestSyncIndexOnlyForPrefixes: without status prefixes the index is not
// fetched; with them, a distribution point without one finds nothing and
// says so.
func TestSyncIndexOnlyForPrefixes(t *testing.T) {
	w := newPrefixWorld(t)
	plain := newDistPoint(t, map[string][]byte{"/bundle.jws": w.world.bundle(t, 3, w.root, "x"), indexPath: aggregation(t)})
	s, _ := w.store(t)
	if _, err := s.Sync(context.Background(), plain.URL, plain.Client(), nil); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(plain.asked, indexPath) {
		t.Errorf("fetched %s for a bundle without status prefixes", indexPath)
	}
	none := newDistPoint(t, map[string][]byte{"/bundle.jws": w.bundle(t, 3)})
	s, _ = w.store(t)
	rep, err := s.Sync(context.Background(), none.URL, none.Client(), nil)
	if err != nil {
		t.Fatalf("Sync without an index: %v", err)
	}
	if notes := strings.Join(rep.Notes, "\n"); !strings.Contains(notes, "has no status/aggregation.json") {
		t.Errorf("notes %q; want one saying the index is missing", notes)
	}
}

// FuzzSyncIndex serves arbitrary bytes as the aggregation index of a
// bundle with status prefixes: no panic, a refused sync leaves the store
// as it was, and every list the store holds afterwards is a status list
// of an issuer of its bundle.
func FuzzSyncIndex(f *testing.F) {
	w := newPrefixWorld(f)
	good := idPrefix + "1"
	files := map[string][]byte{
		"/bundle.jws":              w.bundle(f, 2),
		listPath(good):             tokenFor(f, good, w.issuer, 3),
		listPath(listURI):          w.token(f, w.issuer, fixedNow),
		listPath(idPrefix + "x/y"): tokenFor(f, idPrefix+"x/y", w.rail),
	}
	f.Add(aggregation(f, good))
	f.Add(aggregation(f, good, good, "https://evil.example/p/1", idPrefix+"x/y"))
	f.Add([]byte(`{"status_lists":[1]}`))
	f.Add([]byte(`{"status_lists":["` + idPrefix + `../1"],"x":[{}]}`))
	var index atomic.Pointer[[]byte]
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == indexPath {
			rw.Write(*index.Load())
			return
		}
		data, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(rw, r)
			return
		}
		rw.Write(data)
	}))
	defer srv.Close()
	s, _ := w.store(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		index.Store(&data)
		before := s.trust
		if _, err := s.Sync(context.Background(), srv.URL, nil, nil); err != nil && s.trust != before {
			t.Fatalf("a refused sync changed the store: %v", err)
		}
		if s.trust == nil {
			return
		}
		for uri := range s.trust.Lists {
			if _, ok := s.trust.Bundle.IssuerOfStatusList(uri); !ok {
				t.Fatalf("the store holds %q, which is no issuer's list", uri)
			}
		}
	})
}
