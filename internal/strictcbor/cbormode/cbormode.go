// Package cbormode holds the fxamacker/cbor modes of netcred's strict CBOR
// profile (package strictcbor), for the code that encodes (issuers, status
// lists, vector generation) and for the tests that hold the hand-written
// readers to the library. The verifier's path reads CBOR only through
// strictcbor, which does not import fxamacker/cbor, so a browser build does
// not link the reflective codec.
package cbormode

import (
	"github.com/fxamacker/cbor/v2"
	"github.com/netcred/netcred/internal/strictcbor"
)

// EncMode writes Core Deterministic Encoding (RFC 8949 §4.2.1) with
// definite lengths only.
var EncMode = mustEncMode()

// DecMode decodes reflectively with the same limits as strictcbor.Check
// (duplicate keys, indefinite lengths, tags, invalid UTF-8, deep or long
// structures refused). It does not check canonical form: run Check first.
var DecMode = mustDecMode()

func mustEncMode() cbor.EncMode {
	opts := cbor.CoreDetEncOptions()
	opts.IndefLength = cbor.IndefLengthForbidden
	em, err := opts.EncMode()
	if err != nil {
		panic(err)
	}
	return em
}

func mustDecMode() cbor.DecMode {
	dm, err := cbor.DecOptions{
		DupMapKey:         cbor.DupMapKeyEnforcedAPF,
		IndefLength:       cbor.IndefLengthForbidden,
		TagsMd:            cbor.TagsForbidden,
		MaxNestedLevels:   strictcbor.MaxDepth,
		MaxArrayElements:  strictcbor.MaxItems,
		MaxMapPairs:       strictcbor.MaxItems,
		UTF8:              cbor.UTF8RejectInvalid,
		FieldNameMatching: cbor.FieldNameMatchingCaseSensitive,
	}.DecMode()
	if err != nil {
		panic(err)
	}
	return dm
}
