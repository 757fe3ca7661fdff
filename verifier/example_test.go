package verifier_test

import (
	"fmt"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/verifier"
)

// A gate that accepts identity credentials of level substantial or higher,
// checked with a plain key set.
func Example() {
	key, _ := keys.Generate(credential.EdDSA)
	is := issuer.New(key, nil)
	issued, err := is.Issue(issuer.Request{
		Type:   "identity",
		Level:  credential.LevelSubstantial,
		Claims: map[string]any{"name": "王小明", "id_number": "11010519491231002X", "birth_date": "1949-12-31"},
	})
	if err != nil {
		panic(err)
	}

	set, _ := keys.NewSet(key.Public())
	v, err := verifier.New(verifier.Config{
		Keys:   set,
		Policy: verifier.Policy{MinLevel: credential.LevelSubstantial, Types: []string{"identity"}},
	})
	if err != nil {
		panic(err)
	}
	res := v.Verify(issued.QR, verifier.Options{Now: time.Now()})
	fmt.Println(res.Valid, res.Code, res.Level, res.Claims["name"])

	strict, _ := verifier.New(verifier.Config{Keys: set, Policy: verifier.Policy{MinLevel: credential.LevelHigh}})
	res = strict.Verify(issued.QR, verifier.Options{})
	fmt.Println(res.Valid, res.Code, res.Verdict)
	// Output:
	// true valid substantial 王小明
	// false level_too_low invalid
}
