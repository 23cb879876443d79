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
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/errs"
)

// leanResult holds only what aggregation needs of a scan result, so that
// decoding skips evidence, explanations and listing texts without
// allocating them.
type leanResult struct {
	Revised    bool   `json:"revised"`
	Source     string `json:"source"`
	Country    string `json:"country"`
	PostedAt   string `json:"posted_at"`
	ID         string `json:"id"`
	Kind       string `json:"kind"`
	Score      int    `json:"score"`
	Level      string `json:"level"`
	Language   string `json:"language"`
	RulePack   string `json:"rule_pack"`
	Indicators []struct {
		ID     string   `json:"id"`
		Linked []string `json:"linked"`
	} `json:"indicators"`
	Listing *struct {
		Source   string `json:"source"`
		Country  string `json:"country"`
		Language string `json:"language"`
		Kind     string `json:"kind"`
		PostedAt string `json:"posted_at"`
	} `json:"listing"`
}

// parseLean decodes the fields of a result that aggregation uses into r,
// reusing r's slices. Fields it does not use are not checked.
func parseLean(data []byte, lr *leanResult, r *corpus.Result, l *corpus.Listing, in map[string]string) error {
	if !utf8.Valid(data) {
		return errors.New("not valid UTF-8")
	}
	i := 0
	for i < len(data) && (data[i] == ' ' || data[i] == '\t') {
		i++
	}
	if i == len(data) || data[i] != '{' {
		return errors.New("not a JSON object")
	}
	switch err := parseFast(data, r, l, in); err {
	case nil, corpus.ErrNotResult:
		return err
	}
	return parseLeanJSON(data, lr, r, l)
}

// parseLeanJSON is parseLean with encoding/json only.
func parseLeanJSON(data []byte, lr *leanResult, r *corpus.Result, l *corpus.Listing) error {
	*lr = leanResult{} // fresh: decoding into reused slice elements keeps fields a line leaves out
	if err := json.Unmarshal(data, lr); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return fmt.Errorf("invalid JSON at column %d: %v", se.Offset, se)
		}
		return fmt.Errorf("not a scan result: %v", err)
	}
	hits := r.Indicators[:0]
	for _, h := range lr.Indicators {
		hits = append(hits, corpus.Hit{ID: h.ID, Linked: h.Linked})
	}
	if lr.Indicators == nil && lr.Listing == nil && lr.Level == "" {
		return corpus.ErrNotResult
	}
	*r = corpus.Result{ID: lr.ID, Kind: lr.Kind, Score: lr.Score, Level: lr.Level, Language: lr.Language,
		RulePack: lr.RulePack, Indicators: hits, Revised: lr.Revised, Source: lr.Source, Country: lr.Country, PostedAt: lr.PostedAt}
	if lr.Listing != nil {
		*l = corpus.Listing{Source: lr.Listing.Source, Country: lr.Listing.Country, Language: lr.Listing.Language,
			Kind: lr.Listing.Kind, PostedAt: lr.Listing.PostedAt}
		r.Listing = l
	}
	return nil
}

// FileOptions control AggregateFiles.
type FileOptions struct {
	// Workers decode and count in parallel; 0 means one per core.
	Workers int
	// MaxLineBytes caps one result line; 0 means
	// corpus.DefaultMaxResultBytes.
	MaxLineBytes int
	// OnError, if set, is told about every unusable line (never its
	// content). Calls are serialized.
	OnError func(error)
	// Stdin is read for the path "-".
	Stdin io.Reader
	// Read, when set, counts the bytes of results read (for progress).
	Read *atomic.Int64
}

// FileSummary says what AggregateFiles read.
type FileSummary struct {
	Inputs  []Input
	Results int64
	Skipped int64
}

type lineBatch struct {
	path    string
	revised map[string]int // the file's revisions (corpus.Revisions)
	first   int            // line number of the first line
	data    []byte
	ends    []int
	bad     []error // lines too long, reported by the reader
}

// AggregateFiles reads scan results (JSON Lines) from paths, decoding and
// counting them on several cores, and returns the merged Aggregator. A file
// that cannot be opened or read stops it with an error; a bad line is
// skipped, counted and passed to OnError.
func AggregateFiles(ctx context.Context, paths []string, opt FileOptions) (*Aggregator, FileSummary, error) {
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	max := opt.MaxLineBytes
	if max <= 0 {
		max = corpus.DefaultMaxResultBytes
	}
	var sum FileSummary
	var mu sync.Mutex
	report := func(err error) {
		mu.Lock()
		sum.Skipped++
		if opt.OnError != nil {
			opt.OnError(err)
		}
		mu.Unlock()
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan *lineBatch, 2*workers)
	free := &freeList{c: make(chan *lineBatch, 3*workers+2)}
	aggs := make([]*Aggregator, workers)
	counts := make([]int64, workers)
	var wg sync.WaitGroup
	for w := range workers {
		aggs[w] = NewAggregator()
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lr leanResult
			var r corpus.Result
			var l corpus.Listing
			in := make(map[string]string)
			for b := range batches {
				for _, e := range b.bad {
					report(e)
				}
				start := 0
				for i, end := range b.ends {
					line := b.data[start:end]
					start = end
					if len(line) == 0 {
						continue
					}
					if err := parseLean(line, &lr, &r, &l, in); err != nil {
						report(&errs.Error{Op: "read results", Kind: errs.Invalid, Path: b.path, Line: b.first + i, Err: err})
						continue
					}
					if b.revised != nil && !corpus.Final(r.ID, b.first+i, b.revised) {
						continue // replaced by a revision later in the file
					}
					aggs[w].Add(&r)
					counts[w]++
				}
				b.data, b.ends, b.bad, b.revised = b.data[:0], b.ends[:0], b.bad[:0], nil
				free.put(b)
			}
		}()
	}
	err := func() error {
		defer close(batches)
		for _, p := range paths {
			in, err := readFile(ctx, p, opt.Stdin, max, batches, free, opt.Read)
			if err != nil {
				return err
			}
			sum.Inputs = append(sum.Inputs, in)
		}
		return nil
	}()
	if err != nil {
		cancel()
	}
	wg.Wait()
	if err != nil {
		return nil, sum, err
	}
	for _, n := range counts {
		sum.Results += n
	}
	a := aggs[0]
	for _, b := range aggs[1:] {
		a.Merge(b)
	}
	return a, sum, nil
}

