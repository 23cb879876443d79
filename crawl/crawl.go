// Package crawl collects public listings from websites politely and feeds
// them to the scanner as corpus.Listing values. It is built on colly: site
// adapters (YAML, see Adapter) say where listings and their fields are; a
// generic mode extracts title and main text by heuristics; schema.org
// JobPosting JSON-LD is read without selectors.
//
// The crawler obeys robots.txt, keeps a per-host delay and parallelism,
// sends an honest user agent, retries 429 and 5xx with backoff, bounds
// every response in time and size, refuses non-public addresses (checked at
// dial time), keeps raw pages as WARC evidence, and persists its frontier
// so a killed crawl resumes without fetching a page twice. It also serves
// the demo classifieds site (DemoSite).
package crawl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // register decoders for image.DecodeConfig
	_ "image/jpeg" // register decoders for image.DecodeConfig
	_ "image/png"  // register decoders for image.DecodeConfig
	"log/slog"
	"math/rand/v2"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"github.com/gobwas/glob"
	"github.com/gocolly/colly/v2"
	_ "golang.org/x/image/webp" // register the WebP decoder for image.DecodeConfig

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/errs"
)

// DefaultUserAgent names the crawler and where to read about it.
const DefaultUserAgent = "redthread-crawler/0.1 (+https://github.com/redthread/redthread; research crawler, obeys robots.txt)"

// Config controls a crawl. Zero values take the defaults in the comments.
type Config struct {
	// Adapter describes the site; nil selects generic mode.
	Adapter *Adapter
	// Start URLs; when set they replace the adapter's.
	Start []string
	// Follow selects, in generic mode, the links to follow.
	Follow *regexp.Regexp
	// ListingPattern marks, in generic mode, which followed links are
	// listing pages; nil makes every followed page a listing.
	ListingPattern *regexp.Regexp
	// AllowedDomains limits pages (not images) to these hosts and their
	// subdomains, besides the start URLs' hosts; empty: the adapter's.
	AllowedDomains []string

	UserAgent    string        // DefaultUserAgent
	IgnoreRobots bool          // robots.txt is obeyed unless set
	Delay        time.Duration // per host, after each request; default 1s, negative for none
	Parallelism  int           // requests in flight per host; default 2
	Workers      int           // pages in flight overall; default 4 × Parallelism
	MaxDepth     int           // link distance from the start URLs; default 5
	MaxPages     int           // pages fetched in this run; 0 is no limit
	Timeout      time.Duration // whole request, body included; default 30s
	MaxBodyBytes int64         // page size limit; default 10 MiB
	Retries      int           // retries of 429, 5xx and timeouts; default 3, negative for none
	RetryBase    time.Duration // first backoff, doubled each retry; default 2s
	MaxRetryWait time.Duration // cap on backoff and Retry-After; default 2m

	// StateDir keeps the frontier (crawl.db) for resuming; empty keeps
	// nothing.
	StateDir string
	// EvidenceDir keeps raw pages as WARC files and an index
	// (evidence.jsonl, see EvidenceRecord); default StateDir/evidence, "-"
	// for none.
	EvidenceDir string

	// FetchImages fetches listing images, checks them and hands them to
	// OnImage and KeepImagesDir; setting either of those implies it.
	FetchImages    bool
	MaxImageBytes  int64 // default 20 MiB
	MaxImagePixels int   // width × height; default 50 000 000
	MaxImages      int   // per listing; default 20
	// OnImage receives each fetched, checked image in memory, before the
	// listing that shows it is emitted. It is called from several
	// goroutines, and must not modify data: an image shown by several
	// listings is handed to each.
	OnImage func(listingID, url string, data []byte)
	// KeepImagesDir, when set, stores images there by SHA-256 and sets
	// images[].path.
	KeepImagesDir string

	// AllowPrivate allows loopback, private and link-local addresses.
	AllowPrivate bool

	// Frontier, when set, replaces the local frontier (StateDir's
	// crawl.db): a shared one (crawl/redisfrontier) lets several crawl
	// processes split one crawl. The crawl closes it. When it is also a
	// Pacer, the per-host delay is kept through it across processes; when
	// a RobotsCache, robots.txt files are shared through it.
	Frontier Frontier
	// EvidenceName names this process in WARC file names, so crawlers
	// sharing an evidence folder never write the same file; default
	// host name and process ID.
	EvidenceName string
	// EvidenceMaxBytes is the size at which a WARC file is closed and the
	// next begun; default DefaultEvidenceMaxBytes (1 GiB).
	EvidenceMaxBytes int64

	// Progress, when set, is called about once a second and at the end.
	Progress func(Stats)
}

