package main

import (
	"errors"

	"context"
	"github.com/redthread/redthread/errs"
	"iter"
	"runtime/debug"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/index"
	"github.com/redthread/redthread/stats"
)

func init() { indexResults = statsFromIndex }

// openIndexWriter opens the search index in dir for writing scan results
// (scan --index, crawl --index). The returned close flushes the last batch
// and closes the index.
func openIndexWriter(ctx context.Context, e *env, dir string) (func(*corpus.Result) error, func() error, error) {
	x, err := index.Open(dir)
	if err != nil {
		return nil, nil, err
	}
	// Bulk indexing allocates heavily; see IndexGCPercent.
	old := debug.SetGCPercent(IndexGCPercent)
	w := x.NewWriter()
	add := func(r *corpus.Result) error { return w.Add(*r) }
	closeFn := func() error {
		defer debug.SetGCPercent(old)
		err := w.Flush()
		if cerr := x.Close(); err == nil {
			err = cerr
		}
		e.log.Info("indexed", "listings", w.Written(), "index", dir)
		return err
	}
	return add, closeFn, nil
}

// statsFromIndex reads every result of an index for `stats --index`.
func statsFromIndex(ctx context.Context, dir string) (iter.Seq[*corpus.Result], func() error, stats.Input, error) {
	if !index.Exists(dir) {
		return nil, nil, stats.Input{}, &errs.Error{Op: "open index", Kind: errs.NotExist, Path: dir,
			Err: errors.New("no index here (make one with: redthread scan --index DIR FILE)")}
	}
	x, err := index.Open(dir)
	if err != nil {
		return nil, nil, stats.Input{}, err
	}
	var iterErr error
	seq := func(yield func(*corpus.Result) bool) {
		for r, err := range x.All(ctx) {
			if err != nil {
				iterErr = err
				return
			}
			if !yield(r) {
				return
			}
		}
	}
	done := func() error {
		if err := x.Close(); iterErr == nil {
			iterErr = err
		}
		return iterErr
	}
	return seq, done, stats.Input{Path: "index:" + dir}, nil
}
