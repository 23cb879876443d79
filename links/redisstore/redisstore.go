// Package redisstore keeps a link registry shared by many workers in Redis
// (cluster mode, `redthread worker --redis URL`).
//
// Layout, every key under one prefix P (default "redthread"):
//
//	P:e            hash   ordinal -> the listing's registry entry (links.Entry, JSON)
//	P:id           hash   listing ID -> highest ordinal entered with that ID
//	P:c:<hex64>    set    ordinals of the entries with that contact key hash
//	P:b:<hex32>    set    ordinals of the entries with that MinHash band key
//	P:ph           set    ordinals of the entries with photo hashes
//	P:pb:<i>:<hex> set    ordinals of the entries with a PDQ hash (whole
//	                      photo, orientation, window or mask) whose 16-bit
//	                      block i (0-15) has that value: two hashes within
//	                      15 bits agree on at least one block (the photo
//	                      multi-index of a single process, in Redis)
//	P:pp           set    ordinals of the entries with a photo that has a
//	                      pHash and no PDQ (a hash given by the source)
//	P:clock        counter: tickets that order link computations (see Ticket)
//	P:rq           sorted set: ordinals waiting for a relink, by request time (QueueRelinks)
//	P:rqp          sorted set: relinks taken, by lease expiry (TakeRelinks, DoneRelinks)
//
// An entry's ordinal is its global position: in cluster mode the sequence
// number of its listing in the work stream, i.e. the order listings were
// submitted, so that "the first listings of a group" mean the same as in a
// single-process scan. Entries are immutable: writing one again (a
// redelivered listing) writes the same values. An entry is written before
// its keys' sets (one pipeline, executed in order), so an ordinal found in
// a set always has its entry.
//
// Every call counts its Redis round trips (RoundTrips): a pipeline is one.
package redisstore

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/redthread/redthread/links"
	"github.com/redthread/redthread/photohash"
)

// Store is a shared link registry in Redis. It is safe for concurrent use.
//
// It is also a links.Store (Load, Append, Close) for a single process —
// `scan --links redis://HOST:PORT/DB` — that keeps its registry in Redis
// instead of a folder: Append numbers entries from the counter P:seq and
// indexes them like a worker does (with the default link parameters unless
// SetParams), Load replays them in order. A prefix holds either a
// cluster's registry (ordinals are stream sequence numbers) or such a
// scan's, not both.
type Store struct {
	rdb    *redis.Client
	prefix string
	trips  atomic.Int64
	params links.Params
}

var _ links.Store = (*Store)(nil)

// Open connects to the Redis server at url ("redis://host:port/db", or
// "host:port") and checks it answers. prefix names the registry ("" :
// "redthread"); workers that share a registry use the same prefix.
func Open(ctx context.Context, url, prefix string) (*Store, error) {
	var opt *redis.Options
	if u, err := redis.ParseURL(url); err == nil {
		opt = u
	} else {
		opt = &redis.Options{Addr: url}
	}
	opt.MaxRetries = 3
	opt.DialTimeout = 2 * time.Second
	if prefix == "" {
		prefix = "redthread"
	}
	s := &Store{rdb: redis.NewClient(opt), prefix: prefix, params: links.DefaultParams()}
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		s.rdb.Close()
		return nil, fmt.Errorf("link registry: redis %s: %w (start one with: redis-server --port 6379 --appendonly yes)", opt.Addr, err)
	}
	return s, nil
}

// Close closes the connections.
func (s *Store) Close() error { return s.rdb.Close() }

// RoundTrips returns the Redis round trips made so far.
func (s *Store) RoundTrips() int64 { return s.trips.Load() }

// Ping checks the server answers.
func (s *Store) Ping(ctx context.Context) error {
	s.trips.Add(1)
	return s.rdb.Ping(ctx).Err()
}

func (s *Store) key(parts ...string) string {
	k := s.prefix
	for _, p := range parts {
		k += ":" + p
	}
	return k
}

