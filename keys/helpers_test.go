package keys

import (
	"testing"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/keytest"
)

// The helpers shared with the tests of bundle and keys/keyfile live in
// internal/keytest.
var (
	// testAlgorithms are the algorithms every round-trip test covers.
	testAlgorithms = keytest.Algorithms
	decodeB64      = keytest.DecodeB64
	mustMarshal    = keytest.Marshal
	mustJSON       = keytest.MustJSON
	jwkMap         = keytest.Object
	sortedKeys     = keytest.SortedKeys
	edited         = keytest.Edited
	wantErr        = keytest.WantErr
)

func mustGenerate(tb testing.TB, alg credential.Algorithm) *PrivateKey {
	tb.Helper()
	return keytest.Generate(tb, Generate, alg)
}

// seedKeys returns fixed keys of both algorithms (RFC 8037 A.1 and
// RFC 7517 A.2), so that seed corpora do not change between runs.
func seedKeys(tb testing.TB) []*PrivateKey {
	tb.Helper()
	return keytest.SeedKeys(tb, NewPrivateKey)
}

func checkSameKey(tb testing.TB, got, want *PublicKey) {
	tb.Helper()
	keytest.CheckSameKey(tb, got, want)
}

// checkSignature signs with k and verifies with pub.
func checkSignature(tb testing.TB, k *PrivateKey, pub *PublicKey) {
	tb.Helper()
	keytest.CheckSignature(tb, k.Signer(), pub.Key())
}
