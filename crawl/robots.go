package crawl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/temoto/robotstxt"
)

// maxRobotsBytes bounds a robots.txt; Google reads the first 500 KiB.
const maxRobotsBytes = 500 << 10

// maxCrawlDelay caps a robots.txt Crawl-delay.
const maxCrawlDelay = time.Minute

// robotsFailTTL is how long an unreachable robots.txt is remembered before
// it is asked for again.
const robotsFailTTL = time.Minute

// robotsSharedTTL is how long a robots.txt stays in a shared RobotsCache:
// Google keeps one for up to 24 hours.
const robotsSharedTTL = 24 * time.Hour

// errRobotsUnreachable marks pages not fetched because their host's
// robots.txt could not be read: they are tried again in a later run.
var errRobotsUnreachable = errors.New("robots.txt unreachable")

// robots fetches, caches and applies robots.txt per host (scheme and
// host:port), with its Crawl-delay.
type robots struct {
	client *http.Client
	ua     string
	log    *slog.Logger
	ctx    context.Context
	cache  RobotsCache // nil: none shared
	mu     sync.Mutex
	hosts  map[string]*robotsEntry
}

type robotsEntry struct {
	ready chan struct{}
	data  *robotstxt.RobotsData
	group *robotstxt.Group
	err   error
	at    time.Time
}

func newRobots(ctx context.Context, rt http.RoundTripper, timeout time.Duration, ua string, log *slog.Logger, cache RobotsCache) *robots {
	return &robots{
		client: &http.Client{Transport: rt, Timeout: timeout, CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return fmt.Errorf("robots.txt: stopped after %d redirects", len(via))
			}
			return nil
		}},
		ua: ua, log: log, ctx: ctx, cache: cache, hosts: map[string]*robotsEntry{},
	}
}

// allowed reports whether u may be fetched and the host's Crawl-delay.
func (r *robots) allowed(u *url.URL) (bool, time.Duration, error) {
	key := u.Scheme + "://" + u.Host
	r.mu.Lock()
	e, ok := r.hosts[key]
	if ok {
		select {
		case <-e.ready:
			if e.err != nil && time.Since(e.at) > robotsFailTTL {
				ok = false // ask again
			}
		default:
		}
	}
	if !ok {
		e = &robotsEntry{ready: make(chan struct{})}
		r.hosts[key] = e
		r.mu.Unlock()
		e.data, e.err = r.fetch(key)
		e.at = time.Now()
		if e.err == nil {
			e.group = e.data.FindGroup(r.ua)
		}
		close(e.ready)
	} else {
		r.mu.Unlock()
		<-e.ready
	}
	if e.err != nil {
		return false, 0, e.err
	}
	path := u.EscapedPath()
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	if !e.data.TestAgent(path, r.ua) {
		return false, 0, nil
	}
	var delay time.Duration
	if e.group != nil {
		delay = min(e.group.CrawlDelay, maxCrawlDelay)
	}
	return true, delay, nil
}

// fetch reads a host's robots.txt. 4xx means no rules; 5xx or no answer
// means keep out for now (errRobotsUnreachable); lines the parser rejects
// are dropped, and a file that still does not parse keeps the crawler out.
// With a shared cache, a robots.txt another crawler read is taken from it,
// and one read here is put in it.
func (r *robots) fetch(base string) (*robotstxt.RobotsData, error) {
	if r.cache != nil {
		status, body, ok, err := r.cache.GetRobots(r.ctx, base)
		if err != nil {
			r.log.Warn("crawl: shared robots.txt cache", "url", base+"/robots.txt", "err", err)
		} else if ok {
			return r.parse(base, status, body), nil
		}
	}
	status, body, err := r.download(base)
	if err != nil {
		return nil, err
	}
	if r.cache != nil {
		if err := r.cache.PutRobots(r.ctx, base, status, body, robotsSharedTTL); err != nil {
			r.log.Warn("crawl: shared robots.txt cache", "url", base+"/robots.txt", "err", err)
		}
	}
	return r.parse(base, status, body), nil
}

// download reads a host's robots.txt: its status and at most
// maxRobotsBytes of body.
func (r *robots) download(base string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(r.ctx, "GET", base+"/robots.txt", nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("User-Agent", r.ua)
	resp, err := r.client.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("%w: %w", errRobotsUnreachable, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxRobotsBytes))
	if err != nil {
		return 0, nil, fmt.Errorf("%w: %w", errRobotsUnreachable, err)
	}
	if resp.StatusCode >= 500 {
		return 0, nil, fmt.Errorf("%w: HTTP %d", errRobotsUnreachable, resp.StatusCode)
	}
	return resp.StatusCode, body, nil
}

// parse applies the status and body of a robots.txt.
func (r *robots) parse(base string, status int, body []byte) *robotstxt.RobotsData {
	data, err := robotstxt.FromStatusAndBytes(status, body)
	if err == nil {
		return data
	}
	// The parser rejects a whole file for one bad line; drop the lines it
	// trips on (a Crawl-delay that is not a number, rules before any
	// User-agent) and keep the rest, as search engines do.
	if data, err2 := robotstxt.FromStatusAndBytes(status, sanitizeRobots(body)); err2 == nil {
		r.log.Warn("crawl: robots.txt has bad lines; ignoring them", "url", base+"/robots.txt", "err", err)
		return data
	}
	r.log.Warn("crawl: robots.txt does not parse; keeping out of the host", "url", base+"/robots.txt", "err", err)
	data, _ = robotstxt.FromStatusAndBytes(503, nil)
	return data
}

// sanitizeRobots drops the robots.txt lines the parser rejects outright.
func sanitizeRobots(body []byte) []byte {
	var out []byte
	seenAgent := false
	for _, line := range strings.Split(string(body), "\n") {
		key, val, ok := strings.Cut(line, ":")
		if !ok { // the parser also takes "key value"
			key, val, ok = strings.Cut(strings.TrimSpace(line), " ")
		}
		key = strings.ReplaceAll(strings.ToLower(strings.TrimSpace(key)), "-", "")
		if i := strings.IndexByte(val, '#'); i >= 0 {
			val = val[:i]
		}
		val = strings.TrimSpace(val)
		switch {
		case !ok:
		case key == "useragent":
			seenAgent = true
		case key == "crawldelay":
			if _, err := strconv.ParseFloat(val, 64); err != nil {
				continue
			}
		case key == "allow" || key == "disallow":
			if !seenAgent {
				continue
			}
		}
		out = append(out, line...)
		out = append(out, '\n')
	}
	return out
}
