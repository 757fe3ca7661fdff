package main

import (
	"strings"
	"testing"
)

// TestHelp checks that every command and subcommand answers -h on standard
// output, exit 0, with its flags and an example.
func TestHelp(t *testing.T) {
	groups := map[string][]string{
		"keys":      {"new", "public", "set", "thumbprint", "rotate"},
		"status":    {"publish", "show"},
		"trust":     {"init", "import", "show"},
		"bundle":    {"new", "show"},
		"clients":   {"add", "list", "revoke"},
		"terminals": {"add", "list", "remove"},
		"audit":     {"verify"},
		"db":        {"migrate", "copy"},
		"evidence":  {"sign", "digest", "check"},
		"holder":    {"keys"},
		"wallet":    {"redeem"},
	}
	var all [][]string
	for _, c := range commands() {
		all = append(all, []string{c.name})
		for _, sub := range groups[c.name] {
			all = append(all, []string{c.name, sub})
		}
	}
	for _, args := range all {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			for _, h := range []string{"-h", "--help"} {
				r := runCLI(t, "", append(append([]string{}, args...), h)...).must(t, exitOK)
				if r.stderr != "" {
					t.Errorf("%s printed on stderr: %q", h, r.stderr)
				}
				if !strings.Contains(r.stdout, "Example") {
					t.Errorf("%s has no example:\n%s", h, r.stdout)
				}
				_, isGroup := groups[args[0]]
				if (len(args) > 1 || !isGroup) && !strings.Contains(r.stdout, "Flags:") {
					t.Errorf("%s lists no flags:\n%s", h, r.stdout)
				}
			}
			r := runCLI(t, "", append([]string{"help"}, args...)...).must(t, exitOK)
			if !strings.Contains(r.stdout, "Example") {
				t.Errorf("netcred help %s has no example:\n%s", strings.Join(args, " "), r.stdout)
			}
		})
	}
}
