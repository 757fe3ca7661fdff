package base45_test

import (
	"errors"
	"fmt"

	"github.com/netcred/netcred/internal/base45"
)

func ExampleEncode() {
	fmt.Println(base45.Encode([]byte("Hello!!")))
	// Output: %69 VD92EX0
}

func ExampleDecode() {
	b, err := base45.Decode("QED8WEX0")
	fmt.Printf("%q %v\n", b, err)

	_, err = base45.Decode("GGW")
	fmt.Println(errors.Is(err, base45.ErrOverflow), err)
	// Output:
	// "ietf!" <nil>
	// true base45: value out of range: "GGW" at offset 0 is 65536, more than 65535
}
