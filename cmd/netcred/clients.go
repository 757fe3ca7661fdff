package main

import (
	"fmt"
	"strings"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer"
)

const clientsUsage = `Usage: netcred clients <command> [flags]

Manages the enrollment clients of the issuer service (netcred serve): each
has a bearer token, the credential types it may request and the highest
level. Only a hash of a token is stored.

Commands:
  add      add a client and print its token (once) as the last line
  list     list the clients
  revoke   revoke a client's token

Run "netcred clients <command> -h" for its flags.

Example:
  netcred clients add --db issuer.db --name miniapp --max-level substantial --types identity
`

func runClients(args []string, e *env) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, clientsUsage)
		return exitUsage
	}
	switch args[0] {
	case "add":
		return runClientsAdd(args[1:], e)
	case "list":
		return runClientsList(args[1:], e)
	case "revoke":
		return runClientsRevoke(args[1:], e)
	case "-h", "--help", "-help", "help":
		fmt.Fprint(e.stdout, clientsUsage)
		return exitOK
	}
	errorf(e, "unknown clients command %q", args[0])
	hint(e, "netcred clients -h lists its commands")
	return exitUsage
}

func runClientsAdd(args []string, e *env) int {
	fs := newFlags(e, "clients add", `clients add --db PATH --name N --max-level L --types T,... [--scope issue|admin] [--status-uri BASE_URI]

Adds an enrollment client and prints its bearer token, once, as the last
line of standard output. A client of scope issue (the default) may request
the given types up to the level, and revoke or suspend what it was issued;
one of scope admin may also change the status of any credential.

Example:
  netcred clients add --db issuer.db --name miniapp --max-level substantial --types identity`)
	db := fs.String("db", "", "the issuer store (required)")
	name := fs.String("name", "", "the client's name (required)")
	levelName := fs.String("max-level", "", "highest level it may request: low, substantial or high (required)")
	types := fs.String("types", "", "comma-separated credential types it may request (required)")
	scope := fs.String("scope", issuer.ScopeIssue, "issue, or admin to change the status of any credential")
	statusURI := fs.String("status-uri", "", "base URI of the status lists, when --db is created")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 || *db == "" || *name == "" || *levelName == "" || *types == "" {
		errorf(e, "clients add needs --db, --name, --max-level and --types")
		hint(e, "netcred clients add --db issuer.db --name miniapp --max-level substantial --types identity")
		return exitUsage
	}
	level, err := credential.ParseLevel(*levelName)
	if err != nil {
		errorf(e, "%v", err)
		hint(e, "levels are low, substantial and high")
		return exitUsage
	}
	svc, code := openService(e, *db, nil, issuer.Options{BaseURI: *statusURI}, false)
	if svc == nil {
		return code
	}
	defer svc.Close()
	token, c, err := svc.AddClient(*name, level, strings.Split(*types, ","), *scope)
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	fmt.Fprintf(e.stderr, "%s: client %s may request %s up to %s (scope %s); its token follows, shown this once\n",
		progName, c.Name, strings.Join(c.Types, ", "), c.MaxLevel, c.Scope)
	fmt.Fprintln(e.stdout, token)
	return exitOK
}

func runClientsList(args []string, e *env) int {
	fs := newFlags(e, "clients list", `clients list --db PATH

Prints one line per client: name, scope, max level, types, when it was
added, and whether its token is active or revoked.

Example:
  netcred clients list --db issuer.db`)
	db := fs.String("db", "", "the issuer store (required)")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 || *db == "" {
		errorf(e, "clients list needs --db")
		return exitUsage
	}
	svc, code := openService(e, *db, nil, issuer.Options{}, true)
	if svc == nil {
		return code
	}
	defer svc.Close()
	cs, err := svc.Clients()
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	for _, c := range cs {
		state := "active"
		if !c.Revoked.IsZero() {
			state = "revoked " + stamp(c.Revoked)
		}
		fmt.Fprintf(e.stdout, "%s\tscope=%s\tmax-level=%s\ttypes=%s\tcreated=%s\t%s\n",
			c.Name, c.Scope, c.MaxLevel, strings.Join(c.Types, ","), stamp(c.Created), state)
	}
	return exitOK
}

func runClientsRevoke(args []string, e *env) int {
	fs := newFlags(e, "clients revoke", `clients revoke --db PATH --name N

Revokes a client's token: the service answers 401 to it from then on.

Example:
  netcred clients revoke --db issuer.db --name miniapp`)
	db := fs.String("db", "", "the issuer store (required)")
	name := fs.String("name", "", "the client to revoke (required)")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 || *db == "" || *name == "" {
		errorf(e, "clients revoke needs --db and --name")
		return exitUsage
	}
	svc, code := openService(e, *db, nil, issuer.Options{}, false)
	if svc == nil {
		return code
	}
	defer svc.Close()
	if err := svc.RevokeClient(*name); err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	fmt.Fprintf(e.stderr, "%s: client %s revoked: its token authenticates no more\n", progName, *name)
	return exitOK
}
