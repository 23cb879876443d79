package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/redthread/redthread/crawl"
)

// TestCrawlScan crawls the demo site straight into the scanner: every
// listing comes out as a scan result with its URL-derived ID.
func TestCrawlScan(t *testing.T) {
	listings, err := crawl.DemoCorpus()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(crawl.DemoSite(listings))
	defer srv.Close()
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"crawl", "--adapter", "demo", "--start", srv.URL + "/", "--allow-private",
		"--delay", "0", "--state", t.TempDir(), "--images", "--scan"}, strings.NewReader(""), &out, &errOut, func(string) string { return "" })
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	n := strings.Count(out.String(), "\n")
	if n != len(listings) {
		t.Errorf("got %d results for %d demo listings; stderr:\n%s", n, len(listings), errOut.String())
	}
	if !strings.Contains(out.String(), `"level":"high"`) || !strings.Contains(out.String(), `"indicators":[{`) {
		t.Errorf("no flagged result in crawl scan output:\n%.2000s", out.String())
	}
	// The demo corpus reuses phones and photos on purpose: the crawl scan
	// links them, hashing the fetched images in memory.
	for _, want := range []string{`"network.shared_contact"`, `"network.reused_photo"`, `"pdq":"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("crawl scan output lacks %s", want)
		}
	}
}
