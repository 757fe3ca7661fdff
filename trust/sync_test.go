package trust

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/netcred/netcred/bundle"
	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/status"
)

// bundleLists is a bundle of serial whose issuer names n status lists
// (listURI first).
func (w *world) bundleLists(tb testing.TB, serial uint64, n int) []byte {
	tb.Helper()
	uris := []string{listURI}
	for i := 1; i < n; i++ {
		uris = append(uris, fmt.Sprintf("https://id.example.cn/s/x%d", i))
	}
	b := &bundle.Bundle{Serial: serial, IssuedAt: fixedNow, NextUpdate: fixedNow.Add(7 * 24 * time.Hour),
		Issuers: []bundle.Issuer{{ID: "id.example.cn", Name: "many", StatusLists: uris,
			Keys: []bundle.Key{{Key: w.issuer.Public(), Authorization: bundle.Authorization{
				MaxLevel: credential.LevelHigh, Types: []string{"identity"}, NotBefore: fixedNow.Add(-time.Hour)}}}}}}
	jws, err := b.Sign(w.root)
	if err != nil {
		tb.Fatal(err)
	}
	return jws
}

func syncCode(err error) SyncCode {
	var se *SyncError
	if errors.As(err, &se) {
		return se.Code
	}
	return ""
}

// TestSyncRedirects: a redirect within the distribution point's origin is
// followed; one to another origin is refused before that origin is
// contacted, as are redirect loops.
func TestSyncRedirects(t *testing.T) {
	w := newWorld(t)
	bundle := w.bundle(t, 3, w.root, "x")
	var otherHits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		otherHits.Add(1)
		rw.Write(bundle)
	}))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/same/bundle.jws":
			http.Redirect(rw, r, "/current/bundle.jws", http.StatusFound)
		case "/current/bundle.jws":
			rw.Write(bundle)
		case "/away/bundle.jws":
			http.Redirect(rw, r, other.URL+"/bundle.jws", http.StatusMovedPermanently)
		case "/loop/bundle.jws":
			http.Redirect(rw, r, "/loop/bundle.jws", http.StatusFound)
		default:
			http.NotFound(rw, r)
		}
	}))
	defer srv.Close()
	for _, tc := range []struct {
		path string
		want SyncCode
	}{
		{"/same", ""},
		{"/away", SyncRedirect},
		{"/loop", SyncRedirect},
	} {
		t.Run(tc.path, func(t *testing.T) {
			s, _ := w.store(t)
			_, err := s.Sync(context.Background(), srv.URL+tc.path, nil, nil)
			if got := syncCode(err); got != tc.want || (tc.want == "" && err != nil) {
				t.Fatalf("Sync: got %v (code %q), want code %q", err, got, tc.want)
			}
		})
	}
	if n := otherHits.Load(); n != 0 {
		t.Fatalf("the other origin was contacted %d times; want never", n)
	}
}

func TestOriginOf(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"https://Dist.Example/x", "https://dist.example:443/y"},
		{"http://dist.example", "http://dist.example:80"},
		{"http://[::1]:8080/a", "http://[::1]:8080/b"},
	} {
		if originOf(mustURL(t, tc.a)) != originOf(mustURL(t, tc.b)) {
			t.Errorf("origins of %s and %s differ; want the same", tc.a, tc.b)
		}
	}
	for _, tc := range []struct{ a, b string }{
		{"https://dist.example", "http://dist.example"},
		{"https://dist.example", "https://dist.example:8443"},
		{"https://dist.example", "https://dist.example.evil"},
	} {
		if originOf(mustURL(t, tc.a)) == originOf(mustURL(t, tc.b)) {
			t.Errorf("origins of %s and %s are the same; want different", tc.a, tc.b)
		}
	}
}

