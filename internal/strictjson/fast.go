package strictjson

// The fast decoder: once check has passed, a document whose target type
// is built only of the kinds below is decoded here in one more pass,
// instead of by encoding/json (which scans the input once more before it
// decodes). It gives what encoding/json would: a document or type it is
// not sure of (an escaped surrogate pair it cannot join, a number that
// does not parse, a member that matches a field only when case is
// ignored, a panic) makes it give up, and encoding/json decodes instead.
// FuzzFastDecode holds the two to the same results.

import (
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// pkind is what the fast decoder does for a Go type.
type pkind uint8

const (
	pString pkind = iota + 1
	pBool
	pInt
	pUint
	pFloat
	pAny    // an empty interface
	pRaw    // json.RawMessage
	pPtr    // a pointer to a supported type
	pSlice  // a slice of a supported type
	pMap    // a map with string keys of a supported type
	pStruct // a struct of supported, named, non-embedded fields
)

// plan says how to decode one Go type.
type plan struct {
	kind   pkind
	rt     reflect.Type
	elem   *plan
	fields map[string]planField // pStruct: by JSON name
}

type planField struct {
	index int
	p     *plan
}

var (
	plans      sync.Map // reflect.Type -> *plan, or noPlan
	noPlan     = &plan{}
	stringType = reflect.TypeFor[string]()
	anyMapType = reflect.TypeFor[map[string]any]()
	errGiveUp  = errors.New("strictjson: fast decoder gives up")
)

// planFor returns the plan for t, or nil when encoding/json must decode.
func planFor(t reflect.Type) *plan {
	if p, ok := plans.Load(t); ok {
		if p == noPlan {
			return nil
		}
		return p.(*plan)
	}
	p := buildPlan(t, map[reflect.Type]*plan{})
	if p == nil {
		plans.Store(t, noPlan)
		return nil
	}
	plans.Store(t, p)
	return p
}

func buildPlan(t reflect.Type, seen map[reflect.Type]*plan) *plan {
	if p, ok := seen[t]; ok {
		return p
	}
	if t == rawMessageType {
		return &plan{kind: pRaw, rt: t}
	}
	if t.Implements(unmarshalerType) || reflect.PointerTo(t).Implements(unmarshalerType) ||
		t.Implements(textUnmarshalerType) || reflect.PointerTo(t).Implements(textUnmarshalerType) {
		return nil
	}
	p := &plan{rt: t}
	seen[t] = p
	switch t.Kind() {
	case reflect.String:
		if t == numberType {
			return nil
		}
		p.kind = pString
	case reflect.Bool:
		p.kind = pBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		p.kind = pInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		p.kind = pUint
	case reflect.Float32, reflect.Float64:
		p.kind = pFloat
	case reflect.Interface:
		if t.NumMethod() != 0 {
			return nil
		}
		p.kind = pAny
	case reflect.Pointer:
		p.kind = pPtr
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return nil // base64, as encoding/json does it
		}
		p.kind = pSlice
	case reflect.Map:
		if t.Key() != stringType {
			return nil
		}
		p.kind = pMap
	case reflect.Struct:
		p.kind = pStruct
		p.fields = map[string]planField{}
		for i := range t.NumField() {
			sf := t.Field(i)
			if sf.Anonymous {
				return nil
			}
			if !sf.IsExported() {
				continue
			}
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if hasOpt(opts, "string") {
				return nil
			}
			if !validTagName(name) {
				name = sf.Name
			}
			if _, dup := p.fields[name]; dup {
				return nil
			}
			fp := buildPlan(sf.Type, seen)
			if fp == nil {
				return nil
			}
			p.fields[name] = planField{index: i, p: fp}
		}
		return p
	default:
		return nil
	}
	if p.kind == pPtr || p.kind == pSlice || p.kind == pMap {
		if p.elem = buildPlan(t.Elem(), seen); p.elem == nil {
			return nil
		}
	}
	return p
}

// fastDecoder decodes a document check has accepted.
type fastDecoder struct {
	data       []byte
	pos        int
	useNumber  bool
	disallowUn bool
}

// fastUnmarshal decodes data into a new value of p's type and reports
// whether it could; v is written only when it could.
func fastUnmarshal(data []byte, p *plan, v reflect.Value, c *config) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	fresh := reflect.New(p.rt).Elem()
	d := &fastDecoder{data: data, useNumber: c.useNumber, disallowUn: c.disallowUnkown}
	if d.value(p, fresh) != nil {
		return false
	}
	v.Set(fresh)
	return true
}

