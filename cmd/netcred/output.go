package main

import (
	"encoding/json"
	"fmt"
	"io"
)

// Messages on stderr: "netcred: error: ...", lowercase, no final period.
// Errors and hints are also kept, so that a command run with --json can
// repeat them as JSON on standard output (see env.finish).
func errorf(e *env, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	e.errs = append(e.errs, msg)
	fmt.Fprintf(e.stderr, "%s: error: %s\n", progName, msg)
}

func warnf(e *env, format string, args ...any) {
	fmt.Fprintf(e.stderr, progName+": warning: "+format+"\n", args...)
}

func hint(e *env, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	e.hints = append(e.hints, msg)
	fmt.Fprintf(e.stderr, "%s: hint: %s\n", progName, msg)
}

// jsonError is what a command run with --json prints on standard output
// when it fails without a result: the error, the hints and the exit code.
type jsonError struct {
	Error    string   `json:"error"`
	Hints    []string `json:"hints"`
	ExitCode int      `json:"exit_code"`
}

// finish ends the command name: an error that came without a hint gets
// one, and under --json a failure that printed nothing on standard output
// prints its error there as JSON, so that a program reading standard
// output always gets one JSON document.
func (e *env) finish(name string, code int) int {
	if code != exitOK && len(e.errs) > 0 && len(e.hints) == 0 {
		hint(e, "see netcred %s -h for its flags and an example", name)
	}
	if !e.json || code == exitOK || e.wroteOut {
		return code
	}
	je := jsonError{Error: "failed", Hints: e.hints, ExitCode: code}
	if len(e.errs) > 0 {
		je.Error = e.errs[0]
	}
	if je.Hints == nil {
		je.Hints = []string{}
	}
	b, err := json.MarshalIndent(je, "", "  ")
	if err != nil { // cannot happen: strings and an int
		return exitUsage
	}
	fmt.Fprintf(e.stdout, "%s\n", b)
	return code
}

// printJSON prints v as indented JSON, or an error (exit 2) when v does not
// encode.
func printJSON(e *env, v any) int {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		errorf(e, "cannot print the result as JSON: %v", err)
		return exitUsage
	}
	if _, err := fmt.Fprintf(e.stdout, "%s\n", b); err != nil {
		// Whoever reads the JSON never saw it: no exit 0 without it.
		errorf(e, "cannot write the result to standard output: %v", err)
		return exitUsage
	}
	return exitOK
}

// trackWriter notes whether anything was written.
type trackWriter struct {
	w     io.Writer
	wrote *bool
}

func (t *trackWriter) Write(p []byte) (int, error) {
	if len(p) > 0 {
		*t.wrote = true
	}
	return t.w.Write(p)
}
