package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/crawl"
	"github.com/redthread/redthread/crawl/redisfrontier"
	"github.com/redthread/redthread/errs"
)

func init() {
	commands["crawl"] = command{summary: "collect listings from a website politely, as JSONL (or into scan/index)", run: runCrawl}
}

// crawlSinkOptions says where crawled listings go besides JSONL.
type crawlSinkOptions struct {
	Scan     bool       // scan the listings; results go to Out
	IndexDir string     // index results (and listings) in this folder
	Out      io.Writer  // where scan results are written
	Flags    *scanFlags // the scan flags
}

// crawlSink receives crawled listings and their images.
type crawlSink struct {
	Emit    func(*corpus.Listing) error
	OnImage func(listingID, url string, data []byte) // may be nil
	Close   func() error                             // flushes; may be nil
}

// newCrawlSink connects the crawler to the scanner and index for --scan and
// --index. The scan wiring sets it; nil means those flags are unavailable.
var newCrawlSink func(ctx context.Context, e *env, opt crawlSinkOptions) (*crawlSink, error)

func runCrawl(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "crawl", "[--adapter NAME|FILE] [--start URL --follow REGEX] [flags]")
	adapter := fs.String("adapter", "", "site adapter: a built-in name ("+strings.Join(crawl.BuiltinAdapters(), ", ")+") or a YAML file")
	var start, domains stringList
	fs.Var(&start, "start", "start URL (repeatable; replaces the adapter's)")
	fs.Var(&domains, "domain", "also allow pages on this domain and its subdomains (repeatable)")
	follow := fs.String("follow", "", "generic mode (no adapter): follow links whose URL matches this regexp")
	listing := fs.String("listing", "", "generic mode: only followed pages whose URL matches this regexp are listings")
	out := fs.String("o", "", "write listings JSONL to this file (appended to when --state or --redis is given) instead of stdout")
	state := fs.String("state", "", "keep the crawl state (and evidence) here; the same command with the same --state resumes a stopped crawl")
	evidence := fs.String("evidence", "", "keep raw pages (WARC) and an index here (default STATE/evidence; \"-\" for none)")
	warcSize := fs.Int64("warc-size", crawl.DefaultEvidenceMaxBytes, "start a new WARC evidence file when one reaches this many bytes")
	images := fs.Bool("images", false, "fetch listing images (size and format checked) for photo hashing")
	keepImages := fs.String("keep-images", "", "store fetched images in this folder and set images[].path (implies --images)")
	allowPrivate := fs.Bool("allow-private", false, "allow loopback, private and link-local addresses (local test sites)")
	ignoreRobots := fs.Bool("ignore-robots", false, "do not obey robots.txt (only for sites you own or have permission for)")
	delay := fs.Duration("delay", 0, "per-host delay after each request (default: the adapter's, else 1s)")
	parallel := fs.Int("parallel", 0, "requests in flight per host (default: the adapter's, else 2)")
	workers := fs.Int("workers", 0, "pages in flight overall (default 4 × --parallel)")
	maxDepth := fs.Int("max-depth", 5, "link distance from the start URLs (pagination does not count)")
	maxPages := fs.Int("max-pages", 0, "stop after fetching this many pages in this run (0: no limit)")
	timeout := fs.Duration("timeout", 30*time.Second, "time limit of one request, body included")
	maxBody := fs.Int64("max-body", 10<<20, "page size limit in bytes")
	retries := fs.Int("retries", 3, "retries of 429, 5xx and timeouts, with exponential backoff")
	userAgent := fs.String("user-agent", "", "user agent (default names redthread and its URL)")
	contact := fs.String("contact", "", "contact URL or e-mail added to the user agent, so site owners can reach you")
	scan := fs.Bool("scan", false, "scan the listings as they come and write scan results instead of listings")
	indexDir := fs.String("index", "", "index the scanned listings in this folder")
	redisURL := fs.String("redis", "", "share the crawl frontier with other crawl processes through this Redis (redis://HOST:PORT/DB); each page is fetched once by one of them and the per-host delay holds across all")
	redisPrefix := fs.String("redis-prefix", "redthread-crawl", "with --redis: key prefix naming the shared crawl; crawlers with the same prefix share one crawl")
	redisLease := fs.Duration("redis-lease", time.Minute, "with --redis: a page claimed by a crawler that died goes to another after this long")
	progress := fs.String("progress", "auto", "progress line: auto (on a terminal), on, off; otherwise a log line every 10s")
	var sf scanFlags
	sf.addCrawl(fs)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	cfg := crawl.Config{
		Start: start, AllowedDomains: domains, StateDir: *state, EvidenceDir: *evidence,
		FetchImages: *images, KeepImagesDir: *keepImages, AllowPrivate: *allowPrivate, IgnoreRobots: *ignoreRobots,
		Parallelism: *parallel, Workers: *workers, MaxDepth: *maxDepth, MaxPages: *maxPages, Timeout: *timeout,
		MaxBodyBytes: *maxBody, Retries: *retries, UserAgent: *userAgent, EvidenceMaxBytes: *warcSize,
	}
	if *retries == 0 {
		cfg.Retries = -1
	}
	if set["delay"] {
		cfg.Delay = *delay
		if *delay == 0 {
			cfg.Delay = -1
		}
	}
	if *contact != "" {
		ua := cfg.UserAgent
		if ua == "" {
			ua = crawl.DefaultUserAgent
		}
		cfg.UserAgent = strings.TrimSuffix(ua, ")") + "; contact: " + *contact + ")"
	}
	if *adapter != "" {
		a, err := crawl.LoadAdapterFile(*adapter)
		if err != nil {
			return err
		}
		cfg.Adapter = a
	}
	var err error
	if cfg.Follow, err = compileFlag("follow", *follow); err != nil {
		return err
	}
	if cfg.ListingPattern, err = compileFlag("listing", *listing); err != nil {
		return err
	}
	if *adapter != "" && (*follow != "" || *listing != "") {
		return fmt.Errorf("%w: --follow and --listing are for generic mode; the adapter says which links to follow", errUsage)
	}
	if *adapter == "" && (len(start) == 0 || *follow == "") {
		return fmt.Errorf("%w: give --adapter, or --start URL and --follow REGEX for generic mode", errUsage)
	}
	if *redisURL == "" && (set["redis-prefix"] || set["redis-lease"]) {
		return fmt.Errorf("%w: --redis-prefix and --redis-lease need --redis URL", errUsage)
	}
	if *redisURL != "" {
		fr, closeRedis, err := openRedisFrontier(ctx, e, *redisURL, *redisPrefix, *redisLease, cfg.Workers, cfg.Parallelism)
		if err != nil {
			return err
		}
		defer closeRedis()
		cfg.Frontier = fr
		if *state != "" {
			e.log.Info("crawl: the frontier is on Redis; --state keeps only the evidence", "prefix", *redisPrefix)
		}
	}
	if *ignoreRobots {
		e.log.Warn("crawl: robots.txt is ignored (--ignore-robots)")
	}

	var w io.Writer = e.stdout
	if *out != "" {
		mode := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
		if *state != "" || *redisURL != "" {
			mode = os.O_CREATE | os.O_WRONLY | os.O_APPEND
		}
		f, err := os.OpenFile(*out, mode, 0o644)
		if err != nil {
			return errs.E("crawl: open output", errs.IO, err)
		}
		defer f.Close()
		w = f
	}
	if sf.quiet {
		*progress = "off"
	}
	emit, onImage, finish, err := crawlOutput(ctx, e, w, crawlSinkOptions{Scan: *scan, IndexDir: *indexDir, Out: w, Flags: &sf})
	if err != nil {
		return err
	}
	cfg.OnImage = onImage

	show := *progress == "on" || (*progress == "auto" && isTerminal(e.stderr))
	prog := newCountProgress(e, show, "crawl")
	if show {
		// A bar over the pages known so far (fetched + queued), with ETA.
		cfg.Progress = func(s crawl.Stats) {
			prog.describe(fmt.Sprintf("crawl: %d listings, %d errors, %.1f pages/s", s.Listings, s.Errors, s.PagesPerSecond()),
				int64(s.Pages), int64(s.Pages+s.Queued))
		}
	} else {
		last := time.Now()
		cfg.Progress = func(s crawl.Stats) {
			if time.Since(last) >= 10*time.Second {
				last = time.Now()
				e.log.Info("crawl progress", "pages", s.Pages, "listings", s.Listings, "errors", s.Errors, "queued", s.Queued,
					"pages_per_s", fmt.Sprintf("%.1f", s.PagesPerSecond()))
			}
		}
	}
	st, err := crawl.Crawl(ctx, cfg, e.log, emit)
	prog.done()
	if ferr := finish(); err == nil {
		err = ferr
	}
	e.log.Info("crawl done", "pages", st.Pages, "listings", st.Listings, "errors", st.Errors, "skipped", st.Skipped,
		"duplicates", st.Duplicates, "images", st.Images, "queued", st.Queued, "elapsed", st.Elapsed.Round(time.Millisecond))
	if errors.Is(err, context.Canceled) {
		if *state != "" || *redisURL != "" {
			e.log.Info("crawl stopped; run the same command to resume", "state", *state, "redis_prefix", *redisPrefix)
		}
		return nil
	}
	return err
}

