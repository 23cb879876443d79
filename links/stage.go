package links

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// stage keeps the entries added since the last Flush encoded in a
// temporary file, so that the registry itself holds only what linking
// needs (no full signatures, no entry waiting to be saved) and the Store
// still gets every entry only when the scan completes.
type stage struct {
	f   *os.File
	w   *bufio.Writer
	enc *json.Encoder
}

// stageEntry encodes e into the stage (creating it). Callers hold r.mu.
func (r *Registry) stageEntry(e *Entry) error {
	if r.staged == nil {
		f, err := os.CreateTemp("", "redthread-links-stage-*.jsonl")
		if err != nil {
			return fmt.Errorf("link registry stage: %w", err)
		}
		st := &stage{f: f, w: bufio.NewWriterSize(f, 1<<20)}
		st.enc = json.NewEncoder(st.w)
		r.staged = st
	}
	return r.staged.enc.Encode(e)
}

// replay calls fn with the staged entries, in order, in slices of up to
// 4096.
func (st *stage) replay(fn func([]*Entry) error) error {
	if err := st.w.Flush(); err != nil {
		return fmt.Errorf("link registry stage: %w", err)
	}
	if _, err := st.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("link registry stage: %w", err)
	}
	dec := json.NewDecoder(bufio.NewReaderSize(st.f, 1<<20))
	batch := make([]*Entry, 0, 4096)
	for {
		e := new(Entry)
		err := dec.Decode(e)
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("link registry stage: %w", err)
		}
		batch = append(batch, e)
		if len(batch) == cap(batch) {
			if err := fn(batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	if len(batch) > 0 {
		return fn(batch)
	}
	return nil
}

// discard removes the stage.
func (st *stage) discard() {
	st.f.Close()
	os.Remove(st.f.Name())
}
