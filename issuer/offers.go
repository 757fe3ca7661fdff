package issuer

// Credential offers of the OpenID4VCI pre-authorized code flow
// (spec/oid4vci.md, spec/issuer.md §2.9): an enrollment client's request
// whose evidence was judged when the offer was made, redeemed once by a
// wallet for an access token, then for one batch of credentials bound to
// the wallet's keys. The rules (single use, expiry, the limit on wrong
// transaction codes, removing the claims) are here; the store only keeps
// the record.

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/schemas"
)

// Audit entry kinds of offers (spec/issuer.md §5).
const (
	AuditOffer        = "offer"             // a credential offer was made
	AuditOfferInvalid = "offer_invalidated" // an offer died of wrong transaction codes
)

// Offer defaults and limits.
const (
	// DefaultOfferTTL is how long a pre-authorized code is accepted.
	DefaultOfferTTL = 10 * time.Minute
	// DefaultAccessTokenTTL is how long an access token is accepted.
	DefaultAccessTokenTTL = 5 * time.Minute
	// MaxTxCodeFailures is how many wrong transaction codes invalidate an
	// offer.
	MaxTxCodeFailures = 5
	// TxCodeLength is the number of digits of a transaction code.
	TxCodeLength = 6
	// MaxBatch is the most credentials one offer yields (one per proof).
	MaxBatch = 10
	// PreAuthorizedCodePrefix and AccessTokenPrefix start the offer's
	// secrets; the offer's ID and a dot follow, then 32 random bytes in
	// base64url.
	PreAuthorizedCodePrefix = "ncpa_"
	AccessTokenPrefix       = "ncat_"
)

// Errors of offers; each wraps with detail (never a code or the claims).
var (
	// ErrOfferUnknown: a pre-authorized code that names no offer of this
	// store (guessed, mistyped, or of an offer already swept).
	ErrOfferUnknown = errors.New("issuer: unknown pre-authorized code")
	// ErrOfferUsed: the offer's pre-authorized code was redeemed already.
	ErrOfferUsed = errors.New("issuer: pre-authorized code already used")
	// ErrOfferExpired: the offer's pre-authorized code has expired.
	ErrOfferExpired = errors.New("issuer: pre-authorized code expired")
	// ErrOfferInvalidated: too many wrong transaction codes were sent.
	ErrOfferInvalidated = errors.New("issuer: offer invalidated after too many wrong transaction codes")
	// ErrTxCode: a wrong or missing transaction code (the offer stays
	// usable until MaxTxCodeFailures).
	ErrTxCode = errors.New("issuer: wrong transaction code")
	// ErrAccessToken: an access token that is unknown, expired or already
	// used for its credentials.
	ErrAccessToken = errors.New("issuer: invalid access token")
	// ErrBatch: no holder key, or more than MaxBatch.
	ErrBatch = errors.New("issuer: invalid batch")
)

// OfferRequest is what an enrollment client asked to offer, its scope and
// evidence already checked.
type OfferRequest struct {
	// Client is the client's name.
	Client string
	// Type and Level are the credentials' type and level.
	Type  string
	Level credential.Level
	// Evidence is the credentials' evidence code (zero: the weakest that
	// supports Level); Summary what their records keep of it.
	Evidence credential.Evidence
	Summary  EvidenceSummary
	// Claims is the claims object exactly as the client sent it.
	Claims json.RawMessage
	// ValidFor is the credentials' validity (zero: DefaultValidity).
	ValidFor time.Duration
	// TTL is how long the pre-authorized code is accepted (zero:
	// DefaultOfferTTL).
	TTL time.Duration
}

// NewOffer is a stored offer and its secrets, which are not stored and
// cannot be shown again.
type NewOffer struct {
	ID string
	// Code is the pre-authorized code; TxCode the transaction code the
	// terminal shows the holder.
	Code, TxCode string
	// Expires is when the code stops being accepted.
	Expires time.Time
}

// AccessToken is the answer to a redeemed pre-authorized code.
type AccessToken struct {
	Token   string
	Expires time.Time
}

