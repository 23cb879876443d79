package web

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/errs"
	"github.com/redthread/redthread/index"
	"github.com/redthread/redthread/review"
)

const pageSize = 20

// facetLabels name the facets on the page, in order.
var facetLabels = []struct{ Field, Label string }{
	{index.FieldIndicators, "Indicator"}, {index.FieldLevel, "Level"}, {index.FieldKind, "Kind"},
	{index.FieldSource, "Source"}, {index.FieldCountry, "Country"}, {index.FieldLanguage, "Language"},
	{index.FieldWeek, "Week"},
}

// searchParams is a search as it appears in a URL: q, f=field:value
// (repeatable), sort, status, page.
type searchParams struct {
	Q       string
	Filters [][2]string
	Sort    string
	Status  string
	Page    int
	Size    int
}

func parseSearchParams(r *http.Request, maxSize int) searchParams {
	p := searchParams{Q: r.FormValue("q"), Sort: r.FormValue("sort"), Status: r.FormValue("status"), Page: 1, Size: pageSize}
	if len(p.Q) > 4096 {
		p.Q = p.Q[:4096]
	}
	for _, f := range r.Form["f"] {
		if field, val, ok := strings.Cut(f, ":"); ok && val != "" && len(p.Filters) < 32 {
			p.Filters = append(p.Filters, [2]string{field, val})
		}
	}
	if n, err := strconv.Atoi(r.FormValue("page")); err == nil && n > 0 && n < 10000 {
		p.Page = n
	}
	if n, err := strconv.Atoi(r.FormValue("size")); err == nil && n > 0 {
		p.Size = min(n, maxSize)
	}
	return p
}

func (p searchParams) values() url.Values {
	v := url.Values{}
	if p.Q != "" {
		v.Set("q", p.Q)
	}
	for _, f := range p.Filters {
		v.Add("f", f[0]+":"+f[1])
	}
	if p.Sort != "" {
		v.Set("sort", p.Sort)
	}
	if p.Status != "" {
		v.Set("status", p.Status)
	}
	if p.Page > 1 {
		v.Set("page", strconv.Itoa(p.Page))
	}
	return v
}

func (p searchParams) url() string {
	if v := p.values().Encode(); v != "" {
		return "/?" + v
	}
	return "/"
}

func (p searchParams) hasFilter(field, val string) bool {
	for _, f := range p.Filters {
		if f[0] == field && strings.EqualFold(f[1], val) {
			return true
		}
	}
	return false
}

func (p searchParams) with(field, val string) searchParams {
	q := p
	q.Filters = append(slices.Clone(p.Filters), [2]string{field, val})
	q.Page = 1
	return q
}

func (p searchParams) without(i int) searchParams {
	q := p
	q.Filters = slices.Delete(slices.Clone(p.Filters), i, i+1)
	q.Page = 1
	return q
}

// run turns the parameters into an index request, applies the review
// status filter and runs it. An error is either a bad request (with a
// message for people) or an index failure.
func (s *Server) runSearch(ctx context.Context, p searchParams) (index.Response, error) {
	req := index.Request{Query: p.Q, Filters: map[string][]string{}, Sort: p.Sort,
		From: (p.Page - 1) * p.Size, Size: p.Size, Highlight: true}
	for _, f := range p.Filters {
		req.Filters[f[0]] = append(req.Filters[f[0]], f[1])
	}
	if p.Status != "" && p.Status != "any" {
		st, err := review.ParseStatus(p.Status)
		if err != nil {
			return index.Response{}, err
		}
		if st == review.New {
			if req.ExcludeIDs, err = s.cfg.Store.Reviewed(); err != nil {
				return index.Response{}, err
			}
		} else {
			ids, err := s.cfg.Store.WithStatus(st)
			if err != nil {
				return index.Response{}, err
			}
			if len(ids) == 0 {
				return index.Response{Hits: []index.Hit{}}, nil
			}
			req.IDs = ids
		}
	}
	return s.cfg.Index.Search(ctx, req)
}

