package verifier_test

import (
	"fmt"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/presentation"
	"github.com/netcred/netcred/presentation/sign"
	"github.com/netcred/netcred/verifier"
)

// A gate that requires holder binding: the phone presents its device-bound
// credential, signed now with its device key; the same code a minute and a
// half later is a screenshot.
func ExampleVerifier_VerifyPresentation() {
	issuerKey, _ := keys.Generate(credential.EdDSA)
	device, _ := keys.Generate(credential.ES256) // the phone's secure element
	issued, err := issuer.New(issuerKey, nil).Issue(issuer.Request{
		Type:      "identity",
		Level:     credential.LevelSubstantial,
		Claims:    map[string]any{"name": "王小明", "id_number": "11010519491231002X", "birth_date": "1949-12-31"},
		HolderKey: device.Public(),
	})
	if err != nil {
		panic(err)
	}

	// On the phone: a new presentation every 30 seconds.
	now := time.Now()
	cose, err := sign.Present(issued.COSE, device.Algorithm(), device.Signer(), sign.Options{Now: now, Audience: "gate-7"})
	if err != nil {
		panic(err)
	}
	text, _ := presentation.EncodeQR(cose)

	// At the gate, offline.
	set, _ := keys.NewSet(issuerKey.Public())
	v, _ := verifier.New(verifier.Config{Keys: set, Policy: verifier.Policy{RequireHolderBinding: true}})
	res := v.Verify(text, verifier.Options{Now: now.Add(2 * time.Second), Audience: "gate-7"})
	fmt.Println(res.Code)
	res = v.Verify(text, verifier.Options{Now: now.Add(90 * time.Second), Audience: "gate-7"})
	fmt.Println(res.Code)
	res = v.Verify(issued.QR, verifier.Options{Now: now})
	fmt.Println(res.Code)
	// Output:
	// valid
	// presentation_stale
	// holder_binding_missing
}
