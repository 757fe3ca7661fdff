package strictcbor

import (
	"errors"
	"math/big"
)

// ErrMapKey is Value's error for a map key that a Go map cannot hold: an
// array, a map, or a negative integer below -2^63.
var ErrMapKey = errors.New("strictcbor: map key is an array, a map or a negative integer below -2^63")

// ByteString is a byte-string map key as Value returns it (a []byte cannot
// be a map key): the bytes as a string, like fxamacker/cbor's ByteString.
type ByteString string

// Value decodes the item b, which Check must have accepted, the way
// fxamacker/cbor's DecMode decodes into an interface: uint64 for unsigned
// integers, int64 for negative ones (a big.Int value below -2^63), []byte,
// string, []any, map[any]any (byte-string keys as ByteString), bool and
// nil. The one input Check accepts that it refuses is a map whose key is an
// array, a map or a big.Int (ErrMapKey). FuzzValue holds it to the library.
func Value(b []byte) (any, error) {
	v, _, err := value(b, 0)
	return v, err
}

func value(b []byte, off int) (any, int, error) {
	major, arg, next, err := Head(b, off)
	if err != nil {
		return nil, 0, err
	}
	switch major {
	case 0:
		return arg, next, nil
	case 1:
		if arg > 1<<63-1 {
			n := new(big.Int).SetUint64(arg)
			n.Add(n, big.NewInt(1)).Neg(n)
			return *n, next, nil
		}
		return -1 - int64(arg), next, nil
	case 2, 3:
		if arg > uint64(len(b)-next) {
			return nil, 0, fail(ReasonTruncated, off, "string runs past the end")
		}
		end := next + int(arg)
		if major == 3 {
			return string(b[next:end]), end, nil
		}
		return append(make([]byte, 0, arg), b[next:end]...), end, nil
	case 4:
		if arg > MaxItems {
			return nil, 0, fail(ReasonTooManyItems, off, "%d entries (max %d)", arg, MaxItems)
		}
		a := make([]any, arg)
		for i := range a {
			if a[i], next, err = value(b, next); err != nil {
				return nil, 0, err
			}
		}
		return a, next, nil
	case 5:
		if arg > MaxItems {
			return nil, 0, fail(ReasonTooManyItems, off, "%d entries (max %d)", arg, MaxItems)
		}
		m := make(map[any]any, arg)
		for i := uint64(0); i < arg; i++ {
			var k, v any
			if k, next, err = value(b, next); err != nil {
				return nil, 0, err
			}
			switch kk := k.(type) {
			case []byte:
				k = ByteString(kk)
			case []any, map[any]any, big.Int:
				return nil, 0, ErrMapKey
			}
			if v, next, err = value(b, next); err != nil {
				return nil, 0, err
			}
			m[k] = v
		}
		return m, next, nil
	case 6:
		return nil, 0, fail(ReasonTag, off, "tag %d not allowed", arg)
	}
	switch b[off] {
	case 0xf4:
		return false, next, nil
	case 0xf5:
		return true, next, nil
	case 0xf6:
		return nil, next, nil
	}
	return nil, 0, fail(ReasonFloatOrSimple, off, "float or simple value 0x%02x not allowed", b[off])
}

// LooseHead is Head without the shortest-form rule: it accepts an argument
// in more bytes than it needs, as fxamacker/cbor's DecMode does, for the
// readers that are not given canonical input (status.Parse). Indefinite
// lengths and reserved values are still refused.
func LooseHead(b []byte, off int) (major byte, arg uint64, next int, err error) {
	if off >= len(b) {
		return 0, 0, 0, fail(ReasonTruncated, off, "truncated")
	}
	ib := b[off]
	major, info := ib>>5, ib&0x1f
	next = off + 1
	switch {
	case info < 24:
		return major, uint64(info), next, nil
	case info > 27:
		return 0, 0, 0, fail(ReasonIndefinite, off, "indefinite length or reserved value 0x%02x", ib)
	}
	size := 1 << (info - 24)
	if size > len(b)-next {
		return 0, 0, 0, fail(ReasonTruncated, off, "truncated")
	}
	for _, c := range b[next : next+size] {
		arg = arg<<8 | uint64(c)
	}
	return major, arg, next + size, nil
}
