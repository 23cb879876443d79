package stats

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/redthread/redthread/corpus"
)

var benchLines = flag.Int("bench-lines", 100_000, "result lines in the file BenchmarkAggregateFiles reads")

// synthResults returns a function that yields n synthetic results built
// from the test input, each with its own ID, a week among 52, and every
// tenth linked to the next, so networks form.
func synthResults(tb testing.TB, n int) func(yield func(*corpus.Result) bool) {
	base := readTestResults(tb)
	var pool []*corpus.Result
	for w := range 52 {
		for _, r := range base {
			c := *r
			c.Indicators = nil
			for _, h := range r.Indicators {
				h.Linked = nil
				c.Indicators = append(c.Indicators, h)
			}
			if r.Listing != nil {
				l := *r.Listing
				l.PostedAt = fmt.Sprintf("2026-%02d-%02dT10:00:00Z", 1+w/5, 1+w%5*5)
				c.Listing = &l
			}
			pool = append(pool, &c)
		}
	}
	ids := make([]string, n+1)
	for i := range ids {
		ids[i] = fmt.Sprintf("syn-%d", i)
	}
	return func(yield func(*corpus.Result) bool) {
		for i := range n {
			r := *pool[i%len(pool)]
			r.ID = ids[i]
			if i%10 == 0 {
				r.Indicators = append(r.Indicators[:len(r.Indicators):len(r.Indicators)], corpus.Hit{ID: "network.shared_contact", Linked: ids[i+1 : i+2]})
			}
			if !yield(&r) {
				return
			}
		}
	}
}

// BenchmarkAggregate1M counts 1M decoded results and builds the report.
func BenchmarkAggregate1M(b *testing.B) {
	const n = 1_000_000
	seq := synthResults(b, n)
	b.ResetTimer()
	for range b.N {
		a := NewAggregator()
		a.AddAll(seq)
		a.Report(Meta{})
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "results/s")
}

// BenchmarkAggregateFiles reads, decodes and counts a JSON Lines file of
// scan results with embedded listings (about 2 KB a line) on every core:
// what redthread stats does.
func BenchmarkAggregateFiles(b *testing.B) {
	path := filepath.Join(b.TempDir(), "results.jsonl")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	var size int64
	for r := range synthResults(b, *benchLines) {
		line, err := corpus.MarshalJSONLine(r)
		if err != nil {
			b.Fatal(err)
		}
		w.Write(line)
		size += int64(len(line))
	}
	w.Flush()
	f.Close()
	b.SetBytes(size)
	b.ResetTimer()
	for range b.N {
		a, sum, err := AggregateFiles(context.Background(), []string{path}, FileOptions{})
		if err != nil || sum.Results != int64(*benchLines) {
			b.Fatal(err, sum)
		}
		a.Report(Meta{})
	}
	b.ReportMetric(float64(*benchLines)*float64(b.N)/b.Elapsed().Seconds(), "results/s")
}
