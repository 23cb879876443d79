package corpus

import (
	"bufio"
	"encoding/json"
	"io"
)

// Writer writes values as JSON Lines, without HTML escaping. It is not safe
// for concurrent use.
type Writer struct {
	w   *bufio.Writer
	enc *json.Encoder // reused for every line: no per-line buffer
}

// NewWriter returns a Writer on w. Call Flush when done.
func NewWriter(w io.Writer) *Writer {
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &Writer{w: bw, enc: enc}
}

// Write writes one value as a line. A value that cannot be encoded writes
// nothing.
func (w *Writer) Write(v any) error { return w.enc.Encode(v) }

// Flush writes buffered lines.
func (w *Writer) Flush() error { return w.w.Flush() }
