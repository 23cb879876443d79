package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"slices"
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

// TestScanFlagsEverywhere: crawl --scan accepts every flag scan accepts
// (scan's --workers is --scan-workers there, --workers being pages in
// flight), and eval and rules fit accept every flag that decides what a
// scan finds (data, rules, links).
func TestScanFlagsEverywhere(t *testing.T) {
	flags := func(args ...string) map[string]bool {
		var out, errOut bytes.Buffer
		run(context.Background(), append(args, "-h"), strings.NewReader(""), &out, &errOut, func(string) string { return "" })
		names := map[string]bool{}
		for _, line := range strings.Split(out.String()+errOut.String(), "\n") {
			if f, ok := strings.CutPrefix(line, "  -"); ok {
				names[strings.Fields(f)[0]] = true
			}
		}
		if len(names) == 0 {
			t.Fatalf("%v -h lists no flags", args)
		}
		return names
	}
	scan := flags("scan")
	core := []string{"country", "rules", "lexicon", "patterns", "contact-data", "entities", "wages", "rates",
		"links", "no-links", "hash-list", "generic-limit", "link-params", "max-bytes", "tmp", "max-memory"}
	for _, tc := range []struct {
		cmd  []string
		want []string
	}{
		{[]string{"crawl"}, nil}, // nil: every scan flag
		{[]string{"eval"}, append(core, "workers")},
		{[]string{"rules", "fit"}, append(core, "workers")},
	} {
		got := flags(tc.cmd...)
		want := tc.want
		if want == nil {
			for name := range scan {
				switch name {
				case "workers":
					want = append(want, "scan-workers")
				case "o", "index":
					want = append(want, name) // crawl's own, same meaning
				default:
					want = append(want, name)
				}
			}
		}
		for _, name := range want {
			if !got[name] {
				t.Errorf("%v has no --%s", tc.cmd, name)
			}
		}
	}
}

// TestCrawlScanFlags: the scan flags of crawl --scan reach the scanner.
func TestCrawlScanFlags(t *testing.T) {
	listings, err := crawl.DemoCorpus()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(crawl.DemoSite(listings))
	defer srv.Close()
	for _, tc := range []struct {
		flags []string
		want  string
		not   string
	}{
		{[]string{"--no-links"}, `"indicators":[{`, `"network.`},
		{[]string{"--scan-workers", "1", "--batch", "3", "--embed-listing"}, `"network.shared_contact"`, ""},
	} {
		var out, errOut bytes.Buffer
		args := append([]string{"crawl", "--adapter", "demo", "--start", srv.URL + "/", "--allow-private",
			"--delay", "0", "--state", t.TempDir(), "--scan", "-q"}, tc.flags...)
		if code := run(context.Background(), args, strings.NewReader(""), &out, &errOut, func(string) string { return "" }); code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.flags, code, errOut.String())
		}
		if !strings.Contains(out.String(), tc.want) || (tc.not != "" && strings.Contains(out.String(), tc.not)) {
			t.Errorf("%v: output lacks %s or has %q", tc.flags, tc.want, tc.not)
		}
		if slices.Contains(tc.flags, "--embed-listing") && !strings.Contains(out.String(), `"listing":{`) {
			t.Errorf("%v: no embedded listing", tc.flags)
		}
	}
}
