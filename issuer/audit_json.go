package issuer

import (
	"encoding/json"

	"github.com/netcred/netcred/internal/jsonenc"
)

// marshalAuditBody is json.Marshal(body) without reflection for the
// bodies of the hot path; TestAuditBodyJSON and FuzzAuditBodyJSON hold it
// to json.Marshal (the stored, hashed bytes must not change).
func marshalAuditBody(body *AuditBody) ([]byte, error) {
	if len(body.Key) > 0 {
		return json.Marshal(body) // a JWK: encoding/json compacts it
	}
	b := make([]byte, 0, 256)
	b = append(b, `{"at":`...)
	var ok bool
	if b, ok = jsonenc.AppendTime(b, body.At); !ok {
		return json.Marshal(body)
	}
	b = append(b, `,"kind":`...)
	b = jsonenc.AppendString(b, body.Kind)
	str := func(name, v string) {
		if v != "" {
			b = append(b, ',', '"')
			b = append(b, name...)
			b = append(b, '"', ':')
			b = jsonenc.AppendString(b, v)
		}
	}
	str("credential", body.Credential)
	str("type", body.Type)
	str("level", body.Level)
	str("kid", body.KID)
	str("client", body.Client)
	str("evidence", body.Evidence)
	str("terminal", body.Terminal)
	str("from", body.From)
	str("to", body.To)
	str("reason", body.Reason)
	str("uri", body.URI)
	if body.Size != 0 {
		b = append(b, `,"size":`...)
		b = jsonenc.AppendInt(b, int64(body.Size))
	}
	str("offer", body.Offer)
	str("max_level", body.MaxLevel)
	if len(body.Types) > 0 {
		b = append(b, `,"types":[`...)
		for i, t := range body.Types {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonenc.AppendString(b, t)
		}
		b = append(b, ']')
	}
	str("scope", body.Scope)
	return append(b, '}'), nil
}
