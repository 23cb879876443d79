package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/crawl"
	"github.com/redthread/redthread/crawl/redisfrontier"
)

// TestCrawlCommandRedis runs two crawl commands on one Redis frontier at
// once: together they write every demo listing exactly once, each into
// its own file, and each keeps its own WARC file series in the shared
// evidence folder. Run again, the shared crawl is finished.
func TestCrawlCommandRedis(t *testing.T) {
	addr := os.Getenv("REDTHREAD_TEST_REDIS")
	if addr == "" {
		addr = "127.0.0.1:6379"
	}
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		t.Fatalf("Redis is not reachable at %s (%v). Start one with\n"+
			"  redis-server --port 6379 --save '' --appendonly no --daemonize yes\n"+
			"or point REDTHREAD_TEST_REDIS=HOST:PORT at one.", addr, err)
	}
	prefix := fmt.Sprintf("redthread-test-cli-%d-%d", os.Getpid(), rand.Uint32())
	defer redisfrontier.Delete(context.Background(), rdb, prefix)

	ls, err := crawl.DemoCorpus()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(crawl.DemoSite(ls))
	defer srv.Close()
	dir := t.TempDir()
	evidence := filepath.Join(dir, "evidence")
	args := func(out string) []string {
		return []string{"crawl", "--adapter", "demo", "--start", srv.URL + "/", "--allow-private", "--delay", "0",
			"--redis", "redis://" + addr + "/0", "--redis-prefix", prefix, "--evidence", evidence, "-o", out}
	}
	var wg sync.WaitGroup
	var codes [2]int
	var stderrs [2]string
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _, stderrs[i] = runCmd(context.Background(), args(filepath.Join(dir, fmt.Sprintf("out%d.jsonl", i)))...)
		}()
	}
	wg.Wait()
	seen := map[string]int{}
	for i := range 2 {
		if codes[i] != exitOK {
			t.Fatalf("crawler %d: exit %d\n%s", i, codes[i], stderrs[i])
		}
		f, err := os.Open(filepath.Join(dir, fmt.Sprintf("out%d.jsonl", i)))
		if err != nil {
			t.Fatal(err)
		}
		for rec := range corpus.ReadJSONL(context.Background(), f, "out", corpus.Options{}) {
			if rec.Err != nil {
				t.Fatal(rec.Err)
			}
			seen[rec.Listing.URL]++
		}
		f.Close()
	}
	for _, l := range ls {
		if n := seen[srv.URL+"/ad/"+l.ID]; n != 1 {
			t.Errorf("listing %s written %d times, want once", l.ID, n)
		}
	}
	warcs, _ := filepath.Glob(filepath.Join(evidence, "*.warc.gz"))
	if len(warcs) < 2 {
		t.Errorf("%d WARC files in the shared evidence folder, want one series per crawler: %v", len(warcs), warcs)
	}
	code, _, stderr := runCmd(context.Background(), args(filepath.Join(dir, "again.jsonl"))...)
	if code != exitOK || !strings.Contains(stderr, "listings=0") {
		t.Errorf("third run: exit %d\n%s", code, stderr)
	}
}
