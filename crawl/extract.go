package crawl

import (
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	xhtml "golang.org/x/net/html"

	"github.com/redthread/redthread/corpus"
)

// extractor finds listings and links in a parsed page, with an adapter or,
// without one, by heuristics.
type extractor struct {
	ad      *Adapter       // nil in generic mode
	follow  *regexp.Regexp // generic mode: links to follow
	listing *regexp.Regexp // generic mode: which followed links are listings
}

// pageLinks are the links found on a page, absolute and without fragments.
type pageLinks struct {
	listings []string
	follow   []string
	next     string
}

var (
	anyLink   = cascadia.MustCompile("a[href]")
	ldScripts = cascadia.MustCompile(`script[type="application/ld+json"]`)
	baseHref  = cascadia.MustCompile("base[href]")
)

// pageBase returns the URL relative links resolve against: <base href> or
// the page's own URL.
func pageBase(doc *goquery.Document, u *url.URL) *url.URL {
	if h, ok := doc.FindMatcher(baseHref).First().Attr("href"); ok {
		if b, err := u.Parse(strings.TrimSpace(h)); err == nil && (b.Scheme == "http" || b.Scheme == "https") {
			return b
		}
	}
	return u
}

// absURL resolves ref against base and keeps only http(s) URLs, without
// the fragment.
func absURL(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" || strings.HasPrefix(ref, "#") {
		return ""
	}
	u, err := base.Parse(ref)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String()
}

// links returns the page's links selected by the adapter or generic rules.
func (x *extractor) links(doc *goquery.Document, base *url.URL) pageLinks {
	var pl pageLinks
	if x.ad == nil {
		if x.follow == nil {
			return pl
		}
		for _, u := range collectLinks(doc.Selection, base, Selector{m: anyLink}, x.follow) {
			if x.listing == nil || x.listing.MatchString(u) {
				pl.listings = append(pl.listings, u)
			} else {
				pl.follow = append(pl.follow, u)
			}
		}
		return pl
	}
	if !x.ad.Listings.Empty() {
		pl.listings = collectLinks(doc.Selection, base, x.ad.Listings.Selector, x.ad.Listings.Pattern.re)
	}
	if !x.ad.Follow.Empty() {
		pl.follow = collectLinks(doc.Selection, base, x.ad.Follow.Selector, x.ad.Follow.Pattern.re)
	}
	if !x.ad.Pagination.Selector.Empty() {
		if next := collectLinks(doc.Selection, base, x.ad.Pagination.Selector, nil); len(next) > 0 {
			pl.next = next[0]
		}
	}
	return pl
}

// collectLinks returns the distinct absolute URLs of the elements sel
// matches (their href, or sel.Attr) that match re (when not nil).
func collectLinks(root *goquery.Selection, base *url.URL, sel Selector, re *regexp.Regexp) []string {
	if sel.Empty() {
		sel = Selector{m: anyLink}
	}
	attr := sel.Attr
	if attr == "" {
		attr = "href"
	}
	var out []string
	seen := map[string]bool{}
	matches := root
	if !sel.self {
		matches = root.FindMatcher(sel.m)
	}
	matches.Each(func(_ int, s *goquery.Selection) {
		v, ok := s.Attr(attr)
		if !ok {
			return
		}
		u := absURL(base, v)
		if u == "" || seen[u] || (re != nil && !re.MatchString(u)) {
			return
		}
		seen[u] = true
		out = append(out, u)
	})
	return out
}

// isListingURL reports whether a fetched URL is a listing page by the
// adapter's listing pattern.
func (x *extractor) isListingURL(u string) bool {
	if x.ad != nil {
		return x.ad.Listings.Pattern.re != nil && x.ad.Listings.Pattern.re.MatchString(u)
	}
	return x.listing != nil && x.listing.MatchString(u)
}

