package issuer

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/status"
)

// keyFinder finds exactly key.
func keyFinder(key *keys.PrivateKey) status.KeyFinder {
	return func(kid []byte) (credential.Algorithm, crypto.PublicKey, bool) {
		if !bytes.Equal(kid, key.KID()) {
			return "", nil, false
		}
		return key.Algorithm(), key.Public().Key(), true
	}
}

// readToken reads and verifies the published token of uri under out.
func readToken(tb testing.TB, out, uri string, key *keys.PrivateKey) *status.Token {
	tb.Helper()
	sum := sha256.Sum256([]byte(uri))
	name := hex.EncodeToString(sum[:])[:32] + ".cwt" // spec/status.md §7, computed independently
	data, err := os.ReadFile(filepath.Join(out, "status", name))
	if err != nil {
		tb.Fatalf("token of %s: %v", uri, err)
	}
	tok, err := status.ParseToken(data, keyFinder(key))
	if err != nil {
		tb.Fatalf("token of %s: %v", uri, err)
	}
	if tok.URI != uri {
		tb.Fatalf("token in the file of %s is for %s", uri, tok.URI)
	}
	return tok
}

func TestPublish(t *testing.T) {
	d := openTestDir(t, 16)
	is, key := newIssuer(t)
	issued := issueN(t, d, is, 20) // lists 1 (full) and 2
	want := map[string]status.Status{}
	for i, c := range issued {
		s := []status.Status{status.Valid, status.Revoked, status.Suspended, status.Valid}[i%4]
		if s != status.Valid {
			if _, err := d.SetStatus(idOf(c), s, ""); err != nil {
				t.Fatal(err)
			}
		}
		want[idOf(c)] = s
	}
	out := t.TempDir()
	published, err := d.Publish(key, out, fixedNow, DefaultStatusValidity, DefaultStatusTTL)
	if err != nil {
		t.Fatal(err)
	}
	if len(published) != 2 || published[0].URI != testBaseURI+"1" || published[1].URI != testBaseURI+"2" {
		t.Fatalf("published %+v, want lists 1 and 2", published)
	}
	tokens := map[string]*status.Token{}
	for _, p := range published {
		tok := readToken(t, out, p.URI, key)
		tokens[p.URI] = tok
		if !tok.IssuedAt.Equal(fixedNow) || !tok.Expiry.Equal(fixedNow.Add(48*time.Hour)) || tok.TTL != time.Hour {
			t.Errorf("%s: iat %s exp %s ttl %s; want %s, +48h, 1h", p.URI, tok.IssuedAt, tok.Expiry, tok.TTL, fixedNow)
		}
		if !bytes.Equal(tok.KID, key.KID()) || tok.List.Len() != 16 {
			t.Errorf("%s: kid %x, %d entries; want the issuer's kid and 16", p.URI, tok.KID, tok.List.Len())
		}
		if info, err := os.Stat(p.File); err != nil || info.Size() != int64(p.Bytes) || info.Mode().Perm() != 0o644 {
			t.Errorf("%s: %v, %v; want %d bytes, mode 0644", p.File, info, err, p.Bytes)
		}
	}
	for _, c := range issued {
		got, err := tokens[c.Claims.Status.URI].List.Get(c.Claims.Status.Index)
		if err != nil {
			t.Fatal(err)
		}
		if got != want[idOf(c)] {
			t.Errorf("%s: published status %s, want %s", idOf(c), got, want[idOf(c)])
		}
	}

	var index struct {
		Generated string `json:"generated"`
		KID       string `json:"kid"`
		Lists     map[string]struct {
			File      string `json:"file"`
			IAT       string `json:"iat"`
			Exp       string `json:"exp"`
			TTL       int    `json:"ttl"`
			Entries   int    `json:"entries"`
			Revoked   int    `json:"revoked"`
			Suspended int    `json:"suspended"`
		} `json:"lists"`
	}
	data, err := os.ReadFile(filepath.Join(out, "status", "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &index); err != nil {
		t.Fatal(err)
	}
	if index.KID != key.Public().KIDString() || len(index.Lists) != 2 {
		t.Errorf("index.json: %s", data)
	}
	revoked, suspended := 0, 0
	for uri, e := range index.Lists {
		if e.File != status.FileName(uri) || e.IAT != "2026-11-26T09:00:00Z" || e.Exp != "2026-11-28T09:00:00Z" || e.TTL != 3600 || e.Entries != 16 {
			t.Errorf("index.json entry for %s: %+v", uri, e)
		}
		revoked += e.Revoked
		suspended += e.Suspended
	}
	if revoked != 5 || suspended != 5 {
		t.Errorf("index.json counts %d revoked, %d suspended; want 5 and 5", revoked, suspended)
	}
	if strings.Contains(string(data), "used") {
		t.Errorf("index.json reveals how many indexes are used: %s", data)
	}
	entries, err := os.ReadDir(filepath.Join(out, "status"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 4 {
		t.Errorf("status/ holds %d files, want 2 tokens, index.json and aggregation.json (no temporary files)", len(entries))
	}
}

// TestPublishAgain: a second publication replaces the tokens with the new
// state after a reopen; a read-only open cannot publish; and publications
// within one second still get increasing iats, so that a verifier never
// sees two versions of a list with one iat.
func TestPublishAgain(t *testing.T) {
	d := openTestDir(t, 16)
	is, key := newIssuer(t)
	c := issueN(t, d, is, 1)[0]
	out := t.TempDir()
	if _, err := d.Publish(key, out, fixedNow, time.Hour, time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := d.SetStatus(idOf(c), status.Revoked, ""); err != nil {
		t.Fatal(err)
	}
	dir := d.Dir()
	d.Close()
	ro, err := OpenStatusDir(dir, StatusDirOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ro.Publish(key, out, fixedNow, time.Hour, time.Minute); !errors.Is(err, ErrRequest) {
		t.Errorf("Publish from a read-only open: got %v, want ErrRequest", err)
	}
	ro.Close()
	r, err := OpenStatusDir(dir, StatusDirOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	later := fixedNow.Add(time.Hour)
	for i, want := range []time.Time{later, later.Add(time.Second), later.Add(2 * time.Second)} {
		if _, err := r.Publish(key, out, later, time.Hour, time.Minute); err != nil {
			t.Fatal(err)
		}
		tok := readToken(t, out, c.Claims.Status.URI, key)
		if s, _ := tok.List.Get(c.Claims.Status.Index); s != status.Revoked || !tok.IssuedAt.Equal(want) {
			t.Errorf("publication %d in one second: %s at %s, want revoked at %s", i+1, s, tok.IssuedAt, want)
		}
	}
}

func TestPublishRefuses(t *testing.T) {
	d := openTestDir(t, 16)
	_, key := newIssuer(t)
	for _, tc := range []struct {
		name          string
		key           *keys.PrivateKey
		validFor, ttl time.Duration
		want          error
	}{
		{"no key", nil, time.Hour, time.Minute, ErrRequest},
		{"no validity", key, 0, 0, ErrValidity},
		{"negative ttl", key, time.Hour, -time.Minute, ErrValidity},
		{"ttl beyond the validity", key, time.Hour, 2 * time.Hour, ErrValidity},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			got, err := d.Publish(tc.key, out, fixedNow, tc.validFor, tc.ttl)
			if !errors.Is(err, tc.want) || got != nil {
				t.Fatalf("Publish: got %v, %v; want error %v", got, err, tc.want)
			}
			if _, err := os.Stat(filepath.Join(out, "status")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a refused publication wrote %s/status", out)
			}
		})
	}
	t.Run("output not a directory", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(file, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Publish(key, file, fixedNow, time.Hour, time.Minute); err == nil {
			t.Fatal("published into a file")
		}
	})
}

// TestPublishLargeList publishes a default-size list with 1% of its
// entries revoked: its token (about 14 KB) is far larger than a
// credential, which status list tokens may be (spec/status.md §4).
func TestPublishLargeList(t *testing.T) {
	d := openTestDir(t, status.DefaultSize)
	seedLists(t, d, 1, 200_000, status.DefaultSize/100, 7)
	_, key := newIssuer(t)
	out := t.TempDir()
	published, err := d.Publish(key, out, fixedNow, DefaultStatusValidity, DefaultStatusTTL)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	if published[0].Bytes <= 4096 {
		t.Errorf("token of %d bytes; the test wants one larger than a credential may be", published[0].Bytes)
	}
	tok := readToken(t, out, published[0].URI, key)
	if n := tok.List.Count(); n[status.Revoked] != status.DefaultSize/100 {
		t.Errorf("published list has %d revoked entries, want %d", n[status.Revoked], status.DefaultSize/100)
	}
}
