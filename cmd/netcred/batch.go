package main

// netcred issue --batch: many credentials through the issuer store, each
// line of the input at most once, resumable after an interruption.
//
// Input. A file ending in .csv is CSV: the header row names the columns,
// each a claim of the type's schema or one of the reserved columns ref,
// type, level and valid_for; a cell is converted by the claim's schema
// type (int as a decimal number, bool as true or false, every other type
// as the text itself), and an empty cell leaves the claim out. Any other
// file is JSON Lines: each non-blank line one JSON object (read strictly,
// as a claims file is) of the claims, in which the reserved members "ref",
// "type", "level" and "valid_for" (strings) are the line's settings, not
// claims. type, level and valid_for override --type, --level and
// --valid-for for the line; ref names the subject.
//
// Subject keys. A line with a ref is known by it ("ref:" REF; two lines
// with one ref are one subject: the second fails); any other by its line
// number and the SHA-256 of its content ("line:" N ":" HEX). The store's
// idempotency record for ("", "batch/" BATCH_ID "/" SUBJECT_KEY), written
// in the same store write as the credential (issuer.Service.IssueOnce),
// makes each subject issue at most once; BATCH_ID defaults to a digest of
// the --out file's absolute path (the output file is the batch), or is
// given with --batch-id.
//
// Output. --out FILE gets one JSON line per credential,
// {"line","ref"?,"id","qr","expires"}, in the order the credentials are
// committed (not input order), appended and fsynced in groups, each line
// written only after its credential is durable in the store. On a rerun
// the lines already in FILE are skipped; a line whose credential was
// committed but not yet written to FILE gets the same credential again
// from its idempotency record. A truncated last line (an interruption in
// the middle of a write) is cut off first. --errors FILE (default
// OUT.errors) is rewritten on each run with one JSON line {"line","ref"?,
// "error"} per line that failed; failed lines do not stop the batch and
// are tried again on the next run. A failure of the store (disk full,
// store closed, lock lost) is no line's: it stops the run with exit code
// 2, keeping what was committed, and the next run resumes.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/schemas"
)

// batchMaxLine is the longest input line (or CSV record) accepted; a
// longer one is a failed line.
const batchMaxLine = schemas.MaxClaimsJSONSize

// batchFsyncEvery and batchFsyncAfter bound how many output lines, and
// for how long, wait for the output file's fsync.
const (
	batchFsyncEvery = 1024
	batchFsyncAfter = 200 * time.Millisecond
)

// batchInFlight is how many lines are in flight per CPU: signing runs on
// GOMAXPROCS CPUs, and the many lines waiting for their commit let one
// group commit carry many credentials.
const batchInFlight = 1024

// batchReserved are the JSONL members and CSV columns that are a line's
// settings, not claims.
var batchReserved = []string{"ref", "type", "level", "valid_for"}

// batchConfig is what runBatch needs from netcred issue's flags.
type batchConfig struct {
	in, out, errs, id string
	typeName, level   string
	evidence          credential.Evidence
	validFor          time.Duration
	registry          *schemas.Registry
	svc               *issuer.Service
}

// batchJob is one input line, parsed.
type batchJob struct {
	line int
	ref  string
	key  string // subject key
	hash []byte
	req  issuer.Request
	err  error // the line cannot be issued
}

// batchResult is a job's outcome.
type batchResult struct {
	job      *batchJob
	ans      *issuer.OnceAnswer
	replayed bool
	err      error
}

// batchLine is a line of the output file.
type batchLine struct {
	Line    int    `json:"line"`
	Ref     string `json:"ref,omitempty"`
	ID      string `json:"id"`
	QR      string `json:"qr"`
	Expires string `json:"expires"`
}

// batchError is a line of the errors file.
type batchError struct {
	Line  int    `json:"line"`
	Ref   string `json:"ref,omitempty"`
	Error string `json:"error"`
}

