package corpus

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// RevisionPrefix starts every revision line of a scan's output: a result
// written again at the end of a streaming scan because listings later in
// the input linked to it ({"revised":true,"id":...}).
const RevisionPrefix = `{"revised":true,"id":`

// FoldRevisions copies the results of a scan (one JSON line each, in
// output order) to dst, replacing the result at each position of
// positions (ascending, 0-based) with the next line of revisions, so that
// dst holds one final result per listing. Revision lines are written
// without their "revised" marker.
func FoldRevisions(dst io.Writer, results, revisions io.Reader, positions []int) error {
	rr := bufio.NewReaderSize(results, 1<<20)
	rv := bufio.NewReaderSize(revisions, 1<<20)
	w := bufio.NewWriterSize(dst, 1<<20)
	for pos := 0; ; pos++ {
		line, err := readFullLine(rr)
		if len(line) == 0 && errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("fold revisions: results: %w", err)
		}
		if len(positions) > 0 && positions[0] == pos {
			positions = positions[1:]
			rev, rerr := readFullLine(rv)
			if rerr != nil && !(errors.Is(rerr, io.EOF) && len(rev) > 0) {
				return fmt.Errorf("fold revisions: revisions: %w", rerr)
			}
			if !bytes.HasPrefix(rev, []byte(RevisionPrefix)) {
				return errors.New("fold revisions: a revision line without its marker")
			}
			line = append([]byte(`{"id":`), rev[len(RevisionPrefix):]...)
		}
		if _, err := w.Write(line); err != nil {
			return fmt.Errorf("fold revisions: %w", err)
		}
		if len(line) > 0 && line[len(line)-1] != '\n' {
			w.WriteByte('\n')
		}
	}
	if len(positions) > 0 {
		return fmt.Errorf("fold revisions: %d revisions past the last result", len(positions))
	}
	return w.Flush()
}

// readFullLine reads one line, newline included, whatever its length.
func readFullLine(r *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := r.ReadSlice('\n')
		line = append(line, chunk...)
		if err == bufio.ErrBufferFull {
			continue
		}
		return line, err
	}
}
