package schemas

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestCheckPRCID(t *testing.T) {
	tests := []struct {
		id    string
		rule  string // "" for valid
		birth string
	}{
		{"11010519491231002X", "", "1949-12-31"}, // GB 11643 example, Beijing
		{"110105194912310011", "", "1949-12-31"},
		{"440303199001011237", "", "1990-01-01"},
		{"310115200002290048", "", "2000-02-29"}, // leap day
		{"530127190001010016", "", "1900-01-01"},
		{"650101210012310056", "", "2100-12-31"},
		{"23010219860315201X", "", "1986-03-15"},
		{"810000199001010035", "", "1990-01-01"}, // Hong Kong residence permit
		{"911156198001010016", "", "1980-01-01"}, // foreign permanent resident, Beijing
		{"11010519491231002x", CheckFormat, ""},  // lower-case x on the wire
		{"110105194912310025", CheckChecksum, ""},
		{"110105194912310012", CheckChecksum, ""},
		{"11010519491231002", CheckFormat, ""},
		{"11010519491231002XX", CheckFormat, ""},
		{"", CheckFormat, ""},
		{"1101051949123100 X", CheckFormat, ""},
		{"A1010519491231002X", CheckFormat, ""},
		{"11010519491231002Y", CheckFormat, ""},
		{"١١٠١٠٥١٩٤٩١٢", CheckFormat, ""}, // Arabic-Indic digits, 24 bytes
		{"99010519491231002X", CheckRegion, ""},
		{"00010519491231002X", CheckRegion, ""},
		{"16010519491231002X", CheckRegion, ""},
		{"981156198001010016", CheckRegion, ""}, // foreign: province 81 not mainland
		{"901156198001010016", CheckRegion, ""},
		{"110105194902300014", CheckBirthDate, ""}, // 30 February
		{"110105190002290010", CheckBirthDate, ""}, // 1900 is not a leap year
		{"110105194913010010", CheckBirthDate, ""},
		{"110105194900000010", CheckBirthDate, ""},
		{"110105189912310010", CheckBirthDate, ""}, // before 1900
		{"110105210101010010", CheckBirthDate, ""}, // after 2100
	}
	for _, tt := range tests {
		birth, rule, err := checkPRCID(tt.id)
		if rule != tt.rule || (err == nil) != (tt.rule == "") {
			t.Errorf("checkPRCID(%q) = rule %q, err %v; want rule %q", tt.id, rule, err, tt.rule)
			continue
		}
		if err != nil {
			if !errors.Is(err, ErrInvalidClaim) {
				t.Errorf("checkPRCID(%q): error %v does not wrap ErrInvalidClaim", tt.id, err)
			}
			continue
		}
		if got := formatDate(birth); got != tt.birth {
			t.Errorf("checkPRCID(%q): birth %s; want %s", tt.id, got, tt.birth)
		}
	}
}

func TestPRCCheckMessage(t *testing.T) {
	_, _, err := checkPRCID("110105194912310025")
	if got, want := err.Error(), `check character is "5", want "X"`; got != want {
		t.Errorf("got %q; want %q", got, want)
	}
}

func TestPRCSex(t *testing.T) {
	if got := prcSex("11010519491231002X"); got != "F" {
		t.Errorf("prcSex(...002X) = %s; want F", got)
	}
	if got := prcSex("110105194912310011"); got != "M" {
		t.Errorf("prcSex(...0011) = %s; want M", got)
	}
}

func TestCivilDays(t *testing.T) {
	check := func(days int64) {
		t.Helper()
		tm := time.Unix(days*86400, 0).UTC()
		want := tm.Format("2006-01-02")
		if got := formatDate(days); got != want {
			t.Fatalf("formatDate(%d) = %s; want %s", days, got, want)
		}
		back, ok := parseDate(want)
		if !ok || back != days {
			t.Fatalf("parseDate(%s) = %d, %v; want %d", want, back, ok, days)
		}
	}
	for d := int64(-800); d <= 800; d++ {
		check(d)
	}
	for d := int64(minDay); d <= maxDay; d += 997 {
		check(d)
	}
	check(minDay)
	check(maxDay)
	if got := formatDate(minDay); got != "0001-01-01" {
		t.Errorf("formatDate(minDay) = %s", got)
	}
	if got := formatDate(maxDay); got != "9999-12-31" {
		t.Errorf("formatDate(maxDay) = %s", got)
	}
	for _, bad := range []string{"", "2024-02-30", "2023-02-29", "0000-01-01", "2024-1-01", "2024/01/01",
		"2024-01-01T00:00:00Z", "+024-01-01", "2024-13-01", "2024-00-10", "2024-01-32", "２０２４-01-01"} {
		if _, ok := parseDate(bad); ok {
			t.Errorf("parseDate(%q) accepted", bad)
		}
	}
}

func TestFormatTime(t *testing.T) {
	for _, secs := range []int64{0, -1, 1, 86399, 86400, -86400, -86401, 1700000000, minTime, maxTime, 951782400} {
		want := time.Unix(secs, 0).UTC().Format(time.RFC3339)
		if got := formatTime(secs); got != want {
			t.Errorf("formatTime(%d) = %s; want %s", secs, got, want)
		}
		back, _, ok := parseTime(want)
		if !ok || back != secs {
			t.Errorf("parseTime(%s) = %d, %v; want %d", want, back, ok, secs)
		}
	}
}

// TestPRCRegionPrefixes pins, for every two-digit prefix, which ones
// credential.md §5 accepts: the province-level codes, 71, the residence
// permits 81-83, and 9 followed by a mainland province code.
func TestPRCRegionPrefixes(t *testing.T) {
	mainland := func(p int) bool {
		return p >= 11 && p <= 15 || p >= 21 && p <= 23 || p >= 31 && p <= 37 ||
			p >= 41 && p <= 46 || p >= 50 && p <= 54 || p >= 61 && p <= 65
	}
	withCheck := func(d17 string) string { return d17 + string(prcCheckChar(d17)) }
	for p := 0; p < 100; p++ {
		id := withCheck(fmt.Sprintf("%02d0105199001010010", p)[:17])
		want := mainland(p) || p == 71 || p == 81 || p == 82 || p == 83
		if p/10 == 9 {
			continue // below
		}
		if _, rule, _ := checkPRCID(id); (rule == "") != want || !want && rule != CheckRegion {
			t.Errorf("checkPRCID(%s) = rule %q; want accepted %v", id, rule, want)
		}
	}
	for p := 0; p < 100; p++ {
		id := withCheck(fmt.Sprintf("9%02d105199001010010", p)[:17])
		want := mainland(p)
		if _, rule, _ := checkPRCID(id); (rule == "") != want || !want && rule != CheckRegion {
			t.Errorf("checkPRCID(%s) = rule %q; want accepted %v", id, rule, want)
		}
	}
}
