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
}

type searchPage struct {
	pageBase
	Sort, Status string
	Sorts        []string
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

// statusView is a review status in the search page's status filter, with
// how many listings have it (new: not counted).
type statusView struct {
	Status review.Status
	Count  int
}

func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	p := parseSearchParams(r, pageSize)
	page := searchPage{pageBase: s.base(r, "Search"), Sort: p.Sort, Status: p.Status,
		Sorts: []string{index.SortRelevance, index.SortScore, index.SortDate, index.SortOldest}}
	counts, err := s.cfg.Store.Counts()
	if err != nil {
		s.log.Error("review counts", "err", err)
	}
	for _, st := range review.Statuses {
		page.Statuses = append(page.Statuses, statusView{Status: st, Count: counts[st]})
	}
	res, err := s.runSearch(r.Context(), p)
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
	for _, h := range res.Hits {
		rv, err := s.cfg.Store.Get(h.ID)
		if err != nil {
			s.log.Error("review lookup", "err", err)
		}
		page.Hits = append(page.Hits, hitView{Hit: h, Review: rv})
	}
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
	Graph    Graph
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
	p.Graph = layoutGraph(r.ID, r.Level, p.Links)
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
}

func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request) {
	entries, err := s.cfg.Store.Audit(r.FormValue("listing"), 500)
	if err != nil {
		s.fail(w, r, false, http.StatusInternalServerError, "cannot read the audit log", err)
		return
	}
	p := auditPage{pageBase: s.base(r, "Audit log"), Entries: entries}
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