// batchCounts is the summary.
type batchCounts struct {
	issued, recovered, skipped, failed int
}

// batchID returns the default batch id: a digest of the output file's
// absolute path.
func batchID(out string) (string, error) {
	abs, err := filepath.Abs(out)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(abs))
	return hex.EncodeToString(sum[:12]), nil
}

// runBatch issues the credentials of cfg.in, appending them to cfg.out.
func runBatch(e *env, cfg *batchConfig) int {
	done, err := readBatchOut(cfg.out)
	if err != nil {
		errorf(e, "%s: %v", cfg.out, err)
		hint(e, "--out names the batch's output file: a new file, or the one an interrupted run with the same --batch wrote")
		return exitUsage
	}
	total, err := countLines(cfg.in)
	if err != nil {
		errorf(e, "%v", err)
		fileHint(e, err)
		return exitUsage
	}
	in, err := os.Open(cfg.in)
	if err != nil {
		errorf(e, "%v", err)
		fileHint(e, err)
		return exitUsage
	}
	defer in.Close()
	out, err := os.OpenFile(cfg.out, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	defer out.Close()
	errFile, err := os.OpenFile(cfg.errs, os.O_WRONLY|os.O_TRUNC|os.O_CREATE, 0o600)
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	defer errFile.Close()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithCancel(ctx) // the writer stops the reader when the output fails
	defer cancel()
	bar := newBatchBar(e, total)
	jobs := make(chan *batchJob, 256)
	results := make(chan batchResult, 256)
	var readErr error
	var counts batchCounts
	go func() {
		defer close(jobs)
		readErr = readBatch(ctx, cfg, in, done, func(n int) {
			counts.skipped += n
			if bar != nil {
				bar.Add(1)
			}
		}, jobs)
	}()
	workers := batchInFlight * runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	// A store failure (disk full, store closed, lock lost) is no line's
	// fault and would fail every line after it: the first one stops the
	// run; the lines not yet issued wait for the next run.
	var storeErr error
	var storeOnce sync.Once
	var storeStopped atomic.Bool
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				if storeStopped.Load() {
					continue
				}
				if j.err != nil {
					results <- batchResult{job: j, err: j.err}
					continue
				}
				ans, replayed, err := cfg.svc.IssueOnce(j.req, issuer.IssueInfo{}, "batch/"+cfg.id+"/"+j.key, j.hash)
				if errors.Is(err, issuer.ErrStoreFailed) {
					storeOnce.Do(func() { storeErr = err; storeStopped.Store(true); cancel() })
					continue
				}
				results <- batchResult{job: j, ans: ans, replayed: replayed, err: err}
			}
		})
	}
	go func() { wg.Wait(); close(results) }()

	start := time.Now()
	werr := writeBatch(out, errFile, results, &counts, bar, cancel)
	if bar != nil {
		bar.Finish()
		fmt.Fprintln(e.stderr)
	}
	elapsed := time.Since(start)
	made := counts.issued + counts.recovered
	rate := 0.0
	if elapsed > 0 {
		rate = float64(made) / elapsed.Seconds()
	}
	fmt.Fprintf(e.stderr, "%s: batch %s: issued %d, recovered %d, skipped %d (already in %s), failed %d; %.0f credentials/s\n",
		progName, cfg.in, counts.issued, counts.recovered, counts.skipped, cfg.out, counts.failed, rate)
	switch {
	case storeErr != nil:
		errorf(e, "stopped: %v", storeErr)
		hint(e, "the %d credentials committed so far are kept (and in %s); fix the store's cause (disk space, the file, another process) and run the same command again: it resumes, issuing nothing twice", made, cfg.out)
		return exitUsage
	case werr != nil:
		errorf(e, "%v", werr)
		hint(e, "run the same command again: it resumes, issuing nothing twice")
		return exitInvalid
	case readErr != nil && errors.Is(readErr, context.Canceled):
		errorf(e, "interrupted")
		hint(e, "run the same command again: it resumes, issuing nothing twice")
		return exitInvalid
	case readErr != nil:
		errorf(e, "%s: %v", cfg.in, readErr)
		hint(e, "fix the file and run the same command again: the lines already issued are skipped")
		return exitUsage
	case counts.failed > 0:
		lines := "lines"
		if counts.failed == 1 {
			lines = "line"
		}
		errorf(e, "%d %s failed, listed in %s", counts.failed, lines, cfg.errs)
		hint(e, "fix those lines and run the same command again: the lines already issued are skipped")
		return exitInvalid
	}
	return exitOK
}

