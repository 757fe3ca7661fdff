package issuer

import (
	"encoding/json"
	"testing"
	"time"
)

func checkAuditBodyJSON(t *testing.T, body AuditBody) {
	t.Helper()
	want, werr := json.Marshal(body)
	got, gerr := marshalAuditBody(&body)
	if (werr != nil) != (gerr != nil) || string(got) != string(want) {
		t.Fatalf("marshalAuditBody(%+v) = %s, %v; json.Marshal %s, %v", body, got, gerr, want, werr)
	}
}

func TestAuditBodyJSON(t *testing.T) {
	at := time.Date(2026, 12, 1, 23, 0, 0, 0, time.UTC)
	for _, b := range []AuditBody{
		{},
		{At: at, Kind: AuditIssue, Credential: "https://i.example/status/0#17", Type: "identity", Level: "high",
			KID: "a-b_c", Client: "miniapp", Evidence: "face_match", Terminal: "t1", Offer: "o1"},
		{At: at, Kind: AuditStatus, Credential: "x#1", From: "valid", To: "revoked", Reason: "lost <phone> & \u2028 \"q\" \\ \x01 \xff", Client: "ops"},
		{At: at, Kind: AuditInit, URI: "https://i.example/status/", Size: 1 << 20},
		{At: at, Kind: AuditClientAdd, Client: "c", MaxLevel: "high", Types: []string{"identity", "t<2>"}, Scope: "issue"},
		{At: at, Kind: AuditClientAdd, Types: []string{}},
		{At: at, Kind: AuditKey, KID: "k", Key: json.RawMessage(` {"kty": "OKP"} `)},
		{At: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), Kind: "far"},
		{At: at.In(time.FixedZone("", 5*3600+30*60)), Kind: "zone", Size: -3},
	} {
		checkAuditBodyJSON(t, b)
	}
}

// FuzzAuditBodyJSON holds marshalAuditBody to json.Marshal.
func FuzzAuditBodyJSON(f *testing.F) {
	f.Add(int64(1764630000), "issue", "x#1", "identity", "high", "reason <&>", 3, "t\xff")
	f.Fuzz(func(t *testing.T, unix int64, kind, cred, typ, level, reason string, size int, tp string) {
		checkAuditBodyJSON(t, AuditBody{At: time.Unix(unix, 0).UTC(), Kind: kind, Credential: cred, Type: typ, Level: level,
			KID: typ, Client: level, Evidence: kind, Terminal: cred, From: reason, To: kind, Reason: reason, URI: cred,
			Size: size, Offer: reason, MaxLevel: level, Types: []string{tp, kind}[:size&1*2], Scope: tp})
	})
}
