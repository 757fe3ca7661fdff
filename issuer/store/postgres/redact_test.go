package postgres

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"postgres://netcred:s3cret@db.example:5432/netcred?sslmode=require", "postgres://netcred:xxxxx@db.example:5432/netcred?sslmode=require"},
		{"postgres://netcred@db.example/netcred", "postgres://netcred@db.example/netcred"},
		{"postgresql://db.example/netcred?password=s3cret&sslmode=disable", "postgresql://db.example/netcred?password=xxxxx&sslmode=disable"},
		{"postgres://u:%41b@h/d", "postgres://u:xxxxx@h/d"},
		{"postgres://u:pw@h:notaport/d", "postgres://u:xxxxx@h:notaport/d"},
	} {
		if got := Redact(tc.in); got != tc.want {
			t.Errorf("Redact(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
	if got := Redact("postgres://u:pw@[::1/d"); strings.Contains(got, "pw") {
		t.Errorf("Redact of an unparsable URL = %q; want the password out", got)
	}
}

// FuzzRedact: whatever the password, neither Redact nor an error naming
// the URL shows it.
func FuzzRedact(f *testing.F) {
	for _, s := range [][3]string{{"netcred", "s3cret", "db.example:5432"}, {"u", "p@ss:w/rd?#", "127.0.0.1"}, {"", "ünï", "h"}, {"a", "%zz", "[::1]:5432"}} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, user, pw, host string) {
		if len(pw) < 4 || strings.Trim(host, "abcdefghijklmnopqrstuvwxyz0123456789.-:[]") != "" {
			return // (a host that the URL re-encodes could make a password's form by chance)
		}
		u := "postgres://" + url.UserPassword(user, pw).String() + "@" + host + "/netcred?sslmode=disable"
		// What a redacted u looks like: a form of the password found in it
		// is not the password showing.
		rest := strings.Replace(u, url.UserPassword(user, pw).String(), url.User(user).String()+":xxxxx", 1) + " " +
			strings.Replace(u, url.UserPassword(user, pw).String(), url.User(user).String(), 1)
		for _, form := range []string{pw, url.PathEscape(pw), url.QueryEscape(pw)} {
			if strings.Contains(rest, form) || strings.Contains("xxxxx(a database URL that does not parse)", form) {
				return // the password is part of the rest of the URL: nothing to tell apart
			}
		}
		if _, err := url.Parse(u); err != nil {
			return // not a URL anyone could have connected with
		}
		got := []string{Redact(u), redact(fmt.Errorf("connecting to %s: refused", u), u).Error(),
			classify(fmt.Errorf("%w: %s", errors.New("dial"), u), u).Error()}
		for _, g := range got {
			for _, form := range []string{pw, url.PathEscape(pw), url.QueryEscape(pw), url.UserPassword(user, pw).String()} {
				if strings.Contains(g, form) {
					t.Fatalf("%q shows the password %q (as %q)", g, pw, form)
				}
			}
		}
	})
}
