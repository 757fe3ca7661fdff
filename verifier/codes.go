package verifier

// Code is a stable reason code. Codes are part of the public contract: the
// CLI prints them, the JSON result carries them, and spec/vectors expects
// them. New codes may be added; none is ever renamed.
type Code string

// The reason codes, in the order the checks run (spec/credential.md,
// "Verification").
const (
	// CodeValid: every check passed.
	CodeValid Code = "valid"
	// CodeTooLarge: the input, or what it inflates to, is over a size limit
	// (an oversized input or a zip bomb).
	CodeTooLarge Code = "too_large"
	// CodeMalformed: not a well-formed credential: wrong prefix, bad base45,
	// bad DEFLATE, CBOR that is truncated, not canonical, nested too deep or
	// has duplicate keys, or a COSE_Sign1 / claims set of the wrong shape.
	// Result.Reason says which rule, with a stable sub-code
	// (spec/credential.md §11; credential.Reason).
	CodeMalformed Code = "malformed"
	// CodeAlgNotAllowed: alg missing, "none", or not EdDSA/ES256.
	CodeAlgNotAllowed Code = "alg_not_allowed"
	// CodeUnknownKey: no trusted key has the credential's kid.
	CodeUnknownKey Code = "unknown_key"
	// CodeAlgMismatch: the header's alg is not the one the key is bound to.
	CodeAlgMismatch Code = "alg_mismatch"
	// CodeSignatureInvalid: the signature does not verify with the key.
	CodeSignatureInvalid Code = "signature_invalid"
	// CodeWrongType: the typ header is not application/cwt (e.g. a status
	// list token presented as a credential).
	CodeWrongType Code = "wrong_typ"
	// CodeNotYetValid: the verification time is before nbf (or iat) minus
	// the allowed clock skew.
	CodeNotYetValid Code = "not_yet_valid"
	// CodeExpired: the verification time is at or after exp plus the
	// allowed clock skew.
	CodeExpired Code = "expired"
	// CodeIssuerMismatch: the credential names an iss other than the issuer
	// the trust store knows the key by.
	CodeIssuerMismatch Code = "issuer_mismatch"
	// CodeKeyNotAuthorized: the key may not sign this type or level, or was
	// not valid at iat.
	CodeKeyNotAuthorized Code = "key_not_authorized"
	// CodeEvidenceInsufficient: the evidence the credential records does
	// not support its level (e.g. high without an in-person document
	// check): a misconfigured or compromised issuer.
	CodeEvidenceInsufficient Code = "evidence_insufficient"
	// CodeUnknownType: the credential's type is not in the schema registry.
	CodeUnknownType Code = "unknown_type"
	// CodeSchemaInvalid: the attributes break the schema (a missing or
	// malformed claim, a failed check digit, a level below the type's
	// minimum).
	CodeSchemaInvalid Code = "schema_invalid"
	// CodeTypeNotAllowed: the policy does not accept this type.
	CodeTypeNotAllowed Code = "type_not_allowed"
	// CodeLevelTooLow: the level is below the policy's minimum.
	CodeLevelTooLow Code = "level_too_low"

	// Codes of holder binding (spec/presentation.md).

	// CodeHolderBindingMissing: the policy requires holder binding and
	// the credential was shown bare (not in a presentation), or the
	// presented credential has no cnf.
	CodeHolderBindingMissing Code = "holder_binding_missing"
	// CodePresentationSignatureInvalid: the presentation is not signed by
	// the key in the credential's cnf (another key, another algorithm, a
	// tampered presentation).
	CodePresentationSignatureInvalid Code = "presentation_signature_invalid"
	// CodePresentationStale: the presentation's iat is older than the
	// maximum presentation age plus the presentation skew: a screenshot.
	CodePresentationStale Code = "presentation_stale"
	// CodePresentationFuture: the presentation's iat is later than now
	// plus the presentation skew.
	CodePresentationFuture Code = "presentation_future"
	// CodeNonceMismatch: the presentation's cnonce is not the nonce this
	// verifier showed (or one is missing).
	CodeNonceMismatch Code = "nonce_mismatch"
	// CodeAudienceMismatch: the presentation's aud is not this verifier's
	// audience.
	CodeAudienceMismatch Code = "audience_mismatch"
	// CodePresentationReplayed: the replay cache has seen this
	// presentation within its window.
	CodePresentationReplayed Code = "presentation_replayed"

	// CodeRevoked: the issuer's status list says the credential is revoked.
	CodeRevoked Code = "revoked"
	// CodeSuspended: the issuer's status list says the credential is
	// suspended (it may be reinstated).
	CodeSuspended Code = "suspended"
	// CodeStatusInvalid: the status reference cannot be right: a list the
	// issuer does not publish, or an index outside the list.
	CodeStatusInvalid Code = "status_invalid"
	// CodeStatusUnavailable (undetermined): the verifier holds no list for
	// the credential's status reference. Sync, then verify again.
	CodeStatusUnavailable Code = "status_unavailable"
	// CodeStatusStale (undetermined): the verifier's copy of the status list
	// is older than the policy's maximum status age, or past its exp.
	CodeStatusStale Code = "status_stale"
	// CodeBundleExpired (undetermined): the trust bundle is past its
	// next_update (plus any grace period the policy allows).
	CodeBundleExpired Code = "bundle_expired"

	// Codes of loading and updating trust material (errors of the trust
	// store, not results of one credential).

	// CodeBundleUntrusted: the bundle is not signed by a pinned root key.
	CodeBundleUntrusted Code = "bundle_untrusted"
	// CodeBundleMalformed: the bundle does not parse or breaks its rules.
	CodeBundleMalformed Code = "bundle_malformed"
	// CodeBundleRollback: the bundle's serial is lower than the stored one
	// (or equal with other content).
	CodeBundleRollback Code = "bundle_rollback"
	// CodeStatusListInvalid: a status list token that does not verify
	// against the bundle (unknown signer, a key not in service when it
	// signed, a list of another issuer, bad encoding) or is signed in the
	// future. (An older token is not an error: the update keeps the stored
	// one and says so.)
	CodeStatusListInvalid Code = "status_list_invalid"
)