// Stats counts what a crawl did.
type Stats struct {
	Pages      int64         // pages fetched
	Listings   int64         // listings emitted
	Errors     int64         // pages and images that failed (each logged with its URL)
	Skipped    int64         // pages not processed: robots.txt, duplicate content, not HTML, limits
	Duplicates int64         // listings not emitted again (same listing ID seen before)
	Images     int64         // images fetched and accepted
	Retries    int64         // requests retried
	Bytes      int64         // body bytes received
	Queued     int64         // pages waiting in the frontier
	Elapsed    time.Duration // wall time of this run
}

// PagesPerSecond is the fetch rate of the run.
func (s Stats) PagesPerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Pages) / s.Elapsed.Seconds()
}

func (c *Config) setDefaults() error {
	if c.UserAgent == "" {
		c.UserAgent = DefaultUserAgent
	}
	if c.Delay == 0 {
		c.Delay = time.Second
		if c.Adapter != nil && c.Adapter.Delay > 0 {
			c.Delay = time.Duration(c.Adapter.Delay)
		}
	}
	if c.Delay < 0 {
		c.Delay = 0
	}
	if c.Parallelism <= 0 {
		c.Parallelism = 2
		if c.Adapter != nil && c.Adapter.Parallelism > 0 {
			c.Parallelism = c.Adapter.Parallelism
		}
	}
	if c.Workers <= 0 {
		c.Workers = 4 * c.Parallelism
	}
	if c.MaxDepth <= 0 {
		c.MaxDepth = 5
	}
	if c.Timeout <= 0 {
		c.Timeout = 30 * time.Second
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = 10 << 20
	}
	if c.Retries == 0 {
		c.Retries = 3
	}
	if c.Retries < 0 {
		c.Retries = 0
	}
	if c.RetryBase <= 0 {
		c.RetryBase = 2 * time.Second
	}
	if c.MaxRetryWait <= 0 {
		c.MaxRetryWait = 2 * time.Minute
	}
	if c.MaxImageBytes <= 0 {
		c.MaxImageBytes = 20 << 20
	}
	if c.MaxImagePixels <= 0 {
		c.MaxImagePixels = 50_000_000
	}
	if c.MaxImages <= 0 {
		c.MaxImages = 20
	}
	if c.EvidenceDir == "" && c.StateDir != "" {
		c.EvidenceDir = filepath.Join(c.StateDir, "evidence")
	}
	if c.EvidenceDir == "-" {
		c.EvidenceDir = ""
	}
	if c.KeepImagesDir != "" || c.OnImage != nil {
		c.FetchImages = true
	}
	if len(c.Start) == 0 && c.Adapter != nil {
		c.Start = c.Adapter.Start
	}
	if len(c.Start) == 0 {
		return errs.E("crawl", errs.Config, "no start URL: give --start or an adapter with start URLs")
	}
	if c.Adapter == nil && c.Follow == nil {
		return errs.E("crawl", errs.Config, "generic mode needs --follow REGEX (or give --adapter)")
	}
	if len(c.AllowedDomains) == 0 && c.Adapter != nil {
		c.AllowedDomains = c.Adapter.AllowedDomains
	}
	for _, s := range c.Start {
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return errs.E("crawl", errs.Config, fmt.Sprintf("start URL %q: want an absolute http(s) URL", s))
		}
		c.AllowedDomains = append(c.AllowedDomains, u.Hostname()) // start hosts are always allowed
	}
	return nil
}

// crawler is one run.
type crawler struct {
	cfg    Config
	log    *slog.Logger
	emit   func(*corpus.Listing) error
	x      extractor
	pc     *colly.Collector // pages and images, told apart by ctxKind
	robots *robots          // nil when robots.txt is ignored
	fr     Frontier
	pacer  Pacer // nil: colly's per-host delay
	ev     *evidence
	cap    *captureTransport // nil without evidence
	ctx    context.Context   // for frontier calls; cancelled only when the run ends

	mu      sync.Mutex
	started int // pages dispatched in this run
	fatal   error
	hosts   map[string]time.Duration // hosts with a limit rule, and their delay

	emitMu sync.Mutex
	imgs   imageCache

	pages, listings, errors, skipped, dups, images, retries, bytes atomic.Int64
	begin                                                          time.Time
}

