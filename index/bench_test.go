package index

import (
	"context"
	"github.com/redthread/redthread/internal/cputime"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// benchN is the number of listings the benchmarks index: 100,000, or
// REDTHREAD_BENCH_N.
func benchN() int {
	if n, err := strconv.Atoi(os.Getenv("REDTHREAD_BENCH_N")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

// BenchmarkIndex measures indexing throughput: each iteration indexes
// benchN synthetic results into a fresh index, in batches of BatchSize,
// with the garbage collector set as `redthread index` sets it (GOGC 400).
func BenchmarkIndex(b *testing.B) {
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	n := benchN()
	results := synthResults(n, 1)
	b.ResetTimer()
	var elapsed time.Duration
	cpu0 := cputime.Process()
	for range b.N {
		b.StopTimer()
		x, err := Open(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		for i := 0; i < n; i += BatchSize {
			if err := x.Put(results[i:min(i+BatchSize, n)]); err != nil {
				b.Fatal(err)
			}
		}
		elapsed += time.Since(start)
		b.StopTimer()
		x.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/elapsed.Seconds(), "listings/s")
	// On a shared machine wall time depends on the neighbours; CPU time
	// does not: listings per CPU-second times the cores is the rate an
	// idle machine reaches at best.
	b.ReportMetric(float64(n*b.N)/(cputime.Process()-cpu0).Seconds(), "listings/cpu-s")
}

var (
	benchOnce sync.Once
	benchIdx  *Index
	benchErr  error
)

func benchIndex(b *testing.B) *Index {
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "redthread-bench-")
		if err != nil {
			benchErr = err
			return
		}
		benchIdx, benchErr = Open(dir)
		if benchErr != nil {
			return
		}
		n := benchN()
		results := synthResults(n, 2)
		for i := 0; i < n; i += BatchSize {
			if benchErr = benchIdx.Put(results[i:min(i+BatchSize, n)]); benchErr != nil {
				return
			}
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchIdx
}

// BenchmarkSearch measures search latency over benchN listings with two
// facets and highlighting, on a mix of analyst queries, and reports the
// 50th and 95th percentiles. One iteration runs 50 searches.
func BenchmarkSearch(b *testing.B) {
	x := benchIndex(b)
	queries := []Request{
		{Query: `"new in town"`},
		{Query: `new in town`},
		{Query: `indicators:service.movement country:GR`},
		{Query: `+30 69 0000 1234`},
		{Query: `passport`, Sort: SortScore},
		{Query: `Spargelsaison`},
		{Query: `chica`},
		{Query: `работа`},
		{Query: `level:high kind:job`, Sort: SortDate},
		{Query: `kind:escort -country:GR`, Sort: SortScore},
	}
	ctx := context.Background()
	const rounds = 5 // each iteration runs every query this many times
	lat := make([]time.Duration, 0, b.N*rounds*len(queries))
	cpu := make([]time.Duration, 0, cap(lat))
	b.ResetTimer()
	for range b.N {
		for i := range rounds * len(queries) {
			req := queries[i%len(queries)]
			req.Facets = []string{FieldIndicators, FieldCountry}
			req.Highlight = true
			req.Size = 20
			x.facets.invalidate() // measure searches whose facets must be counted
			c0, start := cputime.Process(), time.Now()
			if _, err := x.Search(ctx, req); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(start))
			cpu = append(cpu, cputime.Process()-c0)
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	slices.Sort(cpu)
	pct := func(d []time.Duration, p float64) float64 {
		return float64(d[min(int(float64(len(d))*p), len(d)-1)].Microseconds()) / 1000
	}
	b.ReportMetric(pct(lat, 0.50), "p50-ms")
	b.ReportMetric(pct(lat, 0.95), "p95-ms")
	// CPU time per search does not depend on the machine's other load;
	// a search runs on one core, so on an idle machine latency is close
	// to it.
	b.ReportMetric(pct(cpu, 0.50), "p50-cpu-ms")
	b.ReportMetric(pct(cpu, 0.95), "p95-cpu-ms")
}

// BenchmarkBrowseAll measures the landing page: every listing, by score,
// with two facets, first with the facets counted (cold), then from the
// facet cache (warm, as when paging).
func BenchmarkBrowseAll(b *testing.B) {
	x := benchIndex(b)
	ctx := context.Background()
	req := Request{Sort: SortScore, Facets: []string{FieldIndicators, FieldCountry}, Highlight: true, Size: 20}
	var cold, warm time.Duration
	b.ResetTimer()
	for range b.N {
		x.facets.invalidate()
		start := time.Now()
		if _, err := x.Search(ctx, req); err != nil {
			b.Fatal(err)
		}
		cold += time.Since(start)
		start = time.Now()
		req.From = 20
		if _, err := x.Search(ctx, req); err != nil {
			b.Fatal(err)
		}
		req.From = 0
		warm += time.Since(start)
	}
	b.ReportMetric(float64(cold.Microseconds())/1000/float64(b.N), "cold-ms")
	b.ReportMetric(float64(warm.Microseconds())/1000/float64(b.N), "warm-ms")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchIdx != nil {
		benchIdx.Close()
		os.RemoveAll(benchIdx.Dir())
	}
	os.Exit(code)
}

// BenchmarkMatchAll measures the queries that used to read every word of
// the index ("*", "body:*", "* *"), over benchN listings, with the default
// facets counted (cold) and highlighting, as the web app asks: each must
// be a browse. It reports milliseconds and megabytes allocated per query.
func BenchmarkMatchAll(b *testing.B) {
	x := benchIndex(b)
	ctx := context.Background()
	for _, c := range []struct{ name, q, sort string }{
		{"star", "*", ""}, {"star-by-date", "*", SortDate}, {"body-star", "body:*", ""}, {"star-star", "* *", ""},
	} {
		b.Run(c.name, func(b *testing.B) {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			alloc0, cpu0 := ms.TotalAlloc, cputime.Process()
			var elapsed time.Duration
			for range b.N {
				x.facets.invalidate()
				start := time.Now()
				res, err := x.Search(ctx, Request{Query: c.q, Sort: c.sort, Highlight: true, Size: 20})
				elapsed += time.Since(start)
				if err != nil || res.Total != uint64(benchN()) {
					b.Fatalf("%v, %d results", err, res.Total)
				}
			}
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(elapsed.Microseconds())/1000/float64(b.N), "ms/query")
			b.ReportMetric(float64((cputime.Process()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/query")
			b.ReportMetric(float64(ms.TotalAlloc-alloc0)/(1<<20)/float64(b.N), "MB-alloc/query")
			b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "MB-heap-after")
		})
	}
}
