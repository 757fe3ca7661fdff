// Package regularfile opens files that are safe to read whole: regular
// files only, within a size limit. A directory, named pipe (whose open
// would wait for a writer), device (/dev/zero streams without end) or
// socket is refused before it is opened, and the file opened must be the
// one checked. It is the one home of that check for the CLI and the key
// files.
package regularfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Errors of Check and Open; each is wrapped with the file's name.
var (
	// ErrNotRegular: a directory, named pipe, device or socket.
	ErrNotRegular = errors.New("not a regular file")
	// ErrIsDir: a directory (it also matches ErrNotRegular).
	ErrIsDir = errors.New("is a directory")
	// ErrTooLarge: a file larger than the limit.
	ErrTooLarge = errors.New("too large")
)

// Check refuses, without opening it, a file name that is not a regular
// file of at most limit bytes (a negative limit: any size).
func Check(name string, limit int64) (fs.FileInfo, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	return fi, check(name, fi, limit)
}

func check(name string, fi fs.FileInfo, limit int64) error {
	switch {
	case fi.IsDir():
		return &pathError{name: name, err: ErrIsDir}
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%s: %w (%s)", name, ErrNotRegular, Kind(fi.Mode()))
	case limit >= 0 && fi.Size() > limit:
		return fmt.Errorf("%s: %w (%d bytes, at most %d)", name, ErrTooLarge, fi.Size(), limit)
	}
	return nil
}

// pathError is "NAME: is a directory", matching ErrIsDir and
// ErrNotRegular.
type pathError struct {
	name string
	err  error
}

func (e *pathError) Error() string { return e.name + ": " + e.err.Error() }

func (e *pathError) Is(target error) bool { return target == e.err || target == ErrNotRegular }

// Open opens name for reading after Check, and checks that what it
// opened is the regular file it checked (not swapped in between).
func Open(name string, limit int64) (*os.File, fs.FileInfo, error) {
	before, err := Check(name, limit)
	if err != nil {
		return nil, nil, err
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err == nil && (!info.Mode().IsRegular() || !os.SameFile(before, info)) {
		err = fmt.Errorf("%s: %w (it changed while it was opened)", name, ErrNotRegular)
	}
	if err == nil {
		err = check(name, info, limit)
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, info, nil
}

// Kind names what a file that is not regular is, for messages.
func Kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a plain file"
}
