package schemas

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRegistryDuplicates(t *testing.T) {
	a := &Schema{Name: "a", ID: 64, Version: 1, MinLevel: 1, Claims: []Claim{{Name: "x", Key: 1, Type: TypeBool}}}
	sameName := &Schema{Name: "a", ID: 65, Version: 1, MinLevel: 1, Claims: []Claim{{Name: "x", Key: 1, Type: TypeBool}}}
	sameID := &Schema{Name: "b", ID: 64, Version: 1, MinLevel: 1, Claims: []Claim{{Name: "x", Key: 1, Type: TypeBool}}}
	if _, err := NewRegistry(a, sameName); !errors.Is(err, ErrDuplicate) {
		t.Errorf("same name: %v", err)
	}
	if _, err := NewRegistry(a, sameID); !errors.Is(err, ErrDuplicate) {
		t.Errorf("same id: %v", err)
	}
	if _, err := NewRegistry(a, &Schema{Name: "bad"}); !errors.Is(err, ErrInvalidSchema) {
		t.Errorf("invalid: %v", err)
	}
	var r Registry // the zero Registry is usable
	if err := r.Add(a); err != nil {
		t.Fatal(err)
	}
	if err := r.Add(nil); !errors.Is(err, ErrInvalidSchema) {
		t.Errorf("nil: %v", err)
	}
	if _, err := r.Lookup("nope"); !errors.Is(err, ErrUnknownType) {
		t.Errorf("Lookup: %v", err)
	}
	if _, err := r.LookupID(99); !errors.Is(err, ErrUnknownType) {
		t.Errorf("LookupID: %v", err)
	}
	if s, err := r.Lookup("a"); err != nil || s != a {
		t.Errorf("Lookup(a) = %v, %v", s, err)
	}
	if s, err := r.LookupID(64); err != nil || s != a {
		t.Errorf("LookupID(64) = %v, %v", s, err)
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	r := Builtin()
	if err := r.LoadFile(write("badge.json", badgeJSON)); err != nil {
		t.Fatal(err)
	}
	if _, ok := r.ByID(64); !ok {
		t.Error("badge not registered")
	}
	tests := []struct {
		name, content string
		err           error
		msg           string
	}{
		{"again.json", badgeJSON, ErrDuplicate, "again.json: schema \"staff_badge\": name is already registered (id 64)"},
		{"typo.json", strings.Replace(strings.Replace(badgeJSON, `"type": "int"`, `"type": "integr"`, 1), `"id": 64`, `"id": 70`, 1), ErrInvalidSchema,
			`typo.json: schema "staff_badge": claim "employee_no": unknown type "integr" (want string, date, time, int, bool, sha256 or prc_id)`},
		{"reserved.json", strings.Replace(strings.Replace(badgeJSON, `"id": 64`, `"id": 3`, 1), `staff_badge`, `other`, 1), ErrInvalidSchema,
			`reserved.json: schema "other": id 3 is reserved for types defined by netcred (operator-defined types use 64..65535)`},
		{"clash.json", strings.Replace(strings.Replace(badgeJSON, `"id": 64`, `"id": 1`, 1), `staff_badge`, `identity`, 1), ErrInvalidSchema, "reserved"},
		{"dup.json", `{"name": "x", "name": "y"}`, ErrMalformed, `dup.json: malformed input: duplicate member at $.name`},
		{"big.json", strings.Repeat(" ", MaxSchemaSize+1), ErrTooLarge, "big.json"},
	}
	for _, tt := range tests {
		err := r.LoadFile(write(tt.name, tt.content))
		if !errors.Is(err, tt.err) {
			t.Errorf("%s: got %v; want %v", tt.name, err, tt.err)
			continue
		}
		if !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: got %q; want it to contain %q", tt.name, err, tt.msg)
		}
	}
	err := r.LoadFile(filepath.Join(dir, "missing.json"))
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("missing file: %v", err)
	}
	if got := strings.Join(r.Names(), ","); got != "identity,staff_badge,ticket" {
		t.Errorf("Names = %s", got)
	}
}