// listings extracts the listings of a page. JSON-LD JobPostings come first
// and need no selectors; adapter selectors fill the fields they leave empty.
// Without JSON-LD, a listing page yields one listing from the adapter's
// fields or, in generic mode, from heuristics; with an adapter Item
// selector, every matching element of any page is a listing.
func (x *extractor) listings(doc *goquery.Document, base *url.URL, isListing bool) []*corpus.Listing {
	var out []*corpus.Listing
	if x.ad != nil && !x.ad.Item.Empty() {
		doc.FindMatcher(x.ad.Item.m).Each(func(i int, s *goquery.Selection) {
			l := x.ad.Fields.apply(s, base)
			if l.URL == "" {
				l.URL = base.String() + fmt.Sprintf("#item-%d", i+1)
			}
			if l.Body == "" {
				l.Body = corpus.Text(s)
			}
			out = append(out, l)
		})
	}
	ld := JobPostingsFromJSONLD(doc)
	if len(ld) > 0 {
		if len(ld) == 1 && (x.ad == nil || x.ad.Item.Empty()) {
			fill(ld[0], x.pageListing(doc, base))
		}
		return append(out, ld...)
	}
	if isListing {
		out = append(out, x.pageListing(doc, base))
	}
	return out
}

// pageListing extracts one listing from the whole page.
func (x *extractor) pageListing(doc *goquery.Document, base *url.URL) *corpus.Listing {
	if x.ad != nil && x.ad.Item.Empty() {
		return x.ad.Fields.apply(doc.Selection, base)
	}
	if x.ad != nil {
		return &corpus.Listing{}
	}
	return GenericListing(doc, base)
}

// fill copies into dst the fields it lacks from src.
func fill(dst, src *corpus.Listing) {
	set := func(d *string, s string) {
		if *d == "" {
			*d = s
		}
	}
	set(&dst.Title, src.Title)
	set(&dst.Body, src.Body)
	set(&dst.Employer, src.Employer)
	set(&dst.EmployerInfo, src.EmployerInfo)
	set(&dst.Location, src.Location)
	set(&dst.Country, src.Country)
	set(&dst.Language, src.Language)
	set(&dst.PostedAt, src.PostedAt)
	set(&dst.Pay, src.Pay)
	set(&dst.Kind, src.Kind)
	if len(dst.Contacts) == 0 {
		dst.Contacts = src.Contacts
	}
	if len(dst.Images) == 0 {
		dst.Images = src.Images
	}
	for k, v := range src.Fields {
		if dst.Fields == nil {
			dst.Fields = map[string]json.RawMessage{}
		}
		if _, ok := dst.Fields[k]; !ok {
			dst.Fields[k] = v
		}
	}
}

// apply extracts the adapter's fields under root.
func (f *Fields) apply(root *goquery.Selection, base *url.URL) *corpus.Listing {
	l := &corpus.Listing{
		Title:        f.Title.first(root),
		Body:         f.Body.all(root),
		Employer:     f.Employer.first(root),
		EmployerInfo: f.EmployerInfo.all(root),
		Location:     f.Location.first(root),
		Country:      strings.ToUpper(f.Country.first(root)),
		Language:     strings.ToLower(f.Language.first(root)),
		Pay:          f.Pay.first(root),
		Kind:         strings.ToLower(f.Kind.first(root)),
	}
	if u := f.URL.values(root); len(u) > 0 {
		l.URL = absURL(base, u[0])
	}
	if len(l.Country) != 2 {
		l.Country = ""
	}
	if len(l.Language) > 2 {
		l.Language = l.Language[:2]
	}
	if raw := f.PostedAt.first(root); raw != "" {
		if t, ok := NormalizeDate(raw); ok {
			l.PostedAt = t
		} else {
			setField(l, "posted_raw", raw)
		}
	}
	seen := map[string]bool{}
	for _, c := range f.Contacts.values(root) {
		c = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(c, "tel:"), "mailto:"))
		if c != "" && !seen[c] {
			seen[c] = true
			l.Contacts = append(l.Contacts, c)
		}
	}
	for _, src := range f.imageURLs(root) {
		if u := absURL(base, src); u != "" && !seen[u] {
			seen[u] = true
			l.Images = append(l.Images, corpus.Image{URL: u})
		}
	}
	for name, sel := range f.Extra {
		if v := sel.first(root); v != "" {
			setField(l, name, v)
		}
	}
	return l
}

// imageURLs returns the image sources: the selector's attribute, or for
// <img> elements src, then the usual lazy-loading attributes.
func (f *Fields) imageURLs(root *goquery.Selection) []string {
	if f.Images.Empty() {
		return nil
	}
	if f.Images.Attr != "" {
		return f.Images.values(root)
	}
	var out []string
	matches := root
	if !f.Images.self {
		matches = root.FindMatcher(f.Images.m)
	}
	matches.Each(func(_ int, s *goquery.Selection) {
		for _, a := range []string{"src", "data-src", "data-original", "href"} {
			if v, ok := s.Attr(a); ok && strings.TrimSpace(v) != "" && !strings.HasPrefix(v, "data:") {
				out = append(out, v)
				return
			}
		}
	})
	return out
}

