package schemas

import (
	"errors"
	"strings"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/strictjson"
)

// maxSchemaDepth bounds the nesting of a schema file (the schema object,
// its claims array, a claim object, an enum array: 4).
const maxSchemaDepth = 4

// ParseSchema parses and validates a schema file (see the package
// documentation for the format). Parsing is strict (internal/strictjson):
// the file is one JSON object of at most MaxSchemaSize bytes in UTF-8
// without a byte-order mark, nested at most 4 deep; unknown members,
// members in the wrong case, null values and repeated members are refused,
// and so is any schema that Validate refuses (bad names, ids, keys outside
// 1..23, duplicate claim names or keys, unknown types, formats or rules, a
// missing or unknown min_level). Errors are *SchemaError values; errors.Is
// finds the strictjson sentinel too, such as strictjson.ErrBOM.
//
// ParseSchema accepts the ids reserved for netcred's own types;
// Registry.LoadFile, which loads operator-defined types, does not.
func ParseSchema(data []byte) (*Schema, error) {
	s := new(Schema)
	err := strictjson.Unmarshal(data, s, strictjson.MaxSize(MaxSchemaSize), strictjson.MaxDepth(maxSchemaDepth),
		strictjson.DisallowUnknownFields(), strictjson.DisallowNull())
	if err != nil {
		var se *strictjson.Error
		if !errors.As(err, &se) {
			return nil, &SchemaError{Schema: nameIfValid(s.Name), Err: errorf(ErrInvalidSchema, "%s", jsonProblem(err))}
		}
		return nil, &SchemaError{Err: jsonInputError(se, "")}
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

func nameIfValid(n string) string {
	if validName(n) {
		return n
	}
	return ""
}

// jsonProblem rewords an error from a type's own JSON decoding.
func jsonProblem(err error) string {
	if errors.Is(err, credential.ErrUnknownLevel) {
		return "min_level: " + err.Error()
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// jsonInputError turns a strictjson error into this package's: the input
// is too large (ErrTooLarge), breaks the schema file's structure
// (ErrInvalidSchema: an unknown member, a member in the wrong case, a null,
// a value of the wrong type below the top level or one its type refuses) or is not strict JSON
// (ErrMalformed). The message is prefix, then strictjson's without its
// package name; errors.Is finds both sentinels.
func jsonInputError(se *strictjson.Error, prefix string) error {
	sentinel := ErrMalformed
	msg := strings.TrimPrefix(se.Error(), "strictjson: ")
	switch {
	case errors.Is(se, strictjson.ErrTooLarge):
		sentinel = ErrTooLarge
	case errors.Is(se, strictjson.ErrType) && se.Path == "$":
		msg = "not a JSON object"
	case errors.Is(se, strictjson.ErrUnknownMember), errors.Is(se, strictjson.ErrMemberCase),
		errors.Is(se, strictjson.ErrNull), errors.Is(se, strictjson.ErrType), errors.Is(se, strictjson.ErrValue):
		sentinel = ErrInvalidSchema
	}
	if sentinel == ErrMalformed {
		msg = "malformed input: " + msg
	}
	return &jsonError{sentinel: sentinel, cause: se, msg: prefix + msg}
}

// jsonError is a detail error for a JSON input that also wraps the
// strictjson error behind it.
type jsonError struct {
	sentinel, cause error
	msg             string
}

func (e *jsonError) Error() string   { return e.msg }
func (e *jsonError) Unwrap() []error { return []error{e.sentinel, e.cause} }
