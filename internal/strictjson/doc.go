// Package strictjson is netcred's one strict JSON reader: claims files,
// issuer configs, trust bundles and schema files are all read through
// [Unmarshal] (or [Read], [Check]).
//
// encoding/json accepts, silently, inputs that let two readers of one
// document see two different things. strictjson refuses each of them
// before encoding/json decodes the value, with an [*Error] that names the
// sentinel, the member by its JSON path (such as $.issuers[1].keys[0].jwk)
// and the byte offset:
//
//   - a member that appears twice in one object, also when spelled with
//     escapes ({"name":"A","n\u0061me":"B"}): [ErrDuplicateMember]
//     (encoding/json keeps the last one, so such a claims file signed "B");
//   - bytes that are not UTF-8, including UTF-8-encoded surrogates:
//     [ErrInvalidUTF8] (encoding/json replaces them with U+FFFD);
//   - a \uXXXX escape of a surrogate that is not part of a pair:
//     [ErrLoneSurrogate] (encoding/json replaces it with U+FFFD);
//   - a byte-order mark: [ErrBOM] (see below);
//   - anything but whitespace after the value: [ErrTrailingData];
//   - an input over the size cap ([MaxSize], default [DefaultMaxSize]):
//     [ErrTooLarge], before any byte is parsed;
//   - arrays and objects nested deeper than [MaxDepth] (default
//     [DefaultMaxDepth]): [ErrTooDeep];
//   - a member name that matches a struct field only when case is ignored
//     ({"Name":...} for a field tagged "name"; encoding/json would fill the
//     field): [ErrMemberCase];
//   - with [DisallowUnknownFields], a member no struct field is named
//     for: [ErrUnknownMember];
//   - with [DisallowNull], a null: [ErrNull];
//   - a JSON value of the wrong kind for its Go field, or a number out of
//     the field's range: [ErrType], with the path (encoding/json names only
//     the Go field).
//
// Everything strictjson accepts, encoding/json accepts too and decodes to
// the same value: strictjson only checks, then hands the bytes to
// encoding/json (a fuzz target holds it to that).
//
// # Byte-order marks
//
// RFC 8259 §8.1 forbids adding a byte-order mark and lets a reader ignore
// one. strictjson refuses it instead, with [ErrBOM], so that a caller can
// tell the user how to fix the file ("save it as UTF-8 without a BOM"):
// the documents netcred reads are signed, hashed (bundle and schema
// digests) or compared byte for byte, and a reader that skipped the mark
// would give two byte strings one meaning. UTF-16 and UTF-32 marks get
// ErrBOM too; UTF-16 or UTF-32 text without a mark gets [ErrInvalidUTF8].
//
// # Security
//
// Time is linear in the input and memory is bounded by the size cap: the
// check runs before encoding/json allocates anything, and recursion is
// bounded by the depth cap (at most [MaxDepthLimit]).
package strictjson
