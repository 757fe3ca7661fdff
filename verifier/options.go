package verifier

import "time"

// Options are the inputs of one verification that are not the credential:
// what changes from call to call, while Policy stays with the Verifier.
type Options struct {
	// Now is the verification time; zero means the current time.
	Now time.Time
	// Nonce is the nonce this verifier showed the holder for this
	// verification (a presentation's cnonce must equal it); nil or empty
	// when it showed none, and then a presentation must carry none
	// (spec/presentation.md §5).
	Nonce []byte
	// Audience is this verifier's identity as it shows it to holders (a
	// presentation's aud must equal it); "" when it shows none, and then
	// only presentations for no particular verifier (aud "") are accepted.
	Audience string
	// Replay, when set, is the replay cache of a gate: a presentation it
	// has seen within its window is refused (presentation_replayed).
	Replay ReplayCache
}

// ReplayCache remembers presentations until their window closes. It is
// defined here, by its consumer; presentation/replay has one kept in a
// file. Implementations are safe for concurrent use.
type ReplayCache interface {
	// Seen reports whether key was recorded before and is still within its
	// window at now, and records it until until (when not seen).
	Seen(key [32]byte, now, until time.Time) bool
}

// now returns the verification time of these options.
func (o *Options) now() time.Time {
	if o.Now.IsZero() {
		return time.Now()
	}
	return o.Now
}

// WarningCode is a stable code of a warning: a finding that does not change
// the verdict (spec/credential.md §8). Codes are never renamed.
type WarningCode string

// The warning codes.
const (
	// WarnHolderBindingUnchecked: the credential carries a holder key
	// (cnf), and QR text alone does not prove its possession.
	WarnHolderBindingUnchecked WarningCode = "holder_binding_unchecked"
	// WarnNoStatus: a verifier with a trust store found no status claim, so
	// revocation cannot be checked.
	WarnNoStatus WarningCode = "no_status"
	// WarnStatusUnchecked: a verifier with a plain key set (no trust store)
	// cannot check the credential's status claim.
	WarnStatusUnchecked WarningCode = "status_unchecked"
	// WarnStatusStale: the status list is stale (status.md §5) and the
	// policy accepts stale lists.
	WarnStatusStale WarningCode = "status_stale"
	// WarnBundleGrace: the trust bundle is past its next_update, within
	// the grace the policy allows.
	WarnBundleGrace WarningCode = "bundle_grace"
)

// WarningCodes lists every warning code, for documentation and tests.
var WarningCodes = []WarningCode{WarnHolderBindingUnchecked, WarnNoStatus, WarnStatusUnchecked, WarnStatusStale, WarnBundleGrace}

// Warning is one finding that does not change the verdict.
type Warning struct {
	// Code is the stable warning code.
	Code WarningCode `json:"code"`
	// Detail explains it for people; it is not stable.
	Detail string `json:"detail"`
}

// String returns the detail and the code, for people.
func (w Warning) String() string { return w.Detail + " (" + string(w.Code) + ")" }
