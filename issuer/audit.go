package issuer

// The audit log (spec/issuer.md §5): every change joins a hash chain in
// the same store write as the change, and a key signs checkpoints over the
// chain, so that rewriting history needs the issuer key.

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/keys"
)

// Audit entry kinds.
const (
	AuditInit           = "init"            // the store was initialized
	AuditKey            = "key"             // a signing key was first used
	AuditList           = "list"            // a status list was opened
	AuditIssue          = "issue"           // a credential was issued
	AuditStatus         = "status"          // a credential's status changed
	AuditClientAdd      = "client_add"      // a client was added
	AuditClientRevoke   = "client_revoke"   // a client's token was revoked
	AuditTerminalAdd    = "terminal_add"    // a terminal was registered
	AuditTerminalRemove = "terminal_remove" // a terminal was removed
)

// AuditBody is the content of an audit entry, stored as JSON exactly as
// hashed. Only the members of its kind are set; none holds personal data.
type AuditBody struct {
	At   time.Time `json:"at"`
	Kind string    `json:"kind"`
	// Credential is the credential id (URI#IDX) of issue and status.
	Credential string `json:"credential,omitempty"`
	Type       string `json:"type,omitempty"`
	Level      string `json:"level,omitempty"`
	// KID is the signing key of issue and key (base64url).
	KID string `json:"kid,omitempty"`
	// Key is the public JWK of key and terminal_add.
	Key json.RawMessage `json:"key,omitempty"`
	// Client is the client that asked (issue, status) or was changed.
	Client   string `json:"client,omitempty"`
	Evidence string `json:"evidence,omitempty"`
	// Terminal names the terminal of issue, terminal_add and
	// terminal_remove.
	Terminal string `json:"terminal,omitempty"`
	// From, To and Reason describe a status change.
	From   string `json:"from,omitempty"`
	To     string `json:"to,omitempty"`
	Reason string `json:"reason,omitempty"`
	// URI and Size describe init and list.
	URI  string `json:"uri,omitempty"`
	Size int    `json:"size,omitempty"`
	// Offer is the offer id of offer, offer_invalidated and of issue for
	// an offer's credentials.
	Offer string `json:"offer,omitempty"`
	// MaxLevel, Types and Scope describe client_add.
	MaxLevel string   `json:"max_level,omitempty"`
	Types    []string `json:"types,omitempty"`
	Scope    string   `json:"scope,omitempty"`
}

// auditDomain and checkpointDomain separate the hashed and signed inputs.
const (
	auditDomain      = "netcred audit entry v1\x00"
	checkpointDomain = "netcred audit checkpoint v1\x00"
)

// AuditHash returns the hash of an audit entry: SHA-256 of "netcred audit
// entry v1", a zero byte, seq as 8 bytes big-endian, prev, and body.
func AuditHash(seq uint64, prev Hash, body []byte) Hash {
	h := sha256.New()
	h.Write([]byte(auditDomain))
	h.Write(binary.BigEndian.AppendUint64(nil, seq))
	h.Write(prev[:])
	h.Write(body)
	var out Hash
	h.Sum(out[:0])
	return out
}

// CheckpointMessage returns the bytes a checkpoint's signature covers:
// "netcred audit checkpoint v1", a zero byte, seq as 8 bytes big-endian,
// the entry's hash, and the signing time as 8 bytes big-endian Unix
// seconds.
func CheckpointMessage(seq uint64, hash Hash, at time.Time) []byte {
	b := append([]byte(checkpointDomain), binary.BigEndian.AppendUint64(nil, seq)...)
	b = append(b, hash[:]...)
	return binary.BigEndian.AppendUint64(b, uint64(at.Unix()))
}

// audit appends an entry to the chain in tx.
func (s *Service) audit(tx Tx, body AuditBody) error {
	if body.At.IsZero() {
		body.At = s.now().UTC().Truncate(time.Second)
	}
	data, err := marshalAuditBody(&body)
	if err != nil {
		return err
	}
	var seq uint64 = 1
	var prev Hash
	last, err := tx.LastAudit()
	switch {
	case err == nil:
		seq, prev = last.Seq+1, last.Hash
	case !errors.Is(err, ErrNotFound):
		return err
	}
	return tx.AppendAudit(&AuditEntry{Seq: seq, Prev: prev, Body: data, Hash: AuditHash(seq, prev, data)})
}

// CheckpointInterval: a Service with a key signs a checkpoint in the
// background when an entry is added this long after its last one, so that
// a quiet service leaves little unsigned.
const CheckpointInterval = time.Minute

