package schemas

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/netcred/netcred/credential"
)

// schemaMembers are the member names a schema file may use, at any depth;
// the decoder's DisallowUnknownFields checks that each is at its place, and
// this set that its case is exact (encoding/json matches names without
// regard to case).
var schemaMembers = map[string]bool{
	"name": true, "id": true, "version": true, "min_level": true, "description": true,
	"claims": true, "rules": true, "key": true, "type": true, "required": true,
	"max_length": true, "enum": true, "format": true, "rule": true,
}

// maxSchemaDepth bounds the nesting of a schema file (the schema object,
// its claims array, a claim object, an enum array: 4).
const maxSchemaDepth = 4

// ParseSchema parses and validates a schema file (see the package
// documentation for the format). Parsing is strict: the file is one JSON
// object of at most MaxSchemaSize bytes in valid UTF-8; unknown members,
// members in the wrong case and repeated members are refused, and so is
// any schema that Validate refuses (bad names, ids, keys outside 1..23,
// duplicate claim names or keys, unknown types, formats or rules, a
// missing or unknown min_level). Errors are *SchemaError values.
//
// ParseSchema accepts the ids reserved for netcred's own types;
// Registry.LoadFile, which loads operator-defined types, does not.
func ParseSchema(data []byte) (*Schema, error) {
	if len(data) > MaxSchemaSize {
		return nil, &SchemaError{Err: errorf(ErrTooLarge, "schema has %d bytes, at most %d", len(data), MaxSchemaSize)}
	}
	if err := checkStrictJSON(data, schemaMembers, maxSchemaDepth); err != nil {
		return nil, &SchemaError{Err: err}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	s := new(Schema)
	if err := dec.Decode(s); err != nil {
		return nil, &SchemaError{Schema: nameIfValid(s.Name), Err: errorf(ErrInvalidSchema, "%s", jsonProblem(err))}
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

// jsonProblem rewords an encoding/json decoding error.
func jsonProblem(err error) string {
	if errors.Is(err, credential.ErrUnknownLevel) {
		return "min_level: " + err.Error()
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field == "min_level" {
			return "member min_level: JSON " + te.Value + " does not fit (want \"low\", \"substantial\" or \"high\")"
		}
		if te.Field != "" {
			return "member " + te.Field + ": JSON " + te.Value + " does not fit (want " + goTypeWord(te.Type.Kind().String()) + ")"
		}
		return "JSON " + te.Value + " does not fit"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func goTypeWord(kind string) string {
	switch kind {
	case "int64", "int", "uint64", "uint8":
		return "a whole number in range"
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice":
		return "an array"
	case "struct":
		return "an object"
	}
	return kind
}

// checkStrictJSON checks that data is one well-formed JSON object in valid
// UTF-8, nested at most maxDepth deep, in which no object has a member
// twice and every member name is in names. It wraps ErrMalformed.
func checkStrictJSON(data []byte, names map[string]bool, maxDepth int) error {
	if !utf8.Valid(data) {
		return errorf(ErrMalformed, "malformed input: not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return errorf(ErrMalformed, "malformed input: not a JSON object")
	}
	// A stack of open containers; for objects, the member names seen and
	// whether the next token is a name.
	type frame struct {
		object bool
		seen   map[string]bool
		isName bool
	}
	stack := []frame{{object: true, seen: map[string]bool{}, isName: true}}
	for len(stack) > 0 {
		tok, err := dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return errorf(ErrMalformed, "malformed input: JSON ends early")
			}
			return errorf(ErrMalformed, "malformed input: %v", err)
		}
		top := &stack[len(stack)-1]
		if top.object && top.isName {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:len(stack)-1]
				continue
			}
			name := tok.(string) // the decoder allows only strings here
			if top.seen[name] {
				return errorf(ErrMalformed, "malformed input: member %s appears twice in one object", quoteShort(name))
			}
			if !names[name] {
				return errorf(ErrInvalidSchema, "unknown member %s", quoteShort(name))
			}
			top.seen[name] = true
			top.isName = false
			continue
		}
		if top.object {
			top.isName = true
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			if len(stack) >= maxDepth {
				return errorf(ErrMalformed, "malformed input: nested deeper than %d", maxDepth)
			}
			f := frame{object: tok == json.Delim('{')}
			if f.object {
				f.seen, f.isName = map[string]bool{}, true
			}
			stack = append(stack, f)
		case json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
	}
	if _, err := dec.Token(); err != io.EOF {
		return errorf(ErrMalformed, "malformed input: data after the JSON object")
	}
	return nil
}
