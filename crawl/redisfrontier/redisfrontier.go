// Package redisfrontier keeps a crawl's frontier on Redis, so several
// crawl processes, on one machine or many, split one crawl: each page is
// claimed by one crawler at a time and fetched once, the per-host delay
// holds across all of them, and robots.txt files are fetched once and
// shared. It implements crawl.Frontier, crawl.Pacer and crawl.RobotsCache.
//
// Every key starts with "{PREFIX}:" (a Redis Cluster hash tag, so the
// scripts' keys share a slot):
//
//	queue:listing, queue:index  lists of tasks (JSON), listing pages first
//	seen                        set of URLs ever queued
//	claims, lease               tasks being fetched (hash URL → task) and
//	                            their lease deadlines (sorted set, ms)
//	done                        hash URL → crawl.DoneRecord (JSON)
//	later                       tasks failed for a reason that may pass;
//	                            queued again when a crawler starts
//	pages, listings             hashes body SHA-256 → URL, listing ID → URL
//	robots:BASE                 a host's robots.txt ("STATUS\n" + body)
//	host:HOST                   the host's next free request slot (µs)
//
// A claim is a lease: a crawler renews its claims every Lease/3, and a
// claim whose crawler died (kill -9, power cut) expires after Lease and
// goes back to the front of the queue for another crawler. Time is read
// from the Redis server in the scripts, so crawlers' clocks need not agree.
package redisfrontier

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/redthread/redthread/crawl"
)

// Options tune a Frontier. Zero values take the defaults in the comments.
type Options struct {
	// Lease is how long a claimed page stays with its crawler without a
	// renewal; a dead crawler's pages go to others after it. Default 60s.
	Lease time.Duration
	// Poll is how often an idle crawler asks for work while others still
	// have pages in flight. Default 100ms.
	Poll time.Duration
	// Workers is the crawler's Config.Workers: while fewer listing pages
	// than twice this wait, index pages go first. Default 16.
	Workers int
	// Log receives warnings (renewal failures); nil discards them.
	Log *slog.Logger
}

// Frontier is a crawl frontier on Redis for one crawler process. Create
// one per process with New and hand it to crawl.Config.Frontier; the
// crawl closes it (the Redis client stays open).
type Frontier struct {
	rdb    redis.UniversalClient
	prefix string
	opt    Options
	log    *slog.Logger

	mu       sync.Mutex
	wake     chan struct{} // closed and replaced to wake waiting Next calls
	seen     map[string]bool
	claimed  map[string]crawl.Task // claimed by this process, renewed
	ready    []crawl.Task          // retries whose wait is over
	waiting  int                   // retries still waiting
	stopping bool
	queued   int

	stopBeat  chan struct{}
	beatDone  chan struct{}
	closeOnce sync.Once
}

var (
	_ crawl.Frontier    = (*Frontier)(nil)
	_ crawl.Pacer       = (*Frontier)(nil)
	_ crawl.RobotsCache = (*Frontier)(nil)
)

// New returns a frontier on rdb under prefix. Crawlers given the same
// prefix share one crawl; a crawl's keys stay until Delete, so running
// the crawl again resumes it.
func New(rdb redis.UniversalClient, prefix string, opt Options) (*Frontier, error) {
	if prefix == "" || strings.ContainsAny(prefix, "{}") {
		return nil, fmt.Errorf("redis frontier: prefix %q: want a non-empty name without braces", prefix)
	}
	if opt.Lease <= 0 {
		opt.Lease = time.Minute
	}
	if opt.Lease < 100*time.Millisecond {
		opt.Lease = 100 * time.Millisecond
	}
	if opt.Poll <= 0 {
		opt.Poll = 100 * time.Millisecond
	}
	if opt.Workers <= 0 {
		opt.Workers = 16
	}
	log := opt.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Frontier{rdb: rdb, prefix: prefix, opt: opt, log: log, wake: make(chan struct{}),
		seen: map[string]bool{}, claimed: map[string]crawl.Task{}}, nil
}

func (f *Frontier) key(name string) string { return "{" + f.prefix + "}:" + name }

// Delete removes every key of the crawl under prefix.
func Delete(ctx context.Context, rdb redis.UniversalClient, prefix string) error {
	var keys []string
	iter := rdb.Scan(ctx, 0, "{"+prefix+"}:*", 1000).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
		if len(keys) == 500 {
			if err := rdb.Del(ctx, keys...).Err(); err != nil {
				return err
			}
			keys = keys[:0]
		}
	}
	if err := iter.Err(); err != nil {
		return err
	}
	if len(keys) > 0 {
		return rdb.Del(ctx, keys...).Err()
	}
	return nil
}

