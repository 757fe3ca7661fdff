package main

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/keys"
)

const terminalsUsage = `Usage:
  netcred terminals add --db PATH --name NAME --key PUBLIC_JWK
      register a secured enrollment terminal by its public key (a JWK file,
      or the JWK itself): document checks it signs can earn level high
  netcred terminals list --db PATH
      print every terminal: name, key thumbprint, added
  netcred terminals remove --db PATH NAME
      remove a terminal: its attestations earn nothing from then on

Run netcred terminals COMMAND -h for the flags.

Example:
  netcred terminals add --db issuer.db --name police-7 --key police-7.pub.jwk
`

func runTerminals(args []string, e *env) int {
	return runGroup(e, "terminals", terminalsUsage, args, map[string]func([]string, *env) int{
		"add": runTerminalsAdd, "list": runTerminalsList, "remove": runTerminalsRemove,
	})
}

func runTerminalsAdd(args []string, e *env) int {
	const example = "netcred terminals add --db issuer.db --name police-7 --key police-7.pub.jwk"
	c := newStoreCommand(e, "terminals add", "terminals add --db PATH --name NAME --key PUBLIC_JWK", example, false)
	name := c.fs.String("name", "", "the terminal's name, as its evidence names it (required)")
	keyArg := c.fs.String("key", "", "the terminal's public key: a JWK file, or the JWK (required)")
	_, db, code, ok := c.parse(args, noArgs, "")
	if !ok {
		return code
	}
	if *name == "" || *keyArg == "" {
		errorf(e, "terminals add needs --name and --key")
		hint(e, "%s", example)
		return exitUsage
	}
	jwk := []byte(*keyArg)
	if !strings.HasPrefix(strings.TrimSpace(*keyArg), "{") {
		var err error
		if jwk, err = readText(e, *keyArg, maxSmallFile); err != nil {
			errorf(e, "--key: %v", err)
			fileHint(e, err)
			return exitUsage
		}
	}
	if _, err := keys.ParsePublicJWK(jwk); err != nil {
		errorf(e, "--key: %v", err)
		hint(e, "give the terminal's public JWK, e.g. from netcred keys public terminal.jwk")
		return exitUsage
	}
	e.storeUse = useRegister
	svc, code := openService(e, db, nil, issuer.Options{}, false)
	if svc == nil {
		return code
	}
	defer svc.Close()
	t, err := svc.AddTerminal(*name, jwk)
	if err != nil {
		errorf(e, "%v", err)
		if errors.Is(err, issuer.ErrExists) {
			hint(e, "remove the old registration first: netcred terminals remove --db %s %s", displayDB(db), *name)
		}
		return exitUsage
	}
	pub, _ := keys.ParsePublicJWK(t.Key)
	fmt.Fprintf(e.stderr, "%s: registered terminal %s, key %s\n", progName, t.Name, pub.Thumbprint())
	return exitOK
}

func runTerminalsList(args []string, e *env) int {
	_, db, code, ok := newStoreCommand(e, "terminals list", "terminals list --db PATH", "netcred terminals list --db issuer.db", false).parse(args, noArgs, "")
	if !ok {
		return code
	}
	e.storeUse = useRegister
	svc, code := openService(e, db, nil, issuer.Options{}, true)
	if svc == nil {
		return code
	}
	defer svc.Close()
	terms, err := svc.Terminals()
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tKEY THUMBPRINT\tADDED")
	for _, t := range terms {
		thumb := "(unreadable key)"
		if pub, err := keys.ParsePublicJWK(t.Key); err == nil {
			thumb = pub.Thumbprint()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", t.Name, thumb, t.Added.Format(time.RFC3339))
	}
	tw.Flush()
	return exitOK
}

func runTerminalsRemove(args []string, e *env) int {
	const example = "netcred terminals remove --db issuer.db police-7"
	rest, db, code, ok := newStoreCommand(e, "terminals remove", "terminals remove --db PATH NAME", example, false).parse(args, oneArg, "terminal name")
	if !ok {
		return code
	}
	e.storeUse = useRegister
	svc, code := openService(e, db, nil, issuer.Options{}, false)
	if svc == nil {
		return code
	}
	defer svc.Close()
	if err := svc.RemoveTerminal(rest[0]); err != nil {
		errorf(e, "%v", err)
		if errors.Is(err, issuer.ErrNotFound) {
			hint(e, "netcred terminals list --db %s shows the terminals", displayDB(db))
		}
		return exitUsage
	}
	fmt.Fprintf(e.stderr, "%s: removed terminal %s\n", progName, rest[0])
	return exitOK
}
