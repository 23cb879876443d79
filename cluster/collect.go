package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/redthread/redthread/links/redisstore"
)

// CollectConfig configures a collector.
type CollectConfig struct {
	Conn *Conn
	// Store, when set, lets Idle wait for the relink queue to empty too.
	Store *redisstore.Store
	// Idle, when positive, ends Collect once no result came for that long
	// and no listing, relink or result is waiting or in flight. 0: collect
	// until ctx ends.
	Idle time.Duration
	// Emit receives each result line (JSON, newline included) that is the
	// newest for its listing: revised says a line for the listing was
	// emitted before and this one replaces it.
	Emit func(line []byte, revised bool) error
	// Flush makes the emitted lines durable; results are acknowledged to
	// the server only after it returns.
	Flush   func() error
	Metrics *Metrics
	Log     *slog.Logger
}

// CollectStats counts what Collect did.
type CollectStats struct {
	Received int // result messages received
	Listings int // listings with a result
	Revised  int // results that replaced an earlier one (later links, a newer view)
	Dropped  int // duplicates and results of an older view than one already emitted
}

func (s CollectStats) String() string {
	return fmt.Sprintf("collected %d listings: %d results received, %d revisions, %d duplicates or older views dropped",
		s.Listings, s.Received, s.Revised, s.Dropped)
}

// Collect drains the results stream through a durable consumer (one
// collector per output): per listing it emits a result only when its ticket
// is higher than the one emitted before, so the last line emitted for a
// listing is its final result.
func Collect(ctx context.Context, cfg CollectConfig) (CollectStats, error) {
	var st CollectStats
	c := cfg.Conn
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Flush == nil {
		cfg.Flush = func() error { return nil }
	}
	cons, err := c.results.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{
		Durable: c.collectName(), AckPolicy: jetstream.AckExplicitPolicy, DeliverPolicy: jetstream.DeliverAllPolicy,
		AckWait: time.Minute, MaxAckPending: 100_000, Description: "redthread collect",
	})
	if err != nil {
		return st, fmt.Errorf("collect: consumer: %w", err)
	}
	m := cfg.Metrics
	received := m.Counter("results_in", "result messages received")
	emitted := m.Counter("results_written", "results written (revisions included)")
	dropped := m.Counter("dropped", "duplicate results and results of an older view dropped")
	if m != nil {
		m.Gauge("lag", "result messages not yet collected", func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			info, err := cons.Info(ctx)
			if err != nil {
				return -1
			}
			return float64(info.NumPending)
		})
		m.SetHealth(func(ctx context.Context) error {
			if !c.nc.IsConnected() {
				return errors.New("nats not connected")
			}
			return nil
		})
	}
	best := map[string]uint64{}
	last := time.Now()
	for ctx.Err() == nil {
		batch, err := cons.Fetch(512, jetstream.FetchMaxWait(time.Second))
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			log.Warn("fetch failed; retrying", "err", err)
			sleep(ctx, time.Second)
			continue
		}
		var msgs []jetstream.Msg
		for msg := range batch.Messages() {
			msgs = append(msgs, msg)
		}
		if len(msgs) == 0 {
			if cfg.Idle > 0 && time.Since(last) >= cfg.Idle {
				done, err := drained(ctx, c, cons, cfg.Store, log)
				if err != nil {
					log.Warn("cannot tell whether the cluster is idle", "err", err)
				}
				if done {
					break
				}
			}
			continue
		}
		last = time.Now()
		for _, msg := range msgs {
			st.Received++
			received.Add(1)
			h := msg.Headers()
			id := splitKey(h.Get(HeaderKey))
			ticket := headerUint(h, HeaderTicket)
			prev, seen := best[id]
			if seen && ticket <= prev {
				st.Dropped++
				dropped.Add(1)
				continue
			}
			best[id] = ticket
			if seen {
				st.Revised++
			} else {
				st.Listings++
			}
			if err := cfg.Emit(msg.Data(), seen); err != nil {
				return st, fmt.Errorf("collect: %w", err)
			}
			emitted.Add(1)
		}
		if err := cfg.Flush(); err != nil {
			return st, fmt.Errorf("collect: %w", err)
		}
		for _, msg := range msgs {
			if err := msg.Ack(); err != nil {
				log.Warn("ack failed", "err", err)
			}
		}
	}
	return st, nil
}

// drained reports whether nothing is waiting or in flight: listings,
// relinks (with a store) and results.
func drained(ctx context.Context, c *Conn, results jetstream.Consumer, st *redisstore.Store, log *slog.Logger) (bool, error) {
	n, err := c.Pending(ctx)
	if err != nil || n > 0 {
		log.Debug("not idle: listings pending", "n", n)
		return false, err
	}
	info, err := results.Info(ctx)
	if err != nil || info.NumPending > 0 || info.NumAckPending > 0 {
		return false, err
	}
	if st != nil {
		q, t, err := st.RelinkBacklog(ctx)
		if err != nil || q+t > 0 {
			return false, err
		}
	}
	// A worker publishes a batch's results before it acknowledges the
	// batch: look at the results once more.
	info, err = results.Info(ctx)
	return err == nil && info.NumPending == 0, err
}