// Crawl runs a crawl until the frontier is empty, MaxPages is reached, ctx
// is cancelled or emit fails. Each listing goes to emit, one at a time, with
// URL, Source and ID set. On cancellation, pages in flight finish (within
// Timeout) and are recorded, so a resumed crawl neither loses nor refetches
// them. Errors on single pages and images are logged and counted, never
// fatal; the returned error is for the crawl as a whole.
func Crawl(ctx context.Context, cfg Config, log *slog.Logger, emit func(*corpus.Listing) error) (Stats, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := cfg.setDefaults(); err != nil {
		return Stats{}, err
	}
	fr := cfg.Frontier
	if fr == nil {
		st, err := openStore(cfg.StateDir)
		if err != nil {
			return Stats{}, errs.E("crawl", errs.IO, err)
		}
		fr = newLocalFrontier(st, cfg.Workers)
	}
	defer fr.Close()
	ev, err := openEvidence(cfg.EvidenceDir, cfg.EvidenceName, cfg.EvidenceMaxBytes, log)
	if err != nil {
		return Stats{}, errs.E("crawl", errs.IO, err)
	}
	defer ev.close()
	if cfg.KeepImagesDir != "" {
		if err := os.MkdirAll(cfg.KeepImagesDir, 0o755); err != nil {
			return Stats{}, errs.E("crawl", errs.IO, err)
		}
	}
	cr := &crawler{cfg: cfg, log: log, emit: emit, fr: fr, ev: ev, hosts: map[string]time.Duration{}, begin: time.Now()}
	cr.pacer, _ = fr.(Pacer)
	cr.x = extractor{ad: cfg.Adapter, follow: cfg.Follow, listing: cfg.ListingPattern}
	cr.imgs.max = 32 << 20

	// Frontier calls run under their own context, like requests: on
	// cancellation the pages in flight are still recorded.
	frCtx, cancelFr := context.WithCancel(context.Background())
	defer cancelFr()
	cr.ctx = frCtx
	var seeds []Task
	for _, s := range cfg.Start {
		t := Task{URL: cr.norm(s)}
		t.Listing = cr.x.isListingURL(t.URL)
		seeds = append(seeds, t)
	}
	done, queued, err := fr.Start(ctx, seeds)
	if err != nil {
		return Stats{}, errs.E("crawl: frontier", errs.IO, err)
	}
	if done > 0 || queued > 0 {
		log.Info("resuming crawl", "state", cfg.StateDir, "done", done, "queued", queued)
	}

	mode := "generic"
	if cfg.Adapter != nil {
		mode = "adapter " + cfg.Adapter.Name
	}
	log.Info("crawl starting", "mode", mode, "start", strings.Join(cfg.Start, " "), "robots_txt", !cfg.IgnoreRobots,
		"delay", cfg.Delay, "parallel_per_host", cfg.Parallelism, "user_agent", cfg.UserAgent)

	// Requests run under their own context: on cancellation the pages in
	// flight finish and are recorded instead of being cut off.
	reqCtx, cancelReq := context.WithCancel(context.Background())
	defer cancelReq()
	cr.setupCollectors(reqCtx)

	stop := context.AfterFunc(ctx, func() {
		fr.Stop()
		time.AfterFunc(cfg.Timeout+5*time.Second, func() { cancelReq(); cancelFr() })
	})
	defer stop()

	progressDone := make(chan struct{})
	var progressWG sync.WaitGroup
	if cfg.Progress != nil {
		progressWG.Add(1)
		go func() {
			defer progressWG.Done()
			tk := time.NewTicker(time.Second)
			defer tk.Stop()
			for {
				select {
				case <-tk.C:
					cfg.Progress(cr.stats())
				case <-progressDone:
					return
				}
			}
		}()
	}

	var wg sync.WaitGroup
	for range cfg.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				t, ok := cr.next()
				if !ok {
					return
				}
				cr.process(t)
			}
		}()
	}
	wg.Wait()
	close(progressDone)
	progressWG.Wait()
	s := cr.stats()
	if cfg.Progress != nil {
		cfg.Progress(s)
	}
	if cr.fatal != nil {
		return s, cr.fatal
	}
	if ctx.Err() != nil {
		return s, ctx.Err()
	}
	return s, nil
}

func (cr *crawler) stats() Stats {
	q := cr.fr.Queued()
	return Stats{
		Pages: cr.pages.Load(), Listings: cr.listings.Load(), Errors: cr.errors.Load(), Skipped: cr.skipped.Load(),
		Duplicates: cr.dups.Load(), Images: cr.images.Load(), Retries: cr.retries.Load(), Bytes: cr.bytes.Load(),
		Queued: int64(q), Elapsed: time.Since(cr.begin),
	}
}

// next hands a worker its next task, or false when the crawl is over.
func (cr *crawler) next() (Task, bool) {
	cr.mu.Lock()
	if cr.fatal != nil || (cr.cfg.MaxPages > 0 && cr.started >= cr.cfg.MaxPages) {
		cr.mu.Unlock()
		cr.fr.Stop()
		return Task{}, false
	}
	cr.started++
	cr.mu.Unlock()
	t, ok, err := cr.fr.Next(cr.ctx)
	if err != nil {
		cr.fail(errs.E("crawl: frontier", errs.IO, err))
		return Task{}, false
	}
	return t, ok
}

// finish ends a task: records it, queues what it led to.
func (cr *crawler) finish(t Task, c *Completion) {
	if err := cr.fr.Finish(cr.ctx, t, c); err != nil {
		cr.fail(errs.E("crawl: save state", errs.IO, err))
	}
}

