package schemas

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentinel errors. Functions in this package wrap one of these, usually in a
// *ClaimError or a *SchemaError that adds the claim, the rule and the detail;
// callers test with errors.Is.
var (
	// ErrUnknownType: a credential type (name or wire id) that the registry
	// does not hold.
	ErrUnknownType = errors.New("schemas: unknown credential type")
	// ErrUnknownClaim: a claim name (JSON form) or key (wire form) that the
	// schema does not define.
	ErrUnknownClaim = errors.New("schemas: unknown claim")
	// ErrMissingClaim: a required claim is absent.
	ErrMissingClaim = errors.New("schemas: missing required claim")
	// ErrInvalidClaim: a claim value of the wrong type, format or range, or
	// one that breaks a cross-claim rule (the *ClaimError says which).
	ErrInvalidClaim = errors.New("schemas: invalid claim")
	// ErrInvalidSchema: a schema definition that is not well-formed or not
	// consistent (bad name, id, key, type, limit, rule...).
	ErrInvalidSchema = errors.New("schemas: invalid schema")
	// ErrMalformed: claims JSON or a schema file that is not well-formed
	// JSON, is not an object, or repeats a member name.
	ErrMalformed = errors.New("schemas: malformed input")
	// ErrTooLarge: claims JSON over MaxClaimsJSONSize or a schema file over
	// MaxSchemaSize.
	ErrTooLarge = errors.New("schemas: input too large")
	// ErrDuplicate: a registry already holds a schema with that name or id.
	ErrDuplicate = errors.New("schemas: duplicate credential type")
)

// ClaimError reports a claim that a schema refuses, in either direction
// (Encode, EncodeJSON or Decode). Its message names the claim and the
// problem, for example
//
//	schemas: claim "id_number": check character is "X", want "5"
//
// and errors.Is sees the sentinel (ErrInvalidClaim, ErrMissingClaim or
// ErrUnknownClaim) through it.
type ClaimError struct {
	// Claim is the claim's name; empty for a wire key that the schema does
	// not define (then Key is set).
	Claim string
	// Key is the claim's wire key, when known; 0 otherwise.
	Key int64
	// Rule names the check that failed: one of the Check* constants for a
	// check on one claim, or a RuleKind (such as "birth_date_matches") for a
	// cross-claim rule.
	Rule string
	// Err describes the problem; it wraps one of the sentinel errors.
	Err error
}

// Error implements error.
func (e *ClaimError) Error() string {
	var b strings.Builder
	b.WriteString("schemas: claim ")
	if e.Claim != "" {
		b.WriteString(strconv.Quote(e.Claim))
	} else {
		b.WriteString("key ")
		b.WriteString(strconv.FormatInt(e.Key, 10))
	}
	b.WriteString(": ")
	b.WriteString(detailText(e.Err))
	return b.String()
}

// Unwrap returns Err, so that errors.Is finds the sentinel.
func (e *ClaimError) Unwrap() error { return e.Err }

// SchemaError reports a schema definition that ParseSchema, LoadFile,
// Schema.Validate or a Registry refuses. Its message names the file, the
// schema and the claim where they are known, for example
//
//	schemas: ticket.json: schema "ticket": claim "seat": unknown type "strng" (want string, date, time, int, bool, sha256 or prc_id)
type SchemaError struct {
	// File is the path given to LoadFile; empty otherwise.
	File string
	// Schema is the schema's name, when known.
	Schema string
	// Claim is the claim the problem is in; empty for a schema-level problem.
	Claim string
	// Err describes the problem; it wraps ErrInvalidSchema, ErrMalformed,
	// ErrTooLarge or ErrDuplicate, or an I/O error from LoadFile.
	Err error
}

// Error implements error.
func (e *SchemaError) Error() string {
	var b strings.Builder
	b.WriteString("schemas: ")
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	if e.Schema != "" {
		b.WriteString("schema ")
		b.WriteString(strconv.Quote(e.Schema))
		b.WriteString(": ")
	}
	if e.Claim != "" {
		b.WriteString("claim ")
		b.WriteString(strconv.Quote(e.Claim))
		b.WriteString(": ")
	}
	b.WriteString(detailText(e.Err))
	return b.String()
}

// Unwrap returns Err, so that errors.Is finds the sentinel.
func (e *SchemaError) Unwrap() error { return e.Err }

// detail is a message that wraps a sentinel without repeating it: its
// Error is the message alone, its Unwrap the sentinel.
type detail struct {
	sentinel error
	msg      string
}

func (d *detail) Error() string { return d.msg }
func (d *detail) Unwrap() error { return d.sentinel }

// errorf returns a detail error for sentinel with a formatted message.
func errorf(sentinel error, format string, args ...any) error {
	return &detail{sentinel: sentinel, msg: fmt.Sprintf(format, args...)}
}

// detailText is err's message without a leading "schemas: ", so that a
// bare sentinel inside a ClaimError or SchemaError is not prefixed twice.
func detailText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return strings.TrimPrefix(err.Error(), "schemas: ")
}