// noteAudit counts new entries and starts a checkpoint in the background
// when enough have passed, or enough time.
func (s *Service) noteAudit(n int) {
	if s.is == nil {
		return
	}
	s.cpMu.Lock()
	s.sinceCP += n
	now := s.now()
	if s.lastCP.IsZero() {
		s.lastCP = now
	}
	due := s.sinceCP >= s.cpEvery || now.Sub(s.lastCP) >= CheckpointInterval
	start := due && !s.cpRunning
	if start {
		s.cpRunning, s.sinceCP, s.lastCP = true, 0, now
	}
	s.cpMu.Unlock()
	if start {
		go func() {
			_ = s.Checkpoint() // a failed checkpoint is retried at the next one
			s.cpMu.Lock()
			s.cpRunning = false
			s.cpMu.Unlock()
		}()
	}
}

// Checkpoint signs the audit log up to its last entry with the service's
// key and records the checkpoint. It does nothing when the last entry is
// already covered or the service has no key. Signing happens outside the
// write transaction: the checkpoint covers an entry that never changes.
func (s *Service) Checkpoint() error {
	if s.is == nil {
		return nil
	}
	var last *AuditEntry
	var covered uint64
	err := s.st.View(func(tx Tx) error {
		var err error
		if last, err = tx.LastAudit(); err != nil {
			return err
		}
		return tx.Checkpoints(func(c *Checkpoint) error { covered = max(covered, c.Seq); return nil })
	})
	if errors.Is(err, ErrNotFound) || (err == nil && covered >= last.Seq) {
		return nil
	}
	if err != nil {
		return err
	}
	at := s.now().UTC().Truncate(time.Second)
	sig, err := signCheckpoint(s.is.key, CheckpointMessage(last.Seq, last.Hash, at))
	if err != nil {
		return err
	}
	cp := &Checkpoint{Seq: last.Seq, Hash: last.Hash, At: at, KID: s.is.key.KID(), Signature: sig}
	err = s.st.Update(func(tx Tx) error { return tx.PutCheckpoint(cp) })
	if errors.Is(err, ErrExists) {
		return nil
	}
	return err
}

// Close signs a last checkpoint (when the service has a key) and closes
// the store.
func (s *Service) Close() error {
	return errors.Join(s.Checkpoint(), s.st.Close())
}

// signCheckpoint signs msg: Ed25519 over msg for EdDSA, ECDSA P-256 over
// SHA-256(msg) as r||s (32 bytes each) for ES256.
func signCheckpoint(key *keys.PrivateKey, msg []byte) ([]byte, error) {
	switch key.Algorithm() {
	case credential.EdDSA:
		return key.Signer().Sign(rand.Reader, msg, crypto.Hash(0))
	case credential.ES256:
		d := sha256.Sum256(msg)
		der, err := key.Signer().Sign(rand.Reader, d[:], crypto.SHA256)
		if err != nil {
			return nil, err
		}
		var rs struct{ R, S *big.Int }
		if _, err := asn1.Unmarshal(der, &rs); err != nil {
			return nil, err
		}
		out := make([]byte, 64)
		rs.R.FillBytes(out[:32])
		rs.S.FillBytes(out[32:])
		return out, nil
	}
	return nil, fmt.Errorf("%w: algorithm %s", ErrRequest, key.Algorithm())
}

// verifyCheckpoint checks a signature made by signCheckpoint.
func verifyCheckpoint(key *keys.PublicKey, msg, sig []byte) bool {
	switch pub := key.Key().(type) {
	case ed25519.PublicKey:
		return ed25519.Verify(pub, msg, sig)
	case *ecdsa.PublicKey:
		if len(sig) != 64 {
			return false
		}
		d := sha256.Sum256(msg)
		return ecdsa.Verify(pub, d[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:]))
	}
	return false
}

// AuditProblem is one finding of VerifyAudit.
type AuditProblem struct {
	// Seq is the entry concerned.
	Seq uint64
	// Kind is "altered", "removed", "truncated", "checkpoint" or
	// "unsigned".
	Kind string
	// Detail says what was found.
	Detail string
}

func (p AuditProblem) String() string {
	return fmt.Sprintf("entry %d: %s: %s", p.Seq, p.Kind, p.Detail)
}