type facetTermView struct {
	Term   string
	Label  string
	Count  int
	URL    string
	Active bool
}

type facetView struct {
	Field string
	Label string
	Terms []facetTermView
}

type filterView struct {
	Field, Value, RemoveURL string
}

type hitView struct {
	index.Hit
	Review review.Review
	// Title is the title with the matched words marked (nil: unmarked).
	Title []index.Part
	// Body are the snippets other than the title, phone numbers of the
	// query marked too.
	Body [][]index.Part
	// Contacts are the listing's contacts that match a phone number of
	// the query.
	Contacts []string
	// Similar are the other hits of this page with near-identical text,
	// shown folded under this one.
	Similar []hitView
}

type searchPage struct {
	pageBase
	Sort, Status string
	Sorts        []sortView
	Statuses     []statusView
	Filters      []filterView
	Facets       []facetView
	Hits         []hitView
	Total        uint64
	Took         string
	From, To     int
	PrevURL      string
	NextURL      string
	Error        string
	Phones       []string
}

// sortView is a sort order in the search page's sort menu.
type sortView struct{ Value, Label string }

var sorts = []sortView{{index.SortRelevance, "best match"}, {index.SortDate, "newest first"},
	{index.SortOldest, "oldest first"}, {index.SortScore, "highest score"}}

// groupSimilar folds the hits of a page that share a text template
// (network.template_text links) under the first of them, keeping the
// page's order.
func groupSimilar(hits []hitView, templates map[string][]string) []hitView {
	pos := map[string]int{}
	for i, h := range hits {
		pos[h.ID] = i
	}
	parent := make([]int, len(hits))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for i, h := range hits {
		for _, id := range templates[h.ID] {
			if j, ok := pos[id]; ok {
				a, b := find(i), find(j)
				if a != b {
					parent[max(a, b)] = min(a, b) // the earlier hit leads
				}
			}
		}
	}
	var out []hitView
	lead := map[int]int{} // root → index in out
	for i, h := range hits {
		root := find(i)
		if k, ok := lead[root]; ok {
			out[k].Similar = append(out[k].Similar, h)
			continue
		}
		lead[root] = len(out)
		out = append(out, h)
	}
	return out
}

// digitsOf returns the digits of s.
func digitsOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// samePhone reports whether two digit strings are one phone number written
// with or without its country code or trunk prefix: their last eight
// digits agree (all of them when shorter).
func samePhone(a, b string) bool {
	n := min(8, len(a), len(b))
	return n >= 7 && a[len(a)-n:] == b[len(b)-n:]
}

func phoneMatches(v string, phones []string) bool {
	d := digitsOf(v)
	for _, p := range phones {
		if samePhone(d, digitsOf(p)) {
			return true
		}
	}
	return false
}

// markPhones marks, in the unmarked parts of a snippet, the phone numbers
// (runs of digits, spaces and - . / ( ) with seven or more digits) that are
// one of the query's phone numbers.
func markPhones(parts []index.Part, phones []string) []index.Part {
	if len(phones) == 0 {
		return parts
	}
	var out []index.Part
	for _, p := range parts {
		if p.Mark {
			out = append(out, p)
			continue
		}
		t := p.Text
		last := 0
		for i := 0; i < len(t); {
			if !(t[i] >= '0' && t[i] <= '9' || t[i] == '+' && i+1 < len(t) && t[i+1] >= '0' && t[i+1] <= '9') {
				i++
				continue
			}
			j := i + 1
			for j < len(t) && strings.IndexByte("0123456789 -./()", t[j]) >= 0 {
				j++
			}
			end := j
			for end > i && strings.IndexByte(" -./(", t[end-1]) >= 0 {
				end--
			}
			if run := t[i:end]; len(digitsOf(run)) >= 7 && phoneMatches(run, phones) {
				if i > last {
					out = append(out, index.Part{Text: t[last:i]})
				}
				out = append(out, index.Part{Text: run, Mark: true})
				last = end
			}
			i = j
		}
		if last < len(t) {
			out = append(out, index.Part{Text: t[last:]})
		}
	}
	return out
}

