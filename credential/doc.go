// Package credential is netcred's wire format: the claims of a credential,
// their deterministic CBOR encoding, the lean parser and verifier of the
// COSE_Sign1 envelope that signs them, the QR text that carries them
// ("NC1:" + base45), and the W3C Verifiable Credentials Data Model 2.0 JSON
// view of them. Signing lives in credential/sign, so that a verifier links no
// signing code and no COSE library.
//
// It implements spec/credential.md. Everything here is mechanism: which keys
// are trusted, which levels a key may sign and what a relying party requires
// are decided by the verifier package. Parsing never verifies: Parse returns
// a Signed whose claims are reachable only through Verify, and the one path
// that reads claims without a key is named Inspect.
//
// # Security
//
// Every decoder here takes untrusted input. Sizes are capped before work is
// done (MaxQRTextLen, MaxSize); the optional DEFLATE layer stops inflating at
// MaxSize; CBOR is read strictly: definite lengths only, shortest-form
// integers and lengths, map keys unique and in core deterministic order,
// bounded nesting, no tags inside the payload (package internal/strictcbor
// is the one home of these rules, shared with status list tokens). Every
// malformed input is an ErrMalformed whose Reason is a stable sub-code of
// spec/credential.md §11, and the header is checked in the fixed order of
// §3.1, so that any two implementations refuse an input for the same
// reason. The algorithm comes from the
// protected header and must be on the allow-list (EdDSA, ES256) and equal to
// the algorithm the verifying key is bound to; the unprotected header must be
// empty, so nothing outside the signature steers verification.
//
// # Compatibility
//
// A credential is a tagged COSE_Sign1 (RFC 9052) over a CWT claims set
// (RFC 8392) with the Token Status List "status" claim
// (draft-ietf-oauth-status-list): any COSE library can verify it and any
// CWT library can read its registered claims. netcred's own claims travel in
// one private-use claim (key -65537) described in the spec.
package credential