func setField(l *corpus.Listing, name, v string) {
	if l.Fields == nil {
		l.Fields = map[string]json.RawMessage{}
	}
	b, _ := json.Marshal(v)
	l.Fields[name] = b
}

// values returns one value per matched element: the attribute, or the
// element's text.
func (s Selector) values(root *goquery.Selection) []string {
	if s.Empty() {
		return nil
	}
	var out []string
	matches := root
	if !s.self {
		matches = root.FindMatcher(s.m)
	}
	matches.Each(func(_ int, e *goquery.Selection) {
		var v string
		if s.Attr != "" {
			v = strings.TrimSpace(e.AttrOr(s.Attr, ""))
		} else {
			v = corpus.Text(e)
		}
		if v != "" {
			out = append(out, v)
		}
	})
	return out
}

// first returns the first non-empty value, with whitespace folded to one
// line.
func (s Selector) first(root *goquery.Selection) string {
	if v := s.values(root); len(v) > 0 {
		return strings.Join(strings.Fields(v[0]), " ")
	}
	return ""
}

// all returns every value joined by newlines.
func (s Selector) all(root *goquery.Selection) string {
	return strings.Join(s.values(root), "\n")
}

var dateLayouts = []string{
	time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04",
	"2006-01-02", "02.01.2006", "2.1.2006", "02.01.2006.", "02/01/2006", "January 2, 2006", "Jan 2, 2006",
	"2 January 2006", "2 Jan 2006", time.RFC1123, time.RFC1123Z,
}

// NormalizeDate parses a posted date in the common forms sites use and
// returns it as RFC 3339 (UTC midnight for dates without a time).
func NormalizeDate(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 64 {
		return "", false
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			if t.Year() < 1990 || t.Year() > 2100 {
				return "", false
			}
			return t.UTC().Format(time.RFC3339), true
		}
	}
	return "", false
}

// JobPostingsFromJSONLD reads the schema.org JobPosting objects of a page's
// JSON-LD scripts (top level, arrays and @graph) as listings of kind job.
func JobPostingsFromJSONLD(doc *goquery.Document) []*corpus.Listing {
	var out []*corpus.Listing
	doc.FindMatcher(ldScripts).Each(func(_ int, s *goquery.Selection) {
		var v any
		if err := json.Unmarshal([]byte(strings.TrimSpace(s.Text())), &v); err != nil {
			return
		}
		walkLD(v, 0, func(m map[string]any) {
			out = append(out, jobPosting(m))
		})
	})
	return out
}

func walkLD(v any, depth int, f func(map[string]any)) {
	if depth > 4 {
		return
	}
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			walkLD(e, depth+1, f)
		}
	case map[string]any:
		if hasType(v, "JobPosting") {
			f(v)
			return
		}
		if g, ok := v["@graph"]; ok {
			walkLD(g, depth+1, f)
		}
	}
}

func hasType(m map[string]any, t string) bool {
	switch v := m["@type"].(type) {
	case string:
		return v == t || strings.HasSuffix(v, "/"+t)
	case []any:
		for _, e := range v {
			if s, ok := e.(string); ok && (s == t || strings.HasSuffix(s, "/"+t)) {
				return true
			}
		}
	}
	return false
}

func ldString(v any) string {
	switch v := v.(type) {
	case string:
		return strings.TrimSpace(html.UnescapeString(v))
	case float64:
		return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%f", v), "0"), ".")
	case map[string]any:
		for _, k := range []string{"name", "value", "@value", "url"} {
			if s := ldString(v[k]); s != "" {
				return s
			}
		}
	case []any:
		var parts []string
		for _, e := range v {
			if s := ldString(e); s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, ", ")
	}
	return ""
}

// ldHTMLText returns the text of a JSON-LD description, which sites give as
// HTML, HTML escaped once more, or plain text.
func ldHTMLText(v any) string {
	s, _ := v.(string)
	if s == "" {
		return ""
	}
	if !strings.Contains(s, "<") && strings.Contains(s, "&lt;") {
		s = html.UnescapeString(s)
	}
	if strings.Contains(s, "<") {
		return corpus.TextFromHTML(s)
	}
	return strings.TrimSpace(html.UnescapeString(s))
}

