package main

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

const syncSynopsis = `sync --from URL --trust DIR [--timeout D]

Refreshes a trust store over HTTP when online: fetches URL/bundle.jws and
URL/status/<name>.cwt for each status list the bundle names (any static web
server can serve them; netcred status publish --out writes that layout).
When the bundle has status prefixes, the lists under them are found in
URL/status/aggregation.json; entries outside every prefix are skipped.
Everything is verified before anything is replaced; verification itself
never uses the network.`

func runSync(args []string, e *env) int {
	fs := newFlags(e, "sync", syncSynopsis)
	from := fs.String("from", "", "distribution point base URL (required)")
	dir := fs.String("trust", "", "trust store directory (required)")
	timeout := 30 * time.Second
	fs.Var(durationFlag{d: &timeout}, "timeout", "give up after this long (default 30s)")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if *from == "" || *dir == "" || len(rest) > 0 {
		errorf(e, "sync needs --from URL and --trust DIR")
		hint(e, "netcred sync --from https://id.example.cn/trust --trust ./trust")
		return exitUsage
	}
	store, code := openStore(e, *dir)
	if store == nil {
		return code
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	client := &http.Client{Timeout: timeout}
	rep, err := store.Sync(ctx, *from, client, func(format string, args ...any) {
		fmt.Fprintf(e.stderr, progName+": "+format+"\n", args...)
	})
	if err != nil {
		return trustUpdateError(e, *dir, *from, err)
	}
	printUpdate(e, rep)
	return exitOK
}
