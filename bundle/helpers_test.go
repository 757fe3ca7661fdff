package bundle

import (
	"testing"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/keytest"
	"github.com/netcred/netcred/keys"
)

// The helpers shared with the tests of keys and keys/keyfile are
// internal/keytest's; these bind them to package keys.

// seedKeys returns fixed keys of both algorithms, so that seed corpora do
// not change between runs.
func seedKeys(tb testing.TB) []*keys.PrivateKey {
	tb.Helper()
	return keytest.SeedKeys(tb, keys.NewPrivateKey)
}

func mustGenerate(tb testing.TB, alg credential.Algorithm) *keys.PrivateKey {
	tb.Helper()
	return keytest.Generate(tb, keys.Generate, alg)
}

func checkSameKey(tb testing.TB, got, want *keys.PublicKey) {
	tb.Helper()
	keytest.CheckSameKey(tb, got, want)
}

// checkPublicRoundTrip asserts that an accepted key survives marshal and
// parse with the same thumbprint.
func checkPublicRoundTrip(t *testing.T, k *keys.PublicKey) {
	t.Helper()
	keytest.CheckRoundTrip(t, k, keys.ParsePublicJWK)
}
