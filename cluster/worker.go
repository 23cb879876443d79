package cluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/errs"
	"github.com/redthread/redthread/indicators"
	"github.com/redthread/redthread/links"
	"github.com/redthread/redthread/links/redisstore"
	"github.com/redthread/redthread/rules"
	"github.com/redthread/redthread/scanner"
)

// WorkerConfig configures a worker.
type WorkerConfig struct {
	Conn      *Conn
	Store     *redisstore.Store
	Extractor *indicators.Extractor
	Pack      *rules.Pack
	// Links configures linking as for a single scan (parameters, hash
	// lists); Store is ignored: the registry is Store above.
	Links links.Config
	// Workers is the scan's goroutines (0: one per core).
	Workers int
	// Batch is how many listings (or relinks) are taken, scanned and
	// acknowledged together (0: 64).
	Batch int
	// MaxDeliver bounds the deliveries of a listing that fails: after the
	// last it goes to NAME_DEAD (0: 4).
	MaxDeliver int
	// AckWait is how long the server waits for a worker's acknowledgement
	// before delivering a listing again, and the lease of a relink (0: 2m).
	AckWait time.Duration
	// RelinkDelay is how long a relink may wait while listings keep
	// arriving (0: 30s). Relinks are taken at once when none is waiting.
	RelinkDelay  time.Duration
	EmbedListing bool   // put each listing into its result (collect --index)
	TempDir      string // the scanner's temporary files
	Metrics      *Metrics
	Log          *slog.Logger

	// beforeScan is called with every listing before it is prepared, in
	// the scan's goroutines (tests inject faults with it).
	beforeScan func(*corpus.Listing)
	// afterPut is called after a batch's entries are written, before the
	// registry is read (tests hold two workers there at once).
	afterPut func(ls []*corpus.Listing)
}

type worker struct {
	cfg  WorkerConfig
	c    *Conn
	st   *redisstore.Store
	log  *slog.Logger
	cons jetstream.Consumer

	in, scanned, linked, redelivered, failed, dead, retried, relinksQueued, relinked, results *atomic.Int64
}

// RunWorker takes listings and relinks until ctx ends. When ctx ends it
// finishes the batch in hand (or, if the services do not answer, gives it
// back to the server) and returns nil.
func RunWorker(ctx context.Context, cfg WorkerConfig) error {
	if cfg.Conn == nil || cfg.Store == nil || cfg.Extractor == nil || cfg.Pack == nil {
		return errs.E("worker", errs.Internal, "connection, registry, extractor and rule pack are required")
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 64
	}
	if cfg.MaxDeliver <= 0 {
		cfg.MaxDeliver = 4
	}
	if cfg.AckWait <= 0 {
		cfg.AckWait = 2 * time.Minute
	}
	if cfg.RelinkDelay <= 0 {
		cfg.RelinkDelay = 30 * time.Second
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	cfg.Links.Store = nil
	if cfg.Links.Log == nil {
		cfg.Links.Log = cfg.Log
	}
	c := cfg.Conn
	cons, err := c.listings.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{
		Durable: c.workersName(), AckPolicy: jetstream.AckExplicitPolicy, DeliverPolicy: jetstream.DeliverAllPolicy,
		MaxDeliver: cfg.MaxDeliver, AckWait: cfg.AckWait, MaxAckPending: 100_000,
		Description: "redthread workers: each listing to one worker",
	})
	if err != nil {
		return fmt.Errorf("worker: consumer: %w", err)
	}
	m := cfg.Metrics
	w := &worker{cfg: cfg, c: c, st: cfg.Store, log: cfg.Log, cons: cons,
		in:            m.Counter("listings_in", "listings taken from the stream"),
		scanned:       m.Counter("scanned", "listings scanned (relinks included)"),
		linked:        m.Counter("linked", "results with at least one link to another listing"),
		redelivered:   m.Counter("redelivered", "listings delivered again (a worker died or the listing failed before)"),
		failed:        m.Counter("failed", "listing scans that failed (retried, then dead-lettered)"),
		dead:          m.Counter("dead_lettered", "listings sent to the dead-letter stream"),
		retried:       m.Counter("batch_retries", "batches retried because NATS or Redis did not answer"),
		relinksQueued: m.Counter("relinks_queued", "earlier listings queued for relinking because a later one changed their links"),
		relinked:      m.Counter("relinked", "listings relinked"),
		results:       m.Counter("results_published", "results published"),
	}
	if m != nil {
		m.Gauge("redis_round_trips", "Redis round trips made by this process", func() float64 { return float64(w.st.RoundTrips()) })
		m.Gauge("lag", "listings waiting for a worker or in flight", func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			n, _ := c.Pending(ctx)
			return float64(n)
		})
		m.SetHealth(func(ctx context.Context) error {
			if !c.nc.IsConnected() {
				return errors.New("nats not connected")
			}
			return w.st.Ping(ctx)
		})
	}
	w.log.Info("worker started", "stream", c.opt.Name, "batch", cfg.Batch)
	idle := false
	for ctx.Err() == nil {
		// Relinks wait while listings arrive (so that one relink serves
		// every later listing that changed the same earlier one), at most
		// RelinkDelay; when no listing is waiting they are taken at once.
		age := cfg.RelinkDelay
		if idle {
			age = 0
		}
		n, err := w.relinkBatch(ctx, age)
		if err != nil && ctx.Err() == nil {
			w.log.Warn("relinks failed; retrying", "err", err)
			w.retried.Add(1)
			sleep(ctx, time.Second)
			continue
		}
		wait := 500 * time.Millisecond
		if n > 0 {
			wait = 20 * time.Millisecond
		}
		batch, err := cons.Fetch(cfg.Batch, jetstream.FetchMaxWait(wait))
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			w.log.Warn("fetch failed; retrying", "err", err)
			sleep(ctx, time.Second)
			continue
		}
		var msgs []jetstream.Msg
		for msg := range batch.Messages() {
			msgs = append(msgs, msg)
		}
		if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) && len(msgs) == 0 && ctx.Err() == nil {
			w.log.Debug("fetch", "err", err)
		}
		idle = len(msgs) == 0
		if len(msgs) > 0 {
			w.listingBatch(ctx, msgs)
		}
	}
	w.log.Info("worker stopped")
	return nil
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// batchTimeout bounds one attempt at a batch (services that hang); the
// scan itself is CPU work that a loaded machine may slow down a lot.
const batchTimeout = 10 * time.Minute

