package issuer

import (
	"fmt"
	"path/filepath"

	"github.com/netcred/netcred/internal/atomicfile"
	"github.com/netcred/netcred/status"
)

// PublishedAggregation is the name of the aggregation index Publish writes
// next to the tokens: {"status_lists": [uri, ...]} (draft-ietf-oauth-status-list
// §9), from which netcred sync finds the lists under a bundle's status
// prefixes (spec/status.md §7).
const PublishedAggregation = status.AggregationFile

// writeAggregation writes dir/aggregation.json naming every published
// list, atomically.
func writeAggregation(dir string, lists []PublishedList) error {
	agg := status.Aggregation{StatusLists: make([]string, 0, len(lists))}
	for _, l := range lists {
		agg.StatusLists = append(agg.StatusLists, l.URI)
	}
	data, err := agg.MarshalJSON()
	if err != nil {
		return fmt.Errorf("issuer: writing the aggregation index: %w", err)
	}
	return atomicfile.Write(filepath.Join(dir, PublishedAggregation), append(data, '\n'), 0o644)
}
