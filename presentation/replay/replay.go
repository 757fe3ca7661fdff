// Package replay keeps a gate's replay cache of presentations
// (spec/presentation.md §5) in a file, so that the same presentation is
// refused twice within its window by one gate, across runs and by several
// processes sharing the file.
//
// A Cache is the set in memory (a verifier.ReplayCache). Open locks a
// cache file (an OS lock on FILE.lock), reads it and returns a File, whose
// Save writes the cache back atomically (a temporary file renamed over
// FILE) and whose Close releases the lock. Entries are dropped once their
// window is over; the cache holds at most its maximum number of entries
// and, when full, drops those whose window ends first.
package replay

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/netcred/netcred/internal/atomicfile"
)

// DefaultMax is the default bound on entries: at 1 000 presentations a
// second and 65-second windows a gate holds 65 000.
const DefaultMax = 100_000

// header is the first line of a cache file.
const header = "netcred replay cache 1\n"

// lineLen is the length of one entry line: 64 hex digits, a space, a
// decimal Unix time of at most 20 digits, a newline.
const lineLen = 64 + 1 + 20 + 1

// Errors.
var (
	// ErrMalformed: a cache file that is not one this package wrote.
	ErrMalformed = errors.New("replay: malformed cache file")
	// ErrTooLarge: a cache file larger than its maximum number of entries
	// allows.
	ErrTooLarge = errors.New("replay: cache file too large")
)

// Cache is a bounded set of presentation keys, each until the end of its
// window. It is safe for concurrent use.
type Cache struct {
	mu      sync.Mutex
	max     int
	entries map[[32]byte]int64 // key -> until (Unix seconds)
}

// New returns an empty cache of at most max entries (DefaultMax if max <= 0).
func New(max int) *Cache {
	if max <= 0 {
		max = DefaultMax
	}
	return &Cache{max: max, entries: map[[32]byte]int64{}}
}

// Seen reports whether key is in the cache with a window not over at now;
// if not, it records key until until. It implements verifier.ReplayCache.
func (c *Cache) Seen(key [32]byte, now, until time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if u, ok := c.entries[key]; ok && now.Unix() <= u {
		return true
	}
	if len(c.entries) >= c.max {
		c.purge(now.Unix())
	}
	if len(c.entries) >= c.max {
		c.dropSoonest(len(c.entries) - c.max + 1)
	}
	c.entries[key] = until.Unix()
	return false
}

// Len is the number of entries.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// purge drops the entries whose window is over at now.
func (c *Cache) purge(now int64) {
	for k, u := range c.entries {
		if u < now {
			delete(c.entries, k)
		}
	}
}

// dropSoonest drops the n entries whose window ends first.
func (c *Cache) dropSoonest(n int) {
	type kv struct {
		k [32]byte
		u int64
	}
	all := make([]kv, 0, len(c.entries))
	for k, u := range c.entries {
		all = append(all, kv{k, u})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].u < all[j].u })
	for _, e := range all[:n] {
		delete(c.entries, e.k)
	}
}

// MarshalText writes the cache file's content, entries sorted, those over
// at now left out.
func (c *Cache) MarshalText(now time.Time) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.purge(now.Unix())
	lines := make([]string, 0, len(c.entries))
	for k, u := range c.entries {
		lines = append(lines, hex.EncodeToString(k[:])+" "+strconv.FormatInt(u, 10)+"\n")
	}
	sort.Strings(lines)
	var b bytes.Buffer
	b.WriteString(header)
	for _, l := range lines {
		b.WriteString(l)
	}
	return b.Bytes()
}

// Parse reads a cache file's content into a cache of at most max entries,
// dropping those over at now. It refuses anything this package does not
// write, and content larger than max entries allow.
func Parse(data []byte, max int, now time.Time) (*Cache, error) {
	c := New(max)
	if len(data) > len(header)+c.max*lineLen {
		return nil, fmt.Errorf("%w: %d bytes for at most %d entries", ErrTooLarge, len(data), c.max)
	}
	if len(data) == 0 {
		return c, nil
	}
	rest, ok := bytes.CutPrefix(data, []byte(header))
	if !ok {
		return nil, fmt.Errorf("%w: no %q header", ErrMalformed, header[:len(header)-1])
	}
	r := bufio.NewReader(bytes.NewReader(rest))
	for n := 2; ; n++ {
		line, err := r.ReadString('\n')
		if err == io.EOF && line == "" {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: line %d is not terminated", ErrMalformed, n)
		}
		var key [32]byte
		until, ok := parseLine(line, &key)
		if !ok {
			return nil, fmt.Errorf("%w: line %d", ErrMalformed, n)
		}
		if _, dup := c.entries[key]; dup {
			return nil, fmt.Errorf("%w: line %d repeats an entry", ErrMalformed, n)
		}
		if until >= now.Unix() {
			if len(c.entries) == c.max {
				return nil, fmt.Errorf("%w: more than %d entries", ErrTooLarge, c.max)
			}
			c.entries[key] = until
		}
	}
	return c, nil
}

func parseLine(line string, key *[32]byte) (int64, bool) {
	if len(line) < 64+3 || line[64] != ' ' {
		return 0, false
	}
	if _, err := hex.Decode(key[:], []byte(line[:64])); err != nil {
		return 0, false
	}
	digits := line[65 : len(line)-1]
	u, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || u < 0 || strconv.FormatInt(u, 10) != digits {
		return 0, false
	}
	return u, true
}

// File is a cache file held under its lock.
type File struct {
	*Cache
	path string
	lock *os.File
}

// Open locks the cache file path (waiting up to timeout for another
// process that holds it), reads it (a missing file is an empty cache) and
// returns it. Save writes it back; Close releases the lock.
func Open(path string, max int, now time.Time, timeout time.Duration) (*File, error) {
	lock, err := lockFile(path+".lock", timeout)
	if err != nil {
		return nil, err
	}
	f := &File{path: path, lock: lock}
	data, err := readLimited(path, int64(len(header)+max1(max)*lineLen))
	if err == nil {
		f.Cache, err = Parse(data, max, now)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("replay cache %s: %w", path, err)
	}
	return f, nil
}

func max1(max int) int {
	if max <= 0 {
		return DefaultMax
	}
	return max
}

// readLimited reads a regular file of at most limit bytes; a missing file
// is empty.
func readLimited(path string, limit int64) ([]byte, error) {
	fh, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: not a regular file", ErrMalformed)
	}
	data, err := io.ReadAll(io.LimitReader(fh, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: over %d bytes", ErrTooLarge, limit)
	}
	return data, nil
}

// Save writes the cache back atomically, without the entries over at now.
func (f *File) Save(now time.Time) error {
	if err := atomicfile.Write(f.path, f.MarshalText(now), 0o600); err != nil {
		return fmt.Errorf("replay cache %s: %w", f.path, err)
	}
	return nil
}

// Close releases the lock. It does not save.
func (f *File) Close() error {
	if f.lock == nil {
		return nil
	}
	unlockFile(f.lock)
	err := f.lock.Close()
	f.lock = nil
	return err
}
