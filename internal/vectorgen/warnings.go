package main

// vectorWarnings pins the warnings (credential.md §8) of one vector per
// warning code: expect.warnings lists them in the order a verifier reports
// them.
var vectorWarnings = map[string][]string{
	"valid_identity_eddsa":             {"status_unchecked"},
	"valid_holder_binding_warns":       {"status_unchecked", "holder_binding_unchecked"},
	"trust_valid_no_status_claim":      {"no_status"},
	"trust_valid_stale_status_allowed": {"status_stale"},
	"trust_valid_bundle_grace":         {"bundle_grace"},
}
