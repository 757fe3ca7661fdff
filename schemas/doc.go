// Package schemas is the registry of netcred credential types: for each
// type, the claims a credential of that type carries about its subject, the
// integer keys they travel under, the checks their values must pass and the
// lowest assurance level the type may be issued at.
//
// A credential's subject claims travel as a CBOR map with small integer
// keys (the wire form); people write them, and verify --json prints them,
// as a JSON object with names (the JSON form). A Schema converts between the
// two, validating in both directions with the same checks:
//
//	wire, err := schema.EncodeJSON(claimsJSON) // issuer: JSON form -> map[int64]any
//	claims, err := schema.Decode(wire)         // verifier: map[int64]any -> JSON form
//
// # Built-in types
//
// Builtin returns a registry with two types, defined by the embedded files
// builtin/identity.json and builtin/ticket.json:
//
//   - identity (id 1, min_level substantial): name, id_number (a PRC resident
//     identity number), birth_date (which must agree with id_number), sex
//     ("F" or "M", which must agree with id_number), nationality (ISO 3166-1
//     alpha-3) and portrait_sha256.
//   - ticket (id 2, min_level low): event, seat, valid_from, valid_until
//     (after valid_from) and holder_name.
//
// # Schema files
//
// An operator defines a type of its own in a JSON file and loads it with
// Registry.LoadFile:
//
//	{
//	  "name": "staff_badge",
//	  "id": 64,
//	  "version": 1,
//	  "min_level": "substantial",
//	  "description": "Staff badge of Example Ltd.",
//	  "claims": [
//	    {"name": "name", "key": 1, "type": "string", "required": true, "max_length": 64},
//	    {"name": "employee_no", "key": 2, "type": "int", "required": true},
//	    {"name": "grade", "key": 3, "type": "string", "enum": ["A", "B", "C"]},
//	    {"name": "hired", "key": 4, "type": "date"},
//	    {"name": "expires", "key": 5, "type": "date", "required": true}
//	  ],
//	  "rules": [{"rule": "before", "claims": ["hired", "expires"]}]
//	}
//
// Names are 1 to 32 characters a-z, 0-9 and _, starting with a letter. Ids
// 1 to 63 are reserved for types the netcred specification defines;
// operator-defined types use 64 to 65535 (64 to 255 keep the type code to
// two bytes on the wire). Keys are 1 to 23, so that each encodes in one
// byte. Claim types are string, date, time, int, bool, sha256 and prc_id
// (see ClaimType); max_length, enum and format apply to strings only.
// Rules are before, birth_date_matches and sex_matches (see RuleKind); a
// rule is checked when all its claims are present.
//
// A schema's Digest, a SHA-256 over its canonical JSON (RFC 8785), names
// the exact definition in the trust bundle.
//
// # Security
//
// Decode takes values decoded from untrusted CBOR and never panics: any
// value of the wrong type, size or range is refused with a *ClaimError
// that names the claim and the check (see the Check constants and
// RuleKind). Unknown keys and names are refused rather than ignored, so a
// credential cannot carry claims its type does not define. String claims
// refuse empty values and control characters and are limited in length.
// Schema files and claims JSON are read by netcred's one strict JSON
// reader, internal/strictjson (size limits; duplicate members, invalid
// UTF-8, lone surrogates, a byte-order mark and trailing data refused,
// with the member named by its JSON path; no unknown members in a schema). A PRC identity number is checked for its
// format, province code, birth date and check character; that it was ever
// issued is not, and cannot be, checked offline.
//
// # Compatibility
//
// The wire form of each type is fixed by its id and version: a change to a
// schema's claims, keys or types needs a new version, and verifiers hold
// the schema (by digest) that matches. Dates and times are limited to the
// years 0001 to 9999, the years their JSON forms can write.
package schemas
