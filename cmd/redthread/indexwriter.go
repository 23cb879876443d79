package main

import (
	"context"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/errs"
)

// openIndexWriter opens the search index in dir for writing scan results.
// It is replaced when the index package is wired in.
func openIndexWriter(ctx context.Context, e *env, dir string) (func(*corpus.Result) error, func() error, error) {
	return nil, nil, errs.E("index", errs.Config, "indexing is not available in this build")
}