func randomB64(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func txCodeHash(id, code string) Hash { return TokenHash(id + "\x00" + code) }

// offerID returns the offer ID inside a code or token with prefix: the
// characters between the prefix and the dot.
func offerID(secret, prefix string) (string, bool) {
	rest, ok := strings.CutPrefix(secret, prefix)
	if !ok || len(secret) > 128 {
		return "", false
	}
	id, _, ok := strings.Cut(rest, ".")
	return id, ok && len(id) == 22
}

// CreateOffer checks req against the type's schema and the issuer's rules
// (as Issue would, without signing) and stores the offer. The claims stay
// in the store until the offer is redeemed, invalidated or swept.
func (s *Service) CreateOffer(req OfferRequest) (*NewOffer, error) {
	if s.is == nil {
		return nil, fmt.Errorf("%w: the service has no signing key", ErrRequest)
	}
	claims, err := schemas.ParseClaimsJSON(req.Claims)
	if err != nil {
		return nil, err
	}
	if _, err := s.is.prepare(Request{Type: req.Type, Level: req.Level, Evidence: req.Evidence, Claims: claims, ValidFor: req.ValidFor}); err != nil {
		return nil, err
	}
	ttl := req.TTL
	if ttl <= 0 {
		ttl = DefaultOfferTTL
	}
	now := s.now().UTC().Truncate(time.Second)
	id := randomB64(16)
	out := &NewOffer{ID: id, Code: PreAuthorizedCodePrefix + id + "." + randomB64(32), TxCode: randomDigits(TxCodeLength), Expires: now.Add(ttl)}
	o := &Offer{
		ID: id, State: OfferOpen, CodeHash: TokenHash(out.Code), TxCodeHash: txCodeHash(id, out.TxCode),
		Client: req.Client, Type: req.Type, Level: req.Level, Evidence: req.Summary,
		Claims: append(json.RawMessage(nil), req.Claims...), ValidFor: int64(req.ValidFor / time.Second),
		Created: now, Expires: out.Expires,
	}
	if req.Evidence != credential.EvidenceNone {
		o.EvidenceCode = req.Evidence.String()
	}
	err = s.st.Update(func(tx Tx) error {
		if err := tx.PutOffer(o); err != nil {
			return err
		}
		return s.audit(tx, AuditBody{Kind: AuditOffer, Offer: id, Type: o.Type, Level: o.Level.String(), Client: o.Client,
			Evidence: o.Evidence.Method, Terminal: o.Evidence.Terminal})
	})
	if err != nil {
		return nil, err
	}
	s.noteAudit(1)
	return out, nil
}

// randomDigits returns n uniformly random decimal digits.
func randomDigits(n int) string {
	b := make([]byte, n)
	ten := big.NewInt(10)
	for i := range b {
		d, _ := rand.Int(rand.Reader, ten)
		b[i] = '0' + byte(d.Int64())
	}
	return string(b)
}

// RedeemOffer exchanges a pre-authorized code and its transaction code for
// an access token, once. A wrong transaction code is counted (durably);
// the MaxTxCodeFailures-th invalidates the offer and removes its claims.
// The errors are ErrOfferUnknown, ErrOfferUsed, ErrOfferExpired,
// ErrOfferInvalidated and ErrTxCode.
func (s *Service) RedeemOffer(code, txCode string) (*AccessToken, error) {
	id, ok := offerID(code, PreAuthorizedCodePrefix)
	if !ok {
		return nil, fmt.Errorf("%w: not a pre-authorized code of this issuer", ErrOfferUnknown)
	}
	token := AccessTokenPrefix + id + "." + randomB64(32)
	var out *AccessToken
	var refused error
	audited := 0
	err := s.st.Update(func(tx Tx) error {
		out, refused, audited = nil, nil, 0
		o, err := tx.Offer(id)
		if errors.Is(err, ErrNotFound) {
			refused = fmt.Errorf("%w: no such offer (or it expired and was removed)", ErrOfferUnknown)
			return nil
		} else if err != nil {
			return err
		}
		if h := TokenHash(code); subtle.ConstantTimeCompare(h[:], o.CodeHash[:]) != 1 {
			refused = fmt.Errorf("%w: no such offer", ErrOfferUnknown)
			return nil
		}
		now := s.now()
		switch {
		case o.State == OfferInvalidated:
			refused = fmt.Errorf("%w (%d wrong codes)", ErrOfferInvalidated, o.FailedTxCodes)
			return nil
		case o.State != OfferOpen:
			refused = fmt.Errorf("%w: the code was exchanged for an access token already", ErrOfferUsed)
			return nil
		case !now.Before(o.Expires):
			refused = fmt.Errorf("%w at %s", ErrOfferExpired, o.Expires.Format(time.RFC3339))
			return nil
		}
		if h := txCodeHash(id, txCode); subtle.ConstantTimeCompare(h[:], o.TxCodeHash[:]) != 1 {
			o.FailedTxCodes++
			if o.FailedTxCodes >= MaxTxCodeFailures {
				o.State, o.Claims = OfferInvalidated, nil
				refused = fmt.Errorf("%w: the offer is now invalid; the enrollment client must make a new one", ErrOfferInvalidated)
				if err := s.audit(tx, AuditBody{Kind: AuditOfferInvalid, Offer: id, Client: o.Client}); err != nil {
					return err
				}
				audited = 1
			} else {
				refused = fmt.Errorf("%w: %d attempts left", ErrTxCode, MaxTxCodeFailures-o.FailedTxCodes)
			}
			return tx.UpdateOffer(o)
		}
		o.State = OfferToken
		o.TokenHash = TokenHash(token)
		o.TokenExpires = now.UTC().Truncate(time.Second).Add(DefaultAccessTokenTTL)
		out = &AccessToken{Token: token, Expires: o.TokenExpires}
		return tx.UpdateOffer(o)
	})
	if err != nil {
		return nil, err
	}
	if audited > 0 {
		s.noteAudit(audited)
	}
	if refused != nil {
		return nil, refused
	}
	return out, nil
}

// offerOfToken returns the offer an access token was given for, checking
// that the token is its, unexpired and not yet used.
func (s *Service) offerOfToken(tx Tx, token string) (*Offer, error) {
	id, ok := offerID(token, AccessTokenPrefix)
	if !ok {
		return nil, fmt.Errorf("%w: not an access token of this issuer", ErrAccessToken)
	}
	o, err := tx.Offer(id)
	if errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("%w: unknown token", ErrAccessToken)
	} else if err != nil {
		return nil, err
	}
	if h := TokenHash(token); o.TokenHash == (Hash{}) || subtle.ConstantTimeCompare(h[:], o.TokenHash[:]) != 1 {
		return nil, fmt.Errorf("%w: unknown token", ErrAccessToken)
	}
	if o.State != OfferToken {
		return nil, fmt.Errorf("%w: the token's credentials were issued already", ErrAccessToken)
	}
	if !s.now().Before(o.TokenExpires) {
		return nil, fmt.Errorf("%w: the token expired at %s", ErrAccessToken, o.TokenExpires.Format(time.RFC3339))
	}
	return o, nil
}

