package trust

import (
	"context"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netcred/netcred/bundle"
	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/credential/sign"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/spec"
	"github.com/netcred/netcred/status"
	"github.com/netcred/netcred/verifier"
)

var fixedNow = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

const listURI = "https://id.example.cn/s/1"

// world is a root, an issuer and helpers to sign bundles and lists.
type world struct {
	root, other, issuer *keys.PrivateKey
}

func newWorld(tb testing.TB) *world {
	tb.Helper()
	w := &world{}
	for _, k := range []**keys.PrivateKey{&w.root, &w.other, &w.issuer} {
		var err error
		if *k, err = keys.Generate(credential.EdDSA); err != nil {
			tb.Fatal(err)
		}
	}
	return w
}

func (w *world) bundle(tb testing.TB, serial uint64, root *keys.PrivateKey, name string) []byte {
	tb.Helper()
	b := &bundle.Bundle{Serial: serial, IssuedAt: fixedNow, NextUpdate: fixedNow.Add(7 * 24 * time.Hour),
		Issuers: []bundle.Issuer{{ID: "id.example.cn", Name: name, StatusLists: []string{listURI},
			Keys: []bundle.Key{{Key: w.issuer.Public(), Authorization: bundle.Authorization{
				MaxLevel: credential.LevelHigh, Types: []string{"identity"}, NotBefore: fixedNow.Add(-time.Hour)}}}}}}
	jws, err := b.Sign(root)
	if err != nil {
		tb.Fatal(err)
	}
	return jws
}

func (w *world) token(tb testing.TB, signer *keys.PrivateKey, at time.Time, revoked ...uint64) []byte {
	tb.Helper()
	return statusToken(tb, listURI, signer, at, revoked...)
}

// statusToken signs a list of 1024 entries for uri at at, valid for 48
// hours with a ttl of an hour, revoking the given entries.
func statusToken(tb testing.TB, uri string, signer *keys.PrivateKey, at time.Time, revoked ...uint64) []byte {
	tb.Helper()
	l, err := status.New(1024)
	if err != nil {
		tb.Fatal(err)
	}
	for _, i := range revoked {
		l.Set(i, status.Revoked)
	}
	tok, err := sign.StatusToken(l, uri, at, 48*time.Hour, time.Hour, signer.Algorithm(), signer.KID(), signer.Signer())
	if err != nil {
		tb.Fatal(err)
	}
	return tok
}

// distPoint serves files and records the paths asked for.
type distPoint struct {
	*httptest.Server
	mu    sync.Mutex
	files map[string][]byte
	asked []string
}

func newDistPoint(tb testing.TB, files map[string][]byte) *distPoint {
	d := &distPoint{files: files}
	d.Server = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		d.mu.Lock()
		d.asked = append(d.asked, r.URL.Path)
		data, ok := d.files[r.URL.Path]
		d.mu.Unlock()
		if !ok {
			http.NotFound(rw, r)
			return
		}
		rw.Write(data)
	}))
	tb.Cleanup(d.Close)
	return d
}

func (w *world) store(tb testing.TB) (*Store, string) {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "trust")
	if err := Init(dir, []string{w.root.Public().Thumbprint()}); err != nil {
		tb.Fatal(err)
	}
	s, err := Open(dir)
	if err != nil {
		tb.Fatal(err)
	}
	return s, dir
}

func codeOf(err error) verifier.Code {
	var te *verifier.TrustError
	if errors.As(err, &te) {
		return te.Code
	}
	return ""
}

func TestInitAndOpen(t *testing.T) {
	w := newWorld(t)
	dir := filepath.Join(t.TempDir(), "trust")
	for _, tc := range []struct {
		name  string
		roots []string
		want  error
	}{
		{"no roots", nil, ErrInput},
		{"not a thumbprint", []string{"abc"}, ErrInput},
		{"ok", []string{w.root.Public().Thumbprint()}, nil},
		{"again", []string{w.root.Public().Thumbprint()}, ErrExists},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := Init(dir, tc.roots); !errors.Is(err, tc.want) {
				t.Fatalf("Init: got %v, want %v", err, tc.want)
			}
		})
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Trust(); !errors.Is(err, ErrNoBundle) {
		t.Fatalf("Trust of an empty store: got %v, want ErrNoBundle", err)
	}
	if _, err := Open(t.TempDir()); !errors.Is(err, ErrNotAStore) {
		t.Fatalf("Open of a plain dir: got %v, want ErrNotAStore", err)
	}
}