// wireTask is a task as kept in Redis: with its attempt count, so a page
// that keeps failing is not retried without end.
type wireTask struct {
	URL     string `json:"url"`
	Depth   int    `json:"depth"`
	Listing bool   `json:"listing,omitempty"`
	Chain   int    `json:"chain,omitempty"`
	Attempt int    `json:"attempt,omitempty"`
}

func encodeTask(t crawl.Task) string {
	b, _ := json.Marshal(wireTask(t))
	return string(b)
}

func decodeTask(s string) (crawl.Task, error) {
	var w wireTask
	if err := json.Unmarshal([]byte(s), &w); err != nil {
		return crawl.Task{}, fmt.Errorf("bad task in the frontier: %w", err)
	}
	return crawl.Task(w), nil
}

// nowMS is the Redis server's time in milliseconds, for the scripts.
const nowMS = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`

// pushTask queues a task JSON on the listing or index list.
const pushTask = `local function queue(v, front)
  local ok, t = pcall(cjson.decode, v)
  local k = KEYS[2]
  if ok and t['listing'] == true then k = KEYS[1] end
  if front then redis.call('LPUSH', k, v) else redis.call('RPUSH', k, v) end
end
`

// startScript queues the later list again, then the seeds not seen.
// KEYS: queue:listing, queue:index, seen, later, done. ARGV: seed URL and
// task JSON pairs. Returns {done, queued}.
var startScript = redis.NewScript(pushTask + `
local n = redis.call('LLEN', KEYS[4])
for i = 1, n do
  local v = redis.call('LPOP', KEYS[4])
  if not v then break end
  queue(v, false)
end
for i = 1, #ARGV, 2 do
  if redis.call('SADD', KEYS[3], ARGV[i]) == 1 then queue(ARGV[i+1], false) end
end
return {redis.call('HLEN', KEYS[5]), redis.call('LLEN', KEYS[1]) + redis.call('LLEN', KEYS[2])}
`)

// claimScript first puts expired claims back at the front of the queue,
// then claims the next task not done and not claimed.
// KEYS: queue:listing, queue:index, claims, lease, done. ARGV: lease ms,
// listing threshold. Returns {1, task} or {0, claims outstanding, queued}.
var claimScript = redis.NewScript(nowMS + pushTask + `
local expired = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now, 'LIMIT', 0, 100)
for _, u in ipairs(expired) do
  local v = redis.call('HGET', KEYS[3], u)
  redis.call('ZREM', KEYS[4], u)
  redis.call('HDEL', KEYS[3], u)
  if v and redis.call('HEXISTS', KEYS[5], u) == 0 then queue(v, true) end
end
while true do
  local nl = redis.call('LLEN', KEYS[1])
  local ni = redis.call('LLEN', KEYS[2])
  local v
  if ni > 0 and nl < tonumber(ARGV[2]) then v = redis.call('LPOP', KEYS[2])
  elseif nl > 0 then v = redis.call('LPOP', KEYS[1])
  elseif ni > 0 then v = redis.call('LPOP', KEYS[2])
  else return {0, redis.call('ZCARD', KEYS[4]), 0} end
  local ok, t = pcall(cjson.decode, v)
  if ok and type(t['url']) == 'string' then
    local u = t['url']
    if redis.call('HEXISTS', KEYS[5], u) == 0 and redis.call('HEXISTS', KEYS[3], u) == 0 then
      redis.call('HSET', KEYS[3], u, v)
      redis.call('ZADD', KEYS[4], now + tonumber(ARGV[1]), u)
      return {1, v}
    end
  end
end
`)

// finishScript records a finished task and queues its new links.
// KEYS: queue:listing, queue:index, claims, lease, done, seen, pages,
// listings, later. ARGV[1]: the completion as JSON. Returns the number of
// tasks queued.
var finishScript = redis.NewScript(pushTask + `
local c = cjson.decode(ARGV[1])
redis.call('HDEL', KEYS[3], c['url'])
redis.call('ZREM', KEYS[4], c['url'])
if c['later'] then
  redis.call('RPUSH', KEYS[9], c['task'])