// newBatchBar returns a progress bar on standard error when it is a
// terminal, else nil.
func newBatchBar(e *env, total int) *progressbar.ProgressBar {
	f, ok := e.stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return progressbar.NewOptions(total,
		progressbar.OptionSetWriter(f),
		progressbar.OptionSetDescription("issuing"),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("cred"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionFullWidth(),
	)
}

// writeBatch writes results as they come: credentials to out (fsynced
// every batchFsyncEvery lines or batchFsyncAfter), failures to errFile.
// When out fails it calls stop and drains the results.
func writeBatch(out, errFile *os.File, results <-chan batchResult, counts *batchCounts, bar *progressbar.ProgressBar, stop func()) error {
	w := bufio.NewWriterSize(out, 256<<10)
	ew := bufio.NewWriter(errFile)
	var firstErr error
	pending := 0
	sync := func() {
		if pending == 0 || firstErr != nil {
			return
		}
		if err := w.Flush(); err != nil {
			firstErr = err
		} else if err := out.Sync(); err != nil {
			firstErr = err
		}
		if firstErr != nil {
			stop() // the lines in flight are in the store, for the next run
		}
		pending = 0
	}
	tick := time.NewTicker(batchFsyncAfter)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			sync()
			continue
		case r, ok := <-results:
			if !ok {
				sync()
				if err := ew.Flush(); err != nil && firstErr == nil {
					firstErr = err
				}
				if err := errFile.Sync(); err != nil && firstErr == nil {
					firstErr = err
				}
				return firstErr
			}
			if bar != nil {
				bar.Add(1)
			}
			if r.err != nil {
				counts.failed++
				b, _ := json.Marshal(batchError{Line: r.job.line, Ref: r.job.ref, Error: lineReason(r.err)})
				ew.Write(append(b, '\n'))
				continue
			}
			if r.replayed {
				counts.recovered++
			} else {
				counts.issued++
			}
			b, err := json.Marshal(batchLine{Line: r.job.line, Ref: r.job.ref, ID: r.ans.ID, QR: r.ans.QR, Expires: r.ans.Expires.UTC().Format(time.RFC3339)})
			if err != nil && firstErr == nil {
				firstErr = err
			}
			if _, err := w.Write(append(b, '\n')); err != nil && firstErr == nil {
				firstErr = err
			}
			if pending++; pending >= batchFsyncEvery {
				sync()
			}
		}
	}
}

// lineReason is the text of a line's error.
func lineReason(err error) string {
	if errors.Is(err, issuer.ErrKeyReused) {
		return "the line changed since a run that issued its credential (its ref or its content is recorded with another content); give it a new ref, or restore the line"
	}
	return err.Error()
}