// TestSyncBounds: oversized, endless and slow bodies, error statuses and
// bad URLs fail with their codes, without reading more than the bound.
func TestSyncBounds(t *testing.T) {
	w := newWorld(t)
	twoLists := w.bundleLists(t, 3, 2)
	var written atomic.Int64
	endless := func(rw http.ResponseWriter) {
		chunk := make([]byte, 32<<10)
		for {
			n, err := rw.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/announced/bundle.jws": // says 1 GiB up front
			rw.Header().Set("Content-Length", strconv.Itoa(1<<30))
			endless(rw)
		case "/endless/bundle.jws": // chunked, never ends
			endless(rw)
		case "/slow/bundle.jws":
			for {
				if _, err := rw.Write([]byte("e")); err != nil {
					return
				}
				rw.(http.Flusher).Flush()
				time.Sleep(20 * time.Millisecond)
			}
		case "/headers/bundle.jws":
			for i := range 64 {
				rw.Header().Set(fmt.Sprintf("X-Junk-%d", i), strings.Repeat("j", 4096))
			}
			rw.Write([]byte("eyJ"))
		case "/error/bundle.jws":
			http.Error(rw, "boom", http.StatusInternalServerError)
		case "/biglist/bundle.jws":
			rw.Write(twoLists)
		case "/biglist/status/" + status.FileName(listURI):
			endless(rw)
		default:
			http.NotFound(rw, r)
		}
	}))
	defer srv.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	for _, tc := range []struct {
		base     string
		timeout  time.Duration
		want     SyncCode
		maxBytes int64 // most the server may have written (the bound and socket buffers)
	}{
		{srv.URL + "/announced", 0, SyncTooLarge, 4 << 20},
		{srv.URL + "/endless", 0, SyncTooLarge, bundle.MaxSize + 16<<20},
		{srv.URL + "/biglist", 0, SyncTooLarge, status.MaxTokenSize + 16<<20},
		{srv.URL + "/slow", 300 * time.Millisecond, SyncTimeout, 0},
		{srv.URL + "/error", 0, SyncHTTPStatus, 0},
		{srv.URL + "/headers", 0, SyncTooLarge, 0},
		{srv.URL + "/missing", 0, SyncNoBundle, 0}, // a missing bundle is an error, unlike a missing list
		{closed.URL, 0, SyncUnreachable, 0},
		{srv.URL + "?x=1", 0, SyncBadURL, 0},
		{srv.URL + "#frag", 0, SyncBadURL, 0},
		{"ftp://dist.example", 0, SyncBadURL, 0},
	} {
		t.Run(tc.base, func(t *testing.T) {
			written.Store(0)
			s, _ := w.store(t)
			start := time.Now()
			_, err := s.Sync(context.Background(), tc.base, &http.Client{Timeout: tc.timeout}, nil)
			if got := syncCode(err); got != tc.want {
				t.Fatalf("Sync: got %v (code %q), want code %q", err, got, tc.want)
			}
			if tc.timeout > 0 && time.Since(start) > tc.timeout+5*time.Second {
				t.Fatalf("Sync took %s with a %s timeout", time.Since(start), tc.timeout)
			}
			srv.CloseClientConnections()
			if n := written.Load(); tc.maxBytes > 0 && n > tc.maxBytes {
				t.Fatalf("the server wrote %d bytes; want at most %d (the body is refused at its bound)", n, tc.maxBytes)
			}
		})
	}
	// The context bounds the whole sync too.
	s, _ := w.store(t)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := s.Sync(ctx, srv.URL+"/slow", nil, nil); syncCode(err) != SyncTimeout {
		t.Fatalf("Sync past its context deadline: got %v, want %s", err, SyncTimeout)
	}
}

// junkServer serves a bundle naming n lists, each list n bytes short of
// the token bound of junk.
func junkServer(tb testing.TB, w *world, n int) *httptest.Server {
	bundle := w.bundleLists(tb, 3, n)
	junk := make([]byte, status.MaxTokenSize-1)
	junk[0] = 0xd2
	return httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/bundle.jws" {
			rw.Write(bundle)
			return
		}
		rw.Write(junk)
	}))
}

// TestSyncJunkListsBoundedMemory: a distribution point serving 100 lists
// of 4 MiB of junk: the sync fails with status_list_invalid, allocating
// about one body, not a hundred (1.3 GB for 64 lists before).
func TestSyncJunkListsBoundedMemory(t *testing.T) {
	w := newWorld(t)
	srv := junkServer(t, w, 100)
	defer srv.Close()
	s, _ := w.store(t)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := s.Sync(context.Background(), srv.URL, nil, nil)
	runtime.ReadMemStats(&after)
	if codeOf(err) != "status_list_invalid" {
		t.Fatalf("Sync of junk lists: got %v, want status_list_invalid", err)
	}
	const limit = 64 << 20
	if got := after.TotalAlloc - before.TotalAlloc; got > limit {
		t.Fatalf("Sync allocated %d MiB for 100 junk lists; want at most %d MiB", got>>20, limit>>20)
	}
}

