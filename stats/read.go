package stats

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"unicode/utf8"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/errs"
)

// ResultRecord is one scan result read from JSON Lines, or the error that
// made its line unusable. Path and Line say where it came from.
type ResultRecord struct {
	Result *corpus.Result
	Err    error
	Path   string
	Line   int
}

// ParseResultJSON decodes one scan result from a JSON object.
func ParseResultJSON(data []byte) (*corpus.Result, error) {
	if !utf8.Valid(data) {
		return nil, errors.New("not valid UTF-8")
	}
	i := 0
	for i < len(data) && (data[i] == ' ' || data[i] == '\t') {
		i++
	}
	if i == len(data) || data[i] != '{' {
		return nil, errors.New("not a JSON object")
	}
	var r corpus.Result
	if err := json.Unmarshal(data, &r); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("invalid JSON at column %d: %v", se.Offset, se)
		}
		return nil, fmt.Errorf("not a scan result: %v", err)
	}
	if r.Level == "" {
		// A listing (id, title, body...) decodes without error but has no
		// score or level: refuse it rather than count an empty row.
		return nil, ErrNotResult
	}
	return &r, nil
}

// ErrNotResult is the error of a line that is a JSON object but not a scan
// result: it has no level (a listing, for instance).
var ErrNotResult = errors.New("not a scan result (no level): is this a listings file? Scan it first with redthread scan --embed-listing")

// ReadResults yields the scan results of a JSON Lines stream (the output
// of redthread scan). Blank lines are ignored; a bad line yields a record
// with Err and reading goes on; a read error ends the sequence.
func ReadResults(ctx context.Context, r io.Reader, name string, opt corpus.Options) iter.Seq[ResultRecord] {
	return func(yield func(ResultRecord) bool) {
		max := opt.MaxListingBytes
		if max <= 0 {
			max = corpus.DefaultMaxListingBytes
		}
		br := bufio.NewReaderSize(r, 256<<10)
		var line []byte
		for n := 1; ; n++ {
			if n%4096 == 0 && ctx.Err() != nil {
				yield(ResultRecord{Err: errs.E("read "+name, errs.IO, ctx.Err()), Path: name})
				return
			}
			line = line[:0]
			tooLong := false
			var err error
			for {
				chunk, e := br.ReadSlice('\n')
				if !tooLong {
					if len(line)+len(chunk) > max+1 {
						tooLong, line = true, line[:0]
					} else {
						line = append(line, chunk...)
					}
				}
				if e == bufio.ErrBufferFull {
					continue
				}
				err = e
				break
			}
			if err != nil && !errors.Is(err, io.EOF) {
				yield(ResultRecord{Err: &errs.Error{Op: "read results", Kind: errs.IO, Path: name, Line: n, Err: err}, Path: name, Line: n})
				return
			}
			for len(line) > 0 && (line[len(line)-1] == '\n' || line[len(line)-1] == '\r' || line[len(line)-1] == ' ') {
				line = line[:len(line)-1]
			}
			switch {
			case tooLong:
				if !yield(ResultRecord{Err: &errs.Error{Op: "read results", Kind: errs.Invalid, Path: name, Line: n,
					Err: fmt.Errorf("line longer than %d bytes", max)}, Path: name, Line: n}) {
					return
				}
			case len(line) > 0:
				res, perr := ParseResultJSON(line)
				rec := ResultRecord{Result: res, Path: name, Line: n}
				if perr != nil {
					rec = ResultRecord{Err: &errs.Error{Op: "read results", Kind: errs.Invalid, Path: name, Line: n, Err: perr}, Path: name, Line: n}
				}
				if !yield(rec) {
					return
				}
			}
			if errors.Is(err, io.EOF) {
				return
			}
		}
	}
}

// ReadResultFiles chains the results of every path ("-" is stdin) and
// appends each file's SHA-256 to inputs once the file has been read to its
// end. A file that cannot be opened yields one record with Err and Line 0.
func ReadResultFiles(ctx context.Context, paths []string, stdin io.Reader, opt corpus.Options, inputs *[]Input) iter.Seq[ResultRecord] {
	return func(yield func(ResultRecord) bool) {
		for _, p := range paths {
			if !readOneFile(ctx, p, stdin, opt, inputs, yield) {
				return
			}
		}
	}
}

// readOneFile yields the records of one input; false means stop.
func readOneFile(ctx context.Context, p string, stdin io.Reader, opt corpus.Options, inputs *[]Input, yield func(ResultRecord) bool) bool {
	var r io.Reader
	if p == "-" {
		if stdin == nil {
			return yield(ResultRecord{Err: &errs.Error{Op: "open input", Kind: errs.Config, Path: p, Err: errors.New("no standard input")}, Path: p})
		}
		r = stdin
	} else {
		f, err := os.Open(p)
		if err != nil {
			kind := errs.IO
			if errors.Is(err, os.ErrNotExist) {
				kind = errs.NotExist
			}
			return yield(ResultRecord{Err: &errs.Error{Op: "open input", Kind: kind, Path: p, Err: err}, Path: p})
		}
		defer f.Close()
		r = f
	}
	h := sha256.New()
	for rec := range ReadResults(ctx, io.TeeReader(r, h), p, opt) {
		if !yield(rec) {
			return false
		}
	}
	if inputs != nil {
		*inputs = append(*inputs, Input{Path: p, SHA256: hex.EncodeToString(h.Sum(nil))})
	}
	return true
}
