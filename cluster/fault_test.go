package cluster

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/internal/svctest"
	"github.com/redthread/redthread/links/redisstore"
)

// TestMain runs the test binary as a worker process when the kill test
// starts it (REDTHREAD_TEST_WORKER set).
func TestMain(m *testing.M) {
	if os.Getenv("REDTHREAD_TEST_WORKER") != "" {
		os.Exit(workerProcess())
	}
	os.Exit(m.Run())
}

// workerProcess is a worker that, after writing the entries of its
// REDTHREAD_TEST_STALL_AFTER-th batch, says STALLED on stdout and stops
// there, holding the batch: the test kills it with SIGKILL.
func workerProcess() int {
	ctx := context.Background()
	name := os.Getenv("REDTHREAD_TEST_NAME")
	conn, err := Connect(ctx, Options{URL: os.Getenv("REDTHREAD_TEST_NATS"), Name: name})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	st, err := redisstore.Open(ctx, os.Getenv("REDTHREAD_TEST_REDIS"), name)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	stall, _ := strconv.Atoi(os.Getenv("REDTHREAD_TEST_STALL_AFTER"))
	x, pack, err := loadXP()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	batches := 0
	cfg := WorkerConfig{Conn: conn, Store: st, Extractor: x, Pack: pack, Workers: 1, Batch: 16, MaxDeliver: 3, AckWait: 3 * time.Second,
		afterPut: func(ls []*corpus.Listing) {
			if batches++; batches == stall {
				fmt.Println("STALLED", len(ls))
				select {}
			}
		}}
	if err := RunWorker(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// TestWorkerKilledMidBatch kills a worker process (SIGKILL) while it holds
// a batch whose entries it has written but whose results it has not
// published: another worker gets the batch again after AckWait, and the
// collected output has every listing once, equal to a single scan.
func TestWorkerKilledMidBatch(t *testing.T) {
	in := testInput(t, 600, 11)
	want := singleScan(t, in)
	_, natsURL := svctest.StartNATS(t)
	_, redisURL := svctest.StartRedis(t)
	c := newCluster(t, natsURL, redisURL)
	c.submit(in)

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "REDTHREAD_TEST_WORKER=1", "REDTHREAD_TEST_NAME="+c.name, "REDTHREAD_TEST_NATS="+natsURL,
		"REDTHREAD_TEST_REDIS="+redisURL, "REDTHREAD_TEST_STALL_AFTER=5")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stalled := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "STALLED") {
				stalled <- sc.Text()
			}
		}
	}()
	select {
	case s := <-stalled:
		t.Logf("worker process %d: %s; killing it", cmd.Process.Pid, s)
	case <-time.After(3 * time.Minute):
		cmd.Process.Kill()
		t.Fatal("the worker process never reached its fifth batch")
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	c.worker(func(cfg *WorkerConfig) { cfg.AckWait = 3 * time.Second })
	got, firsts, cst := c.collect()
	t.Logf("%s", cst)
	compare(t, got, want)
	if len(firsts) != len(in) {
		t.Errorf("%d first results for %d listings: lost or duplicated", len(firsts), len(in))
	}
	seen := map[string]bool{}
	for _, id := range firsts {
		if seen[id] {
			t.Errorf("%s collected twice", id)
		}
		seen[id] = true
	}
}

// TestRedisRestart stops Redis (append-only file kept) while two workers
// scan, keeps it down until a worker has failed on it, starts it again on
// the same port and folder: the workers retry and the collected results
// still equal a single scan.
func TestRedisRestart(t *testing.T) {
	in := testInput(t, 600, 12)
	want := singleScan(t, in)
	_, natsURL := svctest.StartNATS(t)
	rs, redisURL := svctest.StartRedis(t)
	c := newCluster(t, natsURL, redisURL)
	c.submit(in)
	var retries [2]*atomic.Int64
	for i := range 2 {
		m := NewMetrics("w")
		retries[i] = m.Counter("batch_retries", "")
		c.worker(func(cfg *WorkerConfig) { cfg.Metrics = m; cfg.Batch = 16 })
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		probe, err := redisstore.Open(context.Background(), redisURL, c.name)
		if err != nil {
			t.Error(err)
			return
		}
		defer probe.Close()
		for {
			n, _ := probe.Len(context.Background())
			if n >= int64(len(in)/3) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		// Down until a worker has failed on it and retried (at most a minute).
		rs.Stop()
		for deadline := time.Now().Add(time.Minute); retries[0].Load()+retries[1].Load() == 0 && time.Now().Before(deadline); {
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(500 * time.Millisecond)
		rs.Start()
	}()
	got, firsts, cst := c.collect()
	wg.Wait()
	t.Logf("%s", cst)
	compare(t, got, want)
	if len(firsts) != len(in) {
		t.Errorf("%d first results for %d listings", len(firsts), len(in))
	}
	if retries[0].Load()+retries[1].Load() == 0 {
		t.Error("no worker retried: Redis was not restarted mid-run")
	}
}

// TestPoisonListing: a listing that panics the scanner is delivered
// MaxDeliver times, then dead-lettered with the panic as its reason; every
// other listing is collected.
func TestPoisonListing(t *testing.T) {
	in := testInput(t, 200, 13)
	in[77].ID = "poison"
	_, natsURL := svctest.StartNATS(t)
	_, redisURL := svctest.StartRedis(t)
	c := newCluster(t, natsURL, redisURL)
	c.submit(in)
	var tries atomic.Int64
	for range 2 {
		c.worker(func(cfg *WorkerConfig) {
			cfg.beforeScan = func(l *corpus.Listing) {
				if l.ID == "poison" {
					tries.Add(1)
					panic("extractor crashed on this listing")
				}
			}
		})
	}
	got, firsts, _ := c.collect()
	if _, ok := got["poison"]; ok || len(firsts) != len(in)-1 {
		t.Errorf("%d results (poison collected: %v), want %d", len(firsts), ok, len(in)-1)
	}
	if n := tries.Load(); n != 3 {
		t.Errorf("the poison listing was tried %d times, want MaxDeliver (3)", n)
	}
	ctx := context.Background()
	cons, err := c.conn.dead.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	msg, err := cons.Next(jetstream.FetchMaxWait(5 * time.Second))
	if err != nil {
		t.Fatal("no dead letter:", err)
	}
	if k := msg.Headers().Get(HeaderKey); !strings.HasPrefix(k, "poison:") {
		t.Errorf("dead letter %q", k)
	}
	if r := msg.Headers().Get(HeaderReason); !strings.Contains(r, "panic: extractor crashed") {
		t.Errorf("dead letter reason %q", r)
	}
	if l, err := corpus.ParseListingJSON(msg.Data()); err != nil || l.ID != "poison" {
		t.Errorf("dead letter body: %v", err)
	}
}
