package crawl

import (
	"bytes"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"github.com/nlnwa/gowarc/v3"
	"github.com/temoto/robotstxt"
)

// FuzzExtract runs every extraction path (adapter fields, items, JSON-LD,
// generic heuristics, links) over arbitrary pages: no panics, valid UTF-8
// out.
func FuzzExtract(f *testing.F) {
	for _, name := range []string{"indeed_posting.html", "linkedin_posting.html"} {
		if b, err := os.ReadFile("testdata/html/" + name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`<html><script type="application/ld+json">{"@graph":[{"@type":["JobPosting"],"title":1,"baseSalary":{"value":{"minValue":1}},"jobLocation":[{"address":"x"}]}]}</script><a href="//x/y">`))
	f.Add([]byte(`<script type="application/ld+json">[[[[[[{"@type":"JobPosting"}]]]]]]</script>`))
	f.Add([]byte("<p>\xff\xfe caf\xe9</p><base href=\"javascript:x\"><a href=\"::\">"))
	demo, err := LoadAdapterFile("demo")
	if err != nil {
		f.Fatal(err)
	}
	gd, err := LoadAdapterFile("glassdoor")
	if err != nil {
		f.Fatal(err)
	}
	base, _ := url.Parse("https://example.com/a/b?c=d")
	f.Fuzz(func(t *testing.T, data []byte) {
		page := decodePage(data, "text/html; charset=windows-1251")
		if !utf8.ValidString(page) {
			t.Fatal("decodePage returned invalid UTF-8")
		}
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(page))
		if err != nil {
			return
		}
		b := pageBase(doc, base)
		for _, x := range []extractor{{ad: demo}, {ad: gd}, {follow: anyRe, listing: nil}} {
			for _, l := range x.listings(doc, b, true) {
				for _, s := range []string{l.Title, l.Body, l.Employer, l.Location, l.Pay, l.PostedAt} {
					if !utf8.ValidString(s) {
						t.Fatalf("invalid UTF-8 in %q", s)
					}
				}
			}
			x.links(doc, b)
		}
	})
}

// FuzzLoadAdapter loads arbitrary YAML as an adapter and runs what loads
// on a page: errors, no panics.
func FuzzLoadAdapter(f *testing.F) {
	for _, name := range BuiltinAdapters() {
		b, err := builtinAdapters.ReadFile("adapters/" + name + ".yaml")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("name: x\nfields: {title: 'a[', body: '@'}\n"))
	f.Add([]byte("name: x\nitem: li\nlistings: {pattern: '('}\ndelay: -1s\n"))
	f.Add([]byte("name: x\nitem: li\nfields: {url: '@href', images: '@src', contacts: '@title'}\nlistings: {selector: '@href'}\npagination: {selector: '@href'}\n"))
	f.Add([]byte("name: x\nitem: '@id'\nfields: {body: p}\n"))
	page := []byte(`<html><body><ul><li id=a href="/x" src="/i.png" title="+381 64 1">One <a href="/ad/1">ad</a></li>
<li><a rel=next href="/page/2">next</a><img class=photo src="/p.jpg"></li></ul><div class=description>Body</div></body></html>`)
	base, _ := url.Parse("https://example.com/")
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := LoadAdapter(bytes.NewReader(data), "fuzz.yaml")
		if err != nil {
			return
		}
		if a.Name == "" {
			t.Fatal("adapter without a name accepted")
		}
		doc, err := goquery.NewDocumentFromReader(bytes.NewReader(page))
		if err != nil {
			t.Fatal(err)
		}
		x := extractor{ad: a}
		x.listings(doc, base, true)
		x.links(doc, base)
	})
}

// FuzzNormalizeDate: whatever the input, the output is empty or RFC 3339.
func FuzzNormalizeDate(f *testing.F) {
	for _, s := range []string{"2023-04-11T17:58:27.000Z", "2023-04-13", "13.04.2023", "April 13, 2023", "0000-00-00", "2023-13-45"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, ok := NormalizeDate(s)
		if ok != (out != "") {
			t.Fatalf("NormalizeDate(%q) = %q, %v", s, out, ok)
		}
		if ok {
			if _, ok2 := NormalizeDate(out); !ok2 {
				t.Fatalf("NormalizeDate(%q) = %q, which does not parse again", s, out)
			}
		}
	})
}

// FuzzRobots parses arbitrary robots.txt files the way the crawler does
// (sanitized only when the parser rejects them): no panics, and sanitizing
// only ever drops lines.
func FuzzRobots(f *testing.F) {
	for _, s := range []string{"User-agent: *\nDisallow: /no/\nCrawl-delay: soon\n", "Disallow: /x\nUser-agent: *\n",
		"User-agent: redthread\nAllow: /\n\nUser-agent: *\nDisallow: /\n", "UserAgent *\nDisAllow:a"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if _, err := robotstxt.FromBytes(body); err == nil {
			return
		}
		clean := sanitizeRobots(body)
		if len(clean) > len(body)+1 {
			t.Fatalf("sanitizing grew %q to %q", body, clean)
		}
		if r, err := robotstxt.FromBytes(clean); err == nil {
			r.TestAgent("/a/b?c", DefaultUserAgent)
		}
	})
}

// FuzzEvidenceRecord: whatever bytes a server sends, building their WARC
// record neither panics nor loses them: the record's block is the bytes.
func FuzzEvidenceRecord(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 301 Moved\r\nLocation: /x\r\n\r\n"))
	f.Add([]byte("HTTP/1.0 200\n\nbody without CRLF"))
	f.Add([]byte("HT"))
	e := &evidence{log: slog.New(slog.DiscardHandler)}
	f.Fuzz(func(t *testing.T, raw []byte) {
		x := &exchange{url: "http://example.com/p", at: time.Unix(0, 0).UTC(), max: 1 << 20}
		r, err := e.record(gowarc.Response, x, "192.0.2.1", raw, "response")
		if err != nil {
			return
		}
		defer r.Close()
		b, err := r.Block().RawBytes()
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(b)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, raw) {
			t.Fatalf("block %q, sent %q", got, raw)
		}
	})
}
