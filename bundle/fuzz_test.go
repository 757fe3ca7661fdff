package bundle

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/netcred/netcred/internal/keytest"
	"github.com/netcred/netcred/keys"
)

// fuzzBundleRoots returns the fixed root keys of the fuzz seeds (Ed25519
// and P-256) and their thumbprints, the pinned set.
func fuzzBundleRoots(tb testing.TB) (map[string]*keys.PrivateKey, []string) {
	tb.Helper()
	roots := make(map[string]*keys.PrivateKey)
	var pinned []string
	for _, k := range seedKeys(tb) {
		roots[k.Public().Thumbprint()] = k
		pinned = append(pinned, k.Public().Thumbprint())
	}
	return roots, pinned
}

func FuzzParseBundle(f *testing.F) {
	roots, pinned := fuzzBundleRoots(f)
	seed := seedKeys(f)
	for _, root := range seed {
		b := testBundle(f, testIssuerKeys(f)...)
		f.Add(mustSign(f, b, root))
	}
	for _, bad := range badBundles(f, seed[0], seed[1]) {
		if len(bad.data) <= 64<<10 {
			f.Add(bad.data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, root, err := Parse(data, pinned)
		inspected, inspectedRoot, inspectErr := Inspect(data)
		if inspectErr != nil && (inspected != nil || inspectedRoot != nil) {
			t.Fatalf("Inspect returned results and error %v", inspectErr)
		}
		if err != nil {
			if b != nil || root != nil {
				t.Fatalf("Parse returned results and error %v", err)
			}
			if !strings.HasPrefix(err.Error(), "bundle: ") {
				t.Fatalf("error %q does not start with \"bundle: \"", err)
			}
			return
		}
		if inspectErr != nil {
			t.Fatalf("Parse accepted what Inspect refused: %v", inspectErr)
		}
		checkSameBundle(t, inspected, b)
		priv, ok := roots[root.Thumbprint()]
		if !ok {
			t.Fatalf("accepted a bundle signed by unpinned root %s", root.Thumbprint())
		}
		if err := b.Validate(); err != nil {
			t.Fatalf("accepted bundle fails Validate: %v", err)
		}
		for i := range b.Issuers {
			for j := range b.Issuers[i].Keys {
				k := &b.Issuers[i].Keys[j]
				if ref, ok := b.Key(k.Key.KID()); !ok || ref.Key != k || ref.Issuer != &b.Issuers[i] {
					t.Fatalf("Key(%s) does not find issuer %q key %d", k.Key.KIDString(), b.Issuers[i].ID, j)
				}
				checkPublicRoundTrip(t, k.Key)
			}
		}
		resigned, err := b.Sign(priv)
		if err != nil {
			t.Fatalf("Sign of an accepted bundle: %v", err)
		}
		again, againRoot, err := Parse(resigned, pinned)
		if err != nil {
			t.Fatalf("Parse of a re-signed bundle: %v", err)
		}
		if againRoot.Thumbprint() != root.Thumbprint() {
			t.Fatalf("re-signed root %s; want %s", againRoot.Thumbprint(), root.Thumbprint())
		}
		checkSameBundle(t, again, b)
	})
}

func FuzzParseBundleJSON(f *testing.F) {
	seed := seedKeys(f)
	b := testBundle(f, testIssuerKeys(f)...)
	valid, err := b.MarshalJSON()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid)
	b.Issuers[0].StatusPrefixes = []string{"https://id.gov.example/p/", "https://lists.id.gov.example/"}
	f.Add(keytest.MustJSON(f, b))
	for _, bad := range badBundles(f, seed[0], seed[1]) {
		parts := bytes.Split(bad.data, []byte("."))
		if len(parts) == 3 && len(bad.data) <= 64<<10 {
			if payload, err := base64.RawURLEncoding.DecodeString(string(parts[1])); err == nil {
				f.Add(payload)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ParseJSON(data)
		if err != nil {
			if b != nil {
				t.Fatalf("ParseJSON returned a bundle and error %v", err)
			}
			return
		}
		out, err := b.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON of an accepted bundle: %v", err)
		}
		again, err := ParseJSON(out)
		if err != nil {
			t.Fatalf("ParseJSON(%s) of a marshalled bundle: %v", out, err)
		}
		checkSameBundle(t, again, b)
		out2, err := again.MarshalJSON()
		if err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("MarshalJSON is not stable:\n%s\n%s (%v)", out, out2, err)
		}
	})
}
