package corpus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"unicode/utf8"
)

func isValidUTF8(b []byte) bool { return utf8.Valid(b) }

// jsonUnmarshalStrict decodes exactly one JSON value from data, rejecting
// trailing data such as a second object on the same line.
func jsonUnmarshalStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return describeJSONError(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("unexpected data after the JSON object")
	}
	return nil
}

// describeJSONError adds the column to syntax errors, which is what a person
// needs to find the fault in a long line.
func describeJSONError(data []byte, err error) error {
	switch e := err.(type) {
	case *json.SyntaxError:
		return fmt.Errorf("invalid JSON at column %d: %v", e.Offset, e)
	case *json.UnmarshalTypeError:
		return fmt.Errorf("field %q: expected %s, found JSON %s", e.Field, e.Type, e.Value)
	}
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		return fmt.Errorf("invalid JSON: the object is cut short")
	}
	return err
}
