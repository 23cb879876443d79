package web

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/redthread/redthread/review"
)

// Login rate limits: failures per account and address, and per address
// over all accounts, within LoginWindow.
const (
	LoginFailuresPerAccount = 5
	LoginFailuresPerAddress = 20
	LoginWindow             = 15 * time.Minute
)

// limiter counts recent login failures by key.
type limiter struct {
	mu       sync.Mutex
	failures map[string][]time.Time
	now      func() time.Time
}

func newLimiter() *limiter {
	return &limiter{failures: map[string][]time.Time{}, now: time.Now}
}

// recent drops failures older than the window and returns the rest.
func (l *limiter) recent(key string) []time.Time {
	cut := l.now().Add(-LoginWindow)
	fs := l.failures[key]
	i := 0
	for i < len(fs) && fs[i].Before(cut) {
		i++
	}
	fs = fs[i:]
	if len(fs) == 0 {
		delete(l.failures, key)
	} else {
		l.failures[key] = fs
	}
	return fs
}

// blocked reports whether key has reached limit failures, and until when.
func (l *limiter) blocked(key string, limit int) (bool, time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fs := l.recent(key)
	if len(fs) >= limit {
		return true, fs[len(fs)-limit].Add(LoginWindow)
	}
	return false, time.Time{}
}

func (l *limiter) fail(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for _, k := range keys {
		l.failures[k] = append(l.recent(k), now)
	}
	if len(l.failures) > 100000 { // bound memory under a flood of names
		for k := range l.failures {
			l.recent(k)
		}
	}
}

func (l *limiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, key)
}

func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

type ctxKey int

const sessionKey ctxKey = 0

// sessionFrom returns the request's session, set by requireLogin.
func sessionFrom(ctx context.Context) (review.Session, bool) {
	s, ok := ctx.Value(sessionKey).(review.Session)
	return s, ok
}

const (
	sessionCookie    = "rt_session"
	loginCSRFCookie  = "rt_login_csrf"
	csrfField        = "csrf"
	csrfHeader       = "X-CSRF-Token"
	defaultSessionTT = 12 * time.Hour
)

func (s *Server) cookie(name, value string, maxAge int, path string) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: path, MaxAge: maxAge, HttpOnly: true,
		Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode}
}

// requireLogin passes requests with a live session on, with the session in
// their context; others get a redirect to the login page (pages) or 401
// (API). Unsafe methods also need the session's CSRF token, in the form
// field "csrf" or the X-CSRF-Token header.
func (s *Server) requireLogin(api bool, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var sess review.Session
		err := review.ErrUnauthorized
		if c, cerr := r.Cookie(sessionCookie); cerr == nil {
			sess, err = s.cfg.Store.Session(c.Value)
		}
		if err != nil {
			if !errors.Is(err, review.ErrUnauthorized) {
				s.fail(w, r, api, http.StatusInternalServerError, "session store unavailable", err)
				return
			}
			if api || r.Method != http.MethodGet {
				s.fail(w, r, api, http.StatusUnauthorized, "please log in", nil)
				return
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			tok := r.Header.Get(csrfHeader)
			if tok == "" {
				tok = r.PostFormValue(csrfField)
			}
			if !sess.ValidCSRF(tok) {
				s.log.Warn("csrf token rejected", "path", r.URL.Path, "user", sess.User)
				s.fail(w, r, api, http.StatusForbidden, "the form has expired or was not sent by this site; reload the page and try again", nil)
				return
			}
		}
		next(w, r.WithContext(context.WithValue(r.Context(), sessionKey, sess)))
	}
}

type loginPage struct {
	pageBase
	Next  string
	Name  string
	Error string
}

// safeNext keeps redirects after login on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request, status int, name, msg string) {
	tok := review.RandomToken(24)
	http.SetCookie(w, s.cookie(loginCSRFCookie, tok, 3600, "/login"))
	w.WriteHeader(status)
	s.render(w, r, "login", loginPage{pageBase: pageBase{Title: "Log in", CSRF: tok},
		Next: safeNext(r.FormValue("next")), Name: name, Error: msg})
}

func (s *Server) handleLoginGet(w http.ResponseWriter, r *http.Request) {
	s.loginForm(w, r, http.StatusOK, "", "")
}

func (s *Server) handleLoginPost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	c, err := r.Cookie(loginCSRFCookie)
	if err != nil || c.Value == "" || r.PostFormValue(csrfField) != c.Value {
		s.loginForm(w, r, http.StatusForbidden, "", "The login form expired. Please try again.")
		return
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	password := r.PostFormValue("password")
	addr := clientAddr(r)
	acctKey, addrKey := "acct\x00"+name+"\x00"+addr, "addr\x00"+addr
	if b, until := s.limiter.blocked(acctKey, LoginFailuresPerAccount); b {
		s.tooMany(w, r, name, until)
		return
	}
	if b, until := s.limiter.blocked(addrKey, LoginFailuresPerAddress); b {
		s.tooMany(w, r, name, until)
		return
	}
	if err := s.cfg.Store.CheckPassword(name, password); err != nil {
		s.limiter.fail(acctKey, addrKey)
		s.log.Info("login failed", "addr", addr)
		s.loginForm(w, r, http.StatusUnauthorized, name, "Wrong name or password.")
		return
	}
	s.limiter.reset(acctKey)
	tok, _, err := s.cfg.Store.NewSession(name, s.cfg.SessionTTL)
	if err != nil {
		s.fail(w, r, false, http.StatusInternalServerError, "cannot start a session", err)
		return
	}
	s.log.Info("login", "user", name, "addr", addr)
	http.SetCookie(w, s.cookie(sessionCookie, tok, int(s.cfg.SessionTTL.Seconds()), "/"))
	http.SetCookie(w, s.cookie(loginCSRFCookie, "", -1, "/login"))
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

func (s *Server) tooMany(w http.ResponseWriter, r *http.Request, name string, until time.Time) {
	mins := int(time.Until(until).Minutes()) + 1
	w.Header().Set("Retry-After", itoa(mins*60))
	s.log.Warn("login rate limited", "addr", clientAddr(r))
	s.loginForm(w, r, http.StatusTooManyRequests, name,
		"Too many failed attempts. Try again in "+itoa(mins)+" minutes.")
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		_ = s.cfg.Store.EndSession(c.Value)
	}
	http.SetCookie(w, s.cookie(sessionCookie, "", -1, "/"))
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
