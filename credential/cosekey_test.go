package credential

import (
	"crypto/ed25519"
	"crypto/sha256"
	"sync"
	"testing"
)

// TestConfirmationMemo: the memo of decoded cnf claims returns what
// decoding returns, past its bound and under concurrent use, and never
// remembers a refusal.
func TestConfirmationMemo(t *testing.T) {
	const n = 1300 // past the memo's 1024
	cnfs := make([][]byte, n)
	want := make([]ed25519.PublicKey, n)
	for i := range cnfs {
		seed := sha256.Sum256([]byte{byte(i), byte(i >> 8)})
		want[i] = ed25519.NewKeyFromSeed(seed[:]).Public().(ed25519.PublicKey)
		var err error
		if cnfs[i], err = MarshalConfirmation(want[i]); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range 2 {
				for j := range cnfs {
					i := (j*7 + g*131 + round) % n
					alg, pub, err := ParseConfirmation(cnfs[i])
					if err != nil || alg != EdDSA || !want[i].Equal(pub) {
						t.Errorf("cnf %d: %s %v, %v", i, alg, pub, err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	bad := append([]byte{}, cnfs[0]...)
	bad[len(bad)-1] ^= 0xff // most likely not a canonical point any more: refused every time
	_, _, err1 := ParseConfirmation(bad)
	_, _, err2 := ParseConfirmation(bad)
	if (err1 == nil) != (err2 == nil) {
		t.Fatalf("a refusal remembered differently: %v then %v", err1, err2)
	}
}
