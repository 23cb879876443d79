package scanner

import (
	"context"
	"fmt"
	"iter"
	"os"
	"testing"

	"github.com/redthread/redthread/corpus"
)

// benchSize is the size a benchmark reads from the environment variable
// name (def when unset).
func benchSize(name string, def int) int {
	if v := os.Getenv(name); v != "" {
		fmt.Sscan(v, &def)
	}
	return def
}

// devBase returns the dev set's listings, the texts the synthetic
// benchmark inputs are made of.
func devBase(tb testing.TB) []*corpus.Listing {
	tb.Helper()
	var base []*corpus.Listing
	for rec := range corpus.DevSet() {
		if rec.Err != nil {
			tb.Fatal(rec.Err)
		}
		base = append(base, rec.Listing)
	}
	return base
}

// readFile reads the records of a benchmark's input file, each time it
// is ranged over.
func readFile(path string) iter.Seq[corpus.Record] {
	return func(yield func(corpus.Record) bool) {
		for rec := range corpus.Read(context.Background(), path, nil, corpus.Options{}) {
			if !yield(rec) {
				return
			}
		}
	}
}
