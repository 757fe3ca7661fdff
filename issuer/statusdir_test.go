package issuer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/schemas"
	"github.com/netcred/netcred/status"
)

const testBaseURI = "https://id.example/s/"

// openTestDir creates a status dir of lists of size entries in a fresh
// temporary directory, closed at the end of the test.
func openTestDir(tb testing.TB, size int) *StatusDir {
	tb.Helper()
	d, err := OpenStatusDir(filepath.Join(tb.TempDir(), "status"), StatusDirOptions{
		BaseURI: testBaseURI, ListSize: size, Now: func() time.Time { return fixedNow },
	})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { d.Close() })
	return d
}

// issueN issues n identity credentials through d and returns them.
func issueN(tb testing.TB, d *StatusDir, is *Issuer, n int) []*Issued {
	tb.Helper()
	out := make([]*Issued, 0, n)
	for range n {
		issued, err := d.Issue(is, Request{Type: "identity", Level: credential.LevelSubstantial, Claims: identityClaims()})
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, issued)
	}
	return out
}

func idOf(issued *Issued) string { return CredentialID(issued.Claims.Status) }

func TestOpenStatusDir(t *testing.T) {
	root := t.TempDir()
	existing := filepath.Join(root, "existing")
	d, err := OpenStatusDir(existing, StatusDirOptions{BaseURI: testBaseURI, ListSize: 64})
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	for _, tc := range []struct {
		name string
		dir  string
		opts StatusDirOptions
		want error // nil: opens
	}{
		{"new without base URI", filepath.Join(root, "new1"), StatusDirOptions{}, ErrNoStatusDir},
		{"new read-only", filepath.Join(root, "new2"), StatusDirOptions{BaseURI: testBaseURI, ReadOnly: true}, ErrNoStatusDir},
		{"empty path", "", StatusDirOptions{BaseURI: testBaseURI}, ErrStatusDirConfig},
		{"base URI not http", filepath.Join(root, "new3"), StatusDirOptions{BaseURI: "ftp://id.example/s/"}, ErrStatusDirConfig},
		{"base URI relative", filepath.Join(root, "new4"), StatusDirOptions{BaseURI: "/s/"}, ErrStatusDirConfig},
		{"base URI with query", filepath.Join(root, "new5"), StatusDirOptions{BaseURI: "https://id.example/s?list="}, ErrStatusDirConfig},
		{"base URI with fragment", filepath.Join(root, "new6"), StatusDirOptions{BaseURI: "https://id.example/s#"}, ErrStatusDirConfig},
		{"base URI with user", filepath.Join(root, "new7"), StatusDirOptions{BaseURI: "https://me@id.example/s/"}, ErrStatusDirConfig},
		{"list size not a multiple of 4", filepath.Join(root, "new8"), StatusDirOptions{BaseURI: testBaseURI, ListSize: 10}, ErrStatusDirConfig},
		{"list size negative", filepath.Join(root, "new9"), StatusDirOptions{BaseURI: testBaseURI, ListSize: -4}, ErrStatusDirConfig},
		{"list size too large", filepath.Join(root, "new10"), StatusDirOptions{BaseURI: testBaseURI, ListSize: 2 * status.MaxEntries}, ErrStatusDirConfig},
		{"existing, other base URI", existing, StatusDirOptions{BaseURI: "https://other.example/s/"}, ErrStatusDirConfig},
		{"existing, other list size", existing, StatusDirOptions{ListSize: 128}, ErrStatusDirConfig},
		{"existing, no options", existing, StatusDirOptions{}, nil},
		{"existing, same options", existing, StatusDirOptions{BaseURI: testBaseURI, ListSize: 64}, nil},
		{"existing, read-only", existing, StatusDirOptions{ReadOnly: true}, nil},
		{"new, default size", filepath.Join(root, "new11"), StatusDirOptions{BaseURI: testBaseURI}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := OpenStatusDir(tc.dir, tc.opts)
			if tc.want != nil {
				if !errors.Is(err, tc.want) || d != nil {
					t.Fatalf("OpenStatusDir: got %v, %v; want error %v", d, err, tc.want)
				}
				if tc.dir != existing && tc.dir != "" {
					if _, statErr := os.Stat(tc.dir); !errors.Is(statErr, os.ErrNotExist) {
						t.Errorf("a refused open created %s", tc.dir)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("OpenStatusDir: %v", err)
			}
			defer d.Close()
			if d.BaseURI() != testBaseURI {
				t.Errorf("BaseURI() = %q, want %q", d.BaseURI(), testBaseURI)
			}
			wantSize := 64
			if tc.dir != existing {
				wantSize = status.DefaultSize
			}
			if d.ListSize() != wantSize {
				t.Errorf("ListSize() = %d, want %d", d.ListSize(), wantSize)
			}
		})
	}
}

func TestStatusDirFileModes(t *testing.T) {
	d := openTestDir(t, 64)
	for _, tc := range []struct {
		path string
		want os.FileMode
	}{
		{d.Dir(), 0o700 | os.ModeDir},
		{filepath.Join(d.Dir(), StatusDBName), 0o600},
	} {
		info, err := os.Stat(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode() &^ 0o022; got != tc.want&^0o022 { // umask may only remove bits
			t.Errorf("%s: mode %v, want %v", tc.path, info.Mode(), tc.want)
		}
		if info.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s: mode %v gives others access", tc.path, info.Mode())
		}
	}
}

func TestStatusDirLockTimeout(t *testing.T) {
	d := openTestDir(t, 64)
	for _, tc := range []struct {
		name string
		opts StatusDirOptions
	}{
		{"writer", StatusDirOptions{LockTimeout: 50 * time.Millisecond}},
		{"reader", StatusDirOptions{LockTimeout: 50 * time.Millisecond, ReadOnly: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			second, err := OpenStatusDir(d.Dir(), tc.opts)
			if !errors.Is(err, ErrStatusDirInUse) || second != nil {
				t.Fatalf("second open: got %v, %v; want ErrStatusDirInUse", second, err)
			}
			if !strings.Contains(err.Error(), "status dir is in use by another process") {
				t.Errorf("message %q does not say the dir is in use", err)
			}
			if waited := time.Since(start); waited > 5*time.Second {
				t.Errorf("waited %s for a 50ms lock timeout", waited)
			}
		})
	}
	d.Close()
	again, err := OpenStatusDir(d.Dir(), StatusDirOptions{LockTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatalf("open after Close: %v", err)
	}
	again.Close()
}

func TestReadersShareTheLock(t *testing.T) {
	d := openTestDir(t, 64)
	dir := d.Dir()
	d.Close()
	r1, err := OpenStatusDir(dir, StatusDirOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r1.Close()
	r2, err := OpenStatusDir(dir, StatusDirOptions{ReadOnly: true, LockTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatalf("second reader: %v", err)
	}
	defer r2.Close()
	is, _ := newIssuer(t)
	if _, err := r2.Issue(is, Request{Type: "identity", Level: credential.LevelHigh, Claims: identityClaims()}); err == nil {
		t.Fatal("issued through a read-only status dir")
	}
}

func TestIssueWithStatus(t *testing.T) {
	d := openTestDir(t, 64)
	is, key := newIssuer(t)
	issued, err := d.Issue(is, Request{Type: "identity", Level: credential.LevelHigh, Claims: identityClaims(), ValidFor: 30 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ref := issued.Claims.Status
	if ref == nil || ref.URI != testBaseURI+"1" || ref.Index >= 64 {
		t.Fatalf("status reference %+v, want an index below 64 in %s1", ref, testBaseURI)
	}
	// The reference is signed into the credential.
	signed, err := credential.Parse(issued.COSE)
	if err != nil {
		t.Fatal(err)
	}
	claims, err := signed.Verify(key.Algorithm(), key.Public().Key())
	if err != nil {
		t.Fatal(err)
	}
	if claims.Status == nil || *claims.Status != *ref {
		t.Fatalf("signed status %+v, want %+v", claims.Status, ref)
	}
	id := idOf(issued)
	if want := fmt.Sprintf("%s1#%d", testBaseURI, ref.Index); id != want {
		t.Errorf("CredentialID = %q, want %q", id, want)
	}
	if w3c := claims.W3C("identity", nil, ""); w3c.CredentialStatus.ID != id {
		t.Errorf("W3C credentialStatus.id %q, want the credential id %q", w3c.CredentialStatus.ID, id)
	}
	rec, err := d.Credential(id)
	if err != nil {
		t.Fatal(err)
	}
	want := DirRecord{
		ID: id, Ref: *ref, Type: "identity", Level: credential.LevelHigh, KID: key.KID(),
		IssuedAt: fixedNow, Expiry: fixedNow.Add(30 * 24 * time.Hour), Status: status.Valid,
	}
	if fmt.Sprintf("%+v", *rec) != fmt.Sprintf("%+v", want) {
		t.Errorf("record\n got %+v\nwant %+v", *rec, want)
	}
	found, err := d.FindCredential(issued.COSE)
	if err != nil || found.ID != id {
		t.Fatalf("FindCredential: got %+v, %v; want the record of %s", found, err, id)
	}
	lists, err := d.Lists()
	if err != nil {
		t.Fatal(err)
	}
	if len(lists) != 1 || lists[0].Used != 1 || lists[0].Size != 64 || lists[0].URI != testBaseURI+"1" {
		t.Errorf("Lists() = %+v, want one list of 64 entries with 1 used", lists)
	}
}

func TestIssueWithStatusRefuses(t *testing.T) {
	d := openTestDir(t, 64)
	is, _ := newIssuer(t)
	badClaims := identityClaims()
	badClaims["birth_date"] = "1950-01-01"
	for _, tc := range []struct {
		name string
		req  Request
		want error
	}{
		{"status already set", Request{Type: "identity", Level: credential.LevelHigh, Claims: identityClaims(), Status: &credential.StatusRef{URI: testBaseURI + "1", Index: 3}}, ErrRequest},
		{"claims break the schema", Request{Type: "identity", Level: credential.LevelHigh, Claims: badClaims}, schemas.ErrInvalidClaim},
		{"level too low", Request{Type: "identity", Level: credential.LevelLow, Claims: identityClaims()}, ErrLevel},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := d.Issue(is, tc.req)
			if !errors.Is(err, tc.want) || out != nil {
				t.Fatalf("Issue: got %v, %v; want error %v", out, err, tc.want)
			}
			// A refused request takes no index and leaves no record.
			lists, err := d.Lists()
			if err != nil {
				t.Fatal(err)
			}
			if lists[0].Used != 0 {
				t.Errorf("a refused request took an index: %+v", lists[0])
			}
		})
	}
}

// TestListRollover fills lists of 8 entries: every index of every list is
// used exactly once, and the next list opens as soon as one fills.
func TestListRollover(t *testing.T) {
	const size = 8
	d := openTestDir(t, size)
	is, _ := newIssuer(t)
	issued := issueN(t, d, is, 2*size+3)
	seen := map[string]bool{}
	perList := map[string][]uint64{}
	for _, c := range issued {
		id := idOf(c)
		if seen[id] {
			t.Fatalf("index %s handed out twice", id)
		}
		seen[id] = true
		perList[c.Claims.Status.URI] = append(perList[c.Claims.Status.URI], c.Claims.Status.Index)
	}
	for n, want := range []int{size, size, 3} {
		uri := fmt.Sprintf("%s%d", testBaseURI, n+1)
		if len(perList[uri]) != want {
			t.Errorf("%s holds %d credentials, want %d", uri, len(perList[uri]), want)
		}
	}
	for _, uri := range []string{testBaseURI + "1", testBaseURI + "2"} {
		got := slices.Sorted(slices.Values(perList[uri]))
		if !slices.Equal(got, []uint64{0, 1, 2, 3, 4, 5, 6, 7}) {
			t.Errorf("%s: indexes %v, want each of 0..7 once", uri, got)
		}
	}
	lists, err := d.Lists()
	if err != nil {
		t.Fatal(err)
	}
	if len(lists) != 3 || lists[0].Used != size || lists[1].Used != size || lists[2].Used != 3 {
		t.Errorf("Lists() = %+v, want 8, 8 and 3 used", lists)
	}

	// A list that fills opens the next at once, so that it can be
	// published before any credential refers to it.
	issueN(t, d, is, size-3)
	if lists, _ = d.Lists(); len(lists) != 4 || lists[3].Used != 0 || lists[3].URI != testBaseURI+"4" {
		t.Errorf("after filling list 3: %+v, want an empty list 4", lists)
	}
}

// TestNextListOpensEarly: the next list opens, empty, when the current one
// is 90% full, and new credentials keep filling the current one until it
// is full.
func TestNextListOpensEarly(t *testing.T) {
	const size = 20 // the next list opens at 18
	d := openTestDir(t, size)
	is, _ := newIssuer(t)
	for _, step := range []struct {
		issue       int
		wantUsed    []int // per list
		wantCurrent int   // list number
	}{
		{17, []int{17}, 1},
		{1, []int{18, 0}, 1},
		{2, []int{20, 0}, 1},
		{1, []int{20, 1}, 2},
	} {
		for _, c := range issueN(t, d, is, step.issue) {
			if n := strings.TrimPrefix(c.Claims.Status.URI, testBaseURI); n != fmt.Sprint(step.wantCurrent) {
				t.Errorf("credential in list %s, want list %d", n, step.wantCurrent)
			}
		}
		lists, err := d.Lists()
		if err != nil {
			t.Fatal(err)
		}
		var used []int
		current := 0
		for _, l := range lists {
			used = append(used, l.Used)
			if l.Current {
				current = int(l.Number)
			}
		}
		if !slices.Equal(used, step.wantUsed) || current != step.wantCurrent {
			t.Fatalf("lists used %v with list %d current; want %v and %d", used, current, step.wantUsed, step.wantCurrent)
		}
	}
}

// TestIndexesLookRandom: indexes are neither sequential nor confined to
// one end of the list. With 48 indexes drawn from 1024, each check fails
// by chance with odds below 10^-9.
func TestIndexesLookRandom(t *testing.T) {
	const size, n = 1024, 48
	d := openTestDir(t, size)
	is, _ := newIssuer(t)
	var idx []uint64
	for _, c := range issueN(t, d, is, n) {
		idx = append(idx, c.Claims.Status.Index)
	}
	steps, below := 0, 0
	for i, v := range idx {
		if i > 0 && v == idx[i-1]+1 {
			steps++
		}
		if v < size/2 {
			below++
		}
	}
	if steps > 3 {
		t.Errorf("%d of %d indexes follow their predecessor: %v", steps, n, idx)
	}
	if slices.IsSorted(idx) {
		t.Errorf("indexes come in increasing order: %v", idx)
	}
	if below < 8 || below > n-8 {
		t.Errorf("%d of %d indexes in the lower half of the list: %v", below, n, idx)
	}
}

func TestConcurrentIssueNeverCollides(t *testing.T) {
	const size, workers, each = 16, 8, 12
	d := openTestDir(t, size)
	is, _ := newIssuer(t)
	var (
		mu  sync.Mutex
		ids = map[string]int{}
		wg  sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			for range each {
				issued, err := d.Issue(is, Request{Type: "identity", Level: credential.LevelSubstantial, Claims: identityClaims()})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				ids[idOf(issued)]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(ids) != workers*each {
		t.Errorf("%d distinct ids for %d credentials", len(ids), workers*each)
	}
	for id, n := range ids {
		if n != 1 {
			t.Errorf("%s handed out %d times", id, n)
		}
	}
	lists, err := d.Lists()
	if err != nil {
		t.Fatal(err)
	}
	used := 0
	for _, l := range lists {
		used += l.Used
	}
	if used != workers*each {
		t.Errorf("lists record %d used indexes, want %d", used, workers*each)
	}
}

func TestSetStatusTransitions(t *testing.T) {
	d := openTestDir(t, 64)
	is, _ := newIssuer(t)
	issued := issueN(t, d, is, 2)
	id, other := idOf(issued[0]), idOf(issued[1])
	// Each step runs on the credential id, in order.
	for _, tc := range []struct {
		name     string
		set      status.Status
		reason   string
		previous status.Status
		want     error
		now      status.Status // status after the step
	}{
		{"suspend", status.Suspended, "reported lost", status.Valid, nil, status.Suspended},
		{"suspend again is a no-op", status.Suspended, "", status.Suspended, nil, status.Suspended},
		{"reinstate", status.Valid, "found again", status.Suspended, nil, status.Valid},
		{"reinstate a valid one is a no-op", status.Valid, "", status.Valid, nil, status.Valid},
		{"revoke", status.Revoked, "holder deceased", status.Valid, nil, status.Revoked},
		{"revoke again is a no-op", status.Revoked, "", status.Revoked, nil, status.Revoked},
		{"reinstate a revoked one", status.Valid, "", 0, ErrRevocationFinal, status.Revoked},
		{"suspend a revoked one", status.Suspended, "", 0, ErrRevocationFinal, status.Revoked},
	} {
		t.Run(tc.name, func(t *testing.T) {
			previous, err := d.SetStatus(id, tc.set, tc.reason)
			if !errors.Is(err, tc.want) || (err == nil && previous != tc.previous) {
				t.Fatalf("SetStatus(%s): got %v, %v; want %v, %v", tc.set, previous, err, tc.previous, tc.want)
			}
			rec, err := d.Credential(id)
			if err != nil {
				t.Fatal(err)
			}
			if rec.Status != tc.now {
				t.Errorf("record status %s, want %s", rec.Status, tc.now)
			}
			lists, err := d.Lists()
			if err != nil {
				t.Fatal(err)
			}
			wantRevoked, wantSuspended := 0, 0
			switch tc.now {
			case status.Revoked:
				wantRevoked = 1
			case status.Suspended:
				wantSuspended = 1
			}
			if lists[0].Revoked != wantRevoked || lists[0].Suspended != wantSuspended {
				t.Errorf("list counts %d revoked, %d suspended; want %d, %d", lists[0].Revoked, lists[0].Suspended, wantRevoked, wantSuspended)
			}
		})
	}
	rec, err := d.Credential(id)
	if err != nil {
		t.Fatal(err)
	}
	var history []string
	for _, c := range rec.History {
		history = append(history, c.Status.String()+":"+c.Reason)
		if !c.At.Equal(fixedNow) {
			t.Errorf("change at %s, want %s", c.At, fixedNow)
		}
	}
	if want := []string{"suspended:reported lost", "valid:found again", "revoked:holder deceased"}; !slices.Equal(history, want) {
		t.Errorf("history %q, want %q", history, want)
	}
	if rec, err := d.Credential(other); err != nil || rec.Status != status.Valid {
		t.Errorf("the other credential: %+v, %v; want it untouched and valid", rec, err)
	}
}

func TestSetStatusRefuses(t *testing.T) {
	d := openTestDir(t, 64)
	is, _ := newIssuer(t)
	issued := issueN(t, d, is, 1)[0]
	ref := issued.Claims.Status
	unused := (ref.Index + 1) % 64
	for _, tc := range []struct {
		name   string
		id     string
		set    status.Status
		reason string
		want   error
	}{
		{"no '#'", testBaseURI + "1", status.Revoked, "", ErrMalformedID},
		{"empty index", testBaseURI + "1#", status.Revoked, "", ErrMalformedID},
		{"index not a number", testBaseURI + "1#abc", status.Revoked, "", ErrMalformedID},
		{"negative index", testBaseURI + "1#-1", status.Revoked, "", ErrMalformedID},
		{"leading zero", fmt.Sprintf("%s1#0%d", testBaseURI, ref.Index), status.Revoked, "", ErrMalformedID},
		{"index with a sign", fmt.Sprintf("%s1#+%d", testBaseURI, ref.Index), status.Revoked, "", ErrMalformedID},
		{"empty", "", status.Revoked, "", ErrMalformedID},
		{"other issuer's list", fmt.Sprintf("https://other.example/s/1#%d", ref.Index), status.Revoked, "", ErrNotIssued},
		{"list 0", fmt.Sprintf("%s0#%d", testBaseURI, ref.Index), status.Revoked, "", ErrNotIssued},
		{"list number with leading zero", fmt.Sprintf("%s01#%d", testBaseURI, ref.Index), status.Revoked, "", ErrNotIssued},
		{"list that does not exist", fmt.Sprintf("%s7#%d", testBaseURI, ref.Index), status.Revoked, "", ErrNotIssued},
		{"index past the end", testBaseURI + "1#64", status.Revoked, "", ErrNotIssued},
		{"index never issued", fmt.Sprintf("%s1#%d", testBaseURI, unused), status.Revoked, "", ErrNotIssued},
		{"status 3", idOf(issued), status.Status(3), "", status.ErrInvalidStatus},
		{"reason too long", idOf(issued), status.Revoked, strings.Repeat("x", MaxReasonLen+1), ErrRequest},
		{"reason with a newline", idOf(issued), status.Revoked, "lost\nfound", ErrRequest},
		{"reason not UTF-8", idOf(issued), status.Revoked, "\xff", ErrRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := d.SetStatus(tc.id, tc.set, tc.reason)
			if !errors.Is(err, tc.want) {
				t.Fatalf("SetStatus(%q): got %v, want %v", tc.id, err, tc.want)
			}
		})
	}
	if rec, err := d.Credential(idOf(issued)); err != nil || rec.Status != status.Valid || len(rec.History) != 0 {
		t.Errorf("refused changes touched the record: %+v, %v", rec, err)
	}
}

func TestFindCredentialRefuses(t *testing.T) {
	d := openTestDir(t, 64)
	is, _ := newIssuer(t)
	issued := issueN(t, d, is, 1)[0]
	plain, err := is.Issue(Request{Type: "identity", Level: credential.LevelHigh, Claims: identityClaims()})
	if err != nil {
		t.Fatal(err)
	}
	// Same status reference, signed outside the dir: it is not the
	// credential the dir recorded there.
	impostor, err := is.Issue(Request{Type: "identity", Level: credential.LevelHigh, Claims: identityClaims(), Status: issued.Claims.Status, ValidFor: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	otherKey, _ := newIssuer(t)
	sameTimesOtherKey, err := otherKey.Issue(Request{Type: "identity", Level: credential.LevelSubstantial, Claims: identityClaims(), Status: issued.Claims.Status})
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := is.Issue(Request{Type: "identity", Level: credential.LevelHigh, Claims: identityClaims(), Status: &credential.StatusRef{URI: "https://other.example/1", Index: 1}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		cose []byte
		want error
	}{
		{"no status reference", plain.COSE, ErrNotIssued},
		{"other expiry at the same reference", impostor.COSE, ErrNotIssued},
		{"other key at the same reference", sameTimesOtherKey.COSE, ErrNotIssued},
		{"other issuer's list", foreign.COSE, ErrNotIssued},
		{"not COSE", []byte("NC1:hello"), credential.ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := d.FindCredential(tc.cose)
			if !errors.Is(err, tc.want) || rec != nil {
				t.Fatalf("FindCredential: got %+v, %v; want error %v", rec, err, tc.want)
			}
		})
	}
}

func TestStatusDirPersists(t *testing.T) {
	d := openTestDir(t, 8)
	is, _ := newIssuer(t)
	issued := issueN(t, d, is, 10) // two lists
	revoked := idOf(issued[9])
	if _, err := d.SetStatus(revoked, status.Revoked, "key compromise"); err != nil {
		t.Fatal(err)
	}
	before, err := d.Lists()
	if err != nil {
		t.Fatal(err)
	}
	dir := d.Dir()
	d.Close()

	r, err := OpenStatusDir(dir, StatusDirOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	after, err := r.Lists()
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(before) != fmt.Sprint(after) {
		t.Errorf("lists after reopening\n got %+v\nwant %+v", after, before)
	}
	for _, c := range issued {
		rec, err := r.Credential(idOf(c))
		if err != nil {
			t.Fatal(err)
		}
		want := status.Valid
		if rec.ID == revoked {
			want = status.Revoked
		}
		if rec.Status != want {
			t.Errorf("%s: %s, want %s", rec.ID, rec.Status, want)
		}
	}
}

// FuzzParseID: parsing an id never panics, and an id it accepts is the
// canonical spelling of what it parsed.
func FuzzParseID(f *testing.F) {
	for _, s := range []string{testBaseURI + "1#0", testBaseURI + "12#63", testBaseURI + "1#", testBaseURI + "01#5", "https://other/1#2", "#", ""} {
		f.Add(s)
	}
	d := &StatusDir{baseURI: testBaseURI, listSize: 64}
	f.Fuzz(func(t *testing.T, id string) {
		n, idx, err := d.parseID(id)
		if err != nil {
			return
		}
		if n == 0 || idx >= 64 {
			t.Fatalf("parseID(%q) = %d, %d: out of range", id, n, idx)
		}
		if back := CredentialID(&credential.StatusRef{URI: d.ListURI(n), Index: idx}); back != id {
			t.Fatalf("parseID(%q) = %d, %d, which is spelled %q", id, n, idx, back)
		}
	})
}
