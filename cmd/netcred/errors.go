package main

import "errors"

// Errors of the CLI's own input handling; test for them with errors.Is.
// Unlike a library's sentinels they carry no prefix: every CLI message
// starts with "netcred: error: " already.
var (
	// errIsDir means a file argument names a directory.
	errIsDir = errors.New("is a directory")
	// errNotRegular means a file argument is a device, FIFO or socket.
	errNotRegular = errors.New("not a regular file")
	// errTooLarge means a file or standard input exceeds its size cap.
	errTooLarge = errors.New("too large")
	// errBadText means text with a UTF-16 byte-order mark does not decode.
	errBadText = errors.New("invalid text")
)
