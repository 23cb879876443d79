package web

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/redthread/redthread/errs"
	"github.com/redthread/redthread/index"
	"github.com/redthread/redthread/review"
)

// apiMe returns the logged-in user and the CSRF token API clients send in
// the X-CSRF-Token header with POST requests.
func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	writeJSON(w, http.StatusOK, map[string]any{"user": sess.User, "csrf": sess.CSRF, "expires": sess.Expires})
}

// searchJSON is the search page's content.
type searchJSON struct {
	index.Response
	Reviews map[string]review.Review `json:"reviews"`
	Page    int                      `json:"page"`
	Size    int                      `json:"size"`
}

func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) {
	p := parseSearchParams(r, index.MaxPageSize)
	res, err := s.runSearch(r.Context(), p)
	if err != nil {
		code, msg := statusFor(err)
		if code == http.StatusBadRequest && msg == "invalid request" {
			msg = err.Error()
		}
		s.fail(w, r, true, code, msg, errIfServer(code, err))
		return
	}
	out := searchJSON{Response: res, Reviews: map[string]review.Review{}, Page: p.Page, Size: p.Size}
	for _, h := range res.Hits {
		if rv, err := s.cfg.Store.Get(h.ID); err == nil {
			out.Reviews[h.ID] = rv
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// listingJSON is the listing page's content.
type listingJSON struct {
	Result   any                 `json:"result"`
	Fields   []FieldView         `json:"fields"`
	Unplaced []Unplaced          `json:"unplaced_evidence,omitempty"`
	Links    []index.Link        `json:"links"`
	Review   review.Review       `json:"review"`
	Audit    []review.AuditEntry `json:"audit"`
	Labels   map[string]string   `json:"labels"`
}

func (s *Server) apiListing(w http.ResponseWriter, r *http.Request) {
	p, err := s.listingData(r.Context(), r.PathValue("id"))
	if err != nil {
		code, msg := statusFor(err)
		s.fail(w, r, true, code, msg, errIfServer(code, err))
		return
	}
	labels := map[string]string{}
	for _, h := range p.R.Indicators {
		labels[h.ID] = s.label(h.ID)
	}
	if p.Links == nil {
		p.Links = []index.Link{}
	}
	writeJSON(w, http.StatusOK, listingJSON{Result: p.R, Fields: p.Fields, Unplaced: p.Unplaced, Links: p.Links,
		Review: p.Review, Audit: p.Audit, Labels: labels})
}

func (s *Server) apiReview(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	sess, _ := sessionFrom(r.Context())
	if _, err := s.cfg.Index.Get(id); err != nil {
		code, msg := statusFor(err)
		s.fail(w, r, true, code, msg, errIfServer(code, err))
		return
	}
	var ch review.Change
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ch); err != nil {
		s.fail(w, r, true, http.StatusBadRequest, "body must be a JSON object with status, assignee and note", nil)
		return
	}
	rv, err := s.cfg.Store.Update(id, sess.User, ch)
	if err != nil {
		if errors.Is(err, review.ErrForbidden) {
			s.fail(w, r, true, http.StatusForbidden, "your account may not change reviews", nil)
			return
		}
		if errs.Is(errs.Invalid, err) {
			s.fail(w, r, true, http.StatusBadRequest, err.Error(), nil)
			return
		}
		s.fail(w, r, true, http.StatusInternalServerError, "could not save the review", err)
		return
	}
	writeJSON(w, http.StatusOK, rv)
}

// apiAudit returns the history of one listing (?listing=ID), which anyone
// who can read the listing may see, or the whole log, admins only.
func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) {
	listing := r.FormValue("listing")
	if sess, _ := sessionFrom(r.Context()); listing == "" && !sess.Role.Allows(review.RoleAdmin) {
		s.fail(w, r, true, http.StatusForbidden, "the whole audit log is for admins; add ?listing=ID for one listing's history", nil)
		return
	}
	if listing != "" {
		if _, err := s.cfg.Index.Get(listing); err != nil { // history only of listings one can read
			code, msg := statusFor(err)
			s.fail(w, r, true, code, msg, errIfServer(code, err))
			return
		}
	}
	entries, err := s.cfg.Store.Audit(listing, 500)
	if err != nil {
		s.fail(w, r, true, http.StatusInternalServerError, "cannot read the audit log", err)
		return
	}
	if entries == nil {
		entries = []review.AuditEntry{}
	}
	writeJSON(w, http.StatusOK, entries)
}
