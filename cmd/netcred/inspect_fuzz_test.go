package main

import (
	"testing"

	"github.com/netcred/netcred/schemas"
)

// FuzzInspect feeds arbitrary input to inspect's decoders, which read
// foreign formats leniently: no panic, whatever the bytes.
func FuzzInspect(f *testing.F) {
	w := newWorkspace(f)
	f.Add([]byte(w.issue(f)))
	f.Add(foreignCWT(f))
	f.Add([]byte("HC1:NCFOXN%TS3DH"))
	f.Add([]byte("d28443a10126a0"))
	f.Add([]byte{0xd8, 0x3d, 0xd2, 0x84, 0x40, 0xa0, 0xf6, 0x40})
	registry := schemas.Builtin()
	f.Fuzz(func(t *testing.T, data []byte) {
		raw, _, err := inspectBytes(data)
		if err != nil {
			return
		}
		report, err := inspectCOSE(raw, registry)
		if err == nil && report == nil {
			t.Fatal("no report and no error")
		}
	})
}
