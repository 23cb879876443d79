package cluster

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/redthread/redthread/internal/cputime"
	"github.com/redthread/redthread/internal/svctest"
)

// BenchmarkClusterThroughput scans one file of synthetic listings (the
// equivalence test's: repost families with and without contacts, a
// switchboard number) twice on this machine: with one `scan` process on
// every core, and with submit + 2 workers (one scan goroutine each, so 2
// cores in all) + collect, against its own nats-server and redis-server.
// It checks the results are equal and reports both throughputs (wall),
// their ratio, the CPU time per listing of the workers' process and of
// each server, Redis round trips and relinks per listing.
// REDTHREAD_BENCH_CLUSTER_N sets the size (2,000; the README uses 20,000),
// REDTHREAD_BENCH_CLUSTER_BATCH the workers' batch (64).
func BenchmarkClusterThroughput(b *testing.B) {
	n := 2000
	if v := os.Getenv("REDTHREAD_BENCH_CLUSTER_N"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	batch := 64
	if v := os.Getenv("REDTHREAD_BENCH_CLUSTER_BATCH"); v != "" {
		var err error
		if batch, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	in := testInput(b, n, 21)
	extractorAndPack(b)
	for range b.N {
		cpu0, t0 := cputime.Process(), time.Now()
		want := singleScan(b, in)
		single, singleCPU := time.Since(t0), cputime.Process()-cpu0

		ns, natsURL := svctest.StartNATS(b)
		rs, redisURL := svctest.StartRedis(b)
		c := newCluster(b, natsURL, redisURL)
		c.submit(in)
		trips := make([]func() int64, 0, 2)
		natsCPU0, redisCPU0 := ns.CPUTime(), rs.CPUTime()
		cpu0, t0 = cputime.Process(), time.Now()
		for range 2 {
			c.worker(func(cfg *WorkerConfig) {
				cfg.Batch = batch
				st := cfg.Store
				trips = append(trips, st.RoundTrips)
			})
		}
		got, _, cst := c.collectIdle(300 * time.Millisecond)
		wall, clusterCPU := time.Since(t0), cputime.Process()-cpu0
		natsCPU, redisCPU := ns.CPUTime()-natsCPU0, rs.CPUTime()-redisCPU0
		var rt int64
		for _, f := range trips {
			rt += f()
		}
		c.stopWorkers()
		compare(b, got, want)
		per := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(n) }
		b.ReportMetric(float64(n)/single.Seconds(), "scan-listings/s")
		b.ReportMetric(float64(n)/wall.Seconds(), "cluster-listings/s")
		b.ReportMetric(single.Seconds()/wall.Seconds(), "cluster/scan")
		b.ReportMetric(per(singleCPU), "scan-cpu-µs/listing")
		b.ReportMetric(per(clusterCPU), "workers+collect-cpu-µs/listing")
		b.ReportMetric(per(redisCPU), "redis-cpu-µs/listing")
		b.ReportMetric(per(natsCPU), "nats-cpu-µs/listing")
		b.ReportMetric(float64(rt)/float64(n), "redis-round-trips/listing")
		b.ReportMetric(float64(cst.Revised)/float64(n), "relinks/listing")
	}
}
