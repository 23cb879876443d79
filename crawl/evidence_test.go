package crawl

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha1"
	"encoding/base32"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nlnwa/gowarc/v3"
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
	// Every file reads with gowarc's strict reader (digests checked) and
	// independently: see checkWARCFiles.
	if got := checkWARCFiles(t, filepath.Join(state, "evidence"), srv.URL); got != n {
		t.Errorf("%d response records, %d index lines", got, n)
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

// readWARCBody reads the record an index line points at, alone (its gzip
// member), with gowarc's strict reader, checks it names the URL and the
// address, and returns the HTTP body with the transfer encoding removed.
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
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	wr, err := gowarc.NewWarcFileReaderFromStream(bytes.NewReader(raw), 0, gowarc.WithStrictValidation())
	if err != nil {
		t.Fatal(err)
	}
	defer wr.Close()
	rec, err := wr.Next()
	if err != nil {
		t.Fatalf("%s: %v", r.URL, err)
	}
	defer rec.Close()
	h := rec.WarcRecord.WarcHeader()
	if rec.WarcRecord.Type() != gowarc.Response || h.Get(gowarc.WarcTargetURI) != r.URL ||
		h.Get(gowarc.WarcIPAddress) != r.IP || r.IP != "127.0.0.1" || "<"+r.WARCRecordID+">" != h.Get(gowarc.WarcRecordID) {
		t.Fatalf("%s: the index points at %s %s (ip %s), want its response", r.URL, rec.WarcRecord.Type(),
			h.Get(gowarc.WarcTargetURI), h.Get(gowarc.WarcIPAddress))
	}
	block, err := rec.WarcRecord.Block().RawBytes()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(block), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != r.Status || resp.Header.Get("Content-Type") != r.ContentType {
		t.Fatalf("%s: stored response %d %q, index %d %q", r.URL, resp.StatusCode, resp.Header.Get("Content-Type"), r.Status, r.ContentType)
	}
	body, err := io.ReadAll(resp.Body) // de-chunked by net/http
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// sha1B32 is a WARC digest value: SHA-1 in base 32.
func sha1B32(b []byte) string {
	h := sha1.Sum(b)
	return "sha1:" + base32.StdEncoding.EncodeToString(h[:])
}

// checkWARCFiles reads every WARC file in dir twice: with gowarc's
// reader under strict validation (which checks the digests), and by hand,
// recomputing WARC-Block-Digest and WARC-Payload-Digest (SHA-1 of the
// block, and of the bytes after the HTTP header) and checking that each
// file opens with warcinfo, that responses and requests come in pairs
// naming each other in WARC-Concurrent-To, with the site's address, the
// request as sent (GET, Host, User-Agent). It returns the responses.
func checkWARCFiles(t *testing.T, dir, site string) int {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.warc.gz"))
	if len(files) == 0 {
		t.Fatal("no WARC files")
	}
	responses := 0
	for _, file := range files {
		r, err := gowarc.NewWarcFileReader(file, 0, gowarc.WithStrictValidation())
		if err != nil {
			t.Fatal(err)
		}
		type rec struct {
			typ                     gowarc.RecordType
			id, to, uri, ip, bd, pd string
			block                   []byte
		}
		var recs []rec
		for wr, err := range r.Records() {
			if err != nil {
				t.Fatalf("%s: strict reader: %v", file, err)
			}
			h := wr.WarcRecord.WarcHeader()
			b, err := wr.WarcRecord.Block().RawBytes()
			if err != nil {
				t.Fatal(err)
			}
			block, err := io.ReadAll(b)
			if err != nil {
				t.Fatal(err)
			}
			recs = append(recs, rec{wr.WarcRecord.Type(), h.Get(gowarc.WarcRecordID), h.Get(gowarc.WarcConcurrentTo),
				h.Get(gowarc.WarcTargetURI), h.Get(gowarc.WarcIPAddress), h.Get(gowarc.WarcBlockDigest),
				h.Get(gowarc.WarcPayloadDigest), block})
			if n, _ := h.GetInt64(gowarc.ContentLength); n != int64(len(block)) {
				t.Errorf("%s: Content-Length %d, block of %d bytes", file, n, len(block))
			}
			wr.Close()
		}
		r.Close()
		if len(recs) == 0 || recs[0].typ != gowarc.Warcinfo || !strings.Contains(string(recs[0].block), "software: redthread-crawler") {
			t.Fatalf("%s does not open with a warcinfo record", file)
		}
		for i := 1; i < len(recs); i++ {
			x := recs[i]
			if x.bd != sha1B32(x.block) {
				t.Errorf("%s: record %d: WARC-Block-Digest %s, computed %s", file, i, x.bd, sha1B32(x.block))
			}
			_, payload, ok := bytes.Cut(x.block, []byte("\r\n\r\n"))
			if !ok || x.pd != sha1B32(payload) {
				t.Errorf("%s: record %d: WARC-Payload-Digest %s, computed %s", file, i, x.pd, sha1B32(payload))
			}
			if x.ip != "127.0.0.1" || !strings.HasPrefix(x.uri, site) {
				t.Errorf("%s: record %d: %s from %q", file, i, x.uri, x.ip)
			}
			if x.typ != gowarc.Response {
				continue
			}
			responses++
			if i+1 >= len(recs) || recs[i+1].typ != gowarc.Request || recs[i+1].to != x.id || x.to != recs[i+1].id ||
				recs[i+1].uri != x.uri {
				t.Errorf("%s: response %s is not followed by its request", file, x.uri)
				continue
			}
			u, _ := url.Parse(x.uri)
			req := string(recs[i+1].block)
			if !strings.HasPrefix(req, "GET "+u.RequestURI()+" HTTP/1.1\r\nHost: "+u.Host+"\r\n") || !strings.Contains(req, "\r\nUser-Agent: ") {
				t.Errorf("%s: request record of %s:\n%s", file, x.uri, req)
			}
			if !bytes.HasPrefix(x.block, []byte("HTTP/1.1 ")) {
				t.Errorf("%s: response record of %s does not hold an HTTP response", file, x.uri)
			}
		}
	}
	return responses
}

// TestEvidenceRawBytes keeps responses as the server sent them: a gzip
// content encoding and a chunked transfer encoding stay in the record
// (the crawler reads the decoded page), and a redirect hop gets its own
// response and request records.
func TestEvidenceRawBytes(t *testing.T) {
	page := func(title string) string {
		return "<html><head><title>" + title + "</title></head><body><h1>" + title +
			"</h1><p>Plain test text for a page that is long enough to be kept as a listing body by generic extraction.</p>" +
			`<a href="/zipped">z</a> <a href="/chunked">c</a> <a href="/old">o</a></body></html>`
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page("start"))
	})
	mux.HandleFunc("/zipped", func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			t.Errorf("the crawler did not offer gzip: %q", r.Header.Get("Accept-Encoding"))
		}
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		io.WriteString(zw, page("zipped"))
		zw.Close()
	})
	mux.HandleFunc("/chunked", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, page("chunked")[:40])
		w.(http.Flusher).Flush() // no Content-Length: chunked
		io.WriteString(w, page("chunked")[40:])
	})
	mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/new", http.StatusMovedPermanently) })
	mux.HandleFunc("/new", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, page("new"))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	dir := t.TempDir()
	cfg := fastConfig(srv.URL + "/")
	cfg.Follow = regexp.MustCompile(`/(zipped|chunked|old)$`)
	cfg.EvidenceDir = dir
	cfg.EvidenceName = "crawler one"
	var got collector
	if _, err := Crawl(context.Background(), cfg, nil, got.emit); err != nil {
		t.Fatal(err)
	}
	if n := checkWARCFiles(t, dir, srv.URL); n != 5 {
		t.Errorf("%d response records, want 5 (start, zipped, chunked, the redirect and its target)", n)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.warc.gz"))
	for _, f := range files {
		if !strings.Contains(filepath.Base(f), "-crawler_one") {
			t.Errorf("%s does not carry the crawler's name", f)
		}
	}
	idx := readIndex(t, dir)
	byURL := map[string]EvidenceRecord{}
	for _, r := range idx {
		byURL[strings.TrimPrefix(r.URL, srv.URL)] = r
	}
	// The zipped page: the record holds the gzip bytes, which unzip to
	// the page; the index hashes the page as read.
	z := byURL["/zipped"]
	raw := readRecordBlock(t, filepath.Join(dir, z.File), z)
	head, payload, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	if !bytes.Contains(head, []byte("\r\nContent-Encoding: gzip")) {
		t.Errorf("zipped page stored without its Content-Encoding:\n%s", head)
	}
	zr, err := gzip.NewReader(bytes.NewReader(payload))
	if err != nil {
		t.Fatalf("zipped page's payload is not the gzip stream sent: %v", err)
	}
	plain, _ := io.ReadAll(zr)
	if string(plain) != page("zipped") || z.SHA256 != sha256Hex(plain) {
		t.Errorf("zipped page: payload unzips to %q", plain)
	}
	c := byURL["/chunked"]
	raw = readRecordBlock(t, filepath.Join(dir, c.File), c)
	if !bytes.Contains(raw, []byte("\r\nTransfer-Encoding: chunked\r\n")) || !bytes.Contains(raw, []byte("\r\n28\r\n")) {
		t.Errorf("chunked page stored without its chunks:\n%s", raw)
	}
	if body := readWARCBody(t, filepath.Join(dir, c.File), c); string(body) != page("chunked") {
		t.Errorf("chunked page de-chunks to %q", body)
	}
	o := byURL["/old"]
	if o.FinalURL != srv.URL+"/new" || o.Status != 200 {
		t.Errorf("redirected page indexed as %+v", o)
	}
	// The redirect itself is in the file too.
	if !warcHas(t, files, "HTTP/1.1 301 Moved Permanently\r\n") {
		t.Error("the 301 response is not in the WARC files")
	}
}