// readFile splits one input into batches of lines and hashes it.
// freeList recycles line batches; unlike a sync.Pool it survives garbage
// collections, so the batch buffers are allocated once.
type freeList struct{ c chan *lineBatch }

func (f *freeList) get() *lineBatch {
	select {
	case b := <-f.c:
		return b
	default:
		return &lineBatch{}
	}
}

func (f *freeList) put(b *lineBatch) {
	select {
	case f.c <- b:
	default:
	}
}

func readFile(ctx context.Context, path string, stdin io.Reader, max int, out chan<- *lineBatch, free *freeList, read *atomic.Int64) (Input, error) {
	var f *os.File
	if path != "-" {
		var err error
		f, err = os.Open(path)
		if err != nil {
			kind := errs.IO
			if errors.Is(err, os.ErrNotExist) {
				kind = errs.NotExist
			}
			return Input{}, &errs.Error{Op: "open input", Kind: kind, Path: path, Err: err}
		}
		defer f.Close()
	} else if stdin == nil {
		return Input{}, errs.E("open input", errs.Config, "no standard input")
	} else {
		// Read twice (revisions first): standard input goes to a temporary file.
		tmp, err := os.CreateTemp("", "redthread-results-*.jsonl")
		if err != nil {
			return Input{}, errs.E("read standard input", errs.IO, err)
		}
		defer func() { tmp.Close(); os.Remove(tmp.Name()) }()
		_, err = io.Copy(tmp, stdin)
		if err == nil {
			_, err = tmp.Seek(0, io.SeekStart)
		}
		if err != nil {
			return Input{}, errs.E("read standard input", errs.IO, err)
		}
		f = tmp
	}
	revised, err := corpus.Revisions(ctx, f)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		return Input{}, &errs.Error{Op: "read results", Kind: errs.IO, Path: path, Err: err}
	}
	if len(revised) == 0 {
		revised = nil
	}
	var r io.Reader = f
	if read != nil {
		r = countReader{f, read}
	}
	h := sha256.New()
	br := bufio.NewReaderSize(io.TeeReader(r, h), 256<<10)
	const batchBytes = 1 << 20
	b := free.get()
	b.path, b.first, b.revised = path, 1, revised
	send := func(next int) error {
		select {
		case out <- b:
		case <-ctx.Done():
			return errs.E("read "+path, errs.IO, ctx.Err())
		}
		b = free.get()
		b.path, b.first, b.revised = path, next, revised
		return nil
	}
	for n := 1; ; n++ {
		start := len(b.data)
		tooLong := false
		var err error
		for {
			chunk, e := br.ReadSlice('\n')
			if !tooLong {
				if len(b.data)-start+len(chunk) > max+1 {
					tooLong = true
					b.data = b.data[:start]
				} else {
					b.data = append(b.data, chunk...)
				}
			}
			if e == bufio.ErrBufferFull {
				continue
			}
			err = e
			break
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return Input{}, &errs.Error{Op: "read results", Kind: errs.IO, Path: path, Line: n, Err: err}
		}
		end := len(b.data)
		for end > start && (b.data[end-1] == '\n' || b.data[end-1] == '\r' || b.data[end-1] == ' ') {
			end--
		}
		b.data = b.data[:end]
		if tooLong {
			b.bad = append(b.bad, &errs.Error{Op: "read results", Kind: errs.Invalid, Path: path, Line: n,
				Err: fmt.Errorf("line longer than %d bytes", max)})
		}
		b.ends = append(b.ends, end)
		if errors.Is(err, io.EOF) {
			break
		}
		if len(b.data) >= batchBytes || len(b.ends) >= 4096 {
			if err := send(n + 1); err != nil {
				return Input{}, err
			}
		}
	}
	if len(b.ends) > 0 || len(b.bad) > 0 {
		if err := send(0); err != nil {
			return Input{}, err
		}
	}
	return Input{Path: path, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// countReader adds the bytes read to n.
type countReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n.Add(int64(k))
	return k, err
}
