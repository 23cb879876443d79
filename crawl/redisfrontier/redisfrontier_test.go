package redisfrontier

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/crawl"
)

// testRedisAddr is the Redis the tests use: REDTHREAD_TEST_REDIS or the
// machine's 127.0.0.1:6379.
func testRedisAddr() string {
	if a := os.Getenv("REDTHREAD_TEST_REDIS"); a != "" {
		return a
	}
	return "127.0.0.1:6379"
}

// testRedis returns a client and a key prefix of the test's own, deleted
// at the end. Without Redis the test fails, saying how to start it.
func testRedis(t *testing.T) (*redis.Client, string) {
	t.Helper()
	rdb := newClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		t.Fatalf("Redis is not reachable at %s (%v). These tests need a Redis server: start one with\n"+
			"  redis-server --port 6379 --save '' --appendonly no --daemonize yes\n"+
			"or point REDTHREAD_TEST_REDIS=HOST:PORT at one.", testRedisAddr(), err)
	}
	prefix := fmt.Sprintf("redthread-test-%s-%d-%d", t.Name(), os.Getpid(), rand.Uint32())
	t.Cleanup(func() {
		if err := Delete(context.Background(), rdb, prefix); err != nil {
			t.Errorf("cleaning up %s: %v", prefix, err)
		}
	})
	return rdb, prefix
}

func newClient(t testing.TB) *redis.Client {
	rdb := redis.NewClient(&redis.Options{Addr: testRedisAddr()})
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// hit is one request the demo site served.
type hit struct {
	path string
	at   time.Time
}

// recordingSite serves the demo site and records every request with its
// arrival time.
type recordingSite struct {
	h    http.Handler
	mu   sync.Mutex
	hits []hit
}

func (s *recordingSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	s.mu.Lock()
	s.hits = append(s.hits, hit{r.URL.RequestURI(), now})
	s.mu.Unlock()
	s.h.ServeHTTP(w, r)
}

func (s *recordingSite) snapshot() []hit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.hits)
}

func demoConfig(t testing.TB, start string, fr crawl.Frontier) crawl.Config {
	a, err := crawl.LoadAdapterFile("demo")
	if err != nil {
		t.Fatal(err)
	}
	return crawl.Config{Adapter: a, Start: []string{start}, AllowPrivate: true, Parallelism: 2, Workers: 4,
		// Retries wide enough for a loaded CI machine: a request that fails
		// before the site sees it (a refused or reset connection) is tried
		// again within this crawl, not left for the next run (Later).
		Timeout: 5 * time.Second, Retries: 6, RetryBase: 50 * time.Millisecond, MaxRetryWait: time.Second,
		EvidenceDir: "-", Frontier: fr}
}

type collector struct {
	mu sync.Mutex
	ls []*corpus.Listing
}

func (c *collector) emit(l *corpus.Listing) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ls = append(c.ls, l)
	return nil
}

// TestTwoCrawlersShareTheCrawl runs two crawlers, each with its own Redis
// connection, on one frontier over the demo site with a per-host delay of
// 250 ms: every page is fetched exactly once by one of them, every listing
// emitted once, and the requests keep the delay (see checkPacing).
func TestTwoCrawlersShareTheCrawl(t *testing.T) {
	want, err := crawl.DemoCorpus()
	if err != nil {
		t.Fatal(err)
	}
	want = want[:20]
	site := &recordingSite{h: crawl.DemoSite(want)}
	srv := httptest.NewServer(site)
	defer srv.Close()
	_, prefix := testRedis(t)

	const delay = 250 * time.Millisecond
	var wg sync.WaitGroup
	var outs [2]collector
	var stats [2]crawl.Stats
	var errs [2]error
	for i := range 2 {
		fr, err := New(newClient(t), prefix, Options{Lease: 10 * time.Second, Workers: 4})
		if err != nil {
			t.Fatal(err)
		}
		cfg := demoConfig(t, srv.URL+"/", fr)
		cfg.Delay = delay
		wg.Add(1)
		go func() {
			defer wg.Done()
			stats[i], errs[i] = crawl.Crawl(context.Background(), cfg, nil, outs[i].emit)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("crawler %d: %v", i, err)
		}
	}

	hits := site.snapshot()
	counts := map[string]int{}
	var paced []hit
	for _, h := range hits {
		counts[h.path]++
		if h.path != "/robots.txt" {
			paced = append(paced, h)
		}
	}
	for p, n := range counts {
		if p == "/robots.txt" {
			if n > 2 {
				t.Errorf("robots.txt fetched %d times; shared, it should be at most once per crawler", n)
			}
			continue
		}
		if n != 1 {
			t.Errorf("%s fetched %d times, want once", p, n)
		}
	}
	for _, w := range want {
		if counts["/ad/"+w.ID] != 1 {
			t.Errorf("listing page /ad/%s fetched %d times, want once (crawler stats %+v, %+v)", w.ID, counts["/ad/"+w.ID], stats[0], stats[1])
		}
	}
	emitted := map[string]int{}
	for i := range outs {
		for _, l := range outs[i].ls {
			emitted[l.URL]++
		}
	}
	for _, w := range want {
		if n := emitted[srv.URL+"/ad/"+w.ID]; n != 1 {
			t.Errorf("listing %s emitted %d times, want once", w.ID, n)
		}
	}
	if len(emitted) != len(want) {
		t.Errorf("%d distinct listings emitted, want %d", len(emitted), len(want))
	}
	if stats[0].Pages == 0 || stats[1].Pages == 0 {
		t.Errorf("pages fetched by the two crawlers: %d and %d; both should have taken part", stats[0].Pages, stats[1].Pages)
	}
	if got := stats[0].Pages + stats[1].Pages; got != int64(len(paced)) {
		t.Errorf("crawlers count %d pages, the site served %d", got, len(paced))
	}

	minGap := checkPacing(t, paced, delay)
	t.Logf("%d pages (%d and %d per crawler), min gap between requests %v", len(paced), stats[0].Pages, stats[1].Pages, minGap)
}