// AuditReport is the result of VerifyAudit.
type AuditReport struct {
	// Entries is the number of entries read; Last the last entry's Seq.
	Entries int
	Last    uint64
	// Checkpoints is the number of valid checkpoints; Covered the Seq of
	// the last valid one (entries after it are not yet signed).
	Checkpoints int
	Covered     uint64
	// Problems lists what is wrong, in order of entry; empty when the
	// log verifies.
	Problems []AuditProblem
}

// OK reports whether no problem was found.
func (r *AuditReport) OK() bool { return len(r.Problems) == 0 }

// VerifyAudit checks the audit log of st: entries numbered 1, 2, ...
// without gaps, each entry's Prev equal to the previous entry's Hash and
// its Hash equal to AuditHash of its content, and every checkpoint equal
// to the hash of the entry it names and signed by a key the log recorded
// (a key entry before it) or one of trusted; when trusted is not empty,
// checkpoints must be signed by one of trusted. A checkpoint past the
// last entry means the log was truncated.
func VerifyAudit(st Store, trusted ...*keys.PublicKey) (*AuditReport, error) {
	r := &AuditReport{}
	hashes := map[uint64]Hash{}
	logKeys := map[string]*keys.PublicKey{}
	keyAt := map[string]uint64{}
	problem := func(seq uint64, kind, format string, args ...any) {
		r.Problems = append(r.Problems, AuditProblem{Seq: seq, Kind: kind, Detail: fmt.Sprintf(format, args...)})
	}
	var cps []*Checkpoint
	err := st.View(func(tx Tx) error {
		var expect uint64 = 1
		var prev Hash
		err := tx.Audit(0, func(e *AuditEntry) error {
			r.Entries++
			r.Last = e.Seq
			switch {
			case e.Seq > expect:
				if e.Seq == expect+1 {
					problem(expect, "removed", "entry %d is missing (the log goes from %d to %d)", expect, expect-1, e.Seq)
				} else {
					problem(expect, "removed", "entries %d to %d are missing", expect, e.Seq-1)
				}
			case e.Seq < expect:
				problem(e.Seq, "altered", "entry %d appears out of order", e.Seq)
			}
			if got := AuditHash(e.Seq, e.Prev, e.Body); got != e.Hash {
				problem(e.Seq, "altered", "content does not match its hash")
			} else if e.Seq == expect && e.Prev != prev {
				problem(e.Seq, "altered", "prev does not match the hash of entry %d (entry %d was altered or removed)", e.Seq-1, e.Seq-1)
			}
			var body AuditBody
			if err := json.Unmarshal(e.Body, &body); err != nil {
				problem(e.Seq, "altered", "body is not an audit entry: %v", err)
			} else if body.Kind == AuditKey {
				if k, err := keys.ParsePublicJWK(body.Key); err == nil {
					logKeys[k.KIDString()] = k
					keyAt[k.KIDString()] = e.Seq
				} else {
					problem(e.Seq, "altered", "key entry holds no valid JWK: %v", err)
				}
			}
			hashes[e.Seq] = e.Hash
			prev = e.Hash
			expect = max(expect, e.Seq+1)
			return nil
		})
		if err != nil {
			return err
		}
		return tx.Checkpoints(func(c *Checkpoint) error { cps = append(cps, c); return nil })
	})
	if err != nil {
		return nil, err
	}
	pinned := map[string]*keys.PublicKey{}
	for _, k := range trusted {
		pinned[k.KIDString()] = k
	}
	for _, c := range cps {
		kid := base64.RawURLEncoding.EncodeToString(c.KID)
		key := pinned[kid]
		if key == nil && len(trusted) == 0 {
			if k := logKeys[kid]; k != nil && keyAt[kid] <= c.Seq {
				key = k
			}
		}
		if key == nil || !verifyCheckpoint(key, CheckpointMessage(c.Seq, c.Hash, c.At), c.Signature) {
			problem(c.Seq, "checkpoint", "the checkpoint at entry %d is not signed by a known issuer key (kid %s)", c.Seq, kid)
			continue
		}
		h, ok := hashes[c.Seq]
		switch {
		case !ok && c.Seq > r.Last:
			problem(r.Last+1, "truncated", "the log ends at entry %d but a signed checkpoint covers entries up to %d", r.Last, c.Seq)
		case !ok:
			problem(c.Seq, "removed", "entry %d, covered by a signed checkpoint, is missing", c.Seq)
		case h != c.Hash:
			problem(c.Seq, "altered", "the log up to entry %d differs from what the checkpoint signed", c.Seq)
		default:
			r.Checkpoints++
			r.Covered = max(r.Covered, c.Seq)
		}
	}
	return r, nil
}
