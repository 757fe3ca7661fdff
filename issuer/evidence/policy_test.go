package evidence

import (
	"errors"
	"testing"
	"time"

	"github.com/netcred/netcred/credential"
)

func TestDefaultPolicy(t *testing.T) {
	p := DefaultPolicy()
	if p.FaceMatch == nil || p.FaceMatch.Level != credential.LevelSubstantial || p.FaceMatch.MinScore != 0.9 {
		t.Errorf("face_match rule %+v; want substantial from 0.9", p.FaceMatch)
	}
	if p.DocumentCheck == nil || p.DocumentCheck.Level != credential.LevelHigh || p.DocumentCheck.MaxAge != 5*time.Minute || p.DocumentCheck.ClockSkew != 30*time.Second {
		t.Errorf("document_check rule %+v; want high within 5m, 30s of skew", p.DocumentCheck)
	}
	// A rule's members default to the built-in values.
	q, err := ParsePolicy([]byte(`{"face_match":{"level":"substantial"},"document_check":{"level":"high"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if *q.FaceMatch != *p.FaceMatch || *q.DocumentCheck != *p.DocumentCheck {
		t.Errorf("defaults %+v %+v; want %+v %+v", q.FaceMatch, q.DocumentCheck, p.FaceMatch, p.DocumentCheck)
	}
	if string(DefaultPolicyJSON()) != string(defaultPolicyJSON) {
		t.Errorf("DefaultPolicyJSON differs from the embedded file")
	}
}

func TestParsePolicy(t *testing.T) {
	for _, ok := range []string{
		`{}`,
		`{"face_match":{"level":"low","min_score":1}}`,
		`{"document_check":{"level":"substantial","max_age_seconds":3600,"clock_skew_seconds":300}}`,
		`{"document_check":{"level":"high","max_age_seconds":1,"clock_skew_seconds":0}}`,
	} {
		if _, err := ParsePolicy([]byte(ok)); err != nil {
			t.Errorf("ParsePolicy(%s): %v", ok, err)
		}
	}
	for _, bad := range []string{
		``, `[]`, `null`, `{"face_match":null}`,
		`{"face_match":{"level":"high"}}`,
		`{"face_match":{"level":"substantial","min_score":0}}`,
		`{"face_match":{"level":"substantial","min_score":1.01}}`,
		`{"face_match":{"level":"substantial","min_score":-1}}`,
		`{"face_match":{"level":"substantial","min_score":"0.9"}}`,
		`{"face_match":{"min_score":0.9}}`,
		`{"face_match":{"level":"ultra"}}`,
		`{"face_match":{"level":7}}`,
		`{"face_match":{"level":2}}`,
		`{"face_match":{"level":"2"}}`,
		`{"face_match":{"level":"Substantial"}}`,
		`{"face_match":{"level":"substantial","liveness":false}}`,
		`{"document_check":{"level":"high","max_age_seconds":0}}`,
		`{"document_check":{"level":"high","max_age_seconds":3601}}`,
		`{"document_check":{"level":"high","max_age_seconds":300.5}}`,
		`{"document_check":{"level":"high","clock_skew_seconds":-1}}`,
		`{"document_check":{"level":"high","clock_skew_seconds":301}}`,
		`{"document_check":{"level":"high","max_age":"5m"}}`,
		`{"document_check":{}}`,
		`{"selfie":{"level":"low"}}`,
		`{"face_match":{"level":"low"},"face_match":{"level":"substantial"}}`,
		`{"Face_Match":{"level":"low"}}`,
	} {
		if _, err := ParsePolicy([]byte(bad)); !errors.Is(err, ErrPolicy) {
			t.Errorf("ParsePolicy(%s): got %v; want %v", bad, err, ErrPolicy)
		}
	}
}