// readBatchOut returns the input lines already in the output file, keyed
// by line number, cutting off a truncated last line.
func readBatchOut(name string) (map[int]string, error) {
	done := map[int]string{}
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		return done, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 64<<10)
	var off int64
	for n := 1; ; n++ {
		b, err := r.ReadBytes('\n')
		if err == io.EOF {
			if len(b) > 0 { // cut off in the middle of a write
				if !bytes.HasPrefix(b, []byte(`{"line":`)) && !bytes.HasPrefix([]byte(`{"line":`), b) {
					return nil, fmt.Errorf("line %d is not a line of netcred issue --batch output", n)
				}
				if err := f.Truncate(off); err != nil {
					return nil, err
				}
				if err := f.Sync(); err != nil {
					return nil, err
				}
			}
			return done, nil
		}
		if err != nil {
			return nil, err
		}
		var l batchLine
		if err := json.Unmarshal(b, &l); err != nil || l.Line <= 0 || l.ID == "" {
			return nil, fmt.Errorf("line %d is not a line of netcred issue --batch output", n)
		}
		done[l.Line] = l.Ref
		off += int64(len(b))
	}
}

// countLines counts the lines of a file, for the progress bar.
func countLines(name string) (int, error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	n, last := 0, byte('\n')
	for {
		k, err := f.Read(buf)
		n += bytes.Count(buf[:k], []byte{'\n'})
		if k > 0 {
			last = buf[k-1]
		}
		if err == io.EOF {
			if last != '\n' {
				n++
			}
			if strings.HasSuffix(strings.ToLower(name), ".csv") && n > 0 {
				n-- // the header
			}
			return n, nil
		}
		if err != nil {
			return 0, err
		}
	}
}

// readBatch parses the input and sends a job for every line not in done
// (skipped, counted by skip(1); a blank line is skip(0)).
func readBatch(ctx context.Context, cfg *batchConfig, in io.Reader, done map[int]string, skip func(n int), jobs chan<- *batchJob) error {
	seen := map[string]int{}
	send := func(j *batchJob) error {
		if j.err == nil && j.ref != "" {
			if first, dup := seen[j.key]; dup {
				j.err = fmt.Errorf("ref %q is also line %d's", j.ref, first)
			} else {
				seen[j.key] = j.line
			}
		}
		if ref, ok := done[j.line]; ok {
			if j.err != nil || ref == j.ref {
				skip(1)
				return nil
			}
			j.err = fmt.Errorf("--out has line %d as ref %q, the input as ref %q: the input changed since that run", j.line, ref, j.ref)
		}
		select {
		case jobs <- j:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if strings.HasSuffix(strings.ToLower(cfg.in), ".csv") {
		return readBatchCSV(cfg, in, done, send)
	}
	r := bufio.NewReaderSize(in, 64<<10)
	for n := 1; ; n++ {
		line, tooLong, err := readLine(r)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if !tooLong && len(bytes.TrimSpace(line)) == 0 {
			skip(0) // for the progress bar, which counts every line
			continue
		}
		j := &batchJob{line: n}
		if tooLong {
			j.err = fmt.Errorf("line longer than %d bytes", batchMaxLine)
		} else {
			j.err = cfg.jsonJob(j, line)
		}
		if err := send(j); err != nil {
			return err
		}
	}
}

// readLine reads one line of at most batchMaxLine bytes (without its
// newline); a longer one is consumed and reported as tooLong.
func readLine(r *bufio.Reader) (line []byte, tooLong bool, err error) {
	var buf []byte
	for {
		b, err := r.ReadSlice('\n')
		if len(buf)+len(b) <= batchMaxLine+1 {
			buf = append(buf, b...)
		} else {
			tooLong = true
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF && (len(buf) > 0 || tooLong):
			return buf, tooLong, nil
		case err != nil:
			return nil, false, err
		}
		return bytes.TrimSuffix(bytes.TrimSuffix(buf, []byte{'\n'}), []byte{'\r'}), tooLong, nil
	}
}

// jsonJob fills j from a JSONL line.
func (cfg *batchConfig) jsonJob(j *batchJob, line []byte) error {
	sum := sha256.Sum256(line)
	j.hash = sum[:]
	j.key = "line:" + strconv.Itoa(j.line) + ":" + hex.EncodeToString(sum[:])
	claims, err := schemas.ParseClaimsJSON(line)
	if err != nil {
		return err
	}
	settings := map[string]string{}
	for _, name := range batchReserved {
		v, ok := claims[name]
		if !ok {
			continue
		}
		s, isString := v.(string)
		if !isString {
			return fmt.Errorf("%q is a line setting and must be a string", name)
		}
		settings[name] = s
		delete(claims, name)
	}
	return cfg.fill(j, claims, settings)
}

// fill completes j from its claims and settings.
func (cfg *batchConfig) fill(j *batchJob, claims map[string]any, settings map[string]string) error {
	if ref, ok := settings["ref"]; ok {
		if ref == "" || len(ref) > 128 {
			return fmt.Errorf("ref must be 1 to 128 bytes")
		}
		j.ref = ref
		j.key = "ref:" + ref
	}
	typeName, levelName, validFor := cfg.typeName, cfg.level, cfg.validFor
	if v, ok := settings["type"]; ok {
		typeName = v
	}
	if v, ok := settings["level"]; ok {
		levelName = v
	}
	if typeName == "" {
		return fmt.Errorf("no type: give --type or a type setting")
	}
	if levelName == "" {
		return fmt.Errorf("no level: give --level or a level setting")
	}
	level, err := credential.ParseLevel(levelName)
	if err != nil {
		return err
	}
	if v, ok := settings["valid_for"]; ok {
		if validFor, err = parseDuration(v); err != nil {
			return fmt.Errorf("valid_for: %v", err)
		}
		if validFor <= 0 {
			return fmt.Errorf("valid_for: duration must be positive")
		}
	}
	j.req = issuer.Request{Type: typeName, Level: level, Evidence: cfg.evidence, Claims: claims, ValidFor: validFor}
	return nil
}

// readBatchCSV parses CSV input: a header row, then one record per
// subject. A record's line is the line it starts on.
func readBatchCSV(cfg *batchConfig, in io.Reader, done map[int]string, send func(*batchJob) error) error {
	cr := csv.NewReader(bufio.NewReaderSize(in, 64<<10))
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return fmt.Errorf("header: %w", err)
	}
	cols := map[string]bool{}
	for _, h := range header {
		if h == "" || cols[h] {
			return fmt.Errorf("header: column %q is empty or named twice", h)
		}
		cols[h] = true
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		j := &batchJob{}
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe) && pe.Err == csv.ErrFieldCount:
			j.line = pe.StartLine
			j.err = fmt.Errorf("%d fields, the header has %d", len(rec), len(header))
		case err != nil:
			return err // the rest of the file cannot be read reliably
		default:
			// FieldPos only after a successful Read.
			j.line, _ = cr.FieldPos(0)
			j.err = cfg.csvJob(j, header, rec)
		}
		if err := send(j); err != nil {
			return err
		}
	}
}

