package scanner

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/internal/cputime"
	"github.com/redthread/redthread/internal/synth"
	"github.com/redthread/redthread/links"
)

// linkedN is the size of BenchmarkScanLinked's input
// (REDTHREAD_BENCH_LINKED_N; the README's figures use 1,000,000).
var linkedN = benchSize("REDTHREAD_BENCH_LINKED_N", 100_000)

// BenchmarkScanLinked scans the same synthetic file of 2 KB listings (20%
// in repost families spread over the whole input: shared phone,
// near-identical text) without links and with links (streaming, with
// revisions), on every core, and reports both throughputs, their ratio,
// the process's peak RSS, the link registry's heap per listing and how
// many results were revised.
func BenchmarkScanLinked(b *testing.B) {
	dir := b.TempDir()
	path := filepath.Join(dir, "linked.jsonl")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	base := devBase(b)
	if err := synth.Write(f, base, synth.Options{N: linkedN, Seed: 1, Family: 0.2}); err != nil {
		b.Fatal(err)
	}
	f.Close()
	// The wall clock means little on a shared machine: each scan's CPU time
	// (the whole process: every worker, the garbage collector) is reported
	// too, and the ratio of CPU costs is what a quiet machine would show.
	scan := func(s *Scanner) (Summary, time.Duration, time.Duration) {
		var out countingWriter
		w := corpus.NewWriter(&out)
		c0 := cputime.Process()
		t0 := time.Now()
		sum, err := s.Scan(context.Background(), readFile(path), func(r *corpus.Result) error { return w.Write(r) })
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			b.Fatal(err)
		}
		if sum.Scanned != linkedN {
			b.Fatalf("scanned %d of %d", sum.Scanned, linkedN)
		}
		return sum, time.Since(t0), cputime.Process() - c0
	}
	b.ResetTimer()
	for range b.N {
		plain := newTestScanner(b, nil)
		_, dPlain, cPlain := scan(plain)

		runtime.GC()
		var m0 runtime.MemStats
		runtime.ReadMemStats(&m0)
		reg, err := links.New(links.Config{})
		if err != nil {
			b.Fatal(err)
		}
		linked := newTestScanner(b, reg)
		linked.cfg.TempDir = dir
		sum, dLinked, cLinked := scan(linked)
		runtime.GC()
		var m1 runtime.MemStats
		runtime.ReadMemStats(&m1)
		runtime.KeepAlive(reg)

		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		b.ReportMetric(float64(linkedN)/dPlain.Seconds(), "unlinked-listings/s")
		b.ReportMetric(float64(linkedN)/dLinked.Seconds(), "linked-listings/s")
		b.ReportMetric(dPlain.Seconds()/dLinked.Seconds(), "linked/unlinked")
		b.ReportMetric(float64(cPlain.Microseconds())/float64(linkedN), "unlinked-cpu-µs/listing")
		b.ReportMetric(float64(cLinked.Microseconds())/float64(linkedN), "linked-cpu-µs/listing")
		b.ReportMetric(cPlain.Seconds()/cLinked.Seconds(), "linked/unlinked-cpu")
		b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MB")
		b.ReportMetric(float64(int64(m1.HeapInuse)-int64(m0.HeapInuse))/float64(linkedN), "registry-B/listing")
		b.ReportMetric(float64(sum.Revised), "revised")
	}
}
