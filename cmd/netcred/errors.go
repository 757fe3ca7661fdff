package main

import (
	"errors"

	"github.com/netcred/netcred/internal/regularfile"
)

// Errors of the CLI's own input handling; test for them with errors.Is.
// Unlike a library's sentinels they carry no prefix: every CLI message
// starts with "netcred: error: " already.
var (
	// errIsDir means a file argument names a directory; errNotRegular
	// a directory, device, FIFO or socket; errTooLarge a file or standard
	// input over its size cap. They are internal/regularfile's, the one
	// check of the files the CLI and the key files read.
	errIsDir      = regularfile.ErrIsDir
	errNotRegular = regularfile.ErrNotRegular
	errTooLarge   = regularfile.ErrTooLarge
	// errBadText means text with a UTF-16 byte-order mark does not decode.
	errBadText = errors.New("invalid text")
)
