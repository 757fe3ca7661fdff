package trust

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/netcred/netcred/bundle"
	"github.com/netcred/netcred/status"
	"github.com/netcred/netcred/verifier"
)

// Bounds of a sync (status.md §7).
const (
	// MaxSyncLists is the most status lists a sync fetches: a bundle
	// naming more is refused (SyncTooManyLists) before any is fetched.
	MaxSyncLists = 1024
	// MaxSyncBytes bounds the verified tokens a sync keeps until it
	// stores them, in total: more is refused (SyncTooLarge).
	MaxSyncBytes = 256 << 20
	// MaxRedirects is the most redirects, all within the distribution
	// point's origin, a sync follows per file.
	MaxRedirects = 3
	// DefaultSyncTimeout bounds each HTTP exchange, body included, when
	// the client given to Sync sets no Timeout.
	DefaultSyncTimeout = 30 * time.Second
)

// syncBytesLimit is MaxSyncBytes; tests lower it.
var syncBytesLimit = MaxSyncBytes

// SyncCode is the stable reason code of a failed sync.
type SyncCode string

// Reason codes of a failed sync. Refused material (a bundle that does not
// verify or rolls back, an invalid token) is a *verifier.TrustError
// instead, with its own codes.
const (
	// SyncBadURL: the distribution point is not an http or https URL
	// without query or fragment.
	SyncBadURL SyncCode = "sync_bad_url"
	// SyncUnreachable: the connection failed (DNS, refused, TLS).
	SyncUnreachable SyncCode = "sync_unreachable"
	// SyncTimeout: the exchange (or the body) took longer than allowed.
	SyncTimeout SyncCode = "sync_timeout"
	// SyncHTTPStatus: the server answered with a status other than 200
	// (or 404 for a status list).
	SyncHTTPStatus SyncCode = "sync_http_status"
	// SyncNoBundle: the distribution point has no bundle.jws (404): the
	// URL is probably not a distribution point's base.
	SyncNoBundle SyncCode = "sync_no_bundle"
	// SyncRedirect: a redirect to another origin, or too many redirects.
	SyncRedirect SyncCode = "sync_redirect"
	// SyncTooLarge: a body larger than its format allows.
	SyncTooLarge SyncCode = "sync_too_large"
	// SyncTooManyLists: the bundle names more than MaxSyncLists lists,
	// or they and the lists found under its status prefixes are more.
	SyncTooManyLists SyncCode = "sync_too_many_lists"
	// SyncBadIndex: the aggregation index (BASE/status/aggregation.json)
	// is not a Status List Aggregation JSON object.
	SyncBadIndex SyncCode = "sync_bad_index"
)

// SyncError is a failed sync: the store is unchanged.
type SyncError struct {
	Code SyncCode
	URL  string // the file being fetched, if any
	Err  error
}

func (e *SyncError) Error() string {
	if e.URL == "" {
		return fmt.Sprintf("trust: sync: %v (%s)", e.Err, e.Code)
	}
	return fmt.Sprintf("trust: sync: %s: %v (%s)", e.URL, e.Err, e.Code)
}

func (e *SyncError) Unwrap() error { return e.Err }

// Progress receives one line per step of a sync; nil discards them.
type Progress func(format string, args ...any)

