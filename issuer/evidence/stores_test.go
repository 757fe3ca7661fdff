package evidence

import (
	"context"
	"fmt"
	"testing"
	"time"
)

func TestMemoryReplay(t *testing.T) {
	now := testNow
	r := &MemoryReplay{Now: func() time.Time { return now }}
	ctx := context.Background()
	mark := func(id string, until time.Time, want bool) {
		t.Helper()
		fresh, err := r.MarkUsed(ctx, id, until)
		if err != nil || fresh != want {
			t.Fatalf("MarkUsed(%s) = %v, %v; want %v", id, fresh, err, want)
		}
	}
	mark("a", now.Add(time.Hour), true)
	mark("a", now.Add(time.Hour), false)
	mark("b", now.Add(time.Minute), true)
	now = now.Add(2 * time.Minute)
	mark("b", now.Add(time.Minute), true) // b's record had expired
	mark("a", now.Add(time.Hour), false)
	for i := range 200 {
		mark(fmt.Sprint("x", i), now.Add(time.Second), true)
	}
	now = now.Add(time.Hour)
	mark("x0", now.Add(time.Hour), true) // expired records do not count
	for i := range 60 {
		mark(fmt.Sprint("y", i), now.Add(time.Hour), true)
	}
	if r.Len() > 100 {
		t.Errorf("%d records kept after most expired; want them dropped", r.Len())
	}
}

func TestMemoryTerminals(t *testing.T) {
	m := &MemoryTerminals{}
	k := seededKey(t, 9).Public()
	if got, err := m.TerminalKey(context.Background(), "t"); got != nil || err != nil {
		t.Errorf("empty: got %v, %v; want nil, nil", got, err)
	}
	m.Add("t", k)
	if got, _ := m.TerminalKey(context.Background(), "t"); got != k {
		t.Errorf("got %v; want %v", got, k)
	}
	m.Remove("t")
	if got, _ := m.TerminalKey(context.Background(), "t"); got != nil {
		t.Errorf("removed: got %v; want nil", got)
	}
}
