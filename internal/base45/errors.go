package base45

import "errors"

// Errors returned by [Decode] and [AppendDecode]. Each is wrapped with the
// offending position; test for them with [errors.Is].
var (
	// ErrInvalidCharacter means the input holds a character outside the
	// 45-character alphabet (lowercase letters included).
	ErrInvalidCharacter = errors.New("base45: invalid character")

	// ErrInvalidLength means the input length is 1 more than a multiple of 3,
	// which no encoding produces.
	ErrInvalidLength = errors.New("base45: invalid length")

	// ErrOverflow means a triple decodes to more than 65535 or a final pair
	// to more than 255.
	ErrOverflow = errors.New("base45: value out of range")
)
