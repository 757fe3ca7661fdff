package evidence

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/netcred/netcred/credential"
)

// Evaluator decides what evidence earns under a policy, with the issuer's
// registered terminals and its record of used attestations. Its fields
// are set once; an Evaluator is safe for concurrent use when its
// Terminals and Replay are.
type Evaluator struct {
	// Policy says which evidence earns which level; nil means DefaultPolicy.
	Policy *Policy
	// Terminals finds a terminal's key; nil refuses every document check
	// (terminal_unknown).
	Terminals Terminals
	// Replay records used attestations; it is required when the policy
	// accepts document checks.
	Replay Replay
}

// Decision is what a request's evidence earns (spec/evidence.md §1).
//
// It keeps what the issuer records and the credential carries (method,
// time, terminal) and never biometrics: a face match's score is compared
// with the policy's threshold and not kept.
type Decision struct {
	// Level is the highest level that a valid item earns: low when none does.
	Level credential.Level
	// Evidence is the credential's evidence code for Method.
	Evidence credential.Evidence
	// Method is the method of the item that earned Level, or "" when no
	// item did (Level low, Evidence self_asserted).
	Method Method
	// Index is that item's index in the evidence list, or -1.
	Index int
	// Terminal is the terminal that attested a document check, or "".
	Terminal string
	// Time is when the evidence was established: a document check's iat,
	// or for a face match (and no evidence) the time of the evaluation.
	Time time.Time
	// AttestationID is the replay id (ReplayID) of the attestation that
	// earned Level, or "".
	AttestationID string
	// Refused lists each invalid item's refusal, in list order.
	Refused []*Error
	// wouldEarn[i] is what Refused[i]'s item would have earned if valid.
	wouldEarn []credential.Level
}

// Permits returns nil when the decision supports issuing at level, or
// else an *Error naming why not: the refusal of the first invalid item
// that would have earned level (say attestation_stale), or
// evidence_insufficient.
func (d Decision) Permits(level credential.Level) error {
	if level <= d.Level {
		return nil
	}
	for i, r := range d.Refused {
		if d.wouldEarn[i] >= level {
			return r
		}
	}
	return refusef(CodeInsufficient, -1, "the evidence earns %s, not %s", d.Level, level)
}

// Evaluate checks each evidence item (spec/evidence.md §1): each is
// decoded with ParseItem and checked against the policy, a document
// check's attestation against the terminal's key, claimsDigest (the
// ClaimsDigest of this request's claims), the time now and the replay
// record. The decision's level is the highest any valid item earns; every
// invalid item is reported in Decision.Refused and does not by itself
// fail the evaluation. An attestation that passes every other check is
// marked used before it counts, whether or not the request then succeeds.
//
// Evaluate returns an *Error (CodeMalformed, Index -1) for a list of more
// than MaxItems items, and any other error when Terminals or Replay fail
// or ctx is done: an operational failure, to answer with a server error.
func (ev *Evaluator) Evaluate(ctx context.Context, items []json.RawMessage, claimsDigest Digest, now time.Time) (Decision, error) {
	p := ev.Policy
	if p == nil {
		p = DefaultPolicy()
	}
	d := Decision{Level: credential.LevelLow, Evidence: credential.EvidenceSelfAsserted, Index: -1, Time: now.UTC()}
	if len(items) > MaxItems {
		return d, refusef(CodeMalformed, -1, "%d evidence items, at most %d", len(items), MaxItems)
	}
	for i, raw := range items {
		if err := ctx.Err(); err != nil {
			return d, err
		}
		it, err := ParseItem(raw)
		if err != nil {
			var e *Error
			errors.As(err, &e)
			e.Index = i
			d.refuse(e, 0)
			continue
		}
		earn := p.ruleLevel(it.Method)
		if earn == 0 {
			d.refuse(refusef(CodeNotAccepted, i, "the policy accepts no %s evidence", it.Method), it.Method.maxLevel())
			continue
		}
		var got Decision
		switch it.Method {
		case MethodFaceMatch:
			e := checkFaceMatch(p.FaceMatch, it)
			if e != nil {
				e.Index = i
				d.refuse(e, earn)
				continue
			}
			got = Decision{Time: now.UTC()}
		case MethodDocumentCheck:
			att, e, err := ev.checkDocument(ctx, p.DocumentCheck, it, claimsDigest, now)
			if err != nil {
				return d, err
			}
			if e != nil {
				e.Index = i
				d.refuse(e, earn)
				continue
			}
			got = Decision{Terminal: att.Terminal, Time: att.IssuedAt, AttestationID: ReplayID(att.Terminal, att.ID)}
		}
		got.Level, got.Method, got.Evidence, got.Index = earn, it.Method, it.Method.Evidence(), i
		if got.Level > d.Level || got.Level == d.Level && got.Evidence > d.Evidence {
			got.Refused, got.wouldEarn = d.Refused, d.wouldEarn
			d = got
		}
	}
	return d, nil
}

