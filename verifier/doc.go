// Package verifier checks netcred credentials offline: no network, no
// database, nothing but the keys and schemas it was built with. It is small
// on purpose (it never imports the issuer), so that a ticket gate, a phone
// or a WebAssembly page can embed it.
//
// A Verifier runs the checks of spec/credential.md ("Verification") in
// order and stops at the first that fails. Every failure has a stable
// reason Code; a Result carries the claims only when every check passed.
//
// # Security
//
// The key is chosen by kid, but the kid proves nothing: the signature is
// checked with the key's own bound algorithm, whatever the header claims.
// Claims are decoded only after the signature holds. Errors in the
// verifier's own configuration (no keys, a bad policy) are returned by New,
// never mixed into per-credential results.
package verifier
