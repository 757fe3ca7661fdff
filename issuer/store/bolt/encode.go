package bolt

// Encoding of the records written on every issuance without reflection;
// TestRecordJSON and FuzzRecordJSON hold them to json.Marshal (the stored
// bytes are spec/issuer.md's and must not change).

import (
	"bytes"
	"encoding/hex"
	"encoding/json"

	"github.com/netcred/netcred/internal/jsonenc"
	"github.com/netcred/netcred/issuer"
)

// marshal is json.Marshal(v), faster for a credential record or an audit
// entry.
func marshal(v any) ([]byte, error) {
	switch v := v.(type) {
	case *issuer.CredentialRecord:
		if b, ok := appendRecord(make([]byte, 0, 320), v); ok {
			return b, nil
		}
	case *issuer.AuditEntry:
		if b, ok := appendAuditEntry(make([]byte, 0, 192+len(v.Body)), v); ok {
			return b, nil
		}
	}
	return json.Marshal(v)
}

// appendRecord appends c as json.Marshal writes it, or reports false when
// it is not sure to (encoding/json then writes it, or refuses it).
func appendRecord(b []byte, c *issuer.CredentialRecord) ([]byte, bool) {
	if !c.Level.Valid() {
		return nil, false // MarshalText refuses it
	}
	var ok bool
	b = append(b, `{"list":`...)
	b = jsonenc.AppendUint(b, uint64(c.List))
	b = append(b, `,"index":`...)
	b = jsonenc.AppendUint(b, c.Index)
	if len(c.CTI) > 0 {
		b = append(b, `,"cti":`...)
		b = jsonenc.AppendBytes(b, c.CTI)
	}
	b = append(b, `,"type":`...)
	b = jsonenc.AppendString(b, c.Type)
	b = append(b, `,"level":`...)
	b = jsonenc.AppendString(b, c.Level.String())
	b = append(b, `,"kid":`...)
	b = jsonenc.AppendBytes(b, c.KID)
	b = append(b, `,"iat":`...)
	if b, ok = jsonenc.AppendTime(b, c.IssuedAt); !ok {
		return nil, false
	}
	b = append(b, `,"exp":`...)
	if b, ok = jsonenc.AppendTime(b, c.Expiry); !ok {
		return nil, false
	}
	if ev := c.Evidence; ev != (issuer.EvidenceSummary{}) {
		b = append(b, `,"evidence":{`...)
		sep := false
		if ev.Method != "" {
			b = append(b, `"method":`...)
			b = jsonenc.AppendString(b, ev.Method)
			sep = true
		}
		if !ev.At.IsZero() {
			if sep {
				b = append(b, ',')
			}
			b = append(b, `"at":`...)
			if b, ok = jsonenc.AppendTime(b, ev.At); !ok {
				return nil, false
			}
			sep = true
		}
		if ev.Terminal != "" {
			if sep {
				b = append(b, ',')
			}
			b = append(b, `"terminal":`...)
			b = jsonenc.AppendString(b, ev.Terminal)
		}
		b = append(b, '}')
	}
	if c.Client != "" {
		b = append(b, `,"client":`...)
		b = jsonenc.AppendString(b, c.Client)
	}
	b = append(b, `,"status":`...)
	b = jsonenc.AppendUint(b, uint64(c.Status))
	if !c.StatusAt.IsZero() {
		b = append(b, `,"status_at":`...)
		if b, ok = jsonenc.AppendTime(b, c.StatusAt); !ok {
			return nil, false
		}
	}
	return append(b, '}'), true
}

// appendAuditEntry appends e as json.Marshal writes it, for a body that
// json.Marshal would copy as it is (compact, nothing it escapes).
func appendAuditEntry(b []byte, e *issuer.AuditEntry) ([]byte, bool) {
	if len(e.Body) == 0 || bytes.ContainsAny(e.Body, " \t\r\n<>&\u2028\u2029") || !json.Valid(e.Body) {
		return nil, false
	}
	b = append(b, `{"seq":`...)
	b = jsonenc.AppendUint(b, e.Seq)
	b = append(b, `,"prev":"`...)
	b = hex.AppendEncode(b, e.Prev[:])
	b = append(b, `","body":`...)
	b = append(b, e.Body...)
	b = append(b, `,"hash":"`...)
	b = hex.AppendEncode(b, e.Hash[:])
	return append(b, '"', '}'), true
}
