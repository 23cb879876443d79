package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path/filepath"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/errs"
	"github.com/redthread/redthread/indicators"
	"github.com/redthread/redthread/rules"
	"github.com/redthread/redthread/scanner"
)

func init() {
	commands["scan"] = command{summary: "score listings for trafficking indicators (JSONL, CSV or HTML in; JSONL out)", run: runScan}
}

// dataFlags are the flags that load user-tunable data, shared by every
// command that extracts features.
type dataFlags struct {
	country  string
	rules    stringList
	lexicons stringList
	patterns stringList
	contacts stringList
	entities stringList
	wages    string
	rates    string
}

// flagSet is what addDataFlags needs of a *flag.FlagSet.
type flagSet interface {
	StringVar(p *string, name, value, usage string)
	Var(value flag.Value, name, usage string)
}

func addDataFlags(fs flagSet, d *dataFlags) {
	fs.StringVar(&d.country, "country", "", "default country (ISO 3166-1 alpha-2) for listings that name none")
	fs.Var(&d.rules, "rules", "extra rule pack `FILE` (repeatable; later packs override rules by ID)")
	fs.Var(&d.lexicons, "lexicon", "extra lexicon `FILE` (repeatable)")
	fs.Var(&d.patterns, "patterns", "extra concept class and pattern `FILE` (repeatable; indicators/concept/PATTERN-FORMAT.md)")
	fs.Var(&d.contacts, "contact-data", "extra contact data `FILE` (repeatable)")
	fs.Var(&d.entities, "entities", "extra entity cue `FILE` (repeatable)")
	fs.StringVar(&d.wages, "wages", "", "reference wage table `CSV` replacing the embedded one")
	fs.StringVar(&d.rates, "rates", "", "exchange-rate table `CSV` replacing the embedded one")
}

func (d *dataFlags) load() (*indicators.Extractor, *rules.Pack, error) {
	country, err := checkCountry(d.country)
	if err != nil {
		return nil, nil, err
	}
	d.country = country
	pack, err := rules.LoadFiles(d.rules...)
	if err != nil {
		return nil, nil, err
	}
	x, err := indicators.New(indicators.Config{Lexicons: d.lexicons, Patterns: d.patterns, ContactData: d.contacts, EntityCues: d.entities,
		WagesFile: d.wages, RatesFile: d.rates, DefaultRegion: d.country})
	if err != nil {
		return nil, nil, err
	}
	return x, pack, nil
}

func runScan(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "scan", "[flags] FILE|DIR|- ...")
	var d dataFlags
	addDataFlags(fs, &d)
	out := fs.String("o", "", "write results to `FILE` instead of stdout")
	workers := fs.Int("workers", 0, "parallel workers (default: one per core)")
	embed := fs.Bool("embed-listing", false, "include each listing in its result (for indexing and review)")
	maxBytes := fs.Int("max-bytes", corpus.DefaultMaxListingBytes, "largest listing to read, in bytes")
	quiet := fs.Bool("q", false, "no summary on stderr")
	indexDir := fs.String("index", "", "also add the results, with their listings, to the search index in `DIR`")
	var lf linkFlags
	addLinkFlags(fs, &lf)
	paths, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return fmt.Errorf("%w: name at least one input file, folder, or - for stdin", errUsage)
	}
	if err := lf.check(); err != nil {
		return err
	}
	if err := checkInputs("scan", paths); err != nil {
		return err
	}
	if err := checkOutputDir(*out); err != nil {
		return err
	}
	x, pack, err := d.load()
	if err != nil {
		return err
	}
	reg, err := lf.registry(e)
	if err != nil {
		return err
	}
	cfg := scanner.Config{Extractor: x, Pack: pack, Workers: *workers, EmbedListing: *embed || *indexDir != "", Log: e.log}
	if reg != nil {
		cfg.Linker = reg
		defer reg.Discard() // after a failed scan; nothing after Close
	}
	sc, err := scanner.New(cfg)
	if err != nil {
		return err
	}
	sink, err := openOutput(e, *out)
	if err != nil {
		return err
	}
	w := corpus.NewWriter(sink.w)
	emit := func(r *corpus.Result) error { return w.Write(r) }
	closeIndex := func() error { return nil }
	if *indexDir != "" {
		toIndex, closeIdx, err := openIndexWriter(ctx, e, *indexDir)
		if err != nil {
			sink.close(false)
			return err
		}
		closeIndex = closeIdx
		emit = func(r *corpus.Result) error {
			if err := toIndex(r); err != nil {
				return err
			}
			if !*embed {
				r.Listing = nil // the index needs the listing; stdout only when asked
			}
			return w.Write(r)
		}
	}
	sum, err := sc.Scan(ctx, readAll(ctx, e, paths, corpus.Options{MaxListingBytes: *maxBytes}), emit)
	if err == nil {
		err = w.Flush()
	}
	if err == nil && reg != nil {
		err = reg.Close() // persist the registry only after a complete scan
	}
	if cerr := closeIndex(); err == nil {
		err = cerr
	}
	if cerr := sink.close(err == nil && sum.Scanned > 0); err == nil {
		err = cerr
	}
	if !*quiet {
		fmt.Fprintln(e.stderr, sum)
	}
	if err != nil {
		return err
	}
	if sum.Scanned == 0 {
		return errs.E("scan", errs.Invalid, "nothing could be scanned")
	}
	return nil
}

// readAll chains the records of every input path.
func readAll(ctx context.Context, e *env, paths []string, opt corpus.Options) iter.Seq[corpus.Record] {
	return func(yield func(corpus.Record) bool) {
		for _, p := range paths {
			for rec := range corpus.Read(ctx, p, e.stdin, opt) {
				if !yield(rec) {
					return
				}
			}
		}
	}
}

// output is stdout or a file written to a temporary name and renamed into
// place only when the command succeeds, so no partial file is left behind.
type output struct {
	w     interface{ Write([]byte) (int, error) }
	f     *os.File
	final string
}

func openOutput(e *env, path string) (*output, error) {
	if path == "" || path == "-" {
		return &output{w: e.stdout}, nil
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		// Name the file asked for, not the temporary one it is written to.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		if errors.Is(err, fs.ErrNotExist) {
			err = fmt.Errorf("the folder %s does not exist", filepath.Dir(path))
		}
		return nil, &errs.Error{Op: "cannot write", Kind: errs.IO, Path: path, Err: err}
	}
	return &output{w: f, f: f, final: path}, nil
}

func (o *output) close(keep bool) error {
	if o.f == nil {
		return nil
	}
	err := o.f.Close()
	if !keep || err != nil {
		os.Remove(o.f.Name())
		return err
	}
	if err := os.Rename(o.f.Name(), o.final); err != nil {
		os.Remove(o.f.Name())
		return errs.E("write output", errs.IO, err)
	}
	return nil
}
