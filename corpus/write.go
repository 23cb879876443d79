package corpus

import (
	"bufio"
	"io"
)

// Writer writes values as JSON Lines, without HTML escaping.
type Writer struct {
	w *bufio.Writer
}

// NewWriter returns a Writer on w. Call Flush when done.
func NewWriter(w io.Writer) *Writer { return &Writer{w: bufio.NewWriterSize(w, 64<<10)} }

// Write writes one value as a line.
func (w *Writer) Write(v any) error {
	b, err := MarshalJSONLine(v)
	if err != nil {
		return err
	}
	_, err = w.w.Write(b)
	return err
}

// Flush writes buffered lines.
func (w *Writer) Flush() error { return w.w.Flush() }