func TestImport(t *testing.T) {
	w := newWorld(t)
	b5 := w.bundle(t, 5, w.root, "v5")
	for _, tc := range []struct {
		name     string
		first    []Input // imported before, must succeed
		offered  []Input
		wantCode verifier.Code
		wantErr  error
	}{
		{"bundle and list", nil, []Input{{"b", b5}, {"l", w.token(t, w.issuer, fixedNow)}}, "", nil},
		{"list before any bundle", nil, []Input{{"l", w.token(t, w.issuer, fixedNow)}}, "", ErrNoBundle},
		{"unpinned root", nil, []Input{{"b", w.bundle(t, 1, w.other, "x")}}, verifier.CodeBundleUntrusted, nil},
		{"garbage", nil, []Input{{"g", []byte("hello")}}, "", ErrInput},
		{"two bundles", nil, []Input{{"a", b5}, {"b", w.bundle(t, 6, w.root, "v6")}}, "", ErrInput},
		{"rollback", []Input{{"b", b5}}, []Input{{"b4", w.bundle(t, 4, w.root, "v4")}}, verifier.CodeBundleRollback, nil},
		{"same serial other content", []Input{{"b", b5}}, []Input{{"b5b", w.bundle(t, 5, w.root, "other")}}, verifier.CodeBundleRollback, nil},
		{"same bundle again", []Input{{"b", b5}}, []Input{{"b", b5}}, "", nil},
		{"newer bundle", []Input{{"b", b5}}, []Input{{"b6", w.bundle(t, 6, w.root, "v6")}}, "", nil},
		{"list signed by an unknown key", []Input{{"b", b5}}, []Input{{"l", w.token(t, w.other, fixedNow)}}, verifier.CodeStatusListInvalid, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, dir := w.store(t)
			if tc.first != nil {
				if _, err := s.Import(tc.first); err != nil {
					t.Fatal(err)
				}
			}
			before, _ := os.ReadFile(filepath.Join(dir, bundleFile))
			_, err := s.Import(tc.offered)
			if code := codeOf(err); code != tc.wantCode || (tc.wantErr != nil && !errors.Is(err, tc.wantErr)) || (tc.wantCode == "" && tc.wantErr == nil && err != nil) {
				t.Fatalf("Import: got %v (code %q), want code %q / %v", err, code, tc.wantCode, tc.wantErr)
			}
			if err != nil {
				after, _ := os.ReadFile(filepath.Join(dir, bundleFile))
				if string(before) != string(after) {
					t.Fatal("a refused import changed the stored bundle")
				}
			}
		})
	}
}

