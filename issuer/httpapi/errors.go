package httpapi

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/netcred/netcred/issuer"
)

// Sentinel errors a Backend wraps so that the service answers with the
// right status; test with errors.Is.
var (
	// ErrUnauthenticated: the bearer token is unknown or revoked (401).
	ErrUnauthenticated = errors.New("httpapi: unknown or revoked token")
	// ErrForbidden: the client may not do this (403).
	ErrForbidden = errors.New("httpapi: forbidden")
	// ErrInvalid: the request is well-formed JSON but its content is
	// refused, e.g. claims the schema refuses (400).
	ErrInvalid = errors.New("httpapi: invalid request")
	// ErrNotFound: no such credential or list (404).
	ErrNotFound = errors.New("httpapi: not found")
	// ErrConflict: the request conflicts with the state, e.g. reinstating
	// a revoked credential (409).
	ErrConflict = errors.New("httpapi: conflict")
	// ErrUnavailable: the backend cannot answer now, e.g. it is closing
	// (503).
	ErrUnavailable = errors.New("httpapi: unavailable")
)

// Stable error codes of the API (spec/service.md §5).
const (
	CodeUnauthenticated    = "unauthenticated"
	CodeMalformedJSON      = "malformed_json"
	CodeUnknownField       = "unknown_field"
	CodeInvalidField       = "invalid_field"
	CodeMissingField       = "missing_field"
	CodeBodyTooLarge       = "body_too_large"
	CodeUnsupportedMedia   = "unsupported_media_type"
	CodeRateLimited        = "rate_limited"
	CodeNotFound           = "not_found"
	CodeMethodNotAllowed   = "method_not_allowed"
	CodeTypeNotAllowed     = "type_not_allowed"
	CodeLevelNotAllowed    = "level_not_allowed"
	CodeEvidence           = "evidence_insufficient"
	CodeNotYours           = "not_your_credential"
	CodeIdempotencyReused  = "idempotency_key_reused"
	CodeIdempotencyPending = "idempotency_key_in_use"
	CodeStatusConflict     = "status_conflict"
	CodeUnknownType        = "unknown_type"
	CodeInvalidClaims      = "invalid_claims"
	CodeLevelBelowMinimum  = "level_below_minimum"
	CodeInternal           = "internal_error"
	CodeUnavailable        = "unavailable"
	CodeStoreUnavailable   = "store_unavailable"
)

// Error is a refused request: its HTTP status, stable code, message and,
// when one field is at fault, the field's name (a JSON path without the
// leading "$.", e.g. "claims.birth_date", or a header name).
type Error struct {
	Status  int
	Code    string
	Message string
	Field   string
	// Err is the cause, if any.
	Err error
}

// Error implements error.
func (e *Error) Error() string {
	s := "httpapi: " + e.Code + ": " + e.Message
	if e.Field != "" {
		s += " (field " + e.Field + ")"
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Refuse returns an *Error with the status that sentinel (one of this
// package's) stands for; backends use it to name the code and field.
func Refuse(sentinel error, code, field, format string, args ...any) *Error {
	return &Error{Status: statusOf(sentinel), Code: code, Field: field, Message: fmt.Sprintf(format, args...), Err: sentinel}
}

func statusOf(err error) int {
	switch {
	case errors.Is(err, ErrUnauthenticated):
		return http.StatusUnauthorized
	case errors.Is(err, ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, ErrConflict):
		return http.StatusConflict
	case errors.Is(err, ErrUnavailable), errors.Is(err, issuer.ErrStoreUnavailable):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// asError turns any error into the *Error to answer with. Errors that are
// not the request's fault become a 500 whose message hides the cause.
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		if e.Status == 0 {
			e.Status = statusOf(e.Err)
		}
		return e
	}
	switch st := statusOf(err); st {
	case http.StatusInternalServerError:
		return &Error{Status: st, Code: CodeInternal, Message: "internal error; see the service log", Err: err}
	case http.StatusServiceUnavailable:
		if errors.Is(err, issuer.ErrStoreUnavailable) {
			return &Error{Status: st, Code: CodeStoreUnavailable, Message: fmt.Sprintf("the issuer's database cannot be reached; retry after %d s", RetryAfter), Err: err}
		}
		return &Error{Status: st, Code: CodeUnavailable, Message: "the service is not available now", Err: err}
	default:
		code := map[int]string{401: CodeUnauthenticated, 403: "forbidden", 400: CodeInvalidField, 404: CodeNotFound, 409: CodeStatusConflict}[st]
		return &Error{Status: st, Code: code, Message: err.Error(), Err: err}
	}
}
