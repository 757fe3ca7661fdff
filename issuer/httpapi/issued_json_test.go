package httpapi

import (
	"encoding/json"
	"testing"
	"time"
)

func checkIssuedJSON(t *testing.T, in *Issued) {
	t.Helper()
	want, err := json.Marshal(issueAnswer{ID: in.ID, QR: in.QR, Status: statusRef{URI: in.StatusURI, Idx: in.StatusIndex}, Expires: stamp(in.Expires)})
	if err != nil {
		t.Fatal(err)
	}
	if got := appendIssued(nil, in); string(got) != string(want)+"\n" {
		t.Fatalf("appendIssued(%+v) = %s; json.Marshal %s", in, got, want)
	}
}

func TestIssuedJSON(t *testing.T) {
	for _, in := range []*Issued{
		{},
		{ID: "https-issuer.example-status-0.17", QR: "NC1:ABC$%*+-./: 0123", StatusURI: "https://issuer.example/status/0", StatusIndex: 1<<63 + 5,
			Expires: time.Date(2027, 1, 2, 3, 4, 5, 6, time.FixedZone("", 3600))},
		{ID: "a<b>&c", QR: "\u2028\"\\\x01\xff", StatusURI: "é", Expires: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		checkIssuedJSON(t, in)
	}
}

// FuzzIssuedJSON holds appendIssued to json.Marshal.
func FuzzIssuedJSON(f *testing.F) {
	f.Add("id-1", "NC1:QR", "https://i.example/status/0", uint64(7), int64(1764630000))
	f.Fuzz(func(t *testing.T, id, qr, uri string, idx uint64, exp int64) {
		checkIssuedJSON(t, &Issued{ID: id, QR: qr, StatusURI: uri, StatusIndex: idx, Expires: time.Unix(exp, 0)})
	})
}
