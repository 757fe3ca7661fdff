package replay

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

func key(b byte) [32]byte { return [32]byte{b} }

func TestSeen(t *testing.T) {
	c := New(0)
	until := t0.Add(65 * time.Second)
	steps := []struct {
		k    byte
		at   time.Time
		want bool
	}{
		{1, t0, false},
		{1, t0.Add(time.Second), true},
		{2, t0, false},
		{1, until, true},                   // the window's last second
		{1, until.Add(time.Second), false}, // after the window: recorded anew
	}
	for i, s := range steps {
		if got := c.Seen(key(s.k), s.at, until); got != s.want {
			t.Fatalf("step %d: Seen = %v; want %v", i, got, s.want)
		}
	}
}

func TestBounded(t *testing.T) {
	c := New(3)
	for i := range 3 {
		c.Seen(key(byte(i)), t0, t0.Add(time.Duration(10+i)*time.Second))
	}
	c.Seen(key(9), t0, t0.Add(time.Minute)) // full: drops key 0, the soonest to end
	if c.Len() != 3 {
		t.Fatalf("%d entries; want 3", c.Len())
	}
	if c.Seen(key(0), t0, t0.Add(time.Minute)) {
		t.Error("key 0 kept past the bound")
	}
	// Expired entries go first.
	c = New(2)
	c.Seen(key(1), t0, t0.Add(time.Second))
	c.Seen(key(2), t0, t0.Add(time.Hour))
	c.Seen(key(3), t0.Add(time.Minute), t0.Add(2*time.Hour))
	if !c.Seen(key(2), t0.Add(time.Minute), t0.Add(time.Hour)) {
		t.Error("key 2 dropped although key 1 had expired")
	}
}

func TestFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "replay.cache")
	f, err := Open(path, 0, t0, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	f.Seen(key(1), t0, t0.Add(65*time.Second))
	f.Seen(key(2), t0, t0.Add(5*time.Second))
	if err := f.Save(t0); err != nil {
		t.Fatal(err)
	}
	// Locked: a second opener waits, then gives up.
	if _, err := Open(path, 0, t0, 50*time.Millisecond); !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: %v; want ErrLocked", err)
	}
	f.Close()
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("cache file mode %v, %v", st.Mode(), err)
	}
	// Reopened 10 seconds later: key 2's window is over and it is gone.
	g, err := Open(path, 0, t0.Add(10*time.Second), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if g.Len() != 1 || !g.Seen(key(1), t0.Add(10*time.Second), t0.Add(65*time.Second)) {
		t.Fatalf("reopened cache has %d entries, key 1 not seen", g.Len())
	}
}

func TestParseRefuses(t *testing.T) {
	good := New(0)
	good.Seen(key(1), t0, t0.Add(time.Minute))
	data := good.MarshalText(t0)
	line := string(data[len(header):])
	tests := map[string]string{
		"no header":        line,
		"other header":     "netcred replay cache 2\n" + line,
		"short key":        header + line[2:],
		"no newline":       header + strings.TrimSuffix(line, "\n"),
		"signed time":      header + line[:65] + "+" + line[65:],
		"leading zero":     header + line[:65] + "0" + line[65:],
		"not hex":          header + "zz" + line[2:],
		"duplicate":        header + line + line,
		"trailing garbage": string(data) + "x",
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			if c, err := Parse([]byte(in), 0, t0); err == nil || c != nil {
				t.Fatalf("Parse accepted %q", in)
			}
		})
	}
	if _, err := Parse(bytes.Repeat(data, 3), 1, t0); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("over the bound: %v; want ErrTooLarge", err)
	}
	c, err := Parse(data, 0, t0.Add(2*time.Minute))
	if err != nil || c.Len() != 0 {
		t.Fatalf("expired entries kept: %d, %v", c.Len(), err)
	}
}

func FuzzParse(f *testing.F) {
	c := New(0)
	c.Seen(key(1), t0, t0.Add(time.Minute))
	c.Seen(key(2), t0, t0.Add(time.Hour))
	f.Add(c.MarshalText(t0))
	f.Add([]byte(header))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, 16, t0)
		if err != nil {
			if c != nil {
				t.Fatal("cache with an error")
			}
			return
		}
		if c.Len() > 16 {
			t.Fatalf("%d entries over the bound", c.Len())
		}
		back, err := Parse(c.MarshalText(t0), 16, t0)
		if err != nil || back.Len() != c.Len() {
			t.Fatalf("round trip: %v", err)
		}
	})
}
