package index

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
	"unicode/utf8"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/errs"
)

// MaxResultBytes caps one line of a results file.
const MaxResultBytes = 16 << 20

// ResultRecord is one line of a results file: a result, or the error that
// made the line unusable.
type ResultRecord struct {
	Result *corpus.Result
	Err    error
	Line   int
}

// ReadResults yields the scan results of a JSON Lines stream, as written by
// `redthread scan --embed-listing`. Blank lines are skipped. A bad line
// yields a record with Err (kind errs.Invalid) and reading goes on; a
// result without an embedded listing is accepted (it is indexed without
// text).
func ReadResults(ctx context.Context, r io.Reader, name string) iter.Seq[ResultRecord] {
	return func(yield func(ResultRecord) bool) {
		br := bufio.NewReaderSize(r, 1<<20)
		for line := 1; ; line++ {
			if ctx.Err() != nil {
				yield(ResultRecord{Err: errs.E("read "+name, errs.IO, ctx.Err()), Line: line})
				return
			}
			data, tooLong, err := corpus.ReadLine(br, nil, MaxResultBytes)
			if err != nil && !errors.Is(err, io.EOF) {
				yield(ResultRecord{Err: &errs.Error{Op: "read results", Kind: errs.IO, Path: name, Line: line, Err: err}, Line: line})
				return
			}
			var rec ResultRecord
			switch {
			case tooLong:
				rec = ResultRecord{Line: line, Err: &errs.Error{Op: "read results", Kind: errs.Invalid, Path: name, Line: line,
					Err: fmt.Errorf("line longer than %d bytes", MaxResultBytes)}}
			case len(strings.TrimSpace(string(data))) == 0:
				rec.Line = -1
			default:
				res, perr := ParseResult(data)
				rec = ResultRecord{Result: res, Line: line}
				if perr != nil {
					rec = ResultRecord{Line: line, Err: &errs.Error{Op: "read results", Kind: errs.Invalid, Path: name, Line: line, Err: perr}}
				}
			}
			if rec.Line != -1 && !yield(rec) {
				return
			}
			if errors.Is(err, io.EOF) {
				return
			}
		}
	}
}

// ParseResult decodes one scan result from a JSON object and checks that it
// can be indexed: it needs an id (or a listing to derive one from). A line
// that is a plain listing (FORMATS.md input, no indicators) is accepted as
// an unscored result, so a corpus can be searched before it is scanned.
func ParseResult(data []byte) (*corpus.Result, error) {
	if !utf8.Valid(data) {
		return nil, errors.New("not valid UTF-8")
	}
	if !strings.HasPrefix(strings.TrimSpace(string(data)), "{") {
		return nil, errors.New("not a JSON object")
	}
	var r corpus.Result
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("not a scan result: %w", err)
	}
	if r.Listing == nil && r.Indicators == nil {
		// A listing that was not scanned: index its text, unscored.
		if l, err := corpus.ParseListingJSON(data); err == nil {
			l.EnsureID()
			return &corpus.Result{ID: l.ID, Kind: l.Kind, Language: l.Language, Listing: l}, nil
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
