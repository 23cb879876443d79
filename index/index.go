// Package index stores scan results, with the listings they were computed
// from, in a bleve full-text index, and answers the analyst's searches:
// query-string queries over named fields, phone numbers in any common
// format, filters, facets with counts, sorting, paging and snippets with the
// matched words marked.
//
// One process owns an index at a time: bleve locks its root file. Open
// gives up after OpenTimeout with an error of kind errs.IO that says the
// index is in use, so a command line tool started while `redthread serve`
// holds the index fails fast instead of waiting forever.
package index

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	bindex "github.com/blevesearch/bleve_index_api"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/errs"
)

// OpenTimeout is how long Open waits for another process to release the
// index before it reports that the index is in use.
var OpenTimeout = 2 * time.Second

// BatchSize is the number of results Put writes in one bleve batch.
const BatchSize = 1000

// ErrInUse is wrapped by Open's error when another process holds the index.
var ErrInUse = errors.New("index is in use by another process (is `redthread serve` running on it? stop it first, or query the server's /api/search)")

// Index is an open search index of scan results. It is safe for concurrent
// use.
type Index struct {
	dir string
	b   bleve.Index

	mu     sync.Mutex // serializes Put so batches are committed in order
	closed bool

	facets facetCache

	timeout    atomic.Int64  // query timeout in ns; 0: DefaultQueryTimeout
	generation atomic.Uint64 // counts writes, for caches of whole-index figures
}

// SetQueryTimeout sets how long one search may run; 0 or less restores
// DefaultQueryTimeout.
func (x *Index) SetQueryTimeout(d time.Duration) { x.timeout.Store(int64(max(d, 0))) }

func (x *Index) queryTimeout() time.Duration {
	if d := time.Duration(x.timeout.Load()); d > 0 {
		return d
	}
	return DefaultQueryTimeout
}

// Generation changes whenever the index is written to: what was computed
// over the whole index at one generation holds until it changes.
func (x *Index) Generation() uint64 { return x.generation.Load() }

// bleveDir is where the bleve index lives inside the index folder; the
// folder can also hold other stores (the review database).
const bleveDir = "bleve"

// Open opens the index in folder dir, creating it when it does not exist.
func Open(dir string) (*Index, error) {
	if dir == "" {
		return nil, errs.E("open index", errs.Config, "no index folder given (use --index DIR)")
	}
	path := filepath.Join(dir, bleveDir)
	cfg := map[string]any{"bolt_timeout": OpenTimeout.String()}
	var b bleve.Index
	var err error
	if Exists(dir) {
		b, err = bleve.OpenUsing(path, cfg)
	} else {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, &errs.Error{Op: "create index", Kind: errs.IO, Path: dir, Err: err}
		}
		b, err = bleve.NewUsing(path, newMapping(), bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, cfg)
	}
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) || strings.Contains(err.Error(), "timeout") {
			return nil, &errs.Error{Op: "open index", Kind: errs.IO, Path: dir, Err: ErrInUse}
		}
		return nil, &errs.Error{Op: "open index", Kind: errs.IO, Path: dir, Err: err}
	}
	return &Index{dir: dir, b: b}, nil
}

// Exists reports whether folder dir holds an index.
func Exists(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, bleveDir, "index_meta.json"))
	return err == nil
}

// Dir returns the index folder.
func (x *Index) Dir() string { return x.dir }

// Close releases the index.
func (x *Index) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.closed {
		return nil
	}
	x.closed = true
	return x.b.Close()
}

// Count returns the number of listings in the index.
func (x *Index) Count() (uint64, error) { return x.b.DocCount() }

// Put adds results (each with its listing embedded) to the index, in
// batches of BatchSize. A result whose ID is already indexed replaces it.
// When Put returns nil every result is committed to disk: a crash after
// that loses none of them. Results without an ID are skipped with an error
// of kind errs.Invalid after the others are written.
func (x *Index) Put(results []corpus.Result) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.closed {
		return errs.E("index put", errs.Internal, "index is closed")
	}
	var skipped []string
	batch := x.b.NewBatch()
	for i := range results {
		r := &results[i]
		d, err := makeDoc(r)
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("result %d: %v", i+1, err))
			continue
		}
		if err := batch.Index(r.ID, d); err != nil {
			skipped = append(skipped, fmt.Sprintf("result %s: %v", r.ID, err))
			continue
		}
		if batch.Size() >= BatchSize {
			err := x.b.Batch(batch)
			x.facets.invalidate()
			x.generation.Add(1)
			if err != nil {
				return errs.E("index put", errs.IO, err)
			}
			batch.Reset()
		}
	}
	if batch.Size() > 0 {
		if err := x.b.Batch(batch); err != nil {
			return errs.E("index put", errs.IO, err)
		}
	}
	x.facets.invalidate()
	x.generation.Add(1)
	if len(skipped) > 0 {
		if len(skipped) > 5 {
			skipped = append(skipped[:5], fmt.Sprintf("and %d more", len(skipped)-5))
		}
		return errs.E("index put", errs.Invalid, "skipped "+strings.Join(skipped, "; "))
	}
	return nil
}

// Get returns the result stored for id, with its listing. It returns an
// error of kind errs.NotExist when id is not indexed.
func (x *Index) Get(id string) (*corpus.Result, error) {
	doc, err := x.b.Document(id)
	if err != nil {
		return nil, errs.E("index get", errs.IO, err)
	}
	if doc == nil {
		return nil, &errs.Error{Op: "index get", Kind: errs.NotExist, ID: id}
	}
	var raw []byte
	doc.VisitFields(func(f bindex.Field) {
		if f.Name() == fieldRaw {
			raw = f.Value()
		}
	})
	if raw == nil {
		return nil, &errs.Error{Op: "index get", Kind: errs.Internal, ID: id, Err: errors.New("stored result missing")}
	}
	return decodeRaw(raw)
}

func decodeRaw(raw []byte) (*corpus.Result, error) {
	var r corpus.Result
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, errs.E("decode stored result", errs.Internal, err)
	}
	return &r, nil
}

// Writer buffers results and writes them to the index in batches; the scan
// command uses it to index results as they are produced.
type Writer struct {
	x   *Index
	buf []corpus.Result
	n   int
}

// NewWriter returns a Writer on x. Call Flush when done.
func (x *Index) NewWriter() *Writer { return &Writer{x: x} }

// Add queues r, writing a batch when BatchSize results are queued.
func (w *Writer) Add(r corpus.Result) error {
	w.buf = append(w.buf, r)
	if len(w.buf) >= BatchSize {
		return w.Flush()
	}
	return nil
}

// Flush writes the queued results.
func (w *Writer) Flush() error {
	if len(w.buf) == 0 {
		return nil
	}
	err := w.x.Put(w.buf)
	if err == nil || errs.Is(errs.Invalid, err) {
		w.n += len(w.buf)
	}
	w.buf = w.buf[:0]
	return err
}

// Written returns how many results were passed to the index.
func (w *Writer) Written() int { return w.n }
