package scanner

import (
	"context"
	"strings"
	"testing"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/indicators"
	"github.com/redthread/redthread/links"
)

// panicky is a registry whose Prepare panics on one listing.
type panicky struct {
	*links.Registry
	id string
}

func (p panicky) Prepare(ctx context.Context, l *corpus.Listing, f *indicators.Features) {
	if l.ID == p.id {
		panic("extractor bug")
	}
	p.Registry.Prepare(ctx, l, f)
}

// TestPanicSkipsListing: a listing that panics the pipeline is skipped
// and reported with the panic, like a malformed one; the scan goes on.
func TestPanicSkipsListing(t *testing.T) {
	reg, err := links.New(links.Config{})
	if err != nil {
		t.Fatal(err)
	}
	s := newTestScanner(t, panicky{reg, "b"})
	s.cfg.TempDir = t.TempDir()
	var ids []string
	seq := func(yield func(corpus.Record) bool) {
		for _, id := range []string{"a", "b", "c"} {
			if !yield(corpus.Record{Listing: &corpus.Listing{ID: id, Body: "Waitress wanted, call +44 7700 900111"}}) {
				return
			}
		}
	}
	sum, err := s.Scan(context.Background(), seq, func(r *corpus.Result) error {
		if !r.Revised {
			ids = append(ids, r.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(ids, ",") != "a,c" || sum.Skipped != 1 || len(sum.Errors) != 1 || !strings.Contains(sum.Errors[0].Error(), "panic: extractor bug") {
		t.Errorf("results %v, summary %+v", ids, sum)
	}
}

// TestCancelMidBatch: a scan whose context ends while a batch is being
// scanned returns the context's error instead of emitting what it did not
// scan.
func TestCancelMidBatch(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	reg, err := links.New(links.Config{})
	if err != nil {
		t.Fatal(err)
	}
	s := newTestScanner(t, cancelling{reg, cancel})
	s.cfg.TempDir = t.TempDir()
	s.cfg.Workers = 1
	seq := func(yield func(corpus.Record) bool) {
		for i := range 64 {
			if !yield(corpus.Record{Listing: &corpus.Listing{ID: string(rune('a' + i%26)), Body: "Waitress wanted"}}) {
				return
			}
		}
	}
	n := 0
	_, err = s.Scan(ctx, seq, func(*corpus.Result) error { n++; return nil })
	if err == nil || n != 0 {
		t.Errorf("err %v after %d results, want the context's error and none", err, n)
	}
}

// cancelling cancels the scan's context when the first listing is
// prepared.
type cancelling struct {
	*links.Registry
	cancel context.CancelFunc
}

func (c cancelling) Prepare(ctx context.Context, l *corpus.Listing, f *indicators.Features) {
	c.cancel()
	c.Registry.Prepare(ctx, l, f)
}
