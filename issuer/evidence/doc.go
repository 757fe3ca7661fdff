// Package evidence decides which assurance level the evidence of an
// issuance request earns, under the issuer's policy (spec/evidence.md).
//
// An enrollment client sends a list of evidence objects with its request:
// a remote face match ({"method":"face_match","score":0.97,"liveness":true})
// or a document check at a secured terminal
// ({"method":"document_check","terminal":"NAME","attestation":"JWS"}),
// where the attestation is a JWS signed by the terminal's registered key
// over a digest of the request's claims. [Evaluator.Evaluate] checks each
// item and returns a [Decision]: the highest level any valid item earns
// (low when none does), the evidence method the credential carries, and
// why each invalid item was refused, as a stable [Code].
//
// The package defines the two small interfaces it consumes, [Terminals]
// (a terminal's key by name) and [Replay] (an attestation is used once);
// the issuer's store implements them.
//
// # In the service
//
// Keep the request's "claims" member as raw JSON and digest it with
// [ClaimsDigest] (a respelling of the same claims has the same digest; a
// refused one is a 400). Evaluate the "evidence" list with
// [Evaluator.Evaluate]: an *[Error] from it refuses the list as a whole
// (400), any other error is the store's (500). Then [Decision.Permits]
// the requested level: an *[Error] names the reason (403). Issue with
// [Decision.Evidence] as the credential's evidence code, and record
// [Decision.Method], [Decision.Time] and [Decision.Terminal]; nothing
// else of the evidence is kept.
//
// # Security
//
// A face match is the client's own statement: its weight comes from the
// client's token, whose maximum level the service enforces. A document
// check is only as strong as the terminal's key: the attestation must be
// signed by a registered terminal, cover this request's claims, be fresh
// and unused. Biometric data never leaves the decision: the score is
// compared with the policy's threshold and not kept.
package evidence