// checkPacing checks, at the site, that requests kept the per-host delay
// between them, whichever crawler sent them, and returns the least gap
// seen. The site sees a request some time after it was granted its slot,
// and on a loaded machine that time varies: one request held up (seen
// 245 ms late under make test at load 19) shortens its gap to the next.
// So no single gap is asserted; instead every 8 consecutive requests span
// at least 5 delays (7 less 2 for scheduling), and the whole crawl at
// least n-3 delays. Without the shared slot, two crawlers pacing
// themselves alone would span about 3.5 delays per 8 requests.
func checkPacing(t *testing.T, hits []hit, delay time.Duration) time.Duration {
	t.Helper()
	slices.SortFunc(hits, func(a, b hit) int { return a.at.Compare(b.at) })
	minGap := time.Hour
	for i := 1; i < len(hits); i++ {
		minGap = min(minGap, hits[i].at.Sub(hits[i-1].at))
	}
	const window = 8
	for i := 0; i+window-1 < len(hits); i++ {
		if span := hits[i+window-1].at.Sub(hits[i].at); span < 5*delay {
			t.Errorf("requests %d-%d at the site span %v; with a %v delay %d requests take at least %v", i, i+window-1,
				span, delay, window, (window-1)*delay)
		}
	}
	if n := len(hits); n >= 3 {
		if span := hits[n-1].at.Sub(hits[0].at); span < time.Duration(n-3)*delay {
			t.Errorf("%d requests span %v; with a %v delay they take at least %v", n, span, delay, time.Duration(n-1)*delay)
		}
	}
	return minGap
}

