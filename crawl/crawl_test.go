package crawl

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redthread/redthread/corpus"
)

// collector gathers emitted listings.
type collector struct {
	mu sync.Mutex
	ls []*corpus.Listing
}

func (c *collector) emit(l *corpus.Listing) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ls = append(c.ls, l)
	return nil
}

func (c *collector) byURL() map[string]*corpus.Listing {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := map[string]*corpus.Listing{}
	for _, l := range c.ls {
		m[l.URL] = l
	}
	return m
}

// testLog returns a logger writing into buf, for checking what was logged.
func testLog(buf *bytes.Buffer) *slog.Logger {
	var mu sync.Mutex
	return slog.New(slog.NewTextHandler(&lockedWriter{w: buf, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func demoAdapter(t testing.TB) *Adapter {
	t.Helper()
	a, err := LoadAdapterFile("demo")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// fastConfig is a config for local test servers: no delays, short
// timeouts, private addresses allowed.
func fastConfig(start string) Config {
	return Config{Start: []string{start}, AllowPrivate: true, Delay: -1, Parallelism: 4, Timeout: 5 * time.Second,
		RetryBase: 10 * time.Millisecond, MaxRetryWait: 50 * time.Millisecond}
}

// countingHandler counts requests per path.
type countingHandler struct {
	h  http.Handler
	mu sync.Mutex
	n  map[string]int
}

func (c *countingHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[r.URL.RequestURI()]++
	c.mu.Unlock()
	c.h.ServeHTTP(w, r)
}

func (c *countingHandler) counts() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := make(map[string]int, len(c.n))
	for k, v := range c.n {
		m[k] = v
	}
	return m
}

func TestCrawlDemoSite(t *testing.T) {
	want, err := DemoCorpus()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(DemoSite(want))
	defer srv.Close()
	cfg := fastConfig(srv.URL + "/")
	cfg.Adapter = demoAdapter(t)
	cfg.FetchImages = true
	var imgMu sync.Mutex
	images := map[string]int{}
	cfg.OnImage = func(id, u string, data []byte) {
		imgMu.Lock()
		images[u] = len(data)
		imgMu.Unlock()
	}
	var got collector
	st, err := Crawl(context.Background(), cfg, nil, got.emit)
	if err != nil {
		t.Fatal(err)
	}
	if int(st.Listings) != len(want) || len(got.ls) != len(want) {
		t.Fatalf("emitted %d listings (stats %d), want %d", len(got.ls), st.Listings, len(want))
	}
	if st.Errors != 0 {
		t.Errorf("errors = %d, want 0", st.Errors)
	}
	byURL := got.byURL()
	for _, w := range want {
		u := srv.URL + "/ad/" + w.ID
		l, ok := byURL[u]
		if !ok {
			t.Errorf("listing %s not crawled", u)
			continue
		}
		if l.ID == "" || l.Source != "demo" {
			t.Errorf("%s: id %q source %q", u, l.ID, l.Source)
		}
		for _, f := range []struct{ name, got, want string }{
			{"title", l.Title, w.Title}, {"body", l.Body, w.Body}, {"employer", l.Employer, w.Employer},
			{"employer_info", l.EmployerInfo, w.EmployerInfo}, {"location", l.Location, w.Location},
			{"pay", l.Pay, w.Pay}, {"posted_at", l.PostedAt, w.PostedAt}, {"country", l.Country, w.Country},
			{"language", l.Language, w.Language}, {"kind", l.Kind, w.Kind},
			{"contacts", strings.Join(l.Contacts, "|"), strings.Join(w.Contacts, "|")},
		} {
			if f.got != f.want {
				t.Errorf("%s: %s = %q, want %q", w.ID, f.name, f.got, f.want)
			}
		}
		if len(l.Images) != len(w.Images) {
			t.Errorf("%s: %d images, want %d", w.ID, len(l.Images), len(w.Images))
		}
		for _, im := range l.Images {
			if images[im.URL] == 0 {
				t.Errorf("%s: image %s not handed to OnImage", w.ID, im.URL)
			}
		}
		if w.ID == "demo-001" && l.FieldString("category") != "job" {
			t.Errorf("extra field category = %q", l.FieldString("category"))
		}
	}
	if st.Images == 0 {
		t.Error("no images fetched")
	}
	ids := map[string]bool{}
	for _, l := range got.ls {
		if ids[l.ID] {
			t.Errorf("listing %s emitted twice", l.ID)
		}
		ids[l.ID] = true
	}
	_ = sort.Strings
}

// TestCrawlResume cancels a crawl mid-way and resumes it from its state
// folder: every page is fetched exactly once over both runs and every
// listing is emitted exactly once.
func TestCrawlResume(t *testing.T) {
	want, err := DemoCorpus()
	if err != nil {
		t.Fatal(err)
	}
	site := &countingHandler{h: DemoSite(want)}
	srv := httptest.NewServer(site)
	defer srv.Close()
	state := t.TempDir()
	cfg := fastConfig(srv.URL + "/")
	cfg.Adapter = demoAdapter(t)
	cfg.StateDir = state
	cfg.Parallelism, cfg.Workers = 2, 2

	var got collector
	ctx, cancel := context.WithCancel(context.Background())
	first := 0
	_, err = Crawl(ctx, cfg, nil, func(l *corpus.Listing) error {
		got.emit(l)
		first++
		if first == 25 {
			cancel()
		}
		return nil
	})
	if err != context.Canceled {
		t.Fatalf("first run: err = %v, want context.Canceled", err)
	}
	if len(got.ls) >= len(want) {
		t.Fatalf("first run emitted %d listings; the test needs it stopped early", len(got.ls))
	}
	st, err := Crawl(context.Background(), cfg, nil, got.emit)
	if err != nil {
		t.Fatal(err)
	}
	if st.Pages == 0 {
		t.Fatal("second run fetched nothing")
	}
	ids := map[string]int{}
	for _, l := range got.ls {
		ids[l.URL]++
	}
	for _, w := range want {
		if n := ids[srv.URL+"/ad/"+w.ID]; n != 1 {
			t.Errorf("listing %s emitted %d times over both runs, want 1", w.ID, n)
		}
	}
	for p, n := range site.counts() {
		if n != 1 && p != "/robots.txt" {
			t.Errorf("%s fetched %d times, want 1", p, n)
		}
	}
	// A third run has nothing left to do.
	st, err = Crawl(context.Background(), cfg, nil, got.emit)
	if err != nil || st.Pages != 0 || st.Listings != 0 {
		t.Errorf("third run: %+v, %v; want nothing fetched", st, err)
	}
}

func regexpMust(s string) *regexp.Regexp { return regexp.MustCompile(s) }

var anyRe = regexp.MustCompile(`.`)

func TestNormalizeURL(t *testing.T) {
	for _, tc := range []struct {
		in   string
		drop []string
		want string
	}{
		{"HTTP://Example.COM:80/a#frag", nil, "http://example.com/a"},
		{"https://example.com:443", nil, "https://example.com/"},
		{"https://example.com:8443/x?b=2&a=1", nil, "https://example.com:8443/x?b=2&a=1"},
		{"https://example.com/x?utm_source=n&id=7&fbclid=z", nil, "https://example.com/x?id=7"},
		{"https://example.com/job?jobListingId=3&cb=99&pos=1", []string{"cb", "pos"}, "https://example.com/job?jobListingId=3"},
	} {
		if got := normalizeURL(tc.in, tc.drop); got != tc.want {
			t.Errorf("normalizeURL(%q, %v) = %q, want %q", tc.in, tc.drop, got, tc.want)
		}
	}
}

// TestCrawlEmitError stops the crawl when the consumer fails, and a resumed
// run delivers what was not delivered.
func TestCrawlEmitError(t *testing.T) {
	want, err := DemoCorpus()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(DemoSite(want))
	defer srv.Close()
	cfg := fastConfig(srv.URL + "/")
	cfg.Adapter = demoAdapter(t)
	cfg.StateDir = t.TempDir()
	full := errors.New("disk full")
	var got collector
	_, err = Crawl(context.Background(), cfg, nil, func(l *corpus.Listing) error {
		if len(got.ls) == 10 {
			return full
		}
		return got.emit(l)
	})
	if !errors.Is(err, full) {
		t.Fatalf("err = %v, want the emit error", err)
	}
	if _, err := Crawl(context.Background(), cfg, nil, got.emit); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, l := range got.ls {
		seen[l.URL] = true
	}
	for _, w := range want {
		if !seen[srv.URL+"/ad/"+w.ID] {
			t.Errorf("listing %s never delivered", w.ID)
		}
	}
}