// listingBatch scans a batch of listings and acknowledges them, retrying
// while NATS or Redis fail. When ctx ends during a retry, the batch is
// given back to the server (Nak).
func (w *worker) listingBatch(ctx context.Context, msgs []jetstream.Msg) {
	type job struct {
		msg jetstream.Msg
		l   *corpus.Listing
		md  *jetstream.MsgMetadata
	}
	var jobs []job
	for _, msg := range msgs {
		w.in.Add(1)
		md, err := msg.Metadata()
		if err != nil {
			w.log.Error("message without metadata", "err", err)
			msg.Term()
			continue
		}
		if md.NumDelivered > 1 {
			w.redelivered.Add(1)
		}
		l, err := corpus.ParseListingJSON(msg.Data())
		if err != nil {
			w.deadLetter(ctx, msg, md.Sequence.Stream, "unreadable listing: "+err.Error())
			continue
		}
		jobs = append(jobs, job{msg: msg, l: l, md: md})
	}
	if len(jobs) == 0 {
		return
	}
	// While the batch is in hand, tell the server so every third of
	// AckWait: a slow batch (a loaded machine, services retried) is not
	// given to another worker; a dead worker's is, after AckWait.
	stopBeat := make(chan struct{})
	defer close(stopBeat)
	go func() {
		t := time.NewTicker(max(w.cfg.AckWait/3, 100*time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-stopBeat:
				return
			case <-t.C:
				for _, j := range jobs {
					j.msg.InProgress()
				}
			}
		}
	}()
	backoff := 200 * time.Millisecond
	for attempt := 0; ; attempt++ {
		// The batch in hand is finished even when ctx ends (SIGTERM), within
		// batchTimeout.
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), batchTimeout)
		err := func() error {
			ls := make([]*corpus.Listing, len(jobs))
			ordOf := map[*corpus.Listing]uint64{}
			for i, j := range jobs {
				c := *j.l // a fresh copy each attempt: the scanner fills in the listing
				ls[i] = &c
				ordOf[&c] = j.md.Sequence.Stream
			}
			out, err := w.scan(actx, ls, ordOf, false, 0)
			if err != nil {
				return err
			}
			var pubs []*nats.Msg
			for i, l := range ls {
				if r := out.results[l]; r != nil {
					pubs = append(pubs, w.resultMsg(r, jobs[i].msg.Headers().Get(HeaderKey), ordOf[l], out.ticket))
				}
			}
			if err := w.publish(actx, pubs); err != nil {
				return err
			}
			if len(out.touched) > 0 {
				if err := w.st.QueueRelinks(actx, out.touched); err != nil {
					return err
				}
				w.relinksQueued.Add(int64(len(out.touched)))
			}
			for i, l := range ls {
				j := jobs[i]
				if out.results[l] != nil {
					if err := j.msg.Ack(); err != nil {
						// The result is published; a redelivery makes a duplicate that collect drops.
						w.log.Warn("ack failed", "ord", j.md.Sequence.Stream, "err", err)
					}
					continue
				}
				w.failed.Add(1)
				reason := out.failed[l]
				if int(j.md.NumDelivered) >= w.cfg.MaxDeliver {
					w.deadLetter(actx, j.msg, j.md.Sequence.Stream, reason)
				} else {
					w.log.Warn("listing failed; it will be delivered again", "id", l.ID, "delivery", j.md.NumDelivered, "reason", reason)
					j.msg.NakWithDelay(time.Duration(j.md.NumDelivered) * 500 * time.Millisecond)
				}
			}
			return nil
		}()
		cancel()
		if err == nil {
			return
		}
		w.retried.Add(1)
		w.log.Warn("batch failed; retrying", "listings", len(jobs), "attempt", attempt+1, "err", err)
		if ctx.Err() != nil {
			for _, j := range jobs {
				j.msg.Nak()
			}
			return
		}
		sleep(ctx, backoff)
		backoff = min(2*backoff, 5*time.Second)
	}
}

