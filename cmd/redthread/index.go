package main

import (
	"context"
	"fmt"
	"github.com/redthread/redthread/corpus"
	"runtime/debug"
	"time"

	"github.com/redthread/redthread/errs"
	"github.com/redthread/redthread/index"
)

func init() {
	commands["index"] = command{summary: "add scan results (with embedded listings) to a search index", run: runIndex}
}

// IndexGCPercent is the GOGC setting while `redthread index` runs.
const IndexGCPercent = 400

// defaultIndexDir is the index folder when neither --index nor
// REDTHREAD_INDEX says otherwise.
const defaultIndexDir = "redthread-index"

func indexDirDefault(e *env) string {
	if d := e.getenv("REDTHREAD_INDEX"); d != "" {
		return d
	}
	return defaultIndexDir
}

func runIndex(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "index", "[--index DIR] RESULTS.jsonl...")
	dir := fs.String("index", indexDirDefault(e), "index `folder` (env REDTHREAD_INDEX); created when missing")
	quiet := fs.Bool("q", false, "no progress line on stderr")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("%w: no results file given (use - for standard input; write results with `redthread scan --embed-listing`)", errUsage)
	}
	// Bulk indexing allocates heavily; collecting garbage less often
	// saves about a quarter of the CPU time for some more memory.
	defer debug.SetGCPercent(debug.SetGCPercent(IndexGCPercent))
	x, err := index.Open(*dir)
	if err != nil {
		return err
	}
	defer x.Close()
	start := time.Now()
	total, bad := 0, 0
	w := x.NewWriter()
	prog := newProgress(e, *quiet, "index", "results", inputSize(files))
	// Revisions of streaming scans come as they are; the index replaces a
	// listing's document by ID, so the last one stays.
	opt := corpus.ResultOptions{Listings: true, Read: prog.counter()}
	for rec := range corpus.ReadResultFiles(ctx, files, e.stdin, opt, nil) {
		if rec.Err != nil {
			if rec.Line == 0 || errs.Is(errs.IO, rec.Err) {
				return rec.Err
			}
			bad++
			e.log.Warn("skipped line", "err", rec.Err)
			continue
		}
		if err := w.Add(*rec.Result); err != nil && !errs.Is(errs.Invalid, err) {
			return err
		}
		total++
		if total%1024 == 0 {
			prog.update(total, bad)
		}
	}
	prog.done()
	if err := w.Flush(); err != nil && !errs.Is(errs.Invalid, err) {
		return err
	}
	n, _ := x.Count()
	el := time.Since(start)
	fmt.Fprintf(e.stderr, "indexed %d results in %s (%.0f/s); %d skipped; the index %s holds %d listings\n",
		total, el.Round(time.Millisecond), float64(total)/max(el.Seconds(), 1e-9), bad, *dir, n)
	if total == 0 && bad > 0 {
		return errs.E("index", errs.Invalid, fmt.Sprintf("no usable result in the input (%d bad lines)", bad))
	}
	return nil
}
