//go:build !(js && wasm)

package main

import (
	"fmt"
	"os"
)

// main outside a browser says how to build it.
func main() {
	fmt.Fprintln(os.Stderr, "netcred: error: netcred-wasm runs in a web page")
	fmt.Fprintln(os.Stderr, "netcred: hint: GOOS=js GOARCH=wasm go build ./cmd/netcred-wasm")
	os.Exit(2)
}
