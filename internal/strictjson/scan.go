package strictjson

import (
	"bytes"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// pathElem is one step of a JSON path: a member name or an array index.
type pathElem struct {
	name  []byte // the unescaped name; often a slice of the input
	index int
	array bool
}

// scanner checks one document in one pass, recursively (the depth cap
// bounds the recursion).
type scanner struct {
	data []byte
	pos  int
	cfg  *config
	path []pathElem
	// pathBuf backs path for the usual shallow documents (no allocation).
	pathBuf [4]pathElem
	depth   int
	// locateAt, when >= 0, asks for the path of the innermost value that
	// spans that offset; located receives it.
	locateAt int
	located  string
	// collect asks for the values that a type's own decoder judges
	// (spans).
	collect bool
	spans   []span
}

// span is a value that a type's own decoder judges.
type span struct {
	path       string
	t          reflect.Type
	start, end int
}

// document checks the whole input as one value of target type t.
func (s *scanner) document(t reflect.Type) error {
	s.path = s.pathBuf[:0]
	s.skipWS()
	if s.pos == len(s.data) {
		return &Error{Err: ErrSyntax, Path: "$", Detail: "no JSON value"}
	}
	if err := s.value(describe(t), false); err != nil {
		return err
	}
	s.skipWS()
	if s.pos < len(s.data) {
		return &Error{Err: ErrTrailingData, Offset: int64(s.pos), Detail: "from " + byteAt(s.pos)}
	}
	return nil
}

func (s *scanner) skipWS() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// pathString formats the current path.
func (s *scanner) pathString() string {
	var sb strings.Builder
	sb.WriteByte('$')
	for _, e := range s.path {
		switch {
		case e.array:
			sb.WriteByte('[')
			sb.WriteString(strconv.Itoa(e.index))
			sb.WriteByte(']')
		case isIdentifier(e.name):
			sb.WriteByte('.')
			sb.Write(e.name)
		default:
			n := string(e.name)
			if len(n) > 64 {
				n = n[:64] + "..."
			}
			sb.WriteByte('[')
			sb.WriteString(strconv.Quote(n))
			sb.WriteByte(']')
		}
	}
	return sb.String()
}

func isIdentifier(n []byte) bool {
	if len(n) == 0 {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// fail returns an error at the current path and offset.
func (s *scanner) fail(err error, off int, format string, args ...any) *Error {
	return &Error{Err: err, Path: s.pathString(), Offset: int64(off), Detail: fmt.Sprintf(format, args...)}
}

// unexpected reports the byte at s.pos (or the end of input) where
// something else was expected.
func (s *scanner) unexpected(want string) *Error {
	if s.pos >= len(s.data) {
		return s.fail(ErrSyntax, s.pos, "input ends where %s should be", want)
	}
	c := s.data[s.pos]
	if c >= utf8.RuneSelf {
		r, size := utf8.DecodeRune(s.data[s.pos:])
		if r == utf8.RuneError && size == 1 {
			return s.fail(ErrInvalidUTF8, s.pos, "byte 0x%02x at %s", c, byteAt(s.pos))
		}
		return s.fail(ErrSyntax, s.pos, "%U at %s, want %s", r, byteAt(s.pos), want)
	}
	return s.fail(ErrSyntax, s.pos, "%q at %s, want %s", c, byteAt(s.pos), want)
}

// value checks one value for target tg; opaque says that it lies inside
// a value that a json.Unmarshaler or json.RawMessage judges.
func (s *scanner) value(tg *target, opaque bool) error {
	if s.pos >= len(s.data) {
		return s.unexpected("a value")
	}
	start := s.pos
	var err error
	switch c := s.data[s.pos]; {
	case c == '{':
		if err = s.wantKind(tg, "a JSON object", kStruct, kMap); err == nil {
			err = s.object(tg, opaque)
		}
	case c == '[':
		if err = s.wantKind(tg, "a JSON array", kSlice); err == nil {
			err = s.array(tg, opaque)
		}
	case c == '"':
		if err = s.wantKind(tg, "a JSON string", kString); err == nil {
			if _, e := s.str(false); e != nil {
				err = e
			}
		}
	case c == 't' || c == 'f':
		if err = s.wantKind(tg, "a JSON boolean", kBool); err == nil {
			err = s.literal()
		}
	case c == 'n':
		if err = s.literal(); err == nil && s.cfg.disallowNull && !opaque {
			err = s.fail(ErrNull, start, "")
		}
	case c == '-' || '0' <= c && c <= '9':
		err = s.number(tg, opaque)
	default:
		return s.unexpected("a value")
	}
	if err != nil {
		return err
	}
	if s.locateAt >= 0 && s.located == "" && start < s.locateAt && s.locateAt <= s.pos {
		s.located = s.pathString()
	}
	if s.collect && !opaque && tg.rt != nil && (tg.kind == kOpaque || tg.kind == kFree) {
		s.spans = append(s.spans, span{s.pathString(), tg.rt, start, s.pos})
	}
	return nil
}

// wantKind refuses a JSON value (described by what) for a target that
// takes none of kinds (nor any value, as kFree, kAny and kOpaque do).
func (s *scanner) wantKind(tg *target, what string, kinds ...kind) error {
	switch tg.kind {
	case kFree, kAny, kOpaque:
		return nil
	}
	for _, k := range kinds {
		if tg.kind == k {
			return nil
		}
	}
	return s.fail(ErrType, s.pos, "%s, want %s", what, wantWord(tg.rt))
}

// child returns the target of values nested in a value of target tg, and
// whether they are opaque.
func child(tg *target, elem reflect.Type, opaque bool) (*target, bool) {
	switch tg.kind {
	case kFree:
		return freeTarget, opaque
	case kAny:
		return anyTarget, opaque
	case kOpaque:
		return freeTarget, true
	}
	return describe(elem), opaque
}

func (s *scanner) enter() error {
	s.depth++
	if s.depth > s.cfg.maxDepth {
		return s.fail(ErrTooDeep, s.pos, "more than %d levels of arrays and objects", s.cfg.maxDepth)
	}
	return nil
}

// seenSet is the member names of one object so far, with their offsets:
// the first few in place, then in a map.
type seenSet struct {
	n     int
	small [12]seenName
	m     map[string]int
}

type seenName struct {
	name []byte
	off  int
}

// add records name at off and returns the offset of an earlier member of
// that name, or -1.
func (ss *seenSet) add(name []byte, off int) int {
	if ss.m != nil {
		if o, ok := ss.m[string(name)]; ok {
			return o
		}
		ss.m[string(name)] = off
		return -1
	}
	for _, e := range ss.small[:ss.n] {
		if bytes.Equal(e.name, name) {
			return e.off
		}
	}
	if ss.n < len(ss.small) {
		ss.small[ss.n] = seenName{name, off}
		ss.n++
		return -1
	}
	ss.m = make(map[string]int, 4*len(ss.small))
	for _, e := range ss.small {
		ss.m[string(e.name)] = e.off
	}
	ss.m[string(name)] = off
	return -1
}

func (s *scanner) object(tg *target, opaque bool) error {
	if err := s.enter(); err != nil {
		return err
	}
	s.pos++ // {
	s.skipWS()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		s.depth--
		return nil
	}
	var seen seenSet
	for {
		s.skipWS()
		if s.pos >= len(s.data) || s.data[s.pos] != '"' {
			return s.unexpected("a member name")
		}
		nameOff := s.pos
		name, err := s.str(true)
		if err != nil {
			err.Detail = "in a member name: " + err.Detail
			return err
		}
		s.path = append(s.path, pathElem{name: name})
		key := name
		if tg.kind == kMap {
			key = mapKey(tg.rt, name)
		}
		if first := seen.add(key, nameOff); first >= 0 {
			return s.fail(ErrDuplicateMember, nameOff, "again at %s, first at %s", byteAt(nameOff), byteAt(first))
		}
		ct, cop := child(tg, tg.elem, opaque)
		if tg.kind == kStruct {
			f := tg.fields[string(name)]
			switch {
			case f != nil && f.typ == nil:
				ct = freeTarget
			case f != nil:
				ct = describe(f.typ)
			default:
				if other := foldMatch(tg, name); other != "" {
					return s.fail(ErrMemberCase, nameOff, "the member is %q", other)
				}
				if s.cfg.disallowUnkown {
					return s.fail(ErrUnknownMember, nameOff, "")
				}
				ct = freeTarget // encoding/json skips it
			}
		}
		s.skipWS()
		if s.pos >= len(s.data) || s.data[s.pos] != ':' {
			return s.unexpected("':'")
		}
		s.pos++
		s.skipWS()
		if err := s.value(ct, cop); err != nil {
			return err
		}
		s.path = s.path[:len(s.path)-1]
		s.skipWS()
		if s.pos < len(s.data) {
			switch s.data[s.pos] {
			case ',':
				s.pos++
				continue
			case '}':
				s.pos++
				s.depth--
				return nil
			}
		}
		return s.unexpected("',' or '}'")
	}
}

// mapKey returns the name under which encoding/json stores member name in
// a map of type t: integer keys are parsed, so "1" and "01" are one key.
func mapKey(t reflect.Type, name []byte) []byte {
	kt := t.Key()
	if kt.Kind() == reflect.String || reflect.PointerTo(kt).Implements(textUnmarshalerType) {
		return name
	}
	switch kt.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if n, err := strconv.ParseInt(string(name), 10, 64); err == nil {
			return strconv.AppendInt(nil, n, 10)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if n, err := strconv.ParseUint(string(name), 10, 64); err == nil {
			return strconv.AppendUint(nil, n, 10)
		}
	}
	return name
}

// foldMatch returns the struct member that name matches when case is
// ignored, or "".
func foldMatch(tg *target, name []byte) string {
	for n := range tg.fields {
		if bytes.EqualFold([]byte(n), name) {
			return n
		}
	}
	return ""
}

func (s *scanner) array(tg *target, opaque bool) error {
	if err := s.enter(); err != nil {
		return err
	}
	s.pos++ // [
	s.skipWS()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
		s.depth--
		return nil
	}
	ct, cop := child(tg, tg.elem, opaque)
	s.path = append(s.path, pathElem{array: true})
	for i := 0; ; i++ {
		s.path[len(s.path)-1].index = i
		s.skipWS()
		if err := s.value(ct, cop); err != nil {
			return err
		}
		s.skipWS()
		if s.pos < len(s.data) {
			switch s.data[s.pos] {
			case ',':
				s.pos++
				continue
			case ']':
				s.pos++
				s.depth--
				s.path = s.path[:len(s.path)-1]
				return nil
			}
		}
		return s.unexpected("',' or ']'")
	}
}

func (s *scanner) literal() error {
	for _, lit := range []string{"true", "false", "null"} {
		if bytes.HasPrefix(s.data[s.pos:], []byte(lit)) {
			s.pos += len(lit)
			return nil
		}
	}
	return s.unexpected("a value")
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// number checks an RFC 8259 number and that it fits the target.
func (s *scanner) number(tg *target, opaque bool) error {
	start := s.pos
	d := s.data
	if d[s.pos] == '-' {
		s.pos++
	}
	switch {
	case s.pos < len(d) && d[s.pos] == '0':
		s.pos++
		if s.pos < len(d) && isDigit(d[s.pos]) {
			return s.fail(ErrSyntax, start, "number with a leading zero at %s", byteAt(start))
		}
	case s.pos < len(d) && isDigit(d[s.pos]):
		for s.pos < len(d) && isDigit(d[s.pos]) {
			s.pos++
		}
	default:
		return s.unexpected("a digit")
	}
	if s.pos < len(d) && d[s.pos] == '.' {
		s.pos++
		if s.pos >= len(d) || !isDigit(d[s.pos]) {
			return s.unexpected("a digit")
		}
		for s.pos < len(d) && isDigit(d[s.pos]) {
			s.pos++
		}
	}
	if s.pos < len(d) && (d[s.pos] == 'e' || d[s.pos] == 'E') {
		s.pos++
		if s.pos < len(d) && (d[s.pos] == '+' || d[s.pos] == '-') {
			s.pos++
		}
		if s.pos >= len(d) || !isDigit(d[s.pos]) {
			return s.unexpected("a digit")
		}
		for s.pos < len(d) && isDigit(d[s.pos]) {
			s.pos++
		}
	}
	lit := string(d[start:s.pos])
	if opaque {
		return nil
	}
	var err error
	switch tg.kind {
	case kFree, kOpaque:
		return nil
	case kAny:
		if s.cfg.useNumber {
			return nil
		}
		_, err = strconv.ParseFloat(lit, 64)
	case kInt:
		_, err = strconv.ParseInt(lit, 10, tg.bits)
	case kUint:
		_, err = strconv.ParseUint(lit, 10, tg.bits)
	case kFloat:
		_, err = strconv.ParseFloat(lit, tg.bits)
	default:
		return s.fail(ErrType, start, "a JSON number, want %s", wantWord(tg.rt))
	}
	if err != nil {
		want := "a number that fits float64"
		if tg.rt != nil {
			want = wantWord(tg.rt)
		}
		return s.fail(ErrType, start, "the JSON number %s, want %s", short(lit), want)
	}
	return nil
}

func short(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// str checks the string at s.pos and, with decode, returns its value: a
// slice of the input when it has no escapes. An error is at the current
// path.
func (s *scanner) str(decode bool) ([]byte, *Error) {
	d := s.data
	start := s.pos
	s.pos++        // "
	var buf []byte // the decoded value, once an escape was seen
	plain := s.pos
	for {
		if s.pos >= len(d) {
			return nil, s.fail(ErrSyntax, start, "string from %s is not terminated", byteAt(start))
		}
		c := d[s.pos]
		switch {
		case c == '"':
			var v []byte
			if decode {
				if buf == nil {
					v = d[plain:s.pos:s.pos]
				} else {
					v = append(buf, d[plain:s.pos]...)
				}
			}
			s.pos++
			return v, nil
		case c < 0x20:
			return nil, s.fail(ErrSyntax, s.pos, "control character %U in a string at %s (escape it)", rune(c), byteAt(s.pos))
		case c == '\\':
			if decode {
				buf = append(buf, d[plain:s.pos]...)
			}
			r, err := s.escape()
			if err != nil {
				return nil, err
			}
			if decode {
				buf = utf8.AppendRune(buf, r)
			}
			plain = s.pos
		case c < utf8.RuneSelf:
			s.pos++
		default:
			r, size := utf8.DecodeRune(d[s.pos:])
			if r == utf8.RuneError && size == 1 {
				return nil, s.fail(ErrInvalidUTF8, s.pos, "byte 0x%02x at %s", c, byteAt(s.pos))
			}
			s.pos += size
		}
	}
}

// escape reads the escape sequence at s.pos (a backslash) and returns the
// character it stands for.
func (s *scanner) escape() (rune, *Error) {
	d := s.data
	at := s.pos
	if s.pos+1 >= len(d) {
		return 0, s.fail(ErrSyntax, at, "escape at %s is cut short", byteAt(at))
	}
	c := d[s.pos+1]
	s.pos += 2
	switch c {
	case '"', '\\', '/':
		return rune(c), nil
	case 'b':
		return '\b', nil
	case 'f':
		return '\f', nil
	case 'n':
		return '\n', nil
	case 'r':
		return '\r', nil
	case 't':
		return '\t', nil
	case 'u':
		r, ok := hex4(d, s.pos)
		if !ok {
			return 0, s.fail(ErrSyntax, at, "\\u at %s wants four hex digits", byteAt(at))
		}
		s.pos += 4
		switch {
		case r >= 0xDC00 && r <= 0xDFFF:
			return 0, s.fail(ErrLoneSurrogate, at, "\\u%04x at %s is a low surrogate with no high one before it", r, byteAt(at))
		case r >= 0xD800 && r <= 0xDBFF:
			if s.pos+1 < len(d) && d[s.pos] == '\\' && d[s.pos+1] == 'u' {
				if r2, ok := hex4(d, s.pos+2); ok && r2 >= 0xDC00 && r2 <= 0xDFFF {
					s.pos += 6
					return utf16.DecodeRune(r, r2), nil
				}
			}
			return 0, s.fail(ErrLoneSurrogate, at, "\\u%04x at %s is a high surrogate with no low one after it", r, byteAt(at))
		}
		return r, nil
	}
	return 0, s.fail(ErrSyntax, at, "unknown escape at %s", byteAt(at))
}

func hex4(d []byte, at int) (rune, bool) {
	if at+4 > len(d) {
		return 0, false
	}
	var r rune
	for _, c := range d[at : at+4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