func jobPosting(m map[string]any) *corpus.Listing {
	l := &corpus.Listing{Kind: corpus.KindJob, Title: ldString(m["title"]), Body: ldHTMLText(m["description"])}
	if l.Title == "" {
		l.Title = ldString(m["name"])
	}
	if org, ok := m["hiringOrganization"].(map[string]any); ok {
		l.Employer = ldString(org["name"])
		l.EmployerInfo = ldHTMLText(org["description"])
	} else {
		l.Employer = ldString(m["hiringOrganization"])
	}
	var locs []string
	for _, p := range asList(m["jobLocation"]) {
		place, ok := p.(map[string]any)
		if !ok {
			continue
		}
		addr, ok := place["address"].(map[string]any)
		if !ok {
			if s := ldString(place["address"]); s != "" {
				locs = append(locs, s)
			}
			continue
		}
		var parts []string
		for _, k := range []string{"streetAddress", "addressLocality", "addressRegion", "postalCode", "addressCountry"} {
			if s := ldString(addr[k]); s != "" {
				parts = append(parts, s)
			}
		}
		if len(parts) > 0 {
			locs = append(locs, strings.Join(parts, ", "))
		}
		if c := ldString(addr["addressCountry"]); len(c) == 2 && l.Country == "" {
			l.Country = strings.ToUpper(c)
		}
	}
	l.Location = strings.Join(locs, "; ")
	if d := ldString(m["datePosted"]); d != "" {
		if t, ok := NormalizeDate(d); ok {
			l.PostedAt = t
		}
	}
	l.Pay = ldPay(m["baseSalary"])
	if l.Pay == "" {
		l.Pay = ldPay(m["estimatedSalary"])
	}
	if lang := ldString(m["inLanguage"]); len(lang) >= 2 {
		l.Language = strings.ToLower(lang[:2])
	}
	for _, k := range []string{"employmentType", "validThrough", "jobLocationType", "industry", "identifier", "directApply"} {
		if v, ok := m[k]; ok && v != nil {
			if b, err := json.Marshal(v); err == nil {
				if l.Fields == nil {
					l.Fields = map[string]json.RawMessage{}
				}
				l.Fields[k] = b
			}
		}
	}
	return l
}

func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	if v == nil {
		return nil
	}
	return []any{v}
}

// ldPay renders a schema.org MonetaryAmount as text: "USD 136000-203000 per YEAR".
func ldPay(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return ldString(v)
	}
	cur := ldString(m["currency"])
	var amount, unit string
	switch q := m["value"].(type) {
	case map[string]any:
		lo, hi := ldString(q["minValue"]), ldString(q["maxValue"])
		switch {
		case lo != "" && hi != "" && lo != hi:
			amount = lo + "-" + hi
		case lo != "":
			amount = lo
		case hi != "":
			amount = hi
		default:
			amount = ldString(q["value"])
		}
		unit = ldString(q["unitText"])
	default:
		amount = ldString(q)
	}
	if amount == "" {
		return ""
	}
	out := strings.TrimSpace(cur + " " + amount)
	if unit != "" {
		out += " per " + unit
	}
	return out
}

var (
	h1Sel      = cascadia.MustCompile("h1")
	ogTitleSel = cascadia.MustCompile(`meta[property="og:title"]`)
	titleSel   = cascadia.MustCompile("title")
	htmlSel    = cascadia.MustCompile("html[lang]")
	bodySel    = cascadia.MustCompile("body")
	imgSel     = cascadia.MustCompile("img[src]")
	contactSel = cascadia.MustCompile(`a[href^="tel:"], a[href^="mailto:"]`)
	// semanticMain are containers pages mark as holding the listing text.
	// (article, main and role=main mark too much on job sites: they hold the
	// whole job view with its apply forms and company boxes.)
	semanticMain = []cascadia.Selector{
		cascadia.MustCompile(`[itemprop="description"]`),
	}
)

