package trust

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// lockFile is the file whose OS lock serializes the updates of a store
// (exclusive) against each other and against loads (shared).
const lockFile = "lock"

// DefaultLockTimeout is how long Open, Import and Sync wait for another
// process's update of the same store to finish before failing with
// ErrLocked.
const DefaultLockTimeout = 10 * time.Second

// storeLock is a held lock on a store; release it once.
type storeLock struct{ f *os.File }

// acquire takes the store's lock, exclusive for an update or shared for a
// load, waiting up to timeout. A load of a store whose lock file cannot be
// created (a read-only directory, where no update can run either) goes
// ahead without a lock: it returns nil and no error.
func acquire(dir string, exclusive bool, timeout time.Duration) (*storeLock, error) {
	path := filepath.Join(dir, lockFile)
	f, err := openLock(path, true)
	if err != nil && !exclusive {
		if f, err = openLock(path, false); err != nil {
			return nil, nil
		}
	}
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s; create one with netcred trust init", ErrNotAStore, dir)
		}
		return nil, fmt.Errorf("trust: locking %s: %w", dir, err)
	}
	deadline := time.Now().Add(timeout)
	wait := time.Millisecond
	for {
		ok, err := tryLock(f, exclusive)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("trust: locking %s: %w", path, err)
		}
		if ok {
			return &storeLock{f}, nil
		}
		if !time.Now().Before(deadline) {
			f.Close()
			return nil, fmt.Errorf("%w: %s was held for more than %s; retry when the other netcred trust import or sync has finished",
				ErrLocked, path, timeout)
		}
		time.Sleep(wait)
		wait = min(2*wait, 50*time.Millisecond)
	}
}

func (l *storeLock) release() {
	if l == nil {
		return
	}
	unlock(l.f)
	l.f.Close()
}
