package jsonenc

import (
	"encoding/json"
	"testing"
	"time"
)

var stringSeeds = []string{"", "plain", `q"b\s/`, "\b\f\n\r\t\x00\x1f\x7f", "<a>&amp;", "\u2028\u2029\u2027",
	"é😀", "\xff", "a\xc3", "\xed\xa0\x80", "\ufffd", "tab\there"}

// FuzzAppend holds AppendString, AppendBytes and AppendTime to
// json.Marshal.
func FuzzAppend(f *testing.F) {
	for i, s := range stringSeeds {
		f.Add(s, int64(i)*1e15, int32(i*3600))
	}
	f.Add("x", int64(-62135596800), int32(59))
	f.Add("x", int64(253402300800), int32(-86400))
	f.Fuzz(func(t *testing.T, s string, unixNano int64, off int32) {
		want, _ := json.Marshal(s)
		if got := AppendString(nil, s); string(got) != string(want) {
			t.Fatalf("AppendString(%q) = %s; json.Marshal %s", s, got, want)
		}
		for _, p := range [][]byte{nil, {}, []byte(s)} {
			want, _ := json.Marshal(p)
			if got := AppendBytes(nil, p); string(got) != string(want) {
				t.Fatalf("AppendBytes(%q) = %s; json.Marshal %s", p, got, want)
			}
		}
		for _, tm := range []time.Time{time.Unix(0, unixNano), time.Unix(0, unixNano).UTC(),
			time.Unix(0, unixNano).In(time.FixedZone("z", int(off))), time.Unix(unixNano, 0).UTC()} {
			got, ok := AppendTime([]byte("x"), tm)
			want, err := json.Marshal(tm)
			switch {
			case ok && err != nil:
				t.Fatalf("AppendTime(%v) = %s; json.Marshal refuses: %v", tm, got, err)
			case ok && string(got) != "x"+string(want):
				t.Fatalf("AppendTime(%v) = %s; json.Marshal %s", tm, got, want)
			case !ok && string(got) != "x":
				t.Fatalf("AppendTime(%v) refused but wrote %s", tm, got)
			}
		}
	})
}

func TestAppendTimeCommon(t *testing.T) {
	for _, tm := range []time.Time{time.Date(2026, 12, 1, 23, 0, 0, 0, time.UTC), time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.FixedZone("", -3600))} {
		got, ok := AppendTime(nil, tm)
		want, _ := json.Marshal(tm)
		if !ok || string(got) != string(want) {
			t.Errorf("AppendTime(%v) = %s, %v; want %s", tm, got, ok, want)
		}
	}
}
