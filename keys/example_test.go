package keys_test

import (
	"fmt"
	"log"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/keys"
)

func ExampleGenerate() {
	k, err := keys.Generate(credential.ES256)
	if err != nil {
		log.Fatal(err)
	}
	pub := k.Public()
	fmt.Println(pub.Algorithm(), len(pub.KID()), len(pub.KIDString()), len(pub.Thumbprint()))
	// Output: ES256 8 11 43
}

func ExampleParseSet() {
	// The Ed25519 key of RFC 8037 Appendix A.2, bound to EdDSA.
	jwks := []byte(`{"keys":[{"kty":"OKP","crv":"Ed25519","alg":"EdDSA","use":"sig",
		"x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}`)
	set, err := keys.ParseSet(jwks)
	if err != nil {
		log.Fatal(err)
	}
	for _, k := range set.Keys {
		fmt.Println(k.KIDString(), k.Algorithm(), k.Thumbprint())
	}
	if k := set.Lookup(set.Keys[0].KID()); k != nil {
		fmt.Println("found", k.KIDString())
	}
	// Output:
	// kPrK_qmxVWY EdDSA kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k
	// found kPrK_qmxVWY
}

// A holder's device key in the COSE_Key form of a credential's cnf claim:
// 44 bytes for P-256 (the point compressed), 42 for Ed25519.
func ExamplePublicKey_MarshalCOSEKey() {
	device, _ := keys.Generate(credential.ES256)
	b, _ := device.Public().MarshalCOSEKey()
	back, err := keys.ParseCOSEKey(b)
	fmt.Println(len(b), err, back.Thumbprint() == device.Public().Thumbprint())
	// Output: 44 <nil> true
}
