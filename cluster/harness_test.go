package cluster

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/indicators"
	"github.com/redthread/redthread/internal/synth"
	"github.com/redthread/redthread/links"
	"github.com/redthread/redthread/links/redisstore"
	"github.com/redthread/redthread/rules"
	"github.com/redthread/redthread/scanner"
)

var (
	loadOnce sync.Once
	testX    *indicators.Extractor
	testPack *rules.Pack
	loadErr  error
)

func loadXP() (*indicators.Extractor, *rules.Pack, error) {
	loadOnce.Do(func() {
		testX, loadErr = indicators.New(indicators.Config{})
		if loadErr == nil {
			testPack, loadErr = rules.Load(rules.DefaultSource())
		}
	})
	return testX, testPack, loadErr
}

func extractorAndPack(t testing.TB) (*indicators.Extractor, *rules.Pack) {
	t.Helper()
	x, p, err := loadXP()
	if err != nil {
		t.Fatal(err)
	}
	return x, p
}

// testInput builds n listings: repost families with and without contacts,
// listings of their own and a switchboard number on 60 unrelated listings
// (beyond the generic limit), from the dev set's sentences.
func testInput(t testing.TB, n int, seed uint64) []*corpus.Listing {
	t.Helper()
	var base []*corpus.Listing
	for rec := range corpus.DevSet() {
		if rec.Err != nil {
			t.Fatal(rec.Err)
		}
		base = append(base, rec.Listing)
	}
	var buf bytes.Buffer
	opt := synth.FamilyOptions{N: n, Seed: seed, Share: 0.3, MaxFamily: 12, NoContact: 0.5, Switchboard: 60}
	if err := synth.WriteFamilies(&buf, base, opt); err != nil {
		t.Fatal(err)
	}
	var out []*corpus.Listing
	for rec := range corpus.ReadJSONL(context.Background(), &buf, "synth", corpus.Options{}) {
		if rec.Err != nil {
			t.Fatal(rec.Err)
		}
		out = append(out, rec.Listing)
	}
	return out
}

// finalJSON normalizes a result line for comparison: the revision marker
// dropped, re-encoded.
func finalJSON(t testing.TB, line []byte) (string, string) {
	t.Helper()
	r, err := corpus.ParseResult(bytes.TrimSpace(line), false)
	if err != nil {
		t.Fatalf("result %q: %v", line, err)
	}
	r.Revised = false
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return r.ID, string(b)
}

