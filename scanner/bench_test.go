package scanner

import (
	"bytes"
	"context"
	"fmt"
	"github.com/redthread/redthread/internal/cputime"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redthread/redthread/corpus"
)

// synthetic builds n listings of about 2 KB from the dev set's texts, each
// made distinct, as one JSON Lines file.
func synthetic(tb testing.TB, n int) []byte {
	var base []*corpus.Listing
	for rec := range corpus.DevSet() {
		if rec.Err == nil {
			base = append(base, rec.Listing)
		}
	}
	var buf bytes.Buffer
	for i := 0; i < n; i++ {
		src := base[i%len(base)]
		l := *src
		l.ID = fmt.Sprintf("syn-%d", i)
		l.Fields = nil
		body := l.Body
		for len(body) < 2000 {
			body += "\n" + base[(i*7+len(body))%len(base)].Body
		}
		if len(body) > 2100 {
			cut := 2048
			for cut < len(body) && body[cut]&0xC0 == 0x80 {
				cut++
			}
			body = body[:cut]
		}
		l.Body = body + fmt.Sprintf(" ref %d", i)
		b, err := corpus.MarshalJSONLine(&l)
		if err != nil {
			tb.Fatal(err)
		}
		buf.Write(b)
	}
	return buf.Bytes()
}

var (
	synOnce sync.Once
	synPath string
	synN    = 100_000 // overridden by -synthetic
)

func syntheticFile(b *testing.B) string {
	synOnce.Do(func() {
		dir, err := os.MkdirTemp("", "redthread-bench")
		if err != nil {
			b.Fatal(err)
		}
		synPath = filepath.Join(dir, "synthetic.jsonl")
		if err := os.WriteFile(synPath, synthetic(b, synN), 0o644); err != nil {
			b.Fatal(err)
		}
	})
	return synPath
}

// BenchmarkDecodeSynthetic100k is the cost of reading and decoding the
// JSON alone: the yardstick the scan is compared with.
func BenchmarkDecodeSynthetic100k(b *testing.B) {
	path := syntheticFile(b)
	b.ResetTimer()
	cpu0 := cputime.Process()
	total := 0
	for i := 0; i < b.N; i++ {
		for rec := range corpus.Read(context.Background(), path, nil, corpus.Options{}) {
			if rec.Err != nil {
				b.Fatal(rec.Err)
			}
			total++
		}
	}
	reportRates(b, total, cputime.Process()-cpu0)
}

// BenchmarkScanSynthetic100k scans 100k 2 KB listings on one worker (one
// core), text only, encoding the results as JSON Lines.
func BenchmarkScanSynthetic100k(b *testing.B) {
	benchScan(b, func() func(func(corpus.Record) bool) {
		return func(yield func(corpus.Record) bool) {
			for rec := range corpus.Read(context.Background(), syntheticFile(b), nil, corpus.Options{}) {
				if !yield(rec) {
					return
				}
			}
		}
	}, 1)
}

// BenchmarkScanDevSet scans the dev set on one worker.
func BenchmarkScanDevSet(b *testing.B) {
	benchScan(b, func() func(func(corpus.Record) bool) { return corpus.DevSet() }, 1)
}

// BenchmarkScanSynthetic100kAllCores is the same scan on every core.
func BenchmarkScanSynthetic100kAllCores(b *testing.B) {
	benchScan(b, func() func(func(corpus.Record) bool) {
		return func(yield func(corpus.Record) bool) {
			for rec := range corpus.Read(context.Background(), syntheticFile(b), nil, corpus.Options{}) {
				if !yield(rec) {
					return
				}
			}
		}
	}, 0)
}

func benchScan(b *testing.B, in func() func(func(corpus.Record) bool), workers int) {
	s := newTestScanner(b, nil)
	s.cfg.Workers = workers
	if workers == 0 {
		s.cfg.Workers = 2
	}
	if strings.Contains(b.Name(), "Synthetic") {
		syntheticFile(b)
	}
	b.ResetTimer()
	cpu0 := cputime.Process()
	total := 0
	for i := 0; i < b.N; i++ {
		var out countingWriter // results are encoded, not kept: a real scan writes them out
		w := corpus.NewWriter(&out)
		sum, err := s.Scan(context.Background(), in(), func(r *corpus.Result) error { return w.Write(r) })
		if err != nil {
			b.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
		if sum.Scanned > 0 && out == 0 {
			b.Fatal("no results written")
		}
		total += sum.Scanned
	}
	reportRates(b, total, cputime.Process()-cpu0)
}

// countingWriter discards what is written and counts the bytes.
type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}

// reportRates reports wall-clock throughput (listings/s) and, because the
// wall clock means little on a shared machine, the CPU cost: CPU time of the
// whole process (every thread, garbage collector included) per listing, and
// its inverse, listings per CPU-second, the throughput of one core.
func reportRates(b *testing.B, listings int, cpu time.Duration) {
	if listings == 0 {
		return
	}
	b.ReportMetric(float64(listings)/b.Elapsed().Seconds(), "listings/s")
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/float64(listings), "cpu-µs/listing")
		b.ReportMetric(float64(listings)/cpu.Seconds(), "listings/cpu-s")
	}
}

func init() {
	if v := os.Getenv("REDTHREAD_BENCH_N"); v != "" {
		fmt.Sscan(v, &synN)
	}
}
