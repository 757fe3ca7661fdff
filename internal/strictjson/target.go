package strictjson

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"unicode"
)

// kind is what a Go target accepts.
type kind uint8

const (
	kFree   kind = iota // a type encoding/json judges itself (TextUnmarshaler, []byte, json.Number, ...): content not checked
	kAny                // an interface: any value, numbers as float64 unless UseNumber
	kOpaque             // a json.Unmarshaler or json.RawMessage: any value; its content is not checked, not even for null
	kStruct
	kMap
	kSlice // slices and arrays
	kString
	kBool
	kInt
	kUint
	kFloat
)

// target describes a Go type for the scan.
type target struct {
	kind   kind
	rt     reflect.Type
	bits   int
	elem   reflect.Type      // kMap, kSlice: the element type
	fields map[string]*field // kStruct: by exact JSON name
}

// field is one JSON member of a struct.
type field struct {
	name string
	typ  reflect.Type // nil: free (a ",string" field)
}

var (
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	rawMessageType      = reflect.TypeFor[json.RawMessage]()
	numberType          = reflect.TypeFor[json.Number]()
	targets             sync.Map // reflect.Type -> *target
)

var (
	freeTarget = &target{kind: kFree}
	anyTarget  = &target{kind: kAny}
)

// describe returns the target for values of type t (nil: an interface).
func describe(t reflect.Type) *target {
	if t == nil {
		return anyTarget
	}
	if tg, ok := targets.Load(t); ok {
		return tg.(*target)
	}
	tg := build(t)
	targets.Store(t, tg)
	return tg
}

func build(t reflect.Type) *target {
	for {
		if t == rawMessageType || t.Implements(unmarshalerType) || reflect.PointerTo(t).Implements(unmarshalerType) {
			return &target{kind: kOpaque, rt: t}
		}
		if t.Implements(textUnmarshalerType) || reflect.PointerTo(t).Implements(textUnmarshalerType) {
			return &target{kind: kFree, rt: t} // encoding/json judges
		}
		if t.Kind() != reflect.Pointer {
			break
		}
		t = t.Elem()
	}
	tg := &target{rt: t}
	switch t.Kind() {
	case reflect.Struct:
		tg.kind = kStruct
		tg.fields = structFields(t)
	case reflect.Map:
		tg.kind = kMap
		tg.elem = t.Elem()
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 && !reflect.PointerTo(t.Elem()).Implements(unmarshalerType) && !reflect.PointerTo(t.Elem()).Implements(textUnmarshalerType) {
			tg.kind = kFree // base64 string, or an array of numbers: encoding/json judges
			break
		}
		tg.kind = kSlice
		tg.elem = t.Elem()
	case reflect.Array:
		tg.kind = kSlice
		tg.elem = t.Elem()
	case reflect.String:
		tg.kind = kString
		if t == numberType {
			tg.kind = kFree
		}
	case reflect.Bool:
		tg.kind = kBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		tg.kind, tg.bits = kInt, t.Bits()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		tg.kind, tg.bits = kUint, t.Bits()
	case reflect.Float32, reflect.Float64:
		tg.kind, tg.bits = kFloat, t.Bits()
	case reflect.Interface:
		tg.kind = kAny
	default:
		tg.kind = kFree // encoding/json refuses these itself
	}
	return tg
}

// structFields lists the JSON members of struct type t as encoding/json
// names them: the tag's name or the field's, promoted from embedded
// structs, the shallowest (then the tagged) winning and ambiguous names
// dropped.
func structFields(t reflect.Type) map[string]*field {
	type cand struct {
		f      *field
		depth  int
		tagged bool
		count  int
	}
	byName := map[string]*cand{}
	type level struct {
		t     reflect.Type
		depth int
	}
	queue := []level{{t, 0}}
	visited := map[reflect.Type]bool{}
	for len(queue) > 0 {
		l := queue[0]
		queue = queue[1:]
		if visited[l.t] {
			continue
		}
		visited[l.t] = true
		for i := range l.t.NumField() {
			sf := l.t.Field(i)
			ft := sf.Type
			if sf.Anonymous {
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if !sf.IsExported() && ft.Kind() != reflect.Struct {
					continue
				}
			} else if !sf.IsExported() {
				continue
			}
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if !validTagName(name) {
				name = ""
			}
			if name == "" && sf.Anonymous && ft.Kind() == reflect.Struct {
				queue = append(queue, level{ft, l.depth + 1})
				continue
			}
			tagged := name != ""
			if name == "" {
				name = sf.Name
			}
			f := &field{name: name, typ: sf.Type}
			if hasOpt(opts, "string") {
				switch ft.Kind() {
				case reflect.Bool, reflect.String, reflect.Float32, reflect.Float64,
					reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
					reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
					f.typ = nil
				}
			}
			c := byName[name]
			switch {
			case c == nil || l.depth < c.depth:
				byName[name] = &cand{f: f, depth: l.depth, tagged: tagged, count: 1}
			case l.depth == c.depth:
				if tagged && !c.tagged {
					c.f, c.tagged, c.count = f, true, 1
				} else if tagged == c.tagged {
					c.count++
				}
			}
		}
	}
	out := make(map[string]*field, len(byName))
	for n, c := range byName {
		if c.count == 1 {
			out[n] = c.f
		}
	}
	return out
}

func hasOpt(opts, want string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == want {
			return true
		}
	}
	return false
}

// validTagName reports whether encoding/json uses name from a tag (its
// isValidTag).
func validTagName(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range name {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}

// wantWord names the JSON value a Go type is decoded from.
func wantWord(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "a whole number that fits " + t.Kind().String()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "a non-negative whole number that fits " + t.Kind().String()
	case reflect.Float32, reflect.Float64:
		return "a number that fits " + t.Kind().String()
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "a " + t.String()
}
