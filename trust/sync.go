package trust

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/netcred/netcred/status"
	"github.com/netcred/netcred/verifier"
)

// Progress receives one line per step of a sync; nil discards them.
type Progress func(format string, args ...any)

// Sync fetches BASE/bundle.jws and, for every status list of its issuers,
// BASE/status/<status.FileName(uri)>, then imports them all with Import's
// checks. A list the distribution point does not have (404) is reported in
// the notes: a bundle may name a list before the issuer opens it. Any
// static web server can be the distribution point; nothing else is
// contacted.
func (s *Store) Sync(ctx context.Context, base string, client *http.Client, progress Progress) (Report, error) {
	if progress == nil {
		progress = func(string, ...any) {}
	}
	if client == nil {
		client = http.DefaultClient
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Report{}, fmt.Errorf("%w: --from must be an http or https URL, got %q", ErrInput, base)
	}
	base = strings.TrimRight(base, "/")
	bundleURL := base + "/bundle.jws"
	progress("fetching %s", bundleURL)
	data, err := fetch(ctx, client, bundleURL)
	if err != nil {
		return Report{}, err
	}
	t, err := verifier.LoadTrust(s.roots, data)
	if err != nil {
		return Report{}, fmt.Errorf("%s: %w", bundleURL, err)
	}
	// The bundle always goes to Import, which refuses a rollback or a
	// conflicting bundle of the same serial, and keeps an identical one.
	inputs := []Input{{Name: bundleURL, Data: data}}
	var missing []string
	for _, iss := range t.Bundle.Issuers {
		for _, uri := range iss.StatusLists {
			listURL := base + "/status/" + status.FileName(uri)
			progress("fetching %s (%s)", listURL, uri)
			tok, err := fetch(ctx, client, listURL)
			if errors.Is(err, errNotFound) {
				missing = append(missing, uri)
				continue
			}
			if err != nil {
				return Report{}, err
			}
			inputs = append(inputs, Input{Name: listURL, Data: tok})
		}
	}
	rep, err := s.Import(inputs)
	for _, uri := range missing {
		rep.Notes = append(rep.Notes, "status list "+uri+" is not published yet")
	}
	return rep, err
}

var errNotFound = errors.New("not found")

func fetch(ctx context.Context, client *http.Client, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("trust: sync: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil, fmt.Errorf("%s: %w", u, errNotFound)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("trust: sync: %s: %s", u, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxFile+1))
	if err != nil {
		return nil, fmt.Errorf("trust: sync: %s: %w", u, err)
	}
	if len(data) > maxFile {
		return nil, fmt.Errorf("trust: sync: %s is larger than %d MiB", u, maxFile>>20)
	}
	return data, nil
}
