package evidence_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer/evidence"
	"github.com/netcred/netcred/keys"
)

// A terminal signs a document check over the request's claims; the
// issuer evaluates it, once.
func ExampleEvaluator_Evaluate() {
	claims := []byte(`{"name":"王小明","id_number":"11010519491231002X","birth_date":"1949-12-31"}`)
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

	// The terminal's side (netcred evidence sign).
	terminalKey, _ := keys.Generate(credential.EdDSA)
	digest, _ := evidence.ClaimsDigest(claims)
	jws, _ := evidence.SignAttestation(terminalKey, evidence.Attestation{Terminal: "police-01", IssuedAt: now.Add(-time.Minute), ClaimsDigest: digest})
	item, _ := json.Marshal(evidence.Item{Method: evidence.MethodDocumentCheck, Terminal: "police-01", Attestation: jws})

	// The issuer's side: its store implements Terminals and Replay.
	terminals := &evidence.MemoryTerminals{}
	terminals.Add("police-01", terminalKey.Public())
	ev := &evidence.Evaluator{Policy: evidence.DefaultPolicy(), Terminals: terminals, Replay: &evidence.MemoryReplay{Now: func() time.Time { return now }}}

	d, _ := ev.Evaluate(context.Background(), []json.RawMessage{item}, digest, now)
	fmt.Println(d.Level, d.Evidence, d.Terminal, d.Time.Format(time.RFC3339), d.Permits(credential.LevelHigh))

	// The same attestation again: a replay.
	d, _ = ev.Evaluate(context.Background(), []json.RawMessage{item}, digest, now)
	var refused *evidence.Error
	errors.As(d.Permits(credential.LevelHigh), &refused)
	fmt.Println(d.Level, refused.Code, refused.Index)
	// Output:
	// high in_person_document police-01 2026-12-01T11:59:00Z <nil>
	// low attestation_replayed 0
}

// The digest an attestation covers: SHA-256 of the claims' RFC 8785 form.
func ExampleClaimsDigest() {
	a, _ := evidence.ClaimsDigest([]byte(`{"name":"王小明","id_number":"11010519491231002X","birth_date":"1949-12-31"}`))
	b, _ := evidence.ClaimsDigest([]byte(`{ "birth_date": "1949-12-31", "name": "\u738b\u5c0f\u660e", "id_number": "11010519491231002X" }`))
	fmt.Println(a)
	fmt.Println(a == b)
	_, err := evidence.ClaimsDigest([]byte(`{"name":"A","name":"B"}`))
	fmt.Println(err)
	// Output:
	// ilGcf0OyrSkb6ZGGbpS9yW5OIgAB9RGyMi5xUKHFqT4
	// true
	// evidence: claims cannot be digested: strictjson: duplicate member at $.name: again at byte 12, first at byte 1
}

// A policy file: face matches need a score of 0.95; document checks are
// not accepted.
func ExampleParsePolicy() {
	p, err := evidence.ParsePolicy([]byte(`{"face_match":{"level":"substantial","min_score":0.95}}`))
	fmt.Println(p.FaceMatch.Level, p.FaceMatch.MinScore, p.DocumentCheck == nil, err)
	_, err = evidence.ParsePolicy([]byte(`{"face_match":{"level":"high"}}`))
	fmt.Println(err)
	// Output:
	// substantial 0.95 true <nil>
	// evidence: invalid policy: face_match earns at most substantial, not high
}