// refuse adds a refusal of an item that would have earned level.
func (d *Decision) refuse(e *Error, level credential.Level) {
	d.Refused = append(d.Refused, e)
	d.wouldEarn = append(d.wouldEarn, level)
}

// checkFaceMatch checks a face match against its rule.
func checkFaceMatch(r *FaceMatchRule, it Item) *Error {
	if !it.Liveness {
		return refusef(CodeNoLiveness, -1, "liveness is false")
	}
	if it.Score < r.MinScore {
		// The score itself is not repeated: it is biometric output.
		return refusef(CodeScoreTooLow, -1, "score below the policy's threshold %v", r.MinScore)
	}
	return nil
}

// checkDocument checks a document check's attestation: its form, the
// terminal and its key, the signature, the time, the claims digest and,
// last, that it was not used before. It returns the refusal, or an
// operational error.
func (ev *Evaluator) checkDocument(ctx context.Context, r *DocumentCheckRule, it Item, digest Digest, now time.Time) (*Attestation, *Error, error) {
	sa, err := parseAttestation(it.Attestation)
	if err != nil {
		e, _ := err.(*Error)
		return nil, e, nil
	}
	if sa.Terminal != it.Terminal {
		return nil, refusef(CodeAttestationInvalid, -1, "the attestation is by terminal %q, the evidence names %q", sa.Terminal, it.Terminal), nil
	}
	if ev.Terminals == nil {
		return nil, refusef(CodeTerminalUnknown, -1, "no terminals are registered"), nil
	}
	key, err := ev.Terminals.TerminalKey(ctx, it.Terminal)
	if err != nil {
		return nil, nil, fmt.Errorf("evidence: looking up terminal %q: %w", it.Terminal, err)
	}
	if key == nil {
		return nil, refusef(CodeTerminalUnknown, -1, "no terminal %q is registered", it.Terminal), nil
	}
	if err := sa.verify(key); err != nil {
		e, _ := err.(*Error)
		return nil, e, nil
	}
	switch age := now.Sub(sa.IssuedAt); {
	case age < -r.ClockSkew:
		return nil, refusef(CodeAttestationFuture, -1, "issued %s in the future, more than the allowed clock skew of %s", -age, r.ClockSkew), nil
	case age > r.MaxAge+r.ClockSkew:
		return nil, refusef(CodeAttestationStale, -1, "issued %s ago, the policy allows %s (and %s of clock skew)", age, r.MaxAge, r.ClockSkew), nil
	case !sa.Expiry.IsZero() && now.After(sa.Expiry.Add(r.ClockSkew)):
		return nil, refusef(CodeAttestationStale, -1, "expired at %s", sa.Expiry.Format(time.RFC3339)), nil
	}
	if sa.ClaimsDigest != digest {
		return nil, refusef(CodeDigestMismatch, -1, "the attestation covers claims with digest %s, this request's claims have %s", sa.ClaimsDigest, digest), nil
	}
	if ev.Replay == nil {
		return nil, nil, errors.New("evidence: no replay record: an Evaluator accepting document checks needs Replay")
	}
	// Kept while any policy could still find the attestation fresh.
	until := sa.IssuedAt.Add(MaxAttestationAge + MaxClockSkew)
	fresh, err := ev.Replay.MarkUsed(ctx, ReplayID(sa.Terminal, sa.ID), until)
	if err != nil {
		return nil, nil, fmt.Errorf("evidence: recording the attestation as used: %w", err)
	}
	if !fresh {
		return nil, refusef(CodeAttestationReplayed, -1, "terminal %q's attestation %q was used before", sa.Terminal, sa.ID), nil
	}
	return &sa.Attestation, nil, nil
}