// OfferOfToken returns the offer of a valid, unused access token (for the
// credential endpoint's checks before the proofs are verified).
func (s *Service) OfferOfToken(token string) (*Offer, error) {
	var o *Offer
	err := s.st.View(func(tx Tx) error {
		var err error
		o, err = s.offerOfToken(tx, token)
		return err
	})
	return o, err
}

// IssueOffer issues the credentials of the offer that token was given
// for: one per holder key (1 to MaxBatch), each with its own status list
// entry and the key as its cnf. The records, their audit entries and the
// offer's change to redeemed (its claims removed) are one store write, so
// an offer yields its credentials once: a concurrent or later request with
// the same token is ErrAccessToken.
func (s *Service) IssueOffer(token string, holders []*keys.PublicKey) ([]*Issued, error) {
	if s.is == nil {
		return nil, fmt.Errorf("%w: the service has no signing key", ErrRequest)
	}
	if len(holders) == 0 || len(holders) > MaxBatch {
		return nil, fmt.Errorf("%w: %d holder keys (want 1 to %d)", ErrBatch, len(holders), MaxBatch)
	}
	o, err := s.OfferOfToken(token)
	if err != nil {
		return nil, err
	}
	claims, err := schemas.ParseClaimsJSON(o.Claims)
	if err != nil {
		return nil, fmt.Errorf("%w: offer %s: claims: %v", ErrStoreCorrupt, o.ID, err)
	}
	var ev credential.Evidence
	if o.EvidenceCode != "" {
		if ev, err = credential.ParseEvidence(o.EvidenceCode); err != nil {
			return nil, fmt.Errorf("%w: offer %s: %v", ErrStoreCorrupt, o.ID, err)
		}
	}
	outs := make([]*Issued, len(holders))
	recs := make([]*CredentialRecord, len(holders))
	for i, hk := range holders {
		req := Request{Type: o.Type, Level: o.Level, Evidence: ev, Claims: claims, ValidFor: time.Duration(o.ValidFor) * time.Second}
		if err := bindHolder(&req, hk); err != nil {
			return nil, err
		}
		c, err := s.is.prepare(req)
		if err != nil {
			return nil, err
		}
		n, idx, err := s.take()
		if err != nil {
			return nil, err
		}
		c.Status = &credential.StatusRef{Index: idx, URI: s.ListURI(n)}
		if outs[i], err = s.is.sign(c); err != nil {
			return nil, err
		}
		recs[i] = &CredentialRecord{
			List: n, Index: idx, CTI: c.ID, Type: o.Type, Level: c.Level, KID: s.is.key.KID(),
			IssuedAt: c.IssuedAt, Expiry: c.Expiry, Evidence: o.Evidence, Client: o.Client,
		}
		if recs[i].Evidence.Method == "" && c.Evidence != credential.EvidenceNone {
			recs[i].Evidence.Method = c.Evidence.String()
		}
	}
	err = s.st.Update(func(tx Tx) error {
		cur, err := s.offerOfToken(tx, token)
		if err != nil {
			return err
		}
		cur.Credentials = nil
		for i, rec := range recs {
			if err := tx.InsertCredential(rec); err != nil {
				return err
			}
			id := CredentialID(outs[i].Claims.Status)
			cur.Credentials = append(cur.Credentials, id)
			if err := s.audit(tx, AuditBody{
				Kind: AuditIssue, Credential: id, Type: rec.Type, Level: rec.Level.String(),
				KID: base64.RawURLEncoding.EncodeToString(rec.KID), Client: rec.Client,
				Evidence: rec.Evidence.Method, Terminal: rec.Evidence.Terminal, Offer: cur.ID,
			}); err != nil {
				return err
			}
		}
		cur.State, cur.Claims = OfferRedeemed, nil
		return tx.UpdateOffer(cur)
	})
	if err != nil {
		return nil, err
	}
	s.noteAudit(len(recs))
	return outs, nil
}