else
  redis.call('HSET', KEYS[5], c['url'], c['record'])
  for _, a in ipairs(c['aliases']) do
    redis.call('HSET', KEYS[5], a, c['record'])
    redis.call('SADD', KEYS[6], a)
  end
  if c['page_hash'] ~= '' then redis.call('HSETNX', KEYS[7], c['page_hash'], c['url']) end
  for _, id in ipairs(c['ids']) do redis.call('HSETNX', KEYS[8], id, c['url']) end
end
local n = 0
for i, v in ipairs(c['next']) do
  if redis.call('SADD', KEYS[6], c['next_urls'][i]) == 1 then
    queue(v, false)
    n = n + 1
  end
end
return n
`)

// releaseScript hands claimed tasks back to the front of the queue.
// KEYS: queue:listing, queue:index, claims, lease. ARGV: URL, task pairs.
var releaseScript = redis.NewScript(pushTask + `
for i = 1, #ARGV, 2 do
  if redis.call('HDEL', KEYS[3], ARGV[i]) == 1 then
    redis.call('ZREM', KEYS[4], ARGV[i])
    queue(ARGV[i+1], true)
  end
end
return 0
`)

// renewScript extends this crawler's leases that still exist.
// KEYS: lease. ARGV: lease ms, URLs.
var renewScript = redis.NewScript(nowMS + `
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[i]) end
return 0
`)

// claimOwnScript test-and-sets hash field → value: 1 when the field was
// free or already held this value.
var claimOwnScript = redis.NewScript(`
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) return 1 end
if v == ARGV[2] then return 1 end
return 0
`)

// paceScript grants a request to a host when its slot is free, and moves
// the slot delay ahead; otherwise returns how long to wait (µs).
// KEYS: host:HOST. ARGV: delay µs.
var paceScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
if now < nxt then return nxt - now end
local d = tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%d', now + d), 'PX', math.floor(d / 1000) + 60000)
return 0
`)

func (f *Frontier) queues() []string {
	return []string{f.key("queue:listing"), f.key("queue:index")}
}

// Start queues the tasks an earlier run left for later, then the seeds
// not seen before, and starts renewing this crawler's leases.
func (f *Frontier) Start(ctx context.Context, seeds []crawl.Task) (int, int, error) {
	args := make([]any, 0, 2*len(seeds))
	for _, t := range seeds {
		args = append(args, t.URL, encodeTask(t))
		f.mu.Lock()
		f.seen[t.URL] = true
		f.mu.Unlock()
	}
	keys := append(f.queues(), f.key("seen"), f.key("later"), f.key("done"))
	res, err := startScript.Run(ctx, f.rdb, keys, args...).Int64Slice()
	if err != nil {
		return 0, 0, fmt.Errorf("redis frontier %s: start: %w", f.prefix, err)
	}
	f.stopBeat, f.beatDone = make(chan struct{}), make(chan struct{})
	go f.heartbeat()
	return int(res[0]), int(res[1]), nil
}

// heartbeat renews this crawler's claims every Lease/3.
func (f *Frontier) heartbeat() {
	defer close(f.beatDone)
	tk := time.NewTicker(f.opt.Lease / 3)
	defer tk.Stop()
	for {
		select {
		case <-f.stopBeat:
			return
		case <-tk.C:
		}
		f.mu.Lock()
		args := make([]any, 0, len(f.claimed)+1)
		args = append(args, f.opt.Lease.Milliseconds())
		for u := range f.claimed {
			args = append(args, u)
		}
		f.mu.Unlock()
		if len(args) == 1 {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), f.opt.Lease/3)
		err := renewScript.Run(ctx, f.rdb, []string{f.key("lease")}, args...).Err()
		cancel()
		if err != nil {
			f.log.Warn("crawl: renewing claims in the redis frontier failed; others may take them after the lease",
				"prefix", f.prefix, "claims", len(args)-1, "err", err)
		}
	}
}

// broadcast wakes every waiting Next; the caller holds mu.
func (f *Frontier) broadcast() {
	close(f.wake)
	f.wake = make(chan struct{})
}

