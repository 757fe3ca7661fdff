package bolt

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/status"
)

func checkMarshal(t *testing.T, v any) {
	t.Helper()
	want, werr := json.Marshal(v)
	got, gerr := marshal(v)
	if (werr != nil) != (gerr != nil) || string(got) != string(want) {
		t.Fatalf("marshal(%+v) = %s, %v; json.Marshal %s, %v", v, got, gerr, want, werr)
	}
}

func TestRecordJSON(t *testing.T) {
	at := time.Date(2026, 12, 1, 23, 0, 0, 0, time.UTC)
	for _, c := range []*issuer.CredentialRecord{
		{},
		{Level: credential.LevelHigh},
		{List: 3, Index: 1<<40 + 7, CTI: []byte{1, 2, 3}, Type: "identity", Level: credential.LevelSubstantial, KID: []byte("kid-bytes"),
			IssuedAt: at, Expiry: at.Add(24 * time.Hour), Evidence: issuer.EvidenceSummary{Method: "face_match", At: at, Terminal: "t<1>"},
			Client: "miniapp", Status: status.Revoked, StatusAt: at.Add(time.Nanosecond)},
		{Type: "t\"\\\u2028\xff", Level: credential.LevelLow, KID: []byte{}, CTI: []byte{}, IssuedAt: at, Expiry: at,
			Evidence: issuer.EvidenceSummary{At: at}},
		{Level: credential.LevelLow, Evidence: issuer.EvidenceSummary{Terminal: "only"}},
		{Level: credential.LevelLow, Evidence: issuer.EvidenceSummary{At: at.Local()}},
		{Level: credential.LevelLow, Evidence: issuer.EvidenceSummary{At: time.Time{}.In(time.FixedZone("z", 3600))}},
		{Level: credential.LevelLow, IssuedAt: time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC)},
		{Level: credential.Level(9)},
	} {
		checkMarshal(t, c)
	}
	for _, e := range []*issuer.AuditEntry{
		{},
		{Seq: 7, Prev: issuer.Hash{1, 2}, Body: json.RawMessage(`{"at":"2026-12-01T23:00:00Z","kind":"issue"}`), Hash: issuer.Hash{0xff}},
		{Seq: 8, Body: json.RawMessage(`{"kind": "spaced"}`)},
		{Seq: 9, Body: json.RawMessage(`{"reason":"\u003c<&>"}`)},
		{Seq: 10, Body: json.RawMessage(`{"bad"`)},
		{Seq: 11, Body: json.RawMessage("{\"r\":\"\u2028\xff\"}")},
	} {
		checkMarshal(t, e)
	}
}

// FuzzRecordJSON holds marshal to json.Marshal for credential records and
// audit entries.
func FuzzRecordJSON(f *testing.F) {
	f.Add(uint32(1), uint64(2), []byte{3}, "identity", uint8(2), int64(1764630000), int64(5), "face_match", "t1", "c", uint8(1), []byte(`{"kind":"issue"}`))
	f.Fuzz(func(t *testing.T, list uint32, idx uint64, cti []byte, typ string, level uint8, unix, nanos int64, method, term, client string, st uint8, body []byte) {
		at := time.Unix(unix, nanos).UTC()
		checkMarshal(t, &issuer.CredentialRecord{List: list, Index: idx, CTI: cti, Type: typ, Level: credential.Level(level),
			KID: cti, IssuedAt: at, Expiry: at.Add(time.Duration(nanos)), Evidence: issuer.EvidenceSummary{Method: method, At: at, Terminal: term},
			Client: client, Status: status.Status(st), StatusAt: time.Unix(nanos, unix).UTC()})
		checkMarshal(t, &issuer.CredentialRecord{Level: credential.Level(level), Evidence: issuer.EvidenceSummary{Method: method, Terminal: term}})
		checkMarshal(t, &issuer.AuditEntry{Seq: idx, Prev: issuer.Hash{byte(list)}, Body: body, Hash: issuer.Hash{level}})
	})
}