// Sync fetches BASE/bundle.jws and, for every status list of its issuers,
// BASE/status/<status.FileName(uri)>, then imports them all with Import's
// checks (all or nothing). A list the distribution point does not have
// (404) is reported in the notes: a bundle may name a list before the
// issuer opens it. When the bundle has status prefixes, the lists under
// them are found in the aggregation index BASE/status/aggregation.json
// (spec/status.md §7): its entries that are a status list of no issuer of
// the bundle are skipped and reported, and the rest fetched like listed
// ones.
//
// Only the distribution point is contacted: a redirect to another origin
// (scheme, host and port) is refused, one within it is followed (at most
// MaxRedirects). Memory is bounded whatever the server sends: one body at
// a time, refused as soon as it passes its format's bound (a bundle's
// bundle.MaxSize, a token's status.MaxTokenSize) and kept only once it
// has verified; at most MaxSyncLists lists and MaxSyncBytes of them.
// client may be nil; a client without a Timeout gets DefaultSyncTimeout
// per exchange, and ctx bounds the whole sync. Failures of the transport
// are *SyncError values; refused material is a *verifier.TrustError.
func (s *Store) Sync(ctx context.Context, base string, client *http.Client, progress Progress) (Report, error) {
	if progress == nil {
		progress = func(string, ...any) {}
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return Report{}, &SyncError{Code: SyncBadURL, Err: fmt.Errorf("%w: the distribution point must be an http or https URL without query or fragment, got %q", ErrInput, base)}
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	c := syncClient(client, u)
	// Names (in messages) never show a password of the base URL.
	bundleLoc := u.JoinPath(bundleFile)
	bundleURL := bundleLoc.Redacted()
	progress("fetching %s", bundleURL)
	data, err := fetch(ctx, c, bundleLoc, bundle.MaxSize)
	if errors.Is(err, errNotFound) {
		return Report{}, &SyncError{Code: SyncNoBundle, URL: bundleURL, Err: errors.New("the server has no bundle there (404 Not Found)")}
	}
	if err != nil {
		return Report{}, err
	}
	t, err := verifier.LoadTrust(s.roots, data)
	if err != nil {
		return Report{}, fmt.Errorf("%s: %w", bundleURL, err)
	}
	// Refuse a rollback before fetching any list; Import checks again
	// under the lock.
	if s.trust != nil {
		if err := checkSuccessor(s.trust.Bundle, t.Bundle); err != nil {
			return Report{}, fmt.Errorf("%s: %w", bundleURL, err)
		}
	}
	var uris []string
	prefixes := false
	for _, iss := range t.Bundle.Issuers {
		uris = append(uris, iss.StatusLists...)
		prefixes = prefixes || len(iss.StatusPrefixes) > 0
	}
	if len(uris) > MaxSyncLists {
		return Report{}, &SyncError{Code: SyncTooManyLists, URL: bundleURL,
			Err: fmt.Errorf("the bundle names %d status lists, more than the %d a sync fetches", len(uris), MaxSyncLists)}
	}
	var notes []string
	if prefixes {
		found, skipped, err := discover(ctx, c, u, t.Bundle, uris, progress)
		if err != nil {
			return Report{}, err
		}
		uris = append(uris, found...)
		notes = skipped
	}
	// The bundle always goes to Import, which refuses a rollback or a
	// conflicting bundle of the same serial, and keeps an identical one.
	inputs := []Input{{Name: bundleURL, Data: data}}
	var missing []string
	kept := 0
	for _, uri := range uris {
		listLoc := u.JoinPath(statusDir, status.FileName(uri))
		listURL := listLoc.Redacted()
		progress("fetching %s (%s)", listURL, uri)
		tok, err := fetch(ctx, c, listLoc, status.MaxTokenSize)
		if errors.Is(err, errNotFound) {
			missing = append(missing, uri)
			continue
		}
		if err != nil {
			return Report{}, err
		}
		// Check each token as it arrives: junk is dropped at once, and
		// only verified tokens (which the store will hold) are kept.
		parsed, err := t.ParseStatusToken(tok)
		if err == nil && parsed.URI != uri {
			// Another list of the same issuer, served in this one's place,
			// would keep this one from ever being updated.
			err = fmt.Errorf("the token served for list %s is for list %s", uri, parsed.URI)
		}
		if err != nil {
			return Report{}, fmt.Errorf("%s: %w", listURL, &verifier.TrustError{Code: verifier.CodeStatusListInvalid, Err: err})
		}
		if kept += len(tok); kept > syncBytesLimit {
			return Report{}, &SyncError{Code: SyncTooLarge, URL: listURL,
				Err: fmt.Errorf("the status lists pass %d MiB in total, the most a sync keeps", MaxSyncBytes>>20)}
		}
		inputs = append(inputs, Input{Name: listURL, Data: tok})
	}
	rep, err := s.Import(inputs)
	rep.Notes = append(rep.Notes, notes...)
	for _, uri := range missing {
		rep.Notes = append(rep.Notes, "status list "+uri+" is not published yet")
	}
	return rep, err
}

var errNotFound = errors.New("not found")

// syncClient copies client (or a new one) so that it follows redirects
// only within base's origin and has a timeout.
func syncClient(client *http.Client, base *url.URL) *http.Client {
	var c http.Client
	if client != nil {
		c = *client
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultSyncTimeout
	}
	if c.Transport == nil {
		c.Transport = syncTransport
	}
	next := c.CheckRedirect
	origin := originOf(base)
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if o := originOf(req.URL); o != origin {
			return &SyncError{Code: SyncRedirect, URL: via[0].URL.Redacted(),
				Err: fmt.Errorf("redirected to %s, outside the distribution point %s; netcred contacts only the distribution point it was given", o, origin)}
		}
		if len(via) > MaxRedirects {
			return &SyncError{Code: SyncRedirect, URL: via[0].URL.Redacted(), Err: fmt.Errorf("more than %d redirects", MaxRedirects)}
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
	return &c
}

// maxHeaderBytes bounds the response headers of a distribution point
// (net/http's default is 10 MiB).
const maxHeaderBytes = 64 << 10

// syncTransport is http.DefaultTransport with maxHeaderBytes.
var syncTransport = func() http.RoundTripper {
	t, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return http.DefaultTransport
	}
	t = t.Clone()
	t.MaxResponseHeaderBytes = maxHeaderBytes
	return t
}()

// originOf is scheme://host:port with the default port made explicit.
func originOf(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[strings.ToLower(u.Scheme)]
	}
	return strings.ToLower(u.Scheme) + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// fetch GETs u and returns its body if it is 200 and at most max bytes; it
// never reads more than max+1 bytes.
func fetch(ctx context.Context, client *http.Client, loc *url.URL, max int64) ([]byte, error) {
	u := loc.Redacted()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, loc.String(), nil)
	if err != nil {
		return nil, &SyncError{Code: SyncBadURL, URL: u, Err: err}
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, transportError(u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil, fmt.Errorf("%s: %w", u, errNotFound)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &SyncError{Code: SyncHTTPStatus, URL: u, Err: fmt.Errorf("the server answered %s", resp.Status)}
	}
	if resp.ContentLength > max {
		return nil, &SyncError{Code: SyncTooLarge, URL: u, Err: fmt.Errorf("%d bytes announced, more than the %d its format allows", resp.ContentLength, max)}
	}
	var buf bytes.Buffer
	if resp.ContentLength > 0 {
		buf.Grow(int(resp.ContentLength) + 1)
	}
	n, err := buf.ReadFrom(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, transportError(u, err)
	}
	if n > max {
		return nil, &SyncError{Code: SyncTooLarge, URL: u, Err: fmt.Errorf("more than the %d bytes its format allows", max)}
	}
	return buf.Bytes(), nil
}

// transportError classifies a failed exchange.
func transportError(u string, err error) error {
	var se *SyncError
	if errors.As(err, &se) {
		return se // a refused redirect
	}
	if strings.Contains(err.Error(), "response headers exceeded") { // net/http has no sentinel for it
		return &SyncError{Code: SyncTooLarge, URL: u, Err: err}
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
		return &SyncError{Code: SyncTimeout, URL: u, Err: err}
	}
	return &SyncError{Code: SyncUnreachable, URL: u, Err: err}
}

// discover reads the distribution point's aggregation index and returns
// the lists it names under a status prefix of b that listed (the bundle's
// status_lists) does not hold, in the index's order, and a note for each
// entry skipped: one that is a status list of no issuer of b (outside
// every prefix, on another origin, not a URI), or named twice. An index
// the server does not have (404) finds nothing. The index is read only
// for names: tokens are still fetched from the distribution point and
// verified against b, each for its own issuer.
func discover(ctx context.Context, c *http.Client, base *url.URL, b *bundle.Bundle, listed []string, progress Progress) (found, notes []string, err error) {
	loc := base.JoinPath(statusDir, status.AggregationFile)
	indexURL := loc.Redacted()
	progress("fetching %s", indexURL)
	data, err := fetch(ctx, c, loc, status.MaxAggregationSize)
	if errors.Is(err, errNotFound) {
		return nil, []string{"the distribution point has no " + statusDir + "/" + status.AggregationFile + ": no lists found under the bundle's status prefixes"}, nil
	}
	if err != nil {
		return nil, nil, err
	}
	agg, err := status.ParseAggregation(data)
	if errors.Is(err, status.ErrAggregationTooLong) {
		return nil, nil, &SyncError{Code: SyncTooManyLists, URL: indexURL, Err: err}
	}
	if err != nil {
		return nil, nil, &SyncError{Code: SyncBadIndex, URL: indexURL, Err: err}
	}
	seen := make(map[string]bool, len(listed)+len(agg.StatusLists))
	for _, uri := range listed {
		seen[uri] = true
	}
	inIndex := make(map[string]bool, len(agg.StatusLists))
	for _, uri := range agg.StatusLists {
		switch {
		case inIndex[uri]:
			notes = append(notes, fmt.Sprintf("%s names %q twice", indexURL, uri))
			continue
		case seen[uri]:
			inIndex[uri] = true
			continue // listed in the bundle: fetched anyway
		}
		inIndex[uri] = true
		if _, ok := b.IssuerOfStatusList(uri); !ok {
			notes = append(notes, fmt.Sprintf("%s names %q, which is not a status list of any issuer of the bundle (listed or under a status prefix): skipped", indexURL, uri))
			continue
		}
		seen[uri] = true
		found = append(found, uri)
	}
	if n := len(listed) + len(found); n > MaxSyncLists {
		return nil, nil, &SyncError{Code: SyncTooManyLists, URL: indexURL,
			Err: fmt.Errorf("the bundle's status lists and those found under its status prefixes are %d, more than the %d a sync fetches", n, MaxSyncLists)}
	}
	progress("found %d status list(s) under the bundle's status prefixes", len(found))
	return found, notes, nil
}
