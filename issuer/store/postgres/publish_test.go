package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/issuer/store/postgres"
	"github.com/netcred/netcred/issuer/store/postgres/pgtest"
)

func TestCoordinator(t *testing.T) {
	u := pgtest.URL(t)
	ctx := context.Background()
	st, err := postgres.Open(ctx, u, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	a, b := st.Coordinator(), st.Coordinator()
	defer a.Close()
	defer b.Close()
	la, err := a.PublishLock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lb, err := b.PublishLock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !la || lb {
		t.Fatalf("lock: a %v, b %v; want a only", la, lb)
	}
	if again, _ := a.PublishLock(ctx); !again {
		t.Error("a lost the lock it holds")
	}
	if n, _ := a.LastAnnounced(ctx); n != 0 {
		t.Errorf("LastAnnounced before any change: %d; want 0", n)
	}
	drain(b.Wake())
	for want := uint64(1); want <= 3; want++ {
		n, err := b.Announce(ctx)
		if err != nil || n != want {
			t.Fatalf("Announce: %d, %v; want %d", n, err, want)
		}
	}
	if n, _ := a.LastAnnounced(ctx); n != 3 {
		t.Errorf("LastAnnounced: %d; want 3", n)
	}
	// A committed change that nobody announced (here: list 1, opened
	// with the store) still raises the change number.
	if _, err := issuer.Open(st, nil, issuer.Options{BaseURI: "https://issuer.example/status/", ListSize: 1 << 10}); err != nil {
		t.Fatal(err)
	}
	if n, _ := a.LastAnnounced(ctx); n != 4 {
		t.Errorf("LastAnnounced after a list opened without an announcement: %d; want 4", n)
	}
	waitWake(t, a.Wake(), "a change by b")
	if p, err := b.Publication(ctx, time.Time{}); p != nil || err != nil {
		t.Errorf("Publication before any: %v, %v; want nil, nil", p, err)
	}
	iat := time.Now().UTC().Truncate(time.Second)
	pub := &issuer.Publication{Covers: 4, IssuedAt: iat, Tokens: []issuer.PublishedToken{
		{URI: "https://issuer.example/status/1", Data: []byte{0xd2, 1}, IssuedAt: iat, Expiry: iat.Add(time.Hour), TTL: time.Minute},
		{URI: "https://issuer.example/status/2", Data: []byte{0xd2, 2}, IssuedAt: iat, Expiry: iat.Add(time.Hour), TTL: time.Minute},
	}}
	drain(b.Wake())
	if ok, err := a.PutPublication(ctx, pub); !ok || err != nil {
		t.Fatalf("PutPublication: %v, %v", ok, err)
	}
	waitWake(t, b.Wake(), "a publication by a")
	got, err := b.Publication(ctx, time.Time{})
	if err != nil || got == nil {
		t.Fatalf("Publication: %v, %v", got, err)
	}
	if !got.IssuedAt.Equal(iat) || got.Covers != 4 || len(got.Tokens) != 2 || got.Tokens[1].URI != pub.Tokens[1].URI ||
		string(got.Tokens[0].Data) != string(pub.Tokens[0].Data) || got.Tokens[0].TTL != time.Minute || !got.Tokens[0].Expiry.Equal(iat.Add(time.Hour)) {
		t.Errorf("Publication: %+v; want %+v", got, pub)
	}
	if p, _ := b.Publication(ctx, iat); p != nil {
		t.Error("Publication(after its own iat) is not nil")
	}
	older := &issuer.Publication{Covers: 9, IssuedAt: iat.Add(-time.Second)}
	if ok, err := b.PutPublication(ctx, older); ok || err != nil {
		t.Errorf("PutPublication of an older one: %v, %v; want false, nil", ok, err)
	}
	if ok, _ := b.PutPublication(ctx, &issuer.Publication{Covers: 9, IssuedAt: iat}); ok {
		t.Error("PutPublication of the same iat was stored")
	}
	// The publisher's connection dies (as when its process is killed):
	// the lock is free, b takes it, a no longer holds it.
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var killed int
	err = conn.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_locks
		WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&killed)
	if err != nil || killed != 1 {
		t.Fatalf("terminating the lock holder: %d terminated, %v; want 1", killed, err)
	}
	var took bool
	for end := time.Now().Add(5 * time.Second); !took && time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		took, _ = b.PublishLock(ctx)
	}
	if !took {
		t.Fatal("b did not take the lock of the dead connection")
	}
	if held, _ := a.PublishLock(ctx); held {
		t.Error("a still holds the lock after its connection died")
	}
	// The server releases the lock when b's session has ended, a moment
	// after b closed its connection.
	b.Close()
	held := false
	for end := time.Now().Add(5 * time.Second); !held && time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		held, _ = a.PublishLock(ctx)
	}
	if !held {
		t.Error("a did not take the lock b released")
	}
}

func drain(c <-chan struct{}) {
	select {
	case <-c:
	default:
	}
}

func waitWake(t *testing.T, c <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-c:
	case <-time.After(5 * time.Second):
		t.Errorf("no wake within 5 s after %s", what)
	}
}
