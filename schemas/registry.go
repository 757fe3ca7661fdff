package schemas

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"sync"
)

// Ids and names of the built-in credential types.
const (
	// IdentityID is the wire id of the built-in identity type.
	IdentityID = 1
	// TicketID is the wire id of the built-in ticket type.
	TicketID = 2
	// IdentityName is the name of the built-in identity type.
	IdentityName = "identity"
	// TicketName is the name of the built-in ticket type.
	TicketName = "ticket"
)

//go:embed builtin/*.json
var builtinFS embed.FS

// builtinSchemas parses the embedded schemas once; they are immutable and
// shared by every registry Builtin returns.
var builtinSchemas = sync.OnceValue(func() []*Schema {
	var out []*Schema
	for _, name := range []string{"builtin/identity.json", "builtin/ticket.json"} {
		data, err := builtinFS.ReadFile(name)
		if err != nil {
			panic("schemas: built-in " + name + ": " + err.Error())
		}
		s, err := ParseSchema(data)
		if err != nil {
			panic("schemas: built-in " + name + ": " + err.Error())
		}
		out = append(out, s)
	}
	return out
})

// Registry is a set of credential types with unique names and ids. It is
// safe for concurrent use.
type Registry struct {
	mu     sync.RWMutex
	byName map[string]*Schema
	byID   map[uint64]*Schema
}

// Builtin returns a new registry holding the built-in types, identity (id 1)
// and ticket (id 2), defined by builtin/identity.json and
// builtin/ticket.json. Each call returns a new registry, to which the
// caller may add operator-defined types.
func Builtin() *Registry {
	r, err := NewRegistry(builtinSchemas()...)
	if err != nil {
		panic(err) // the embedded schemas are tested
	}
	return r
}

// NewRegistry returns a registry holding schemas. It validates each and
// refuses two with the same name or id.
func NewRegistry(schemas ...*Schema) (*Registry, error) {
	r := &Registry{byName: make(map[string]*Schema), byID: make(map[uint64]*Schema)}
	for _, s := range schemas {
		if err := r.Add(s); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Add validates s and adds it. It refuses a schema whose name or id the
// registry already holds (ErrDuplicate). s must not be modified afterwards.
func (r *Registry) Add(s *Schema) error {
	if s == nil {
		return &SchemaError{Err: errorf(ErrInvalidSchema, "nil schema")}
	}
	if err := s.Validate(); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.byName == nil {
		r.byName, r.byID = make(map[string]*Schema), make(map[uint64]*Schema)
	}
	if old, ok := r.byName[s.Name]; ok {
		return &SchemaError{Schema: s.Name, Err: errorf(ErrDuplicate, "name is already registered (id %d)", old.ID)}
	}
	if old, ok := r.byID[s.ID]; ok {
		return &SchemaError{Schema: s.Name, Err: errorf(ErrDuplicate, "id %d is already the id of %q", s.ID, old.Name)}
	}
	r.byName[s.Name] = s
	r.byID[s.ID] = s
	return nil
}

// LoadFile reads an operator-defined type from a schema file (a regular
// file: a directory, FIFO or device is refused with ErrMalformed), parses it
// with ParseSchema and adds it. It refuses ids below MinOperatorID, which
// are reserved for types defined by netcred. Errors are *SchemaError values
// that name the file, and the schema and claim where the problem is.
func (r *Registry) LoadFile(path string) error {
	fail := func(err error) error {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is in the message already
		}
		var se *SchemaError
		if errors.As(err, &se) {
			cp := *se
			cp.File = path
			return &cp
		}
		return &SchemaError{File: path, Err: err}
	}
	// A FIFO or a device would block or never end: look before opening,
	// and again at what was opened.
	if fi, err := os.Stat(path); err != nil {
		return fail(err)
	} else if !fi.Mode().IsRegular() {
		return fail(errorf(ErrMalformed, "not a regular file"))
	}
	f, err := os.Open(path)
	if err != nil {
		return fail(err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return fail(errorf(ErrMalformed, "not a regular file"))
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxSchemaSize+1))
	if err != nil {
		return fail(err)
	}
	s, err := ParseSchema(data)
	if err != nil {
		return fail(err)
	}
	if s.ID < MinOperatorID {
		return fail(&SchemaError{Schema: s.Name, Err: errorf(ErrInvalidSchema,
			"id %d is reserved for types defined by netcred (operator-defined types use %d..%d)", s.ID, MinOperatorID, MaxID)})
	}
	if err := r.Add(s); err != nil {
		return fail(err)
	}
	return nil
}

// ByName returns the schema called name.
func (r *Registry) ByName(name string) (*Schema, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	s, ok := r.byName[name]
	return s, ok
}

// ByID returns the schema with the wire id id.
func (r *Registry) ByID(id uint64) (*Schema, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	s, ok := r.byID[id]
	return s, ok
}

// Lookup is ByName with an error, wrapping ErrUnknownType, for a name
// that the registry does not hold.
func (r *Registry) Lookup(name string) (*Schema, error) {
	if s, ok := r.ByName(name); ok {
		return s, nil
	}
	return nil, fmt.Errorf("%w %s (known: %s)", ErrUnknownType, quoteShort(name), quoteList(r.Names()))
}

// LookupID is ByID with an error, wrapping ErrUnknownType, for an id that
// the registry does not hold.
func (r *Registry) LookupID(id uint64) (*Schema, error) {
	if s, ok := r.ByID(id); ok {
		return s, nil
	}
	return nil, fmt.Errorf("%w: id %d", ErrUnknownType, id)
}

// Names returns the names of the registry's types, sorted.
func (r *Registry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	names := make([]string, 0, len(r.byName))
	for n := range r.byName {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Schemas returns the registry's schemas, sorted by id.
func (r *Registry) Schemas() []*Schema {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]*Schema, 0, len(r.byID))
	for _, s := range r.byID {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b *Schema) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return out
}
