package status

import (
	"bytes"
	"errors"
	"testing"
)

func TestStatusString(t *testing.T) {
	tests := []struct {
		s    Status
		want string
	}{
		{Valid, "valid"},
		{Revoked, "revoked"},
		{Suspended, "suspended"},
		{3, "status(3)"},
		{255, "status(255)"},
	}
	for _, tt := range tests {
		if got := tt.s.String(); got != tt.want {
			t.Errorf("Status(%d).String() = %q; want %q", uint8(tt.s), got, tt.want)
		}
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		size    int
		wantErr error
	}{
		{4, nil},
		{8, nil},
		{DefaultSize, nil},
		{MaxEntries, nil},
		{0, ErrInvalidSize},
		{-4, ErrInvalidSize},
		{1, ErrInvalidSize},
		{6, ErrInvalidSize},
		{MaxEntries + 4, ErrInvalidSize},
	}
	for _, tt := range tests {
		l, err := New(tt.size)
		if !errors.Is(err, tt.wantErr) {
			t.Errorf("New(%d) error = %v; want %v", tt.size, err, tt.wantErr)
			continue
		}
		if err != nil {
			if l != nil {
				t.Errorf("New(%d) returned a list with an error", tt.size)
			}
			continue
		}
		if got := l.Len(); got != tt.size {
			t.Errorf("New(%d).Len() = %d; want %d", tt.size, got, tt.size)
		}
		if got := len(l.Bytes()); got != tt.size/4 {
			t.Errorf("New(%d): %d bytes; want %d", tt.size, got, tt.size/4)
		}
	}
}

func TestGetSet(t *testing.T) {
	l, err := New(16)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		idx     uint64
		s       Status
		wantErr error
	}{
		{0, Revoked, nil},
		{1, Suspended, nil},
		{3, Revoked, nil},
		{15, Suspended, nil},
		{1, Valid, nil}, // lifting a suspension
		{16, Revoked, ErrIndexOutOfRange},
		{1 << 40, Revoked, ErrIndexOutOfRange},
		{^uint64(0), Revoked, ErrIndexOutOfRange},
		{2, 3, ErrInvalidStatus},
		{2, 4, ErrInvalidStatus},
	}
	want := make([]Status, 16)
	for _, st := range steps {
		err := l.Set(st.idx, st.s)
		if !errors.Is(err, st.wantErr) {
			t.Fatalf("Set(%d, %v) error = %v; want %v", st.idx, st.s, err, st.wantErr)
		}
		if err == nil {
			want[st.idx] = st.s
		}
	}
	for i, w := range want {
		got, err := l.Get(uint64(i))
		if err != nil || got != w {
			t.Errorf("Get(%d) = %v, %v; want %v", i, got, err, w)
		}
	}
	for _, idx := range []uint64{16, 17, 1 << 62, ^uint64(0)} {
		if _, err := l.Get(idx); !errors.Is(err, ErrIndexOutOfRange) {
			t.Errorf("Get(%d) error = %v; want ErrIndexOutOfRange", idx, err)
		}
	}
	// 0: revoked (01), 1: valid, 2: valid, 3: revoked -> 0b01_00_00_01.
	if got, want := l.Bytes()[0], byte(0x41); got != want {
		t.Errorf("byte 0 = %#02x; want %#02x", got, want)
	}
	if got, want := l.Count(), [4]int{13, 2, 1, 0}; got != want {
		t.Errorf("Count() = %v; want %v", got, want)
	}
}

// The 2-bit example of draft Section 4.1: statuses packed least
// significant bits first.
func TestDraftBitOrder(t *testing.T) {
	statuses := []Status{1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3}
	wantBytes := []byte{0xc9, 0x44, 0xf9}
	l, err := FromBytes(wantBytes)
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Len(); got != 12 {
		t.Fatalf("Len() = %d; want 12", got)
	}
	for i, want := range statuses {
		if got, err := l.Get(uint64(i)); err != nil || got != want {
			t.Errorf("Get(%d) = %v, %v; want %v", i, got, err, want)
		}
	}
	// Building the same array with Set (3 cannot be set: start from 0xff).
	m, _ := FromBytes([]byte{0xff, 0xff, 0xff})
	for i, s := range statuses {
		if s != 3 {
			if err := m.Set(uint64(i), s); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got := m.Bytes(); !bytes.Equal(got, wantBytes) {
		t.Errorf("Bytes() = %x; want %x", got, wantBytes)
	}
}

func TestFromBytes(t *testing.T) {
	if _, err := FromBytes(nil); !errors.Is(err, ErrInvalidSize) {
		t.Errorf("FromBytes(nil) error = %v; want ErrInvalidSize", err)
	}
	if _, err := FromBytes(make([]byte, MaxEntries/4+1)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("FromBytes(too large) error = %v; want ErrTooLarge", err)
	}
	src := []byte{1, 2, 3}
	l, err := FromBytes(src)
	if err != nil {
		t.Fatal(err)
	}
	src[0] = 0xff
	b := l.Bytes()
	b[1] = 0xff
	if got := l.Bytes(); !bytes.Equal(got, []byte{1, 2, 3}) {
		t.Errorf("list shares memory with its input or output: %x", got)
	}
}

func TestGetDoesNotAllocate(t *testing.T) {
	l := randomList(t, 1, DefaultSize, 0.01, Revoked)
	idx := uint64(0)
	allocs := testing.AllocsPerRun(1000, func() {
		_, _ = l.Get(idx)
		idx = (idx + 7919) % DefaultSize
	})
	if allocs != 0 {
		t.Errorf("Get allocates %v times per call; want 0", allocs)
	}
}
