package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/redthread/redthread/internal/cputime"
	"github.com/redthread/redthread/review"
)

// loginRequest is a POST /login with a matching login CSRF cookie and field.
func loginRequest(name, pw, next string) *http.Request {
	form := url.Values{"csrf": {"tok"}, "name": {name}, "password": {pw}, "next": {next}}
	r := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.AddCookie(&http.Cookie{Name: loginCSRFCookie, Value: "tok"})
	return r
}

// TestLoginBurst: a parallel burst of wrong passwords for one account gets
// at most the limit checked, however the requests interleave; the rest are
// refused without a check, and then so is the right password.
func TestLoginBurst(t *testing.T) {
	for _, c := range []struct {
		name  string
		burst int
		user  string
	}{{"known account", 40, "ana"}, {"unknown account", 40, "nobody"}, {"200 for a known account", 200, "bob"}} {
		t.Run(c.name, func(t *testing.T) {
			a := newApp(t, nil, "")
			var checked atomic.Int64
			check := a.s.checkPassword
			a.s.checkPassword = func(name, pw string) error {
				checked.Add(1)
				return check(name, pw)
			}
			codes := make([]int, c.burst)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range c.burst {
				wg.Go(func() {
					<-start
					w := httptest.NewRecorder()
					a.s.ServeHTTP(w, loginRequest(c.user, fmt.Sprintf("wrong password %d", i), "/"))
					codes[i] = w.Code
				})
			}
			close(start)
			wg.Wait()
			w := httptest.NewRecorder()
			a.s.ServeHTTP(w, loginRequest(c.user, testPassword, "/"))
			if w.Code != http.StatusTooManyRequests {
				t.Errorf("right password after the burst: %d", w.Code)
			}
			if n := checked.Load(); n > LoginFailuresPerAccount || n == 0 {
				t.Errorf("%d passwords checked in a burst of %d, want 1..%d", n, c.burst, LoginFailuresPerAccount)
			}
			var refused, wrong int
			for _, code := range codes {
				switch code {
				case http.StatusTooManyRequests:
					refused++
				case http.StatusUnauthorized:
					wrong++
				}
			}
			if int64(wrong) != checked.Load() || wrong+refused != c.burst {
				t.Errorf("%d answered 401 and %d 429 of %d (checked %d)", wrong, refused, c.burst, checked.Load())
			}
		})
	}
}

// TestLoginLimitKeys: the account limit is per account and address, the
// address limit over all accounts; a success takes its attempt back.
func TestLoginLimitKeys(t *testing.T) {
	a := newApp(t, nil, "")
	try := func(addr, name, pw string) int {
		r := loginRequest(name, pw, "/")
		r.RemoteAddr = addr + ":4000"
		w := httptest.NewRecorder()
		a.s.ServeHTTP(w, r)
		return w.Code
	}
	for range LoginFailuresPerAccount {
		if code := try("10.0.0.1", "ana", "wrong password"); code != http.StatusUnauthorized {
			t.Fatalf("wrong password: %d", code)
		}
	}
	if code := try("10.0.0.1", "ana", testPassword); code != http.StatusTooManyRequests {
		t.Errorf("right password after the limit: %d", code)
	}
	if code := try("10.0.0.2", "ana", testPassword); code != http.StatusSeeOther {
		t.Errorf("same account from another address: %d", code)
	}
	// Successful logins do not use up the address's allowance.
	for i := range LoginFailuresPerAddress + 5 {
		if code := try("10.0.0.3", "bob", testPassword); code != http.StatusSeeOther {
			t.Fatalf("login %d: %d", i+1, code)
		}
	}
	// Wrong passwords for many names from one address stop at its limit.
	var refused int
	for i := range LoginFailuresPerAddress + 5 {
		if try("10.0.0.4", fmt.Sprintf("name%d", i), "wrong password") == http.StatusTooManyRequests {
			refused++
		}
	}
	if refused != 5 {
		t.Errorf("%d of %d names refused from one address, want 5", refused, LoginFailuresPerAddress+5)
	}
}