func (cr *crawler) fail(err error) {
	cr.mu.Lock()
	if cr.fatal == nil {
		cr.fatal = err
	}
	cr.mu.Unlock()
	cr.fr.Stop()
}

// retry schedules t again after a backoff; false when retries are spent.
func (cr *crawler) retry(t Task, after time.Duration) bool {
	if t.Attempt >= cr.cfg.Retries {
		return false
	}
	wait := cr.cfg.RetryBase << t.Attempt
	wait += time.Duration(rand.Int64N(int64(wait)/2 + 1))
	if after > wait {
		wait = after
	}
	if wait > cr.cfg.MaxRetryWait {
		wait = cr.cfg.MaxRetryWait
	}
	t.Attempt++
	cr.retries.Add(1)
	cr.fr.Retry(t, wait)
	return true
}

const (
	ctxResp = "redthread.resp"
	ctxErr  = "redthread.err"
	ctxCT   = "redthread.ct"
	ctxKind = "redthread.kind"
)

func (cr *crawler) setupCollectors(ctx context.Context) {
	pc := colly.NewCollector(
		colly.UserAgent(cr.cfg.UserAgent),
		colly.AllowURLRevisit(), // the frontier dedupes, across runs too
		colly.MaxBodySize(int(max(cr.cfg.MaxBodyBytes, cr.cfg.MaxImageBytes)+1)),
		colly.StdlibContext(ctx),
	)
	// robots.txt is read by cr.robots: colly's reader fails every page of
	// a host whose robots.txt has a syntax error, and ignores Crawl-delay.
	pc.IgnoreRobotsTxt = true
	rt := newTransport(&cr.cfg, cr.ev != nil)
	if cr.ev != nil {
		cr.cap = newCaptureTransport(rt, max(cr.cfg.MaxBodyBytes, cr.cfg.MaxImageBytes))
		rt = cr.cap
	}
	if cr.pacer != nil {
		pc.WithTransport(pacedTransport{rt: rt, pacer: cr.pacer, delay: cr.hostDelay})
	} else {
		pc.WithTransport(rt)
	}
	if !cr.cfg.IgnoreRobots {
		cache, _ := cr.fr.(RobotsCache)
		cr.robots = newRobots(ctx, rt, cr.cfg.Timeout, cr.cfg.UserAgent, cr.log, cache)
	}
	pc.SetRequestTimeout(cr.cfg.Timeout)
	pc.SetRedirectHandler(func(req *http.Request, via []*http.Request) error {
		if len(via) >= 10 {
			return fmt.Errorf("stopped after %d redirects", len(via))
		}
		// Images may live on other hosts; pages must stay on the site.
		if !strings.HasPrefix(via[0].Header.Get("Accept"), "image/") && !cr.allowedHost(req.URL.Hostname()) {
			return fmt.Errorf("redirect to %s leaves the allowed domains", req.URL.Host)
		}
		return nil
	})
	pc.OnResponseHeaders(func(r *colly.Response) {
		ct := r.Headers.Get("Content-Type")
		r.Ctx.Put(ctxCT, ct)
		mt, _, _ := mime.ParseMediaType(ct)
		if mt != "" {
			// Keep the body's bytes as sent: charset is decoded later,
			// with detection, and evidence must be the raw bytes.
			r.Headers.Set("Content-Type", mt)
		}
		// colly gunzips these bodies itself, after its size limit: a small
		// compressed body could expand without bound. (Plain gzip transfer
		// is decoded by net/http before the size cap and is fine.)
		if ce := r.Headers.Get("Content-Encoding"); ce != "" && ce != "identity" {
			r.Ctx.Put(ctxErr, fmt.Errorf("unsupported content encoding %q", ce))
			r.Request.Abort()
			return
		}
		if strings.Contains(mt, "gzip") || strings.HasSuffix(strings.ToLower(r.Request.URL.Path), ".gz") {
			r.Ctx.Put(ctxErr, fmt.Errorf("compressed body refused (%s)", mt))
			r.Request.Abort()
			return
		}
		limit := cr.cfg.MaxBodyBytes
		image := r.Ctx.Get(ctxKind) == "image"
		if image {
			limit = cr.cfg.MaxImageBytes
		}
		if n, err := strconv.ParseInt(r.Headers.Get("Content-Length"), 10, 64); err == nil && n > limit {
			r.Ctx.Put(ctxErr, fmt.Errorf("body of %d bytes exceeds the %d byte limit", n, limit))
			r.Request.Abort()
			return
		}
		if r.StatusCode < 300 && mt != "" && !image && !htmlType(mt) {
			r.Ctx.Put(ctxErr, errNotHTML{mt})
			r.Request.Abort()
		}
		if r.StatusCode < 300 && image && (strings.HasPrefix(mt, "text/") || mt == "application/json") {
			r.Ctx.Put(ctxErr, fmt.Errorf("not an image: %s", mt))
			r.Request.Abort()
		}
	})
	pc.OnResponse(func(r *colly.Response) { r.Ctx.Put(ctxResp, r) })
	pc.OnError(func(r *colly.Response, err error) { r.Ctx.Put(ctxResp, r) })
	cr.pc = pc
}

