package crawl

import (
	"context"
	"sync"
	"time"
)

// Task is one page to fetch.
type Task struct {
	URL     string `json:"url"`
	Depth   int    `json:"depth"`
	Listing bool   `json:"listing,omitempty"` // reached as a listing link
	Chain   int    `json:"chain,omitempty"`   // position in a pagination chain
	Attempt int    `json:"-"`                 // retries so far in this run
}

// DoneRecord records a page that needs no more fetching.
type DoneRecord struct {
	Status  string    `json:"status"` // "ok", an HTTP status, or why it was skipped
	At      time.Time `json:"at"`
	SHA256  string    `json:"sha256,omitempty"`
	Listing int       `json:"listings,omitempty"`
}

// Completion is what one finished page changes in the frontier.
type Completion struct {
	URL        string
	Aliases    []string // the final URL after redirects
	Record     DoneRecord
	Next       []Task   // links found, already filtered by Frontier.FilterNew
	PageHash   string   // SHA-256 of the body, when the page was processed
	ListingIDs []string // listing IDs emitted
	// Later leaves the page queued for a later run (it failed for a reason
	// that may pass: 5xx, timeouts, robots.txt unreachable).
	Later bool
}

// Frontier holds what is to be fetched and what was: the queue of tasks,
// the pages done, the page hashes and listing IDs seen. The default is
// local (memory, and a bbolt file with Config.StateDir); a shared one, such
// as crawl/redisfrontier, lets several crawl processes split one crawl so
// that each page is fetched once by one of them.
//
// The crawler calls Start once, then Next, Finish and Retry from several
// goroutines; each task Next returns is ended by exactly one Finish or
// Retry (Retry hands it back to Next after the wait).
type Frontier interface {
	// Start queues the seeds not seen before and reports what an earlier
	// run left: pages done and tasks queued.
	Start(ctx context.Context, seeds []Task) (done, queued int, err error)
	// Next claims a task, waiting while other crawlers' tasks may still
	// lead to more; false when the crawl is over or Stop was called.
	Next(ctx context.Context) (Task, bool, error)
	// Finish records a finished task and queues its Next tasks, at once:
	// after a crash either both happened or neither.
	Finish(ctx context.Context, t Task, c *Completion) error
	// Retry hands t to Next again after wait, keeping it claimed meanwhile.
	Retry(t Task, wait time.Duration)
	// FilterNew returns the tasks whose URLs were not queued or done
	// before, and marks them seen. Their fate is sealed by Finish.
	FilterNew(ts []Task) []Task
	// ClaimPage reports whether a page body (by hash) is new, that is not
	// yet seen at another URL, and marks it seen for url.
	ClaimPage(ctx context.Context, hash, url string) (bool, error)
	// ClaimListing reports whether a listing ID is new, that is not yet
	// emitted from another page, and marks it emitted from pageURL.
	ClaimListing(ctx context.Context, id, pageURL string) (bool, error)
	// IsDone reports whether url needs no more fetching.
	IsDone(ctx context.Context, url string) (bool, error)
	// Queued is the number of tasks waiting (approximate for shared ones).
	Queued() int
	// Stop makes Next return false from now on.
	Stop()
	// Close releases the frontier's resources.
	Close() error
}

// Pacer is implemented by frontiers that keep the per-host delay across
// processes: Pace returns when a request to host may start, at least
// delay after the previous one to that host from any crawler sharing it.
// Without it, colly's per-process limit applies.
type Pacer interface {
	Pace(ctx context.Context, host string, delay time.Duration) error
}

// RobotsCache is implemented by frontiers that share fetched robots.txt
// files between crawlers, so a host's robots.txt is fetched once.
type RobotsCache interface {
	// GetRobots returns a cached robots.txt (status and body) of
	// base ("scheme://host:port"); ok is false when none is cached.
	GetRobots(ctx context.Context, base string) (status int, body []byte, ok bool, err error)
	// PutRobots caches a robots.txt for ttl.
	PutRobots(ctx context.Context, base string, status int, body []byte, ttl time.Duration) error
}

// localFrontier is the default frontier: queues in memory, persisted to a
// bbolt file (store) when there is a state folder.
type localFrontier struct {
	store     *store
	mu        sync.Mutex
	cond      *sync.Cond
	listingsQ []Task          // listing pages
	indexQ    []Task          // index pages
	seen      map[string]bool // queued or done
	done      map[string]bool
	pageHash  map[string]bool
	ids       map[string]bool
	active    int // tasks being fetched
	waiting   int // tasks waiting for a retry
	stopping  bool
	workers   int
}

