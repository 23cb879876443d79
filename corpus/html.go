package corpus

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"

	"github.com/redthread/redthread/errs"
)

// ReadHTMLPath yields one listing per saved HTML page: path is a page or a
// folder searched recursively for *.html and *.htm files, in name order.
func ReadHTMLPath(ctx context.Context, path string, opt Options) iter.Seq[Record] {
	return func(yield func(Record) bool) {
		var files []string
		err := filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() {
				switch strings.ToLower(filepath.Ext(p)) {
				case ".html", ".htm", ".xhtml":
					files = append(files, p)
				}
			}
			return nil
		})
		if err != nil {
			yield(Record{Err: errs.E("read html folder", errs.IO, err), Path: path})
			return
		}
		sort.Strings(files)
		for _, f := range files {
			if ctx.Err() != nil {
				return
			}
			rec := Record{Path: f}
			l, err := readHTMLFile(f, opt)
			if err != nil {
				rec.Err = &errs.Error{Op: "read html", Kind: errs.Invalid, Path: f, Err: err}
			} else {
				rel, _ := filepath.Rel(path, f)
				if rel == "." || rel == "" {
					rel = filepath.Base(f)
				}
				if l.ID == "" && l.URL == "" {
					l.ID = "file:" + filepath.ToSlash(rel)
				}
				rec.Listing = l
			}
			if !yield(rec) {
				return
			}
		}
	}
}

func readHTMLFile(path string, opt Options) (*Listing, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, int64(opt.max())+1))
	if err != nil {
		return nil, err
	}
	if len(data) > opt.max() {
		return nil, fmt.Errorf("page larger than %d bytes (raise --max-bytes to read it)", opt.max())
	}
	return ParseHTMLPage(data, "")
}

// DecodeHTML converts a page to UTF-8 using its declared charset (HTTP
// header contentType, then <meta>), or one detected from its bytes.
func DecodeHTML(data []byte, contentType string) (string, error) {
	enc, name, _ := charset.DetermineEncoding(data, contentType)
	if name == "utf-8" && utf8.Valid(data) {
		return string(data), nil
	}
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return "", fmt.Errorf("decode %s: %w", name, err)
	}
	return strings.ToValidUTF8(string(out), "\uFFFD"), nil
}

// ParseHTMLPage turns a saved page into a listing: HTML is the page as UTF-8,
// Body its visible text, Title its <h1> or <title>, URL its canonical link.
func ParseHTMLPage(data []byte, contentType string) (*Listing, error) {
	page, err := DecodeHTML(data, contentType)
	if err != nil {
		return nil, err
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(page))
	if err != nil {
		return nil, err
	}
	l := &Listing{HTML: page}
	l.Title = strings.TrimSpace(doc.Find("h1").First().Text())
	if l.Title == "" {
		l.Title = strings.TrimSpace(doc.Find("title").First().Text())
	}
	if u, ok := doc.Find(`link[rel="canonical"]`).Attr("href"); ok {
		l.URL = strings.TrimSpace(u)
	} else if u, ok := doc.Find(`meta[property="og:url"]`).Attr("content"); ok {
		l.URL = strings.TrimSpace(u)
	}
	if lang, ok := doc.Find("html").Attr("lang"); ok && len(lang) >= 2 {
		l.Language = strings.ToLower(lang[:2])
	}
	l.Body = Text(doc.Selection)
	if strings.TrimSpace(l.Body) == "" {
		return nil, fmt.Errorf("page has no visible text")
	}
	return l, nil
}

// TextFromHTML returns the visible text of an HTML fragment or page.
func TextFromHTML(s string) string {
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(s))
	if err != nil {
		return ""
	}
	return Text(doc.Selection)
}

var blockTags = map[string]bool{
	"p": true, "div": true, "br": true, "li": true, "ul": true, "ol": true, "tr": true, "td": true, "th": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "section": true, "article": true,
	"header": true, "footer": true, "table": true, "blockquote": true, "pre": true, "dd": true, "dt": true,
	"main": true, "aside": true, "nav": true, "form": true, "hr": true, "title": true,
}

var skipTags = map[string]bool{"script": true, "style": true, "noscript": true, "template": true, "svg": true, "head": true, "iframe": true}

// Text returns the visible text under sel, with line breaks at block
// elements and runs of spaces folded, skipping scripts and styles.
func Text(sel *goquery.Selection) string {
	var b bytes.Buffer
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			return
		case html.ElementNode:
			if skipTags[n.Data] {
				return
			}
		}
		block := n.Type == html.ElementNode && blockTags[n.Data]
		if block {
			b.WriteByte('\n')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if block {
			b.WriteByte('\n')
		}
	}
	for _, n := range sel.Nodes {
		walk(n)
	}
	return foldSpace(b.String())
}

// foldSpace folds runs of blanks to one space and runs of blank lines to
// one newline, and trims.
func foldSpace(s string) string {
	var out strings.Builder
	out.Grow(len(s))
	lines := strings.Split(s, "\n")
	first := true
	for _, ln := range lines {
		ln = strings.Join(strings.Fields(ln), " ")
		if ln == "" {
			continue
		}
		if !first {
			out.WriteByte('\n')
		}
		out.WriteString(ln)
		first = false
	}
	return out.String()
}