// TestEvidenceRotation starts a new WARC file, with its own warcinfo
// record, when one reaches the size limit; the index points into all.
func TestEvidenceRotation(t *testing.T) {
	want, err := DemoCorpus()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(DemoSite(want[:30]))
	defer srv.Close()
	dir := t.TempDir()
	cfg := fastConfig(srv.URL + "/")
	cfg.Adapter = demoAdapter(t)
	cfg.EvidenceDir = dir
	cfg.EvidenceMaxBytes = 8 << 10
	var got collector
	st, err := Crawl(context.Background(), cfg, nil, got.emit)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.warc.gz"))
	if len(files) < 3 {
		t.Fatalf("%d WARC files for %d pages with an 8 KiB limit", len(files), st.Pages)
	}
	for _, f := range files {
		fi, _ := os.Stat(f)
		if fi.Size() > 2*cfg.EvidenceMaxBytes {
			t.Errorf("%s: %d bytes, limit %d", f, fi.Size(), cfg.EvidenceMaxBytes)
		}
	}
	if n := checkWARCFiles(t, dir, srv.URL); int64(n) != st.Pages {
		t.Errorf("%d response records for %d pages", n, st.Pages)
	}
	idx := readIndex(t, dir)
	used := map[string]bool{}
	for _, r := range idx {
		used[r.File] = true
		if body := readWARCBody(t, filepath.Join(dir, r.File), r); sha256Hex(body) != r.SHA256 {
			t.Errorf("%s: stored page does not match its hash", r.URL)
		}
	}
	if len(used) != len(files) {
		t.Errorf("index points into %d of %d files", len(used), len(files))
	}
}

func readIndex(t *testing.T, dir string) []EvidenceRecord {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "evidence.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var out []EvidenceRecord
	for _, ln := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var r EvidenceRecord
		if err := json.Unmarshal([]byte(ln), &r); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// readRecordBlock returns the raw block of the record an index line
// points at.
func readRecordBlock(t *testing.T, file string, r EvidenceRecord) []byte {
	t.Helper()
	wr, err := gowarc.NewWarcFileReader(file, r.Offset, gowarc.WithStrictValidation())
	if err != nil {
		t.Fatal(err)
	}
	defer wr.Close()
	rec, err := wr.Next()
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	b, err := rec.WarcRecord.Block().RawBytes()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(b)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func warcHas(t *testing.T, files []string, s string) bool {
	t.Helper()
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(fh)
		if err != nil {
			t.Fatal(err)
		}
		all, _ := io.ReadAll(zr)
		fh.Close()
		if strings.Contains(string(all), s) {
			return true
		}
	}
	return false
}
