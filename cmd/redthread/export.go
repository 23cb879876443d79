package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/errs"
	"github.com/redthread/redthread/stats"
)

func init() {
	commands["export"] = command{summary: "write pseudonymized per-listing rows for research (CSV, JSON or Parquet)", run: runExport}
}

// exportKeyEnv names the environment variable holding the export key.
const exportKeyEnv = "REDTHREAD_EXPORT_KEY"

func runExport(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "export", "[flags] FILE ...")
	keyFile := fs.String("key-file", "", "read the pseudonymization key from `FILE` (else $"+exportKeyEnv+")")
	text := fs.Bool("include-text", false, "add title and body, with contacts replaced by tokens and stated names by [name]")
	out := fs.String("o", "", "write to `FILE` instead of stdout (written to a temporary file and renamed)")
	format := fs.String("format", "", "output format: csv, json or parquet (default: from the -o extension, else csv)")
	minCount := fs.Int("min-count", stats.DefaultMinCount, "write kind, source, country, language and week values shared by fewer than `N` listings as \"suppressed\"")
	maxBytes := fs.Int("max-bytes", corpus.DefaultMaxResultBytes, "largest result line to read, in bytes")
	quiet := fs.Bool("q", false, "no summary on stderr")
	comments := fs.Bool("comments", false, "CSV: write the provenance as \"# key: value\" lines before the header row (default: a sidecar FILE.meta.json next to -o FILE)")
	paths, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return fmt.Errorf("%w: name the scan result files to export (JSON Lines from redthread scan --embed-listing)", errUsage)
	}
	if slices.Contains(paths, "-") {
		return fmt.Errorf("%w: export reads its inputs twice and cannot read stdin; save the results to a file first", errUsage)
	}
	if *minCount < 1 {
		return fmt.Errorf("%w: --min-count must be at least 1", errUsage)
	}
	f, err := stats.ParseFormat(*format, *out)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if f == stats.HTML {
		return fmt.Errorf("%w: export writes csv, json or parquet; use redthread stats for an HTML report", errUsage)
	}
	key, err := exportKey(e, *keyFile)
	if err != nil {
		return err
	}
	tk, err := stats.NewTokenizer(key)
	if err != nil {
		return err
	}
	opt := stats.ExportOptions{Tokenizer: tk, IncludeText: *text, MinCount: *minCount}
	x, err := stats.NewExporter(opt)
	if err != nil {
		return err
	}
	rd := corpus.ResultOptions{MaxLineBytes: *maxBytes, Revisions: true}

	// pass 1: count category values, checksum inputs, report bad lines
	var inputs []stats.Input
	var n, skipped, listings, noMeta int64
	packs := map[string]bool{}
	for rec := range corpus.ReadResultFiles(ctx, paths, nil, rd, &inputs) {
		if rec.Err != nil {
			if rec.Line == 0 || errs.KindOf(rec.Err) == errs.IO {
				return rec.Err
			}
			if errors.Is(rec.Err, corpus.ErrNotResult) {
				listings++
			}
			if skipped < maxReported && listings <= 1 {
				fmt.Fprintf(e.stderr, "redthread export: skipped %v\n", rec.Err)
			}
			skipped++
			continue
		}
		x.Count(rec.Result)
		if stats.NoMeta(rec.Result) {
			noMeta++
		}
		if rec.Result.RulePack != "" {
			packs[rec.Result.RulePack] = true
		}
		n++
	}
	if n == 0 {
		if listings > 0 {
			return errs.E("read input", errs.Invalid, fmt.Sprintf("the input holds listings, not scan results (%d lines): run redthread scan FILE -o results.jsonl first and export the results", listings))
		}
		return errs.E("read input", errs.Invalid, fmt.Sprintf("no usable scan results in the input (%d lines skipped)", skipped))
	}
	warnNoMeta(e, "export", noMeta, n)
	meta := stats.ExportMeta(stats.Meta{ScannerVersion: version, RulePacks: sortedSet(packs), Inputs: inputs,
		Created: now(e), Results: n, Skipped: skipped}, opt)

	sink, err := openOutput(e, *out)
	if err != nil {
		return err
	}
	err = func() error {
		newWriter := stats.NewExportWriter
		if *comments {
			newWriter = stats.NewExportWriterComments
		}
		w, err := newWriter(sink.w, f, meta, *text)
		if err != nil {
			return err
		}
		// pass 2: write rows
		var again []stats.Input
		for rec := range corpus.ReadResultFiles(ctx, paths, nil, rd, &again) {
			if rec.Err != nil {
				if rec.Line == 0 {
					return rec.Err
				}
				continue
			}
			if err := w.Write(x.Row(rec.Result)); err != nil {
				return errs.E("write export", errs.IO, err)
			}
		}
		if !slices.Equal(inputs, again) {
			return errs.E("read input", errs.IO, "an input file changed during the export; run it again")
		}
		if err := w.Close(); err != nil {
			return errs.E("write export", errs.IO, err)
		}
		return nil
	}()
	if cerr := sink.close(err == nil); err == nil {
		err = cerr
	}
	if err == nil && f == stats.CSV && !*comments && *out != "" && *out != "-" {
		// The CSV starts with its header; its provenance goes beside it.
		err = writeSidecar(*out+".meta.json", meta)
	}
	if err == nil && !*quiet {
		fmt.Fprintf(e.stderr, "exported %d listings (%d lines skipped), key %s\n", n, skipped, tk.KeyID())
	}
	return err
}

// writeSidecar writes the provenance of a CSV export as JSON.
func writeSidecar(path string, meta stats.Meta) error {
	f, err := os.Create(path)
	if err != nil {
		return &errs.Error{Op: "write provenance", Kind: errs.IO, Path: path, Err: err}
	}
	if err := stats.WriteMetaJSON(f, meta); err != nil {
		f.Close()
		return &errs.Error{Op: "write provenance", Kind: errs.IO, Path: path, Err: err}
	}
	if err := f.Close(); err != nil {
		return &errs.Error{Op: "write provenance", Kind: errs.IO, Path: path, Err: err}
	}
	return nil
}

// exportKey reads the key from keyFile, else from $REDTHREAD_EXPORT_KEY.
func exportKey(e *env, keyFile string) ([]byte, error) {
	if keyFile != "" {
		b, err := os.ReadFile(keyFile)
		if err != nil {
			kind := errs.Config
			if errors.Is(err, os.ErrNotExist) {
				err = fmt.Errorf("no such file %s", keyFile)
			}
			return nil, errs.E("read export key", kind, err)
		}
		return stats.ParseKey(b), nil
	}
	if v := e.getenv(exportKeyEnv); v != "" {
		return stats.ParseKey([]byte(v)), nil
	}
	return nil, errs.E("pseudonymization key", errs.Config, "none given: use --key-file FILE or set "+exportKeyEnv+
		" (for example: openssl rand -hex 32 > export.key). Keep the key apart from the export: with it, anyone can test guessed phone numbers against the tokens")
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
