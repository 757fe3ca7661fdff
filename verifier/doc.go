// Package verifier checks netcred credentials offline: no network, no
// database, nothing but the trust material and schemas it was built with.
// It is small on purpose (it never imports the issuer), so that a ticket
// gate, a phone or a WebAssembly page can embed it.
//
// A Verifier is configured either with a plain key set (Config.Keys, for
// quick local checks) or with Trust: a root-signed bundle that says which
// issuer keys may sign which types up to which level, and the issuers'
// status lists (LoadTrust verifies both; package trust keeps them on disk).
// It runs the checks of spec/credential.md §8 in order. Every failure has a
// stable reason Code, and every result one of three verdicts: valid,
// invalid, or undetermined when the signature holds but the verifier's own
// data is too old to decide (a stale status list, an expired bundle). An
// invalid finding always wins over an undetermined one. What changes per
// call (the verification time, the nonce and audience the verifier showed,
// a gate's replay cache) comes in Options; findings that do not change the
// verdict come back as Warnings, each with a stable WarningCode.
//
// Verify also takes presentations ("NP1:", spec/presentation.md): a
// credential signed, with the time, by the holder's device key its cnf
// names. VerifyPresentation checks the credential as VerifyCOSE does, then
// the holder's signature, the presentation's window (Policy.
// MaxPresentationAge, PresentationSkew), the nonce and audience of Options
// and, last, Options.Replay. Policy.RequireHolderBinding refuses a
// credential shown bare.
//
// It links no signing code (credential/sign), no COSE or JOSE library, no
// x509, no database and no HTTP client; cmd/netcred-wasm is a minimal
// browser build that CI checks for exactly that. Each trusted key is
// decoded once (credential.VerifyKey), so a verification costs less than a
// bare crypto/ed25519.Verify call (BenchmarkVerify).
//
// # Security
//
// The key is chosen by kid, but the kid proves nothing: the signature is
// checked with the key's own bound algorithm, whatever the header claims.
// Claims are decoded only after the signature holds and are released only
// in a valid result; failure details name claims and rules, never values.
// A key's authorization is judged at the credential's iat. Errors in the
// verifier's own configuration (no keys, a bad policy, a schema that
// differs from the bundle's digest) are returned by New, never mixed into
// per-credential results.
package verifier
