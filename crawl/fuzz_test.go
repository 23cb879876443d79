package crawl

import (
	"bytes"
	"net/url"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
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

// FuzzLoadAdapter loads arbitrary YAML as an adapter: errors, no panics.
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
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := LoadAdapter(bytes.NewReader(data), "fuzz.yaml")
		if err == nil && a.Name == "" {
			t.Fatal("adapter without a name accepted")
		}
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