// TestSyncTooManyLists: a bundle naming more than MaxSyncLists lists is
// refused before any list is fetched.
func TestSyncTooManyLists(t *testing.T) {
	w := newWorld(t)
	bundle := w.bundleLists(t, 3, MaxSyncLists+1)
	var listHits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/bundle.jws" {
			rw.Write(bundle)
			return
		}
		listHits.Add(1)
		http.NotFound(rw, r)
	}))
	defer srv.Close()
	s, _ := w.store(t)
	if _, err := s.Sync(context.Background(), srv.URL, nil, nil); syncCode(err) != SyncTooManyLists {
		t.Fatalf("Sync: got %v, want %s", err, SyncTooManyLists)
	}
	if n := listHits.Load(); n != 0 {
		t.Fatalf("%d lists fetched; want none", n)
	}
}

// BenchmarkSyncJunkLists syncs from a distribution point serving 64 junk
// lists of 4 MiB: B/op is what one refused sync allocates.
func BenchmarkSyncJunkLists(b *testing.B) {
	w := newWorld(b)
	srv := junkServer(b, w, 64)
	defer srv.Close()
	s, _ := w.store(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Sync(context.Background(), srv.URL, nil, nil); codeOf(err) != "status_list_invalid" {
			b.Fatal(err)
		}
	}
}

func mustURL(tb testing.TB, s string) *url.URL {
	tb.Helper()
	u, err := url.Parse(s)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

// TestSyncListInAnotherPlace: a distribution point serving one list's
// token at another list's location is refused (it would keep the other
// list from ever being updated).
func TestSyncListInAnotherPlace(t *testing.T) {
	w := newWorld(t)
	bundle := w.bundleLists(t, 3, 2)
	tok := w.token(t, w.issuer, fixedNow) // for listURI
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/bundle.jws" {
			rw.Write(bundle)
			return
		}
		rw.Write(tok) // at both lists' locations
	}))
	defer srv.Close()
	s, _ := w.store(t)
	if _, err := s.Sync(context.Background(), srv.URL, nil, nil); codeOf(err) != "status_list_invalid" {
		t.Fatalf("Sync: got %v, want status_list_invalid", err)
	}
	if s.trust != nil {
		t.Fatal("a refused sync stored the bundle")
	}
}

// FuzzSyncList serves arbitrary bytes as a status list to a sync: no
// panic, and a refused sync leaves the store as it was.
func FuzzSyncList(f *testing.F) {
	w := newWorld(f)
	bundle := w.bundle(f, 2, w.root, "x")
	tok := w.token(f, w.issuer, fixedNow, 3)
	f.Add(tok)
	f.Add(tok[:len(tok)/2])
	f.Add([]byte{0xd2})
	f.Add([]byte{})
	var body atomic.Pointer[[]byte]
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/bundle.jws" {
			rw.Write(bundle)
			return
		}
		rw.Write(*body.Load())
	}))
	defer srv.Close()
	s, _ := w.store(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		body.Store(&data)
		before := s.trust
		if _, err := s.Sync(context.Background(), srv.URL, nil, nil); err != nil && s.trust != before {
			t.Fatalf("a refused sync changed the store: %v", err)
		}
	})
}

// TestSyncTotalBound: verified tokens beyond the total bound are refused.
func TestSyncTotalBound(t *testing.T) {
	w := newWorld(t)
	bundle := w.bundleLists(t, 3, 1)
	tok := w.token(t, w.issuer, fixedNow)
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/bundle.jws" {
			rw.Write(bundle)
			return
		}
		rw.Write(tok)
	}))
	defer srv.Close()
	defer func(old int) { syncBytesLimit = old }(syncBytesLimit)
	syncBytesLimit = len(tok) - 1
	s, _ := w.store(t)
	if _, err := s.Sync(context.Background(), srv.URL, nil, nil); syncCode(err) != SyncTooLarge {
		t.Fatalf("Sync: got %v, want %s", err, SyncTooLarge)
	}
}