func newLocalFrontier(st *store, workers int) *localFrontier {
	f := &localFrontier{store: st, workers: workers}
	f.cond = sync.NewCond(&f.mu)
	return f
}

func (f *localFrontier) Start(ctx context.Context, seeds []Task) (int, int, error) {
	loaded, err := f.store.load()
	if err != nil {
		return 0, 0, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.done, f.pageHash, f.ids = loaded.done, loaded.pageHashes, loaded.ids
	f.seen = make(map[string]bool, len(f.done)+len(loaded.queue))
	for u := range f.done {
		f.seen[u] = true
	}
	for _, t := range loaded.queue {
		f.push(t)
	}
	var fresh []Task
	for _, t := range seeds {
		if !f.seen[t.URL] {
			fresh = append(fresh, t)
			f.push(t)
		}
	}
	if err := f.store.add(fresh); err != nil {
		return 0, 0, err
	}
	return len(f.done), len(loaded.queue), nil
}

// push queues t in memory; the caller holds mu.
func (f *localFrontier) push(t Task) {
	f.seen[t.URL] = true
	if t.Listing {
		f.listingsQ = append(f.listingsQ, t)
	} else {
		f.indexQ = append(f.indexQ, t)
	}
}

func (f *localFrontier) Next(ctx context.Context) (Task, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for {
		if f.stopping {
			f.cond.Broadcast()
			return Task{}, false, nil
		}
		// Listing pages go first so listings flow early and the queue stays
		// short, but an index page is taken whenever few listings wait, so
		// the next page of links arrives before the workers run dry.
		var t Task
		switch {
		case len(f.indexQ) > 0 && len(f.listingsQ) < 2*f.workers:
			t, f.indexQ = f.indexQ[0], f.indexQ[1:]
		case len(f.listingsQ) > 0:
			t, f.listingsQ = f.listingsQ[0], f.listingsQ[1:]
		case len(f.indexQ) > 0:
			t, f.indexQ = f.indexQ[0], f.indexQ[1:]
		case f.active == 0 && f.waiting == 0:
			f.cond.Broadcast()
			return Task{}, false, nil
		default:
			f.cond.Wait()
			continue
		}
		if f.done[t.URL] {
			continue
		}
		f.active++
		return t, true, nil
	}
}

func (f *localFrontier) Finish(ctx context.Context, t Task, c *Completion) error {
	err := f.store.complete(c)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.active--
	f.done[t.URL] = true
	for _, a := range c.Aliases {
		f.done[a] = true
		f.seen[a] = true
	}
	if c.PageHash != "" {
		f.pageHash[c.PageHash] = true
	}
	for _, n := range c.Next {
		f.push(n)
	}
	f.cond.Broadcast()
	return err
}

func (f *localFrontier) Retry(t Task, wait time.Duration) {
	f.mu.Lock()
	f.active--
	f.waiting++
	f.mu.Unlock()
	time.AfterFunc(wait, func() {
		f.mu.Lock()
		f.waiting--
		if t.Listing {
			f.listingsQ = append([]Task{t}, f.listingsQ...)
		} else {
			f.indexQ = append([]Task{t}, f.indexQ...)
		}
		f.cond.Broadcast()
		f.mu.Unlock()
	})
}

func (f *localFrontier) FilterNew(ts []Task) []Task {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Task
	for _, t := range ts {
		if !f.seen[t.URL] {
			f.seen[t.URL] = true
			out = append(out, t)
		}
	}
	return out
}

func (f *localFrontier) ClaimPage(ctx context.Context, hash, url string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	dup := f.pageHash[hash]
	f.pageHash[hash] = true
	return !dup, nil
}

func (f *localFrontier) ClaimListing(ctx context.Context, id, pageURL string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	dup := f.ids[id]
	f.ids[id] = true
	return !dup, nil
}

func (f *localFrontier) IsDone(ctx context.Context, url string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.done[url], nil
}

func (f *localFrontier) Queued() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.listingsQ) + len(f.indexQ) + f.waiting
}

func (f *localFrontier) Stop() {
	f.mu.Lock()
	f.stopping = true
	f.cond.Broadcast()
	f.mu.Unlock()
}

func (f *localFrontier) Close() error { return f.store.close() }