// csvJob fills j from a CSV record.
func (cfg *batchConfig) csvJob(j *batchJob, header, rec []string) error {
	enc, _ := json.Marshal(rec)
	if len(enc) > batchMaxLine {
		return fmt.Errorf("record longer than %d bytes", batchMaxLine)
	}
	sum := sha256.Sum256(enc)
	j.hash = sum[:]
	j.key = "line:" + strconv.Itoa(j.line) + ":" + hex.EncodeToString(sum[:])
	settings := map[string]string{}
	cells := map[string]string{}
	for i, h := range header {
		if isReserved(h) {
			if rec[i] != "" {
				settings[h] = rec[i]
			}
			continue
		}
		if rec[i] != "" {
			cells[h] = rec[i]
		}
	}
	j.ref = settings["ref"]
	typeName := cfg.typeName
	if v, ok := settings["type"]; ok {
		typeName = v
	}
	claims := map[string]any{}
	var schema *schemas.Schema
	if typeName != "" {
		schema, _ = cfg.registry.ByName(typeName)
	}
	for name, v := range cells {
		claims[name] = v
		if schema == nil {
			continue // the type error is reported by fill or Issue
		}
		for _, c := range schema.Claims {
			if c.Name != name {
				continue
			}
			switch c.Type {
			case schemas.TypeInt:
				claims[name] = json.Number(v)
			case schemas.TypeBool:
				b, err := strconv.ParseBool(v)
				if err != nil || (v != "true" && v != "false") {
					return fmt.Errorf("claim %s: %q is not true or false", name, v)
				}
				claims[name] = b
			}
		}
	}
	return cfg.fill(j, claims, settings)
}

