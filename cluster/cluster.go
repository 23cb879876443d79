// Package cluster runs redthread's scan on several machines: listings on a
// NATS JetStream stream, any number of workers that scan them against one
// link registry in Redis (package links/redisstore), and a collector that
// writes the results. The pipeline is the scanner's (package scanner) and
// the links are decided by the same code as in one process (package links),
// so the collected results equal a single `redthread scan` of the same
// input: same indicators, scores, evidence and link sets.
//
// The parts:
//
//   - Submit publishes listings to the stream NAME (subject NAME.listings),
//     each with the message ID "listing ID:content hash", so a listing
//     submitted again within the deduplication window is not queued twice.
//     The stream keeps listings (limits retention, MaxAge): a listing's
//     sequence number in it is its global ordinal — submission order, the
//     order a single scan would read — and its text stays available for
//     relinking.
//   - Workers share one durable pull consumer on it (NAME_workers,
//     explicit acknowledgement): each batch goes to one worker, which
//     extracts features, writes the batch's registry entries to Redis,
//     fetches every entry that shares a contact, a band bucket or (with
//     photos) a photo with the batch, links and scores, publishes the
//     results to NAME_RESULTS and waits for the server's acknowledgement,
//     queues relinks (below), and only then acknowledges the listings. A
//     worker that dies mid-batch leaves its batch unacknowledged: it is
//     delivered again after AckWait and scanned again by another worker.
//   - Links found later reach earlier results: when a listing links to one
//     scanned before (or makes a contact group grow beyond the generic
//     limit), the earlier listing's ordinal goes into a relink queue in
//     Redis (a sorted set: requested twice before it is taken, it is
//     relinked once; taken with a lease, so a relink lost with a worker is
//     taken again). A relink reads the listing back from the stream by its
//     sequence number and scans it again against the registry as it is
//     then; its result is published like any other.
//   - Every link computation takes a ticket (a Redis counter) after the
//     entries it depends on are written and before it reads the registry.
//     The computation of a listing with the highest ticket saw every entry
//     that any computation of it saw, and every entry that changes its
//     links queues a relink that takes a higher ticket than the entry's
//     write: so the result with the highest ticket is the final one,
//     whatever order results arrive in. Collect keeps, per listing, only a
//     result with a higher ticket than the one it has (a redelivered
//     listing's result is a duplicate or an older view: dropped).
//   - A listing that fails (an extractor panics) is delivered again, up to
//     MaxDeliver times, then published to NAME_DEAD with the reason and
//     terminated; the rest goes on. Redis or NATS errors are not the
//     listing's fault: the worker keeps the batch (telling the server it is
//     in progress) and retries until the services answer again.
package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Header names on the streams' messages.
const (
	HeaderKey    = "Rt-Key"    // listing ID + ":" + content hash
	HeaderOrd    = "Rt-Ord"    // the listing's global ordinal (sequence in the listings stream)
	HeaderTicket = "Rt-Ticket" // the ticket of the link computation that made a result
	HeaderReason = "Rt-Reason" // why a listing was dead-lettered
)

// Options name the cluster's streams and how they keep messages.
type Options struct {
	// URL of the NATS server(s) ("nats://127.0.0.1:4222").
	URL string
	// Name prefixes the streams and consumers ("" : "redthread"): NAME
	// (listings), NAME_RESULTS, NAME_DEAD; consumers NAME_workers and
	// NAME_collect. Letters, digits, '-' and '_' only.
	Name string
	// MaxAge is how long listings are kept for relinking (0: 7 days).
	MaxAge time.Duration
	// Dedup is the window in which a listing submitted again is dropped
	// (0: 24 hours).
	Dedup time.Duration
	Log   *slog.Logger
}

// Conn is a connection to the cluster's streams.
type Conn struct {
	opt      Options
	nc       *nats.Conn
	js       jetstream.JetStream
	listings jetstream.Stream
	results  jetstream.Stream
	dead     jetstream.Stream
}

// Names of the streams and subjects.
func (c *Conn) subjListings() string { return c.opt.Name + ".listings" }
func (c *Conn) subjResults() string  { return c.opt.Name + ".results" }
func (c *Conn) subjDead() string     { return c.opt.Name + ".dead" }
func (c *Conn) workersName() string  { return c.opt.Name + "_workers" }
func (c *Conn) collectName() string  { return c.opt.Name + "_collect" }

