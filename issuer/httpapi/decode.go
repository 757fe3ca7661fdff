package httpapi

// Request decoding: bodies are read within the size cap and decoded
// strictly; every refusal names the field (spec/service.md §3).

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/strictjson"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/schemas"
)

// Bounds of a request's content.
const (
	// MaxEvidence is the most evidence items a request may carry.
	MaxEvidence = 8
	// MaxValidFor is the longest valid_for accepted here; the issuer may
	// refuse less.
	MaxValidFor = 10 * 366 * 24 * time.Hour
	// MaxReason is the longest reason of a status change, in bytes.
	MaxReason = 256
)

// issueBody is the JSON of POST /v1/credentials.
type issueBody struct {
	Type      *string           `json:"type"`
	Level     *string           `json:"level"`
	Claims    json.RawMessage   `json:"claims"`
	Evidence  []json.RawMessage `json:"evidence"`
	ValidFor  json.RawMessage   `json:"valid_for"`
	HolderKey json.RawMessage   `json:"holder_key"`
}

// issueInput is a decoded POST /v1/credentials body.
type issueInput struct {
	Type       string
	Level      credential.Level
	ClaimsJSON json.RawMessage
	Claims     map[string]any
	Evidence   []json.RawMessage
	ValidFor   time.Duration
	HolderKey  json.RawMessage
}

// statusBody is the JSON of POST /v1/credentials/{id}/revoke|suspend|reinstate.
type statusBody struct {
	Reason string `json:"reason"`
}

// readBody reads r's body within max bytes, refusing a Content-Type other
// than JSON.
func readBody(w http.ResponseWriter, r *http.Request, max int64) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return nil, &Error{Status: http.StatusUnsupportedMediaType, Code: CodeUnsupportedMedia, Field: "Content-Type",
				Message: "the body must be application/json"}
		}
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, &Error{Status: http.StatusRequestEntityTooLarge, Code: CodeBodyTooLarge,
			Message: "the body is larger than " + strconv.FormatInt(max, 10) + " bytes"}
	}
	if err != nil {
		return nil, &Error{Status: http.StatusBadRequest, Code: CodeMalformedJSON, Message: "reading the body: " + err.Error()}
	}
	return data, nil
}

// jsonError turns a strictjson refusal into a 400 naming the field.
func jsonError(err error) *Error {
	var se *strictjson.Error
	if !errors.As(err, &se) {
		return &Error{Status: 400, Code: CodeMalformedJSON, Message: err.Error(), Err: err}
	}
	field := fieldName(se.Path)
	code := CodeMalformedJSON
	switch {
	case errors.Is(err, strictjson.ErrUnknownMember), errors.Is(err, strictjson.ErrMemberCase):
		code = CodeUnknownField
	case errors.Is(err, strictjson.ErrType), errors.Is(err, strictjson.ErrValue), errors.Is(err, strictjson.ErrNull):
		code = CodeInvalidField
	}
	msg := strings.TrimPrefix(se.Error(), "strictjson: ")
	return &Error{Status: 400, Code: code, Field: field, Message: msg, Err: err}
}

// fieldName turns a strictjson path ($.claims.name, $["odd"]) into the
// field of an error answer (claims.name).
func fieldName(p string) string {
	p = strings.TrimPrefix(p, "$")
	return strings.TrimPrefix(p, ".")
}

func invalid(field, format string, args ...any) *Error {
	return Refuse(ErrInvalid, CodeInvalidField, field, format, args...)
}

