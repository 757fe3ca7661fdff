// Package bundle implements the netcred trust bundle (spec/bundle.md): one
// JSON document, signed by an offline root key as a JWS, that lists the
// trusted issuers, their keys with what each may sign (Authorization),
// their status lists and the schema digests. A verifier pins root
// thumbprints and accepts a bundle only through Parse; Inspect shows a
// bundle without trusting it, and Bundle.Sign is the root operator's side.
//
// # Security
//
// A bundle is untrusted input until Parse returns it: it is size-capped
// (MaxSize), its JWS header must have exactly alg, kid, jwk and typ, its
// alg is EdDSA or ES256 and bound to the header's key, that key's RFC 7638
// thumbprint must be pinned, and its payload is strict JSON (no duplicate
// or unknown members) that passes Bundle.Validate. Every error wraps one
// of the sentinels in errors.go.
package bundle
