package issuer

import (
	"context"
	"testing"
	"time"
)

func TestLocalCoordinator(t *testing.T) {
	ctx := context.Background()
	c := CoordinatorOf(nil)
	if _, ok := c.(*LocalCoordinator); !ok {
		t.Fatalf("CoordinatorOf a store that is not shared: %T; want *LocalCoordinator", c)
	}
	if held, err := c.PublishLock(ctx); !held || err != nil {
		t.Errorf("PublishLock: %v, %v; want true (one process publishes alone)", held, err)
	}
	for want := uint64(1); want <= 2; want++ {
		if n, _ := c.Announce(ctx); n != want {
			t.Errorf("Announce: %d; want %d", n, want)
		}
	}
	if n, _ := c.LastAnnounced(ctx); n != 2 {
		t.Errorf("LastAnnounced: %d; want 2", n)
	}
	t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		iat  time.Time
		want bool
	}{
		{"first", t0, true},
		{"same iat", t0, false},
		{"older", t0.Add(-time.Second), false},
		{"later", t0.Add(time.Second), true},
	}
	for _, tt := range tests {
		if got, err := c.PutPublication(ctx, &Publication{IssuedAt: tt.iat, Covers: 2}); got != tt.want || err != nil {
			t.Errorf("PutPublication %s: %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
	if p, _ := c.Publication(ctx, t0); p == nil || !p.IssuedAt.Equal(t0.Add(time.Second)) {
		t.Errorf("Publication after t0: %v; want the later one", p)
	}
	if p, _ := c.Publication(ctx, t0.Add(time.Second)); p != nil {
		t.Errorf("Publication after the last iat: %v; want nil", p)
	}
	select {
	case <-c.Wake():
		t.Error("a LocalCoordinator woke: no other process may wake it")
	default:
	}
}
