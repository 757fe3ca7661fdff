package qrimage_test

import (
	"bytes"
	"fmt"

	"github.com/netcred/netcred/internal/qrimage"
)

func ExampleDecode() {
	img, err := qrimage.PNG("NC1:QED8WEX0", 256)
	if err != nil {
		panic(err)
	}
	text, err := qrimage.Decode(bytes.NewReader(img))
	fmt.Println(text, err)
	// Output: NC1:QED8WEX0 <nil>
}

func ExampleTerminal() {
	fmt.Print(qrimage.Terminal("NC1:QED8WEX0"))
}