type errNotHTML struct{ mt string }

func (e errNotHTML) Error() string { return "not an HTML page: " + e.mt }

func htmlType(mt string) bool {
	return mt == "text/html" || mt == "application/xhtml+xml" || mt == "text/plain" || mt == "application/octet-stream"
}

// allowedHost reports whether pages on host may be fetched.
func (cr *crawler) allowedHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, d := range cr.cfg.AllowedDomains {
		d = strings.ToLower(d)
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// limitHost gives each host its own delay and parallelism rule; the delay
// is the longer of the configured one and the host's robots.txt
// Crawl-delay.
func (cr *crawler) limitHost(host string, crawlDelay time.Duration) {
	cr.mu.Lock()
	defer cr.mu.Unlock()
	if _, ok := cr.hosts[host]; ok {
		return
	}
	delay := cr.cfg.Delay
	if crawlDelay > delay {
		delay = crawlDelay
		cr.log.Info("crawl: using the robots.txt crawl-delay", "host", host, "delay", delay)
	}
	cr.hosts[host] = delay
	rule := &colly.LimitRule{DomainGlob: glob.QuoteMeta(host), Parallelism: cr.cfg.Parallelism, Delay: delay}
	if cr.pacer != nil {
		rule.Delay = 0 // kept across processes by pacedTransport
	}
	err := cr.pc.Limit(rule)
	if err != nil {
		cr.log.Warn("crawl: per-host limit", "host", host, "err", err)
	}
}

// hostDelay is the delay between requests to host (host:port).
func (cr *crawler) hostDelay(host string) time.Duration {
	cr.mu.Lock()
	defer cr.mu.Unlock()
	if d, ok := cr.hosts[host]; ok {
		return d
	}
	return cr.cfg.Delay
}

// pacedTransport waits for the shared per-host slot before each request
// (each redirect hop too), so crawlers sharing a frontier keep the
// per-host delay together.
type pacedTransport struct {
	rt    http.RoundTripper
	pacer Pacer
	delay func(host string) time.Duration
}

func (p pacedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if d := p.delay(r.URL.Host); d > 0 {
		if err := p.pacer.Pace(r.Context(), r.URL.Host, d); err != nil {
			return nil, fmt.Errorf("per-host delay: %w", err)
		}
	}
	return p.rt.RoundTrip(r)
}

// fetched is one response.
type fetched struct {
	status int
	header http.Header
	ct     string
	body   []byte
	final  string
	err    error
	// exchanges are the bytes sent and received, redirect hops first
	// (only for pages, and only when evidence is kept).
	exchanges []*exchange
}

// fetch runs one GET through colly and waits for it.
func (cr *crawler) fetch(u, kind string) fetched {
	pu, err := url.Parse(u)
	if err != nil {
		return fetched{err: err}
	}
	var crawlDelay time.Duration
	if cr.robots != nil {
		ok, d, err := cr.robots.allowed(pu)
		if err != nil {
			return fetched{final: u, err: err}
		}
		if !ok {
			return fetched{final: u, err: colly.ErrRobotsTxtBlocked}
		}
		crawlDelay = d
	}
	cr.limitHost(pu.Host, crawlDelay)
	ctx := colly.NewContext()
	ctx.Put(ctxKind, kind)
	hdr := http.Header{}
	if kind == "image" {
		hdr.Set("Accept", "image/avif,image/webp,image/png,image/jpeg,image/*;q=0.8")
	} else {
		hdr.Set("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5")
	}
	hdr.Set("User-Agent", cr.cfg.UserAgent)
	var capID string
	if cr.cap != nil && kind == "page" {
		capID = cr.cap.newID()
		hdr.Set(captureHeader, capID)
	}
	err = cr.pc.Request("GET", u, nil, ctx, hdr)
	f := fetched{final: u, ct: ctx.Get(ctxCT)}
	if capID != "" {
		f.exchanges = cr.cap.take(capID)
	}
	if r, ok := ctx.GetAny(ctxResp).(*colly.Response); ok && r != nil {
		f.status = r.StatusCode
		if r.Headers != nil {
			f.header = *r.Headers
		}
		f.body = r.Body
		if r.Request != nil && r.Request.URL != nil {
			f.final = r.Request.URL.String()
		}
	}
	if e, ok := ctx.GetAny(ctxErr).(error); ok && e != nil {
		err = e
	}
	f.err = err
	cr.bytes.Add(int64(len(f.body)))
	return f
}

// retryable reports whether a failed fetch is worth retrying, and the
// server's Retry-After.
func retryable(f fetched) (bool, time.Duration) {
	if f.status == http.StatusTooManyRequests || f.status >= 500 {
		var after time.Duration
		if v := f.header.Get("Retry-After"); v != "" {
			if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
				after = time.Duration(s) * time.Second
			} else if t, err := http.ParseTime(v); err == nil {
				after = time.Until(t)
			}
		}
		return true, after
	}
	if f.status != 0 || f.err == nil {
		return false, 0
	}
	if errors.Is(f.err, ErrPrivateAddress) || errors.Is(f.err, colly.ErrRobotsTxtBlocked) || errors.Is(f.err, errRobotsUnreachable) {
		return false, 0
	}
	var ne net.Error
	if errors.As(f.err, &ne) && ne.Timeout() {
		return true, 0
	}
	return errors.Is(f.err, syscall.ECONNRESET) || errors.Is(f.err, syscall.ECONNREFUSED), 0
}

