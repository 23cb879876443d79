package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/redthread/redthread/cluster"
	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/errs"
	"github.com/redthread/redthread/links/redisstore"
)

func init() {
	commands["submit"] = command{summary: "queue listings for cluster workers (NATS JetStream)", run: runSubmit}
	commands["worker"] = command{summary: "scan queued listings against a shared link registry (NATS + Redis)", run: runWorker}
	commands["collect"] = command{summary: "write the cluster's results (JSONL and/or the search index)", run: runCollect}
}

// clusterFlags name the cluster's NATS server and streams.
type clusterFlags struct {
	nats string
	name string
}

func (cf *clusterFlags) add(fs *flag.FlagSet) {
	fs.StringVar(&cf.nats, "nats", "nats://127.0.0.1:4222", "NATS server `URL` (JetStream enabled)")
	fs.StringVar(&cf.name, "cluster", "redthread", "`NAME` of the cluster's streams (NAME, NAME_RESULTS, NAME_DEAD) and Redis keys (NAME:*)")
}

func (cf *clusterFlags) connect(ctx context.Context, e *env) (*cluster.Conn, error) {
	c, err := cluster.Connect(ctx, cluster.Options{URL: cf.nats, Name: cf.name, Log: e.log})
	if err != nil {
		return nil, errs.E("cluster", errs.IO, err)
	}
	return c, nil
}

func openRedis(ctx context.Context, e *env, url, name string) (*redisstore.Store, error) {
	redisstore.LogTo(e.log)
	st, err := redisstore.Open(ctx, url, name)
	if err != nil {
		return nil, errs.E("cluster", errs.IO, err)
	}
	return st, nil
}

func runSubmit(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "submit", "--nats URL [flags] FILE|DIR|- ...")
	var cf clusterFlags
	cf.add(fs)
	maxBytes := fs.Int("max-bytes", corpus.DefaultMaxListingBytes, "largest listing to read, in bytes")
	quiet := fs.Bool("q", false, "no summary on stderr")
	paths, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return fmt.Errorf("%w: name at least one input file, folder, or - for stdin", errUsage)
	}
	if err := checkInputs("submit", paths); err != nil {
		return err
	}
	c, err := cf.connect(ctx, e)
	if err != nil {
		return err
	}
	defer c.Close()
	st, err := cluster.Submit(ctx, c, readAll(ctx, e, paths, corpus.Options{MaxListingBytes: *maxBytes}))
	if !*quiet {
		fmt.Fprintln(e.stderr, st)
	}
	if err != nil {
		return errs.E("submit", errs.IO, err)
	}
	if st.Submitted+st.Duplicates == 0 {
		return errs.E("submit", errs.Invalid, "nothing could be submitted")
	}
	return nil
}

func runWorker(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "worker", "--nats URL --redis URL [flags]")
	var cf clusterFlags
	cf.add(fs)
	redisURL := fs.String("redis", "redis://127.0.0.1:6379/0", "Redis `URL` of the shared link registry (run it with --appendonly yes)")
	var data dataFlags
	addDataFlags(fs, &data)
	var lf linkFlags
	addLinkFlags(fs, &lf)
	workers := fs.Int("workers", 0, "parallel scan goroutines (default: one per core)")
	batch := fs.Int("batch", 64, "listings taken, scanned and acknowledged together")
	maxDeliver := fs.Int("max-deliver", 4, "deliveries of a failing listing before it goes to the dead-letter stream NAME_DEAD")
	ackWait := fs.Duration("ack-wait", 2*time.Minute, "how long a batch may take before the server gives it to another worker")
	relinkDelay := fs.Duration("relink-delay", 30*time.Second, "how long an earlier listing's relink may wait while listings keep arriving (one relink serves every later change)")
	embed := fs.Bool("embed-listing", false, "include each listing in its result (for collect --index)")
	tmp := fs.String("tmp", "", "folder for the scanner's temporary files (default: the system's)")
	metrics := fs.String("metrics", "", "serve /healthz and Prometheus counters on `ADDR` (e.g. 127.0.0.1:9464)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if lf.dir != "" || lf.off {
		return fmt.Errorf("%w: a worker links against the Redis registry (--redis); --links and --no-links are for scan", errUsage)
	}
	x, pack, err := data.load()
	if err != nil {
		return err
	}
	lcfg, err := lf.config(e)
	if err != nil {
		return err
	}
	c, err := cf.connect(ctx, e)
	if err != nil {
		return err
	}
	defer c.Close()
	st, err := openRedis(ctx, e, *redisURL, cf.name)
	if err != nil {
		return err
	}
	defer st.Close()
	var m *cluster.Metrics
	if *metrics != "" {
		m = cluster.NewMetrics("redthread_worker")
		addr, err := m.Serve(ctx, *metrics, e.log)
		if err != nil {
			return errs.E("worker", errs.IO, err)
		}
		e.log.Info("metrics", "addr", "http://"+addr+"/metrics")
	}
	return cluster.RunWorker(ctx, cluster.WorkerConfig{Conn: c, Store: st, Extractor: x, Pack: pack, Links: lcfg, Workers: *workers,
		Batch: *batch, MaxDeliver: *maxDeliver, AckWait: *ackWait, RelinkDelay: *relinkDelay, EmbedListing: *embed, TempDir: *tmp, Metrics: m, Log: e.log})
}