// Connect connects to NATS and creates (or updates) the streams.
func Connect(ctx context.Context, opt Options) (*Conn, error) {
	if opt.Name == "" {
		opt.Name = "redthread"
	}
	for _, r := range opt.Name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return nil, fmt.Errorf("cluster name %q: use letters, digits, - and _ only", opt.Name)
		}
	}
	if opt.MaxAge <= 0 {
		opt.MaxAge = 7 * 24 * time.Hour
	}
	if opt.Dedup <= 0 {
		opt.Dedup = 24 * time.Hour
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.URL == "" {
		opt.URL = nats.DefaultURL
	}
	log := opt.Log
	nc, err := nats.Connect(opt.URL, nats.Name("redthread"), nats.MaxReconnects(-1), nats.ReconnectWait(500*time.Millisecond),
		nats.Timeout(3*time.Second),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("nats: disconnected", "err", err)
			}
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) { log.Info("nats: reconnected", "url", nc.ConnectedUrlRedacted()) }))
	if err != nil {
		return nil, fmt.Errorf("connect to nats %s: %w (start one with: nats-server -js)", opt.URL, err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	c := &Conn{opt: opt, nc: nc, js: js}
	cfgs := []jetstream.StreamConfig{
		{Name: opt.Name, Subjects: []string{c.subjListings()}, Retention: jetstream.LimitsPolicy, MaxAge: opt.MaxAge,
			Duplicates: opt.Dedup, Storage: jetstream.FileStorage, Description: "redthread listings (the sequence is the global order)"},
		{Name: opt.Name + "_RESULTS", Subjects: []string{c.subjResults()}, Retention: jetstream.LimitsPolicy, MaxAge: opt.MaxAge,
			Storage: jetstream.FileStorage, Description: "redthread scan results (highest Rt-Ticket per listing is final)"},
		{Name: opt.Name + "_DEAD", Subjects: []string{c.subjDead()}, Retention: jetstream.LimitsPolicy, MaxAge: opt.MaxAge,
			Storage: jetstream.FileStorage, Description: "redthread listings that failed MaxDeliver times (Rt-Reason)"},
	}
	streams := make([]jetstream.Stream, len(cfgs))
	for i, sc := range cfgs {
		s, err := js.CreateOrUpdateStream(ctx, sc)
		if err != nil {
			nc.Close()
			return nil, fmt.Errorf("create stream %s: %w (is JetStream enabled? nats-server -js)", sc.Name, err)
		}
		streams[i] = s
	}
	c.listings, c.results, c.dead = streams[0], streams[1], streams[2]
	return c, nil
}

// Close drains and closes the connection.
func (c *Conn) Close() {
	if err := c.nc.Drain(); err != nil {
		c.nc.Close()
	}
}

// Delete removes the cluster's streams (tests, and starting over).
func (c *Conn) Delete(ctx context.Context) error {
	var errAll error
	for _, n := range []string{c.opt.Name, c.opt.Name + "_RESULTS", c.opt.Name + "_DEAD"} {
		if err := c.js.DeleteStream(ctx, n); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
			errAll = errors.Join(errAll, err)
		}
	}
	return errAll
}

// splitKey returns the listing ID of a key "ID:hash".
func splitKey(key string) string {
	if i := strings.LastIndexByte(key, ':'); i >= 0 {
		return key[:i]
	}
	return key
}

func headerUint(h nats.Header, name string) uint64 {
	v, _ := strconv.ParseUint(h.Get(name), 10, 64)
	return v
}

// Pending returns how many listings wait for a worker or are being
// scanned (not yet acknowledged), 0 before any worker started.
func (c *Conn) Pending(ctx context.Context) (uint64, error) {
	cons, err := c.listings.Consumer(ctx, c.workersName())
	if errors.Is(err, jetstream.ErrConsumerNotFound) {
		info, err := c.listings.Info(ctx)
		if err != nil {
			return 0, err
		}
		return info.State.Msgs, nil
	}
	if err != nil {
		return 0, err
	}
	info, err := cons.Info(ctx)
	if err != nil {
		return 0, err
	}
	c.opt.Log.Debug("workers consumer", "pending", info.NumPending, "ack_pending", info.NumAckPending, "redelivered", info.NumRedelivered)
	return info.NumPending + uint64(info.NumAckPending), nil
}
