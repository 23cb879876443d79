package crawl

import (
	"bufio"
	"context"
	"fmt"
	"github.com/redthread/redthread/internal/cputime"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
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

// benchCorpus is the 2000-listing demo site of the benchmark.
func benchCorpus(tb testing.TB) []*corpus.Listing {
	base, err := DemoCorpus()
	if err != nil {
		tb.Fatal(err)
	}
	var ls []*corpus.Listing
	for i := 0; len(ls) < 2000; i++ {
		l := *base[i%len(base)]
		l.ID = fmt.Sprintf("bench-%04d", i)
		ls = append(ls, &l)
	}
	return ls
}

// TestHelperBenchSite serves the benchmark's site from a child process, so
// the benchmark's CPU time is the crawler's alone.
func TestHelperBenchSite(t *testing.T) {
	if os.Getenv("REDTHREAD_BENCH_SITE") == "" {
		t.Skip("child process of BenchmarkCrawlDemoSite")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("listening on http://%s/\n", ln.Addr())
	site := &cachedSite{h: DemoSite(benchCorpus(t)), m: map[string]*httptest.ResponseRecorder{}}
	go func() {
		io.Copy(io.Discard, os.Stdin) // the parent closes stdin when done
		ln.Close()
	}()
	http.Serve(ln, site)
}

// BenchmarkCrawlDemoSite crawls a 2000-listing demo site (100 index pages,
// 2000 listing pages, plus the category pages) with politeness delays off
// and reports pages/s and the crawler's CPU time per page. The site runs in
// a child process and serves cached bytes, so the CPU figure is the
// crawler's own; on a 2-core machine the two processes share the cores.
// Modes: plain; images (fetched and checked); state+evidence (resumable
// state and WARC evidence on disk).
func BenchmarkCrawlDemoSite(b *testing.B) {
	ls := benchCorpus(b)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperBenchSite$", "-test.count=1")
	cmd.Env = append(os.Environ(), "REDTHREAD_BENCH_SITE=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { stdin.Close(); cmd.Wait() }()
	var siteURL string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if u, ok := strings.CutPrefix(sc.Text(), "listening on "); ok {
			siteURL = u
			break
		}
	}
	if siteURL == "" {
		b.Fatal("bench site did not start")
	}
	go io.Copy(io.Discard, stdout)
	ad := demoAdapter(b)
	// Warm the site's cache (and the connection pool's code paths) first.
	warm := Config{Start: []string{siteURL}, Adapter: ad, AllowPrivate: true, Delay: -1, FetchImages: true, Parallelism: 8}
	if _, err := Crawl(context.Background(), warm, nil, func(*corpus.Listing) error { return nil }); err != nil {
		b.Fatal(err)
	}
	for _, mode := range []string{"plain", "images", "state+evidence"} {
		b.Run(mode, func(b *testing.B) {
			var pages int64
			var wall time.Duration
			cpu0 := cputime.Process()
			for b.Loop() {
				cfg := Config{Start: []string{siteURL}, Adapter: ad, AllowPrivate: true, Delay: -1,
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
			cpu := cputime.Process() - cpu0
			b.ReportMetric(float64(pages)/wall.Seconds(), "pages/s")
			b.ReportMetric(float64(cpu.Microseconds())/float64(pages), "cpu-µs/page")
		})
	}
}
