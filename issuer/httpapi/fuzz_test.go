package httpapi

import (
	"errors"
	"testing"
)

// FuzzDecodeIssue feeds arbitrary bodies to the request decoder: it never
// panics, refuses with a 400 *Error (naming a code), or accepts a request
// whose required members are set.
func FuzzDecodeIssue(f *testing.F) {
	for _, s := range []string{
		issueBodyJSON("substantial", faceMatch), issueBodyJSON("high", docCheck), `{}`, `null`, `[]`, `{"type":`,
		`{"type":"identity","level":"low","claims":{},"valid_for":"30d"}`,
		`{"type":"identity","level":"low","claims":{},"valid_for":86400,"holder_key":{"kty":"OKP","crv":"Ed25519","alg":"EdDSA","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}}`,
		`{"type":"identity","level":"low","claims":{"a":1,"a":2}}`, "\xef\xbb\xbf{}", `{"type":"\ud800"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := decodeIssue(data, DefaultMaxBody)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Status != 400 || e.Code == "" || e.Message == "" {
				t.Fatalf("refusal %v is not a 400 *Error with a code and message", err)
			}
			if in != nil {
				t.Fatal("a refused body returned a request")
			}
			return
		}
		if in.Type == "" || !in.Level.Valid() || in.Claims == nil {
			t.Fatalf("accepted %q without type, level or claims: %+v", data, in)
		}
	})
}

// FuzzDecodeStatus does the same for status change bodies.
func FuzzDecodeStatus(f *testing.F) {
	for _, s := range []string{``, `{}`, `{"reason":"lost"}`, `{"reason":1}`, `{"why":""}`, `nul`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := decodeStatus(data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Status != 400 || e.Code == "" {
				t.Fatalf("refusal %v is not a 400 *Error with a code", err)
			}
			return
		}
		if len(b.Reason) > MaxReason {
			t.Fatalf("accepted a reason of %d bytes", len(b.Reason))
		}
	})
}
