package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/crawl"
)

// syncBuffer is a bytes.Buffer safe for a command writing while the test
// reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func runCmd(ctx context.Context, args ...string) (code int, stdout, stderr string) {
	var out, errb syncBuffer
	code = run(ctx, args, strings.NewReader(""), &out, &errb, func(string) string { return "" })
	return code, out.String(), errb.String()
}

func TestCrawlCommandDemo(t *testing.T) {
	ls, err := crawl.DemoCorpus()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(crawl.DemoSite(ls))
	defer srv.Close()
	dir := t.TempDir()
	outFile := filepath.Join(dir, "listings.jsonl")
	code, _, stderr := runCmd(context.Background(), "crawl", "--adapter", "demo", "--start", srv.URL+"/",
		"--allow-private", "--delay", "0", "--state", filepath.Join(dir, "state"), "-o", outFile)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	f, err := os.Open(outFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	for rec := range corpus.ReadJSONL(context.Background(), f, outFile, corpus.Options{}) {
		if rec.Err != nil {
			t.Fatal(rec.Err)
		}
		if !strings.HasPrefix(rec.Listing.URL, srv.URL+"/ad/") || rec.Listing.Source != "demo" {
			t.Errorf("listing url %q source %q", rec.Listing.URL, rec.Listing.Source)
		}
		n++
	}
	if n != len(ls) {
		t.Errorf("%d listings in %s, want %d", n, outFile, len(ls))
	}
	if !strings.Contains(stderr, "crawl done") || !strings.Contains(stderr, fmt.Sprintf("listings=%d", len(ls))) {
		t.Errorf("no summary on stderr:\n%s", stderr)
	}
	// Running it again resumes a finished crawl: nothing new is appended.
	code, _, stderr = runCmd(context.Background(), "crawl", "--adapter", "demo", "--start", srv.URL+"/",
		"--allow-private", "--delay", "0", "--state", filepath.Join(dir, "state"), "-o", outFile)
	if code != exitOK || !strings.Contains(stderr, "listings=0") {
		t.Errorf("second run: exit %d\n%s", code, stderr)
	}
}

func TestCrawlCommandErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"crawl"}, exitUsage, "give --adapter"},
		{[]string{"crawl", "--start", "http://example.com/"}, exitUsage, "give --adapter"},
		{[]string{"crawl", "--start", "http://example.com/", "--follow", "("}, exitUsage, "--follow"},
		{[]string{"crawl", "--adapter", "nosuchsite"}, exitConfig, "no built-in adapter"},
		{[]string{"crawl", "--adapter", "demo", "--follow", "x"}, exitUsage, "generic mode"},
		{[]string{"crawl", "--adapter", "demo", "--start", "ftp://x/"}, exitConfig, "start URL"},
		{[]string{"crawl", "--adapter", "demo", "--scan"}, exitConfig, "not available yet"},
	} {
		if newCrawlSink != nil && tc.msg == "not available yet" {
			continue
		}
		code, _, stderr := runCmd(context.Background(), tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr, tc.code, tc.msg)
		}
	}
}

func TestDemoSiteCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"demo-site", "--addr", "127.0.0.1:0"}, strings.NewReader(""), &out, &errb, func(string) string { return "" })
	}()
	re := regexp.MustCompile(`http://127\.0\.0\.1:\d+/`)
	var base string
	for deadline := time.Now().Add(5 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		base = re.FindString(out.String())
	}
	if base == "" {
		cancel()
		t.Fatalf("no address printed: %q %q", out.String(), errb.String())
	}
	for _, p := range []string{"robots.txt", "", "page/2", "ad/demo-001", "img/photo-001.png"} {
		resp, err := http.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(bufio.NewReader(resp.Body))
		resp.Body.Close()
		if resp.StatusCode != 200 || len(body) == 0 {
			t.Errorf("%s: status %d, %d bytes", p, resp.StatusCode, len(body))
		}
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("exit %d: %s", code, errb.String())
	}
}

// TestCrawlCommandSink checks the --scan/--index hook: listings and images
// reach the sink, and the sink is closed.
func TestCrawlCommandSink(t *testing.T) {
	ls, err := crawl.DemoCorpus()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(crawl.DemoSite(ls[:10]))
	defer srv.Close()
	saved := newCrawlSink
	defer func() { newCrawlSink = saved }()
	var mu sync.Mutex
	var got []string
	images, closed := 0, false
	var opts crawlSinkOptions
	newCrawlSink = func(ctx context.Context, e *env, opt crawlSinkOptions) (*crawlSink, error) {
		opts = opt
		return &crawlSink{
			Emit: func(l *corpus.Listing) error {
				mu.Lock()
				defer mu.Unlock()
				got = append(got, l.ID)
				return nil
			},
			OnImage: func(id, u string, data []byte) {
				mu.Lock()
				defer mu.Unlock()
				images++
			},
			Close: func() error { closed = true; return nil },
		}, nil
	}
	code, _, stderr := runCmd(context.Background(), "crawl", "--adapter", "demo", "--start", srv.URL+"/",
		"--allow-private", "--delay", "0", "--scan", "--index", t.TempDir(), "--progress", "on")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if len(got) != 10 || images == 0 || !closed || !opts.Scan || opts.IndexDir == "" {
		t.Errorf("sink got %d listings, %d images, closed %v, options %+v", len(got), images, closed, opts)
	}
	if !strings.Contains(stderr, "crawl: ") || !strings.Contains(stderr, "10 listings") {
		t.Errorf("no progress line on stderr:\n%q", stderr)
	}
}
