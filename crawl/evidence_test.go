package crawl

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCrawlEvidenceAndImages keeps raw pages as gzip evidence with their
// URL and fetch time, and images on disk with images[].path set.
func TestCrawlEvidenceAndImages(t *testing.T) {
	want, err := DemoCorpus()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(DemoSite(want[:5]))
	defer srv.Close()
	state, imgDir := t.TempDir(), t.TempDir()
	cfg := fastConfig(srv.URL + "/")
	cfg.Adapter = demoAdapter(t)
	cfg.StateDir = state
	cfg.KeepImagesDir = imgDir
	var got collector
	st, err := Crawl(context.Background(), cfg, nil, got.emit)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.ls) != 5 {
		t.Fatalf("%d listings, want 5", len(got.ls))
	}
	f, err := os.Open(filepath.Join(state, "evidence", "evidence.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r EvidenceRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		n++
		if r.FetchedAt.IsZero() || r.Status != 200 || !strings.HasPrefix(r.URL, srv.URL) {
			t.Errorf("record %+v", r)
		}
		zf, err := os.Open(filepath.Join(state, "evidence", filepath.FromSlash(r.File)))
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(zf)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(zr)
		zf.Close()
		if sha256Hex(body) != r.SHA256 || len(body) != r.Bytes {
			t.Errorf("%s: stored page does not match its hash", r.URL)
		}
		resp, err := http.Get(r.URL)
		if err != nil {
			t.Fatal(err)
		}
		live, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(live) != string(body) {
			t.Errorf("%s: evidence differs from what the site serves", r.URL)
		}
	}
	if int64(n) != st.Pages {
		t.Errorf("%d evidence records for %d pages", n, st.Pages)
	}
	images := 0
	for _, l := range got.ls {
		for _, im := range l.Images {
			images++
			if im.Path == "" {
				t.Errorf("%s: image %s has no path", l.ID, im.URL)
				continue
			}
			if _, err := os.Stat(im.Path); err != nil {
				t.Error(err)
			}
		}
	}
	if images == 0 {
		t.Error("test corpus slice has no images")
	}
}
