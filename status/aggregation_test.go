package status

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestParseAggregation(t *testing.T) {
	many := `{"status_lists":[` + strings.Repeat(`"u",`, MaxAggregationLists) + `"u"]}`
	tests := []struct {
		name string
		in   string
		want []string // nil: refused
	}{
		{"two", `{"status_lists":["https://a.example/s/1","https://a.example/s/2"]}`, []string{"https://a.example/s/1", "https://a.example/s/2"}},
		{"empty", `{"status_lists":[]}`, []string{}},
		{"other members ignored", `{"status_lists":["x"],"issuer":{"a":[1]}}`, []string{"x"}},
		{"whitespace", " {\n \"status_lists\" : [ \"x\" ] }\n", []string{"x"}},
		{"missing", `{}`, nil},
		{"null", `{"status_lists":null}`, nil},
		{"null entry", `{"status_lists":["x",null]}`, nil},
		{"number entry", `{"status_lists":[1]}`, nil},
		{"not an array", `{"status_lists":"x"}`, nil},
		{"array document", `["x"]`, nil},
		{"duplicate member", `{"status_lists":[],"status_lists":["x"]}`, nil},
		{"case variant", `{"Status_Lists":["x"]}`, nil},
		{"trailing data", `{"status_lists":[]}x`, nil},
		{"invalid utf-8", "{\"status_lists\":[\"\xff\"]}", nil},
		{"too deep", `{"status_lists":[],"a":[[[[[[[[1]]]]]]]]}`, nil},
		{"too many", many, nil},
		{"too large", `{"status_lists":["` + strings.Repeat("a", MaxAggregationSize) + `"]}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAggregation([]byte(tt.in))
			if tt.want == nil {
				if !errors.Is(err, ErrAggregation) {
					t.Fatalf("ParseAggregation = %v, %v; want ErrAggregation", got, err)
				}
				if got != nil {
					t.Errorf("ParseAggregation returned %v with an error", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseAggregation: %v", err)
			}
			if fmt.Sprint(got.StatusLists) != fmt.Sprint(tt.want) {
				t.Errorf("status_lists = %q; want %q", got.StatusLists, tt.want)
			}
		})
	}
}

func TestAggregationRoundTrip(t *testing.T) {
	for _, lists := range [][]string{nil, {"https://a.example/s/1", `https://a.example/s/"q"`}} {
		data, err := (&Aggregation{StatusLists: lists}).MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseAggregation(data)
		if err != nil {
			t.Fatalf("ParseAggregation(%s): %v", data, err)
		}
		if len(got.StatusLists) != len(lists) || fmt.Sprint(got.StatusLists) != fmt.Sprint(append([]string{}, lists...)) {
			t.Errorf("round trip of %q = %q", lists, got.StatusLists)
		}
	}
}

func FuzzParseAggregation(f *testing.F) {
	f.Add([]byte(`{"status_lists":["https://a.example/s/1"]}`))
	f.Add([]byte(`{"status_lists":[],"x":{}}`))
	f.Add([]byte(`{"status_lists":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ParseAggregation(data)
		if err != nil {
			if a != nil {
				t.Fatal("result with an error")
			}
			return
		}
		again, err := a.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		b, err := ParseAggregation(again)
		if err != nil || fmt.Sprint(b.StatusLists) != fmt.Sprint(a.StatusLists) {
			t.Fatalf("round trip of %q: %v, %v", a.StatusLists, b, err)
		}
	})
}

func TestParseAggregationTooLong(t *testing.T) {
	many := `{"status_lists":[` + strings.Repeat(`"u",`, MaxAggregationLists) + `"u"]}`
	if _, err := ParseAggregation([]byte(many)); !errors.Is(err, ErrAggregationTooLong) || !errors.Is(err, ErrAggregation) {
		t.Errorf("ParseAggregation of %d entries = %v; want ErrAggregationTooLong and ErrAggregation", MaxAggregationLists+1, err)
	}
	at := `{"status_lists":[` + strings.Repeat(`"u",`, MaxAggregationLists-1) + `"u"]}`
	if _, err := ParseAggregation([]byte(at)); err != nil {
		t.Errorf("ParseAggregation of %d entries = %v; want nil", MaxAggregationLists, err)
	}
}