// BenchmarkLogin measures a wrong password for a known account and for an
// unknown one through the whole login handler, at bcrypt's default cost:
// both take one bcrypt comparison, so their times must be close (README).
func BenchmarkLogin(b *testing.B) {
	defer func(c int) { review.BcryptCost = c }(review.BcryptCost)
	review.BcryptCost = bcrypt.DefaultCost
	a := newApp(b, nil, "")
	for _, c := range []struct{ name, user string }{{"known", "ana"}, {"unknown", "nobody"}} {
		b.Run(c.name, func(b *testing.B) {
			cpu0 := cputime.Process()
			defer func() {
				b.ReportMetric(float64((cputime.Process()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
			}()
			for range b.N {
				a.s.limiter = newLimiter()
				w := httptest.NewRecorder()
				a.s.ServeHTTP(w, loginRequest(c.user, "wrong password", "/"))
				if w.Code != http.StatusUnauthorized {
					b.Fatalf("status %d", w.Code)
				}
			}
		})
	}
}

func TestSafeNext(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"/", "/"},
		{"/listing/gr-esc-101?saved=1", "/listing/gr-esc-101?saved=1"},
		{"/?q=%22new+in+town%22&f=kind:job", "/?q=%22new+in+town%22&f=kind:job"},
		{"", "/"},
		{"//evil.example/", "/"},
		{"/\\evil.example/", "/"},
		{"/\t/evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"/\r\n/evil.example", "/"},
		{"/ /evil.example", "/"},
		{"/\x00/evil.example", "/"},
		{"/\x7f/evil.example", "/"},
		{"/\u0085/evil.example", "/"},
		{"/a\\b", "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"evil.example", "/"},
		{"/%2F/evil.example", "/"},
		{"/" + strings.Repeat("a", 3000), "/"},
	} {
		if got := safeNext(c.in); got != c.want {
			t.Errorf("safeNext(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestNextThroughLogin: next=/%09/host from the query string is not
// echoed into Location.
func TestNextThroughLogin(t *testing.T) {
	a := newApp(t, nil, "")
	for _, next := range []string{"/%09/evil.example", "/%0a/evil.example", "/%5cevil.example", "%2F%2Fevil.example"} {
		c := a.client(t)
		_, body, _ := get(t, c, a.srv.URL+"/login?next="+next)
		m := csrfRE.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no csrf")
		}
		if strings.Contains(body, "evil.example") {
			t.Errorf("login form for next=%s carries it on", next)
		}
		dec, _ := url.QueryUnescape(next)
		code, _, h := post(t, c, a.srv.URL+"/login", url.Values{"csrf": {m[1]}, "name": {"ana"}, "password": {testPassword}, "next": {dec}})
		if code != http.StatusSeeOther || h.Get("Location") != "/" {
			t.Errorf("next=%s: %d to %q", next, code, h.Get("Location"))
		}
	}
}

// TestRolesOnEveryRoute: every route behind the login, for every role,
// is refused (403) below its role and served at or above it; without a
// session it is 401 or a redirect to the login page. The table must name
// every route the server has.
func TestRolesOnEveryRoute(t *testing.T) {
	viewer, analyst, admin := review.RoleViewer, review.RoleAnalyst, review.RoleAdmin
	routes := []struct {
		pattern, method, path, body string
		min                         review.Role
	}{
		{"POST /logout", "POST", "/logout", "", viewer},
		{"GET /{$}", "GET", "/?q=town", "", viewer},
		{"GET /listing/{id}", "GET", "/listing/gr-esc-101", "", viewer},
		{"POST /listing/{id}/review", "POST", "/listing/gr-esc-101/review", "note=seen", analyst},
		{"GET /photo/{id}/{n}", "GET", "/photo/gr-esc-101/0", "", viewer},
		{"GET /audit", "GET", "/audit", "", admin},
		{"GET /stats", "GET", "/stats", "", viewer},
		{"GET /api/me", "GET", "/api/me", "", viewer},
		{"GET /api/search", "GET", "/api/search?q=town", "", viewer},
		{"GET /api/listing/{id}", "GET", "/api/listing/gr-esc-101", "", viewer},
		{"POST /api/listing/{id}/review", "POST", "/api/listing/gr-esc-101/review", `{"note":"seen"}`, analyst},
		{"GET /api/audit", "GET", "/api/audit", "", admin},
		{"GET /api/audit", "GET", "/api/audit?listing=gr-esc-101", "", viewer},
		{"GET /api/users", "GET", "/api/users", "", admin},
		{"POST /api/users", "POST", "/api/users", `{"name":"new-%s","role":"viewer"}`, admin},
		{"POST /api/users/{name}", "POST", "/api/users/bob", `{"password":""}`, admin},
	}
	a := newApp(t, nil, "")
	var want, have []string
	for _, rt := range a.s.routes() {
		have = append(have, rt.pattern)
	}
	for _, rt := range routes {
		if !slices.Contains(want, rt.pattern) {
			want = append(want, rt.pattern)
		}
	}
	slices.Sort(want)
	slices.Sort(have)
	if !slices.Equal(want, have) {
		t.Fatalf("the table covers %v, the server has %v", want, have)
	}
	users := map[review.Role]string{viewer: "vic", analyst: "ana", admin: "root"}
	for _, role := range []review.Role{"", viewer, analyst, admin} {
		for _, rt := range routes {
			t.Run(string(role)+" "+rt.method+" "+rt.path, func(t *testing.T) {
				c, csrf := a.client(t), ""
				if role != "" {
					c, csrf = a.login(t, users[role])
				}
				body := rt.body
				if strings.Contains(body, "%s") {
					body = fmt.Sprintf(body, role)
				}
				req, _ := http.NewRequest(rt.method, a.srv.URL+rt.path, strings.NewReader(body))
				if strings.HasPrefix(body, "{") {
					req.Header.Set("Content-Type", "application/json")
				} else if body != "" {
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				}
				req.Header.Set(csrfHeader, csrf)
				resp, err := c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				code := resp.StatusCode
				switch {
				case role == "":
					if code != http.StatusUnauthorized && !(code == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/login")) {
						t.Errorf("without a session: %d", code)
					}
				case !role.Allows(rt.min):
					if code != http.StatusForbidden {
						t.Errorf("%s below %s: %d, want 403", role, rt.min, code)
					}
				default:
					if code == http.StatusForbidden || code == http.StatusUnauthorized || code >= 500 {
						t.Errorf("%s at or above %s: %d", role, rt.min, code)
					}
				}
			})
		}
	}
}

// TestControlsByRole: pages show only the controls the role may use.
func TestControlsByRole(t *testing.T) {
	a := newApp(t, nil, "")
	for _, c := range []struct {
		user            string
		form, auditLink bool
	}{{"vic", false, false}, {"ana", true, false}, {"root", true, true}} {
		cl, _ := a.login(t, c.user)
		_, body, _ := get(t, cl, a.srv.URL+"/listing/gr-esc-101")
		if got := strings.Contains(body, `id="review-form"`); got != c.form {
			t.Errorf("%s: review form shown %v, want %v", c.user, got, c.form)
		}
		if got := strings.Contains(body, `href="/audit"`); got != c.auditLink {
			t.Errorf("%s: audit link shown %v, want %v", c.user, got, c.auditLink)
		}
	}
}

func apiPost(t *testing.T, c *http.Client, csrf, u, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", u, strings.NewReader(body))
	req.Header.Set(csrfHeader, csrf)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	_, _ = fmt.Fprint(&b, readAll(resp))
	return resp.StatusCode, b.String()
}

func readAll(resp *http.Response) string {
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			return b.String()
		}
	}
}

// TestAccountsAPI: an admin manages accounts while the app runs; each
// change ends the account's sessions and is in the audit log; reviews are
// assigned only to existing accounts.
func TestAccountsAPI(t *testing.T) {
	a := newApp(t, nil, "")
	root, csrf := a.login(t, "root")
	ana, anaCSRF := a.login(t, "ana")
	u := a.srv.URL + "/api/users"
	if code, body := apiPost(t, root, csrf, u, `{"name":"dora","role":"viewer"}`); code != http.StatusCreated || !strings.Contains(body, `"password"`) {
		t.Errorf("create: %d %s", code, body)
	}
	for _, c := range []struct {
		body string
		code int
	}{
		{`{"name":"dora"}`, http.StatusBadRequest},                   // exists
		{`{"name":"<x>","role":"viewer"}`, http.StatusBadRequest},    // bad name
		{`{"name":"eve","role":"superuser"}`, http.StatusBadRequest}, // bad role
		{`{"name":"eve","password":"short"}`, http.StatusBadRequest}, // bad password
		{`{"name":"eve","admin":true}`, http.StatusBadRequest},       // unknown field
	} {
		if code, body := apiPost(t, root, csrf, u, c.body); code != c.code {
			t.Errorf("create %s: %d %s, want %d", c.body, code, body, c.code)
		}
	}
	if code, _ := apiPost(t, root, csrf, u+"/root", `{"remove":true}`); code != http.StatusBadRequest {
		t.Errorf("admin removed own account: %d", code)
	}
	if code, _ := apiPost(t, root, csrf, u+"/root", `{"role":"viewer"}`); code != http.StatusBadRequest {
		t.Errorf("admin demoted own account: %d", code)
	}
	if code, _ := apiPost(t, root, csrf, u+"/ghost", `{"role":"viewer"}`); code != http.StatusNotFound {
		t.Errorf("role of a missing account: %d", code)
	}
	// Assignment only to accounts that exist.
	rv := a.srv.URL + "/api/listing/gr-esc-101/review"
	if code, _ := apiPost(t, ana, anaCSRF, rv, `{"assignee":"ghost"}`); code != http.StatusBadRequest {
		t.Errorf("assigned to a missing account: %d", code)
	}
	if code, _ := apiPost(t, ana, anaCSRF, rv, `{"assignee":"dora"}`); code != http.StatusOK {
		t.Errorf("assigned to an existing account: %d", code)
	}
	// Demoting ana ends her session; her next login is a viewer's.
	if code, body := apiPost(t, root, csrf, u+"/ana", `{"role":"viewer"}`); code != http.StatusOK {
		t.Fatalf("demote: %d %s", code, body)
	}
	if code, _, _ := get(t, ana, a.srv.URL+"/api/me"); code != http.StatusUnauthorized {
		t.Errorf("session after a role change: %d", code)
	}
	ana, anaCSRF = a.login(t, "ana")
	if code, _ := apiPost(t, ana, anaCSRF, rv, `{"note":"x"}`); code != http.StatusForbidden {
		t.Errorf("demoted account changed a review: %d", code)
	}
	if code, _ := apiPost(t, root, csrf, u+"/ana", `{"password":"new horse staple"}`); code != http.StatusOK {
		t.Errorf("passwd: %d", code)
	}
	if code, _, _ := get(t, ana, a.srv.URL+"/api/me"); code != http.StatusUnauthorized {
		t.Errorf("session after a password change: %d", code)
	}
	if code := a.tryLogin(t, a.client(t), "ana", testPassword); code != http.StatusUnauthorized {
		t.Errorf("old password after passwd: %d", code)
	}
	bob, _ := a.login(t, "bob")
	if code, _ := apiPost(t, root, csrf, u+"/bob", `{"remove":true}`); code != http.StatusOK {
		t.Errorf("remove: %d", code)
	}
	if code, _, _ := get(t, bob, a.srv.URL+"/api/me"); code != http.StatusUnauthorized {
		t.Errorf("session after removal: %d", code)
	}
	if code, _, _ := get(t, root, a.srv.URL+"/api/audit?listing=no-such-listing"); code != http.StatusNotFound {
		t.Errorf("history of a listing not in the index: %d", code)
	}
	_, page, _ := get(t, root, a.srv.URL+"/audit")
	if !strings.Contains(page, "account dora") {
		t.Error("audit page does not name the account changed")
	}
	_, body, _ := get(t, root, a.srv.URL+"/api/audit")
	for _, s := range []string{`"account": "dora"`, `"new": "created, role viewer"`, `"new": "role viewer"`, `"new": "password changed"`, `"new": "removed"`, `"user": "root"`} {
		if !strings.Contains(body, s) {
			t.Errorf("audit log lacks %s", s)
		}
	}
}

// TestQueryBudgetInApp: "*" is a browse; a leading wildcard and a page
// past the result window are refused with a message, not run.
func TestQueryBudgetInApp(t *testing.T) {
	a := newApp(t, nil, "")
	c, _ := a.login(t, "vic")
	_, all, _ := get(t, c, a.srv.URL+"/api/search")
	_, star, _ := get(t, c, a.srv.URL+"/api/search?q=*")
	total := func(body string) string {
		i := strings.Index(body, `"total":`)
		if i < 0 {
			return ""
		}
		return strings.Fields(body[i+8:])[0]
	}
	if total(all) == "" || total(star) != total(all) {
		t.Errorf("q=* total %q, browse total %q", total(star), total(all))
	}
	for _, u := range []string{"/api/search?q=*own", "/api/search?q=" + url.QueryEscape("body:/.*/"), "/api/search?q=town&page=600&size=20"} {
		if code, body, _ := get(t, c, a.srv.URL+u); code != http.StatusBadRequest || !strings.Contains(body, "too expensive") {
			t.Errorf("%s: %d %s", u, code, body)
		}
	}
	if code, body, _ := get(t, c, a.srv.URL+"/?q=*own"); code != http.StatusBadRequest || !strings.Contains(body, "too expensive") {
		t.Errorf("search page with a leading wildcard: %d", code)
	}
}

// FuzzSafeNext: whatever next= says, the redirect stays on this site.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/", "/listing/x?saved=1", "//evil", "/\t/evil", "/\\evil", "https://evil/", "/%2F/evil", "/\u0085/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		if got == "/" {
			return
		}
		if got != next {
			t.Fatalf("safeNext(%q) = %q: neither the input nor /", next, got)
		}
		u, err := url.Parse(got)
		if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") {
			t.Fatalf("safeNext(%q) = %q leaves the site", next, got)
		}
		// What a browser does to a URL before following it: drop tabs and
		// newlines, read backslashes as slashes.
		b := strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(got)
		if strings.HasPrefix(b, "//") {
			t.Fatalf("safeNext(%q) = %q becomes %q in a browser", next, got, b)
		}
	})
}
