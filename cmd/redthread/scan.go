package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/dustin/go-humanize"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/errs"
	"github.com/redthread/redthread/indicators"
	"github.com/redthread/redthread/links"
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
	var sf scanFlags
	sf.add(fs)
	out := fs.String("o", "", "write results to `FILE` instead of stdout")
	indexDir := fs.String("index", "", "also add the results, with their listings, to the search index in `DIR`")
	paths, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return fmt.Errorf("%w: name at least one input file, folder, or - for stdin", errUsage)
	}
	if err := sf.links.check(); err != nil {
		return err
	}
	if err := checkInputs("scan", paths); err != nil {
		return err
	}
	if err := checkOutputDir(*out); err != nil {
		return err
	}
	sc, reg, err := sf.scanner(e, *indexDir != "")
	if err != nil {
		return err
	}
	if reg != nil {
		defer reg.Discard() // after a failed scan; nothing after Close
	}
	sink, err := openOutput(e, *out)
	if err != nil {
		return err
	}
	w := corpus.NewWriter(sink.w)
	toIndex := func(*corpus.Result) error { return nil }
	closeIndex := func() error { return nil }
	if *indexDir != "" {
		ti, closeIdx, err := openIndexWriter(ctx, e, *indexDir)
		if err != nil {
			sink.close(false)
			return err
		}
		toIndex, closeIndex = ti, closeIdx
	}
	emit := func(r *corpus.Result) error {
		if err := toIndex(r); err != nil {
			return err
		}
		if !sf.embed {
			r.Listing = nil // the index needs the listing; the output only when asked
		}
		return w.Write(r)
	}
	if sink.f != nil && reg != nil {
		// Revised results replace their earlier lines in the file at the end.
		sc.SetRevise(func(pos int, r *corpus.Result) error {
			if err := toIndex(r); err != nil { // the index replaces the listing's document
				return err
			}
			if !sf.embed {
				r.Listing = nil
			}
			return sink.revise(pos, r)
		})
	}
	prog := newProgress(e, sf.quiet, "scan", "listings", inputSize(paths))
	sc.SetProgress(func(s scanner.Summary) {
		if prog == nil {
			return
		}
		if s.Revised > 0 { // the last phase: listings linked by later ones, scanned again
			prog.describe(fmt.Sprintf("scan: %d listings; %d revised by later links", s.Scanned, s.Revised), prog.read.Load(), -1)
			return
		}
		prog.update(s.Scanned, s.Skipped)
	})
	sum, err := sc.Scan(ctx, readAll(ctx, e, paths, corpus.Options{MaxListingBytes: sf.maxBytes, Read: prog.counter()}), emit)
	prog.done()
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
	if !sf.quiet {
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

// scanFlags are the flags of every command that scans listings: scan,
// crawl --scan and eval.
type scanFlags struct {
	data     dataFlags
	links    linkFlags
	workers  int
	embed    bool
	maxBytes int
	quiet    bool
	tempDir  string
	batch    int
	// maxMemory is a soft limit on the process's memory ("" : none, or
	// GOMEMLIMIT's).
	maxMemory string
}

// add adds every scan flag (scan, crawl --scan).
func (sf *scanFlags) add(fs *flag.FlagSet) {
	sf.addCore(fs)
	fs.BoolVar(&sf.embed, "embed-listing", false, "include each listing in its result (for indexing and review)")
	fs.BoolVar(&sf.quiet, "q", false, "no progress line and no summary on stderr")
	fs.IntVar(&sf.batch, "batch", 512, "listings extracted, linked and written together: results of a batch carry the links to every earlier listing; links from later ones are revisions")
}

// addCore adds the flags that decide what a scan finds (eval, rules fit):
// data, rules, links, workers, input limit, spool folder.
func (sf *scanFlags) addCore(fs *flag.FlagSet) { sf.addNamed(fs, "workers") }

// addCrawl adds every scan flag for crawl --scan, where --workers already
// means pages in flight: the scan's workers are --scan-workers.
func (sf *scanFlags) addCrawl(fs *flag.FlagSet) {
	sf.addNamed(fs, "scan-workers")
	fs.BoolVar(&sf.embed, "embed-listing", false, "with --scan: include each listing in its result (for indexing and review)")
	fs.BoolVar(&sf.quiet, "q", false, "no progress line on stderr")
	fs.IntVar(&sf.batch, "batch", 512, "with --scan: listings extracted, linked and written together (links from later listings are revisions)")
}

func (sf *scanFlags) addNamed(fs *flag.FlagSet, workers string) {
	addDataFlags(fs, &sf.data)
	addLinkFlags(fs, &sf.links)
	fs.IntVar(&sf.workers, workers, 0, "parallel scan workers (default: one per core)")
	fs.IntVar(&sf.maxBytes, "max-bytes", corpus.DefaultMaxListingBytes, "largest listing to read, in bytes")
	fs.StringVar(&sf.tempDir, "tmp", "", "folder for the temporary listing spool of a linked scan (default: the system's)")
	fs.StringVar(&sf.maxMemory, "max-memory", "", "soft memory limit, e.g. `2GB` or 1800MiB: the garbage collector works harder as the scan nears it (default: none, or the GOMEMLIMIT environment variable)")
}

// memoryLimit applies --max-memory.
func (sf *scanFlags) memoryLimit() error {
	if sf.maxMemory == "" {
		return nil
	}
	n, err := humanize.ParseBytes(sf.maxMemory)
	if err != nil || n < 64<<20 || n > math.MaxInt64 {
		return errs.E("scan", errs.Invalid, fmt.Sprintf("--max-memory %q: want a size of at least 64MB, such as 2GB or 1800MiB", sf.maxMemory))
	}
	debug.SetMemoryLimit(int64(n))
	return nil
}

// scanner builds the scanner the flags describe; reg is nil without links.
// embed puts each listing into its result (also when an index needs it).
func (sf *scanFlags) scanner(e *env, embed bool) (*scanner.Scanner, *links.Registry, error) {
	if err := sf.memoryLimit(); err != nil {
		return nil, nil, err
	}
	x, pack, err := sf.data.load()
	if err != nil {
		return nil, nil, err
	}
	reg, err := sf.links.registry(e)
	if err != nil {
		return nil, nil, err
	}
	cfg := scanner.Config{Extractor: x, Pack: pack, Workers: sf.workers, EmbedListing: sf.embed || embed, Log: e.log, TempDir: sf.tempDir, Batch: sf.batch}
	if reg != nil {
		cfg.Linker = reg
	}
	sc, err := scanner.New(cfg)
	if err != nil {
		if reg != nil {
			reg.Discard()
		}
		return nil, nil, err
	}
	return sc, reg, nil
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
	// Revised results of a streaming scan, folded into the file at close.
	rev       *os.File
	revW      *corpus.Writer
	positions []int
}

// revise keeps a revised result to replace the result at pos.
func (o *output) revise(pos int, r *corpus.Result) error {
	if o.rev == nil {
		f, err := os.CreateTemp(filepath.Dir(o.f.Name()), filepath.Base(o.final)+".revisions-*")
		if err != nil {
			return errs.E("write output", errs.IO, err)
		}
		o.rev, o.revW = f, corpus.NewWriter(f)
	}
	o.positions = append(o.positions, pos)
	return o.revW.Write(r)
}

// fold rewrites the output file with the revised results in place of the
// results they replace.
func (o *output) fold() error {
	defer func() {
		o.rev.Close()
		os.Remove(o.rev.Name())
	}()
	if err := o.revW.Flush(); err != nil {
		return err
	}
	if _, err := o.rev.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if _, err := o.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	dst, err := os.CreateTemp(filepath.Dir(o.f.Name()), filepath.Base(o.final)+".tmp-*")
	if err != nil {
		return err
	}
	if err := corpus.FoldRevisions(dst, o.f, o.rev, o.positions); err != nil {
		dst.Close()
		os.Remove(dst.Name())
		return err
	}
	o.f.Close()
	os.Remove(o.f.Name())
	o.f = dst
	return nil
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
	if o.rev != nil && !keep {
		o.rev.Close()
		os.Remove(o.rev.Name())
	}
	if o.rev != nil && keep {
		if err := o.fold(); err != nil {
			o.f.Close()
			os.Remove(o.f.Name())
			return errs.E("write output", errs.IO, err)
		}
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