func contactKey(s *Store, h uint64) string { return s.key("c", strconv.FormatUint(h, 16)) }
func bandKeyName(s *Store, b uint32) string {
	return s.key("b", strconv.FormatUint(uint64(b), 16))
}

// Put is one entry to write: its ordinal, the entry and its index keys
// (links.Registry.IndexKeys).
type Put struct {
	Ord      uint64
	Entry    *links.Entry
	Contacts []uint64
	Bands    []uint32
}

// maxScript records an entry's ordinal under its ID unless a higher one is
// there (a listing submitted again with changed content replaces the
// earlier entry, as in a single-process registry).
const maxScript = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if (not cur) or tonumber(cur) < tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
return 1`

// PutAndTicket writes the entries (each before its keys' sets) and then
// takes a ticket (Ticket), in one round trip.
func (s *Store) PutAndTicket(ctx context.Context, puts []Put) (uint64, error) {
	pipe := s.rdb.Pipeline()
	for _, p := range puts {
		b, err := json.Marshal(p.Entry)
		if err != nil {
			return 0, fmt.Errorf("link registry: encode entry: %w", err)
		}
		ord := strconv.FormatUint(p.Ord, 10)
		pipe.HSet(ctx, s.key("e"), ord, b)
		pipe.Eval(ctx, maxScript, []string{s.key("id")}, p.Entry.ID, ord)
		for _, c := range p.Contacts {
			pipe.SAdd(ctx, contactKey(s, c), ord)
		}
		for _, bk := range p.Bands {
			pipe.SAdd(ctx, bandKeyName(s, bk), ord)
		}
		if links.HasPhotos(p.Entry) {
			pipe.SAdd(ctx, s.key("ph"), ord)
		}
		pk := PhotoKeysOf(p.Entry)
		for _, b := range pk.Blocks {
			pipe.SAdd(ctx, s.key("pb", b), ord)
		}
		if pk.PHashOnly {
			pipe.SAdd(ctx, s.key("pp"), ord)
		}
	}
	incr := pipe.Incr(ctx, s.key("clock"))
	s.trips.Add(1)
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, fmt.Errorf("link registry: write entries: %w", err)
	}
	return uint64(incr.Val()), nil
}

// Ticket returns a new ticket: tickets increase in the order they are
// taken, so of two link computations of one listing, the one with the
// higher ticket read the registry later and saw at least every entry the
// other saw.
func (s *Store) Ticket(ctx context.Context) (uint64, error) {
	s.trips.Add(1)
	v, err := s.rdb.Incr(ctx, s.key("clock")).Result()
	if err != nil {
		return 0, fmt.Errorf("link registry: ticket: %w", err)
	}
	return uint64(v), nil
}

// PhotoKeys are what a listing's photos are looked up by.
type PhotoKeys struct {
	// Blocks are the "<i>:<hex>" names of the 16-bit blocks of every PDQ
	// hash of the photos.
	Blocks []string
	// PDQ: some photo has PDQ hashes; PHashOnly: some photo has a pHash
	// and no PDQ.
	PDQ, PHashOnly bool
}

// AddPDQ adds the blocks of PDQ hashes given in hex (a query's
// orientations of its photos: links.Registry.PhotoQuery).
func (k *PhotoKeys) AddPDQ(hexes []string) {
	for _, hx := range hexes {
		if len(hx) != 64 {
			continue
		}
		k.PDQ = true
		for i := range 16 {
			k.Blocks = append(k.Blocks, strconv.Itoa(i)+":"+strings.ToLower(hx[4*i:4*i+4]))
		}
	}
	slices.Sort(k.Blocks)
	k.Blocks = slices.Compact(k.Blocks)
}

// PhotoKeysOf returns the photo keys of an entry: what it is stored under
// and, with AddPDQ of its orientations, what it is looked up by.
func PhotoKeysOf(e *links.Entry) PhotoKeys {
	var k PhotoKeys
	seen := map[string]bool{}
	for _, p := range e.Photos {
		pdq, ph := false, false
		for _, h := range p.Hashes {
			name, hx, ok := strings.Cut(h, ":")
			if !ok {
				continue
			}
			algo, _, _ := strings.Cut(name, "/")
			switch {
			case algo == photohash.AlgoPHash:
				ph = true
			case strings.HasPrefix(algo, photohash.AlgoPDQ) && len(hx) == 64:
				pdq = true
				for i := range 16 {
					b := strconv.Itoa(i) + ":" + strings.ToLower(hx[4*i:4*i+4])
					if !seen[b] {
						seen[b] = true
						k.Blocks = append(k.Blocks, b)
					}
				}
			}
		}
		k.PDQ = k.PDQ || pdq
		k.PHashOnly = k.PHashOnly || (ph && !pdq)
	}
	slices.Sort(k.Blocks)
	return k
}

// blockRadius is the largest PDQ search radius the block sets answer
// exactly: 16 blocks, so hashes within 15 bits share one.
const blockRadius = 15

// Candidates returns the ordinals of every entry that shares a contact key
// or band key with the given ones, or may hold a photo within radius bits
// of one of photos', in one round trip. Photos with PDQ hashes are looked
// up by their blocks (within blockRadius), and every entry with a
// pHash-only photo is a candidate; otherwise — a pHash-only photo, or a
// radius beyond what blocks answer — every entry with photos is.
func (s *Store) Candidates(ctx context.Context, contacts []uint64, bands []uint32, photos PhotoKeys, radius int) (map[uint64]bool, error) {
	pipe := s.rdb.Pipeline()
	var cmds []*redis.StringSliceCmd
	for _, c := range contacts {
		cmds = append(cmds, pipe.SMembers(ctx, contactKey(s, c)))
	}
	for _, b := range bands {
		cmds = append(cmds, pipe.SMembers(ctx, bandKeyName(s, b)))
	}
	switch {
	case photos.PHashOnly || (photos.PDQ && radius > blockRadius):
		cmds = append(cmds, pipe.SMembers(ctx, s.key("ph")))
	case photos.PDQ:
		for _, b := range photos.Blocks {
			cmds = append(cmds, pipe.SMembers(ctx, s.key("pb", b)))
		}
		cmds = append(cmds, pipe.SMembers(ctx, s.key("pp")))
	}
	out := map[uint64]bool{}
	if len(cmds) == 0 {
		return out, nil
	}
	s.trips.Add(1)
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("link registry: look up keys: %w", err)
	}
	for _, c := range cmds {
		for _, v := range c.Val() {
			o, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("link registry: bad ordinal %q in a key set", v)
			}
			out[o] = true
		}
	}
	return out, nil
}

// Entries reads the entries of the given ordinals and, for each, whether
// it is still its ID's newest entry (live), in one round trip. An ordinal
// without an entry is an error (entries are written before their keys).
func (s *Store) Entries(ctx context.Context, ords []uint64) (map[uint64]*links.Entry, map[uint64]bool, error) {
	es := map[uint64]*links.Entry{}
	live := map[uint64]bool{}
	if len(ords) == 0 {
		return es, live, nil
	}
	fields := make([]string, len(ords))
	for i, o := range ords {
		fields[i] = strconv.FormatUint(o, 10)
	}
	s.trips.Add(1)
	vals, err := s.rdb.HMGet(ctx, s.key("e"), fields...).Result()
	if err != nil {
		return nil, nil, fmt.Errorf("link registry: read entries: %w", err)
	}
	ids := make([]string, 0, len(ords))
	for i, v := range vals {
		str, ok := v.(string)
		if !ok {
			return nil, nil, fmt.Errorf("link registry: entry %d is missing", ords[i])
		}
		e := new(links.Entry)
		if err := json.Unmarshal([]byte(str), e); err != nil || !links.ValidEntry(e) {
			return nil, nil, fmt.Errorf("link registry: entry %d is unreadable", ords[i])
		}
		es[ords[i]] = e
		ids = append(ids, e.ID)
	}
	s.trips.Add(1)
	cur, err := s.rdb.HMGet(ctx, s.key("id"), ids...).Result()
	if err != nil {
		return nil, nil, fmt.Errorf("link registry: read IDs: %w", err)
	}
	for i, v := range cur {
		str, _ := v.(string)
		c, _ := strconv.ParseUint(str, 10, 64)
		live[ords[i]] = c <= ords[i]
	}
	return es, live, nil
}

// takeScript moves the relinks whose lease ran out back to the queue,
// takes up to ARGV[1] ordinals queued before ARGV[4] (milliseconds) under
// a lease until ARGV[2]+ARGV[3], and takes a ticket, atomically.
const takeScript = `
local exp = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[2])
for _, m in ipairs(exp) do
  redis.call('ZADD', KEYS[1], 'NX', 0, m)
  redis.call('ZREM', KEYS[2], m)
