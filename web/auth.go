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

// Login rate limits: attempts per account from one address, per address
// over all accounts, and per account from all addresses, within
// LoginWindow. An attempt counts before its password is checked, so a
// burst of parallel attempts gets at most the limit checked; a successful
// login takes its own attempt back.
const (
	LoginFailuresPerAccount      = 5
	LoginFailuresPerAddress      = 20
	LoginFailuresPerAccountTotal = 50
	LoginWindow                  = 15 * time.Minute
)

// limiter counts recent login attempts by key.
type limiter struct {
	mu       sync.Mutex
	attempts map[string][]time.Time
	now      func() time.Time
}

func newLimiter() *limiter {
	return &limiter{attempts: map[string][]time.Time{}, now: time.Now}
}

// recent drops attempts older than the window and returns the rest. The
// caller holds l.mu.
func (l *limiter) recent(key string) []time.Time {
	cut := l.now().Add(-LoginWindow)
	fs := l.attempts[key]
	i := 0
	for i < len(fs) && fs[i].Before(cut) {
		i++
	}
	fs = fs[i:]
	if len(fs) == 0 {
		delete(l.attempts, key)
	} else {
		l.attempts[key] = fs
	}
	return fs
}

// limitKey is a key and its limit.
type limitKey struct {
	key   string
	limit int
}

// attempt counts one attempt against every key, in one step, unless some
// key has reached its limit: then nothing is counted and blocked is true,
// with the time the oldest counted attempt leaves the window.
func (l *limiter) attempt(keys ...limitKey) (blocked bool, until time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		if fs := l.recent(k.key); len(fs) >= k.limit {
			if u := fs[len(fs)-k.limit].Add(LoginWindow); u.After(until) {
				until = u
			}
			blocked = true
		}
	}
	if blocked {
		return true, until
	}
	now := l.now()
	for _, k := range keys {
		l.attempts[k.key] = append(l.attempts[k.key], now)
	}
	if len(l.attempts) > 100000 { // bound memory under a flood of names
		for k := range l.attempts {
			l.recent(k)
		}
	}
	return false, time.Time{}
}

// succeeded forgets the attempts counted under reset and takes one
// attempt back from each of undo.
func (l *limiter) succeeded(reset string, undo ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.attempts, reset)
	for _, k := range undo {
		if fs := l.attempts[k]; len(fs) > 0 {
			l.attempts[k] = fs[:len(fs)-1]
			l.recent(k)
		}
	}
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

// requireRole passes requests with a live session of an account with at
// least role min on, with the session in their context; others get a
// redirect to the login page (pages) or 401 (API), or 403 when the role is
// not enough. Unsafe methods also need the session's CSRF token, in the
// form field "csrf" or the X-CSRF-Token header.
func (s *Server) requireRole(api bool, min review.Role, next http.HandlerFunc) http.HandlerFunc {
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
		r = r.WithContext(context.WithValue(r.Context(), sessionKey, sess))
		if !sess.Role.Allows(min) {
			s.log.Warn("role refused", "path", r.URL.Path, "user", sess.User, "role", sess.Role)
			s.fail(w, r, api, http.StatusForbidden, "your account ("+string(sess.Role)+") may not do this", nil)
			return
		}
		next(w, r)
	}
}

type loginPage struct {
	pageBase
	Next  string
	Name  string
	Error string
}

// safeNext keeps redirects after login on this site: next must be a path
// on this origin ("/..."), with no scheme or host, no control characters
// or spaces (browsers drop tabs and newlines, so "/\t/host" would become
// "//host"), and no backslash (which browsers read as "/"). Anything else
// becomes "/".
func safeNext(next string) string {
	if next == "" || len(next) > 2048 || next[0] != '/' {
		return "/"
	}
	for _, r := range next {
		if r <= ' ' || r == 0x7f || r == '\\' || (r >= 0x80 && r <= 0x9f) || r == '\uFFFD' {
			return "/"
		}
	}
	if strings.HasPrefix(next, "//") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
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
	acctKey, addrKey, totalKey := "acct\x00"+name+"\x00"+addr, "addr\x00"+addr, "total\x00"+name
	if blocked, until := s.limiter.attempt(limitKey{acctKey, LoginFailuresPerAccount},
		limitKey{addrKey, LoginFailuresPerAddress}, limitKey{totalKey, LoginFailuresPerAccountTotal}); blocked {
		s.tooMany(w, r, name, until)
		return
	}
	if err := s.checkPassword(name, password); err != nil {
		if !errors.Is(err, review.ErrUnauthorized) {
			s.fail(w, r, false, http.StatusInternalServerError, "cannot check the password", err)
			return
		}
		s.log.Info("login failed", "addr", addr)
		if err := s.cfg.Store.LoginFailed(name, "wrong name or password", addr); err != nil {
			s.log.Error("audit: cannot record a failed login", "err", err)
		}
		s.loginForm(w, r, http.StatusUnauthorized, name, "Wrong name or password.")
		return
	}
	s.limiter.succeeded(acctKey, addrKey, totalKey)
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
	// Refused attempts are not written to the audit log one by one: a burst
	// would turn into as many disk writes. The failures before the limit
	// are there.
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
