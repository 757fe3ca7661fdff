package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"

	"github.com/netcred/netcred/bundle"
	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/atomicfile"
	"github.com/netcred/netcred/internal/strictjson"
	"github.com/netcred/netcred/keys"
)

// issuerConfig is the file `bundle new --issuer-config` reads and `keys
// rotate --issuer-config` updates: the issuers a trust-root operator
// vouches for, their public keys and authorizations. Key files are paths
// relative to the config file.
//
//	{"issuers": [{"id": "cn-mps", "name": "Ministry ...",
//	  "status_lists": ["https://id.gov.cn/s/1"],
//	  "keys": [{"file": "issuer.pub.jwk", "max_level": "high",
//	            "types": ["identity"], "not_before": "2026-01-01T00:00:00Z"}]}]}
type issuerConfig struct {
	Issuers []issuerConfigEntry `json:"issuers"`
}

type issuerConfigEntry struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	StatusLists []string `json:"status_lists,omitempty"`
	// StatusPrefixes are the issuer's status_prefixes (spec/bundle.md
	// §3.3.1).
	StatusPrefixes []string          `json:"status_prefixes,omitempty"`
	Keys           []issuerConfigKey `json:"keys"`
}

type issuerConfigKey struct {
	File      string           `json:"file,omitempty"`
	JWK       json.RawMessage  `json:"jwk,omitempty"`
	MaxLevel  credential.Level `json:"max_level"`
	Types     []string         `json:"types"`
	NotBefore *time.Time       `json:"not_before,omitempty"`
	NotAfter  *time.Time       `json:"not_after,omitempty"`
	RevokedAt *time.Time       `json:"revoked_at,omitempty"`
}

// defaultNotBefore is the not_before of keys whose config gives none: no
// lower bound on the iat of the credentials they sign.
var defaultNotBefore = time.Unix(0, 0).UTC()

// readIssuerConfig reads an issuer config: a regular file of at most
// maxSmallFile bytes, read as text (readText: a byte-order mark is dropped,
// UTF-16 converted, as for claims files), then strictly
// (internal/strictjson): no duplicate, unknown or miscased members, no
// invalid UTF-8 or lone surrogates, nothing after the object.
func readIssuerConfig(path string) (*issuerConfig, error) {
	if path == "-" {
		return nil, fmt.Errorf("the issuer config must be a file, not standard input (keys rotate rewrites it)")
	}
	data, err := readText(nil, path, maxSmallFile) // no env: only "-" reads one
	if err != nil {
		return nil, err
	}
	var c issuerConfig
	if err := strictjson.Unmarshal(data, &c, strictjson.MaxSize(maxSmallFile), strictjson.DisallowUnknownFields()); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(c.Issuers) == 0 {
		return nil, fmt.Errorf("%s: no issuers", path)
	}
	return &c, nil
}

func writeIssuerConfig(path string, c *issuerConfig) error {
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, append(data, '\n'), 0o644)
}

// publicKey loads the key entry's JWK, from the inline member or the file
// (a public JWK, or the public half of a private key file).
func (k issuerConfigKey) publicKey(e *env, configDir string) (*keys.PublicKey, error) {
	if len(k.JWK) > 0 {
		return keys.ParsePublicJWK(k.JWK)
	}
	if k.File == "" {
		return nil, fmt.Errorf("key entry has neither \"file\" nor \"jwk\"")
	}
	path := k.File
	if !filepath.IsAbs(path) {
		path = filepath.Join(configDir, path)
	}
	pub, code := loadPublic(e, path, "")
	if pub == nil {
		return nil, fmt.Errorf("cannot load %s (exit %d)", path, code)
	}
	return pub, nil
}

// bundleIssuers converts the config into bundle entries.
func (c *issuerConfig) bundleIssuers(e *env, configDir string) ([]bundle.Issuer, error) {
	var out []bundle.Issuer
	for _, ic := range c.Issuers {
		bi := bundle.Issuer{ID: ic.ID, Name: ic.Name, StatusLists: ic.StatusLists, StatusPrefixes: ic.StatusPrefixes}
		if bi.StatusLists == nil {
			bi.StatusLists = []string{}
		}
		for i, kc := range ic.Keys {
			pub, err := kc.publicKey(e, configDir)
			if err != nil {
				return nil, fmt.Errorf("issuer %s key %d: %w", ic.ID, i+1, err)
			}
			nb := defaultNotBefore
			if kc.NotBefore != nil {
				nb = *kc.NotBefore
			}
			bi.Keys = append(bi.Keys, bundle.Key{Key: pub, Authorization: bundle.Authorization{
				MaxLevel: kc.MaxLevel, Types: kc.Types, NotBefore: nb, NotAfter: kc.NotAfter, RevokedAt: kc.RevokedAt,
			}})
		}
		out = append(out, bi)
	}
	return out, nil
}

func jsonIndent(dst *bytes.Buffer, src []byte) error {
	if err := json.Indent(dst, src, "", "  "); err != nil {
		return err
	}
	dst.WriteByte('\n')
	return nil
}
