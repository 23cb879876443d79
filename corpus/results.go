package corpus

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/redthread/redthread/errs"
)

// DefaultMaxResultBytes caps one line of a results file: a listing of
// DefaultMaxListingBytes embedded with its evidence.
const DefaultMaxResultBytes = 4 * DefaultMaxListingBytes

// ErrNotResult is the error of a line that is a listing (the scanner's
// input), not a scan result.
var ErrNotResult = errors.New("a listing, not a scan result: scan it first (redthread scan)")

// ResultOptions control the results readers.
type ResultOptions struct {
	// MaxLineBytes caps one line; longer lines are reported and skipped.
	// Zero means DefaultMaxResultBytes.
	MaxLineBytes int
	// Listings accepts plain listings as unscored results (to index a
	// corpus before it is scanned); otherwise they are ErrNotResult.
	Listings bool
	// Revisions applies the revisions of streaming scans (ReadResultFiles):
	// a result followed later by a revision of the same ID is left out and
	// the last revision is yielded in its stead. Without it, revisions are
	// yielded as they come, with Revised set (a reader that replaces by
	// ID, such as an index, needs no more).
	Revisions bool
	// Read, when set, counts the bytes read (for progress reports).
	Read *atomic.Int64
}

func (o ResultOptions) max() int {
	if o.MaxLineBytes > 0 {
		return o.MaxLineBytes
	}
	return DefaultMaxResultBytes
}

// ResultRecord is one scan result read from JSON Lines, or the error that
// made its line unusable. Path and Line say where it came from; Line is 0
// when the whole input failed.
type ResultRecord struct {
	Result *Result
	Err    error
	Path   string
	Line   int
}

// InputFile names a file that was read in full, with its SHA-256, so that
// a report can be reproduced from the same inputs.
type InputFile struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// ParseResult decodes one scan result from a JSON object. A result needs an
// ID (or an embedded listing to derive one from). A plain listing is
// ErrNotResult unless listings is true: then it becomes an unscored result.
func ParseResult(data []byte, listings bool) (*Result, error) {
	if !utf8.Valid(data) {
		return nil, errors.New("not valid UTF-8")
	}
	data = bytes.TrimLeft(data, " \t")
	if len(data) == 0 || data[0] != '{' {
		return nil, errors.New("not a JSON object")
	}
	var r Result
	if err := json.Unmarshal(data, &r); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("invalid JSON at column %d: %v", se.Offset, se)
		}
		return nil, fmt.Errorf("not a scan result: %v", err)
	}
	if r.Listing == nil && r.Indicators == nil && r.Level == "" {
		if !listings {
			return nil, ErrNotResult
		}
		l, err := ParseListingJSON(data)
		if err != nil && r.ID == "" {
			return nil, err
		}
		if err == nil {
			l.EnsureID()
			return &Result{ID: l.ID, Kind: l.Kind, Language: l.Language, Source: strings.TrimSpace(l.Source),
				Country: strings.ToUpper(strings.TrimSpace(l.Country)), PostedAt: strings.TrimSpace(l.PostedAt), URL: l.URL, Listing: l}, nil
		}
	}
	if r.ID == "" && r.Listing != nil {
		r.Listing.EnsureID()
		r.ID = r.Listing.ID
	}
	if r.ID == "" {
		return nil, errors.New("result has no id")
	}
	return &r, nil
}

// ReadResults yields the scan results of one JSON Lines stream (the output
// of redthread scan), revisions as they come. Blank lines are ignored; a
// bad line yields a record with Err (kind errs.Invalid) and reading goes
// on; a read error yields a record with Err (kind errs.IO) and ends it.
func ReadResults(ctx context.Context, r io.Reader, name string, opt ResultOptions) iter.Seq[ResultRecord] {
	return func(yield func(ResultRecord) bool) {
		if opt.Read != nil {
			r = countingReader{r, opt.Read}
		}
		max := opt.max()
		bad := func(n int, kind errs.Kind, err error) ResultRecord {
			return ResultRecord{Err: &errs.Error{Op: "read results", Kind: kind, Path: name, Line: n, Err: err}, Path: name, Line: n}
		}
		n, err := eachLine(ctx, r, max, func(n int, line []byte, tooLong bool) bool {
			if tooLong {
				return yield(bad(n, errs.Invalid, fmt.Errorf("line longer than %d bytes", max)))
			}
			res, perr := ParseResult(line, opt.Listings)
			if perr != nil {
				return yield(bad(n, errs.Invalid, perr))
			}
			return yield(ResultRecord{Result: res, Path: name, Line: n})
		})
		switch {
		case err == nil:
		case ctx.Err() != nil:
			yield(ResultRecord{Err: errs.E("read "+name, errs.IO, ctx.Err()), Path: name, Line: n})
		default:
			yield(bad(n, errs.IO, err))
		}
	}
}

