package status

import (
	"encoding/json"
	"fmt"

	"github.com/netcred/netcred/internal/strictjson"
)

// Status List Aggregation (draft-ietf-oauth-status-list §9): a JSON object
// whose "status_lists" names the URIs of status lists, so that a relying
// party can fetch all of an issuer's lists ahead of time. A distribution
// point serves one at BASE/status/AggregationFile (spec/status.md §7);
// netcred sync reads it to find the lists under a bundle's status
// prefixes.
const (
	// AggregationFile is the file name of a distribution point's
	// aggregation index, beside the tokens.
	AggregationFile = "aggregation.json"
	// MaxAggregationSize is the largest aggregation index read, in bytes:
	// room for MaxAggregationLists URIs of 2048 bytes, and whitespace.
	MaxAggregationSize = 4 << 20
	// MaxAggregationLists is the most URIs an aggregation index may name.
	MaxAggregationLists = 1024
)

// aggregationDepth is the deepest nesting ParseAggregation reads: the
// object and its array need 2; members it ignores may nest a little.
const aggregationDepth = 8

// Aggregation is a Status List Aggregation document.
type Aggregation struct {
	// StatusLists are the URIs of status lists, in the order published.
	StatusLists []string `json:"status_lists"`
}

// ParseAggregation reads an aggregation index strictly: at most
// MaxAggregationSize bytes of UTF-8 JSON, one object with no duplicate
// members, no null and at most 8 levels of nesting, whose "status_lists"
// is present and an array of strings of at most MaxAggregationLists
// entries. Other members are ignored (the draft may add some). It does not
// judge the URIs: a syncing verifier keeps only those its bundle
// authorizes. Errors wrap ErrAggregation; one for too many entries also
// ErrAggregationTooLong.
func ParseAggregation(data []byte) (*Aggregation, error) {
	var w struct {
		StatusLists *[]string `json:"status_lists"`
	}
	err := strictjson.Unmarshal(data, &w, strictjson.MaxSize(MaxAggregationSize), strictjson.MaxDepth(aggregationDepth), strictjson.DisallowNull())
	switch {
	case err != nil:
		return nil, fmt.Errorf("%w: %v", ErrAggregation, err)
	case w.StatusLists == nil:
		return nil, fmt.Errorf("%w: status_lists is missing", ErrAggregation)
	case len(*w.StatusLists) > MaxAggregationLists:
		return nil, fmt.Errorf("%w: %w: %d status lists, at most %d", ErrAggregation, ErrAggregationTooLong, len(*w.StatusLists), MaxAggregationLists)
	}
	return &Aggregation{StatusLists: *w.StatusLists}, nil
}

// MarshalJSON writes {"status_lists":[...]}, an empty array when there are
// none.
func (a *Aggregation) MarshalJSON() ([]byte, error) {
	lists := a.StatusLists
	if lists == nil {
		lists = []string{}
	}
	return json.Marshal(struct {
		StatusLists []string `json:"status_lists"`
	}{lists})
}
