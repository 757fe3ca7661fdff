package credential

import (
	"fmt"
	"strings"
)

// Level is an assurance level. Levels are ordered: a higher value is a
// stronger assurance, so policies compare them with < and >=.
//
// The spec (spec/credential.md, "Assurance levels") maps them onto eIDAS
// levels of assurance and NIST SP 800-63 identity assurance levels.
type Level uint8

const (
	// LevelLow is self-asserted or account-bound identity (eIDAS low, NIST IAL1).
	LevelLow Level = 1
	// LevelSubstantial is the "lightweight edition": a remote face match
	// against the civil record (eIDAS substantial, NIST IAL2).
	LevelSubstantial Level = 2
	// LevelHigh is the "upgraded edition": a secured in-person terminal with
	// the identity document's authenticity checked (eIDAS high, NIST IAL3).
	LevelHigh Level = 3
)

var levelNames = [...]string{LevelLow: "low", LevelSubstantial: "substantial", LevelHigh: "high"}

// Valid reports whether l is one of the defined levels.
func (l Level) Valid() bool { return l >= LevelLow && l <= LevelHigh }

// String returns the level's name ("low", "substantial", "high"), or
// "level(N)" for an undefined value.
func (l Level) String() string {
	if l.Valid() {
		return levelNames[l]
	}
	return fmt.Sprintf("level(%d)", uint8(l))
}

// ParseLevel accepts a level's name (case-insensitive) or its number.
func ParseLevel(s string) (Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "low", "1":
		return LevelLow, nil
	case "substantial", "2":
		return LevelSubstantial, nil
	case "high", "3":
		return LevelHigh, nil
	}
	return 0, fmt.Errorf("%w: %q (want low, substantial or high)", ErrUnknownLevel, s)
}

// MarshalText encodes the level by name, so JSON shows "substantial".
func (l Level) MarshalText() ([]byte, error) {
	if !l.Valid() {
		return nil, fmt.Errorf("%w: %d", ErrUnknownLevel, uint8(l))
	}
	return []byte(l.String()), nil
}

// UnmarshalText accepts what ParseLevel accepts.
func (l *Level) UnmarshalText(b []byte) error {
	v, err := ParseLevel(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// Evidence summarises how the subject's identity was established. It is
// carried in the credential so that a relying party can see why a level was
// granted; the issuer's policy decides which evidence a level requires.
type Evidence uint8

const (
	// EvidenceNone: no evidence recorded.
	EvidenceNone Evidence = 0
	// EvidenceSelfAsserted: the subject's own statement, or an account binding.
	EvidenceSelfAsserted Evidence = 1
	// EvidenceRemoteFaceMatch: a liveness-checked face match against the
	// portrait in the civil record, done remotely (a mini-app).
	EvidenceRemoteFaceMatch Evidence = 2
	// EvidenceInPersonDocument: a secured terminal checked the identity
	// document's authenticity (chip or security features) and the holder in person.
	EvidenceInPersonDocument Evidence = 3
)

var evidenceNames = [...]string{
	EvidenceNone:             "none",
	EvidenceSelfAsserted:     "self_asserted",
	EvidenceRemoteFaceMatch:  "remote_face_match",
	EvidenceInPersonDocument: "in_person_document",
}

// Valid reports whether e is one of the defined evidence codes.
func (e Evidence) Valid() bool { return int(e) < len(evidenceNames) }

// String returns the evidence code's name.
func (e Evidence) String() string {
	if e.Valid() {
		return evidenceNames[e]
	}
	return fmt.Sprintf("evidence(%d)", uint8(e))
}

// ParseEvidence accepts an evidence name or its number.
func ParseEvidence(s string) (Evidence, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	for i, n := range evidenceNames {
		if s == n || s == fmt.Sprint(i) {
			return Evidence(i), nil
		}
	}
	return 0, fmt.Errorf("%w: %q (want one of %s)", ErrUnknownEvidence, s, strings.Join(evidenceNames[:], ", "))
}

// MarshalText encodes the evidence code by name.
func (e Evidence) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// DefaultEvidence is the evidence that a level implies when the issuer names
// none: the weakest evidence that can support it.
func DefaultEvidence(l Level) Evidence {
	switch l {
	case LevelLow:
		return EvidenceSelfAsserted
	case LevelSubstantial:
		return EvidenceRemoteFaceMatch
	case LevelHigh:
		return EvidenceInPersonDocument
	}
	return EvidenceNone
}

// Supports reports whether evidence e is strong enough for level l
// (spec/credential.md §4.5): at least DefaultEvidence(l), so none supports
// no level, self_asserted supports low, remote_face_match substantial and
// in_person_document high. Issuers refuse to issue, and verifiers refuse
// (evidence_insufficient), a credential whose evidence does not support its
// level.
func (e Evidence) Supports(l Level) bool {
	return e.Valid() && l.Valid() && e >= DefaultEvidence(l)
}