func isReserved(name string) bool {
	for _, r := range batchReserved {
		if r == name {
			return true
		}
	}
	return false
}

// issueBatchFlags are netcred issue's flags, for issueBatch.
type issueBatchFlags struct {
	batch, out, errs, id                 string
	key, pass, typeName, level, evidence string
	claims, png, schemas, iss, db        string
	statusURI                            string
	listSize                             int
	validFor                             time.Duration
}

// issueBatch checks the flags of netcred issue --batch, opens the store
// and runs the batch.
func issueBatch(e *env, f issueBatchFlags) int {
	batchHint := "netcred issue --key issuer.jwk --db issuer.db --type identity --level substantial --batch subjects.jsonl --out issued.jsonl"
	switch {
	case f.batch == "" || f.out == "":
		errorf(e, "--batch and --out go together")
		hint(e, "%s", batchHint)
		return exitUsage
	case f.claims != "" || f.png != "":
		errorf(e, "--batch takes the claims from its file, not --claims or --png")
		hint(e, "%s", batchHint)
		return exitUsage
	case f.key == "" || f.db == "":
		errorf(e, "issue --batch needs --key and --db (or --status-dir): the store is what makes a rerun issue nothing twice")
		hint(e, "%s", batchHint)
		return exitUsage
	}
	if f.level != "" {
		if _, err := credential.ParseLevel(f.level); err != nil {
			errorf(e, "%v", err)
			hint(e, levelHint)
			return exitUsage
		}
	}
	var evidence credential.Evidence
	if f.evidence != "" {
		var err error
		if evidence, err = credential.ParseEvidence(f.evidence); err != nil {
			errorf(e, "%v", err)
			return exitUsage
		}
	}
	if abs(f.batch) == abs(f.out) {
		errorf(e, "--out is the --batch file")
		return exitUsage
	}
	if f.errs == "" {
		f.errs = f.out + ".errors"
	}
	if f.id == "" {
		var err error
		if f.id, err = batchID(f.out); err != nil {
			errorf(e, "%v", err)
			return exitUsage
		}
	} else if len(f.id) > 64 || strings.ContainsAny(f.id, "/ \t\n") {
		errorf(e, "--batch-id %q: want at most 64 characters, no '/' or white space", f.id)
		return exitUsage
	}
	registry, err := loadRegistry(f.schemas)
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	if f.typeName != "" {
		if _, err := registry.Lookup(f.typeName); err != nil {
			errorf(e, "%v", err)
			return exitUsage
		}
	}
	if _, err := os.Stat(f.batch); err != nil {
		errorf(e, "%v", err)
		fileHint(e, err)
		return exitUsage
	}
	key, code := loadPrivate(e, f.key, f.pass)
	if key == nil {
		return code
	}
	is := issuer.New(key, registry)
	is.ID = f.iss
	is.Now = e.now
	svc, code := openService(e, f.db, is, issuer.Options{BaseURI: f.statusURI, ListSize: f.listSize}, false)
	if svc == nil {
		return code
	}
	defer svc.Close()
	return runBatch(e, &batchConfig{in: f.batch, out: f.out, errs: f.errs, id: f.id, typeName: f.typeName, level: f.level,
		evidence: evidence, validFor: f.validFor, registry: registry, svc: svc})
}

func abs(name string) string {
	a, err := filepath.Abs(name)
	if err != nil {
		return name
	}
	return a
}