// process fetches one page and handles everything it leads to.
func (cr *crawler) process(t Task) {
	c := &Completion{URL: t.URL, Record: DoneRecord{At: time.Now().UTC()}}
	f := cr.fetch(t.URL, "page")
	if f.err != nil || f.status < 200 || f.status > 299 {
		if ok, after := retryable(f); ok && cr.retry(t, after) {
			cr.log.Info("crawl: will retry", "url", t.URL, "status", f.status, "err", f.err, "attempt", t.Attempt+1)
			return
		}
		var nh errNotHTML
		switch {
		case errors.Is(f.err, context.Canceled):
			// Cut off by the end of a stopped crawl: fetch it next run.
			c.Later = true
			cr.log.Info("crawl: stopped before the page arrived; queued for the next run", "url", t.URL)
		case errors.Is(f.err, colly.ErrRobotsTxtBlocked):
			cr.skipped.Add(1)
			c.Record.Status = "robots.txt"
			cr.log.Info("crawl: disallowed by robots.txt", "url", t.URL)
		case errors.As(f.err, &nh):
			cr.skipped.Add(1)
			c.Record.Status = nh.Error()
			cr.log.Info("crawl: skipped", "url", t.URL, "reason", nh.Error())
		default:
			cr.errors.Add(1)
			c.Record.Status = "error"
			if f.status != 0 {
				c.Record.Status = strconv.Itoa(f.status)
			}
			// Failures that may pass stay queued for the next run.
			again, _ := retryable(f)
			c.Later = (again || errors.Is(f.err, errRobotsUnreachable)) && !errors.Is(f.err, ErrPrivateAddress)
			cr.log.Warn("crawl: page failed", "url", t.URL, "status", f.status, "err", errText(f.err, f.status), "retry_next_run", c.Later)
		}
		cr.finish(t, c)
		return
	}
	cr.pages.Add(1)
	if int64(len(f.body)) > cr.cfg.MaxBodyBytes {
		cr.errors.Add(1)
		c.Record.Status = "too large"
		cr.log.Warn("crawl: page failed", "url", t.URL, "err", fmt.Sprintf("body exceeds the %d byte limit", cr.cfg.MaxBodyBytes))
		cr.finish(t, c)
		return
	}
	final := cr.norm(f.final)
	if final != t.URL {
		c.Aliases = append(c.Aliases, final)
	}
	hash := sha256Hex(f.body)
	c.Record.SHA256 = hash
	c.Record.Status = strconv.Itoa(f.status)
	if err := cr.ev.save(EvidenceRecord{URL: t.URL, FinalURL: ifDiff(final, t.URL), FetchedAt: c.Record.At, Status: f.status,
		ContentType: f.ct, SHA256: hash, Bytes: len(f.body)}, f.header, f.body, f.exchanges); err != nil {
		cr.fail(errs.E("crawl: evidence", errs.IO, err))
	}
	newPage, err := cr.fr.ClaimPage(cr.ctx, hash, t.URL)
	if err != nil {
		cr.fail(errs.E("crawl: frontier", errs.IO, err))
		c.Later = true
		cr.finish(t, c)
		return
	}
	aliasDone := false
	if final != t.URL {
		if aliasDone, err = cr.fr.IsDone(cr.ctx, final); err != nil {
			cr.fail(errs.E("crawl: frontier", errs.IO, err))
			c.Later = true
			cr.finish(t, c)
			return
		}
	}
	if !newPage || aliasDone {
		cr.skipped.Add(1)
		c.Record.Status = "duplicate content"
		cr.log.Debug("crawl: duplicate page", "url", t.URL)
		cr.finish(t, c)
		return
	}
	c.PageHash = hash
	page := decodePage(f.body, f.ct)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(page))
	if err != nil {
		cr.errors.Add(1)
		cr.log.Warn("crawl: unparsable page", "url", t.URL, "err", err)
		cr.finish(t, c)
		return
	}
	fu, _ := url.Parse(final)
	base := pageBase(doc, fu)
	isListing := t.Listing || cr.x.isListingURL(final)
	if cr.x.ad == nil && t.Depth > 0 && cr.x.listing == nil {
		isListing = true
	}
	ls := cr.x.listings(doc, base, isListing)
	links := cr.x.links(doc, base)
	c.Next = cr.newTasks(t, links)
	for _, l := range ls {
		if err := cr.deliver(l, final, c); err != nil {
			cr.fail(err)
			c.Later = true // not all its listings went out: fetch it again next run
			break
		}
	}
	c.Record.Listing = len(c.ListingIDs)
	cr.log.Debug("crawl: page", "url", t.URL, "status", f.status, "bytes", len(f.body), "listings", len(ls), "links", len(c.Next))
	cr.finish(t, c)
}