func runCollect(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "collect", "--nats URL [-o FILE] [--index DIR] [flags]")
	var cf clusterFlags
	cf.add(fs)
	out := fs.String("o", "", "write results to `FILE` (one final result per listing) instead of stdout (revisions as lines starting {\"revised\":true)")
	indexDir := fs.String("index", "", "also add the results to the search index in `DIR` (workers need --embed-listing)")
	redisURL := fs.String("redis", "", "Redis `URL` of the registry: with --idle, also wait for the relink queue to empty")
	idle := fs.Duration("idle", 0, "stop once nothing is queued, in flight or arriving for this long (0: run until SIGTERM)")
	metrics := fs.String("metrics", "", "serve /healthz and Prometheus counters on `ADDR`")
	quiet := fs.Bool("q", false, "no summary on stderr")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkOutputDir(*out); err != nil {
		return err
	}
	c, err := cf.connect(ctx, e)
	if err != nil {
		return err
	}
	defer c.Close()
	cfg := cluster.CollectConfig{Conn: c, Idle: *idle, Log: e.log}
	if *redisURL != "" {
		st, err := openRedis(ctx, e, *redisURL, cf.name)
		if err != nil {
			return err
		}
		defer st.Close()
		cfg.Store = st
	}
	if *metrics != "" {
		cfg.Metrics = cluster.NewMetrics("redthread_collect")
		addr, err := cfg.Metrics.Serve(ctx, *metrics, e.log)
		if err != nil {
			return errs.E("collect", errs.IO, err)
		}
		e.log.Info("metrics", "addr", "http://"+addr+"/metrics")
	}
	sink, err := openOutput(e, *out)
	if err != nil {
		return err
	}
	toIndex := func(*corpus.Result) error { return nil }
	closeIndex := func() error { return nil }
	if *indexDir != "" {
		ti, ci, err := openIndexWriter(ctx, e, *indexDir)
		if err != nil {
			sink.close(false)
			return err
		}
		toIndex, closeIndex = ti, ci
	}
	pos := map[string]int{}
	revs := &lastRevisions{sink: sink, at: map[int][2]int64{}}
	cfg.Emit = func(line []byte, revised bool) error {
		var r *corpus.Result
		if *indexDir != "" || (revised && sink.f != nil) {
			var err error
			if r, err = corpus.ParseResult(bytes.TrimSpace(line), false); err != nil {
				return err
			}
			if err := toIndex(r); err != nil { // replaces the listing's document
				return err
			}
			r.Listing = nil
		}
		if !revised {
			if sink.f != nil {
				pos[string(idOf(line))] = len(pos)
			}
			_, err := sink.w.Write(line)
			return err
		}
		if sink.f != nil { // folded into the file at the end
			r.Revised = true
			return revs.put(pos[r.ID], r)
		}
		if !bytes.HasPrefix(line, []byte(`{"id":`)) {
			return fmt.Errorf("result line without its id first")
		}
		_, err := sink.w.Write(append([]byte(corpus.RevisionPrefix), line[len(`{"id":`):]...))
		return err
	}
	cfg.Flush = func() error { // lines go straight to the file or stdout
		if sink.f != nil {
			return sink.f.Sync()
		}
		return nil
	}
	st, err := cluster.Collect(ctx, cfg)
	if !*quiet {
		fmt.Fprintln(e.stderr, st)
	}
	if cerr := closeIndex(); err == nil {
		err = cerr
	}
	if rerr := revs.finish(); err == nil {
		err = rerr
	}
	// The results written were acknowledged: keep the file whatever
	// stopped the collector.
	if cerr := sink.close(true); err == nil {
		err = cerr
	}
	if err != nil {
		return errs.E("collect", errs.IO, err)
	}
	return nil
}

// idOf returns the listing ID of a result line.
func idOf(line []byte) []byte {
	r, err := corpus.ParseResult(bytes.TrimSpace(line), false)
	if err != nil {
		return nil
	}
	return []byte(r.ID)
}

// lastRevisions keeps the revisions collect writes to a file: a listing
// may be revised several times, in any order of positions; the file keeps
// its last. Revisions are spooled to a temporary file and, at the end, the
// last one of each position is handed to the output in position order.
type lastRevisions struct {
	sink *output
	f    *os.File
	end  int64
	at   map[int][2]int64 // position -> offset, length of its last revision
}

func (lr *lastRevisions) put(pos int, r *corpus.Result) error {
	if lr.f == nil {
		f, err := os.CreateTemp(filepath.Dir(lr.sink.f.Name()), ".collect-revisions-*")
		if err != nil {
			return err
		}
		lr.f = f
	}
	b, err := corpus.MarshalJSONLine(r)
	if err != nil {
		return err
	}
	if _, err := lr.f.Write(b); err != nil {
		return err
	}
	lr.at[pos] = [2]int64{lr.end, int64(len(b))}
	lr.end += int64(len(b))
	return nil
}

// finish passes the last revision of each position to the output.
func (lr *lastRevisions) finish() error {
	if lr.f == nil {
		return nil
	}
	defer func() {
		lr.f.Close()
		os.Remove(lr.f.Name())
	}()
	for _, p := range slices.Sorted(maps.Keys(lr.at)) {
		a := lr.at[p]
		b := make([]byte, a[1])
		if _, err := lr.f.ReadAt(b, a[0]); err != nil {
			return err
		}
		r, err := corpus.ParseResult(bytes.TrimSpace(b), false)
		if err != nil {
			return err
		}
		r.Revised = true
		if err := lr.sink.revise(p, r); err != nil {
			return err
		}
	}
	return nil
}
