package redisfrontier

import (
	"context"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/crawl"
)

// TestStoppedCrawlerHandsOver stops a crawler (as SIGTERM does: its
// context is cancelled) while another keeps crawling: the stopped one
// finishes the pages it has in flight and leaves no claims behind, and the
// other completes the crawl with no page fetched twice.
func TestStoppedCrawlerHandsOver(t *testing.T) {
	want, err := crawl.DemoCorpus()
	if err != nil {
		t.Fatal(err)
	}
	want = want[:40]
	site := &recordingSite{h: crawl.DemoSite(want)}
	srv := httptest.NewServer(site)
	defer srv.Close()
	rdb, prefix := testRedis(t)

	ctxA, stopA := context.WithCancel(context.Background())
	defer stopA()
	var emittedA atomic.Int64
	frA, err := New(newClient(t), prefix, Options{Lease: 10 * time.Second, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	cfgA := demoConfig(t, srv.URL+"/", frA)
	cfgA.Delay, cfgA.Workers = -1, 2
	var outA collector
	doneA := make(chan error, 1)
	go func() {
		_, err := crawl.Crawl(ctxA, cfgA, nil, func(l *corpus.Listing) error {
			if emittedA.Add(1) == 5 {
				stopA() // stop in the middle of the crawl
			}
			time.Sleep(20 * time.Millisecond)
			return outA.emit(l)
		})
		doneA <- err
	}()
	if err := <-doneA; err != context.Canceled {
		t.Fatalf("stopped crawler returned %v, want context.Canceled", err)
	}
	ctx := context.Background()
	if n, _ := rdb.ZCard(ctx, "{"+prefix+"}:lease").Result(); n != 0 {
		t.Errorf("the stopped crawler left %d claims", n)
	}
	frB, err := New(newClient(t), prefix, Options{Lease: 10 * time.Second, Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	cfgB := demoConfig(t, srv.URL+"/", frB)
	cfgB.Delay = -1
	var outB collector
	if _, err := crawl.Crawl(ctx, cfgB, nil, outB.emit); err != nil {
		t.Fatal(err)
	}
	emitted := map[string]int{}
	for _, c := range []*collector{&outA, &outB} {
		for _, l := range c.ls {
			emitted[l.URL]++
		}
	}
	for _, w := range want {
		if n := emitted[srv.URL+"/ad/"+w.ID]; n != 1 {
			t.Errorf("listing %s emitted %d times, want once", w.ID, n)
		}
	}
	for _, h := range site.snapshot() {
		emitted["fetch "+h.path]++
	}
	for k, n := range emitted {
		if strings.HasPrefix(k, "fetch ") && k != "fetch /robots.txt" && n != 1 {
			t.Errorf("%s: %d times, want once", k, n)
		}
	}
	t.Logf("stopped crawler emitted %d listings, the other %d", len(outA.ls), len(outB.ls))
}