// decodeIssue decodes and checks a POST /v1/credentials body.
func decodeIssue(data []byte, maxBody int) (*issueInput, error) {
	var b issueBody
	if err := strictjson.Unmarshal(data, &b, strictjson.DisallowUnknownFields(), strictjson.MaxSize(maxBody)); err != nil {
		return nil, jsonError(err)
	}
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		return nil, &Error{Status: 400, Code: CodeMalformedJSON, Message: "the body must be a JSON object"}
	}
	in := &issueInput{}
	switch {
	case b.Type == nil:
		return nil, Refuse(ErrInvalid, CodeMissingField, "type", "type is required, e.g. \"identity\"")
	case *b.Type == "" || len(*b.Type) > 64:
		return nil, invalid("type", "type must be a credential type's name")
	case b.Level == nil:
		return nil, Refuse(ErrInvalid, CodeMissingField, "level", "level is required: low, substantial or high")
	case isNull(b.Claims):
		return nil, Refuse(ErrInvalid, CodeMissingField, "claims", "claims is required: an object of the type's claims")
	}
	in.Type = *b.Type
	level, err := credential.ParseLevel(*b.Level)
	if err != nil {
		return nil, invalid("level", "level must be low, substantial or high, got %q", *b.Level)
	}
	in.Level = level
	if c := bytes.TrimSpace(b.Claims); c[0] != '{' {
		return nil, invalid("claims", "claims must be a JSON object")
	}
	claims, err := schemas.ParseClaimsJSON(b.Claims)
	if err != nil {
		return nil, invalid("claims", "%v", err)
	}
	in.ClaimsJSON, in.Claims = b.Claims, claims
	if len(b.Evidence) > MaxEvidence {
		return nil, invalid("evidence", "at most %d evidence items", MaxEvidence)
	}
	for i, ev := range b.Evidence {
		if t := bytes.TrimSpace(ev); len(t) == 0 || t[0] != '{' {
			return nil, invalid("evidence["+strconv.Itoa(i)+"]", "an evidence item must be a JSON object")
		}
	}
	in.Evidence = b.Evidence
	if !isNull(b.ValidFor) {
		if in.ValidFor, err = parseValidFor(b.ValidFor); err != nil {
			return nil, invalid("valid_for", "%v", err)
		}
	}
	if !isNull(b.HolderKey) {
		if _, err := keys.ParsePublicJWK(b.HolderKey); err != nil {
			return nil, invalid("holder_key", "holder_key must be a public JWK: %v", err)
		}
		in.HolderKey = b.HolderKey
	}
	return in, nil
}

func isNull(m json.RawMessage) bool {
	t := bytes.TrimSpace(m)
	return len(t) == 0 || string(t) == "null"
}

// parseValidFor reads valid_for: a positive integer of seconds, or a
// string of a Go duration ("36h") or whole days ("30d").
func parseValidFor(m json.RawMessage) (time.Duration, error) {
	var d time.Duration
	t := bytes.TrimSpace(m)
	if t[0] == '"' {
		var s string
		if err := json.Unmarshal(t, &s); err != nil {
			return 0, errors.New("valid_for must be seconds or a duration such as \"36h\" or \"30d\"")
		}
		if n, ok := strings.CutSuffix(s, "d"); ok {
			days, err := strconv.ParseUint(n, 10, 16)
			if err != nil {
				return 0, errors.New("valid_for must be seconds or a duration such as \"36h\" or \"30d\"")
			}
			d = time.Duration(days) * 24 * time.Hour
		} else {
			var err error
			if d, err = time.ParseDuration(s); err != nil {
				return 0, errors.New("valid_for must be seconds or a duration such as \"36h\" or \"30d\"")
			}
		}
	} else {
		secs, err := strconv.ParseUint(string(t), 10, 32)
		if err != nil {
			return 0, errors.New("valid_for must be a whole number of seconds or a duration such as \"36h\" or \"30d\"")
		}
		d = time.Duration(secs) * time.Second
	}
	if d < time.Second || d > MaxValidFor {
		return 0, errors.New("valid_for must be between 1s and 10 years")
	}
	return d, nil
}

// decodeStatus decodes a status change body; an empty body is no reason.
func decodeStatus(data []byte) (*statusBody, error) {
	var b statusBody
	if len(bytes.TrimSpace(data)) == 0 {
		return &b, nil
	}
	if err := strictjson.Unmarshal(data, &b, strictjson.DisallowUnknownFields()); err != nil {
		return nil, jsonError(err)
	}
	if len(b.Reason) > MaxReason {
		return nil, invalid("reason", "reason is at most %d bytes", MaxReason)
	}
	return &b, nil
}