func (d *fastDecoder) ws() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *fastDecoder) value(p *plan, v reflect.Value) error {
	d.ws()
	c := d.data[d.pos]
	if p.kind == pRaw {
		start := d.pos
		d.skip()
		v.SetBytes(append([]byte(nil), d.data[start:d.pos]...))
		return nil
	}
	if c == 'n' {
		d.pos += 4
		switch p.kind {
		case pPtr, pSlice, pMap, pAny:
			v.SetZero()
		}
		return nil
	}
	switch p.kind {
	case pString:
		if c != '"' {
			return errGiveUp
		}
		s, err := d.str()
		if err != nil {
			return err
		}
		v.SetString(s)
	case pBool:
		switch c {
		case 't':
			d.pos += 4
			v.SetBool(true)
		case 'f':
			d.pos += 5
			v.SetBool(false)
		default:
			return errGiveUp
		}
	case pInt:
		n, err := strconv.ParseInt(string(d.number()), 10, 64)
		if err != nil || v.OverflowInt(n) {
			return errGiveUp
		}
		v.SetInt(n)
	case pUint:
		n, err := strconv.ParseUint(string(d.number()), 10, 64)
		if err != nil || v.OverflowUint(n) {
			return errGiveUp
		}
		v.SetUint(n)
	case pFloat:
		n, err := strconv.ParseFloat(string(d.number()), p.rt.Bits())
		if err != nil || v.OverflowFloat(n) {
			return errGiveUp
		}
		v.SetFloat(n)
	case pAny:
		a, err := d.anyValue()
		if err != nil {
			return err
		}
		if a != nil {
			v.Set(reflect.ValueOf(a))
		}
	case pPtr:
		e := reflect.New(p.rt.Elem())
		if err := d.value(p.elem, e.Elem()); err != nil {
			return err
		}
		v.Set(e)
	case pSlice:
		if c != '[' {
			return errGiveUp
		}
		d.pos++
		s := reflect.MakeSlice(p.rt, 0, 0)
		for i := 0; ; i++ {
			d.ws()
			if d.data[d.pos] == ']' {
				d.pos++
				break
			}
			if i > 0 {
				d.pos++ // ','
			}
			s = reflect.Append(s, reflect.Zero(p.rt.Elem()))
			if err := d.value(p.elem, s.Index(i)); err != nil {
				return err
			}
		}
		v.Set(s)
	case pMap:
		if c != '{' {
			return errGiveUp
		}
		if p.rt == anyMapType {
			m, err := d.anyObject()
			if err != nil {
				return err
			}
			v.Set(reflect.ValueOf(m))
			return nil
		}
		m := reflect.MakeMap(p.rt)
		err := d.members(func(name []byte, escaped bool) error {
			key, err := d.name(name, escaped)
			if err != nil {
				return err
			}
			e := reflect.New(p.rt.Elem()).Elem()
			if err := d.value(p.elem, e); err != nil {
				return err
			}
			m.SetMapIndex(reflect.ValueOf(key).Convert(p.rt.Key()), e)
			return nil
		})
		if err != nil {
			return err
		}
		v.Set(m)
	case pStruct:
		if c != '{' {
			return errGiveUp
		}
		return d.members(func(name []byte, escaped bool) error {
			var f planField
			var ok bool
			if !escaped {
				f, ok = p.fields[string(name)]
			}
			if !ok {
				key, err := d.name(name, escaped)
				if err != nil {
					return err
				}
				if f, ok = p.fields[key]; !ok {
					for n := range p.fields {
						if strings.EqualFold(n, key) {
							return errGiveUp // encoding/json would fill n
						}
					}
					if d.disallowUn {
						return errGiveUp
					}
					d.ws()
					d.skip()
					return nil
				}
			}
			return d.value(f.p, v.Field(f.index))
		})
	default:
		return errGiveUp
	}
	return nil
}

// members walks an object from its '{', calling fn with each member's
// raw name (between the quotes) with d.pos after the colon.
func (d *fastDecoder) members(fn func(name []byte, escaped bool) error) error {
	d.pos++ // '{'
	for first := true; ; first = false {
		d.ws()
		if d.data[d.pos] == '}' {
			d.pos++
			return nil
		}
		if !first {
			d.pos++ // ','
			d.ws()
		}
		start := d.pos + 1
		escaped := d.skipString()
		name := d.data[start : d.pos-1]
		d.ws()
		d.pos++ // ':'
		if err := fn(name, escaped); err != nil {
			return err
		}
	}
}

