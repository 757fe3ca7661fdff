package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/issuer/store/bolt"
	"github.com/rogpeppe/go-internal/testscript"
)

// TestServeScript runs testdata/serve/*.txtar: netcred serve in the
// background, driven over HTTP.
func TestServeScript(t *testing.T) {
	if testing.Short() {
		t.Skip("runs netcred serve")
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/serve",
		RequireExplicitExec: true,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"freeport":  cmdFreePort,
			"waitup":    cmdWaitUp,
			"httpdo":    cmdHTTPDo,
			"mkclient":  cmdMkClient,
			"issued":    cmdIssued,
			"trustinit": cmdTrustInit,
			"sleep":     cmdSleep,
			"mkrequest": cmdMkRequest,
			"offered":   cmdOffered,
		},
	})
}

// cmdFreePort sets the environment variable args[0] to a free TCP port of
// 127.0.0.1.
func cmdFreePort(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: freeport VAR")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	ts.Setenv(args[0], strconv.Itoa(port))
}

// cmdWaitUp waits until GET URL answers 200 (at most 30 s).
func cmdWaitUp(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitup URL")
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		// Up means ready: /healthz answers 503 "starting" until the
		// first publication of the status lists is served.
		resp, err := http.Get(args[0])
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		if time.Now().After(deadline) {
			ts.Fatalf("%s did not come up: %v", args[0], err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// cmdHTTPDo sends a request and prints the status on the first line of
// standard output, then the body: httpdo METHOD URL [TOKEN_FILE|-]
// [BODY_FILE] [Header:value...].
func cmdHTTPDo(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: httpdo METHOD URL [TOKEN_FILE|-] [BODY_FILE|-] [Header:value...]")
	}
	var body io.Reader
	if len(args) > 3 && args[3] != "-" {
		body = strings.NewReader(ts.ReadFile(args[3]))
	}
	req, err := http.NewRequest(args[0], args[1], body)
	ts.Check(err)
	if len(args) > 2 && args[2] != "-" {
		req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(ts.ReadFile(args[2])))
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, h := range args[min(len(args), 4):] {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	ts.Check(err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	ts.Check(err)
	fmt.Fprintf(ts.Stdout(), "%d\n%s", resp.StatusCode, data)
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		fmt.Fprintf(ts.Stdout(), "\ncontent-type: %s\n", ct)
	}
}

// cmdMkClient creates (or opens) a store and adds a client, writing its
// token to a file: mkclient DB BASE_URI NAME MAX_LEVEL TYPES SCOPE TOKEN_FILE.
func cmdMkClient(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 7 {
		ts.Fatalf("usage: mkclient DB BASE_URI NAME MAX_LEVEL TYPES SCOPE TOKEN_FILE")
	}
	st, err := bolt.Open(ts.MkAbs(args[0]), bolt.Options{})
	ts.Check(err)
	svc, err := issuer.Open(st, nil, issuer.Options{BaseURI: args[1]})
	ts.Check(err)
	level, err := credential.ParseLevel(args[3])
	ts.Check(err)
	token, _, err := svc.AddClient(args[2], level, strings.Split(args[4], ","), args[5])
	ts.Check(err)
	ts.Check(svc.Close())
	ts.Check(os.WriteFile(ts.MkAbs(args[6]), []byte(token+"\n"), 0o600))
}

// cmdIssued reads an httpdo answer of POST /v1/credentials: it sets VAR
// to the id and, given QR_VAR and QR_FILE, writes the QR text to QR_FILE:
// issued FILE VAR [QR_VAR QR_FILE].
func cmdIssued(ts *testscript.TestScript, neg bool, args []string) {
	if neg || (len(args) != 2 && len(args) != 4) {
		ts.Fatalf("usage: issued FILE VAR [QR_VAR QR_FILE]")
	}
	_, body, _ := strings.Cut(ts.ReadFile(args[0]), "\n")
	body, _, _ = strings.Cut(body, "\n")
	var a struct{ ID, QR string }
	ts.Check(json.Unmarshal([]byte(body), &a))
	if a.ID == "" {
		ts.Fatalf("no id in %q", body)
	}
	ts.Setenv(args[1], a.ID)
	if len(args) == 4 {
		ts.Check(os.WriteFile(ts.MkAbs(args[3]), []byte(a.QR+"\n"), 0o644))
	}
}

// cmdTrustInit runs netcred trust init --trust DIR --root-thumbprint with
// the thumbprint in a file: trustinit DIR THUMBPRINT_FILE.
func cmdTrustInit(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: trustinit DIR THUMBPRINT_FILE")
	}
	ts.Exec("netcred", "trust", "init", "--trust", args[0], "--root-thumbprint", strings.TrimSpace(ts.ReadFile(args[1])))
}

// cmdSleep waits: sleep DURATION.
func cmdSleep(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: sleep DURATION")
	}
	d, err := time.ParseDuration(args[0])
	ts.Check(err)
	time.Sleep(d)
}

// cmdMkRequest writes a POST /v1/credentials body: mkrequest OUT TYPE
// LEVEL CLAIMS_FILE [EVIDENCE_FILE...], each evidence file one object.
func cmdMkRequest(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 4 {
		ts.Fatalf("usage: mkrequest OUT TYPE LEVEL CLAIMS_FILE [EVIDENCE_FILE...]")
	}
	ev := []json.RawMessage{}
	for _, f := range args[4:] {
		ev = append(ev, json.RawMessage(strings.TrimSpace(ts.ReadFile(f))))
	}
	body, err := json.Marshal(map[string]any{"type": args[1], "level": args[2],
		"claims": json.RawMessage(strings.TrimSpace(ts.ReadFile(args[3]))), "evidence": ev})
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), body, 0o644))
}
