package status

// Numbers and names for the Status List Token (draft Section 5.2) and for
// the status claim of a credential (Section 6.3), for the code that signs
// and verifies tokens. The draft requests these CWT claim keys from IANA
// (Section 14.3); they are used in its examples and by implementations.
const (
	// ClaimSub (2, RFC 8392): REQUIRED; the URI of the Status List Token,
	// equal to the "uri" in the credentials' status_list reference.
	ClaimSub = 2
	// ClaimExp (4, RFC 8392): RECOMMENDED; after it the token must not be
	// used.
	ClaimExp = 4
	// ClaimIat (6, RFC 8392): REQUIRED; when the token was issued.
	ClaimIat = 6
	// ClaimTTL (65534, "ttl"): RECOMMENDED; unsigned integer, seconds a
	// consumer may cache the token before fetching a fresh one; positive.
	ClaimTTL = 65534
	// ClaimStatusList (65533, "status_list"): REQUIRED; the Status List
	// map, as produced by List.MarshalCBOR.
	ClaimStatusList = 65533
	// ClaimStatus (65535, "status"): in a credential (the Referenced
	// Token), a map from status mechanism to reference; see
	// MechanismStatusList.
	ClaimStatus = 65535

	// HeaderTyp (16, RFC 9596) is the COSE protected header parameter that
	// carries TokenType. The draft requires it in the protected header.
	HeaderTyp = 16
	// TokenType is the typ of a Status List Token in CWT form, and the
	// media type (Content-Type) of an HTTP response carrying one. The
	// token is a tagged COSE_Sign1 (tag 18) or COSE_Mac0 (tag 17) and must
	// not carry the CWT tag (61). The draft also allows its CoAP
	// Content-Format number in typ; that number is not yet assigned.
	TokenType = "application/statuslist+cwt"

	// MechanismStatusList is the key, in the ClaimStatus map, of the
	// reference to a Status List: a map with KeyIdx (unsigned integer, the
	// credential's index) and KeyURI (text, the Status List Token's URI).
	MechanismStatusList = "status_list"
	// KeyIdx is the index key of a status_list reference.
	KeyIdx = "idx"
	// KeyURI is the URI key of a status_list reference.
	KeyURI = "uri"
)
