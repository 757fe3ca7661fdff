package postgres_test

import (
	"context"
	"sync"
	"testing"

	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/issuer/store/postgres"
	"github.com/netcred/netcred/issuer/store/postgres/pgtest"
	"github.com/netcred/netcred/issuer/store/storetest"
)

func TestStore(t *testing.T) {
	pgtest.Need(t)
	var urls sync.Map // *testing.T -> database URL, so that a reopen finds the same database
	storetest.Run(t, func(t *testing.T) issuer.Store {
		u, ok := urls.Load(t)
		if !ok {
			u, _ = urls.LoadOrStore(t, pgtest.URL(t))
		}
		st, err := postgres.Open(context.Background(), u.(string), postgres.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return st
	})
}
