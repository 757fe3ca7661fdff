package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer/evidence"
)

const evidenceUsage = `Usage:
  netcred evidence sign --terminal-key KEY --claims FILE.json [--terminal NAME]
      sign a document check as a terminal: print the evidence object
      {"method":"document_check","terminal":NAME,"attestation":JWS} that
      an enrollment request carries to earn level high (spec/evidence.md)
  netcred evidence digest --claims FILE.json
      print the claims digest an attestation covers: SHA-256 of the
      claims' RFC 8785 canonical form, unpadded base64url
  netcred evidence check --terminal-key KEY --claims FILE.json [--policy FILE] EVIDENCE.json...
      evaluate evidence objects as the issuer does, with KEY as the one
      registered terminal, and print the level they earn and why items
      are refused (exit 1 when one is)

Run netcred evidence COMMAND -h for a command's flags.

Example:
  netcred evidence sign --terminal-key police-01.jwk --terminal police-01 --claims alice.json > evidence.json
  netcred evidence check --terminal-key police-01.pub.jwk --terminal police-01 --claims alice.json evidence.json
`

func runEvidence(args []string, e *env) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, evidenceUsage)
		return exitUsage
	}
	switch args[0] {
	case "sign":
		return runEvidenceSign(args[1:], e)
	case "digest":
		return runEvidenceDigest(args[1:], e)
	case "check":
		return runEvidenceCheck(args[1:], e)
	case "-h", "--help", "-help", "help":
		fmt.Fprint(e.stdout, evidenceUsage)
		return exitOK
	}
	errorf(e, "unknown evidence command %q", args[0])
	hint(e, "netcred evidence -h lists its commands")
	fmt.Fprint(e.stderr, evidenceUsage)
	return exitUsage
}

const evidenceSignSynopsis = `evidence sign --terminal-key KEY --claims FILE.json [--terminal NAME] [--valid-for DURATION]

Signs a document check as the terminal whose private key is KEY and prints
the evidence object on one line of standard output: the reference for a
terminal's software. The attestation (a JWS, EdDSA or ES256 by the key)
names the terminal, the time, a fresh jti and the digest of the claims
file, which must be the claims the request then carries, byte for byte
or in any spelling with the same RFC 8785 canonical form. The issuer
accepts it once, within its policy's maximum age (5 minutes by default).

Example:
  netcred evidence sign --terminal-key police-01.jwk --terminal police-01 --claims alice.json > evidence.json`

func runEvidenceSign(args []string, e *env) int {
	fs := newFlags(e, "evidence sign", evidenceSignSynopsis)
	keyFile := fs.String("terminal-key", "", "the terminal's private key file (required)")
	passFile := fs.String("passphrase-file", "", "passphrase of an encrypted key file")
	claimsFile := fs.String("claims", "", "JSON file of the subject's claims, - for standard input (required)")
	terminal := fs.String("terminal", "", "the terminal's registered name (default: the key's kid)")
	var validFor time.Duration
	fs.Var(durationFlag{d: &validFor}, "valid-for", "also write an exp this long after now (default: none; the issuer's policy bounds the age)")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		errorf(e, "evidence sign takes no arguments, got %q", rest)
		return exitUsage
	}
	if *keyFile == "" || *claimsFile == "" {
		errorf(e, "evidence sign needs --terminal-key and --claims")
		hint(e, "netcred evidence sign --terminal-key police-01.jwk --terminal police-01 --claims alice.json")
		return exitUsage
	}
	key, code := loadPrivate(e, *keyFile, *passFile)
	if key == nil {
		return code
	}
	name := *terminal
	if name == "" {
		name = key.Public().KIDString()
	}
	if !evidence.ValidTerminalName(name) {
		errorf(e, "terminal name %q is not allowed", name)
		hint(e, "a terminal name is 1 to %d characters of A-Z a-z 0-9 . _ -, as registered with netcred terminals add --name", evidence.MaxTerminalName)
		return exitUsage
	}
	digest, code := readClaimsDigest(e, *claimsFile)
	if code != exitOK {
		return code
	}
	now := e.now().UTC()
	a := evidence.Attestation{Terminal: name, IssuedAt: now, ClaimsDigest: digest}
	if validFor > 0 {
		a.Expiry = now.Add(validFor)
	}
	jws, err := evidence.SignAttestation(key, a)
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	out, err := json.Marshal(evidence.Item{Method: evidence.MethodDocumentCheck, Terminal: name, Attestation: jws})
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	fmt.Fprintf(e.stdout, "%s\n", out)
	return exitOK
}

// readClaimsDigest reads a claims file and digests it.
func readClaimsDigest(e *env, name string) (evidence.Digest, int) {
	data, err := readText(e, name, maxSmallFile)
	if err != nil {
		errorf(e, "claims: %v", err)
		fileHint(e, err)
		return evidence.Digest{}, exitUsage
	}
	d, err := evidence.ClaimsDigest(data)
	if err != nil {
		errorf(e, "%s: %v", name, err)
		hint(e, "the claims file is one JSON object naming each claim once, as the request's \"claims\" carries it")
		return evidence.Digest{}, exitUsage
	}
	return d, exitOK
}

const evidenceDigestSynopsis = `evidence digest --claims FILE.json

Prints the digest that a terminal's attestation covers (its claims_digest):
the SHA-256 of the claims' RFC 8785 canonical form, as unpadded base64url.

Example:
  netcred evidence digest --claims alice.json`