// ReadResultFiles chains the results of every path ("-" is stdin) and,
// when inputs is not nil, appends each file's SHA-256 once the file has
// been read to its end. A file that cannot be opened yields one record
// with Err and Line 0. With opt.Revisions, each file's revisions are
// applied (standard input is copied to a temporary file first, to be read
// twice).
func ReadResultFiles(ctx context.Context, paths []string, stdin io.Reader, opt ResultOptions, inputs *[]InputFile) iter.Seq[ResultRecord] {
	return func(yield func(ResultRecord) bool) {
		for _, p := range paths {
			if !readResultFile(ctx, p, stdin, opt, inputs, yield) {
				return
			}
		}
	}
}

// readResultFile yields the records of one input; false means stop.
func readResultFile(ctx context.Context, p string, stdin io.Reader, opt ResultOptions, inputs *[]InputFile, yield func(ResultRecord) bool) bool {
	fail := func(kind errs.Kind, err error) bool {
		return yield(ResultRecord{Err: &errs.Error{Op: "open input", Kind: kind, Path: p, Err: err}, Path: p})
	}
	var f *os.File
	if p == "-" {
		if stdin == nil {
			return fail(errs.Config, errors.New("no standard input"))
		}
		if !opt.Revisions {
			return readResultStream(ctx, stdin, p, opt, inputs, yield)
		}
		tmp, err := os.CreateTemp("", "redthread-results-*.jsonl")
		if err != nil {
			return fail(errs.IO, err)
		}
		defer func() { tmp.Close(); os.Remove(tmp.Name()) }()
		if _, err := io.Copy(tmp, stdin); err != nil {
			return fail(errs.IO, fmt.Errorf("copy standard input: %w", err))
		}
		if _, err := tmp.Seek(0, io.SeekStart); err != nil {
			return fail(errs.IO, err)
		}
		f = tmp
	} else {
		var err error
		if f, err = os.Open(p); err != nil {
			kind := errs.IO
			if errors.Is(err, os.ErrNotExist) {
				kind = errs.NotExist
			}
			return fail(kind, err)
		}
		defer f.Close()
	}
	var revised map[string]int
	if opt.Revisions {
		var err error
		if revised, err = Revisions(ctx, f); err != nil {
			return fail(errs.IO, err)
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return fail(errs.IO, err)
		}
	}
	if len(revised) == 0 {
		return readResultStream(ctx, f, p, opt, inputs, yield)
	}
	return readResultStream(ctx, f, p, opt, inputs, func(rec ResultRecord) bool {
		if rec.Result != nil {
			if !Final(rec.Result.ID, rec.Line, revised) {
				return true // replaced by a later revision
			}
			rec.Result.Revised = false
		}
		return yield(rec)
	})
}

func readResultStream(ctx context.Context, r io.Reader, p string, opt ResultOptions, inputs *[]InputFile, yield func(ResultRecord) bool) bool {
	h := sha256.New()
	for rec := range ReadResults(ctx, io.TeeReader(r, h), p, opt) {
		if !yield(rec) {
			return false
		}
		if rec.Err != nil && errs.KindOf(rec.Err) == errs.IO {
			return true // the stream failed: no checksum
		}
	}
	if inputs != nil {
		*inputs = append(*inputs, InputFile{Path: p, SHA256: hex.EncodeToString(h.Sum(nil))})
	}
	return true
}

// Final reports whether the result with id on line (1-based) of a results
// file is final, given the file's Revisions: it is not when a revision of
// the same ID comes on a later line.
func Final(id string, line int, revisions map[string]int) bool {
	last, ok := revisions[id]
	return !ok || line >= last
}

// Revisions reads a results stream and returns, for each ID with revision
// lines (RevisionPrefix), the number of its last revision line (1-based).
// It decodes only the start of revision lines.
func Revisions(ctx context.Context, r io.Reader) (map[string]int, error) {
	out := map[string]int{}
	br := bufio.NewReaderSize(r, 1<<20)
	prefix := []byte(RevisionPrefix)
	atStart := true
	line := 1
	for n := 0; ; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		chunk, err := br.ReadSlice('\n')
		if atStart && bytes.HasPrefix(chunk, prefix) {
			rest := chunk[len(prefix):]
			if end := jsonStringEnd(rest); end > 0 {
				var id string
				if json.Unmarshal(rest[:end], &id) == nil {
					out[id] = line
				}
			}
		}
		atStart = err != bufio.ErrBufferFull
		if atStart {
			line++
		}
		if err != nil && err != bufio.ErrBufferFull {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, err
		}
	}
}

// jsonStringEnd returns the length of the JSON string at the start of b,
// quotes included, or 0 when b does not start with a whole string.
func jsonStringEnd(b []byte) int {
	if len(b) == 0 || b[0] != '"' {
		return 0
	}
	for i := 1; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return 0
}
