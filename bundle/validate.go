package bundle

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/schemas"
)

// Validate checks every rule of spec/bundle.md that the bundle itself can
// break: serial and times; at least one issuer; issuer ids (syntax,
// duplicates) and names; at least one key per issuer, each a valid public
// key with a kid no other key in the bundle has (ErrDuplicateKID) and a
// complete authorization (ErrMissingAuthorization); status list URIs
// (absolute http or https, no duplicates in the whole bundle); status
// prefixes (spec/bundle.md §3.3.1: at most MaxStatusPrefixes per issuer,
// https, ending in "/", no overlaps); schema
// entries. Every error wraps ErrInvalid and names the issuer id and
// kid concerned. A bundle that passes has its lookup index built.
func (b *Bundle) Validate() error {
	if b == nil {
		return bundleErrorf(ErrInvalid, nil, "no bundle")
	}
	b.index.Store(nil)
	idx, err := b.validate()
	if err != nil {
		return err
	}
	b.index.Store(idx)
	return nil
}

func (b *Bundle) validate() (*bundleIndex, error) {
	fail := func(format string, args ...any) error {
		return bundleErrorf(ErrInvalid, nil, format, args...)
	}
	if b.Serial < 1 || b.Serial > MaxSerial {
		return nil, fail("serial %d is outside 1..%d", b.Serial, uint64(MaxSerial))
	}
	switch {
	case b.IssuedAt.IsZero():
		return nil, fail("issued_at is missing")
	case !validTime(b.IssuedAt):
		return nil, fail("issued_at %s is outside the years 0001 to 9999", b.IssuedAt)
	case b.NextUpdate.IsZero():
		return nil, fail("next_update is missing")
	case !validTime(b.NextUpdate):
		return nil, fail("next_update %s is outside the years 0001 to 9999", b.NextUpdate)
	case !b.NextUpdate.After(b.IssuedAt):
		return nil, fail("next_update %s is not after issued_at %s", stamp(b.NextUpdate), stamp(b.IssuedAt))
	case len(b.Issuers) == 0:
		return nil, fail("no issuers")
	}
	idx := newBundleIndex(b)
	for i := range b.Issuers {
		iss := &b.Issuers[i]
		if !validIssuerID(iss.ID) {
			return nil, fail("issuer %d: id %q: want 1 to %d characters a-z, 0-9, '.' and '-', starting and ending with a letter or digit", i+1, iss.ID, MaxIssuerIDLength)
		}
		if _, dup := idx.issuers[iss.ID]; dup {
			return nil, fail("issuer %q: listed twice", iss.ID)
		}
		idx.issuers[iss.ID] = i
		if err := checkIssuerName(iss.Name); err != nil {
			return nil, fail("issuer %q: name %s", iss.ID, err)
		}
		if len(iss.Keys) == 0 {
			return nil, fail("issuer %q: no keys", iss.ID)
		}
		for j := range iss.Keys {
			k := &iss.Keys[j]
			if k.Key == nil || len(k.Key.KID()) != keys.KIDSize || k.Key.Key() == nil {
				return nil, bundleErrorf(ErrInvalid, keys.ErrInvalidKey, "issuer %q key %d: no valid public key", iss.ID, j+1)
			}
			where := fmt.Sprintf("issuer %q key %s", iss.ID, k.Key.KIDString())
			if other, dup := idx.byKID[string(k.Key.KID())]; dup {
				return nil, bundleErrorf(ErrInvalid, keys.ErrDuplicateKID, "%s: duplicate kid, also a key of issuer %q", where, idx.refs[other].Issuer.ID)
			}
			if err := k.Authorization.validate(where); err != nil {
				return nil, err
			}
			idx.byKID[string(k.Key.KID())] = len(idx.refs)
			idx.refs = append(idx.refs, KeyRef{Key: k, Issuer: iss})
		}
		for _, u := range iss.StatusLists {
			if err := checkStatusListURI(u); err != nil {
				return nil, fail("issuer %q: status list %q: %s", iss.ID, u, err)
			}
			if other, dup := idx.lists[u]; dup {
				return nil, fail("issuer %q: status list %q is also listed by issuer %q", iss.ID, u, b.Issuers[other].ID)
			}
			idx.lists[u] = i
		}
	}
	prefixes, err := b.validatePrefixes()
	if err != nil {
		return nil, err
	}
	idx.prefixes = prefixes
	if err := validateSchemas(b.Schemas); err != nil {
		return nil, err
	}
	return idx, nil
}