// Next claims a task: a retry of this crawler whose wait is over, else the
// next in the shared queue. While the queue is empty but pages are in
// flight (here or in other crawlers), it waits: they may lead to more.
func (f *Frontier) Next(ctx context.Context) (crawl.Task, bool, error) {
	keys := append(f.queues(), f.key("claims"), f.key("lease"), f.key("done"))
	var tm *time.Timer
	defer func() {
		if tm != nil {
			tm.Stop()
		}
	}()
	for {
		f.mu.Lock()
		if f.stopping {
			f.mu.Unlock()
			return crawl.Task{}, false, nil
		}
		if len(f.ready) > 0 {
			t := f.ready[0]
			f.ready = f.ready[1:]
			f.mu.Unlock()
			return t, true, nil
		}
		waiting, wake := f.waiting, f.wake
		f.mu.Unlock()

		res, err := claimScript.Run(ctx, f.rdb, keys, f.opt.Lease.Milliseconds(), 2*f.opt.Workers).Slice()
		if err != nil {
			return crawl.Task{}, false, fmt.Errorf("redis frontier %s: claim: %w", f.prefix, err)
		}
		if len(res) >= 2 && res[0] == int64(1) {
			s, _ := res[1].(string)
			t, err := decodeTask(s)
			if err != nil {
				return crawl.Task{}, false, err
			}
			f.mu.Lock()
			f.claimed[t.URL] = t
			f.mu.Unlock()
			return t, true, nil
		}
		inFlight, _ := res[1].(int64)
		if inFlight == 0 && waiting == 0 {
			return crawl.Task{}, false, nil // nothing queued, nothing that could queue more
		}
		if tm == nil {
			tm = time.NewTimer(f.opt.Poll)
		} else {
			tm.Reset(f.opt.Poll)
		}
		select {
		case <-ctx.Done():
			return crawl.Task{}, false, ctx.Err()
		case <-wake:
		case <-tm.C:
		}
	}
}

// completionWire is a completion as the finish script reads it.
type completionWire struct {
	URL      string   `json:"url"`
	Later    bool     `json:"later"`
	Task     string   `json:"task"`
	Record   string   `json:"record"`
	Aliases  []string `json:"aliases"`
	PageHash string   `json:"page_hash"`
	IDs      []string `json:"ids"`
	Next     []string `json:"next"`
	NextURLs []string `json:"next_urls"`
}

// Finish records t's completion and queues its new tasks in one script.
func (f *Frontier) Finish(ctx context.Context, t crawl.Task, c *crawl.Completion) error {
	rec, _ := json.Marshal(c.Record)
	w := completionWire{URL: t.URL, Later: c.Later, Task: encodeTask(crawl.Task{URL: t.URL, Depth: t.Depth, Listing: t.Listing, Chain: t.Chain}),
		Record: string(rec), Aliases: append([]string{}, c.Aliases...), PageHash: c.PageHash,
		IDs: append([]string{}, c.ListingIDs...), Next: []string{}, NextURLs: []string{}}
	for _, n := range c.Next {
		w.Next = append(w.Next, encodeTask(n))
		w.NextURLs = append(w.NextURLs, n.URL)
	}
	arg, _ := json.Marshal(w)
	keys := append(f.queues(), f.key("claims"), f.key("lease"), f.key("done"), f.key("seen"), f.key("pages"),
		f.key("listings"), f.key("later"))
	err := finishScript.Run(ctx, f.rdb, keys, string(arg)).Err()
	f.mu.Lock()
	delete(f.claimed, t.URL)
	f.broadcast()
	f.mu.Unlock()
	if err != nil {
		return fmt.Errorf("redis frontier %s: finish %s: %w", f.prefix, t.URL, err)
	}
	return nil
}

// Retry keeps t claimed (renewed) through the wait, then hands it to this
// crawler's Next.
func (f *Frontier) Retry(t crawl.Task, wait time.Duration) {
	f.mu.Lock()
	f.waiting++
	f.claimed[t.URL] = t
	f.mu.Unlock()
	time.AfterFunc(wait, func() {
		f.mu.Lock()
		f.waiting--
		f.ready = append(f.ready, t)
		f.broadcast()
		f.mu.Unlock()
	})
}

// FilterNew drops the tasks this crawler has seen; the shared seen set is
// checked by Finish, atomically with queueing.
func (f *Frontier) FilterNew(ts []crawl.Task) []crawl.Task {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []crawl.Task
	for _, t := range ts {
		if !f.seen[t.URL] {
			f.seen[t.URL] = true
			out = append(out, t)
		}
	}
	return out
}

// ClaimPage reports whether no other URL has had this body.
func (f *Frontier) ClaimPage(ctx context.Context, hash, url string) (bool, error) {
	n, err := claimOwnScript.Run(ctx, f.rdb, []string{f.key("pages")}, hash, url).Int()
	if err != nil {
		return false, fmt.Errorf("redis frontier %s: page hash: %w", f.prefix, err)
	}
	return n == 1, nil
}

