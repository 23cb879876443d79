package redisfrontier

import (
	"context"
	"fmt"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/crawl"
	"github.com/redthread/redthread/internal/cputime"
)

// roundTrips counts a client's round trips to Redis (a pipeline is one).
type roundTrips struct{ n atomic.Int64 }

func (h *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { h.n.Add(1); return next(ctx, cmd) }
}

func (h *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error { h.n.Add(1); return next(ctx, cmds) }
}

// BenchmarkTwoCrawlersRedis crawls a 1000-listing demo site (about 1,060
// pages) with two crawlers in this process sharing a Redis frontier,
// delays off, and reports pages/s, the crawlers' CPU time per page (the
// site runs in this process too, so this is an upper bound) and Redis
// round trips per page (claims, finishes, page and listing checks, polls
// while the queue is briefly empty).
func BenchmarkTwoCrawlersRedis(b *testing.B) {
	base, err := crawl.DemoCorpus()
	if err != nil {
		b.Fatal(err)
	}
	var ls []*corpus.Listing
	for i := 0; len(ls) < 1000; i++ {
		l := *base[i%len(base)]
		l.ID = fmt.Sprintf("bench-%04d", i)
		ls = append(ls, &l)
	}
	srv := httptest.NewServer(crawl.DemoSite(ls))
	defer srv.Close()
	rdb := newClient(b)
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		b.Fatalf("Redis is not reachable at %s (%v): start redis-server --port 6379 --save '' --appendonly no --daemonize yes", testRedisAddr(), err)
	}
	var pages, trips int64
	var wall time.Duration
	cpu0 := cputime.Process()
	for i := 0; b.Loop(); i++ {
		prefix := fmt.Sprintf("redthread-bench-%d-%d", time.Now().UnixNano(), i)
		var wg sync.WaitGroup
		var n atomic.Int64
		start := time.Now()
		var hooks [2]roundTrips
		for c := range 2 {
			cl := newClient(b)
			cl.AddHook(&hooks[c])
			fr, err := New(cl, prefix, Options{Workers: 8})
			if err != nil {
				b.Fatal(err)
			}
			cfg := demoConfig(b, srv.URL+"/", fr)
			cfg.Delay, cfg.Parallelism, cfg.Workers = -1, 4, 8
			wg.Add(1)
			go func() {
				defer wg.Done()
				st, err := crawl.Crawl(context.Background(), cfg, nil, func(*corpus.Listing) error { n.Add(1); return nil })
				if err != nil {
					b.Error(err)
				}
				atomic.AddInt64(&pages, st.Pages)
			}()
		}
		wg.Wait()
		wall += time.Since(start)
		trips += hooks[0].n.Load() + hooks[1].n.Load()
		if n.Load() != int64(len(ls)) {
			b.Fatalf("%d listings, want %d", n.Load(), len(ls))
		}
		if err := Delete(context.Background(), rdb, prefix); err != nil {
			b.Fatal(err)
		}
	}
	cpu := cputime.Process() - cpu0
	b.ReportMetric(float64(pages)/wall.Seconds(), "pages/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(pages), "cpu-µs/page")
	b.ReportMetric(float64(trips)/float64(pages), "redis-trips/page")
}
