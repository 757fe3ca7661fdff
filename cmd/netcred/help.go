package main

import "strings"

// examples are the "Example" lines of each command's -h whose synopsis has
// none of its own. TestHelp checks that every command has one.
var examples = map[string]string{
	"keys new":        "netcred keys new --out issuer.jwk > issuer.pub.jwk",
	"keys public":     "netcred keys public issuer.jwk > issuer.pub.jwk",
	"keys set":        "netcred keys set issuer.pub.jwk other.pub.jwk > trusted.jwks",
	"keys thumbprint": "netcred trust init --trust ./trust --root-thumbprint \"$(netcred keys thumbprint root.jwk)\"",
	"keys rotate":     "netcred keys rotate --key issuer.jwk --issuer-config issuers.json",
	"status publish":  "netcred status publish --status-dir issuer-status --key issuer.jwk --out www",
	"status show":     "netcred status show --status-dir issuer-status alice.txt",
	"trust init":      "netcred trust init --trust ./trust --root-thumbprint \"$(netcred keys thumbprint root.jwk)\"",
	"trust import":    "netcred trust import --trust ./trust bundle.jws www/status/*.cwt",
	"trust show":      "netcred trust show --trust ./trust",
	"bundle new":      "netcred bundle new --root root.jwk --out bundle.jws --issuer-config issuers.json",
	"bundle show":     "netcred bundle show bundle.jws",
	"sync":            "netcred sync --from https://id.example.cn/trust --trust ./trust",
	"inspect":         "netcred inspect alice.png\n  netcred inspect --w3c alice.txt",
	"demo":            "netcred demo --dir ./demo --no-qr",
}

// levelHint follows an unknown assurance level.
const levelHint = "the assurance levels are low, substantial (remote face match) and high (secured in-person terminal)"

// helpExample returns the example section for a command's -h, or "" when
// its synopsis has one.
func helpExample(name, synopsis string) string {
	if strings.Contains(synopsis, "Example") {
		return ""
	}
	ex, ok := examples[name]
	if !ok {
		return ""
	}
	return "\nExample:\n  " + ex + "\n"
}
