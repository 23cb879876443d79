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
	"strings"
	"sync"
	"time"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/errs"
	"github.com/redthread/redthread/indicators"
	"github.com/redthread/redthread/rules"
)

// Linker connects listings across the scan (shared contacts, reused photos,
// text templates). Prepare runs concurrently, once per listing, for
// per-listing work such as photo hashing; Add runs serially, in input
// order, for every listing of a batch and returns the listing's ordinal;
// Link runs after the batch's Adds and fills the listing's link features
// and evidence against every listing added so far.
//
// Results are written batch by batch, so a listing's links to listings
// later in the input are not known when it is written. Stale returns, once
// the input has ended, the listings whose links changed after they were
// linked, and Relink links each of them again, against everything: the
// scanner writes their results again as revisions (Result.Revised), and
// the final results equal those of a scan that held the whole input.
type Linker interface {
	Prepare(ctx context.Context, l *corpus.Listing, f *indicators.Features)
	Add(l *corpus.Listing, f *indicators.Features) uint32
	Link(l *corpus.Listing, f *indicators.Features)
	Stale() []uint32
	Relink(ctx context.Context, l *corpus.Listing, f *indicators.Features, ord uint32)
}

// Config wires a Scanner.
type Config struct {
	Extractor    *indicators.Extractor
	Pack         *rules.Pack
	Linker       Linker // nil: no cross-listing indicators
	Workers      int    // 0: one per core
	EmbedListing bool   // put each listing into its result (for indexing)
	Log          *slog.Logger
	// Batch is how many listings are extracted, linked and written
	// together (0: 512).
	Batch int
	// TempDir holds the listing spool of a linked scan ("" : the system's).
	TempDir string
	// Revise receives the revised result of a listing whose links changed
	// after its result was emitted, with pos, the 0-based position of that
	// earlier result among the emitted ones. nil: revisions go to emit,
	// after every other result, with Revised set.
	Revise func(pos int, r *corpus.Result) error
	// Scored, when set, is called with each listing and its score, in the
	// order results are emitted (revised ones again, at the end), before
	// its result: for measurements (eval, rules fit) that need more than
	// the result.
	Scored func(l *corpus.Listing, s rules.Scored)
	// Progress, when set, is called after every batch with the records
	// read so far.
	Progress func(Summary)
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
	if cfg.Batch <= 0 {
		cfg.Batch = defaultBatch
	}
	return &Scanner{cfg: cfg}, nil
}

// SetRevise sets Config.Revise.
func (s *Scanner) SetRevise(fn func(pos int, r *corpus.Result) error) { s.cfg.Revise = fn }

// SetScored sets Config.Scored.
func (s *Scanner) SetScored(fn func(l *corpus.Listing, s rules.Scored)) { s.cfg.Scored = fn }

// Pack returns the rule pack the scanner scores with.
func (s *Scanner) Pack() *rules.Pack { return s.cfg.Pack }

// SetProgress sets Config.Progress.
func (s *Scanner) SetProgress(fn func(Summary)) { s.cfg.Progress = fn }

// Summary counts what a scan did.
type Summary struct {
	Read     int            // records read, good and bad
	Scanned  int            // listings scanned
	Skipped  int            // records skipped for errors
	Revised  int            // results written again because later listings linked to them
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
	rev := ""
	if s.Revised > 0 {
		rev = fmt.Sprintf("; %d revised by later links", s.Revised)
	}
	out := fmt.Sprintf("scanned %d listings in %.2fs (%.0f/s): %d high, %d medium, %d low; %d skipped%s",
		s.Scanned, s.Duration.Seconds(), rate, s.Levels[corpus.LevelHigh], s.Levels[corpus.LevelMedium], s.Levels[corpus.LevelLow], s.Skipped, rev)
	if s.PhotoErrors > 0 {
		out += fmt.Sprintf("; %d photos unreadable", s.PhotoErrors)
	}
	return out
}

// maxKeptErrors bounds Summary.Errors.
const maxKeptErrors = 100

// defaultBatch is how many listings are extracted, linked and written
// together.
const defaultBatch = 512

type item struct {
	l     *corpus.Listing
	f     *indicators.Features
	res   *corpus.Result
	err   error
	ord   uint32 // registry ordinal (linked scans)
	pos   int    // output position of the result it revises (relinking)
	level string // level of the result it revises (relinking)
	sc    rules.Scored
}

