package main

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer"
)

const clientsUsage = `Usage:
  netcred clients add --db PATH --name NAME --max-level LEVEL --types T,...
        [--scope issue|admin] [--status-uri BASE_URI]
      add an enrollment client of the HTTP API (netcred serve) and print its
      bearer token once, as the last line; only its SHA-256 hash is stored
  netcred clients list --db PATH
      print every client: name, max level, types, scope, added, revoked
  netcred clients revoke --db PATH NAME
      revoke a client's token: the service refuses it from then on

A client may request credentials of its types up to its max level, and
revoke or suspend what it issued; a client with --scope admin may change the
status of any credential. Run netcred clients COMMAND -h for the flags.

Example:
  netcred clients add --db issuer.db --name mini-app --max-level substantial --types identity
`

func runClients(args []string, e *env) int {
	return runGroup(e, "clients", clientsUsage, args, map[string]func([]string, *env) int{
		"add": runClientsAdd, "list": runClientsList, "revoke": runClientsRevoke,
	})
}

// runGroup dispatches a command with subcommands.
func runGroup(e *env, name, usage string, args []string, subs map[string]func([]string, *env) int) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return exitUsage
	}
	if run, ok := subs[args[0]]; ok {
		return run(args[1:], e)
	}
	switch args[0] {
	case "-h", "--help", "-help", "help":
		fmt.Fprint(e.stdout, usage)
		return exitOK
	}
	errorf(e, "unknown %s command %q", name, args[0])
	hint(e, "netcred %s -h lists its commands", name)
	return exitUsage
}

func runClientsAdd(args []string, e *env) int {
	const example = "netcred clients add --db issuer.db --name mini-app --max-level substantial --types identity"
	c := newStoreCommand(e, "clients add", "clients add --db PATH --name NAME --max-level LEVEL --types T,... [--scope issue|admin] [--status-uri BASE_URI]", example, false)
	fs := c.fs
	name := fs.String("name", "", "the client's name: letters, digits, '.', '_', '-' (required)")
	maxLevel := fs.String("max-level", "", "highest level it may request: low, substantial or high (required)")
	types := fs.String("types", "", "comma-separated credential types it may request (required)")
	scope := fs.String("scope", issuer.ScopeIssue, "issue, or admin to change the status of any credential")
	statusURI := fs.String("status-uri", "", "base URI of the status lists, when this creates a new store")
	_, db, code, ok := c.parse(args, noArgs, "")
	if !ok {
		return code
	}
	for flagName, v := range map[string]string{"name": *name, "max-level": *maxLevel, "types": *types} {
		if v == "" {
			errorf(e, "clients add needs --%s", flagName)
			hint(e, "%s", example)
			return exitUsage
		}
	}
	level, err := credential.ParseLevel(*maxLevel)
	if err != nil {
		errorf(e, "%v", err)
		hint(e, levelHint)
		return exitUsage
	}
	e.storeUse = useRegister
	svc, code := openService(e, db, nil, issuer.Options{BaseURI: *statusURI}, false)
	if svc == nil {
		return code
	}
	defer svc.Close()
	token, added, err := svc.AddClient(*name, level, splitList(*types), *scope)
	if err != nil {
		errorf(e, "%v", err)
		if errors.Is(err, issuer.ErrExists) {
			hint(e, "client names are unique; netcred clients list --db %s shows them", displayDB(db))
		}
		return exitUsage
	}
	fmt.Fprintf(e.stderr, "%s: added client %s (max level %s, types %s, scope %s); its token follows, shown this once\n",
		progName, added.Name, added.MaxLevel, strings.Join(added.Types, ","), added.Scope)
	fmt.Fprintln(e.stdout, token)
	return exitOK
}

func runClientsList(args []string, e *env) int {
	_, db, code, ok := newStoreCommand(e, "clients list", "clients list --db PATH", "netcred clients list --db issuer.db", false).parse(args, noArgs, "")
	if !ok {
		return code
	}
	e.storeUse = useRegister
	svc, code := openService(e, db, nil, issuer.Options{}, true)
	if svc == nil {
		return code
	}
	defer svc.Close()
	clients, err := svc.Clients()
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tMAX LEVEL\tTYPES\tSCOPE\tADDED\tREVOKED")
	for _, c := range clients {
		revoked := "-"
		if !c.Revoked.IsZero() {
			revoked = c.Revoked.Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", c.Name, c.MaxLevel, strings.Join(c.Types, ","), c.Scope, c.Created.Format(time.RFC3339), revoked)
	}
	tw.Flush()
	return exitOK
}

func runClientsRevoke(args []string, e *env) int {
	const example = "netcred clients revoke --db issuer.db mini-app"
	c := newStoreCommand(e, "clients revoke", "clients revoke --db PATH NAME (or --name NAME)", example, false)
	name := c.fs.String("name", "", "the client to revoke (or give NAME as the argument)")
	rest, db, code, ok := c.parse(args, anyArgs, "")
	if !ok {
		return code
	}
	if *name != "" {
		rest = append(rest, *name)
	}
	if len(rest) != 1 {
		errorf(e, "clients revoke needs exactly one client name")
		hint(e, "%s", example)
		return exitUsage
	}
	e.storeUse = useRegister
	svc, code := openService(e, db, nil, issuer.Options{}, false)
	if svc == nil {
		return code
	}
	defer svc.Close()
	if err := svc.RevokeClient(rest[0]); err != nil {
		errorf(e, "%v", err)
		if errors.Is(err, issuer.ErrNotFound) {
			hint(e, "netcred clients list --db %s shows the clients", displayDB(db))
		}
		return exitUsage
	}
	fmt.Fprintf(e.stderr, "%s: revoked client %s: its token is refused from now on\n", progName, rest[0])
	return exitOK
}
