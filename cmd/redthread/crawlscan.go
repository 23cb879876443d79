package main

import (
	"context"

	"github.com/redthread/redthread/corpus"
)

func init() { newCrawlSink = scanCrawlSink }

// scanCrawlSink scans listings as the crawler finds them (crawl --scan,
// --index): a scanner runs beside the crawl, fed through a channel, and
// results go to the output and, with --index, into the index.
func scanCrawlSink(ctx context.Context, e *env, opt crawlSinkOptions) (*crawlSink, error) {
	sf := opt.Flags
	if sf == nil {
		sf = &scanFlags{batch: 512}
	}
	// The scanner is the one `scan` builds from the same flags. Listings
	// are linked with each other (shared contacts, photos fetched with
	// --images, text templates) as they come, batch by batch; results of
	// earlier batches that later listings link to are written again at the
	// end as revisions.
	sc, reg, err := sf.scanner(e, opt.IndexDir != "")
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
		OnImage: func(listingID, url string, data []byte) {
			if reg != nil {
				reg.HoldImage(url, data)
			}
		},
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
			if reg != nil {
				if err == nil {
					err = reg.Close()
				} else {
					reg.Discard()
				}
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
	embed := opt.Flags != nil && opt.Flags.embed
	emit = func(r *corpus.Result) error {
		if toIndex != nil {
			if err := toIndex(r); err != nil {
				return err
			}
			if !embed {
				r.Listing = nil // the index needs the listing; the output only when asked
			}
		}
		if opt.Scan {
			if err := w.Write(r); err != nil {
				return err
			}
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
