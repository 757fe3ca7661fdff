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
)

// Codes lists every reason code, for documentation and the vectors test.
var Codes = []Code{
	CodeValid, CodeTooLarge, CodeMalformed, CodeAlgNotAllowed, CodeUnknownKey,
	CodeAlgMismatch, CodeSignatureInvalid, CodeWrongType, CodeNotYetValid,
	CodeExpired, CodeUnknownType,
	CodeSchemaInvalid, CodeTypeNotAllowed, CodeLevelTooLow,
}