func TestImportKeepsNewerList(t *testing.T) {
	w := newWorld(t)
	s, dir := w.store(t)
	newer := w.token(t, w.issuer, fixedNow.Add(time.Hour), 7)
	if _, err := s.Import([]Input{{"b", w.bundle(t, 1, w.root, "x")}, {"new", newer}}); err != nil {
		t.Fatal(err)
	}
	rep, err := s.Import([]Input{{"old", w.token(t, w.issuer, fixedNow)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Lists) != 0 || len(rep.Notes) != 1 || !strings.Contains(rep.Notes[0], "older") {
		t.Fatalf("report %+v: want the older list refused with a note", rep)
	}
	reopened, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	tr, _ := reopened.Trust()
	if st, _ := tr.Lists[listURI].List.Get(7); st != status.Revoked {
		t.Fatalf("stored list lost the newer revocation: entry 7 is %s", st)
	}
}

// TestOpenSkipsBrokenStatusFiles: a crash can leave a status file that no
// longer verifies (or a temporary file); the store still opens.
func TestOpenSkipsBrokenStatusFiles(t *testing.T) {
	w := newWorld(t)
	s, dir := w.store(t)
	if _, err := s.Import([]Input{{"b", w.bundle(t, 1, w.root, "x")}, {"l", w.token(t, w.issuer, fixedNow)}}); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(dir, statusDir, status.FileName(listURI))
	data, _ := os.ReadFile(name)
	data[len(data)-1] ^= 1
	os.WriteFile(name, data, 0o644)
	os.WriteFile(filepath.Join(dir, statusDir, ".tmp-x.cwt-123"), []byte("partial"), 0o644)
	reopened, err := Open(dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if len(reopened.Skipped) != 1 {
		t.Fatalf("Skipped = %v, want the tampered file", reopened.Skipped)
	}
	tr, err := reopened.Trust()
	if err != nil || len(tr.Lists) != 0 {
		t.Fatalf("Trust: %v, %d lists; want the bundle and no list", err, len(tr.Lists))
	}
}

func TestSync(t *testing.T) {
	w := newWorld(t)
	srv := newDistPoint(t, map[string][]byte{
		"/bundle.jws":                         w.bundle(t, 3, w.root, "x"),
		"/status/" + status.FileName(listURI): w.token(t, w.issuer, fixedNow, 5),
	})
	s, dir := w.store(t)
	var steps []string
	rep, err := s.Sync(context.Background(), srv.URL, srv.Client(), func(f string, a ...any) { steps = append(steps, f) })
	if err != nil {
		t.Fatalf("Sync: %v", err)
	}
	if rep.Bundle != 3 || len(rep.Lists) != 1 || len(steps) < 2 {
		t.Fatalf("report %+v, %d progress lines", rep, len(steps))
	}
	reopened, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	tr, _ := reopened.Trust()
	if st, _ := tr.Lists[listURI].List.Get(5); st != status.Revoked {
		t.Fatalf("synced list: entry 5 is %s, want revoked", st)
	}
	// A distribution point serving an older bundle is refused.
	srv.mu.Lock()
	srv.files["/bundle.jws"] = w.bundle(t, 2, w.root, "x")
	srv.mu.Unlock()
	if _, err := s.Sync(context.Background(), srv.URL, srv.Client(), nil); codeOf(err) != verifier.CodeBundleRollback {
		t.Fatalf("Sync of an older bundle: got %v, want bundle_rollback", err)
	}
	// Errors of the transport are errors, not updates.
	for _, base := range []string{"ftp://example", srv.URL + "/nothing-here"} {
		if _, err := s.Sync(context.Background(), base, srv.Client(), nil); err == nil {
			t.Errorf("Sync(%s): no error", base)
		}
	}
}

// TestUpdateVectors runs the trust_update conformance vectors as
// status.md §8 says: the stored material is written as the store's files
// and loaded with the clock policy.at, the update is imported with that
// clock, and the store then holds expect.stored.
func TestUpdateVectors(t *testing.T) {
	vectors, err := spec.LoadVectors()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, v := range vectors {
		if v.Kind != spec.KindTrustUpdate {
			continue
		}
		n++
		t.Run(v.Name, func(t *testing.T) {
			now := time.Now()
			if v.Policy.At != "" {
				if now, err = time.Parse(time.RFC3339, v.Policy.At); err != nil {
					t.Fatalf("policy.at: %v", err)
				}
			}
			dir := filepath.Join(t.TempDir(), "trust")
			if err := Init(dir, v.Trust.Roots); err != nil {
				t.Fatal(err)
			}
			writeStored(t, dir, v.Trust)
			opts := Options{Now: func() time.Time { return now }}
			s, err := OpenWith(dir, opts)
			if err != nil {
				t.Fatalf("stored material: %v", err)
			}
			_, err = s.Import(inputsOf(t, v.Update))
			got := "ok"
			if err != nil {
				got = string(codeOf(err))
			}
			if got != v.Expect.Code {
				t.Fatalf("got %s (%v), want %s", got, err, v.Expect.Code)
			}
			if v.Expect.Stored == nil {
				return
			}
			after, err := OpenWith(dir, opts)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := string(after.bundle), strings.TrimSpace(v.Expect.Stored.Bundle); got != want {
				t.Errorf("stored bundle:\n got %.60s...\nwant %.60s...", got, want)
			}
			var gotLists, wantLists []string
			for _, data := range after.raw {
				gotLists = append(gotLists, hex.EncodeToString(data))
			}
			wantLists = append(wantLists, v.Expect.Stored.StatusLists...)
			sort.Strings(gotLists)
			sort.Strings(wantLists)
			if !slices.Equal(gotLists, wantLists) {
				t.Errorf("stored %d lists, want %d (or other ones)", len(gotLists), len(wantLists))
			}
		})
	}
	if n == 0 {
		t.Fatal("no trust_update vectors")
	}
}

// writeStored writes a vector's stored material as a store's files, as an
// earlier update would have left them (without judging them).
func writeStored(tb testing.TB, dir string, vt *spec.VectorTrust) {
	tb.Helper()
	if vt.Bundle == "" {
		return
	}
	tr, err := verifier.LoadTrust(vt.Roots, []byte(vt.Bundle))
	if err != nil {
		tb.Fatalf("stored bundle: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, bundleFile), []byte(vt.Bundle+"\n"), 0o644); err != nil {
		tb.Fatal(err)
	}
	for _, in := range inputsOf(tb, &spec.VectorTrust{StatusLists: vt.StatusLists}) {
		tok, err := tr.ParseStatusToken(in.Data)
		if err != nil {
			tb.Fatalf("stored %s: %v", in.Name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, statusDir, status.FileName(tok.URI)), in.Data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

func inputsOf(tb testing.TB, vt *spec.VectorTrust) []Input {
	var in []Input
	if vt.Bundle != "" {
		in = append(in, Input{Name: "bundle", Data: []byte(vt.Bundle)})
	}
	for i, h := range vt.StatusLists {
		b, err := hex.DecodeString(h)
		if err != nil {
			tb.Fatal(err)
		}
		in = append(in, Input{Name: "list " + string(rune('1'+i)), Data: b})
	}
	return in
}

// TestImportRefusesReplays: a token with the stored one's iat but other
// content (a replayed version from before a revocation) does not replace
// it; a token from the future is refused; a new bundle that withdraws the
// signing key drops the stored list.
func TestImportRefusesReplays(t *testing.T) {
	w := newWorld(t)
	s, _ := w.store(t)
	s.Now = func() time.Time { return fixedNow.Add(time.Hour) }
	revoked := w.token(t, w.issuer, fixedNow, 5)
	if _, err := s.Import([]Input{{"b", w.bundle(t, 1, w.root, "x")}, {"revoked", revoked}}); err != nil {
		t.Fatal(err)
	}
	rep, err := s.Import([]Input{{"replay", w.token(t, w.issuer, fixedNow)}})
	if err != nil || len(rep.Lists) != 0 || len(rep.Notes) != 1 {
		t.Fatalf("replay with the same iat: %v, %+v", err, rep)
	}
	tr, _ := s.Trust()
	if st, _ := tr.Lists[listURI].List.Get(5); st != status.Revoked {
		t.Fatalf("a replayed token undid the revocation: entry 5 is %s", st)
	}
	if _, err := s.Import([]Input{{"future", w.token(t, w.issuer, fixedNow.AddDate(10, 0, 0))}}); codeOf(err) != verifier.CodeStatusListInvalid {
		t.Fatalf("a token from the future: got %v, want status_list_invalid", err)
	}
	// Bundle 2 withdraws the issuer key before the stored list's iat.
	withdrawn := fixedNow.Add(-time.Minute)
	b := &bundle.Bundle{Serial: 2, IssuedAt: fixedNow, NextUpdate: fixedNow.Add(7 * 24 * time.Hour),
		Issuers: []bundle.Issuer{{ID: "id.example.cn", Name: "x", StatusLists: []string{listURI},
			Keys: []bundle.Key{{Key: w.issuer.Public(), Authorization: bundle.Authorization{
				MaxLevel: credential.LevelHigh, Types: []string{"identity"}, NotBefore: fixedNow.Add(-time.Hour), RevokedAt: &withdrawn}}}}}}
	jws, err := b.Sign(w.root)
	if err != nil {
		t.Fatal(err)
	}
	rep, err = s.Import([]Input{{"b2", jws}})
	if err != nil {
		t.Fatal(err)
	}
	tr, _ = s.Trust()
	if _, ok := tr.Lists[listURI]; ok || len(rep.Notes) == 0 {
		t.Fatalf("a list signed by a withdrawn key survived the new bundle (notes %v)", rep.Notes)
	}
}

// TestOpenRefusesBadRoots: roots.json is read strictly.
func TestOpenRefusesBadRoots(t *testing.T) {
	w := newWorld(t)
	tp := w.root.Public().Thumbprint()
	for name, doc := range map[string]string{
		"duplicate member": `{"roots":["` + tp + `"],"roots":[]}`,
		"unknown member":   `{"roots":["` + tp + `"],"extra":1}`,
		"no roots":         `{"roots":[]}`,
		"not a thumbprint": `{"roots":["abc"]}`,
		"not JSON":         `roots`,
	} {
		t.Run(name, func(t *testing.T) {
			_, dir := w.store(t)
			os.WriteFile(filepath.Join(dir, rootsFile), []byte(doc), 0o644)
			if _, err := Open(dir); !errors.Is(err, ErrStoreFile) {
				t.Fatalf("Open: got %v, want ErrStoreFile", err)
			}
		})
	}
}

// TestOpenIgnoresFutureTokens: a stored token signed more than 10 minutes
// after the store's clock is skipped at load, and says why.
func TestOpenIgnoresFutureTokens(t *testing.T) {
	w := newWorld(t)
	s, dir := w.store(t)
	if _, err := s.Import([]Input{{"b", w.bundle(t, 1, w.root, "x")}, {"l", w.token(t, w.issuer, fixedNow)}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		clock time.Time
		lists int
	}{
		{fixedNow.Add(-10 * time.Minute), 1},
		{fixedNow.Add(-10*time.Minute - time.Second), 0},
	} {
		r, err := OpenWith(dir, Options{Now: func() time.Time { return tc.clock }})
		if err != nil {
			t.Fatal(err)
		}
		tr, _ := r.Trust()
		if len(tr.Lists) != tc.lists {
			t.Fatalf("clock %s: %d lists loaded; want %d", stamp(tc.clock), len(tr.Lists), tc.lists)
		}
		if tc.lists == 0 && (len(r.SkipReasons) != 1 || !strings.Contains(r.SkipReasons[0].Error(), "in the future")) {
			t.Fatalf("clock %s: skip reasons %v; want the token from the future", stamp(tc.clock), r.SkipReasons)
		}
	}
}
