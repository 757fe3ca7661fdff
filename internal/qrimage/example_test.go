package qrimage_test

import (
	"bytes"
	"errors"
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

func ExampleSniff() {
	heic := []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic")
	format := qrimage.Sniff(heic)
	fmt.Println(format, qrimage.CanRead(format))
	_, err := qrimage.Decode(bytes.NewReader(heic))
	fmt.Println(errors.Is(err, qrimage.ErrUnsupportedFormat))
	fmt.Printf("%q\n", qrimage.Sniff([]byte("NC1:QED8WEX0")))
	// Output:
	// heic false
	// true
	// ""
}
