package issuer

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/netcred/netcred/status"
)

func TestWriteAggregation(t *testing.T) {
	dir := t.TempDir()
	for _, uris := range [][]string{{"https://id.example.cn/s/1", "https://id.example.cn/s/2"}, {}} {
		var lists []PublishedList
		for _, u := range uris {
			lists = append(lists, PublishedList{URI: u})
		}
		if err := writeAggregation(dir, lists); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join(dir, PublishedAggregation))
		if err != nil {
			t.Fatal(err)
		}
		agg, err := status.ParseAggregation(data)
		if err != nil {
			t.Fatalf("ParseAggregation(%s): %v", data, err)
		}
		if !slices.Equal(agg.StatusLists, uris) {
			t.Errorf("aggregation index names %q; want %q", agg.StatusLists, uris)
		}
	}
}
