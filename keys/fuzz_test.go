package keys

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"testing"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/keytest"
)

// checkPublicRoundTrip asserts that an accepted key is in the profile and
// survives marshal and parse with the same thumbprint.
func checkPublicRoundTrip(t *testing.T, k *PublicKey) {
	t.Helper()
	switch k.Key().(type) {
	case ed25519.PublicKey:
		if k.Algorithm() != credential.EdDSA {
			t.Fatalf("Ed25519 key bound to %q", k.Algorithm())
		}
	case *ecdsa.PublicKey:
		if k.Algorithm() != credential.ES256 {
			t.Fatalf("ECDSA key bound to %q", k.Algorithm())
		}
	default:
		t.Fatalf("accepted a %T", k.Key())
	}
	keytest.CheckRoundTrip(t, k, ParsePublicJWK)
}

func FuzzParsePublicJWK(f *testing.F) {
	for _, k := range seedKeys(f) {
		f.Add(mustJSON(f, k.Public()))
		f.Add(mustJSON(f, k))
	}
	for _, bad := range badJWKs(f) {
		if len(bad.data) <= 4096 {
			f.Add(bad.data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := ParsePublicJWK(data)
		if err != nil {
			if k != nil {
				t.Fatalf("got a key and error %v", err)
			}
			return
		}
		checkPublicRoundTrip(t, k)
	})
}

func FuzzParseSet(f *testing.F) {
	keys := seedKeys(f)
	set, err := NewSet(keys[0].Public(), keys[1].Public())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(mustJSON(f, set))
	f.Add(mustJSON(f, keys[0].Public()))
	f.Add([]byte(`{"keys":[]}`))
	f.Add([]byte(`{"keys":[` + string(mustJSON(f, keys[0].Public())) + `,` + string(mustJSON(f, keys[0].Public())) + `]}`))
	f.Add([]byte(`{"keys":[` + string(mustJSON(f, keys[1])) + `]}`))
	for _, bad := range badJWKs(f) {
		if len(bad.data) <= 4096 {
			f.Add([]byte(`{"keys":[` + string(bad.data) + `]}`))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseSet(data)
		if err != nil {
			if s != nil {
				t.Fatalf("got a set and error %v", err)
			}
			return
		}
		if len(s.Keys) == 0 {
			t.Fatal("accepted an empty set")
		}
		for _, k := range s.Keys {
			checkPublicRoundTrip(t, k)
			if s.Lookup(k.KID()) != k {
				t.Fatalf("Lookup(%s) does not find the key", k.KIDString())
			}
		}
		out, err := s.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON of an accepted set: %v", err)
		}
		again, err := ParseSet(out)
		if err != nil {
			t.Fatalf("ParseSet(%s) of a marshalled set: %v", out, err)
		}
		if len(again.Keys) != len(s.Keys) {
			t.Fatalf("round trip has %d keys; want %d", len(again.Keys), len(s.Keys))
		}
		for i, k := range s.Keys {
			if again.Keys[i].Thumbprint() != k.Thumbprint() {
				t.Fatalf("round trip changed key %d", i)
			}
		}
	})
}

func FuzzParsePrivateJWK(f *testing.F) {
	for _, k := range seedKeys(f) {
		f.Add(mustJSON(f, k))
		f.Add(mustJSON(f, k.Public()))
	}
	for _, bad := range badJWKs(f) {
		if len(bad.data) <= 4096 {
			f.Add(bad.data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := ParsePrivateJWK(data)
		if err != nil {
			if k != nil {
				t.Fatalf("got a key and error %v", err)
			}
			return
		}
		checkPublicRoundTrip(t, k.Public())
		plain, err := k.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON of an accepted key: %v", err)
		}
		again, err := ParsePrivateJWK(plain)
		if err != nil {
			t.Fatalf("ParsePrivateJWK of a marshalled key: %v", err)
		}
		if again.Public().Thumbprint() != k.Public().Thumbprint() {
			t.Fatal("round trip changed the key")
		}
		checkSignature(t, k, k.Public())
	})
}
