//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package trust

import (
	"errors"
	"os"
	"syscall"
)

// openFlags are added to every open of a store file: never block on a
// FIFO (the regular-file check then refuses it).
const openFlags = syscall.O_NONBLOCK

// openLock opens (creating it if rw) the lock file, never through a
// symbolic link.
func openLock(path string, rw bool) (*os.File, error) {
	if rw {
		return os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0o644)
	}
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0)
}

// tryLock takes a flock(2) lock without waiting. flock locks belong to
// the open file, so two opens in one process exclude each other too.
func tryLock(f *os.File, exclusive bool) (bool, error) {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	for {
		err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EWOULDBLOCK):
			return false, nil
		}
		return false, err
	}
}

func unlock(f *os.File) { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