// ClaimListing reports whether no other page has emitted this listing ID.
func (f *Frontier) ClaimListing(ctx context.Context, id, pageURL string) (bool, error) {
	n, err := claimOwnScript.Run(ctx, f.rdb, []string{f.key("listings")}, id, pageURL).Int()
	if err != nil {
		return false, fmt.Errorf("redis frontier %s: listing ID: %w", f.prefix, err)
	}
	return n == 1, nil
}

// IsDone reports whether url is recorded as done.
func (f *Frontier) IsDone(ctx context.Context, url string) (bool, error) {
	ok, err := f.rdb.HExists(ctx, f.key("done"), url).Result()
	if err != nil {
		return false, fmt.Errorf("redis frontier %s: done: %w", f.prefix, err)
	}
	return ok, nil
}

// Queued is the length of the shared queue plus this crawler's retries;
// on a Redis error, the last length read.
func (f *Frontier) Queued() int {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	pipe := f.rdb.Pipeline()
	a := pipe.LLen(ctx, f.key("queue:listing"))
	b := pipe.LLen(ctx, f.key("queue:index"))
	_, err := pipe.Exec(ctx)
	f.mu.Lock()
	defer f.mu.Unlock()
	if err == nil {
		f.queued = int(a.Val() + b.Val())
	}
	return f.queued + f.waiting + len(f.ready)
}

// Stop makes Next return false.
func (f *Frontier) Stop() {
	f.mu.Lock()
	f.stopping = true
	f.broadcast()
	f.mu.Unlock()
}

// Close stops renewing leases and hands this crawler's remaining claims
// (retries not yet run) back to the queue, so others take them at once.
func (f *Frontier) Close() error {
	var err error
	f.closeOnce.Do(func() {
		f.Stop()
		if f.stopBeat != nil {
			close(f.stopBeat)
			<-f.beatDone
		}
		f.mu.Lock()
		args := make([]any, 0, 2*len(f.claimed))
		for u, t := range f.claimed {
			args = append(args, u, encodeTask(t))
		}
		f.mu.Unlock()
		if len(args) == 0 {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		keys := append(f.queues(), f.key("claims"), f.key("lease"))
		if e := releaseScript.Run(ctx, f.rdb, keys, args...).Err(); e != nil {
			err = fmt.Errorf("redis frontier %s: release claims: %w", f.prefix, e)
		}
	})
	return err
}

// Pace waits until a request to host may start: at least delay after the
// previous one to host from any crawler on this frontier. The slot is
// taken at the moment of the grant, so a crawler that wakes late never
// shortens the gap to the next request.
func (f *Frontier) Pace(ctx context.Context, host string, delay time.Duration) error {
	var tm *time.Timer
	defer func() {
		if tm != nil {
			tm.Stop()
		}
	}()
	for {
		wait, err := paceScript.Run(ctx, f.rdb, []string{f.key("host:" + host)}, delay.Microseconds()).Int64()
		if err != nil {
			return fmt.Errorf("redis frontier %s: pace %s: %w", f.prefix, host, err)
		}
		if wait <= 0 {
			return nil
		}
		d := time.Duration(wait) * time.Microsecond
		if tm == nil {
			tm = time.NewTimer(d)
		} else {
			tm.Reset(d)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tm.C:
		}
	}
}

// GetRobots returns the shared copy of base's robots.txt.
func (f *Frontier) GetRobots(ctx context.Context, base string) (int, []byte, bool, error) {
	v, err := f.rdb.Get(ctx, f.key("robots:"+base)).Bytes()
	if errors.Is(err, redis.Nil) {
		return 0, nil, false, nil
	}
	if err != nil {
		return 0, nil, false, err
	}
	line, body, ok := strings.Cut(string(v), "\n")
	status, err := strconv.Atoi(line)
	if !ok || err != nil {
		return 0, nil, false, nil // not ours: fetch again
	}
	return status, []byte(body), true, nil
}

// PutRobots shares base's robots.txt for ttl.
func (f *Frontier) PutRobots(ctx context.Context, base string, status int, body []byte, ttl time.Duration) error {
	return f.rdb.Set(ctx, f.key("robots:"+base), strconv.Itoa(status)+"\n"+string(body), ttl).Err()
}
