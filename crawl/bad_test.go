package crawl

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
)

// pngHeader returns the start of a PNG declaring w×h pixels: enough for
// image.DecodeConfig, nothing to decode.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 17)
	copy(ihdr, "IHDR")
	binary.BigEndian.PutUint32(ihdr[4:], w)
	binary.BigEndian.PutUint32(ihdr[8:], h)
	ihdr[12], ihdr[13] = 8, 2 // 8-bit RGB
	binary.Write(&b, binary.BigEndian, uint32(13))
	b.Write(ihdr)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(ihdr))
	return b.Bytes()
}

func page(title, body string) string {
	return "<!doctype html><html><head><title>" + title + "</title></head><body><h1>" + title +
		"</h1><div class=text><p>" + body + "</p></div></body></html>"
}

const goodText = "This vacancy is a good page that must be crawled whatever the other pages do to the crawler."

// gzipBomb is 16 MiB of zeros gzip'd to about 16 KiB, 64 times the
// test's size limit.
var gzipBomb = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zw.Write(make([]byte, 16<<20))
	zw.Close()
	return b.Bytes()
})

// badSite serves every kind of trouble a crawl meets, linked from /.
func badSite(t *testing.T) (http.Handler, []string) {
	t.Helper()
	var mu sync.Mutex
	hits := map[string]int{}
	hit := func(p string) int {
		mu.Lock()
		defer mu.Unlock()
		hits[p]++
		return hits[p]
	}
	pages := []string{"/bad/404", "/bad/500", "/bad/flaky", "/bad/429", "/bad/loop", "/bad/endless", "/bad/slow",
		"/bad/malformed", "/bad/latin1-declared-utf8", "/bad/utf8-declared-cp1251", "/bad/meta-cp1251", "/bad/images", "/bad/pdf",
		"/good/1", "/good/2", "/good/3"}
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		var b strings.Builder
		b.WriteString("<html><body><ul>")
		for _, p := range pages {
			fmt.Fprintf(&b, `<li><a href="%s">%s</a></li>`, p, p)
		}
		b.WriteString("</ul></body></html>")
		w.Write([]byte(b.String()))
	})
	mux.HandleFunc("/good/{n}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, page("Good "+r.PathValue("n"), goodText+" Number "+r.PathValue("n")+"."))
	})
	mux.HandleFunc("/bad/404", http.NotFound)
	mux.HandleFunc("/bad/500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) })
	mux.HandleFunc("/bad/flaky", func(w http.ResponseWriter, r *http.Request) {
		if hit("flaky") == 1 {
			w.Header().Set("Retry-After", "0")
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, page("Flaky", "This page works on the second try, after a 503 answer."))
	})
	mux.HandleFunc("/bad/429", func(w http.ResponseWriter, r *http.Request) {
		if hit("429") == 1 {
			w.Header().Set("Retry-After", "0")
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		fmt.Fprint(w, page("Rate limited", "This page works after the crawler slowed down for a 429."))
	})
	mux.HandleFunc("/bad/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/bad/loop2", http.StatusFound) })
	mux.HandleFunc("/bad/loop2", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/bad/loop", http.StatusFound) })
	mux.HandleFunc("/bad/endless", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io := strings.Repeat("<p>never ends ", 1000)
		for r.Context().Err() == nil {
			if _, err := w.Write([]byte(io)); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/bad/slow", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		for _, c := range []byte(page("Slow", "one byte per second")) {
			if _, err := w.Write([]byte{c}); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-time.After(time.Second):
			case <-r.Context().Done():
				return
			}
		}
	})
	mux.HandleFunc("/bad/malformed", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><div><h1>Malformed <b>page</h1><p>Text of a page with unclosed tags <i>and < stray > brackets & ampersands that still reads well enough<table><tr><td>cell`)
	})
	mux.HandleFunc("/bad/latin1-declared-utf8", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(page("Caf\xe9 cr\xe8me", "Serveuse pour caf\xe9, salaire d\xe9cent, logement \xe0 Paris.")))
	})
	mux.HandleFunc("/bad/utf8-declared-cp1251", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=windows-1251")
		w.Write([]byte(page("Работа в Москве", "Требуются работники склада, жильё предоставляется, оплата еженедельно.")))
	})
	mux.HandleFunc("/bad/meta-cp1251", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		b, _ := charmap.Windows1251.NewEncoder().Bytes([]byte(strings.Replace(page("Вакансия", "Работа официантом, зарплата каждую неделю."),
			"<head>", `<head><meta charset="windows-1251">`, 1)))
		w.Write(b)
	})
	mux.HandleFunc("/bad/pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write([]byte("%PDF-1.4 not a page"))
	})
	mux.HandleFunc("/bad/images", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><h1>Ad with bad images</h1><div><p>Photos of this ad are broken in every way a server can break them.</p>
<img class=photo src="/img/html.png"><img class=photo src="/img/bomb.png"><img class=photo src="/img/garbage.png">
<img class=photo src="/img/huge.png"><img class=photo src="/img/missing.png"><img class=photo src="/img/ok.png">
<img class=photo src="/img/gzip.png"><img class=photo src="/img/xgzip.png"></div></body></html>`)
	})
	mux.HandleFunc("/img/html.png", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<html>not an image</html>") })
	mux.HandleFunc("/img/bomb.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(pngHeader(100000, 100000))
	})
	mux.HandleFunc("/img/garbage.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(bytes.Repeat([]byte{0xde, 0xad}, 500))
	})
	mux.HandleFunc("/img/huge.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(pngHeader(10, 10))
		for r.Context().Err() == nil {
			if _, err := w.Write(make([]byte, 64<<10)); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/img/gzip.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/gzip")
		w.Write(gzipBomb())
	})
	mux.HandleFunc("/img/xgzip.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Content-Encoding", "x-gzip")
		w.Write(gzipBomb())
	})
	mux.HandleFunc("/img/ok.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(drawDemoImage("ok", false))
	})
	return mux, pages
}

