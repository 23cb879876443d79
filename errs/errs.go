// Package errs defines redthread's one structured error type, in the style of
// upspin.io/errors: every error carries the operation that failed, a Kind that
// callers (and the command's exit codes) can switch on, and where it happened.
package errs

import (
	"errors"
	"fmt"
	"strings"
)

// Kind classifies an error so callers can react without parsing messages.
type Kind uint8

// The kinds of error. Other is the zero value.
const (
	Other    Kind = iota // unclassified
	Invalid              // bad input data: a malformed line, an unparsable file
	Config               // bad configuration: a rule pack, a lexicon, an adapter, a flag
	IO                   // reading or writing failed
	NotExist             // a file or record does not exist
	Internal             // a bug in redthread
)

func (k Kind) String() string {
	switch k {
	case Invalid:
		return "invalid input"
	case Config:
		return "configuration error"
	case IO:
		return "I/O error"
	case NotExist:
		return "does not exist"
	case Internal:
		return "internal error"
	}
	return "error"
}

// Error is the structured error. Zero fields are left out of the message.
type Error struct {
	Op   string // the operation: "scan", "load rules", "read csv"
	Kind Kind
	Path string // file the error is about, if any
	Line int    // 1-based line in Path, if any
	ID   string // rule or listing ID, if any
	Err  error  // the underlying error
}

// E builds an *Error from its arguments, by type: string is the Op, Kind the
// kind, error the wrapped error. Use the struct literal for Path, Line and ID.
func E(op string, args ...any) error {
	e := &Error{Op: op}
	for _, a := range args {
		switch a := a.(type) {
		case Kind:
			e.Kind = a
		case error:
			e.Err = a
		case string:
			e.Err = errors.New(a)
		}
	}
	if e.Kind == Other {
		var inner *Error
		if errors.As(e.Err, &inner) {
			e.Kind = inner.Kind
		}
	}
	return e
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	if e.Path != "" {
		b.WriteString(" ")
		b.WriteString(e.Path)
		if e.Line > 0 {
			fmt.Fprintf(&b, " line %d", e.Line)
		}
	}
	if e.ID != "" {
		fmt.Fprintf(&b, " (%s)", e.ID)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	} else if e.Kind != Other {
		b.WriteString(": ")
		b.WriteString(e.Kind.String())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf reports the Kind of the outermost *Error in err's chain that has one.
func KindOf(err error) Kind {
	for err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return Other
		}
		if e.Kind != Other {
			return e.Kind
		}
		err = e.Err
	}
	return Other
}

// Is reports whether err is of the given kind.
func Is(kind Kind, err error) bool { return KindOf(err) == kind }
