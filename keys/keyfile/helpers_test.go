package keyfile

import (
	"testing"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/keytest"
	"github.com/netcred/netcred/keys"
)

func init() {
	// PBKDF2 at DefaultPBES2Count takes a large fraction of a second; tests
	// only need the format.
	pbes2Count = 1000
}

// The helpers shared with the tests of keys and bundle live in
// internal/keytest.
var (
	mustJSON = keytest.MustJSON
	wantErr  = keytest.WantErr
)

func mustGenerate(tb testing.TB, alg credential.Algorithm) *keys.PrivateKey {
	tb.Helper()
	return keytest.Generate(tb, keys.Generate, alg)
}

func checkSameKey(tb testing.TB, got, want *keys.PublicKey) {
	tb.Helper()
	keytest.CheckSameKey(tb, got, want)
}

// checkSignature signs with k and verifies with pub.
func checkSignature(tb testing.TB, k *keys.PrivateKey, pub *keys.PublicKey) {
	tb.Helper()
	keytest.CheckSignature(tb, k.Signer(), pub.Key())
}
