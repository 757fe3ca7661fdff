// Package status implements the Status List of the IETF Token Status List
// (draft-ietf-oauth-status-list-20, "Token Status List (TSL)", approved by
// the IESG; nothing changed on the wire since -18): how netcred records that a credential is valid, revoked or
// suspended, publishes that record compactly, and reads it back offline.
//
// Every credential carries an index into one of its issuer's lists. A
// [List] holds 2 bits per index ([Valid], [Revoked], [Suspended]), packed
// four to a byte from the least significant bits (draft Section 4.1). Its
// CBOR form ([List.MarshalCBOR], [Parse]) is the draft's Status List map
// {"bits": 2, "lst": zlib(bytes)} (Section 4.3), which the issuer signs into
// a Status List Token; [ClaimStatusList], [ClaimTTL] and [TokenType] give
// that token's numbers. An [Allocator] hands out the indexes.
//
// # Basics
//
// An issuer creates a list with [New] ([DefaultSize] entries unless told
// otherwise), takes an index for each credential with [Allocator.Allocate],
// changes statuses with [List.Set], and publishes [List.MarshalCBOR] inside
// a signed token. A verifier decodes that claim with [Parse] (or through
// [List.UnmarshalCBOR]) once per download and calls [List.Get] for each
// credential; Get is constant time and does not allocate.
//
// [Compress] is a DEFLATE encoder tuned for these mostly-zero arrays: on a
// default-size list with 1% of entries revoked at random it produces about
// 1.31 times the Shannon bound of the list in ~25 ms, where compress/zlib's
// best level gives 1.41 times in ~140 ms. Its output is a plain zlib stream
// that any inflater reads.
//
// # Security
//
// Parse takes untrusted input (a token's payload is parsed only after its
// signature is verified, but the verifier still bounds its work): the CBOR
// is decoded strictly (no duplicate keys, indefinite lengths, tags, unknown
// keys or trailing bytes) and the inflated list is capped at [MaxEntries]/4
// bytes; a zlib stream that inflates past the cap is refused as soon as it
// passes it, without inflating further, so a "zip bomb" costs a verifier at
// most 4 MiB of work. An index at or past the end of the list is an error
// ([ErrIndexOutOfRange]), never a status: the draft requires such
// credentials to be rejected. Status(3) can be read from a list; the draft
// reserves it as application-specific and netcred defines no such use, so
// a verifier refuses it (status_invalid, spec/status.md §1).
//
// A token's claims set is held to netcred's strict, canonical CBOR profile
// (package internal/strictcbor, credential.md §2) before it is decoded;
// ttl, always written by [TokenPayload], must be positive when present. A
// token past its exp still proves a revocation, never validity
// (status.md §5): that is the verifier's rule, not this package's.
//
// Indexes are drawn uniformly at random among the free ones and never
// reused, so that an index reveals neither when a credential was issued nor
// to whom, and the published list (where unused and valid entries are both
// 0) does not reveal how many credentials exist. The allocator's state must
// be persisted before a credential is handed out; see [Allocator].
//
// The Suspended status tells a verifier more than valid or revoked does
// (draft Section 12.8); issuers should suspend only where policy needs it.
//
// # Compatibility
//
// Parse reads any conforming Status List with bits = 2, whatever its key
// order or compression level; it refuses bits 1, 4 and 8
// ([ErrUnsupportedBits]), which the draft allows but netcred does not use.
// MarshalCBOR writes Core Deterministic Encoding (RFC 8949 Section 4.2.1),
// so its keys come in bytewise order ("lst" before "bits"), unlike the
// draft's examples; decoders must not depend on key order.
//
// The CWT claim keys 65533 (status_list), 65534 (ttl) and 65535 (status)
// are the values the draft requests from IANA; they are not final until the
// draft is published as an RFC.
package status
