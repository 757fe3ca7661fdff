package verifier

import (
	"crypto"
	"errors"
	"fmt"

	"github.com/netcred/netcred/bundle"
	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/status"
)

// Trust is verified trust material: a root-signed bundle and the status
// list tokens of its issuers. Build it with LoadTrust; a trust store
// directory (package trust) keeps the files between syncs.
type Trust struct {
	// Bundle lists the issuers, their keys and authorizations.
	Bundle *bundle.Bundle
	// Root is the pinned root key that signed the bundle.
	Root *keys.PublicKey
	// Lists are the status list tokens by URI, each signed by a key of the
	// issuer the bundle lists the URI under.
	Lists map[string]*status.Token
}

// TrustError is a failure to load trust material, with its reason code
// (bundle_untrusted, bundle_malformed, status_list_invalid).
type TrustError struct {
	Code Code
	Err  error
}

func (e *TrustError) Error() string { return fmt.Sprintf("%s (%s)", e.Err, e.Code) }
func (e *TrustError) Unwrap() error { return e.Err }

// LoadTrust verifies a bundle against the pinned root thumbprints, then each
// status list token against the bundle: the token's key must be an issuer
// key of the bundle and the list's URI one of that issuer's status lists.
// A later token for the same URI replaces an earlier one.
func LoadTrust(pinned []string, bundleJWS []byte, tokens ...[]byte) (*Trust, error) {
	b, root, err := bundle.Parse(bundleJWS, pinned)
	if err != nil {
		code := CodeBundleMalformed
		if errors.Is(err, bundle.ErrUntrusted) {
			code = CodeBundleUntrusted
		}
		return nil, &TrustError{Code: code, Err: err}
	}
	t := &Trust{Bundle: b, Root: root, Lists: make(map[string]*status.Token, len(tokens))}
	for i, data := range tokens {
		tok, err := t.ParseStatusToken(data)
		if err != nil {
			return nil, &TrustError{Code: CodeStatusListInvalid, Err: fmt.Errorf("status list token %d: %w", i+1, err)}
		}
		if old, ok := t.Lists[tok.URI]; !ok || tok.IssuedAt.After(old.IssuedAt) {
			t.Lists[tok.URI] = tok
		}
	}
	return t, nil
}

// ParseStatusToken verifies a status list token against the bundle: signed
// by an issuer key that the bundle lists (and has not withdrawn), for a list
// URI that belongs to that same issuer.
func (t *Trust) ParseStatusToken(data []byte) (*status.Token, error) {
	var signer *bundle.KeyRef
	tok, err := status.ParseToken(data, func(kid []byte) (credential.Algorithm, crypto.PublicKey, bool) {
		ref, ok := t.Bundle.Key(kid)
		if !ok {
			return "", nil, false
		}
		signer = ref
		return ref.Key.Key.Algorithm(), ref.Key.Key.Key(), true
	})
	if err != nil {
		return nil, err
	}
	if err := signer.CheckStatusList(tok.URI, tok.IssuedAt); err != nil {
		return nil, fmt.Errorf("issuer %s key %s: %w", signer.Issuer.ID, signer.Key.Key.KIDString(), err)
	}
	return tok, nil
}

// trustKeys adapts a bundle to the verifier's key lookup.
type bundleKeys struct{ b *bundle.Bundle }

func (k bundleKeys) Lookup(kid []byte) *keys.PublicKey {
	if ref, ok := k.b.Key(kid); ok {
		return ref.Key.Key
	}
	return nil
}