func errText(err error, status int) string {
	if err != nil {
		return err.Error()
	}
	return http.StatusText(status)
}

func ifDiff(a, b string) string {
	if a == b {
		return ""
	}
	return a
}

// newTasks turns a page's links into tasks within depth, pagination and
// domain limits, skipping URLs already seen.
func (cr *crawler) newTasks(t Task, pl pageLinks) []Task {
	var cand []Task
	inPage := map[string]bool{}
	add := func(n Task) {
		n.URL = cr.norm(n.URL)
		if inPage[n.URL] {
			return
		}
		u, err := url.Parse(n.URL)
		if err != nil || !cr.allowedHost(u.Hostname()) {
			return
		}
		inPage[n.URL] = true
		cand = append(cand, n)
	}
	if t.Depth+1 <= cr.cfg.MaxDepth {
		for _, u := range pl.listings {
			add(Task{URL: u, Depth: t.Depth + 1, Listing: true})
		}
		for _, u := range pl.follow {
			add(Task{URL: u, Depth: t.Depth + 1, Listing: cr.x.isListingURL(u)})
		}
	}
	maxChain := 200
	if cr.x.ad != nil && cr.x.ad.Pagination.MaxPages > 0 {
		maxChain = cr.x.ad.Pagination.MaxPages
	}
	if pl.next != "" {
		if t.Chain+1 < maxChain {
			add(Task{URL: pl.next, Depth: t.Depth, Chain: t.Chain + 1})
		} else {
			cr.log.Info("crawl: pagination limit reached", "url", t.URL, "max_pages", maxChain)
		}
	}
	return cr.fr.FilterNew(cand)
}

// deliver completes a listing (defaults, ID, images) and emits it unless
// its ID was emitted before.
func (cr *crawler) deliver(l *corpus.Listing, pageURL string, c *Completion) error {
	if l.URL == "" {
		l.URL = pageURL
	}
	l.URL = cr.norm(l.URL)
	if ad := cr.cfg.Adapter; ad != nil {
		l.Source = ad.Name
		if l.Kind == "" {
			l.Kind = ad.Kind
		}
		if l.Country == "" {
			l.Country = ad.Country
		}
		if l.Language == "" {
			l.Language = ad.Language
		}
	} else if u, err := url.Parse(l.URL); err == nil {
		l.Source = u.Hostname()
	}
	l.EnsureID()
	if l.Validate() != nil || strings.TrimSpace(l.Body) == "" {
		cr.skipped.Add(1)
		cr.log.Info("crawl: page has no listing text", "url", l.URL)
		return nil
	}
	fresh, err := cr.fr.ClaimListing(cr.ctx, l.ID, pageURL)
	if err != nil {
		return errs.E("crawl: frontier", errs.IO, err)
	}
	if !fresh {
		cr.dups.Add(1)
		return nil
	}
	if cr.cfg.FetchImages {
		cr.fetchImages(l)
	}
	cr.emitMu.Lock()
	err = cr.emit(l)
	cr.emitMu.Unlock()
	if err != nil {
		return errs.E("crawl: emit listing", err)
	}
	cr.listings.Add(1)
	c.ListingIDs = append(c.ListingIDs, l.ID)
	return nil
}

// fetchImages fetches and checks a listing's images, hands them to OnImage
// and keeps them on disk when asked. Bad images are logged and dropped from
// nothing: the listing keeps their URLs.
func (cr *crawler) fetchImages(l *corpus.Listing) {
	for i := range l.Images {
		if i >= cr.cfg.MaxImages {
			break
		}
		u := l.Images[i].URL
		data, err := cr.image(u)
		if err != nil {
			cr.errors.Add(1)
			cr.log.Warn("crawl: image failed", "url", u, "listing", l.ID, "err", err)
			continue
		}
		cr.images.Add(1)
		if cr.cfg.OnImage != nil {
			cr.cfg.OnImage(l.ID, u, data)
		}
		if cr.cfg.KeepImagesDir != "" {
			p, err := keepImage(cr.cfg.KeepImagesDir, data)
			if err != nil {
				cr.log.Warn("crawl: keep image", "url", u, "err", err)
				continue
			}
			l.Images[i].Path = p
		}
	}
}

