package issuer

import (
	"encoding/hex"
	"testing"
	"time"
)

// The known answers of spec/issuer.md §3 and §5: another implementation
// checks itself against the same values.
var (
	katKey = func() []byte {
		k := make([]byte, 32)
		for i := range k {
			k[i] = byte(i)
		}
		return k
	}()
	katIndexes = []uint64{176, 147, 233, 177, 152, 197, 951, 791}
)

func TestKnownAnswers(t *testing.T) {
	p, err := newPermutation(katKey, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for c, want := range katIndexes {
		if got := p.index(uint64(c)); got != want {
			t.Errorf("index(%d) of a 1000-entry list = %d; want %d", c, got, want)
		}
	}
	h := AuditHash(1, Hash{}, []byte(`{"at":"2026-12-01T09:00:00Z","kind":"init","uri":"https://id.example/s/","size":1048576}`))
	if got, want := h.String(), "2917a8682520ebb3e55b3b90d4f9cf8fe0e079c3b12c55e2535a73310d9c2d8f"; got != want {
		t.Errorf("AuditHash of the example entry = %s; want %s", got, want)
	}
	msg := CheckpointMessage(1, h, time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	if got, want := hex.EncodeToString(msg), "6e65746372656420617564697420636865636b706f696e742076310000000000000000012917a8682520ebb3e55b3b90d4f9cf8fe0e079c3b12c55e2535a73310d9c2d8f000000006b0e8c90"; got != want {
		t.Errorf("CheckpointMessage = %s; want %s", got, want)
	}
}