// builtinIDs are the wire ids of the built-in types, which the spec fixes:
// a bundle cannot list them under other ids.
var builtinIDs = map[string]uint64{schemas.IdentityName: schemas.IdentityID, schemas.TicketName: schemas.TicketID}

func validateSchemas(schemas []Schema) error {
	fail := func(format string, args ...any) error {
		return bundleErrorf(ErrInvalid, nil, format, args...)
	}
	type nameVersion struct {
		name    string
		version uint64
	}
	type idVersion struct{ id, version uint64 }
	byNameVersion := make(map[nameVersion]bool, len(schemas))
	byIDVersion := make(map[idVersion]bool, len(schemas))
	idOfName := make(map[string]uint64, len(schemas))
	nameOfID := make(map[uint64]string, len(schemas))
	for i, s := range schemas {
		if !validTypeName(s.Name) {
			return fail("schema %d: name %q: want 1 to 32 characters a-z, 0-9 and _, starting with a letter", i+1, s.Name)
		}
		where := fmt.Sprintf("schema %q version %d", s.Name, s.Version)
		switch {
		case s.ID < 1 || s.ID > MaxSchemaNumber:
			return fail("%s: id %d is outside 1..%d", where, s.ID, MaxSchemaNumber)
		case s.Version < 1 || s.Version > MaxSchemaNumber:
			return fail("%s: version is outside 1..%d", where, MaxSchemaNumber)
		case !validDigest(s.Digest):
			return fail("%s: digest %q: want \"sha256:\" and 64 lower-case hex digits", where, s.Digest)
		case byNameVersion[nameVersion{s.Name, s.Version}]:
			return fail("%s: listed twice", where)
		case byIDVersion[idVersion{s.ID, s.Version}]:
			return fail("%s: id %d version %d is listed twice", where, s.ID, s.Version)
		}
		if id, ok := builtinIDs[s.Name]; ok && id != s.ID {
			return fail("%s: id %d, but %s is a built-in type of id %d (credential.md §5.1)", where, s.ID, s.Name, id)
		}
		for name, id := range builtinIDs {
			if id == s.ID && name != s.Name {
				return fail("%s: id %d is the id of the built-in type %s (credential.md §5.1)", where, s.ID, name)
			}
		}
		if id, ok := idOfName[s.Name]; ok && id != s.ID {
			return fail("%s: id %d, but another version of %q has id %d", where, s.ID, s.Name, id)
		}
		if name, ok := nameOfID[s.ID]; ok && name != s.Name {
			return fail("%s: id %d is also the id of schema %q", where, s.ID, name)
		}
		byNameVersion[nameVersion{s.Name, s.Version}] = true
		byIDVersion[idVersion{s.ID, s.Version}] = true
		idOfName[s.Name] = s.ID
		nameOfID[s.ID] = s.Name
	}
	return nil
}

// checkRoot refuses a root key that the bundle also lists as an issuer key:
// the offline root and the online issuers keep separate keys.
func (b *Bundle) checkRoot(root *keys.PublicKey) error {
	for i := range b.Issuers {
		for j := range b.Issuers[i].Keys {
			if k := b.Issuers[i].Keys[j].Key; k != nil && k.Thumbprint() == root.Thumbprint() {
				return bundleErrorf(ErrInvalid, nil, "issuer %q key %s is the root key that signs the bundle", b.Issuers[i].ID, k.KIDString())
			}
		}
	}
	return nil
}

// validTime reports whether t is set and its UTC year is 1 to 9999, the
// years RFC 3339 can write.
func validTime(t time.Time) bool {
	y := t.UTC().Year()
	return !t.IsZero() && y >= 1 && y <= 9999
}

