//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package replay

import (
	"errors"
	"os"
	"sync"
	"time"
)

// ErrLocked: another process holds the cache file past the timeout.
var ErrLocked = errors.New("replay: cache file locked by another process")

// Platforms without flock(2) here: the lock serializes the users of a
// cache file within one process only.
var processLock sync.Mutex

func lockFile(path string, _ time.Duration) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	processLock.Lock()
	return f, nil
}

func unlockFile(*os.File) { processLock.Unlock() }
