package bundle

import (
	"fmt"
	"strings"
	"testing"

	"github.com/netcred/netcred/internal/keytest"
)

func TestStatusPrefixValidate(t *testing.T) {
	issuerKeys := testIssuerKeys(t)
	with := func(gov, tickets []string) *Bundle {
		b := testBundle(t, issuerKeys...)
		b.Issuers[0].StatusPrefixes = gov
		b.Issuers[1].StatusPrefixes = tickets
		return b
	}
	many := make([]string, MaxStatusPrefixes+1)
	for i := range many {
		many[i] = fmt.Sprintf("https://id.gov.example/p%d/", i)
	}
	tests := []struct {
		name    string
		gov     []string
		tickets []string
		wantMsg string // empty: valid
	}{
		{"one prefix", []string{"https://id.gov.example/lists/"}, nil, ""},
		{"host root", []string{"https://lists.id.gov.example/"}, nil, ""},
		{"port and deep path", []string{"https://id.gov.example:8443/a/b-c/d.e_f~/"}, nil, ""},
		{"prefix over own listed list", []string{"https://id.gov.example/s/"}, nil, ""},
		{"two issuers, disjoint", []string{"https://id.gov.example/a/"}, []string{"https://id.gov.example/b/"}, ""},
		{"sibling sharing a string prefix but not a path", []string{"https://id.gov.example/a/"}, []string{"https://id.gov.example/ab/"}, ""},
		{"at the limit", many[:MaxStatusPrefixes], nil, ""},
		{"too many", many, nil, "17 status prefixes, at most 16"},
		{"http", []string{"http://id.gov.example/lists/"}, nil, "does not start with https://"},
		{"no trailing slash", []string{"https://id.gov.example/lists"}, nil, `does not end with "/"`},
		{"host only, no slash", []string{"https://id.gov.example"}, nil, `does not end with "/"`},
		{"query", []string{"https://id.gov.example/lists/?a=/"}, nil, "query or a fragment"},
		{"empty query", []string{"https://id.gov.example/lists?/"}, nil, "query or a fragment"},
		{"fragment", []string{"https://id.gov.example/lists/#/"}, nil, "fragment"},
		{"dot segment", []string{"https://id.gov.example/lists/./"}, nil, "not plain segments"},
		{"dot-dot segment", []string{"https://id.gov.example/a/../b/"}, nil, "not plain segments"},
		{"empty segment", []string{"https://id.gov.example/a//"}, nil, "not plain segments"},
		{"percent-encoded dot", []string{"https://id.gov.example/a/%2e%2e/"}, nil, "not plain segments"},
		{"upper-case host", []string{"https://ID.gov.example/lists/"}, nil, "upper-case letters in its host"},
		{"user information", []string{"https://u@id.gov.example/lists/"}, nil, "user information"},
		{"empty", []string{""}, nil, "is empty"},
		{"too long", []string{"https://id.gov.example/" + strings.Repeat("a", MaxStatusListURILength) + "/"}, nil, "bytes long"},
		{"twice in one issuer", []string{"https://id.gov.example/a/", "https://id.gov.example/a/"}, nil, "listed twice"},
		{"same prefix in two issuers", []string{"https://id.gov.example/a/"}, []string{"https://id.gov.example/a/"}, "listed twice"},
		{"nested in one issuer", []string{"https://id.gov.example/a/", "https://id.gov.example/a/b/"}, nil, `"https://id.gov.example/a/" is a prefix of status prefix "https://id.gov.example/a/b/"`},
		{"nested across issuers", []string{"https://id.gov.example/a/b/"}, []string{"https://id.gov.example/"}, `is a prefix of status prefix "https://id.gov.example/a/b/" of issuer "id.gov.example"`},
		{"over another issuer's listed list", nil, []string{"https://id.gov.example/s/"}, `issuer "tickets-example": status prefix "https://id.gov.example/s/" is a prefix of status list "https://id.gov.example/s/1" of issuer "id.gov.example"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := with(tt.gov, tt.tickets).Validate()
			if tt.wantMsg == "" {
				if err != nil {
					t.Fatalf("Validate = %v; want nil", err)
				}
				return
			}
			keytest.WantErr(t, err, ErrInvalid)
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("Validate = %q; want it to contain %q", err, tt.wantMsg)
			}
		})
	}
}

func TestStatusPrefixAuthorizes(t *testing.T) {
	issuerKeys := testIssuerKeys(t)
	b := testBundle(t, issuerKeys...)
	b.Issuers[0].StatusPrefixes = []string{"https://id.gov.example/lists/", "https://lists.id.gov.example/"}
	b.Issuers[1].StatusPrefixes = []string{"https://id.gov.example/listsX/"}
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	current, _ := b.Key(issuerKeys[0].KID())
	tickets, _ := b.Key(issuerKeys[2].KID())
	tests := []struct {
		uri   string
		owner string // "" : no issuer
	}{
		{"https://id.gov.example/lists/7", "id.gov.example"},
		{"https://id.gov.example/lists/2026/07", "id.gov.example"},
		{"https://id.gov.example/lists/a-b.c_d~e", "id.gov.example"},
		{"https://lists.id.gov.example/1", "id.gov.example"},
		{"https://id.gov.example/listsX/1", "tickets-example"},
		{"https://id.gov.example/s/1", "id.gov.example"}, // listed
		{"https://id.gov.example/lists/", ""},            // the prefix itself
		{"https://id.gov.example/lists/7/", ""},          // trailing slash
		{"https://id.gov.example/lists//7", ""},
		{"https://id.gov.example/lists/./7", ""},
		{"https://id.gov.example/lists/../admin", ""},
		{"https://id.gov.example/lists/..", ""},
		{"https://id.gov.example/lists/7?x=1", ""},
		{"https://id.gov.example/lists/7#x", ""},
		{"https://id.gov.example/lists/%37", ""},
		{"https://id.gov.example/Lists/7", ""}, // paths are case-sensitive
		{"https://ID.gov.example/lists/7", ""},
		{"http://id.gov.example/lists/7", ""},
		{"https://id.gov.example:443/lists/7", ""}, // byte for byte, no normalization
		{"https://id.gov.example/lists7", ""},
		{"https://evil.example/https://id.gov.example/lists/7", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.uri, func(t *testing.T) {
			iss, ok := b.IssuerOfStatusList(tt.uri)
			got := ""
			if ok {
				got = iss.ID
			}
			if got != tt.owner {
				t.Fatalf("IssuerOfStatusList(%q) = %q; want %q", tt.uri, got, tt.owner)
			}
			errGov := current.CheckStatusList(tt.uri, testIssuedAt)
			if (errGov == nil) != (tt.owner == "id.gov.example") {
				t.Errorf("gov key CheckStatusList(%q) = %v; want authorized %v", tt.uri, errGov, tt.owner == "id.gov.example")
			}
			errTickets := tickets.CheckStatusList(tt.uri, testNotBefore)
			if (errTickets == nil) != (tt.owner == "tickets-example") {
				t.Errorf("tickets key CheckStatusList(%q) = %v; want authorized %v", tt.uri, errTickets, tt.owner == "tickets-example")
			}
		})
	}
	if n := testing.AllocsPerRun(100, func() { b.IssuerOfStatusList("https://id.gov.example/lists/2026/07") }); n != 0 {
		t.Errorf("IssuerOfStatusList allocates %v times; want 0", n)
	}
}

func TestStatusPrefixJSON(t *testing.T) {
	issuerKeys := testIssuerKeys(t)
	b := testBundle(t, issuerKeys...)
	plain := string(keytest.MustJSON(t, b))
	if strings.Contains(plain, "status_prefixes") {
		t.Errorf("a bundle without prefixes writes status_prefixes: %s", plain)
	}
	b.Issuers[0].StatusPrefixes = []string{"https://id.gov.example/lists/"}
	data := keytest.MustJSON(t, b)
	if !strings.Contains(string(data), `"status_lists":["https://id.gov.example/s/1","https://id.gov.example/s/2"],"status_prefixes":["https://id.gov.example/lists/"]`) {
		t.Errorf("MarshalJSON = %s; want status_prefixes after status_lists", data)
	}
	again, err := ParseJSON(data)
	if err != nil {
		t.Fatalf("ParseJSON: %v", err)
	}
	if got := again.Issuers[0].StatusPrefixes; len(got) != 1 || got[0] != "https://id.gov.example/lists/" {
		t.Errorf("round trip: status_prefixes = %q", got)
	}
	empty := strings.Replace(plain, `"status_lists":[]`, `"status_lists":[],"status_prefixes":[]`, 1)
	if _, err := ParseJSON([]byte(empty)); err != nil {
		t.Errorf("ParseJSON with an empty status_prefixes: %v; want it accepted", err)
	}
	for _, bad := range []string{`"status_prefixes":null`, `"status_prefixes":"https://x.example/"`, `"status_prefixes":[1]`, `"Status_prefixes":[]`} {
		in := strings.Replace(plain, `"status_lists":[]`, `"status_lists":[],`+bad, 1)
		if _, err := ParseJSON([]byte(in)); err == nil {
			t.Errorf("ParseJSON with %s: nil error; want refused", bad)
		}
	}
}

// FuzzStatusPrefix checks that a prefix the bundle accepts authorizes a
// URI only when the URI starts with it and the rest is a plain path, and
// that neither check panics.
func FuzzStatusPrefix(f *testing.F) {
	f.Add("https://id.gov.example/lists/", "https://id.gov.example/lists/7")
	f.Add("https://id.gov.example/", "https://id.gov.example/a/../b")
	f.Add("https://id.gov.example/a/%2e/", "https://id.gov.example/a/%2e/x")
	f.Add("https://h.example:1/", "https://h.example:1/x?y")
	f.Fuzz(func(t *testing.T, prefix, uri string) {
		valid := checkStatusPrefix(prefix) == nil
		iss := &Issuer{StatusPrefixes: []string{prefix}}
		got := iss.StatusPrefixOf(uri)
		if got == "" {
			return
		}
		rest, ok := strings.CutPrefix(uri, prefix)
		if !ok || rest == "" || strings.ContainsAny(rest, "?#%") || strings.Contains("/"+rest+"/", "/../") || strings.Contains("/"+rest+"/", "/./") {
			t.Fatalf("prefix %q authorizes %q (rest %q)", prefix, uri, rest)
		}
		if valid && checkStatusListURI(uri) != nil {
			t.Fatalf("valid prefix %q authorizes %q, which is not a status list URI: %v", prefix, uri, checkStatusListURI(uri))
		}
	})
}

// BenchmarkIssuerOfStatusList: finding the issuer of a listed list (a map
// lookup) beside one under a status prefix (a binary search over the
// bundle's sorted prefixes and a check of the rest of the URI), in a
// bundle of 64 issuers with 16 prefixes each.
func BenchmarkIssuerOfStatusList(b *testing.B) {
	issuerKeys := testIssuerKeys(b)
	bu := testBundle(b, issuerKeys...)
	for i := range 64 {
		iss := bu.Issuers[1]
		iss.ID = fmt.Sprintf("issuer-%d", i)
		iss.Keys = []Key{bu.Issuers[1].Keys[0]}
		iss.Keys[0].Key = mustGenerate(b, "EdDSA").Public()
		iss.StatusPrefixes = nil
		for j := range MaxStatusPrefixes {
			iss.StatusPrefixes = append(iss.StatusPrefixes, fmt.Sprintf("https://lists-%d.example/p%d/", i, j))
		}
		bu.Issuers = append(bu.Issuers, iss)
	}
	if err := bu.Validate(); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct{ name, uri string }{
		{"listed", "https://id.gov.example/s/2"},
		{"prefix", "https://lists-40.example/p7/2026/11/123"},
		{"none", "https://lists-40.example/p7/../x"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				bu.IssuerOfStatusList(bc.uri)
			}
		})
	}
}