// UseNonce records a c_nonce as used until it expires; a nonce used
// before is false.
func (s *Service) UseNonce(nonce string, until time.Time) (bool, error) {
	err := s.st.Update(func(tx Tx) error { return tx.UseOnce("c_nonce", nonce, until, s.now()) })
	if errors.Is(err, ErrExists) {
		return false, nil
	}
	return err == nil, err
}

// SweepOffers deletes every offer whose pre-authorized code and access
// token have both expired, claims and all, and returns how many.
func (s *Service) SweepOffers() (int, error) {
	now := s.now()
	due := false
	err := s.st.View(func(tx Tx) error {
		return tx.Offers(func(o *Offer) error {
			due = due || (!now.Before(o.Expires) && !now.Before(o.TokenExpires))
			return nil
		})
	})
	if err != nil || !due {
		return 0, err // no write (and no fsync) when nothing expired
	}
	var n int
	err = s.st.Update(func(tx Tx) error {
		var gone []string
		err := tx.Offers(func(o *Offer) error {
			if !now.Before(o.Expires) && !now.Before(o.TokenExpires) {
				gone = append(gone, o.ID)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, id := range gone {
			// Another instance on the same store may have swept it.
			if err := tx.DeleteOffer(id); err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
		}
		n = len(gone)
		return nil
	})
	return n, err
}
