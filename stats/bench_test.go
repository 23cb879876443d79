package stats

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/redthread/redthread/corpus"
)

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

// lineSource serves n JSON lines made from templates, each with its own
// ID, without holding them in memory: a 2 GB input for the cost of a copy.
type lineSource struct {
	templates [][]byte // each line without its leading {"id":"...",
	n, i      int
	buf       []byte
	off       int
}

func (s *lineSource) Read(p []byte) (int, error) {
	for s.off == len(s.buf) {
		if s.i == s.n {
			return 0, io.EOF
		}
		s.buf = fmt.Appendf(s.buf[:0], `{"id":"syn-%d",`, s.i)
		s.buf = append(s.buf, s.templates[s.i%len(s.templates)]...)
		s.off = 0
		s.i++
	}
	n := copy(p, s.buf[s.off:])
	s.off += n
	return n, nil
}

// BenchmarkAggregateFiles1M reads, decodes and counts 1M scan results with
// embedded listings (about 2 KB a line, 2 GB in all) on every core: what
// redthread stats does with a file.
func BenchmarkAggregateFiles1M(b *testing.B) {
	const n = 1_000_000
	var templates [][]byte
	var size int64
	for r := range synthResults(b, 16744) {
		line, err := corpus.MarshalJSONLine(r)
		if err != nil {
			b.Fatal(err)
		}
		_, rest, ok := bytes.Cut(line, []byte(`",`))
		if !ok || !bytes.HasPrefix(line, []byte(`{"id":"`)) {
			b.Fatalf("unexpected line %.40q", line)
		}
		templates = append(templates, rest)
		size += int64(len(line))
	}
	b.SetBytes(size * n / int64(len(templates)))
	b.ResetTimer()
	for range b.N {
		src := &lineSource{templates: templates, n: n}
		a, sum, err := AggregateFiles(context.Background(), []string{"-"}, FileOptions{Stdin: src})
		if err != nil || sum.Results != n {
			b.Fatal(err, sum)
		}
		a.Report(Meta{})
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "results/s")
}
