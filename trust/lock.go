package trust

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// The lock files. lockFile's OS lock serializes the updates of a store
// (exclusive) against each other and against loads (shared). gateFile gives
// updates precedence: an update takes it exclusively before waiting for
// lockFile, and a load passes it (shared, for a moment) before taking
// lockFile, so that a stream of overlapping loads cannot starve an update.
const (
	lockFile = "lock"
	gateFile = "lock.gate"
)

// DefaultLockTimeout is how long Open, Import and Sync wait for another
// process's update of the same store to finish before failing with
// ErrLocked.
const DefaultLockTimeout = 10 * time.Second

// storeLock is a held lock on a store; release it once.
type storeLock struct{ data, gate *os.File }

// acquire takes the store's lock, exclusive for an update or shared for a
// load, waiting up to timeout. A load of a store whose lock files cannot
// be created (a read-only directory, where no update can run either) goes
// ahead without a lock: it returns nil and no error.
func acquire(dir string, exclusive bool, timeout time.Duration) (*storeLock, error) {
	deadline := time.Now().Add(timeout)
	gate, err := openLockFile(dir, gateFile, exclusive)
	if gate == nil || err != nil {
		return nil, err
	}
	if err := wait(gate, exclusive, deadline, timeout); err != nil {
		gate.Close()
		return nil, err
	}
	data, err := openLockFile(dir, lockFile, exclusive)
	if err == nil && data == nil { // a load of a read-only store
		unlock(gate)
		gate.Close()
		return nil, nil
	}
	if err == nil {
		err = wait(data, exclusive, deadline, timeout)
		if err != nil {
			data.Close()
		}
	}
	if err != nil || !exclusive {
		unlock(gate)
		gate.Close()
		gate = nil
	}
	if err != nil {
		return nil, err
	}
	return &storeLock{data: data, gate: gate}, nil
}

// openLockFile opens (creating it) one of the lock files. For a load, a
// lock file that cannot be created is opened read-only, and one that does
// not exist then means no lock: nil and no error.
func openLockFile(dir, name string, exclusive bool) (*os.File, error) {
	path := filepath.Join(dir, name)
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
	return f, nil
}

// wait polls for the lock on f until deadline.
func wait(f *os.File, exclusive bool, deadline time.Time, timeout time.Duration) error {
	pause := 100 * time.Microsecond
	for {
		ok, err := tryLock(f, exclusive)
		if err != nil {
			return fmt.Errorf("trust: locking %s: %w", f.Name(), err)
		}
		if ok {
			return nil
		}
		if !time.Now().Before(deadline) {
			return fmt.Errorf("%w: %s was held for more than %s; retry when the other netcred trust import or sync has finished",
				ErrLocked, filepath.Dir(f.Name()), timeout)
		}
		time.Sleep(pause)
		pause = min(2*pause, 20*time.Millisecond)
	}
}

func (l *storeLock) release() {
	if l == nil {
		return
	}
	unlock(l.data)
	l.data.Close()
	if l.gate != nil {
		unlock(l.gate)
		l.gate.Close()
	}
}
