package corpus

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
	"unicode/utf8"

	"github.com/redthread/redthread/errs"
)

// csvAliases maps common column names onto listing fields. Columns are
// matched case-insensitively; unknown columns go into Fields.
var csvAliases = map[string]string{
	"description": "body", "text": "body", "content": "body", "company": "employer",
	"salary": "pay", "price": "pay", "date": "posted_at", "posted": "posted_at",
	"lang": "language", "type": "kind", "link": "url", "phone": "contacts", "contact": "contacts",
	"image": "images", "photos": "images", "image_urls": "images",
}

// ReadCSV yields the listings of a CSV file with a header row. Columns map
// by name onto listing fields ("contacts" and "images" hold several values
// separated by "|" or ";"). A file whose header has neither a body nor an
// html column yields one error; a record with the wrong number of fields
// yields an error for that record and reading goes on.
func ReadCSV(ctx context.Context, r io.Reader, name string, opt Options) iter.Seq[Record] {
	return func(yield func(Record) bool) {
		cr := csv.NewReader(r)
		cr.FieldsPerRecord = -1
		cr.LazyQuotes = true
		cr.ReuseRecord = false
		if strings.HasSuffix(strings.ToLower(name), ".tsv") {
			cr.Comma = '\t'
		}
		header, err := cr.Read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = errors.New("empty file: no header row")
			}
			yield(Record{Err: &errs.Error{Op: "read csv", Kind: errs.Invalid, Path: name, Line: 1, Err: err}, Path: name, Line: 1})
			return
		}
		cols := make([]string, len(header))
		hasText := false
		for i, h := range header {
			h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
			if a, ok := csvAliases[h]; ok {
				h = a
			}
			cols[i] = h
			hasText = hasText || h == "body" || h == "html"
		}
		if !hasText {
			yield(Record{Err: &errs.Error{Op: "read csv", Kind: errs.Invalid, Path: name, Line: 1,
				Err: fmt.Errorf("header has no body or html column (columns: %s)", strings.Join(header, ", "))}, Path: name, Line: 1})
			return
		}
		for rec := 2; ; rec++ {
			if ctx.Err() != nil {
				return
			}
			row, err := cr.Read()
			if errors.Is(err, io.EOF) {
				return
			}
			line, _ := cr.FieldPos(0)
			if line == 0 {
				line = rec
			}
			var out Record
			switch {
			case err != nil:
				var pe *csv.ParseError
				if errors.As(err, &pe) {
					line = pe.Line
				}
				out = Record{Err: &errs.Error{Op: "read csv", Kind: errs.Invalid, Path: name, Line: line, Err: err}}
			case len(row) != len(cols):
				out = Record{Err: &errs.Error{Op: "read csv", Kind: errs.Invalid, Path: name, Line: line,
					Err: fmt.Errorf("record has %d fields, header has %d", len(row), len(cols))}}
			default:
				l, e := listingFromRow(cols, row, opt)
				if e != nil {
					out = Record{Err: &errs.Error{Op: "read csv", Kind: errs.Invalid, Path: name, Line: line, Err: e}}
				} else {
					out = Record{Listing: l}
				}
			}
			out.Path, out.Line = name, line
			if !yield(out) {
				return
			}
			if err != nil && !isRecoverableCSV(err) {
				return
			}
		}
	}
}

func isRecoverableCSV(err error) bool {
	var pe *csv.ParseError
	return errors.As(err, &pe)
}

func listingFromRow(cols, row []string, opt Options) (*Listing, error) {
	size := 0
	for _, v := range row {
		size += len(v)
		if !utf8.ValidString(v) {
			return nil, errors.New("not valid UTF-8 (convert the file to UTF-8)")
		}
	}
	if size > opt.max() {
		return nil, fmt.Errorf("record longer than %d bytes (raise --max-bytes to read it)", opt.max())
	}
	var l Listing
	for i, c := range cols {
		v := row[i]
		if v == "" {
			continue
		}
		if dst := l.textField(c); dst != nil {
			*dst = v
			continue
		}
		switch c {
		case "contacts":
			l.Contacts = append(l.Contacts, splitMulti(v)...)
		case "images":
			for _, u := range splitMulti(v) {
				l.Images = append(l.Images, imageRef(u))
			}
		default:
			if c == "" {
				continue
			}
			raw, _ := json.Marshal(v)
			if l.Fields == nil {
				l.Fields = make(map[string]json.RawMessage)
			}
			l.Fields[c] = raw
		}
	}
	l.Country = strings.ToUpper(strings.TrimSpace(l.Country))
	l.Language = strings.ToLower(strings.TrimSpace(l.Language))
	if err := l.Validate(); err != nil {
		return nil, err
	}
	return &l, nil
}

func splitMulti(v string) []string {
	f := strings.FieldsFunc(v, func(r rune) bool { return r == '|' || r == ';' || r == '\n' })
	out := f[:0]
	for _, s := range f {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
