package bundle

import (
	"strconv"
	"strings"
	"testing"

	"github.com/netcred/netcred/internal/keytest"
	"github.com/netcred/netcred/schemas"
)

// testSchema parses a small schema of the given name and id.
func testSchema(tb testing.TB, name string, id int, description string) *schemas.Schema {
	tb.Helper()
	s, err := schemas.ParseSchema([]byte(`{"name":"` + name + `","id":` + strconv.Itoa(id) +
		`,"version":1,"min_level":"low","description":"` + description + `","claims":[{"name":"n","key":1,"type":"string"}]}`))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestCheckRegistry(t *testing.T) {
	badge := testSchema(t, "staff_badge", 64, "Staff badge.")
	entry := func(s *schemas.Schema) Schema {
		return Schema{Name: s.Name, ID: s.ID, Version: s.Version, Digest: s.Digest()}
	}
	registry := func(tb testing.TB, ss ...*schemas.Schema) *schemas.Registry {
		tb.Helper()
		r, err := schemas.NewRegistry(ss...)
		if err != nil {
			tb.Fatal(err)
		}
		return r
	}
	identity, _ := schemas.Builtin().ByName("identity")
	tests := []struct {
		name    string
		entries []Schema
		reg     *schemas.Registry
		wantMsg string // empty: no mismatch
	}{
		{"built-ins as listed", []Schema{entry(identity)}, schemas.Builtin(), ""},
		{"no schema entries", nil, registry(t, badge), ""},
		{"a type the registry does not have", []Schema{entry(badge)}, schemas.Builtin(), ""},
		{"same name, id and digest", []Schema{entry(badge)}, registry(t, badge), ""},
		{"other version listed", []Schema{{Name: badge.Name, ID: badge.ID, Version: 2, Digest: testDigest}}, registry(t, badge), ""},
		{"local type under another id", []Schema{{Name: badge.Name, ID: 65, Version: 1, Digest: badge.Digest()}}, registry(t, badge),
			"local schema staff_badge has id 64, the trust bundle lists staff_badge as id 65"},
		{"local id under another name", []Schema{{Name: "visitor_badge", ID: 64, Version: 1, Digest: badge.Digest()}}, registry(t, badge),
			"local schema staff_badge has id 64, the trust bundle lists visitor_badge as id 64"},
		{"other digest", []Schema{{Name: badge.Name, ID: badge.ID, Version: 1, Digest: testDigest}}, registry(t, badge),
			"schema staff_badge version 1 differs"},
		{"other description, so other digest", []Schema{entry(testSchema(t, "staff_badge", 64, "Badge."))}, registry(t, badge),
			"differs from the one the trust bundle lists"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &Bundle{Schemas: tt.entries}
			err := b.CheckRegistry(tt.reg)
			if tt.wantMsg == "" {
				if err != nil {
					t.Fatalf("CheckRegistry = %v; want nil", err)
				}
				return
			}
			keytest.WantErr(t, err, ErrSchemaMismatch)
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("CheckRegistry = %q; want it to contain %q", err, tt.wantMsg)
			}
		})
	}
}
