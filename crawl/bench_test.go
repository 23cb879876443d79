package crawl

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redthread/redthread/corpus"
)

// cachedSite serves pre-rendered responses so the benchmark measures the
// crawler, not the demo site's templates.
type cachedSite struct {
	h  http.Handler
	mu sync.RWMutex
	m  map[string]*httptest.ResponseRecorder
}

func (c *cachedSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.RLock()
	rec, ok := c.m[r.URL.Path]
	c.mu.RUnlock()
	if !ok {
		rec = httptest.NewRecorder()
		c.h.ServeHTTP(rec, r)
		c.mu.Lock()
		c.m[r.URL.Path] = rec
		c.mu.Unlock()
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCrawlDemoSite crawls a 2000-listing demo site (100 index pages,
// 2000 listing pages) with politeness delays off and reports pages/s and
// the CPU time per page (crawler and the in-process site together; the
// site serves cached bytes). Modes: plain; images (fetched and checked);
// state+evidence (resumable state and gzip'd raw pages on disk).
func BenchmarkCrawlDemoSite(b *testing.B) {
	base, err := DemoCorpus()
	if err != nil {
		b.Fatal(err)
	}
	var ls []*corpus.Listing
	for i := 0; len(ls) < 2000; i++ {
		l := *base[i%len(base)]
		l.ID = fmt.Sprintf("bench-%04d", i)
		ls = append(ls, &l)
	}
	site := &cachedSite{h: DemoSite(ls), m: map[string]*httptest.ResponseRecorder{}}
	srv := httptest.NewServer(site)
	defer srv.Close()
	ad := demoAdapter(b)
	for _, mode := range []string{"plain", "images", "state+evidence"} {
		b.Run(mode, func(b *testing.B) {
			var pages int64
			var wall time.Duration
			cpu0 := cpuTime()
			for b.Loop() {
				cfg := Config{Start: []string{srv.URL + "/"}, Adapter: ad, AllowPrivate: true, Delay: -1,
					Parallelism: 2 * runtime.GOMAXPROCS(0), FetchImages: mode == "images"}
				if mode == "state+evidence" {
					cfg.StateDir = b.TempDir()
				}
				var n int
				st, err := Crawl(context.Background(), cfg, nil, func(*corpus.Listing) error { n++; return nil })
				if err != nil {
					b.Fatal(err)
				}
				if n != len(ls) {
					b.Fatalf("%d listings, want %d", n, len(ls))
				}
				pages += st.Pages
				wall += st.Elapsed
			}
			cpu := cpuTime() - cpu0
			b.ReportMetric(float64(pages)/wall.Seconds(), "pages/s")
			b.ReportMetric(float64(cpu.Microseconds())/float64(pages), "cpu-µs/page")
		})
	}
}
