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
	buf []byte        // a Result's line, encoded without reflection
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
func (w *Writer) Write(v any) error {
	if r, ok := v.(*Result); ok && r != nil {
		if b, ok := appendResult(w.buf[:0], r); ok {
			if cap(b) <= 1<<20 {
				w.buf = b
			}
			_, err := w.w.Write(b)
			return err
		}
	}
	return w.enc.Encode(v)
}

// Flush writes buffered lines.
func (w *Writer) Flush() error { return w.w.Flush() }