// statusView is a review status in the search page's status filter, with
// how many listings have it (new: not counted).
type statusView struct {
	Status review.Status
	Count  int
}

func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	p := parseSearchParams(r, pageSize)
	page := searchPage{pageBase: s.base(r, "Search"), Sort: p.Sort, Status: p.Status, Sorts: sorts}
	run := p
	if p.Sort == "" && strings.TrimSpace(p.Q) == "" {
		// Nothing to rank by relevance: newest first. (URLs keep the sort
		// empty, so adding words to the query ranks by relevance again.)
		run.Sort, page.Sort = index.SortDate, index.SortDate
	}
	counts, err := s.cfg.Store.Counts()
	if err != nil {
		s.log.Error("review counts", "err", err)
	}
	for _, st := range review.Statuses {
		page.Statuses = append(page.Statuses, statusView{Status: st, Count: counts[st]})
	}
	res, err := s.runSearch(r.Context(), run)
	status := http.StatusOK
	if err != nil {
		code, msg := statusFor(err)
		if errs.Is(errs.Invalid, err) && code == http.StatusBadRequest && msg == "invalid request" {
			msg = err.Error()
		}
		if code == http.StatusInternalServerError {
			s.log.Error("search failed", "err", err)
		}
		status, page.Error = code, msg
	}
	for i, f := range p.Filters {
		page.Filters = append(page.Filters, filterView{Field: f[0], Value: f[1], RemoveURL: p.without(i).url()})
	}
	byField := map[string]index.Facet{}
	for _, f := range res.Facets {
		byField[f.Field] = f
	}
	for _, fl := range facetLabels {
		f, ok := byField[fl.Field]
		if !ok || len(f.Terms) == 0 {
			continue
		}
		fv := facetView{Field: fl.Field, Label: fl.Label}
		for _, t := range f.Terms {
			lbl := t.Term
			if fl.Field == index.FieldIndicators {
				lbl = s.label(t.Term)
			}
			fv.Terms = append(fv.Terms, facetTermView{Term: t.Term, Label: lbl, Count: t.Count,
				URL: p.with(fl.Field, t.Term).url(), Active: p.hasFilter(fl.Field, t.Term)})
		}
		page.Facets = append(page.Facets, fv)
	}
	var views []hitView
	templates := map[string][]string{} // hit ID → IDs it shares a template with
	for _, h := range res.Hits {
		rv, err := s.cfg.Store.Get(h.ID)
		if err != nil {
			s.log.Error("review lookup", "err", err)
		}
		v := hitView{Hit: h, Review: rv}
		for _, sn := range h.Snippets {
			if sn.Field == "title" {
				v.Title = sn.Parts
			} else {
				v.Body = append(v.Body, markPhones(sn.Parts, res.Phones))
			}
		}
		if full, err := s.cfg.Index.Get(h.ID); err == nil {
			for _, c := range full.Contacts {
				if c.Type == "phone" && phoneMatches(c.Value, res.Phones) {
					v.Contacts = append(v.Contacts, c.Value)
				}
			}
			for _, ind := range full.Indicators {
				if ind.ID == "network.template_text" {
					templates[h.ID] = ind.Linked
				}
			}
		}
		views = append(views, v)
	}
	page.Hits = groupSimilar(views, templates)
	page.Total, page.Took, page.Phones = res.Total, res.Took.Round(time.Millisecond/10).String(), res.Phones
	page.From = (p.Page-1)*p.Size + 1
	page.To = page.From + len(res.Hits) - 1
	if p.Page > 1 {
		q := p
		q.Page--
		page.PrevURL = q.url()
	}
	if uint64(p.Page*p.Size) < res.Total {
		q := p
		q.Page++
		page.NextURL = q.url()
	}
	w.WriteHeader(status)
	s.render(w, r, "search", page)
}