// singleScan scans in with one process (`redthread scan`'s pipeline and
// registry) and returns each listing's final result.
func singleScan(t testing.TB, in []*corpus.Listing) map[string]string {
	t.Helper()
	x, pack := extractorAndPack(t)
	reg, err := links.New(links.Config{})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scanner.New(scanner.Config{Extractor: x, Pack: pack, Linker: reg, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	var buf bytes.Buffer
	w := corpus.NewWriter(&buf)
	seq := func(yield func(corpus.Record) bool) {
		for _, l := range in {
			c := *l
			if !yield(corpus.Record{Listing: &c}) {
				return
			}
		}
	}
	if _, err := sc.Scan(context.Background(), seq, func(r *corpus.Result) error {
		buf.Reset()
		if err := w.Write(r); err != nil {
			return err
		}
		w.Flush()
		id, js := finalJSON(t, buf.Bytes())
		out[id] = js
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// cluster is one test's streams, registry, workers and collector.
type cluster struct {
	t        testing.TB
	natsURL  string
	redisURL string
	name     string
	conn     *Conn
	store    *redisstore.Store
	wg       sync.WaitGroup
	cancels  []context.CancelFunc
}

var clusterSeq atomic.Int64

func newCluster(t testing.TB, natsURL, redisURL string) *cluster {
	t.Helper()
	name := fmt.Sprintf("rtt%d_%d", os.Getpid(), clusterSeq.Add(1))
	ctx := context.Background()
	conn, err := Connect(ctx, Options{URL: natsURL, Name: name, Log: testLog(t)})
	if err != nil {
		t.Fatal(err)
	}
	st, err := redisstore.Open(ctx, redisURL, name)
	if err != nil {
		t.Fatal(err)
	}
	c := &cluster{t: t, natsURL: natsURL, redisURL: redisURL, name: name, conn: conn, store: st}
	t.Cleanup(func() {
		c.stopWorkers()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		conn.Delete(ctx)
		st.Drop(ctx)
		st.Close()
		conn.Close()
	})
	return c
}

func (c *cluster) submit(in []*corpus.Listing) SubmitStats {
	c.t.Helper()
	seq := func(yield func(corpus.Record) bool) {
		for _, l := range in {
			cp := *l
			if !yield(corpus.Record{Listing: &cp}) {
				return
			}
		}
	}
	st, err := Submit(context.Background(), c.conn, seq)
	if err != nil {
		c.t.Fatal(err)
	}
	return st
}

// worker starts an in-process worker with its own connections.
func (c *cluster) worker(mod func(*WorkerConfig)) {
	c.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	conn, err := Connect(ctx, Options{URL: c.natsURL, Name: c.name})
	if err != nil {
		c.t.Fatal(err)
	}
	st, err := redisstore.Open(ctx, c.redisURL, c.name)
	if err != nil {
		c.t.Fatal(err)
	}
	x, pack := extractorAndPack(c.t)
	cfg := WorkerConfig{Conn: conn, Store: st, Extractor: x, Pack: pack, Workers: 1, Batch: 32, MaxDeliver: 3,
		AckWait: 30 * time.Second, TempDir: c.t.TempDir(), Log: testLog(c.t)}
	if mod != nil {
		mod(&cfg)
	}
	c.cancels = append(c.cancels, cancel)
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		defer conn.Close()
		defer st.Close()
		if err := RunWorker(ctx, cfg); err != nil {
			c.t.Error(err)
		}
	}()
}

func (c *cluster) stopWorkers() {
	for _, cancel := range c.cancels {
		cancel()
	}
	c.cancels = nil
	c.wg.Wait()
}

// collect collects until the cluster is idle and returns each listing's
// last result, and the IDs of the lines that were not revisions (each
// listing once).
func (c *cluster) collect() (map[string]string, []string, CollectStats) {
	c.t.Helper()
	return c.collectIdle(1500 * time.Millisecond)
}

func (c *cluster) collectIdle(idle time.Duration) (map[string]string, []string, CollectStats) {
	c.t.Helper()
	out := map[string]string{}
	var firsts []string
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	st, err := Collect(ctx, CollectConfig{Conn: c.conn, Store: c.store, Idle: idle, Log: testLog(c.t),
		Emit: func(line []byte, revised bool) error {
			id, js := finalJSON(c.t, line)
			if _, ok := out[id]; ok != revised {
				c.t.Errorf("%s: revised=%v but a result was emitted before: %v", id, revised, ok)
			}
			if !revised {
				firsts = append(firsts, id)
			}
			out[id] = js
			return nil
		}})
	if err != nil {
		c.t.Fatal(err)
	}
	if ctx.Err() != nil {
		c.t.Fatal("collect did not finish in time")
	}
	return out, firsts, st
}

// compare reports every listing whose cluster result differs from the
// single scan's.
func compare(t testing.TB, got, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d results, want %d", len(got), len(want))
	}
	diff := 0
	for id, w := range want {
		if g, ok := got[id]; !ok {
			diff++
			if diff <= 3 {
				t.Errorf("%s: no result", id)
			}
		} else if g != w {
			diff++
			if diff <= 3 {
				t.Errorf("%s:\ncluster %s\nscan    %s", id, g, w)
			}
		}
	}
	if diff > 0 {
		t.Errorf("%d of %d results differ", diff, len(want))
	}
}

// linkedCount counts results with at least one link, to check the input
// exercises linking.
func linkedCount(res map[string]string) (linked, generic int) {
	for _, js := range res {
		if strings.Contains(js, `"linked":[`) {
			linked++
		}
		if strings.Contains(js, `network.generic_key`) {
			generic++
		}
	}
	return linked, generic
}

// testLog logs to the test when REDTHREAD_TEST_LOG is set.
func testLog(t testing.TB) *slog.Logger {
	if os.Getenv("REDTHREAD_TEST_LOG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func init() { redisstore.LogTo(slog.New(slog.DiscardHandler)) }