// TestHelperRedisCrawl is a crawler process of TestTwoProcessesShareTheCrawl
// and TestKilledCrawlerClaimsRetried; it runs only as their child.
func TestHelperRedisCrawl(t *testing.T) {
	start := os.Getenv("REDTHREAD_REDIS_HELPER_URL")
	if start == "" {
		t.Skip("child process of TestTwoProcessesShareTheCrawl and TestKilledCrawlerClaimsRetried")
	}
	delay, slow := time.Duration(-1), 500*time.Millisecond // the killed crawler: no delay, slow emit
	if d, err := time.ParseDuration(os.Getenv("REDTHREAD_REDIS_HELPER_DELAY")); err == nil {
		delay, slow = d, 0
	}
	out, err := os.OpenFile(os.Getenv("REDTHREAD_REDIS_HELPER_OUT"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	fr, err := New(newClient(t), os.Getenv("REDTHREAD_REDIS_HELPER_PREFIX"), Options{Lease: time.Second, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	cfg := demoConfig(t, start, fr)
	cfg.Delay, cfg.Workers = delay, 2
	_, err = crawl.Crawl(context.Background(), cfg, nil, func(l *corpus.Listing) error {
		b, _ := json.Marshal(l)
		out.Write(append(b, '\n'))
		time.Sleep(slow) // the killed crawler: slow enough to be killed holding claims
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestTwoProcessesShareTheCrawl is TestTwoCrawlersShareTheCrawl with two
// crawler processes: every page fetched once, every listing written once
// between the two, and the delay (250 ms) kept (see checkPacing).
func TestTwoProcessesShareTheCrawl(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	want, err := crawl.DemoCorpus()
	if err != nil {
		t.Fatal(err)
	}
	want = want[:20]
	site := &recordingSite{h: crawl.DemoSite(want)}
	srv := httptest.NewServer(site)
	defer srv.Close()
	_, prefix := testRedis(t)
	dir := t.TempDir()
	var cmds []*exec.Cmd
	var outs [2]bytes.Buffer
	for i := range 2 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperRedisCrawl$", "-test.count=1")
		cmd.Env = append(os.Environ(), "REDTHREAD_REDIS_HELPER_URL="+srv.URL+"/",
			fmt.Sprintf("REDTHREAD_REDIS_HELPER_OUT=%s/out%d.jsonl", dir, i),
			"REDTHREAD_REDIS_HELPER_PREFIX="+prefix, "REDTHREAD_REDIS_HELPER_DELAY=250ms")
		cmd.Stdout, cmd.Stderr = &outs[i], &outs[i]
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("crawler process %d: %v\n%s", i, err, outs[i].String())
		}
	}
	written := map[string]int{}
	per := [2]int{}
	for i := range 2 {
		b, err := os.ReadFile(fmt.Sprintf("%s/out%d.jsonl", dir, i))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for _, ln := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			var l corpus.Listing
			if ln != "" && json.Unmarshal([]byte(ln), &l) == nil {
				written[l.URL]++
				per[i]++
			}
		}
	}
	for _, w := range want {
		if n := written[srv.URL+"/ad/"+w.ID]; n != 1 {
			t.Errorf("listing %s written %d times between the two processes, want once", w.ID, n)
		}
	}
	var paced []hit
	counts := map[string]int{}
	for _, h := range site.snapshot() {
		counts[h.path]++
		if h.path != "/robots.txt" {
			paced = append(paced, h)
		}
	}
	for p, n := range counts {
		if p != "/robots.txt" && n != 1 {
			t.Errorf("%s fetched %d times, want once", p, n)
		}
	}
	minGap := checkPacing(t, paced, 250*time.Millisecond)
	t.Logf("%d pages; listings written per process: %d and %d; min gap %v", len(paced), per[0], per[1], minGap)
}

// TestKilledCrawlerClaimsRetried kills a crawler (SIGKILL) while it holds
// claims; another crawler on the same frontier takes them after the lease
// (1 s) expires: every listing is emitted, every page done, and only the
// pages claimed at the kill are fetched twice.
func TestKilledCrawlerClaimsRetried(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	want, err := crawl.DemoCorpus()
	if err != nil {
		t.Fatal(err)
	}
	want = want[:40]
	site := &recordingSite{h: crawl.DemoSite(want)}
	srv := httptest.NewServer(site)
	defer srv.Close()
	rdb, prefix := testRedis(t)
	outFile := filepath.Join(t.TempDir(), "out.jsonl")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperRedisCrawl$", "-test.count=1")
	cmd.Env = append(os.Environ(), "REDTHREAD_REDIS_HELPER_URL="+srv.URL+"/", "REDTHREAD_REDIS_HELPER_OUT="+outFile,
		"REDTHREAD_REDIS_HELPER_PREFIX="+prefix)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for countLines(outFile) < 5 {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatal("child crawler did not get going")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	ctx := context.Background()
	held, err := rdb.HKeys(ctx, "{"+prefix+"}:claims").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(held) == 0 {
		t.Fatal("the killed crawler held no claims: the test did not exercise lease expiry")
	}

	fr, err := New(newClient(t), prefix, Options{Lease: time.Second, Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	var got collector
	cfg := demoConfig(t, srv.URL+"/", fr)
	cfg.Delay = -1
	if _, err := crawl.Crawl(ctx, cfg, nil, got.emit); err != nil {
		t.Fatal(err)
	}

	emitted := map[string]int{}
	f, err := os.Open(outFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l corpus.Listing
		if json.Unmarshal(sc.Bytes(), &l) == nil {
			emitted[l.URL]++
		}
	}
	for _, l := range got.ls {
		emitted[l.URL]++
	}
	for _, w := range want {
		if emitted[srv.URL+"/ad/"+w.ID] == 0 {
			t.Errorf("listing %s never emitted", w.ID)
		}
	}
	heldPath := map[string]bool{}
	for _, u := range held {
		heldPath[strings.TrimPrefix(u, srv.URL)] = true
	}
	counts := map[string]int{}
	for _, h := range site.snapshot() {
		counts[h.path]++
	}
	for p, n := range counts {
		switch {
		case p == "/robots.txt":
		case n > 2 || (n == 2 && !heldPath[p]):
			t.Errorf("%s fetched %d times (claimed by the killed crawler: %v)", p, n, heldPath[p])
		}
	}
	twice := 0
	for p := range heldPath {
		// A claim is held from before the request until the page's
		// listings are out: fetched by the killed crawler or not yet.
		switch counts[p] {
		case 1:
		case 2:
			twice++
		default:
			t.Errorf("%s, claimed by the killed crawler, fetched %d times; want once or twice", p, counts[p])
		}
	}
	if twice == 0 {
		t.Error("no page the killed crawler had fetched was fetched again: its claims were not retried")
	}
	pages := 0
	for p := range counts {
		if p != "/robots.txt" {
			pages++
		}
	}
	if n, _ := rdb.HLen(ctx, "{"+prefix+"}:done").Result(); n != int64(pages) {
		t.Errorf("%d pages done in the frontier, the site served %d", n, pages)
	}
	if n, _ := rdb.ZCard(ctx, "{"+prefix+"}:lease").Result(); n != 0 {
		t.Errorf("%d claims left after the crawl", n)
	}
	t.Logf("killed holding %d claims; second crawler emitted %d listings", len(held), len(got.ls))
}

func countLines(p string) int {
	b, err := os.ReadFile(p)
	if err != nil {
		return 0
	}
	return strings.Count(string(b), "\n")
}
