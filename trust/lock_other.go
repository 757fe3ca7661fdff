//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly || windows)

package trust

import (
	"os"
	"path/filepath"
	"sync"
)

// Platforms without flock(2) or LockFileEx here (js/wasm, wasip1, plan9,
// solaris, illumos, aix): the lock serializes the updates made by one
// process only.

const openFlags = 0

var (
	locksMu sync.Mutex
	locks   = map[string]*sync.RWMutex{}
	held    sync.Map // *os.File -> held lock
)

type heldLock struct {
	mu        *sync.RWMutex
	exclusive bool
}

func openLock(path string, rw bool) (*os.File, error) {
	if rw {
		return os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	}
	return os.OpenFile(path, os.O_RDONLY, 0)
}

func tryLock(f *os.File, exclusive bool) (bool, error) {
	key, err := filepath.Abs(f.Name())
	if err != nil {
		key = f.Name()
	}
	locksMu.Lock()
	mu := locks[key]
	if mu == nil {
		mu = new(sync.RWMutex)
		locks[key] = mu
	}
	locksMu.Unlock()
	ok := false
	if exclusive {
		ok = mu.TryLock()
	} else {
		ok = mu.TryRLock()
	}
	if ok {
		held.Store(f, heldLock{mu, exclusive})
	}
	return ok, nil
}

func unlock(f *os.File) {
	v, ok := held.LoadAndDelete(f)
	if !ok {
		return
	}
	h := v.(heldLock)
	if h.exclusive {
		h.mu.Unlock()
	} else {
		h.mu.RUnlock()
	}
}