func runEvidenceDigest(args []string, e *env) int {
	fs := newFlags(e, "evidence digest", evidenceDigestSynopsis)
	claimsFile := fs.String("claims", "", "JSON file of the subject's claims, - for standard input (required)")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 || *claimsFile == "" {
		errorf(e, "evidence digest needs --claims FILE and no arguments")
		hint(e, "netcred evidence digest --claims alice.json")
		return exitUsage
	}
	d, code := readClaimsDigest(e, *claimsFile)
	if code != exitOK {
		return code
	}
	fmt.Fprintln(e.stdout, d)
	return exitOK
}

const evidenceCheckSynopsis = `evidence check --terminal-key KEY --claims FILE.json [--terminal NAME] [--policy FILE] [--level L] EVIDENCE.json...

Evaluates evidence objects as the issuer's service does, with KEY (a public
or private key file) registered as the one terminal NAME (default: the
key's kid), and prints the decision as JSON: the level earned, the
evidence method the credential would carry, and each refused item with
its reason code. Each file holds one evidence object or a JSON array of
them. Attestations are checked for replay within this run only.
Exit 0 when no item is refused (and the level earned is at least --level),
1 otherwise.

Example:
  netcred evidence check --terminal-key police-01.pub.jwk --terminal police-01 --claims alice.json evidence.json`

// checkResult is what evidence check prints.
type checkResult struct {
	Level    credential.Level    `json:"level"`
	Evidence credential.Evidence `json:"evidence"`
	Method   evidence.Method     `json:"method,omitempty"`
	Terminal string              `json:"terminal,omitempty"`
	Time     string              `json:"time"`
	Refused  []checkRefusal      `json:"refused,omitempty"`
	Reason   *checkRefusal       `json:"reason,omitempty"`
}

type checkRefusal struct {
	Index   int           `json:"index"`
	Code    evidence.Code `json:"code"`
	Message string        `json:"message"`
}

func runEvidenceCheck(args []string, e *env) int {
	fs := newFlags(e, "evidence check", evidenceCheckSynopsis)
	keyFile := fs.String("terminal-key", "", "the terminal's public (or private) key file (required)")
	passFile := fs.String("passphrase-file", "", "passphrase of an encrypted key file")
	claimsFile := fs.String("claims", "", "JSON file of the request's claims (required)")
	terminal := fs.String("terminal", "", "the terminal's registered name (default: the key's kid)")
	policyFile := fs.String("policy", "", "evidence policy file (default: the built-in policy)")
	levelName := fs.String("level", "", "also exit 1 unless the evidence earns this level, naming the reason")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if *keyFile == "" || *claimsFile == "" || len(rest) == 0 {
		errorf(e, "evidence check needs --terminal-key, --claims and evidence files")
		hint(e, "netcred evidence check --terminal-key police-01.pub.jwk --terminal police-01 --claims alice.json evidence.json")
		return exitUsage
	}
	var level credential.Level
	if *levelName != "" {
		l, err := credential.ParseLevel(*levelName)
		if err != nil {
			errorf(e, "%v", err)
			hint(e, "--level is low, substantial or high")
			return exitUsage
		}
		level = l
	}
	policy := evidence.DefaultPolicy()
	if *policyFile != "" {
		data, err := readText(e, *policyFile, maxSmallFile)
		if err != nil {
			errorf(e, "%v", err)
			fileHint(e, err)
			return exitUsage
		}
		if policy, err = evidence.ParsePolicy(data); err != nil {
			errorf(e, "%s: %v", *policyFile, err)
			hint(e, `a policy reads {"face_match":{"level":"substantial","min_score":0.9},"document_check":{"level":"high","max_age_seconds":300,"clock_skew_seconds":30}}`)
			return exitUsage
		}
	}
	pub, code := loadPublic(e, *keyFile, *passFile)
	if pub == nil {
		return code
	}
	name := *terminal
	if name == "" {
		name = pub.KIDString()
	}
	digest, code := readClaimsDigest(e, *claimsFile)
	if code != exitOK {
		return code
	}
	var items []json.RawMessage
	for _, f := range rest {
		data, err := readText(e, f, maxSmallFile)
		if err != nil {
			errorf(e, "%v", err)
			fileHint(e, err)
			return exitUsage
		}
		if t := strings.TrimSpace(string(data)); strings.HasPrefix(t, "[") {
			var list []json.RawMessage
			if err := json.Unmarshal(data, &list); err != nil {
				errorf(e, "%s: %v", f, err)
				hint(e, "an evidence file holds one evidence object or a JSON array of them")
				return exitUsage
			}
			items = append(items, list...)
		} else {
			items = append(items, json.RawMessage(data))
		}
	}
	terminals := &evidence.MemoryTerminals{}
	terminals.Add(name, pub)
	ev := &evidence.Evaluator{Policy: policy, Terminals: terminals, Replay: &evidence.MemoryReplay{Now: e.now}}
	d, err := ev.Evaluate(context.Background(), items, digest, e.now())
	var ee *evidence.Error
	if errors.As(err, &ee) {
		errorf(e, "%v", err)
		hint(e, "a request carries at most %d evidence objects", evidence.MaxItems)
		return exitUsage
	} else if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	res := checkResult{Level: d.Level, Evidence: d.Evidence, Method: d.Method, Terminal: d.Terminal, Time: d.Time.UTC().Format(time.RFC3339)}
	for _, r := range d.Refused {
		res.Refused = append(res.Refused, checkRefusal{Index: r.Index, Code: r.Code, Message: r.Error()})
	}
	exit := exitOK
	if len(d.Refused) > 0 {
		exit = exitInvalid
	}
	if level != 0 {
		if err := d.Permits(level); err != nil {
			errors.As(err, &ee)
			res.Reason = &checkRefusal{Index: ee.Index, Code: ee.Code, Message: ee.Error()}
			exit = exitInvalid
		}
	}
	if code := printJSON(e, res); code != exitOK {
		return code
	}
	return exit
}
