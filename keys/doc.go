// Package keys generates netcred signing keys, reads and writes them as
// JSON Web Keys (RFC 7517) and holds the key sets a verifier looks keys up
// in. The trust bundle that says what each issuer key may sign is package
// bundle.
//
// Two key types exist, each bound to exactly one algorithm: Ed25519 with
// EdDSA (the default) and ECDSA P-256 with ES256. A key's kid is the first
// KIDSize (8) bytes of its RFC 7638 SHA-256 JWK thumbprint; in JSON it is
// written base64url without padding. The full thumbprint is what a trust
// store pins.
//
// A public JWK written by this package looks like
//
//	{"use":"sig","kty":"OKP","kid":"…","crv":"Ed25519","alg":"EdDSA","x":"…"}
//
// and a private JWK is the same object with "d". A holder's device key
// also has a COSE_Key form (RFC 9052 §7), the one a credential's cnf claim
// carries (spec/credential.md §4.6): MarshalCOSEKey writes it, with a
// compressed point for P-256, and ParseCOSEKey reads it strictly. Key files, plain or
// encrypted under a passphrase, are package keyfile's: package keys does
// not link a JOSE library, so that a verifier built on it stays small
// (a WebAssembly verifier imports keys, never keyfile).
//
// # Security
//
// Every JWK is read as untrusted input and refused, with one of the
// sentinel errors in errors.go, unless all of these hold:
//   - it is at most MaxJWKSize bytes (a set at most MaxSetSize), valid JSON
//     with no duplicate members, member names matched case-sensitively;
//   - "kty"/"crv" is "OKP"/"Ed25519" or "EC"/"P-256" (RSA, other curves,
//     X25519 and symmetric keys are refused);
//   - "alg" is present and is the one algorithm of that key type: "EdDSA"
//     or "ES256" ("none", "HS256", a missing "alg" or a mismatch are
//     refused);
//   - "use", if present, is "sig" and "key_ops", if present, has only
//     "sign" and "verify";
//   - the point is valid: EC points on the curve and not the identity,
//     Ed25519 points of the right length and not of low order;
//   - "kid", if present, equals the kid derived from the key, so a kid
//     cannot be moved onto another key;
//   - there are no x5c, x5u, x5t or x5t#S256 members;
//   - where a public key is expected (ParsePublicJWK, ParseSet) there is no
//     private key material; where a private key is expected, its private and
//     public halves match.
//
// A Set refuses duplicate kids. Kids are 64 bits: a second key with the kid
// of a given key costs about 2^64 work, but someone who controls two keys
// can make them collide in about 2^32, so a kid only selects a key; trust
// decisions pin the full thumbprint.
//
// JWKs are read with netcred's strict JSON reader (internal/strictjson)
// and base64url members with the decoder go-jose uses; a differential fuzz
// target holds ParsePublicJWK and the RFC 7638 thumbprint to go-jose's.
package keys
