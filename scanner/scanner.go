// Package scanner runs redthread's pipeline: it reads listings, extracts
// their features on every core, lets the link registry see the whole batch,
// evaluates the rule pack and writes results in input order.
package scanner

import (
	"context"
	"fmt"
	"iter"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/errs"
	"github.com/redthread/redthread/indicators"
	"github.com/redthread/redthread/rules"
)

// Linker connects listings across the scan (shared contacts, reused photos,
// text templates). Prepare runs concurrently, once per listing, for
// per-listing work such as photo hashing; Add runs serially for every
// listing of the batch in input order; Link runs after all Adds and fills
// the listing's link features and evidence.
type Linker interface {
	Prepare(ctx context.Context, l *corpus.Listing, f *indicators.Features)
	Add(l *corpus.Listing, f *indicators.Features)
	Link(l *corpus.Listing, f *indicators.Features)
}

// Config wires a Scanner.
type Config struct {
	Extractor    *indicators.Extractor
	Pack         *rules.Pack
	Linker       Linker // nil: no cross-listing indicators
	Workers      int    // 0: one per core
	EmbedListing bool   // put each listing into its result (for indexing)
	Log          *slog.Logger
}

// Scanner scans listings. Build one with New and reuse it.
type Scanner struct {
	cfg Config
}

// New checks cfg and returns a Scanner.
func New(cfg Config) (*Scanner, error) {
	if cfg.Extractor == nil || cfg.Pack == nil {
		return nil, errs.E("new scanner", errs.Internal, "extractor and rule pack are required")
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Scanner{cfg: cfg}, nil
}

// Summary counts what a scan did.
type Summary struct {
	Read     int            // records read, good and bad
	Scanned  int            // listings scanned
	Skipped  int            // records skipped for errors
	Levels   map[string]int // results by level
	Duration time.Duration
	Errors   []error // the first skipped records' errors

	// PhotoErrors counts photos that could not be read or hashed (each
	// result names its own in photos[].error and warnings).
	PhotoErrors int
}

// String is the one-line summary printed on stderr.
func (s Summary) String() string {
	rate := 0.0
	if s.Duration > 0 {
		rate = float64(s.Scanned) / s.Duration.Seconds()
	}
	out := fmt.Sprintf("scanned %d listings in %.2fs (%.0f/s): %d high, %d medium, %d low; %d skipped",
		s.Scanned, s.Duration.Seconds(), rate, s.Levels[corpus.LevelHigh], s.Levels[corpus.LevelMedium], s.Levels[corpus.LevelLow], s.Skipped)
	if s.PhotoErrors > 0 {
		out += fmt.Sprintf("; %d photos unreadable", s.PhotoErrors)
	}
	return out
}

// maxKeptErrors bounds Summary.Errors.
const maxKeptErrors = 100

// chunk is how many listings are extracted together.
const chunk = 512

type item struct {
	l   *corpus.Listing
	f   *indicators.Features
	res *corpus.Result
	err error
}

// Scan reads every record of in, scans the listings and calls emit with
// each result in input order. Bad records are logged, counted and skipped;
// the scan goes on. Scan stops at the first emit error or when ctx ends.
func (s *Scanner) Scan(ctx context.Context, in iter.Seq[corpus.Record], emit func(*corpus.Result) error) (Summary, error) {
	start := time.Now()
	sum := Summary{Levels: map[string]int{}}
	var held []item // with a linker, the whole batch waits for linking
	batch := make([]item, 0, chunk)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		s.parallel(ctx, batch, func(it *item, ev *rules.Evaluator) { s.extract(ctx, it, ev) })
		if s.cfg.Linker != nil {
			held = append(held, batch...)
			batch = make([]item, 0, chunk)
			return nil
		}
		s.parallel(ctx, batch, s.evaluate)
		err := s.emitAll(batch, &sum, emit)
		batch = batch[:0]
		return err
	}
	for rec := range in {
		sum.Read++
		if rec.Err != nil {
			if errs.KindOf(rec.Err) == errs.IO && rec.Line == 0 || ctx.Err() != nil {
				// The whole input failed: count it and go on to the next input.
				s.cfg.Log.Error("input unreadable", "err", rec.Err)
			} else {
				s.cfg.Log.Warn("skipped", "err", rec.Err)
			}
			sum.Skipped++
			if len(sum.Errors) < maxKeptErrors {
				sum.Errors = append(sum.Errors, rec.Err)
			}
			continue
		}
		batch = append(batch, item{l: rec.Listing})
		if len(batch) == chunk {
			if err := flush(); err != nil {
				return s.done(sum, start), err
			}
		}
		if ctx.Err() != nil {
			return s.done(sum, start), errs.E("scan", errs.IO, ctx.Err())
		}
	}
	if err := flush(); err != nil {
		return s.done(sum, start), err
	}
	if s.cfg.Linker != nil && len(held) > 0 {
		for _, it := range held {
			s.cfg.Linker.Add(it.l, it.f)
		}
		s.parallel(ctx, held, func(it *item, ev *rules.Evaluator) {
			s.cfg.Linker.Link(it.l, it.f)
			s.evaluate(it, ev)
		})
		if err := s.emitAll(held, &sum, emit); err != nil {
			return s.done(sum, start), err
		}
	}
	return s.done(sum, start), ctx.Err()
}