// whyView is one indicator of a listing as the "why it was flagged" list
// shows it: strongest first.
type whyView struct {
	corpus.Hit
	Network bool // a network.* indicator (evidence is in other listings)
}

func whyOf(r *corpus.Result) []whyView {
	out := make([]whyView, 0, len(r.Indicators))
	for _, h := range r.Indicators {
		out = append(out, whyView{Hit: h, Network: strings.HasPrefix(h.ID, "network.")})
	}
	slices.SortStableFunc(out, func(a, b whyView) int {
		switch {
		case a.Weight > b.Weight:
			return -1
		case a.Weight < b.Weight:
			return 1
		}
		return 0
	})
	return out
}

// photoView is one photo of a listing as the page shows it.
type photoView struct {
	N      int
	Local  bool
	Host   string // for remote photos: the host, shown instead of loading it
	PHash  string
	Broken string
}

// photosOf returns a result's photos: the scanner's, else the listing's
// images.
func photosOf(r *corpus.Result) []corpus.Photo {
	if len(r.Photos) > 0 {
		return r.Photos
	}
	var out []corpus.Photo
	if r.Listing != nil {
		for _, im := range r.Listing.Images {
			out = append(out, corpus.Photo{URL: im.URL, Path: im.Path, PHash: im.PHash})
		}
	}
	return out
}

type listingPage struct {
	pageBase
	R        *corpus.Result
	URL      string // the source URL, shown as text only
	Fields   []FieldView
	Unplaced []Unplaced
	Links    []index.Link
	Net      network
	Family   *familyView       // the family of copied text, with its template and slots
	Titles   map[string]string // titles of linked listings, by ID
	Why      []whyView
	Photos   []photoView
	Review   review.Review
	Audit    []review.AuditEntry
	Statuses []review.Status
	Message  string
}

// listingData gathers everything the listing page and its API show.
func (s *Server) listingData(ctx context.Context, id string) (*listingPage, error) {
	r, err := s.cfg.Index.Get(id)
	if err != nil {
		return nil, err
	}
	p := &listingPage{R: r, Statuses: review.Statuses}
	if r.Listing != nil {
		p.URL = r.Listing.URL
	}
	p.Fields, p.Unplaced = MarkEvidence(r)
	if p.Links, err = s.cfg.Index.Linked(ctx, r); err != nil {
		return nil, err
	}
	p.Net = buildNetwork(r, p.Links)
	p.Family = s.templateFamily(ctx, r)
	p.Titles = map[string]string{}
	for _, l := range p.Links {
		if l.Title != "" {
			p.Titles[l.ID] = l.Title
		}
	}
	p.Why = whyOf(r)
	for i, ph := range photosOf(r) {
		v := photoView{N: i, Local: ph.Path != "", PHash: ph.PHash, Broken: ph.Error}
		if !v.Local && ph.URL != "" {
			if u, err := url.Parse(ph.URL); err == nil {
				v.Host = u.Host
			}
		}
		p.Photos = append(p.Photos, v)
	}
	if p.Review, err = s.cfg.Store.Get(id); err != nil {
		return nil, err
	}
	if p.Audit, err = s.cfg.Store.Audit(id, 50); err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Server) handleListing(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	p, err := s.listingData(r.Context(), id)
	if err != nil {
		code, msg := statusFor(err)
		s.fail(w, r, false, code, msg, errIfServer(code, err))
		return
	}
	p.pageBase = s.base(r, "Listing "+id)
	p.pageBase.Query = ""
	if r.FormValue("saved") == "1" {
		p.Message = "Review saved."
	}
	s.render(w, r, "listing", p)
}

func errIfServer(code int, err error) error {
	if code >= 500 {
		return err
	}
	return nil
}