// validTypeName reports whether n is a credential type name: 1 to 32
// characters a-z, 0-9 and _, starting with a letter (as schema names).
func validTypeName(n string) bool {
	if len(n) == 0 || len(n) > 32 || n[0] < 'a' || n[0] > 'z' {
		return false
	}
	for i := 1; i < len(n); i++ {
		c := n[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

// validIssuerID reports whether id is 1 to MaxIssuerIDLength characters
// a-z, 0-9, '.' and '-', starting and ending with a letter or digit.
func validIssuerID(id string) bool {
	if len(id) == 0 || len(id) > MaxIssuerIDLength {
		return false
	}
	alnum := func(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }
	for i := 0; i < len(id); i++ {
		if c := id[i]; !alnum(c) && c != '.' && c != '-' {
			return false
		}
	}
	return alnum(id[0]) && alnum(id[len(id)-1])
}

// checkIssuerName explains what is wrong with an issuer name, or returns
// nil.
func checkIssuerName(name string) error {
	switch n := utf8.RuneCountInString(name); {
	case name == "":
		return errors.New("is missing")
	case !utf8.ValidString(name):
		return errors.New("is not valid UTF-8")
	case n > MaxIssuerNameLength:
		return fmt.Errorf("has %d characters, at most %d", n, MaxIssuerNameLength)
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return errors.New("has control characters")
		}
	}
	return nil
}

// validDigest reports whether d is "sha256:" and 64 lower-case hex digits.
func validDigest(d string) bool {
	hexDigits, ok := strings.CutPrefix(d, "sha256:")
	if !ok || len(hexDigits) != 64 {
		return false
	}
	for i := 0; i < len(hexDigits); i++ {
		if c := hexDigits[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

// checkStatusListURI explains what is wrong with a status list URI, or
// returns nil: it must be an absolute http or https URI (RFC 3986 §4.3)
// of the characters RFC 3986 allows (unreserved, reserved and %HH), with a
// host in lower case, no user information and no fragment, at most
// MaxStatusListURILength bytes.
func checkStatusListURI(u string) error {
	if len(u) == 0 {
		return errors.New("is empty")
	}
	if len(u) > MaxStatusListURILength {
		return fmt.Errorf("is %d bytes long, at most %d", len(u), MaxStatusListURILength)
	}
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("-._~:/?#[]@!$&'()*+,;=", c) >= 0:
		case c == '%' && i+2 < len(u) && isHex(u[i+1]) && isHex(u[i+2]):
		default:
			return fmt.Errorf("has %q at byte %d, which a URI cannot have unencoded", c, i)
		}
	}
	if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return errors.New("is not an absolute URI starting with https:// or http://")
	}
	p, err := url.Parse(u)
	if err != nil {
		return errors.New("does not parse as a URI")
	}
	switch {
	case strings.Contains(u, "#"):
		return errors.New("has a fragment")
	case p.User != nil:
		return errors.New("has user information")
	case p.Host == "" || p.Hostname() == "":
		return errors.New("has no host")
	case p.Host != strings.ToLower(p.Host):
		return errors.New("has upper-case letters in its host")
	}
	return nil
}

// CheckRegistry reports whether reg may judge credentials under the bundle
// (spec/bundle.md §6): for every schema entry, reg must not hold the
// entry's name under another id nor its id under another name (one wire id
// would be two types), and a schema of reg with the entry's name and
// version must have the entry's digest. Types the bundle does not list are
// not concerned. Errors wrap ErrSchemaMismatch; a verifier refuses to
// start on one, before judging anything.
func (b *Bundle) CheckRegistry(reg *schemas.Registry) error {
	if b == nil || reg == nil {
		return nil
	}
	for _, bs := range b.Schemas {
		local, ok := reg.ByID(bs.ID)
		if !ok {
			local, ok = reg.ByName(bs.Name)
		}
		if !ok {
			continue
		}
		if local.Name != bs.Name || local.ID != bs.ID {
			return fmt.Errorf("%w: local schema %s has id %d, the trust bundle lists %s as id %d",
				ErrSchemaMismatch, local.Name, local.ID, bs.Name, bs.ID)
		}
		if local.Version == bs.Version && local.Digest() != bs.Digest {
			return fmt.Errorf("%w: schema %s version %d differs from the one the trust bundle lists (%s, bundle %s)",
				ErrSchemaMismatch, local.Name, local.Version, local.Digest(), bs.Digest)
		}
	}
	return nil
}
