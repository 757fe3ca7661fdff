package bundle

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Status list prefixes (spec/bundle.md §3.3.1): an issuer's status_prefixes
// authorize every list whose URI is a prefix followed by a plain path, so
// that an issuer can open lists without a new bundle.

// HasStatusList reports whether uri is a status list of the issuer: one of
// its StatusLists, or under one of its StatusPrefixes (StatusPrefixOf).
// Both compare byte for byte, without normalization. It does not
// allocate.
func (iss *Issuer) HasStatusList(uri string) bool {
	if iss == nil {
		return false
	}
	return slices.Contains(iss.StatusLists, uri) || iss.StatusPrefixOf(uri) != ""
}

// StatusPrefixOf returns the status prefix of the issuer that authorizes
// uri, or "" if none does. A prefix authorizes uri when uri starts with it,
// byte for byte, and the rest of uri is a plain path: one or more segments
// separated by "/", each of one or more of the characters a-z, A-Z, 0-9,
// '-', '.', '_' and '~', and none "." or "..". So no query, fragment,
// percent-encoding, empty segment or trailing "/" follows the prefix,
// and uri is at most MaxStatusListURILength bytes.
func (iss *Issuer) StatusPrefixOf(uri string) string {
	if iss == nil {
		return ""
	}
	for _, p := range iss.StatusPrefixes {
		if underPrefix(uri, p) {
			return p
		}
	}
	return ""
}

// underPrefix reports whether uri is under the status prefix p
// (StatusPrefixOf).
func underPrefix(uri, p string) bool {
	rest, ok := strings.CutPrefix(uri, p)
	return ok && len(uri) <= MaxStatusListURILength && plainPath(rest)
}

// plainPath reports whether p is 1*segment *("/" segment), each segment of
// RFC 3986 unreserved characters and neither "." nor "..".
func plainPath(p string) bool {
	if p == "" {
		return false
	}
	for len(p) > 0 {
		seg, rest, more := strings.Cut(p, "/")
		if seg == "" || seg == "." || seg == ".." || (more && rest == "") {
			return false
		}
		for i := 0; i < len(seg); i++ {
			if !unreserved(seg[i]) {
				return false
			}
		}
		p = rest
	}
	return true
}

func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

// checkStatusPrefix explains what is wrong with a status prefix, or
// returns nil: it must be a status list URI (checkStatusListURI) starting
// with "https://", with no query and no fragment, whose path is "/" or a
// plain path followed by "/" (no dot-segments, empty segments or
// percent-encoding).
func checkStatusPrefix(p string) error {
	if err := checkStatusListURI(p); err != nil {
		return err
	}
	rest, ok := strings.CutPrefix(p, "https://")
	switch {
	case !ok:
		return errors.New("does not start with https://")
	case strings.ContainsAny(p, "?#"):
		return errors.New("has a query or a fragment")
	case !strings.HasSuffix(p, "/"):
		return errors.New(`does not end with "/"`)
	}
	// rest ends in "/", so it has one; the path runs from the first.
	path := rest[strings.IndexByte(rest, '/'):]
	if path != "/" && !plainPath(path[1:len(path)-1]) {
		return fmt.Errorf("has a path %q that is not plain segments of letters, digits, '-', '.', '_' and '~' (no empty, \".\" or \"..\" segments, no percent-encoding)", path)
	}
	return nil
}

// prefixRef is a status prefix and the index of its issuer.
type prefixRef struct {
	prefix string
	issuer int
}

// sortedPrefixes returns every status prefix of the bundle with its
// issuer, sorted by prefix.
func sortedPrefixes(b *Bundle) []prefixRef {
	var out []prefixRef
	for i := range b.Issuers {
		for _, p := range b.Issuers[i].StatusPrefixes {
			out = append(out, prefixRef{p, i})
		}
	}
	slices.SortFunc(out, func(a, b prefixRef) int { return strings.Compare(a.prefix, b.prefix) })
	return out
}

// prefixBefore returns the greatest prefix of sorted that is at most uri,
// or false. When no prefix of sorted is a prefix of another, the only
// prefix that can be a prefix of uri is this one: any prefix sorting
// between it and uri would start with it.
func prefixBefore(sorted []prefixRef, uri string) (prefixRef, bool) {
	i, found := slices.BinarySearchFunc(sorted, uri, func(p prefixRef, u string) int { return strings.Compare(p.prefix, u) })
	if found {
		return sorted[i], true
	}
	if i == 0 {
		return prefixRef{}, false
	}
	return sorted[i-1], true
}

// validatePrefixes checks the status prefixes of every issuer: at most
// MaxStatusPrefixes each, well-formed, none a prefix of another prefix of
// the bundle (a list would then be under two prefixes) nor of a status
// list of another issuer (the list would belong to two issuers). It
// returns the prefixes sorted, for the bundle's index. The work is
// O(n log n) in the number of prefixes and lists.
func (b *Bundle) validatePrefixes() ([]prefixRef, error) {
	fail := func(format string, args ...any) error {
		return bundleErrorf(ErrInvalid, nil, format, args...)
	}
	for i := range b.Issuers {
		iss := &b.Issuers[i]
		if len(iss.StatusPrefixes) > MaxStatusPrefixes {
			return nil, fail("issuer %q: %d status prefixes, at most %d", iss.ID, len(iss.StatusPrefixes), MaxStatusPrefixes)
		}
		for _, p := range iss.StatusPrefixes {
			if err := checkStatusPrefix(p); err != nil {
				return nil, fail("issuer %q: status prefix %q: %s", iss.ID, p, err)
			}
		}
	}
	sorted := sortedPrefixes(b)
	// In sorted order, a prefix of another sorts right before it, or
	// before strings that start with it too: adjacent pairs suffice.
	for k := 1; k < len(sorted); k++ {
		p, q := sorted[k-1], sorted[k]
		if !strings.HasPrefix(q.prefix, p.prefix) {
			continue
		}
		if p.prefix == q.prefix {
			return nil, fail("issuer %q: status prefix %q is listed twice (also by issuer %q)", b.Issuers[q.issuer].ID, p.prefix, b.Issuers[p.issuer].ID)
		}
		return nil, fail("issuer %q: status prefix %q is a prefix of status prefix %q of issuer %q", b.Issuers[p.issuer].ID, p.prefix, q.prefix, b.Issuers[q.issuer].ID)
	}
	for i := range b.Issuers {
		for _, u := range b.Issuers[i].StatusLists {
			if p, ok := prefixBefore(sorted, u); ok && p.issuer != i && strings.HasPrefix(u, p.prefix) {
				return nil, fail("issuer %q: status prefix %q is a prefix of status list %q of issuer %q", b.Issuers[p.issuer].ID, p.prefix, u, b.Issuers[i].ID)
			}
		}
	}
	return sorted, nil
}
