package photohash

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// synthSet is a photo's Set as SetIndex stores it, from random bits: a whole-photo hash, its 7
// other orientations, 9 crop windows (40–60 bits from the whole photo, as real windows are) and
// 12 masked hashes (5–30 bits from it).
func synthSet(rng *rand.Rand) Set {
	g := randomHash(rng, AlgoPDQ)
	g.Quality = 100
	s := Set{Hashes: []Hash{g}}
	for _, r := range regions {
		h := flipBits(rng, g, 40+rng.IntN(21))
		h.Algo, h.Region = AlgoPDQRegion, r.name
		s.Hashes = append(s.Hashes, h)
	}
	for _, m := range masks {
		h := flipBits(rng, g, 5+rng.IntN(26))
		h.Algo, h.Region = AlgoPDQMask, m.name
		s.Hashes = append(s.Hashes, h)
	}
	return s
}

// withOrientations gives s 8 orientations (the 7 others random, as a photo's are), as a Set
// hashed from pixels has.
func withOrientations(rng *rand.Rand, s Set) Set {
	g, _ := s.Global(AlgoPDQ)
	o := &orientations{global: g, hashes: []Hash{g}}
	for range 7 {
		o.hashes = append(o.hashes, randomHash(rng, AlgoPDQ))
	}
	o.once.Do(func() {}) // computed
	s.orient = o
	return s
}

// nearCopy flips d bits in every hash of s (a re-encoded repost).
func nearCopy(rng *rand.Rand, s Set, d int) Set {
	out := Set{}
	for _, h := range s.Hashes {
		c := flipBits(rng, h, d)
		out.Hashes = append(out.Hashes, c)
	}
	return withOrientations(rng, out)
}

// benchLookup stores n synthetic photos in a SetIndex and times SearchSet — the whole lookup
// links does for one photo: 8 orientations, crops both ways, 12 masks — for 1,000 queries, each
// a near copy (8 bits) of a stored photo, at the search radii of links/params.yaml (whole photo
// 15, other orientations 15, crop windows 15, masks 15). Reports p50/p95 wall time per lookup,
// p50/p95 CPU time of the lookup's thread (what the lookup costs, whatever else the shared
// machine runs), the same over the lookups during which the thread was never switched out
// ("calm": on a loaded machine an interrupted lookup also pays for the caches its neighbours
// evicted) and the fraction that were, the work per lookup (posting lists probed, postings
// read, hashes compared in full), the live heap per stored photo and the peak RSS.
func benchLookup(b *testing.B, n int) {
	rng := rand.New(rand.NewPCG(12, uint64(n)))
	heap0 := liveHeap()
	ix := NewSetIndex()
	var stored []Set
	for i := range n {
		s := synthSet(rng)
		if err := ix.AddSet(uint32(i), s, 0); err != nil {
			b.Fatal(err)
		}
		if i%(n/1000) == 0 {
			stored = append(stored, s)
		}
	}
	th := Thresholds{PDQGlobal: 15, PDQDihedral: 15, PDQRegion: 15, PDQMask: 15}
	queries := make([]Set, 1000)
	for i := range queries {
		queries[i] = nearCopy(rng, stored[i%len(stored)], 8)
	}
	ix.SearchSet(queries[0], th) // build the posting lists outside the timer
	perPhoto := float64(liveHeap()-heap0) / float64(n)
	var lat, cpu, calm []time.Duration // calm: CPU of the lookups never switched out
	found := 0
	var st searchStats
	cpu0 := cpuTime()
	runtime.LockOSThread() // so that threadCPU measures this goroutine's lookups
	defer runtime.UnlockOSThread()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		q := queries[i%len(queries)]
		t0, c0, s0 := time.Now(), threadCPU(), threadSwitches()
		ms, err := ix.searchSet(q, th, &st) // SetIndex.SearchSet, counting
		c := threadCPU() - c0
		cpu = append(cpu, c)
		if threadSwitches() == s0 {
			calm = append(calm, c)
		}
		lat = append(lat, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		if len(ms) > 0 {
			found++
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	slices.Sort(cpu)
	slices.Sort(calm)
	pct := func(v []time.Duration, p float64) float64 {
		return float64(v[min(len(v)-1, int(p*float64(len(v))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(lat, 0.5), "p50-ms")
	b.ReportMetric(pct(lat, 0.95), "p95-ms")
	b.ReportMetric(pct(cpu, 0.5), "p50-cpu-ms")
	b.ReportMetric(pct(cpu, 0.95), "p95-cpu-ms")
	if len(calm) > 0 {
		b.ReportMetric(pct(calm, 0.5), "p50-calm-cpu-ms")
		b.ReportMetric(pct(calm, 0.95), "p95-calm-cpu-ms")
	}
	b.ReportMetric(1-float64(len(calm))/float64(len(cpu)), "switched-out")
	b.ReportMetric(float64(cpuTime()-cpu0)/1e6/float64(len(lat)), "cpu-ms/op")
	b.ReportMetric(float64(found)/float64(len(lat)), "found")
	b.ReportMetric(float64(st.compared)/float64(len(lat)), "compared/op")
	b.ReportMetric(float64(st.postings)/float64(len(lat)), "postings/op")
	b.ReportMetric(float64(st.probes)/float64(len(lat)), "lists/op")
	b.ReportMetric(float64(n), "photos")
	b.ReportMetric(perPhoto, "heap-B/photo")
	b.ReportMetric(float64(peakRSS())/(1<<20), "peak-RSS-MiB")
}

// liveHeap returns the bytes of live heap objects after a full collection.
func liveHeap() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// BenchmarkLookup: 1M stored photos (22M hashes, ~3.5 GB); other sizes with
// REDTHREAD_BENCH_LOOKUP_N (comma-separated photo counts, e.g. "1000000,2000000,2500000";
// each needs about 3.5 KB per photo, README.md).
func BenchmarkLookup(b *testing.B) {
	sizes := []int{1_000_000}
	if env := os.Getenv("REDTHREAD_BENCH_LOOKUP_N"); env != "" {
		sizes = nil
		for _, f := range strings.Split(env, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1000 {
				b.Fatalf("REDTHREAD_BENCH_LOOKUP_N: %q is not a photo count ≥ 1000", f)
			}
			sizes = append(sizes, n)
		}
	}
	for _, n := range sizes {
		name := fmt.Sprintf("%dk", n/1000)
		if n%1_000_000 == 0 {
			name = fmt.Sprintf("%dM", n/1_000_000)
		}
		b.Run(name, func(b *testing.B) { benchLookup(b, n) })
	}
}
