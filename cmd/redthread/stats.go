package main

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"time"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/errs"
	"github.com/redthread/redthread/stats"
	"github.com/redthread/redthread/web"
)

func init() {
	commands["stats"] = command{summary: "count indicators by site, country, language and week (CSV, JSON, Parquet or HTML)", run: runStats}
}

// indexResults opens a search index folder (--index DIR) as a source of
// scan results. It is nil until the index package is wired in; it returns
// the results, a function that reports an error met while iterating, and
// the index's description for the report's inputs.
var indexResults func(ctx context.Context, dir string) (seq iter.Seq[*corpus.Result], done func() error, in stats.Input, err error)

// maxReported caps the bad input lines printed on stderr.
const maxReported = 20

func runStats(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "stats", "[flags] --index DIR | FILE|- ...")
	index := fs.String("index", "", "read results from the search index in `DIR` instead of files")
	out := fs.String("o", "", "write to `FILE` instead of stdout (written to a temporary file and renamed)")
	format := fs.String("format", "", "output format: csv, json, parquet or html (default: from the -o extension, else csv)")
	minCount := fs.Int("min-count", stats.DefaultMinCount, "suppress counts below `N`")
	workers := fs.Int("workers", 0, "parallel decoders (default: one per core)")
	maxBytes := fs.Int("max-bytes", corpus.DefaultMaxResultBytes, "largest result line to read, in bytes")
	quiet := fs.Bool("q", false, "no summary on stderr")
	paths, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if (*index == "") == (len(paths) == 0) {
		return fmt.Errorf("%w: name scan result files (JSON Lines from redthread scan, - for stdin) or --index DIR, not both", errUsage)
	}
	if *minCount < 1 {
		return fmt.Errorf("%w: --min-count must be at least 1", errUsage)
	}
	f, err := stats.ParseFormat(*format, *out)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}

	var agg *stats.Aggregator
	var sum stats.FileSummary
	var listings int64 // input lines that are listings, not results
	if *index != "" {
		if indexResults == nil {
			return errs.E("open index", errs.Config, "this build cannot read an index (--index); pass the scan result files instead")
		}
		seq, done, in, err := indexResults(ctx, *index)
		if err != nil {
			return err
		}
		agg = stats.NewAggregator()
		sum.Results = agg.AddAll(seq)
		if err := done(); err != nil {
			return err
		}
		sum.Inputs = []stats.Input{in}
	} else {
		reported := 0
		prog := newProgress(e, *quiet, "stats", "results", inputSize(paths))
		stop := prog.tick(func() string { return "stats: counting results" })
		agg, sum, err = stats.AggregateFiles(ctx, paths, stats.FileOptions{Workers: *workers, MaxLineBytes: *maxBytes, Stdin: e.stdin,
			Read: prog.counter(),
			OnError: func(err error) {
				if errors.Is(err, corpus.ErrNotResult) {
					listings++
				}
				if reported < maxReported {
					fmt.Fprintf(e.stderr, "redthread stats: skipped %v\n", err)
				}
				reported++
			}})
		stop()
		if err != nil {
			return err
		}
	}
	if err := checkResults(agg, sum, listings); err != nil {
		return err
	}
	warnNoMeta(e, "stats", agg.NoMetaCount(), agg.Count())

	rep := agg.Report(stats.Meta{ScannerVersion: version, Inputs: sum.Inputs, Created: now(e),
		MinCount: *minCount, Skipped: sum.Skipped})
	rep.Label = web.Label // the HTML report names indicators as the app does
	sink, err := openOutput(e, *out)
	if err != nil {
		return err
	}
	err = rep.Write(sink.w, f)
	if err != nil {
		err = errs.E("write stats", errs.IO, err)
	}
	if cerr := sink.close(err == nil); err == nil {
		err = cerr
	}
	if err == nil && !*quiet {
		fmt.Fprintf(e.stderr, "counted %d results (%d lines skipped); counts below %d suppressed\n", sum.Results, sum.Skipped, *minCount)
	}
	return err
}

// checkResults refuses inputs that hold nothing to count.
func checkResults(agg *stats.Aggregator, sum stats.FileSummary, listings int64) error {
	if agg.Count() == 0 {
		msg := "no scan results in the input"
		if listings > 0 && listings == sum.Skipped {
			msg = fmt.Sprintf("the input holds listings, not scan results (%d lines): run redthread scan on it first", listings)
		} else if sum.Skipped > 0 {
			msg = fmt.Sprintf("no usable scan results in the input (%d lines skipped)", sum.Skipped)
		}
		return errs.E("count results", errs.Invalid, msg)
	}
	if agg.Unscored() == agg.Count() {
		return errs.E("count results", errs.Invalid, "the input has no scored results (no \"level\"): is it listings? Run redthread scan --embed-listing on it first")
	}
	return nil
}

// warnNoMeta says on stderr, loudly, when results carry no source, country
// or posting date: their rows are "unknown".
func warnNoMeta(e *env, cmd string, noMeta, total int64) {
	if noMeta == 0 {
		return
	}
	fmt.Fprintf(e.stderr, "redthread %s: WARNING: %d of %d results carry no source, country or posting date, so they are counted as %q; "+
		"they were scanned by an older redthread without --embed-listing, or their listings name none: scan them again to fill them\n",
		cmd, noMeta, total, stats.Unknown)
}

// now is the time recorded in outputs: SOURCE_DATE_EPOCH when set, for
// reproducible outputs, else the current time.
func now(e *env) time.Time {
	if s := e.getenv("SOURCE_DATE_EPOCH"); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.Unix(n, 0).UTC()
		}
	}
	return time.Now().UTC().Truncate(time.Second)
}
