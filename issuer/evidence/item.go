package evidence

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/strictjson"
)

// Method is an evidence object's method (spec/evidence.md §2).
type Method string

// The evidence methods.
const (
	// MethodFaceMatch: a remote face match with a liveness check, stated by
	// the enrollment client.
	MethodFaceMatch Method = "face_match"
	// MethodDocumentCheck: a document check at a registered terminal,
	// attested by the terminal's signature.
	MethodDocumentCheck Method = "document_check"
)

// Evidence returns the credential's evidence code for m: face_match is
// remote_face_match, document_check in_person_document, and no method
// ("") self_asserted.
func (m Method) Evidence() credential.Evidence {
	switch m {
	case MethodFaceMatch:
		return credential.EvidenceRemoteFaceMatch
	case MethodDocumentCheck:
		return credential.EvidenceInPersonDocument
	}
	return credential.EvidenceSelfAsserted
}

// maxLevel is the highest level evidence of method m can support
// (credential.Evidence.Supports).
func (m Method) maxLevel() credential.Level {
	for l := credential.LevelHigh; l > credential.LevelLow; l-- {
		if m.Evidence().Supports(l) {
			return l
		}
	}
	return credential.LevelLow
}

// Limits on evidence (spec/evidence.md §2).
const (
	// MaxItems is the most evidence objects one request may carry.
	MaxItems = 8
	// MaxItemSize caps one evidence object's JSON.
	MaxItemSize = 8 << 10
	// MaxAttestationSize caps an attestation JWS.
	MaxAttestationSize = 4 << 10
	// MaxTerminalName is the longest terminal name.
	MaxTerminalName = 64
)

// Item is one evidence object, decoded. Score and Liveness are set for a
// face match, Terminal and Attestation for a document check.
type Item struct {
	Method      Method
	Score       float64
	Liveness    bool
	Terminal    string
	Attestation string
}

// itemJSON is the JSON form of every method's object; which members a
// method needs is checked after decoding.
type itemJSON struct {
	Method      *string  `json:"method"`
	Score       *float64 `json:"score,omitempty"`
	Liveness    *bool    `json:"liveness,omitempty"`
	Terminal    *string  `json:"terminal,omitempty"`
	Attestation *string  `json:"attestation,omitempty"`
}

// ParseItem decodes one evidence object strictly (spec/evidence.md §2): a
// JSON object of at most MaxItemSize bytes, with a known method, exactly
// the members that method has, of the right types, and no null, duplicate
// or unknown member. Errors are *Error with CodeMalformed (Index -1).
func ParseItem(data []byte) (Item, error) {
	var j itemJSON
	err := strictjson.Unmarshal(data, &j, strictjson.MaxSize(MaxItemSize), strictjson.DisallowUnknownFields(), strictjson.DisallowNull())
	if err != nil {
		return Item{}, &Error{Code: CodeMalformed, Index: -1, Detail: err.Error(), cause: err}
	}
	if j.Method == nil {
		return Item{}, refusef(CodeMalformed, -1, "no method")
	}
	it := Item{Method: Method(*j.Method)}
	present := map[string]bool{"score": j.Score != nil, "liveness": j.Liveness != nil, "terminal": j.Terminal != nil, "attestation": j.Attestation != nil}
	var want []string
	switch it.Method {
	case MethodFaceMatch:
		want = []string{"score", "liveness"}
	case MethodDocumentCheck:
		want = []string{"terminal", "attestation"}
	default:
		return Item{}, refusef(CodeMalformed, -1, "unknown method %q (want face_match or document_check)", *j.Method)
	}
	for _, name := range []string{"score", "liveness", "terminal", "attestation"} {
		wanted := name == want[0] || name == want[1]
		switch {
		case wanted && !present[name]:
			return Item{}, refusef(CodeMalformed, -1, "%s evidence has no %s", it.Method, name)
		case !wanted && present[name]:
			return Item{}, refusef(CodeMalformed, -1, "%s evidence has no member %s", it.Method, name)
		}
	}
	switch it.Method {
	case MethodFaceMatch:
		it.Score, it.Liveness = *j.Score, *j.Liveness
		if math.IsNaN(it.Score) || it.Score < 0 || it.Score > 1 {
			return Item{}, refusef(CodeMalformed, -1, "score %v is not in [0, 1]", it.Score)
		}
	case MethodDocumentCheck:
		it.Terminal, it.Attestation = *j.Terminal, *j.Attestation
		if !ValidTerminalName(it.Terminal) {
			return Item{}, refusef(CodeMalformed, -1, "terminal name %q: want 1 to %d characters of A-Z a-z 0-9 . _ -", it.Terminal, MaxTerminalName)
		}
		if it.Attestation == "" || len(it.Attestation) > MaxAttestationSize {
			return Item{}, refusef(CodeMalformed, -1, "attestation of %d bytes: want 1 to %d", len(it.Attestation), MaxAttestationSize)
		}
	}
	return it, nil
}

// MarshalJSON writes the item in its spec form, with only its method's
// members.
func (it Item) MarshalJSON() ([]byte, error) {
	m := string(it.Method)
	j := itemJSON{Method: &m}
	switch it.Method {
	case MethodFaceMatch:
		j.Score, j.Liveness = &it.Score, &it.Liveness
	case MethodDocumentCheck:
		j.Terminal, j.Attestation = &it.Terminal, &it.Attestation
	default:
		return nil, fmt.Errorf("%w: unknown method %q", ErrMalformed, it.Method)
	}
	return json.Marshal(j)
}

// ValidTerminalName reports whether name may name a terminal: 1 to
// MaxTerminalName characters of A-Z, a-z, 0-9, ".", "_" and "-". The
// store registers terminals under such names only.
func ValidTerminalName(name string) bool {
	if name == "" || len(name) > MaxTerminalName {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
