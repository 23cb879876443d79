// Package web is the analysts' app: a server-rendered site and a JSON API
// to search flagged listings, read one with the evidence marked in its
// text, see the listings it is linked to, and record review decisions.
//
// Everything the browser loads is embedded (templates, CSS, one script
// file); pages carry a strict Content-Security-Policy with no inline script
// and frame-ancestors 'none'. Listing text is hostile input: it is only
// ever inserted as escaped text, with bidirectional control characters made
// visible. Photos are served from local files only, blurred until clicked;
// remote photo URLs are never loaded.
package web

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/errs"
	"github.com/redthread/redthread/index"
	"github.com/redthread/redthread/review"
)

// Searcher is what the app needs from a search index.
type Searcher interface {
	Search(ctx context.Context, req index.Request) (index.Response, error)
	Get(id string) (*corpus.Result, error)
	Linked(ctx context.Context, r *corpus.Result) ([]index.Link, error)
}

// Config configures a Server.
type Config struct {
	Index Searcher
	Store *review.Store
	// PhotoRoot is the folder local photos are served from: relative photo
	// paths are resolved in it and other paths are refused. Empty means
	// relative paths are resolved in the working directory and absolute
	// paths are allowed; either way only files that are images are served.
	PhotoRoot string
	// SessionTTL is how long a login lasts; 0 means 12 hours.
	SessionTTL time.Duration
	// SecureCookies marks cookies Secure (set it behind HTTPS).
	SecureCookies bool
	Logger        *slog.Logger
	// Charts renders the statistics charts (inline SVG, text escaped) for
	// the /stats page; nil leaves the page out.
	Charts func(ctx context.Context) (template.HTML, error)
}

// Server is the app; it is an http.Handler.
type Server struct {
	cfg     Config
	log     *slog.Logger
	mux     *http.ServeMux
	pages   map[string]*template.Template
	limiter *limiter
	labels  map[string]string
	// checkPassword is cfg.Store.CheckPassword (tests count the calls).
	checkPassword func(name, password string) error
}

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// ContentSecurityPolicy is sent with every response.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// New returns the app.
func New(cfg Config) (*Server, error) {
	if cfg.Index == nil || cfg.Store == nil {
		return nil, errs.E("web", errs.Config, "an index and a review store are required")
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = defaultSessionTT
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	labels, err := loadLabels()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: cfg.Logger, mux: http.NewServeMux(), limiter: newLimiter(), labels: labels,
		checkPassword: cfg.Store.CheckPassword}
	if err := s.parseTemplates(); err != nil {
		return nil, err
	}
	static, _ := fs.Sub(staticFS, "static")
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	s.mux.HandleFunc("GET /login", s.handleLoginGet)
	s.mux.HandleFunc("POST /login", s.handleLoginPost)
	for _, rt := range s.routes() {
		s.mux.HandleFunc(rt.pattern, s.requireRole(rt.api, rt.role, rt.h))
	}
	return s, nil
}

// route is a page or API call that needs a login with at least role.
type route struct {
	pattern string
	api     bool
	role    review.Role
	h       http.HandlerFunc
}

// routes are every route behind the login. Viewers read; analysts also
// change reviews; admins also read the whole audit log and manage
// accounts.
func (s *Server) routes() []route {
	viewer, analyst, admin := review.RoleViewer, review.RoleAnalyst, review.RoleAdmin
	return []route{
		{"POST /logout", false, viewer, s.handleLogout},
		{"GET /{$}", false, viewer, s.handleSearch},
		{"GET /listing/{id}", false, viewer, s.handleListing},
		{"POST /listing/{id}/review", false, analyst, s.handleReviewPost},
		{"GET /photo/{id}/{n}", false, viewer, s.handlePhoto},
		{"GET /audit", false, admin, s.handleAudit},
		{"GET /stats", false, viewer, s.handleStats},
		{"GET /api/me", true, viewer, s.apiMe},
		{"GET /api/search", true, viewer, s.apiSearch},
		{"GET /api/listing/{id}", true, viewer, s.apiListing},
		{"POST /api/listing/{id}/review", true, analyst, s.apiReview},
		{"GET /api/audit", true, viewer, s.apiAudit}, // the whole log needs admin: see apiAudit
		{"GET /api/users", true, admin, s.apiUsers},
		{"POST /api/users", true, admin, s.apiUserCreate},
		{"POST /api/users/{name}", true, admin, s.apiUserChange},
	}
}

