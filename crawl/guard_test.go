package crawl

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
)

func TestPublicAddr(t *testing.T) {
	for _, tc := range []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1", false}, {"127.8.9.10", false}, {"::1", false}, {"10.1.2.3", false}, {"172.16.0.1", false},
		{"192.168.1.1", false}, {"169.254.169.254", false}, {"fe80::1", false}, {"fc00::1", false}, {"0.0.0.0", false},
		{"::", false}, {"100.64.0.1", false}, {"::ffff:127.0.0.1", false}, {"::ffff:10.0.0.1", false}, {"224.0.0.1", false},
		{"64:ff9b::7f00:1", false}, {"8.8.8.8", true}, {"93.184.216.34", true}, {"2606:4700::1111", true},
	} {
		if got := publicAddr(netip.MustParseAddr(tc.addr)); got != tc.ok {
			t.Errorf("publicAddr(%s) = %v, want %v", tc.addr, got, tc.ok)
		}
	}
}

// TestCrawlRefusesPrivate checks that loopback is refused without
// AllowPrivate, for start URLs and for redirects from an allowed page.
func TestCrawlRefusesPrivate(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, page("Private", "This page must not be fetched without allow-private being set."))
	}))
	defer srv.Close()
	cfg := fastConfig(srv.URL + "/ad/1")
	cfg.AllowPrivate = false
	cfg.Follow = nil
	cfg.Adapter = demoAdapter(t)
	var logBuf bytes.Buffer
	var got collector
	st, err := Crawl(context.Background(), cfg, testLog(&logBuf), got.emit)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.ls) != 0 || st.Pages != 0 || st.Errors != 1 {
		t.Errorf("pages %d listings %d errors %d; want the page refused", st.Pages, len(got.ls), st.Errors)
	}
	if !strings.Contains(logBuf.String(), "non-public address") || !strings.Contains(logBuf.String(), srv.URL+"/ad/1") ||
		!strings.Contains(logBuf.String(), "retry_next_run=false") {
		t.Errorf("refusal not logged with its URL, as final:\n%s", logBuf.String())
	}
	// The guard works at dial time: a redirect to loopback is refused the
	// same way. (The transport is exercised directly: no public server is
	// reachable from the tests.)
	cfg2 := Config{Timeout: 1e9, Workers: 1}
	rt := newTransport(&cfg2, false)
	req, _ := http.NewRequest("GET", srv.URL, nil)
	if _, err := rt.RoundTrip(req); err == nil || !strings.Contains(err.Error(), "non-public") {
		t.Errorf("transport to loopback: err = %v", err)
	}
	req, _ = http.NewRequest("GET", "http://localhost:"+srv.URL[strings.LastIndex(srv.URL, ":")+1:], nil)
	if _, err := rt.RoundTrip(req); err == nil || !strings.Contains(err.Error(), "non-public") {
		t.Errorf("transport to localhost: err = %v", err)
	}
}

// TestCrawlRobots obeys robots.txt by default and ignores it when told.
func TestCrawlRobots(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><a href="/ads/1">one</a><a href="/private/2">two</a></body></html>`)
	})
	mux.HandleFunc("/ads/1", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, page("Public ad", "A public ad that robots.txt lets crawlers read and index."))
	})
	mux.HandleFunc("/private/2", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, page("Private ad", "A page robots.txt forbids to crawlers."))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for _, ignore := range []bool{false, true} {
		cfg := fastConfig(srv.URL + "/")
		cfg.Follow = regexpMust(`/(ads|private)/`)
		cfg.IgnoreRobots = ignore
		var got collector
		st, err := Crawl(context.Background(), cfg, nil, got.emit)
		if err != nil {
			t.Fatal(err)
		}
		_, private := got.byURL()[srv.URL+"/private/2"]
		_, public := got.byURL()[srv.URL+"/ads/1"]
		if !public || private != ignore {
			t.Errorf("ignore=%v: public crawled %v, private crawled %v", ignore, public, private)
		}
		if !ignore && st.Skipped != 1 {
			t.Errorf("skipped = %d, want 1", st.Skipped)
		}
	}
}

// TestCrawlRobotsEdgeCases: Crawl-delay raises the host's delay; a robots.txt
// that does not parse reads as no rules; an unreachable one (5xx) keeps the
// host's pages queued for the next run.
func TestCrawlRobotsEdgeCases(t *testing.T) {
	var mu sync.Mutex
	robots := "User-agent: *\nCrawl-delay: 0.2\nDisallow: /no/\n"
	robotsStatus := 200
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.WriteHeader(robotsStatus)
		fmt.Fprint(w, robots)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><a href="/ads/1">one</a><a href="/no/2">two</a></body></html>`)
	})
	mux.HandleFunc("/ads/1", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, page("Public ad", "A public ad that robots.txt lets crawlers read and index."))
	})
	mux.HandleFunc("/no/2", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, page("Private ad", "A page robots.txt forbids to crawlers."))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	crawlOnce := func(state string) (*collector, string, Stats) {
		cfg := fastConfig(srv.URL + "/")
		cfg.Follow = regexpMust(`/(ads|no)/`)
		cfg.StateDir = state
		var logBuf bytes.Buffer
		var got collector
		st, err := Crawl(context.Background(), cfg, testLog(&logBuf), got.emit)
		if err != nil {
			t.Fatal(err)
		}
		return &got, logBuf.String(), st
	}

	got, log, _ := crawlOnce("")
	if !strings.Contains(log, "crawl-delay") || !strings.Contains(log, "delay=200ms") {
		t.Errorf("Crawl-delay not applied:\n%s", log)
	}
	if len(got.ls) != 1 {
		t.Errorf("%d listings, want 1", len(got.ls))
	}

	mu.Lock()
	robots = "Disallow: /ads/\nUser-agent: *\nCrawl-delay: soon\nDisallow: /no/\n"
	mu.Unlock()
	got, log, _ = crawlOnce("")
	if len(got.ls) != 1 || got.ls[0].Title != "Public ad" || !strings.Contains(log, "bad lines") {
		t.Errorf("robots.txt with bad lines: %d listings, want the public one (bad lines dropped, good kept)\n%s", len(got.ls), log)
	}

	mu.Lock()
	robots, robotsStatus = "", 503
	mu.Unlock()
	state := t.TempDir()
	got, log, st := crawlOnce(state)
	if len(got.ls) != 0 || st.Pages != 0 || !strings.Contains(log, "robots.txt unreachable") {
		t.Errorf("robots.txt 503: %d listings, %d pages; want none fetched\n%s", len(got.ls), st.Pages, log)
	}
	mu.Lock()
	robots, robotsStatus = "User-agent: *\nDisallow: /no/\n", 200
	mu.Unlock()
	got, _, _ = crawlOnce(state)
	if len(got.ls) != 1 {
		t.Errorf("next run after robots.txt came back: %d listings, want 1", len(got.ls))
	}
}