// name is a member name, unescaped.
func (d *fastDecoder) name(raw []byte, escaped bool) (string, error) {
	if !escaped {
		if !utf8.Valid(raw) {
			return "", errGiveUp
		}
		return string(raw), nil
	}
	return unescape(raw)
}

// str reads a string at d.pos (its '"').
func (d *fastDecoder) str() (string, error) {
	start := d.pos + 1
	escaped := d.skipString()
	return d.name(d.data[start:d.pos-1], escaped)
}

// skipString moves past the string at d.pos and reports whether it holds
// an escape.
func (d *fastDecoder) skipString() (escaped bool) {
	d.pos++
	for {
		switch d.data[d.pos] {
		case '"':
			d.pos++
			return escaped
		case '\\':
			escaped = true
			d.pos += 2
		default:
			d.pos++
		}
	}
}

// number returns the number literal at d.pos.
func (d *fastDecoder) number() []byte {
	start := d.pos
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case '-', '+', '.', 'e', 'E', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
			d.pos++
			continue
		}
		break
	}
	return d.data[start:d.pos]
}

// skip moves past the value at d.pos.
func (d *fastDecoder) skip() {
	switch d.data[d.pos] {
	case '"':
		d.skipString()
	case '{', '[':
		depth := 0
		for {
			switch d.data[d.pos] {
			case '"':
				d.skipString()
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			d.pos++
			if depth == 0 {
				return
			}
		}
	case 't', 'n':
		d.pos += 4
	case 'f':
		d.pos += 5
	default:
		d.number()
	}
}

// anyValue decodes a value as encoding/json does into an empty interface.
func (d *fastDecoder) anyValue() (any, error) {
	d.ws()
	switch c := d.data[d.pos]; c {
	case '{':
		return d.anyObject()
	case '[':
		d.pos++
		a := make([]any, 0)
		for i := 0; ; i++ {
			d.ws()
			if d.data[d.pos] == ']' {
				d.pos++
				return a, nil
			}
			if i > 0 {
				d.pos++
			}
			e, err := d.anyValue()
			if err != nil {
				return nil, err
			}
			a = append(a, e)
		}
	case '"':
		return d.str()
	case 't':
		d.pos += 4
		return true, nil
	case 'f':
		d.pos += 5
		return false, nil
	case 'n':
		d.pos += 4
		return nil, nil
	default:
		lit := d.number()
		if d.useNumber {
			return json.Number(lit), nil
		}
		f, err := strconv.ParseFloat(string(lit), 64)
		if err != nil {
			return nil, errGiveUp
		}
		return f, nil
	}
}

func (d *fastDecoder) anyObject() (map[string]any, error) {
	m := map[string]any{}
	err := d.members(func(name []byte, escaped bool) error {
		key, err := d.name(name, escaped)
		if err != nil {
			return err
		}
		e, err := d.anyValue()
		if err != nil {
			return err
		}
		m[key] = e
		return nil
	})
	return m, err
}

// unescape decodes the content of a JSON string with escapes; it gives
// up on what it is not sure encoding/json decodes the same way.
func unescape(raw []byte) (string, error) {
	if !utf8.Valid(raw) {
		return "", errGiveUp
	}
	b := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			b = append(b, c)
			i++
			continue
		}
		if i+1 >= len(raw) {
			return "", errGiveUp
		}
		switch raw[i+1] {
		case '"', '\\', '/':
			b = append(b, raw[i+1])
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := hex4(raw, i+2)
			if !ok {
				return "", errGiveUp
			}
			i += 6
			if utf16.IsSurrogate(r) {
				if i+1 >= len(raw) || raw[i] != '\\' || raw[i+1] != 'u' {
					return "", errGiveUp
				}
				r2, ok := hex4(raw, i+2)
				if !ok {
					return "", errGiveUp
				}
				r = utf16.DecodeRune(r, r2)
				if r == utf8.RuneError {
					return "", errGiveUp
				}
				i += 6
			}
			b = utf8.AppendRune(b, r)
			continue
		default:
			return "", errGiveUp
		}
		i += 2
	}
	return string(b), nil
}
