package evidence

import (
	_ "embed"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/strictjson"
)

// MaxPolicySize caps a policy file.
const MaxPolicySize = 16 << 10

// Bounds of a policy's document check times (spec/evidence.md §5).
const (
	MaxAttestationAge = time.Hour
	MaxClockSkew      = 5 * time.Minute
)

//go:embed default_policy.json
var defaultPolicyJSON []byte

// DefaultPolicyJSON returns the built-in policy's file (spec/evidence.md
// §5), used when the service is given no --policy.
func DefaultPolicyJSON() []byte { return append([]byte(nil), defaultPolicyJSON...) }

// Policy says which evidence earns which level. Read one with ParsePolicy
// or take DefaultPolicy; a Policy is immutable once made.
type Policy struct {
	// FaceMatch is nil when the policy accepts no face match.
	FaceMatch *FaceMatchRule
	// DocumentCheck is nil when the policy accepts no document check.
	DocumentCheck *DocumentCheckRule
}

// FaceMatchRule is what a face match must show, and what it earns.
type FaceMatchRule struct {
	// Level is the level a passing face match earns: at most substantial.
	Level credential.Level
	// MinScore is the lowest score that passes, in (0, 1].
	MinScore float64
}

// DocumentCheckRule is what a terminal's attestation must be, and what it
// earns.
type DocumentCheckRule struct {
	// Level is the level a valid attestation earns: at most high.
	Level credential.Level
	// MaxAge is how old (by its iat) an attestation may be.
	MaxAge time.Duration
	// ClockSkew is how far the terminal's clock may be ahead of or behind
	// the issuer's.
	ClockSkew time.Duration
}

// policyFile is the JSON form of a Policy.
type policyFile struct {
	FaceMatch *struct {
		Level    string   `json:"level"`
		MinScore *float64 `json:"min_score"`
	} `json:"face_match"`
	DocumentCheck *struct {
		Level            string `json:"level"`
		MaxAgeSeconds    *int64 `json:"max_age_seconds"`
		ClockSkewSeconds *int64 `json:"clock_skew_seconds"`
	} `json:"document_check"`
}

// DefaultPolicy returns the built-in policy (one shared value, not to be
// changed): a face match with a score of
// at least 0.9 earns substantial; a document check attested at most 5
// minutes ago (30 seconds of clock skew) earns high.
func DefaultPolicy() *Policy { return defaultPolicy() }

var defaultPolicy = sync.OnceValue(func() *Policy {
	p, err := ParsePolicy(defaultPolicyJSON)
	if err != nil {
		panic("evidence: built-in policy: " + err.Error())
	}
	return p
})

// ParsePolicy reads a policy file (spec/evidence.md §5) strictly: unknown
// members, duplicates, nulls and values out of range are refused with an
// error wrapping ErrPolicy. A member left out of a rule takes the built-in
// default; a rule left out means the method is not accepted.
func ParsePolicy(data []byte) (*Policy, error) {
	var f policyFile
	err := strictjson.Unmarshal(data, &f, strictjson.MaxSize(MaxPolicySize), strictjson.DisallowUnknownFields(), strictjson.DisallowNull())
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrPolicy, err)
	}
	var p Policy
	if fm := f.FaceMatch; fm != nil {
		r := &FaceMatchRule{Level: levelName(fm.Level), MinScore: 0.9}
		if !r.Level.Valid() {
			return nil, fmt.Errorf("%w: face_match needs a level: low or substantial", ErrPolicy)
		}
		if r.Level > credential.LevelSubstantial {
			return nil, fmt.Errorf("%w: face_match earns at most substantial, not %s", ErrPolicy, r.Level)
		}
		if fm.MinScore != nil {
			r.MinScore = *fm.MinScore
		}
		if math.IsNaN(r.MinScore) || r.MinScore <= 0 || r.MinScore > 1 {
			return nil, fmt.Errorf("%w: face_match min_score %v is not in (0, 1]", ErrPolicy, r.MinScore)
		}
		p.FaceMatch = r
	}
	if dc := f.DocumentCheck; dc != nil {
		r := &DocumentCheckRule{Level: levelName(dc.Level), MaxAge: 5 * time.Minute, ClockSkew: 30 * time.Second}
		if !r.Level.Valid() {
			return nil, fmt.Errorf("%w: document_check needs a level: low, substantial or high", ErrPolicy)
		}
		if dc.MaxAgeSeconds != nil {
			if *dc.MaxAgeSeconds < 1 || *dc.MaxAgeSeconds > int64(MaxAttestationAge/time.Second) {
				return nil, fmt.Errorf("%w: document_check max_age_seconds %d is not in [1, %d]", ErrPolicy, *dc.MaxAgeSeconds, int64(MaxAttestationAge/time.Second))
			}
			r.MaxAge = time.Duration(*dc.MaxAgeSeconds) * time.Second
		}
		if dc.ClockSkewSeconds != nil {
			if *dc.ClockSkewSeconds < 0 || *dc.ClockSkewSeconds > int64(MaxClockSkew/time.Second) {
				return nil, fmt.Errorf("%w: document_check clock_skew_seconds %d is not in [0, %d]", ErrPolicy, *dc.ClockSkewSeconds, int64(MaxClockSkew/time.Second))
			}
			r.ClockSkew = time.Duration(*dc.ClockSkewSeconds) * time.Second
		}
		p.DocumentCheck = r
	}
	return &p, nil
}

// ruleLevel returns the level method earns under p when valid, or 0 when p
// does not accept it.
func (p *Policy) ruleLevel(m Method) credential.Level {
	switch {
	case m == MethodFaceMatch && p.FaceMatch != nil:
		return p.FaceMatch.Level
	case m == MethodDocumentCheck && p.DocumentCheck != nil:
		return p.DocumentCheck.Level
	}
	return 0
}

// levelName returns the level named exactly s ("low", "substantial",
// "high"), or 0.
func levelName(s string) credential.Level {
	for l := credential.LevelLow; l <= credential.LevelHigh; l++ {
		if l.String() == s {
			return l
		}
	}
	return 0
}
