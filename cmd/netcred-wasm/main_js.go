//go:build js && wasm

package main

import (
	"syscall/js"
	"time"
)

func main() {
	s := &session{now: time.Now}
	js.Global().Set("netcred", js.ValueOf(map[string]any{
		"loadTrust": js.FuncOf(func(_ js.Value, args []js.Value) any {
			if len(args) < 2 {
				return map[string]any{"error": "netcred: loadTrust(pinned, bundle, ...tokens)"}
			}
			var tokens [][]byte
			for _, a := range args[2:] {
				b := make([]byte, a.Get("length").Int())
				js.CopyBytesToGo(b, a)
				tokens = append(tokens, b)
			}
			return js.ValueOf(s.load(args[0].String(), args[1].String(), tokens))
		}),
		"verify": js.FuncOf(func(_ js.Value, args []js.Value) any {
			if len(args) != 1 {
				return map[string]any{"error": "netcred: verify(text)"}
			}
			return js.ValueOf(s.verify(args[0].String()))
		}),
	}))
	select {}
}
