package corpus

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/redthread/redthread/errs"
)

// DefaultMaxListingBytes is the largest listing (one JSON line, one CSV
// record, one HTML page) read by default.
const DefaultMaxListingBytes = 4 << 20

// Record is one item read from an input: a listing, or the error that made
// an input line unusable. Path and Line say where it came from.
type Record struct {
	Listing *Listing
	Err     error
	Path    string
	Line    int // 1-based line or record number; 0 for a whole file
}

// Options control reading.
type Options struct {
	// MaxListingBytes caps one listing; bigger ones are reported and
	// skipped. Zero means DefaultMaxListingBytes.
	MaxListingBytes int
	// Read, when set, counts the bytes read from input files and standard
	// input (for progress reports).
	Read *atomic.Int64
}

// countingReader adds the bytes read to n.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n.Add(int64(k))
	return k, err
}

// counted wraps r to count its bytes in o.Read, when set.
func (o Options) counted(r io.Reader) io.Reader {
	if o.Read == nil {
		return r
	}
	return countingReader{r, o.Read}
}

func (o Options) max() int {
	if o.MaxListingBytes > 0 {
		return o.MaxListingBytes
	}
	return DefaultMaxListingBytes
}

// Format is an input format.
type Format string

// Input formats.
const (
	FormatJSONL Format = "jsonl"
	FormatCSV   Format = "csv"
	FormatHTML  Format = "html" // a single page, or a folder of pages
)

// DetectFormat picks the format of path by its name: "-" is JSON Lines on
// standard input, a folder is a folder of HTML pages.
func DetectFormat(path string) (Format, error) {
	if path == "-" {
		return FormatJSONL, nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return "", errs.E("open input", errs.NotExist, err)
	}
	if fi.IsDir() {
		return FormatHTML, nil
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jsonl", ".ndjson", ".json", ".txt":
		return FormatJSONL, nil
	case ".csv", ".tsv":
		return FormatCSV, nil
	case ".html", ".htm", ".xhtml":
		return FormatHTML, nil
	}
	return FormatJSONL, nil
}

// Read yields every listing (or per-record error) of path, whatever its
// format; "-" reads JSON Lines from stdin. A record error does not stop the
// sequence; an error that makes the whole input unreadable is yielded once
// with Line 0.
func Read(ctx context.Context, path string, stdin io.Reader, opt Options) iter.Seq[Record] {
	return func(yield func(Record) bool) {
		format, err := DetectFormat(path)
		if err != nil {
			yield(Record{Err: err, Path: path})
			return
		}
		switch {
		case path == "-":
			for rec := range ReadJSONL(ctx, opt.counted(stdin), "-", opt) {
				if !yield(rec) {
					return
				}
			}
			return
		case format == FormatHTML:
			for rec := range ReadHTMLPath(ctx, path, opt) {
				if !yield(rec) {
					return
				}
			}
			return
		}
		f, err := os.Open(path)
		if err != nil {
			yield(Record{Err: errs.E("open input", errs.IO, err), Path: path})
			return
		}
		defer f.Close()
		var seq iter.Seq[Record]
		r := opt.counted(f)
		if format == FormatCSV {
			seq = ReadCSV(ctx, r, path, opt)
		} else {
			seq = ReadJSONL(ctx, r, path, opt)
		}
		for rec := range seq {
			if !yield(rec) {
				return
			}
		}
	}
}

// ReadJSONL yields the listings of a JSON Lines stream. Blank lines are
// ignored; a line that is not a JSON object, is not valid UTF-8, is longer
// than the limit, or lacks both body and html yields a Record with Err.
func ReadJSONL(ctx context.Context, r io.Reader, name string, opt Options) iter.Seq[Record] {
	return func(yield func(Record) bool) {
		max := opt.max()
		bad := func(n int, kind errs.Kind, err error) Record {
			return Record{Err: &errs.Error{Op: "read jsonl", Kind: kind, Path: name, Line: n, Err: err}, Path: name, Line: n}
		}
		n, err := eachLine(ctx, r, max, func(n int, data []byte, tooLong bool) bool {
			if tooLong {
				return yield(bad(n, errs.Invalid, fmt.Errorf("line longer than %d bytes (raise --max-bytes to read it)", max)))
			}
			l, perr := ParseListingJSON(data)
			if perr != nil {
				return yield(bad(n, errs.Invalid, perr))
			}
			return yield(Record{Listing: l, Path: name, Line: n})
		})
		switch {
		case err == nil:
		case ctx.Err() != nil:
			yield(Record{Err: errs.E("read "+name, errs.IO, ctx.Err()), Path: name, Line: n})
		default:
			yield(bad(n, errs.IO, err))
		}
	}
}

// eachLine calls fn with every line of r that is not blank, numbered from
// 1, without its line end and trailing blanks (the slice is reused for
// the next line), or with tooLong for a line longer than max bytes. It
// returns when fn returns false or the input ends (nil), or with the
// number of the line it failed on and the read error or ctx's error.
func eachLine(ctx context.Context, r io.Reader, max int, fn func(n int, line []byte, tooLong bool) bool) (int, error) {
	br := bufio.NewReaderSize(r, 256<<10)
	var buf []byte
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		line, tooLong, err := ReadLine(br, buf[:0], max)
		if cap(line) <= 1<<20 { // a huge line's buffer is not kept
			buf = line[:0]
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return n, err
		}
		line = bytes.TrimRight(line, " \t\r")
		if (tooLong || len(bytes.TrimSpace(line)) > 0) && !fn(n, line, tooLong) {
			return n, nil
		}
		if errors.Is(err, io.EOF) {
			return n, nil
		}
	}
}

// ParseListingJSON decodes one listing from a JSON object and checks it.
func ParseListingJSON(data []byte) (*Listing, error) {
	if !isValidUTF8(data) {
		return nil, errors.New("not valid UTF-8 (convert the file to UTF-8)")
	}
	if trimmed := bytes.TrimSpace(data); len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, errors.New("not a JSON object")
	}
	var l Listing
	// One pass over valid input; invalid input and the unusual cases take
	// the general decoder, which words the errors.
	if !json.Valid(data) || !l.decodeValid(data) {
		if err := jsonUnmarshalStrict(data, &l); err != nil {
			return nil, err
		}
	}
	if err := l.Validate(); err != nil {
		return nil, err
	}
	return &l, nil
}

// ReadLine reads one line without its newline, appending it to line (an
// empty buffer to reuse). When the line exceeds max bytes the rest is
// discarded and tooLong is set. At the end of the input err is io.EOF,
// possibly with a last line.
func ReadLine(br *bufio.Reader, line []byte, max int) (_ []byte, tooLong bool, err error) {
	for {
		chunk, e := br.ReadSlice('\n')
		if !tooLong {
			if len(line)+len(chunk) > max+1 {
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		if e == bufio.ErrBufferFull {
			continue
		}
		if e != nil {
			err = e
		}
		break
	}
	line = trimNewline(line)
	return line, tooLong, err
}

func trimNewline(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}
