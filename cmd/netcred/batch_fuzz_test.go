package main

import (
	"strings"
	"testing"

	"github.com/netcred/netcred/schemas"
)

// FuzzBatchInput: any JSONL line or CSV file gives each line a job or an
// error, never a panic; a job has a subject key, a type and claims.
func FuzzBatchInput(f *testing.F) {
	for _, s := range []string{
		`{"name":"王小明","id_number":"11010519491231002X","birth_date":"1949-12-31"}`,
		`{"ref":"r1","type":"identity","level":"high","valid_for":"30d","name":"x"}`,
		`{"level":3}`, `not json`, `{"ref":""}`, `{"valid_for":"-1d"}`, "",
		"ref,name,employee_no,on_call\ne1,\"a,b\",1,true\ne2,b\n",
		"name,name\na,b\n", "\"unterminated\n", "type,level\nticket,low\n,\n",
	} {
		f.Add(s)
	}
	registry := schemas.Builtin()
	f.Fuzz(func(t *testing.T, in string) {
		cfg := &batchConfig{in: "x.jsonl", typeName: "identity", level: "substantial", registry: registry}
		j := &batchJob{line: 1}
		if err := cfg.jsonJob(j, []byte(in)); err == nil {
			if j.key == "" || j.req.Type == "" || j.req.Claims == nil {
				t.Fatalf("jsonJob(%q) = %+v without error; want a key, a type and claims", in, j)
			}
		}
		cfg.in = "x.csv"
		_ = readBatchCSV(cfg, strings.NewReader(in), nil, func(j *batchJob) error {
			if j.err == nil && (j.key == "" || j.req.Type == "" || j.req.Claims == nil || j.line < 2) {
				t.Fatalf("CSV %q: job %+v without error; want a line after the header, a key, a type and claims", in, j)
			}
			return nil
		})
	})
}