func (s *Scanner) done(sum Summary, start time.Time) Summary {
	sum.Duration = time.Since(start)
	return sum
}

func (s *Scanner) emitAll(items []item, sum *Summary, emit func(*corpus.Result) error) error {
	for i := range items {
		it := &items[i]
		if it.err != nil {
			s.cfg.Log.Warn("skipped", "id", it.l.ID, "err", it.err)
			sum.Skipped++
			if len(sum.Errors) < maxKeptErrors {
				sum.Errors = append(sum.Errors, it.err)
			}
			continue
		}
		sum.Scanned++
		sum.Levels[it.res.Level]++
		for _, p := range it.res.Photos {
			if p.Error != "" {
				sum.PhotoErrors++
			}
		}
		if err := emit(it.res); err != nil {
			return errs.E("write result", errs.IO, err)
		}
		items[i] = item{} // let the listing go
	}
	return nil
}

// parallel runs fn over items on the configured workers, each with its own
// rule evaluator.
func (s *Scanner) parallel(ctx context.Context, items []item, fn func(*item, *rules.Evaluator)) {
	workers := min(s.cfg.Workers, len(items))
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ev := s.cfg.Pack.NewEvaluator()
			for {
				mu.Lock()
				i := next
				next += 16
				mu.Unlock()
				if i >= len(items) || ctx.Err() != nil {
					return
				}
				for j := i; j < min(i+16, len(items)); j++ {
					fn(&items[j], ev)
				}
			}
		}()
	}
	wg.Wait()
}

// extract prepares a listing and computes its features.
func (s *Scanner) extract(ctx context.Context, it *item, _ *rules.Evaluator) {
	l := it.l
	if l.Body == "" && l.HTML != "" {
		l.Body = corpus.TextFromHTML(l.HTML)
		if l.Body == "" {
			it.err = errs.E("scan "+l.ID, errs.Invalid, "html has no visible text")
			return
		}
	}
	l.EnsureID()
	it.f = s.cfg.Extractor.Extract(l)
	if s.cfg.Linker != nil {
		s.cfg.Linker.Prepare(ctx, l, it.f)
	}
}

// evaluate scores a listing and builds its result.
func (s *Scanner) evaluate(it *item, ev *rules.Evaluator) {
	if it.err != nil || it.f == nil {
		return
	}
	sc, err := ev.Evaluate(it.f)
	if err != nil {
		it.err = errs.E("scan "+it.l.ID, errs.Internal, err)
		return
	}
	f := it.f
	r := &corpus.Result{
		ID: it.l.ID, Kind: f.Kind, Score: sc.Score, Level: sc.Level, Language: f.Language,
		Indicators: sc.Hits, Contacts: f.Out.Contacts,
		Entities: corpus.Entities{Names: f.Out.Names, Ages: f.Out.Ages},
		Photos:   f.Out.Photos, Pay: f.Out.Pay, RulePack: s.cfg.Pack.Version, Warnings: f.Out.Warnings,
		Region: f.Out.Region,
	}
	if r.Indicators == nil {
		r.Indicators = []corpus.Hit{}
	}
	if r.Contacts == nil {
		r.Contacts = []corpus.Contact{}
	}
	if r.Entities.Names == nil {
		r.Entities.Names = []string{}
	}
	if r.Entities.Ages == nil {
		r.Entities.Ages = []int{}
	}
	if s.cfg.EmbedListing {
		r.Listing = it.l
	}
	it.res = r
	it.f = nil
}
