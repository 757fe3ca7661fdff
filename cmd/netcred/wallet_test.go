package main

import (
	"encoding/json"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdOffered reads an httpdo answer of POST /v1/offers and sets URI_VAR
// to its offer_uri and TX_VAR to its tx_code: offered FILE
// URI_VAR TX_VAR.
func cmdOffered(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: offered FILE URI_VAR TX_VAR")
	}
	_, body, _ := strings.Cut(ts.ReadFile(args[0]), "\n")
	body, _, _ = strings.Cut(body, "\n")
	var a struct {
		URI    string `json:"offer_uri"`
		TxCode string `json:"tx_code"`
	}
	ts.Check(json.Unmarshal([]byte(body), &a))
	if a.URI == "" || a.TxCode == "" {
		ts.Fatalf("no offer in %q", body)
	}
	ts.Setenv(args[1], a.URI)
	ts.Setenv(args[2], a.TxCode)
}
