package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/qrimage"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/schemas"
)

const issueSynopsis = `issue --key FILE --type T --level L --claims FILE.json [--valid-for DURATION] [--png FILE]
      [--holder-key PUBLIC_JWK]
      [--db PATH [--status-uri BASE_URI] [--list-size N]]
   or: issue --key FILE --db PATH --batch SUBJECTS.jsonl|.csv --out FILE [--type T] [--level L]
      [--errors FILE] [--batch-id ID] [--valid-for DURATION] [--status-uri BASE_URI]

Signs a credential with the issuer key and prints its QR text on standard
output. The claims file is a JSON object of the type's claims, checked
against the schema before anything is signed.

With --holder-key, the credential carries the holder's device key in cnf
(netcred holder keys new writes one): a verifier that requires holder
binding then accepts it only as a presentation netcred present signs with
that key.

With --db, the credential gets a random, never reused index in one of the
issuer's status lists and is recorded (no claims) in the issuer store PATH,
so that it can be revoked, suspended and reinstated later; its id
(LIST_URI#INDEX) is printed on standard error. The first use creates the
store and needs --status-uri, the prefix of the lists' URIs (list N is
BASE_URI followed by N). --status-dir DIR is the same as --db DIR/issuer.db.
While netcred serve holds the store, issue through its HTTP API instead.

With --batch, one credential per subject of a JSON Lines file (one claims
object per line; the members "ref", "type", "level" and "valid_for" are
the line's settings, overriding the flags) or a .csv file (a header row of
claim names and those settings; cells typed by the schema, an empty cell
leaves the claim out), each recorded in the store --db names and appended
to --out as a JSON line {"line","ref","id","qr","expires"} once durable.
A line that fails is written to --errors (default OUT.errors) with its
reason and the batch goes on; exit status 1 if any failed. Run the same
command again after an interruption or to retry failed lines: the lines in
--out are skipped, and none is issued twice (the store records each line's
credential with it). A progress bar shows on a terminal.

Example:
  netcred issue --key issuer.jwk --type identity --level substantial \
      --claims alice.json --png alice.png \
      --db issuer.db --status-uri https://issuer.example/status/ > alice.txt`