// Verdict is one of three outcomes: valid; invalid (forged, revoked,
// expired, not acceptable here); or undetermined (the signature holds but the
// verifier's own data is too old or incomplete to decide: sync, then retry).
type Verdict string

// The verdicts.
const (
	VerdictValid        Verdict = "valid"
	VerdictInvalid      Verdict = "invalid"
	VerdictUndetermined Verdict = "undetermined"
)

// undetermined lists the codes whose verdict is undetermined.
var undetermined = map[Code]bool{CodeStatusUnavailable: true, CodeStatusStale: true, CodeBundleExpired: true}

// Verdict returns the verdict of a reason code.
func (c Code) Verdict() Verdict {
	switch {
	case c == CodeValid:
		return VerdictValid
	case undetermined[c]:
		return VerdictUndetermined
	}
	return VerdictInvalid
}

// Codes lists every reason code, for documentation and the vectors test.
var Codes = []Code{
	CodeValid, CodeTooLarge, CodeMalformed, CodeAlgNotAllowed, CodeUnknownKey,
	CodeAlgMismatch, CodeSignatureInvalid, CodeWrongType, CodeNotYetValid,
	CodeExpired, CodeIssuerMismatch, CodeUnknownType, CodeKeyNotAuthorized,
	CodeEvidenceInsufficient, CodeSchemaInvalid, CodeRevoked, CodeSuspended, CodeStatusInvalid,
	CodeStatusUnavailable, CodeStatusStale, CodeTypeNotAllowed, CodeLevelTooLow,
	CodeBundleExpired,
	CodeHolderBindingMissing, CodePresentationSignatureInvalid, CodePresentationStale,
	CodePresentationFuture, CodeNonceMismatch, CodeAudienceMismatch, CodePresentationReplayed,
}

// TrustCodes lists the codes of loading and updating trust material.
var TrustCodes = []Code{CodeBundleUntrusted, CodeBundleMalformed, CodeBundleRollback, CodeStatusListInvalid}