// openRedisFrontier connects to Redis and returns the shared frontier and
// a function closing the connection.
func openRedisFrontier(ctx context.Context, e *env, rawURL, prefix string, lease time.Duration, workers, parallel int) (crawl.Frontier, func(), error) {
	opt, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: --redis: %v", errUsage, err)
	}
	rdb := redis.NewClient(opt)
	if workers <= 0 {
		workers = 4 * max(parallel, 2)
	}
	fr, err := redisfrontier.New(rdb, prefix, redisfrontier.Options{Lease: lease, Workers: workers, Log: e.log})
	if err != nil {
		rdb.Close()
		return nil, nil, fmt.Errorf("%w: %v", errUsage, err)
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := rdb.Ping(pctx).Err(); err != nil {
		rdb.Close()
		return nil, nil, errs.E("crawl: redis "+opt.Addr, errs.IO, fmt.Errorf("cannot reach Redis: %w", err))
	}
	e.log.Info("crawl: sharing the frontier on Redis", "addr", opt.Addr, "prefix", prefix, "lease", lease)
	return fr, func() { rdb.Close() }, nil
}

// crawlOutput returns where listings go: JSONL on w, or the scan/index sink.
func crawlOutput(ctx context.Context, e *env, w io.Writer, opt crawlSinkOptions) (emit func(*corpus.Listing) error,
	onImage func(string, string, []byte), finish func() error, err error) {
	if opt.Scan || opt.IndexDir != "" {
		if newCrawlSink == nil {
			return nil, nil, nil, errs.E("crawl", errs.Config, "--scan and --index are not available yet in this build; write JSONL and run 'redthread scan' on it")
		}
		sink, err := newCrawlSink(ctx, e, opt)
		if err != nil {
			return nil, nil, nil, err
		}
		finish = func() error { return nil }
		if sink.Close != nil {
			finish = sink.Close
		}
		return sink.Emit, sink.OnImage, finish, nil
	}
	jw := corpus.NewWriter(w)
	emit = func(l *corpus.Listing) error {
		if err := jw.Write(l); err != nil {
			return err
		}
		return jw.Flush() // a killed crawl keeps every listing it recorded as emitted
	}
	return emit, nil, jw.Flush, nil
}

func compileFlag(name, expr string) (*regexp.Regexp, error) {
	if expr == "" {
		return nil, nil
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, fmt.Errorf("%w: --%s: %v", errUsage, name, err)
	}
	return re, nil
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