// GenericListing extracts a listing from a page without an adapter: the
// title from <h1>, og:title or <title>; the body from the page's main text
// (see MainText) and the images inside it; contacts from tel: and mailto:
// links; the language from <html lang>.
func GenericListing(doc *goquery.Document, base *url.URL) *corpus.Listing {
	l := &corpus.Listing{}
	l.Title = strings.Join(strings.Fields(doc.FindMatcher(h1Sel).First().Text()), " ")
	if l.Title == "" {
		l.Title = strings.TrimSpace(doc.FindMatcher(ogTitleSel).First().AttrOr("content", ""))
	}
	if l.Title == "" {
		l.Title = strings.Join(strings.Fields(doc.FindMatcher(titleSel).First().Text()), " ")
	}
	main := mainContent(doc)
	l.Body = corpus.Text(main)
	seenImg := map[string]bool{}
	main.FindMatcher(imgSel).Each(func(_ int, s *goquery.Selection) {
		if u := absURL(base, s.AttrOr("src", "")); u != "" && !seenImg[u] {
			seenImg[u] = true
			l.Images = append(l.Images, corpus.Image{URL: u})
		}
	})
	if lang := doc.FindMatcher(htmlSel).First().AttrOr("lang", ""); len(lang) >= 2 {
		l.Language = strings.ToLower(lang[:2])
	}
	seen := map[string]bool{}
	doc.FindMatcher(contactSel).Each(func(_ int, s *goquery.Selection) {
		h := s.AttrOr("href", "")
		h = strings.TrimPrefix(strings.TrimPrefix(h, "tel:"), "mailto:")
		if i := strings.IndexByte(h, '?'); i >= 0 {
			h = h[:i]
		}
		if h, err := url.PathUnescape(h); err == nil && h != "" && !seen[h] {
			seen[h] = true
			l.Contacts = append(l.Contacts, strings.TrimSpace(h))
		}
	})
	return l
}

// inlineTags are looked through when crediting text to its block.
var inlineTags = map[string]bool{"span": true, "b": true, "strong": true, "em": true, "i": true, "u": true,
	"font": true, "small": true, "big": true, "sup": true, "sub": true, "mark": true, "abbr": true, "time": true, "label": true}

// paraTags hold one paragraph of a text, not a text.
var paraTags = map[string]bool{"p": true, "li": true, "dd": true, "dt": true, "blockquote": true, "pre": true,
	"h2": true, "h3": true, "h4": true, "h5": true, "h6": true}

// boilerTags hold navigation and chrome, never the main text.
var boilerTags = map[string]bool{"script": true, "style": true, "noscript": true, "template": true, "svg": true,
	"head": true, "iframe": true, "nav": true, "header": true, "footer": true, "aside": true, "form": true,
	"button": true, "select": true, "a": true}

// MainText returns a page's main text: a container the page marks as the
// description (itemprop=description) when it holds enough text, else the element that collects the most paragraph text, scored the
// way readability tools do: each run of text of 25 bytes or more outside
// links and page chrome counts fully for its block and half for the block's
// parent.
func MainText(doc *goquery.Document) string {
	return corpus.Text(mainContent(doc))
}

// mainContent returns the element holding a page's main text (see MainText).
func mainContent(doc *goquery.Document) *goquery.Selection {
	for _, m := range semanticMain {
		if s := doc.FindMatcher(m); s.Length() == 1 {
			if t := corpus.Text(s); len(t) >= 200 {
				return s
			}
		}
	}
	scores := map[*xhtml.Node]int{}
	var order []*xhtml.Node // scored blocks in document order, for stable ties
	credit := func(n *xhtml.Node, v int) {
		if _, ok := scores[n]; !ok {
			order = append(order, n)
		}
		scores[n] += v
	}
	var walk func(n *xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.ElementNode && boilerTags[n.Data] {
			return
		}
		if n.Type == xhtml.TextNode {
			t := strings.TrimSpace(n.Data)
			if len(t) < 25 {
				return
			}
			b := n.Parent
			for b != nil && b.Type == xhtml.ElementNode && inlineTags[b.Data] {
				b = b.Parent
			}
			if b == nil {
				return
			}
			credit(b, len(t))
			if b.Parent != nil {
				credit(b.Parent, len(t)/2)
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range doc.Nodes {
		walk(n)
	}
	var best *xhtml.Node
	bestScore := 0
	for _, n := range order {
		if s := scores[n]; s > bestScore {
			best, bestScore = n, s
		}
	}
	// Main text spans paragraphs: a single winning paragraph stands for
	// the container it sits in.
	if best != nil && paraTags[best.Data] && best.Parent != nil && best.Parent.Type == xhtml.ElementNode {
		best = best.Parent
	}
	if best == nil {
		if b := doc.FindMatcher(bodySel); b.Length() > 0 {
			return b
		}
		return doc.Selection
	}
	return doc.Selection.FindNodes(best)
}
