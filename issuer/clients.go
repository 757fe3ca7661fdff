package issuer

// Clients of the HTTP API and registered terminals: added, listed and
// revoked here, each change with its audit entry.

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/schemas"
)

// TokenPrefix starts every client bearer token.
const TokenPrefix = "nct_"

// checkName accepts 1 to 64 characters of [A-Za-z0-9._-].
func checkName(what, name string) error {
	if len(name) == 0 || len(name) > 64 {
		return fmt.Errorf("%w: %s name of %d bytes (want 1 to 64)", ErrRequest, what, len(name))
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return fmt.Errorf("%w: %s name %q: only letters, digits, '.', '_' and '-'", ErrRequest, what, name)
		}
	}
	return nil
}

// TokenHash returns the stored form of a bearer token: SHA-256 of it.
func TokenHash(token string) Hash { return sha256.Sum256([]byte(token)) }

// AddClient adds a client that may request credentials of types up to
// maxLevel, with scope ScopeIssue or ScopeAdmin, and returns its bearer
// token: TokenPrefix and 32 random bytes in base64url. Only the token's
// hash is stored; the token cannot be shown again.
func (s *Service) AddClient(name string, maxLevel credential.Level, types []string, scope string) (string, *Client, error) {
	if err := checkName("client", name); err != nil {
		return "", nil, err
	}
	if !maxLevel.Valid() {
		return "", nil, fmt.Errorf("%w: %v", ErrLevel, maxLevel)
	}
	if scope == "" {
		scope = ScopeIssue
	}
	if scope != ScopeIssue && scope != ScopeAdmin {
		return "", nil, fmt.Errorf("%w: scope %q (want %s or %s)", ErrRequest, scope, ScopeIssue, ScopeAdmin)
	}
	if len(types) == 0 {
		return "", nil, fmt.Errorf("%w: a client needs at least one credential type", ErrRequest)
	}
	reg := schemas.Builtin()
	if s.is != nil {
		reg = s.is.schemas
	}
	for _, t := range types {
		if _, ok := reg.ByName(t); !ok {
			return "", nil, fmt.Errorf("%w: %q (known: %v)", schemas.ErrUnknownType, t, reg.Names())
		}
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, err
	}
	token := TokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	c := &Client{Name: name, TokenHash: TokenHash(token), MaxLevel: maxLevel, Types: slices.Clone(types), Scope: scope,
		Created: s.now().UTC().Truncate(time.Second)}
	err := s.st.Update(func(tx Tx) error {
		if err := tx.InsertClient(c); err != nil {
			return err
		}
		return s.audit(tx, AuditBody{Kind: AuditClientAdd, Client: name, MaxLevel: maxLevel.String(), Types: c.Types, Scope: scope})
	})
	if err != nil {
		return "", nil, err
	}
	s.noteAudit(1)
	return token, c, nil
}

// Clients returns every client, in order of name.
func (s *Service) Clients() ([]*Client, error) {
	var out []*Client
	err := s.st.View(func(tx Tx) error {
		var err error
		out, err = tx.Clients()
		return err
	})
	return out, err
}

// RevokeClient revokes a client's token: it authenticates no more.
// Revoking a revoked client changes nothing.
func (s *Service) RevokeClient(name string) error {
	err := s.st.Update(func(tx Tx) error {
		c, err := tx.Client(name)
		if err != nil {
			return err
		}
		if !c.Revoked.IsZero() {
			return nil
		}
		c.Revoked = s.now().UTC().Truncate(time.Second)
		if err := tx.UpdateClient(c); err != nil {
			return err
		}
		return s.audit(tx, AuditBody{Kind: AuditClientRevoke, Client: name})
	})
	if err == nil {
		s.noteAudit(1)
	}
	return err
}

// Authenticate returns the active client whose token is token, or
// ErrUnauthorized.
func (s *Service) Authenticate(token string) (*Client, error) {
	var c *Client
	err := s.st.View(func(tx Tx) error {
		var err error
		c, err = tx.ClientByTokenHash(TokenHash(token))
		return err
	})
	if errors.Is(err, ErrNotFound) || (err == nil && !c.Revoked.IsZero()) {
		return nil, ErrUnauthorized
	}
	return c, err
}

// AddTerminal registers a terminal by name and public JWK (a public key
// netcred accepts; a private JWK is refused).
func (s *Service) AddTerminal(name string, jwk []byte) (*Terminal, error) {
	if err := checkName("terminal", name); err != nil {
		return nil, err
	}
	pub, err := keys.ParsePublicJWK(jwk)
	if err != nil {
		return nil, err
	}
	canonical, err := pub.MarshalJSON()
	if err != nil {
		return nil, err
	}
	t := &Terminal{Name: name, Key: canonical, Added: s.now().UTC().Truncate(time.Second)}
	err = s.st.Update(func(tx Tx) error {
		if err := tx.InsertTerminal(t); err != nil {
			return err
		}
		return s.audit(tx, AuditBody{Kind: AuditTerminalAdd, Terminal: name, Key: canonical})
	})
	if err != nil {
		return nil, err
	}
	s.noteAudit(1)
	return t, nil
}

// RemoveTerminal removes a terminal: its attestations earn nothing more.
func (s *Service) RemoveTerminal(name string) error {
	err := s.st.Update(func(tx Tx) error {
		if err := tx.DeleteTerminal(name); err != nil {
			return err
		}
		return s.audit(tx, AuditBody{Kind: AuditTerminalRemove, Terminal: name})
	})
	if err == nil {
		s.noteAudit(1)
	}
	return err
}

// Terminals returns every terminal, in order of name.
func (s *Service) Terminals() ([]*Terminal, error) {
	var out []*Terminal
	err := s.st.View(func(tx Tx) error {
		var err error
		out, err = tx.Terminals()
		return err
	})
	return out, err
}

// TerminalKey returns the public key of the terminal named name, or nil,
// nil when none is registered. It implements evidence.Terminals.
func (s *Service) TerminalKey(_ context.Context, name string) (*keys.PublicKey, error) {
	var t *Terminal
	err := s.st.View(func(tx Tx) error {
		var err error
		t, err = tx.Terminal(name)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return keys.ParsePublicJWK(t.Key)
}

// AttestationKind is the used-once kind of terminal attestations.
const AttestationKind = "attestation"

// MarkUsed records that the attestation id is used, durably, keeping the
// record at least until until, and reports whether it was fresh (not
// recorded before). It implements evidence.Replay.
func (s *Service) MarkUsed(_ context.Context, id string, until time.Time) (bool, error) {
	now := s.now()
	err := s.st.Update(func(tx Tx) error { return tx.UseOnce(AttestationKind, id, until, now) })
	if errors.Is(err, ErrExists) {
		return false, nil
	}
	return err == nil, err
}
