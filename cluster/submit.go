package cluster

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"iter"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/redthread/redthread/corpus"
)

// SubmitStats counts what Submit did.
type SubmitStats struct {
	Read       int // records read, good and bad
	Submitted  int // listings newly queued
	Duplicates int // listings already queued (same ID and content within the dedup window)
	Skipped    int // bad records, reported and skipped
}

func (s SubmitStats) String() string {
	return fmt.Sprintf("submitted %d listings (%d already queued); %d skipped", s.Submitted, s.Duplicates, s.Skipped)
}

// submitWindow bounds the publishes waiting for their acknowledgement.
const submitWindow = 2048

// ListingKey returns a listing's message ID: its ID (derived as the
// scanner derives it when the listing has none) and a hash of its content.
// It sets l.ID when empty.
func ListingKey(l *corpus.Listing) ([]byte, string, error) {
	if l.ID == "" {
		c := *l
		if c.Body == "" && c.HTML != "" {
			c.Body = corpus.TextFromHTML(c.HTML)
		}
		c.EnsureID()
		l.ID = c.ID
	}
	data, err := corpus.MarshalJSONLine(l)
	if err != nil {
		return nil, "", err
	}
	sum := sha256.Sum256(data)
	return data, l.ID + ":" + hex.EncodeToString(sum[:8]), nil
}

// Submit publishes every listing of in to the listings stream, in order,
// and waits until the server has stored each. Bad records are logged,
// counted and skipped.
func Submit(ctx context.Context, c *Conn, in iter.Seq[corpus.Record]) (SubmitStats, error) {
	var st SubmitStats
	log := c.opt.Log
	var futs []jetstream.PubAckFuture
	wait := func() error {
		if len(futs) == 0 {
			return nil
		}
		select {
		case <-c.js.PublishAsyncComplete():
		case <-ctx.Done():
			return ctx.Err()
		}
		for _, f := range futs {
			select {
			case ack := <-f.Ok():
				if ack.Duplicate {
					st.Duplicates++
				} else {
					st.Submitted++
				}
			case err := <-f.Err():
				return fmt.Errorf("submit: %w", err)
			}
		}
		futs = futs[:0]
		return nil
	}
	for rec := range in {
		st.Read++
		if rec.Err != nil {
			log.Warn("skipped", "err", rec.Err)
			st.Skipped++
			continue
		}
		data, key, err := ListingKey(rec.Listing)
		if err != nil {
			log.Warn("skipped", "id", rec.Listing.ID, "err", err)
			st.Skipped++
			continue
		}
		msg := &nats.Msg{Subject: c.subjListings(), Data: data, Header: nats.Header{}}
		msg.Header.Set(HeaderKey, key)
		f, err := c.js.PublishMsgAsync(msg, jetstream.WithMsgID(key))
		if err != nil {
			return st, fmt.Errorf("submit: %w", err)
		}
		futs = append(futs, f)
		if len(futs) == submitWindow {
			if err := wait(); err != nil {
				return st, err
			}
		}
		if ctx.Err() != nil {
			return st, ctx.Err()
		}
	}
	return st, wait()
}
