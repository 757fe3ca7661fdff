package credential

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"
)

// W3C context URLs of the JSON view.
const (
	W3CContextV2      = "https://www.w3.org/ns/credentials/v2"
	W3CContextNetcred = "https://netcred.github.io/ns/v1"
)

// W3CCredential is the W3C Verifiable Credentials Data Model 2.0 JSON view of
// a credential (spec/credential.md, "W3C VCDM 2.0 mapping"). Each field comes
// from exactly one claim, so the view and the CBOR carry the same facts. It
// is a view for systems that speak VCDM; what is signed is the CBOR.
type W3CCredential struct {
	Context           []string       `json:"@context"`
	ID                string         `json:"id,omitempty"`
	Type              []string       `json:"type"`
	Issuer            string         `json:"issuer"`
	ValidFrom         string         `json:"validFrom"`
	ValidUntil        string         `json:"validUntil"`
	CredentialSubject map[string]any `json:"credentialSubject"`
	CredentialStatus  *W3CStatus     `json:"credentialStatus,omitempty"`
	Evidence          []W3CEvidence  `json:"evidence,omitempty"`
	// AssuranceLevel and SchemaVersion are netcred terms from its context.
	AssuranceLevel string `json:"assuranceLevel"`
	SchemaVersion  uint64 `json:"schemaVersion"`
	IssuedAt       string `json:"issued"`
}

// W3CStatus points at the Token Status List entry.
type W3CStatus struct {
	ID              string `json:"id"`
	Type            string `json:"type"`
	StatusListIndex uint64 `json:"statusListIndex"`
	StatusListURI   string `json:"statusListCredential"`
}

// W3CEvidence names how identity was established.
type W3CEvidence struct {
	Type string `json:"type"`
}

// W3C maps the claims onto a VCDM 2.0 document. typeName is the schema's name
// (e.g. "identity"), subject the attributes in their JSON form (from the
// schema), and issuer the issuer id to use when the claims carry no iss
// (the trust store's id for the key, or "urn:netcred:kid:" + the kid).
func (c *Claims) W3C(typeName string, subject map[string]any, issuer string) *W3CCredential {
	doc := &W3CCredential{
		Context:           []string{W3CContextV2, W3CContextNetcred},
		Type:              []string{"VerifiableCredential", w3cTypeName(typeName)},
		Issuer:            issuer,
		ValidFrom:         c.ValidFrom().UTC().Format(time.RFC3339),
		ValidUntil:        c.Expiry.UTC().Format(time.RFC3339),
		IssuedAt:          c.IssuedAt.UTC().Format(time.RFC3339),
		CredentialSubject: map[string]any{},
		AssuranceLevel:    c.Level.String(),
		SchemaVersion:     c.Version,
	}
	if c.Issuer != "" {
		doc.Issuer = c.Issuer
	}
	if len(c.ID) > 0 {
		doc.ID = "urn:netcred:cti:" + hex.EncodeToString(c.ID)
	}
	if c.Subject != "" {
		doc.CredentialSubject["id"] = c.Subject
	}
	for k, v := range subject {
		doc.CredentialSubject[k] = v
	}
	if c.Status != nil {
		doc.CredentialStatus = &W3CStatus{
			ID:              fmt.Sprintf("%s#%d", c.Status.URI, c.Status.Index),
			Type:            "TokenStatusListEntry",
			StatusListIndex: c.Status.Index,
			StatusListURI:   c.Status.URI,
		}
	}
	if c.Evidence != EvidenceNone {
		doc.Evidence = []W3CEvidence{{Type: c.Evidence.String()}}
	}
	return doc
}

// KIDIssuer is the issuer id the W3C view uses for a key that the caller
// knows by kid only.
func KIDIssuer(kid []byte) string {
	return "urn:netcred:kid:" + base64.RawURLEncoding.EncodeToString(kid)
}

// w3cTypeName turns "identity" into "IdentityCredential".
func w3cTypeName(name string) string {
	if name == "" {
		return "Credential"
	}
	b := []byte(name)
	if b[0] >= 'a' && b[0] <= 'z' {
		b[0] -= 'a' - 'A'
	}
	return string(b) + "Credential"
}