// image returns an image's bytes, from the run's cache or fetched, after
// checking size, format and pixel count.
func (cr *crawler) image(u string) ([]byte, error) {
	if data, ok := cr.imgs.get(u); ok {
		return data, nil
	}
	f := cr.fetch(u, "image")
	if f.err == nil && (f.status < 200 || f.status > 299) {
		f.err = fmt.Errorf("HTTP %d", f.status)
	}
	if f.err != nil {
		return nil, f.err
	}
	if int64(len(f.body)) > cr.cfg.MaxImageBytes {
		return nil, fmt.Errorf("image exceeds the %d byte limit", cr.cfg.MaxImageBytes)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(f.body))
	if err != nil {
		return nil, fmt.Errorf("not a decodable image (%s): %w", f.ct, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > int64(cr.cfg.MaxImagePixels) {
		return nil, fmt.Errorf("%s image of %d×%d pixels exceeds the %d pixel limit", format, cfg.Width, cfg.Height, cr.cfg.MaxImagePixels)
	}
	cr.imgs.put(u, f.body)
	return f.body, nil
}

// keepImage stores data under dir by SHA-256 and returns the path.
func keepImage(dir string, data []byte) (string, error) {
	_, format, _ := image.DecodeConfig(bytes.NewReader(data))
	ext := "." + format
	if format == "jpeg" {
		ext = ".jpg"
	}
	p := filepath.Join(dir, sha256Hex(data)+ext)
	if _, err := os.Stat(p); err == nil {
		return p, nil
	}
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return "", err
	}
	return p, os.Rename(tmp, p)
}

// imageCache holds recently fetched images, up to max bytes, so an image
// shared by many listings is fetched once.
type imageCache struct {
	mu    sync.Mutex
	max   int
	size  int
	order []string
	m     map[string][]byte
}

func (c *imageCache) get(u string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	d, ok := c.m[u]
	return d, ok
}

func (c *imageCache) put(u string, d []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(d) > c.max/4 {
		return
	}
	if c.m == nil {
		c.m = map[string][]byte{}
	}
	if _, ok := c.m[u]; ok {
		return
	}
	for c.size+len(d) > c.max && len(c.order) > 0 {
		old := c.order[0]
		c.order = c.order[1:]
		c.size -= len(c.m[old])
		delete(c.m, old)
	}
	c.m[u] = d
	c.order = append(c.order, u)
	c.size += len(d)
}

// decodePage returns the page as UTF-8. Valid UTF-8 with non-ASCII bytes is
// taken as UTF-8 whatever the server declared (a wrong declared charset is
// common); otherwise the declared charset, then <meta>, then detection.
func decodePage(body []byte, contentType string) string {
	if utf8.Valid(body) {
		return string(body)
	}
	mt, params, _ := mime.ParseMediaType(contentType)
	if cs := strings.ToLower(params["charset"]); cs == "utf-8" || cs == "utf8" {
		contentType = mt // declared UTF-8 but is not: detect instead
	}
	s, err := corpus.DecodeHTML(body, contentType)
	if err != nil {
		return strings.ToValidUTF8(string(body), "\uFFFD")
	}
	return s
}

// trackingParams are query parameters that only track visitors; they are
// dropped from every URL so one page has one key.
var trackingParams = map[string]bool{"utm_source": true, "utm_medium": true, "utm_campaign": true, "utm_term": true,
	"utm_content": true, "fbclid": true, "gclid": true, "mc_cid": true, "mc_eid": true}

// norm normalizes a URL with the adapter's drop_params.
func (cr *crawler) norm(s string) string {
	var drop []string
	if cr.cfg.Adapter != nil {
		drop = cr.cfg.Adapter.DropParams
	}
	return normalizeURL(s, drop)
}

// normalizeURL lower-cases scheme and host, drops default ports, the
// fragment, tracking parameters and the given ones, so one page has one
// key.
func normalizeURL(s string, drop []string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return s
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	if (u.Scheme == "http" && u.Port() == "80") || (u.Scheme == "https" && u.Port() == "443") {
		u.Host = u.Hostname()
	}
	if u.Path == "" {
		u.Path = "/"
	}
	u.Fragment, u.RawFragment = "", ""
	if u.RawQuery != "" {
		q := u.Query()
		n := len(q)
		for k := range q {
			if trackingParams[strings.ToLower(k)] || slices.Contains(drop, k) {
				delete(q, k)
			}
		}
		if len(q) != n {
			u.RawQuery = q.Encode()
		}
	}
	return u.String()
}