// changeFromForm reads a review change from a form or query.
func changeFromForm(r *http.Request) (review.Change, error) {
	var ch review.Change
	if v := r.PostFormValue("status"); v != "" {
		st, err := review.ParseStatus(v)
		if err != nil {
			return ch, err
		}
		ch.Status = &st
	}
	if _, ok := r.PostForm["assignee"]; ok {
		a := r.PostFormValue("assignee")
		ch.Assignee = &a
	}
	ch.Note = r.PostFormValue("note")
	return ch, nil
}

func (s *Server) handleReviewPost(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	sess, _ := sessionFrom(r.Context())
	if _, err := s.cfg.Index.Get(id); err != nil {
		code, msg := statusFor(err)
		s.fail(w, r, false, code, msg, errIfServer(code, err))
		return
	}
	ch, err := changeFromForm(r)
	if err == nil {
		_, err = s.cfg.Store.Update(id, sess.User, ch)
	}
	if err != nil {
		if errors.Is(err, review.ErrForbidden) {
			s.fail(w, r, false, http.StatusForbidden, "your account may not change reviews", nil)
			return
		}
		if errs.Is(errs.Invalid, err) {
			s.fail(w, r, false, http.StatusBadRequest, err.Error(), nil)
			return
		}
		s.fail(w, r, false, http.StatusInternalServerError, "could not save the review", err)
		return
	}
	s.log.Info("review saved", "user", sess.User, "listing", id)
	http.Redirect(w, r, "/listing/"+url.PathEscape(id)+"?saved=1", http.StatusSeeOther)
}

type auditPage struct {
	pageBase
	Entries []review.AuditEntry
	Titles  map[string]string // listing titles by ID
}

func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request) {
	entries, err := s.cfg.Store.Audit(r.FormValue("listing"), 500)
	if err != nil {
		s.fail(w, r, false, http.StatusInternalServerError, "cannot read the audit log", err)
		return
	}
	p := auditPage{pageBase: s.base(r, "Audit log"), Entries: entries, Titles: map[string]string{}}
	for _, e := range entries {
		if _, done := p.Titles[e.ListingID]; done || e.ListingID == "" || len(p.Titles) >= 200 {
			continue
		}
		p.Titles[e.ListingID] = ""
		if res, err := s.cfg.Index.Get(e.ListingID); err == nil && res.Listing != nil {
			p.Titles[e.ListingID] = res.Listing.Title
		}
	}
	p.pageBase.Query = ""
	s.render(w, r, "audit", p)
}

type statsPage struct {
	pageBase
	Charts template.HTML
}

// handleStats shows the same charts as `redthread stats -o report.html`,
// over everything in the index, small counts suppressed.
func (s *Server) handleStats(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Charts == nil {
		s.fail(w, r, false, http.StatusNotFound, "statistics are not available in this app", nil)
		return
	}
	charts, err := s.cfg.Charts(r.Context())
	if err != nil {
		s.fail(w, r, false, http.StatusInternalServerError, "cannot compute the statistics", err)
		return
	}
	p := statsPage{pageBase: s.base(r, "Statistics"), Charts: charts}
	p.pageBase.Query = ""
	s.render(w, r, "stats", p)
}

func init() {
	// Template helpers of the pages in this file.
	funcs["short"] = shortLabel
	funcs["shortKey"] = shortKey
	// Photo evidence names the photo ("photo 1"), not its file path or URL.
	funcs["isPhoto"] = func(field string) bool { return strings.HasPrefix(field, "images[") }
	funcs["photoName"] = func(field string) string {
		n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(field, "images["), "]"))
		if err != nil {
			return field
		}
		return "photo " + strconv.Itoa(n+1)
	}
}

// shortKey shortens a shared key for display: "pdq:aaaa0c…7470"; contacts
// are shown whole.
func shortKey(k string) string {
	kind, v, ok := strings.Cut(k, ":")
	if !ok {
		return shortHash(k)
	}
	switch kind {
	case "pdq", "phash", "dhash", "ahash":
		return kind + ":" + shortHash(v)
	}
	return k
}
