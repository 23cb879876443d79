package main

import (
	"context"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/scanner"
)

func init() { newCrawlSink = scanCrawlSink }

// scanCrawlSink scans listings as the crawler finds them (crawl --scan,
// --index): a scanner runs beside the crawl, fed through a channel, and
// results go to the output and, with --index, into the index.
func scanCrawlSink(ctx context.Context, e *env, opt crawlSinkOptions) (*crawlSink, error) {
	var d dataFlags
	x, pack, err := d.load()
	if err != nil {
		return nil, err
	}
	// Listings are linked with each other (shared contacts, photos fetched
	// with --images, text templates) in memory; the results come out when
	// the crawl ends, because linking needs the whole batch.
	var lf linkFlags
	reg, err := lf.registry(e)
	if err != nil {
		return nil, err
	}
	sc, err := scanner.New(scanner.Config{Extractor: x, Pack: pack, EmbedListing: opt.IndexDir != "", Linker: reg, Log: e.log})
	if err != nil {
		return nil, err
	}
	emitResult, closeResults, err := resultSink(ctx, e, opt)
	if err != nil {
		return nil, err
	}
	listings := make(chan *corpus.Listing, 256)
	done := make(chan error, 1)
	go func() {
		in := func(yield func(corpus.Record) bool) {
			for l := range listings {
				if !yield(corpus.Record{Listing: l, Path: l.URL}) {
					for range listings { // drain so the crawler never blocks
					}
					return
				}
			}
		}
		sum, err := sc.Scan(ctx, in, emitResult)
		e.log.Info("crawl scan", "summary", sum.String())
		done <- err
	}()
	return &crawlSink{
		OnImage: func(listingID, url string, data []byte) { reg.HoldImage(url, data) },
		Emit: func(l *corpus.Listing) error {
			select {
			case listings <- l:
				return nil
			case err := <-done:
				done <- err
				return err
			case <-ctx.Done():
				return ctx.Err()
			}
		},
		Close: func() error {
			close(listings)
			err := <-done
			if err == nil {
				err = reg.Close()
			} else {
				reg.Discard()
			}
			if cerr := closeResults(); err == nil {
				err = cerr
			}
			return err
		},
	}, nil
}

// resultSink returns where crawl-scan results go: JSON Lines on opt.Out
// when scanning, and the index when one is named.
func resultSink(ctx context.Context, e *env, opt crawlSinkOptions) (emit func(*corpus.Result) error, close func() error, err error) {
	w := corpus.NewWriter(opt.Out)
	var toIndex func(*corpus.Result) error
	closeIndex := func() error { return nil }
	if opt.IndexDir != "" {
		if toIndex, closeIndex, err = openIndexWriter(ctx, e, opt.IndexDir); err != nil {
			return nil, nil, err
		}
	}
	emit = func(r *corpus.Result) error {
		if opt.Scan {
			if err := w.Write(r); err != nil {
				return err
			}
		}
		if toIndex != nil {
			return toIndex(r)
		}
		return nil
	}
	close = func() error {
		err := w.Flush()
		if cerr := closeIndex(); err == nil {
			err = cerr
		}
		return err
	}
	return emit, close, nil
}