func runIssue(args []string, e *env) int {
	fs := newFlags(e, "issue", issueSynopsis)
	keyFile := fs.String("key", "", "issuer private key file (required)")
	passFile := fs.String("passphrase-file", "", "passphrase of an encrypted key file")
	typeName := fs.String("type", "", "credential type, e.g. identity or ticket (required)")
	levelName := fs.String("level", "", "assurance level: low, substantial or high (required)")
	evidenceName := fs.String("evidence", "", "how identity was established: self_asserted, remote_face_match, in_person_document (default: the weakest that supports the level)")
	claimsFile := fs.String("claims", "", "JSON file of the subject's claims, - for standard input (required)")
	validFor := issuer.DefaultValidity
	fs.Var(durationFlag{d: &validFor}, "valid-for", "validity period, e.g. 36h, 30d, 1y (default 1y)")
	pngFile := fs.String("png", "", "also write the QR code as a PNG image to this file")
	holderKeyFile := fs.String("holder-key", "", "bind the credential to this holder public JWK (netcred holder keys new): it goes into cnf")
	schemaFiles := fs.String("schemas", "", "comma-separated operator-defined schema files to load")
	iss := fs.String("iss", "", "issuer id to write as the iss claim (default: none; verifiers know the issuer by key)")
	statusDir := fs.String("status-dir", "", "same as --db DIR/issuer.db")
	db := fs.String("db", "", "give the credential a status list entry and record it in this issuer store (created with --status-uri)")
	statusURI := fs.String("status-uri", "", "base URI of the status lists, needed when --status-dir is created (e.g. https://issuer.example/status/)")
	listSize := fs.Int("list-size", 0, "entries per status list when --status-dir is created (default 1048576)")
	batchFile := fs.String("batch", "", "issue one credential per line of this JSONL or .csv file (needs --db and --out; see netcred issue -h)")
	outFile := fs.String("out", "", "with --batch: the output file, one JSON line per credential, appended; rerun to resume")
	errorsFile := fs.String("errors", "", "with --batch: the file of the lines that failed (default: OUT.errors)")
	batchIDFlag := fs.String("batch-id", "", "with --batch: the batch's id in the store (default: a digest of --out's absolute path)")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		errorf(e, "issue takes no arguments, got %q", rest)
		return exitUsage
	}
	if *batchFile != "" && *holderKeyFile != "" {
		errorf(e, "--holder-key binds one credential to one device key; it does not go with --batch")
		hint(e, "issue device-bound credentials one at a time, or through the service's holder_key")
		return exitUsage
	}
	if *batchFile != "" || *outFile != "" || *errorsFile != "" || *batchIDFlag != "" {
		return issueBatch(e, issueBatchFlags{batch: *batchFile, out: *outFile, errs: *errorsFile, id: *batchIDFlag,
			key: *keyFile, pass: *passFile, typeName: *typeName, level: *levelName, evidence: *evidenceName, claims: *claimsFile,
			validFor: validFor, png: *pngFile, schemas: *schemaFiles, iss: *iss, db: dbPath(*db, *statusDir), statusURI: *statusURI, listSize: *listSize})
	}
	for flagName, v := range map[string]string{"key": *keyFile, "type": *typeName, "level": *levelName, "claims": *claimsFile} {
		if v == "" {
			errorf(e, "issue needs --%s", flagName)
			hint(e, "netcred issue --key issuer.jwk --type identity --level substantial --claims claims.json")
			return exitUsage
		}
	}
	dbFile := dbPath(*db, *statusDir)
	if dbFile == "" && (*statusURI != "" || *listSize != 0) {
		errorf(e, "--status-uri and --list-size need --db (or --status-dir)")
		return exitUsage
	}
	level, err := credential.ParseLevel(*levelName)
	if err != nil {
		errorf(e, "%v", err)
		hint(e, levelHint)
		return exitUsage
	}
	var evidence credential.Evidence
	if *evidenceName != "" {
		if evidence, err = credential.ParseEvidence(*evidenceName); err != nil {
			errorf(e, "%v", err)
			hint(e, "evidence is self_asserted (low), remote_face_match (substantial) or in_person_document (high); leave --evidence out for the weakest the level allows")
			return exitUsage
		}
	}
	registry, err := loadRegistry(*schemaFiles)
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	claimsJSON, err := readText(e, *claimsFile, maxSmallFile)
	if err != nil {
		errorf(e, "claims: %v", err)
		fileHint(e, err)
		return exitUsage
	}
	claims, err := decodeClaimsJSON(claimsJSON)
	if err != nil {
		errorf(e, "%s: %v", *claimsFile, err)
		hint(e, "the claims file is one JSON object naming each claim once, e.g. {\"name\": \"王小明\", \"id_number\": \"11010519491231002X\", \"birth_date\": \"1949-12-31\"}")
		return exitUsage
	}
	key, code := loadPrivate(e, *keyFile, *passFile)
	if key == nil {
		return code
	}
	is := issuer.New(key, registry)
	is.ID = *iss
	is.Now = e.now
	req := issuer.Request{Type: *typeName, Level: level, Evidence: evidence, Claims: claims, ValidFor: validFor}
	if *holderKeyFile != "" {
		if req.HolderKey, code = loadHolderKey(e, *holderKeyFile); req.HolderKey == nil {
			return code
		}
	}
	var issued *issuer.Issued
	if dbFile != "" {
		if *statusURI != "" && !strings.HasSuffix(*statusURI, "/") {
			warnf(e, "--status-uri %s does not end with /: lists will be named %s1, %s2, ...", *statusURI, *statusURI, *statusURI)
		}
		d, code := openService(e, dbFile, is, issuer.Options{BaseURI: *statusURI, ListSize: *listSize, Reserve: 1}, false)
		if d == nil {
			return code
		}
		defer d.Close()
		issued, err = d.Issue(req, issuer.IssueInfo{})
	} else {
		issued, err = is.Issue(req)
	}
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	// The credential exists now (and may be recorded): print it before
	// anything else can fail, so that it is never lost.
	fmt.Fprintln(e.stdout, issued.QR)
	fmt.Fprintf(e.stderr, "%s: issued %s credential at level %s (evidence %s), valid until %s (%d QR characters)\n",
		progName, *typeName, level, issued.Claims.Evidence, issued.Claims.Expiry.Format(time.RFC3339), len(issued.QR))
	if issued.Claims.Status != nil {
		fmt.Fprintf(e.stderr, "%s: credential id %s\n", progName, issuer.CredentialID(issued.Claims.Status))
	}
	if *pngFile != "" {
		if err := writePNG(*pngFile, issued.QR); err != nil {
			errorf(e, "the credential was issued (QR text above) but its PNG was not written: %v", err)
			return exitUsage
		}
	}
	return exitOK
}

// decodeClaimsJSON parses the claims file strictly (schemas.ParseClaimsJSON:
// duplicate members, invalid UTF-8, lone surrogates and a byte-order mark
// refused, the member named), numbers kept exact.
func decodeClaimsJSON(data []byte) (map[string]any, error) {
	return schemas.ParseClaimsJSON(data)
}

// loadRegistry returns the built-in schemas plus operator-defined ones.
func loadRegistry(files string) (*schemas.Registry, error) {
	r := schemas.Builtin()
	if files == "" {
		return r, nil
	}
	for _, f := range splitList(files) {
		if err := checkFile(f, maxSmallFile); err != nil {
			return nil, err
		}
		if err := r.LoadFile(f); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func writePNG(name, text string) error {
	png, err := qrimage.PNG(text, 512)
	if err != nil {
		return err
	}
	return os.WriteFile(name, png, 0o644)
}
