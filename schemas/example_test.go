package schemas_test

import (
	"errors"
	"fmt"

	"github.com/netcred/netcred/schemas"
)

func Example() {
	reg := schemas.Builtin()
	identity, _ := reg.ByName("identity")

	// The issuer: claims.json to the wire form.
	wire, err := identity.EncodeJSON([]byte(`{
		"name": "张三",
		"id_number": "11010519491231002X",
		"birth_date": "1949-12-31",
		"sex": "F"
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(wire[3], wire[4])

	// The verifier: the wire form back to JSON, checked again.
	claims, err := identity.Decode(wire)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(claims["birth_date"], identity.MinLevel)

	// A careless issuer.
	_, err = identity.EncodeJSON([]byte(`{"name": "张三", "id_number": "11010519491231002X", "birth_date": "1949-12-30"}`))
	fmt.Println(err, errors.Is(err, schemas.ErrInvalidClaim))
	// Output:
	// -7306 F
	// 1949-12-31 substantial
	// schemas: claim "birth_date": does not agree with id_number (1949-12-31) true
}

func ExampleRegistry_LoadFile() {
	reg := schemas.Builtin()
	if err := reg.LoadFile("testdata/staff_badge.json"); err != nil {
		fmt.Println(err)
		return
	}
	badge, _ := reg.ByID(64)
	fmt.Println(reg.Names(), badge.Name, badge.MinLevel)
	// Output: [identity staff_badge ticket] staff_badge substantial
}
