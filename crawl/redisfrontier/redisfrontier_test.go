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
		Timeout: 5 * time.Second, RetryBase: 10 * time.Millisecond, MaxRetryWait: 50 * time.Millisecond,
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
// emitted once, and no two requests reach the site closer than 175 ms.
// A request starts right after its slot is granted, so load can shorten a
// gap only by delaying one request between its grant and its arrival; the
// 75 ms allowance covers that on a loaded 2-core machine.
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
			t.Errorf("listing page /ad/%s fetched %d times, want once", w.ID, counts["/ad/"+w.ID])
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

	slices.SortFunc(paced, func(a, b hit) int { return a.at.Compare(b.at) })
	minGap := time.Hour
	for i := 1; i < len(paced); i++ {
		if g := paced[i].at.Sub(paced[i-1].at); g < minGap {
			minGap = g
		}
	}
	if minGap < 175*time.Millisecond {
		t.Errorf("two requests to the host %v apart; the per-host delay is %v", minGap, delay)
	}
	t.Logf("%d pages (%d and %d per crawler), min gap between requests %v", len(paced), stats[0].Pages, stats[1].Pages, minGap)
}

// TestHelperRedisCrawl is a crawler process of TestTwoProcessesShareTheCrawl
// and TestKilledCrawlerClaimsRetried; it runs only as their child.
func TestHelperRedisCrawl(t *testing.T) {
	start := os.Getenv("REDTHREAD_REDIS_HELPER_URL")
	if start == "" {
		t.Skip("child process of TestTwoProcessesShareTheCrawl and TestKilledCrawlerClaimsRetried")
	}
	delay, slow := time.Duration(-1), 200*time.Millisecond // the killed crawler: no delay, slow emit
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
// between the two, no two requests closer than 175 ms (delay 250 ms).
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
	slices.SortFunc(paced, func(a, b hit) int { return a.at.Compare(b.at) })
	minGap := time.Hour
	for i := 1; i < len(paced); i++ {
		minGap = min(minGap, paced[i].at.Sub(paced[i-1].at))
	}
	if minGap < 175*time.Millisecond {
		t.Errorf("two requests to the host %v apart; the per-host delay is 250ms", minGap)
	}
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