// relinkBatch takes up to Batch relinks and scans their listings again.
// It returns how many it took.
func (w *worker) relinkBatch(ctx context.Context, olderThan time.Duration) (int, error) {
	ords, ticket, err := w.st.TakeRelinks(ctx, w.cfg.Batch, w.cfg.AckWait, olderThan)
	if err != nil || len(ords) == 0 {
		return 0, err
	}
	backoff := 200 * time.Millisecond
	for {
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), batchTimeout)
		err := w.relink(actx, ords, ticket)
		cancel()
		if err == nil {
			return len(ords), nil
		}
		w.retried.Add(1)
		w.log.Warn("relink batch failed; retrying", "listings", len(ords), "err", err)
		if ctx.Err() != nil {
			return len(ords), nil // the lease runs out and another worker takes them
		}
		sleep(ctx, backoff)
		backoff = min(2*backoff, 5*time.Second)
	}
}

func (w *worker) relink(ctx context.Context, ords []uint64, ticket uint64) error {
	var ls []*corpus.Listing
	keys := map[*corpus.Listing]string{}
	ordOf := map[*corpus.Listing]uint64{}
	for _, o := range ords {
		raw, err := w.c.listings.GetMsg(ctx, o)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			w.log.Warn("relink: listing no longer in the stream (older than its MaxAge); not relinked", "ord", o)
			continue
		}
		if err != nil {
			return fmt.Errorf("relink: read listing %d: %w", o, err)
		}
		l, err := corpus.ParseListingJSON(raw.Data)
		if err != nil {
			continue // dead-lettered when it was first taken
		}
		ls = append(ls, l)
		keys[l] = raw.Header.Get(HeaderKey)
		ordOf[l] = o
	}
	if len(ls) > 0 {
		out, err := w.scan(ctx, ls, ordOf, true, ticket)
		if err != nil {
			return err
		}
		var pubs []*nats.Msg
		for _, l := range ls {
			if r := out.results[l]; r != nil {
				pubs = append(pubs, w.resultMsg(r, keys[l], ordOf[l], ticket))
			}
		}
		if err := w.publish(ctx, pubs); err != nil {
			return err
		}
		w.relinked.Add(int64(len(pubs)))
	}
	return w.st.DoneRelinks(ctx, ords)
}

// scanned is what scanning a batch gave.
type scanOut struct {
	results map[*corpus.Listing]*corpus.Result
	failed  map[*corpus.Listing]string
	touched []uint64
	ticket  uint64
}

