package schemas

import (
	"os"
	"strings"
	"testing"
)

// TestSpecSection5 holds spec/credential.md §5 to the code: the canonical
// JSON form and digest of each built-in schema, and the country_alpha3
// list, are printed there as the code has them.
func TestSpecSection5(t *testing.T) {
	data, err := os.ReadFile("../spec/credential.md")
	if err != nil {
		t.Fatal(err)
	}
	md := string(data)
	start := strings.Index(md, "## 5. ")
	end := strings.Index(md, "## 6. ")
	if start < 0 || end < start {
		t.Fatal("spec/credential.md has no §5")
	}
	sec := md[start:end]
	blocks := codeBlocks(sec)
	for _, name := range []string{IdentityName, TicketName} {
		s, _ := Builtin().ByName(name)
		c, err := s.compile()
		if err != nil {
			t.Fatal(err)
		}
		canon := string(s.canonicalJSON(c))
		found := false
		for _, b := range blocks {
			found = found || b == canon
		}
		if !found {
			t.Errorf("§5 lacks the canonical JSON of %s:\n%s", name, canon)
		}
		if !strings.Contains(sec, name+", `"+s.Digest()+"`") {
			t.Errorf("§5 lacks the digest of %s, %s", name, s.Digest())
		}
	}
	want := strings.Join(CountryAlpha3Codes(), " ")
	found := false
	for _, b := range blocks {
		found = found || strings.Join(strings.Fields(b), " ") == want
	}
	if !found {
		t.Errorf("§5 lacks the country_alpha3 list as the code has it")
	}
}

// codeBlocks returns the contents of the fenced blocks in md, without the
// final newline.
func codeBlocks(md string) []string {
	var out []string
	parts := strings.Split(md, "```\n")
	for i := 1; i+1 < len(parts); i += 2 {
		out = append(out, strings.TrimSuffix(parts[i], "\n"))
	}
	return out
}