// TestCrawlBadInput runs the generic crawler over a hostile site: each bad
// page costs bounded time, is logged with its URL, and the good pages are
// all crawled.
func TestCrawlBadInput(t *testing.T) {
	h, _ := badSite(t)
	srv := httptest.NewServer(h)
	defer srv.Close()
	cfg := fastConfig(srv.URL + "/")
	cfg.Follow = regexp.MustCompile(`/(bad|good)/`)
	cfg.Timeout = 1500 * time.Millisecond
	cfg.MaxBodyBytes = 256 << 10
	cfg.MaxImageBytes = 256 << 10
	cfg.MaxImagePixels = 1_000_000
	cfg.Retries = 1
	cfg.FetchImages = true
	var images []string
	var imgMu sync.Mutex
	cfg.OnImage = func(_, u string, _ []byte) {
		imgMu.Lock()
		images = append(images, u)
		imgMu.Unlock()
	}
	var logBuf bytes.Buffer
	var got collector
	start := time.Now()
	st, err := Crawl(context.Background(), cfg, testLog(&logBuf), got.emit)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("crawl took %v", d)
	}
	byURL := got.byURL()
	for _, tc := range []struct {
		path, title, body string
	}{
		{"/good/1", "Good 1", goodText},
		{"/good/2", "Good 2", goodText},
		{"/good/3", "Good 3", goodText},
		{"/bad/flaky", "Flaky", "second try"},
		{"/bad/429", "Rate limited", "slowed down"},
		{"/bad/malformed", "Malformed page", "stray > brackets & ampersands"},
		{"/bad/latin1-declared-utf8", "Café crème", "salaire décent, logement à Paris"},
		{"/bad/utf8-declared-cp1251", "Работа в Москве", "жильё предоставляется"},
		{"/bad/meta-cp1251", "Вакансия", "зарплата каждую неделю"},
		{"/bad/images", "Ad with bad images", "broken in every way"},
	} {
		l := byURL[srv.URL+tc.path]
		if l == nil {
			t.Errorf("%s: no listing", tc.path)
			continue
		}
		if l.Title != tc.title || !strings.Contains(l.Body, tc.body) {
			t.Errorf("%s: title %q body %q; want %q containing %q", tc.path, l.Title, l.Body, tc.title, tc.body)
		}
	}
	for _, p := range []string{"/bad/404", "/bad/500", "/bad/loop", "/bad/endless", "/bad/slow", "/bad/pdf"} {
		if byURL[srv.URL+p] != nil {
			t.Errorf("%s: emitted a listing from a failed page", p)
		}
		if !strings.Contains(logBuf.String(), srv.URL+p) {
			t.Errorf("%s: not logged", p)
		}
	}
	for _, p := range []string{"/img/html.png", "/img/bomb.png", "/img/garbage.png", "/img/huge.png", "/img/missing.png",
		"/img/gzip.png", "/img/xgzip.png"} {
		if !strings.Contains(logBuf.String(), "url="+srv.URL+p) {
			t.Errorf("image %s failure not logged", p)
		}
	}
	if len(images) != 1 || images[0] != srv.URL+"/img/ok.png" {
		t.Errorf("images handed on: %v, want only ok.png", images)
	}
	if st.Retries < 2 {
		t.Errorf("retries = %d, want at least 2 (503 and 429)", st.Retries)
	}
	if t.Failed() {
		t.Log(logBuf.String())
	}
}

// TestCrawlEndlessPagination stops a "next" chain at the adapter's limit.
func TestCrawlEndlessPagination(t *testing.T) {
	var mu sync.Mutex
	served := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		served++
		mu.Unlock()
		var n int
		fmt.Sscanf(r.URL.Path, "/list/%d", &n)
		fmt.Fprintf(w, `<html><body><h1>Page %d</h1><p class=body>Listing text number %d of an endless list.</p><a rel=next href="/list/%d">next</a></body></html>`, n, n, n+1)
	}))
	defer srv.Close()
	cfg := fastConfig(srv.URL + "/list/0")
	var err error
	cfg.Adapter, err = LoadAdapter(strings.NewReader(`
name: endless
item: p.body
pagination:
  selector: a[rel=next]
  max_pages: 7
`), "endless.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var got collector
	st, err := Crawl(context.Background(), cfg, nil, got.emit)
	if err != nil {
		t.Fatal(err)
	}
	if st.Pages != 7 || len(got.ls) != 7 {
		t.Errorf("fetched %d pages, emitted %d listings; want 7 and 7", st.Pages, len(got.ls))
	}
}
