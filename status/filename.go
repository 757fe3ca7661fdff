package status

import (
	"crypto/sha256"
	"encoding/hex"
)

// FileName is the file name under which a status list token for uri is
// published and stored: the first 32 hex digits of SHA-256(uri) plus
// ".cwt". Distribution points serve tokens at BASE/status/<FileName(uri)>
// (spec/status.md, "Distribution"), so that any static web server can host
// them whatever the URIs look like.
func FileName(uri string) string {
	h := sha256.Sum256([]byte(uri))
	return hex.EncodeToString(h[:16]) + ".cwt"
}