// Scan reads every record of in, scans the listings and calls emit with
// each result in input order, batch by batch, as it goes. With a Linker,
// results carry the links known when their batch was linked; at the end
// the listings whose links changed later are scanned again and their
// revised results go to Config.Revise (or emit). Bad records are logged,
// counted and skipped; the scan goes on. Scan stops at the first emit
// error or when ctx ends.
func (s *Scanner) Scan(ctx context.Context, in iter.Seq[corpus.Record], emit func(*corpus.Result) error) (Summary, error) {
	start := time.Now()
	sum := Summary{Levels: map[string]int{}}
	var sp *spool
	if s.cfg.Linker != nil {
		var err error
		if sp, err = newSpool(s.cfg.TempDir); err != nil {
			return s.done(sum, start), errs.E("scan", errs.IO, err)
		}
		defer sp.close()
	}
	batch := make([]item, 0, min(s.cfg.Batch, 4096))
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		s.parallel(ctx, batch, func(it *item, ev *rules.Evaluator) { s.extract(ctx, it, ev) })
		if lk := s.cfg.Linker; lk != nil {
			for i := range batch {
				if it := &batch[i]; it.err == nil && it.f != nil {
					it.ord = lk.Add(it.l, it.f)
				}
			}
			s.parallel(ctx, batch, func(it *item, ev *rules.Evaluator) {
				if it.err == nil && it.f != nil {
					lk.Link(it.l, it.f)
				}
				s.evaluate(it, ev)
			})
		} else {
			s.parallel(ctx, batch, s.evaluate)
		}
		if ctx.Err() != nil {
			// The workers stopped mid-batch: some listings were not scanned.
			return errs.E("scan", errs.IO, ctx.Err())
		}
		err := s.emitAll(batch, &sum, emit, sp)
		batch = batch[:0]
		if s.cfg.Progress != nil {
			s.cfg.Progress(s.done(sum, start))
		}
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
		if len(batch) == s.cfg.Batch {
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
	if ctx.Err() != nil {
		return s.done(sum, start), errs.E("scan", errs.IO, ctx.Err())
	}
	if sp != nil {
		if err := s.relink(ctx, sp, &sum, emit); err != nil {
			return s.done(sum, start), err
		}
	}
	return s.done(sum, start), ctx.Err()
}

// relink scans again the listings whose links changed after their results
// were emitted and emits the revised results, in input order.
func (s *Scanner) relink(ctx context.Context, sp *spool, sum *Summary, emit func(*corpus.Result) error) error {
	lk := s.cfg.Linker
	stale := lk.Stale()
	if len(stale) == 0 {
		return nil
	}
	s.cfg.Log.Debug("relinking listings whose links changed", "count", len(stale))
	batch := make([]item, 0, min(s.cfg.Batch, 4096))
	flush := func() error {
		s.parallel(ctx, batch, func(it *item, ev *rules.Evaluator) {
			s.features(it)
			if it.err != nil || it.f == nil {
				return
			}
			lk.Relink(ctx, it.l, it.f, it.ord)
			s.evaluate(it, ev)
		})
		for i := range batch {
			it := &batch[i]
			if it.err != nil || it.res == nil {
				continue // scanned before: it cannot fail now but for ctx
			}
			it.res.Revised = true
			if s.cfg.Scored != nil {
				s.cfg.Scored(it.l, it.sc)
			}
			var err error
			if s.cfg.Revise != nil {
				err = s.cfg.Revise(it.pos, it.res)
			} else {
				err = emit(it.res)
			}
			if err != nil {
				return errs.E("write result", errs.IO, err)
			}
			sum.Revised++
			sum.Levels[it.level]--
			sum.Levels[it.res.Level]++
		}
		batch = batch[:0]
		if s.cfg.Progress != nil {
			s.cfg.Progress(*sum)
		}
		return ctx.Err()
	}
	err := sp.each(stale, func(x spooled) error {
		batch = append(batch, item{l: x.l, ord: x.ord, pos: x.pos, level: x.level})
		if len(batch) == s.cfg.Batch {
			return flush()
		}
		return nil
	})
	if err == nil && len(batch) > 0 {
		err = flush()
	}
	if err != nil && errs.KindOf(err) == errs.Other {
		err = errs.E("scan", errs.IO, err)
	}
	return err
}

func (s *Scanner) done(sum Summary, start time.Time) Summary {
	sum.Duration = time.Since(start)
	return sum
}

func (s *Scanner) emitAll(items []item, sum *Summary, emit func(*corpus.Result) error, sp *spool) error {
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
		if sp != nil {
			// Before emit: an index writer may drop the embedded listing.
			if err := sp.put(it.ord, sum.Scanned, it.res.Level, it.l); err != nil {
				return errs.E("scan", errs.IO, err)
			}
		}
		sum.Scanned++
		sum.Levels[it.res.Level]++
		for _, p := range it.res.Photos {
			if p.Error != "" {
				sum.PhotoErrors++
			}
		}
		if s.cfg.Scored != nil {
			s.cfg.Scored(it.l, it.sc)
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
					s.guard(&items[j], ev, fn)
				}
			}
		}()
	}
	wg.Wait()
}

// guard runs fn on one item and turns a panic into that item's error, so
// a listing that crashes an extractor or the linker is skipped and
// reported like a malformed one, and the scan goes on ("no panics on
// input"; cluster workers retry such a listing, then dead-letter it).
func (s *Scanner) guard(it *item, ev *rules.Evaluator, fn func(*item, *rules.Evaluator)) {
	defer func() {
		if p := recover(); p != nil {
			id := ""
			if it.l != nil {
				id = it.l.ID
			}
			s.cfg.Log.Error("a listing crashed the scanner; skipped", "id", id, "panic", fmt.Sprint(p))
			it.err = errs.E("scan "+id, errs.Internal, fmt.Errorf("panic: %v", p))
			it.res, it.f = nil, nil
		}
	}()
	fn(it, ev)
}

// extract computes a listing's features and prepares it for linking.
func (s *Scanner) extract(ctx context.Context, it *item, _ *rules.Evaluator) {
	s.features(it)
	if it.err == nil && s.cfg.Linker != nil {
		s.cfg.Linker.Prepare(ctx, it.l, it.f)
	}
}

// features computes a listing's features.
func (s *Scanner) features(it *item) {
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
	if s.cfg.Scored != nil {
		it.sc = sc
	}
	r := &corpus.Result{
		ID: it.l.ID, Kind: f.Kind, Score: sc.Score, Level: sc.Level, Language: f.Language,
		Source: strings.TrimSpace(it.l.Source), Country: f.Country, PostedAt: strings.TrimSpace(it.l.PostedAt), URL: it.l.URL,
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