// ServeHTTP serves the app with its security headers.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	if !strings.HasPrefix(r.URL.Path, "/static/") {
		h.Set("Cache-Control", "no-store")
	}
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("panic serving request", "path", r.URL.Path, "panic", p)
			http.Error(w, "internal error", http.StatusInternalServerError)
		}
	}()
	s.mux.ServeHTTP(w, r)
}

var funcs = template.FuncMap{
	"show":      ShowControls,
	"slotTitle": slotTitle,
	"listingURL": func(id string) string {
		return "/listing/" + url.PathEscape(id)
	},
	"photoURL": func(id string, n int) string {
		return "/photo/" + url.PathEscape(id) + "/" + strconv.Itoa(n)
	},
	"upper": strings.ToUpper,
	"join":  strings.Join,
	"pct":   func(f float64) string { return strconv.FormatFloat(f*100, 'f', 0, 64) + "%" },
	"add":   func(a, b int) int { return a + b },
	"sub":   func(a, b int) int { return a - b },
	"date": func(s string) string {
		if len(s) >= 10 {
			return s[:10]
		}
		return s
	},
	"time": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
}

func (s *Server) parseTemplates() error {
	f := template.FuncMap{"label": s.label}
	for k, v := range funcs {
		f[k] = v
	}
	s.pages = map[string]*template.Template{}
	for _, p := range []string{"login", "search", "listing", "audit", "stats", "error"} {
		t, err := template.New("layout.html").Funcs(f).ParseFS(templateFS, "templates/layout.html", "templates/"+p+".html")
		if err != nil {
			return errs.E("parse templates", errs.Internal, err)
		}
		s.pages[p] = t
	}
	return nil
}

// pageBase is what every page template gets.
type pageBase struct {
	Title string
	User  string
	CSRF  string
	Query string
	// CanReview and IsAdmin say what the user's role allows, to show only
	// the controls they may use (the server checks again).
	CanReview bool
	IsAdmin   bool
}

func (s *Server) base(r *http.Request, title string) pageBase {
	sess, _ := sessionFrom(r.Context())
	return pageBase{Title: title, User: sess.User, CSRF: sess.CSRF, Query: r.FormValue("q"),
		CanReview: sess.Role.Allows(review.RoleAnalyst), IsAdmin: sess.Role.Allows(review.RoleAdmin)}
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, page string, data any) {
	var buf bytes.Buffer
	if err := s.pages[page].Execute(&buf, data); err != nil {
		s.log.Error("render", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(buf.Bytes())
}

type errorPage struct {
	pageBase
	Status  int
	Message string
}

// fail answers with a message for people (an error page or a JSON error).
// The underlying error is logged, not shown.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, api bool, status int, msg string, err error) {
	if err != nil {
		s.log.Error("request failed", "path", r.URL.Path, "status", status, "err", err)
	}
	if api {
		writeJSON(w, status, map[string]string{"error": msg})
		return
	}
	w.WriteHeader(status)
	s.render(w, r, "error", errorPage{pageBase: s.base(r, http.StatusText(status)), Status: status, Message: msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func itoa(n int) string { return strconv.Itoa(n) }

// statusFor maps an error from the index to an HTTP status and a message.
func statusFor(err error) (int, string) {
	var qe *index.QueryError
	switch {
	case errors.Is(err, index.ErrTimeout):
		return http.StatusServiceUnavailable, index.ErrTimeout.Error()
	case errors.As(err, &qe):
		return http.StatusBadRequest, qe.Error()
	case errs.Is(errs.Invalid, err):
		return http.StatusBadRequest, "invalid request"
	case errs.Is(errs.NotExist, err):
		return http.StatusNotFound, "no such listing"
	}
	return http.StatusInternalServerError, "the search index failed; see the server log"
}