end
local got = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[4], 'LIMIT', 0, tonumber(ARGV[1]))
local out = {}
for _, m in ipairs(got) do
  redis.call('ZREM', KEYS[1], m)
  redis.call('ZADD', KEYS[2], tonumber(ARGV[2]) + tonumber(ARGV[3]), m)
  table.insert(out, m)
end
table.insert(out, redis.call('INCR', KEYS[3]))
return out`

// QueueRelinks queues a relink of each ordinal, in one round trip. The
// queue is a sorted set by the time of the first request: an ordinal
// queued again before it is taken is relinked once, and relinks can wait
// while new listings arrive (see TakeRelinks).
func (s *Store) QueueRelinks(ctx context.Context, ords []uint64) error {
	if len(ords) == 0 {
		return nil
	}
	now := float64(time.Now().UnixMilli())
	zs := make([]redis.Z, len(ords))
	for i, o := range ords {
		zs[i] = redis.Z{Score: now, Member: strconv.FormatUint(o, 10)}
	}
	s.trips.Add(1)
	if err := s.rdb.ZAddNX(ctx, s.key("rq"), zs...).Err(); err != nil {
		return fmt.Errorf("link registry: queue relinks: %w", err)
	}
	return nil
}

// TakeRelinks takes up to n relinks queued at least olderThan ago (oldest
// first) under a lease — taken again by another worker if DoneRelinks does
// not follow within it — and a ticket taken after them, in one round trip.
// A relink queued after this call is taken by a later call, whose ticket
// is higher.
func (s *Store) TakeRelinks(ctx context.Context, n int, lease, olderThan time.Duration) ([]uint64, uint64, error) {
	s.trips.Add(1)
	now := time.Now().UnixMilli()
	v, err := s.rdb.Eval(ctx, takeScript, []string{s.key("rq"), s.key("rqp"), s.key("clock")}, n, now, lease.Milliseconds(),
		now-olderThan.Milliseconds()).Slice()
	if err != nil || len(v) == 0 {
		return nil, 0, fmt.Errorf("link registry: take relinks: %w", err)
	}
	ticket, _ := v[len(v)-1].(int64)
	var ords []uint64
	for _, x := range v[:len(v)-1] {
		str, _ := x.(string)
		o, err := strconv.ParseUint(str, 10, 64)
		if err != nil {
			return nil, 0, fmt.Errorf("link registry: bad relink %q", str)
		}
		ords = append(ords, o)
	}
	return ords, uint64(ticket), nil
}

// DoneRelinks ends the leases of relinks whose results are published.
func (s *Store) DoneRelinks(ctx context.Context, ords []uint64) error {
	if len(ords) == 0 {
		return nil
	}
	ms := make([]any, len(ords))
	for i, o := range ords {
		ms[i] = strconv.FormatUint(o, 10)
	}
	s.trips.Add(1)
	if err := s.rdb.ZRem(ctx, s.key("rqp"), ms...).Err(); err != nil {
		return fmt.Errorf("link registry: relinks done: %w", err)
	}
	return nil
}

// RelinkBacklog returns the relinks queued and those taken, not yet done.
func (s *Store) RelinkBacklog(ctx context.Context) (queued, taken int64, err error) {
	pipe := s.rdb.Pipeline()
	q := pipe.ZCard(ctx, s.key("rq"))
	t := pipe.ZCard(ctx, s.key("rqp"))
	s.trips.Add(1)
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, 0, fmt.Errorf("link registry: relink backlog: %w", err)
	}
	return q.Val(), t.Val(), nil
}

// Len returns the number of entries.
func (s *Store) Len(ctx context.Context) (int64, error) {
	s.trips.Add(1)
	return s.rdb.HLen(ctx, s.key("e")).Result()
}

// Drop deletes every key of the registry (tests, and starting over).
func (s *Store) Drop(ctx context.Context) error {
	var cursor uint64
	for {
		keys, next, err := s.rdb.Scan(ctx, cursor, s.prefix+":*", 1000).Result()
		if err != nil {
			return fmt.Errorf("link registry: drop: %w", err)
		}
		if len(keys) > 0 {
			if err := s.rdb.Del(ctx, keys...).Err(); err != nil {
				return fmt.Errorf("link registry: drop: %w", err)
			}
		}
		if cursor = next; cursor == 0 {
			return nil
		}
	}
}

// LogTo sends go-redis's own messages (connection pool errors, which it
// prints on stderr by default) to log at debug level: the store's callers
// report failures themselves. It applies to the whole process.
func LogTo(log *slog.Logger) { redis.SetLogger(redisLog{log}) }

type redisLog struct{ log *slog.Logger }

func (l redisLog) Printf(ctx context.Context, format string, v ...any) {
	l.log.DebugContext(ctx, "redis: "+fmt.Sprintf(format, v...))
}

// SetParams sets the link parameters Append indexes entries with (their
// MinHash bands).
func (s *Store) SetParams(p links.Params) { s.params = p }

// Append adds entries after the last one (links.Store), in one round trip
// for the ordinals and one for the writes.
func (s *Store) Append(entries []*links.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	ctx := context.Background()
	s.trips.Add(1)
	last, err := s.rdb.IncrBy(ctx, s.key("seq"), int64(len(entries))).Result()
	if err != nil {
		return fmt.Errorf("link registry: append: %w", err)
	}
	puts := make([]Put, len(entries))
	for i, e := range entries {
		c, b := links.IndexKeys(s.params, e)
		puts[i] = Put{Ord: uint64(last) - uint64(len(entries)) + uint64(i) + 1, Entry: e, Contacts: c, Bands: b}
	}
	_, err = s.PutAndTicket(ctx, puts)
	return err
}

// Load calls fn with every entry in ordinal order (links.Store).
func (s *Store) Load(fn func(*links.Entry) error) error {
	ctx := context.Background()
	var ords []uint64
	var cursor uint64
	for {
		s.trips.Add(1)
		kv, next, err := s.rdb.HScan(ctx, s.key("e"), cursor, "*", 1000).Result()
		if err != nil {
			return fmt.Errorf("link registry: load: %w", err)
		}
		for i := 0; i < len(kv); i += 2 { // field, value (NOVALUES needs Redis 7.4)
			k := kv[i]
			o, err := strconv.ParseUint(k, 10, 64)
			if err != nil {
				return fmt.Errorf("link registry: load: bad ordinal %q", k)
			}
			ords = append(ords, o)
		}
		if cursor = next; cursor == 0 {
			break
		}
	}
	slices.Sort(ords)
	ords = slices.Compact(ords)
	for len(ords) > 0 {
		chunk := ords[:min(len(ords), 1000)]
		ords = ords[len(chunk):]
		es, _, err := s.Entries(ctx, chunk)
		if err != nil {
			return err
		}
		for _, o := range chunk {
			if err := fn(es[o]); err != nil {
				return err
			}
		}
	}
	return nil
}
