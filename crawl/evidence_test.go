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
	"strconv"
	"strings"
	"testing"
)

// TestCrawlEvidenceAndImages keeps raw pages as WARC records with their
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
		body := readWARCBody(t, filepath.Join(state, "evidence", r.File), r)
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
	// The file opens with a warcinfo record, and holds nothing but records.
	ents, _ := os.ReadDir(filepath.Join(state, "evidence"))
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".warc.gz") {
			continue
		}
		wf, err := os.Open(filepath.Join(state, "evidence", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(wf)
		if err != nil {
			t.Fatal(err)
		}
		all, err := io.ReadAll(zr) // every gzip member, in sequence
		wf.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(all), "WARC/1.1\r\nWARC-Type: warcinfo\r\n") {
			t.Errorf("%s does not open with warcinfo", e.Name())
		}
		if got := strings.Count(string(all), "\r\n\r\nWARC/1.1\r\n"); got != n {
			t.Errorf("%s: %d records after warcinfo, want %d", e.Name(), got, n)
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

// readWARCBody reads the record an index line points at and returns the
// HTTP body, checking the WARC and HTTP headers on the way.
func readWARCBody(t *testing.T, file string, r EvidenceRecord) []byte {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(io.NewSectionReader(f, r.Offset, r.Length))
	if err != nil {
		t.Fatal(err)
	}
	zr.Multistream(false)
	rec, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	warcHead, block, ok := strings.Cut(string(rec), "\r\n\r\n")
	if !ok || !strings.HasPrefix(warcHead, "WARC/1.1\r\nWARC-Type: response\r\n") ||
		!strings.Contains(warcHead, "\r\nWARC-Target-URI: "+r.URL+"\r\n") ||
		!strings.Contains(warcHead, "\r\nWARC-Payload-Digest: sha-256:"+r.SHA256+"\r\n") {
		t.Fatalf("%s: bad WARC header:\n%s", r.URL, warcHead)
	}
	var clen int
	for _, ln := range strings.Split(warcHead, "\r\n") {
		if v, ok := strings.CutPrefix(ln, "Content-Length: "); ok {
			clen, _ = strconv.Atoi(v)
		}
	}
	if !strings.HasSuffix(block, "\r\n\r\n") || len(block)-4 != clen {
		t.Fatalf("%s: WARC block of %d bytes, Content-Length %d", r.URL, len(block)-4, clen)
	}
	httpHead, body, ok := strings.Cut(block[:clen], "\r\n\r\n")
	if !ok || !strings.HasPrefix(httpHead, "HTTP/1.1 200 OK\r\n") || !strings.Contains(httpHead, "Content-Type: "+r.ContentType) {
		t.Fatalf("%s: bad HTTP header:\n%s", r.URL, httpHead)
	}
	return []byte(body)
}