// scan runs the scanner over ls, linked against the shared registry. An
// error means the batch could not be linked (Redis) and must be retried;
// listings that failed on their own are in failed, with the reason.
func (w *worker) scan(ctx context.Context, ls []*corpus.Listing, ordOf map[*corpus.Listing]uint64, relink bool, ticket uint64) (scanOut, error) {
	out := scanOut{results: map[*corpus.Listing]*corpus.Result{}, failed: map[*corpus.Listing]string{}}
	lk, err := newBatchLinker(ctx, w.st, w.cfg.Links, ordOf, relink, ticket)
	if err != nil {
		return out, errs.E("worker", errs.Config, err)
	}
	lk.afterPut = w.cfg.afterPut
	var linker scanner.Linker = lk
	if w.cfg.beforeScan != nil {
		linker = hookLinker{lk, w.cfg.beforeScan}
	}
	sc, err := scanner.New(scanner.Config{Extractor: w.cfg.Extractor, Pack: w.cfg.Pack, Linker: linker, Workers: w.cfg.Workers,
		EmbedListing: w.cfg.EmbedListing, Log: w.log, Batch: len(ls), TempDir: w.cfg.TempDir})
	if err != nil {
		return out, err
	}
	var res []*corpus.Result
	seq := func(yield func(corpus.Record) bool) {
		for _, l := range ls {
			if !yield(corpus.Record{Listing: l}) {
				return
			}
		}
	}
	sum, err := sc.Scan(ctx, seq, func(r *corpus.Result) error { res = append(res, r); return nil })
	if lk.err != nil {
		return out, lk.err
	}
	if err != nil {
		return out, err
	}
	j := 0
	for _, l := range ls {
		if j < len(res) && res[j].ID == l.ID {
			out.results[l] = res[j]
			j++
			continue
		}
		out.failed[l] = failReason(sum.Errors, l.ID)
	}
	w.scanned.Add(int64(len(res)))
	for _, r := range res {
		for _, h := range r.Indicators {
			if len(h.Linked) > 0 {
				w.linked.Add(1)
				break
			}
		}
	}
	out.touched = lk.Touched()
	out.ticket = lk.ticket
	return out, nil
}

// failReason finds the scanner's error for listing id.
func failReason(es []error, id string) string {
	for _, err := range es {
		var e *errs.Error
		if errors.As(err, &e) && e.Op == "scan "+id {
			return err.Error()
		}
	}
	return "skipped by the scanner"
}

func (w *worker) resultMsg(r *corpus.Result, key string, ord, ticket uint64) *nats.Msg {
	var buf bytes.Buffer
	cw := corpus.NewWriter(&buf)
	if err := cw.Write(r); err == nil {
		cw.Flush()
	}
	m := &nats.Msg{Subject: w.c.subjResults(), Data: buf.Bytes(), Header: nats.Header{}}
	m.Header.Set(HeaderKey, key)
	m.Header.Set(HeaderOrd, strconv.FormatUint(ord, 10))
	m.Header.Set(HeaderTicket, strconv.FormatUint(ticket, 10))
	return m
}

// publish publishes messages and waits until the server stored each.
func (w *worker) publish(ctx context.Context, msgs []*nats.Msg) error {
	futs := make([]jetstream.PubAckFuture, 0, len(msgs))
	for _, m := range msgs {
		f, err := w.c.js.PublishMsgAsync(m)
		if err != nil {
			return fmt.Errorf("publish results: %w", err)
		}
		futs = append(futs, f)
	}
	for _, f := range futs {
		select {
		case <-f.Ok():
		case err := <-f.Err():
			return fmt.Errorf("publish results: %w", err)
		case <-ctx.Done():
			return fmt.Errorf("publish results: %w", ctx.Err())
		}
	}
	w.results.Add(int64(len(msgs)))
	return nil
}

// deadLetter publishes a listing that cannot be scanned to NAME_DEAD with
// its reason, and terminates its delivery.
func (w *worker) deadLetter(ctx context.Context, msg jetstream.Msg, ord uint64, reason string) {
	m := &nats.Msg{Subject: w.c.subjDead(), Data: msg.Data(), Header: nats.Header{}}
	m.Header.Set(HeaderKey, msg.Headers().Get(HeaderKey))
	m.Header.Set(HeaderOrd, strconv.FormatUint(ord, 10))
	m.Header.Set(HeaderReason, strings.ToValidUTF8(reason, "?"))
	if _, err := w.c.js.PublishMsg(ctx, m); err != nil {
		w.log.Error("dead letter not published; the listing will be delivered again", "ord", ord, "err", err)
		msg.Nak()
		return
	}
	w.dead.Add(1)
	w.log.Warn("listing dead-lettered", "ord", ord, "reason", reason)
	if err := msg.Term(); err != nil { // (TermWithReason needs nats-server 2.10)
		w.log.Warn("term failed", "ord", ord, "err", err)
	}
}

// hookLinker calls a hook before preparing each listing.
type hookLinker struct {
	*batchLinker
	before func(*corpus.Listing)
}

func (h hookLinker) Prepare(ctx context.Context, l *corpus.Listing, f *indicators.Features) {
	h.before(l)
	h.batchLinker.Prepare(ctx, l, f)
}
