package web

import (
	"context"
	"encoding/json"
	"html/template"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/index"
	"github.com/redthread/redthread/review"
)

func init() { review.BcryptCost = bcrypt.MinCost }

const testPassword = "correct horse battery"

type app struct {
	s     *Server
	srv   *httptest.Server
	idx   *index.Index
	store *review.Store
	dir   string
}

func loadResults(t testing.TB, path string) []corpus.Result {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpus.Result
	for rec := range corpus.ReadResults(context.Background(), f, path, corpus.ResultOptions{Listings: true}) {
		if rec.Err != nil {
			t.Fatal(rec.Err)
		}
		out = append(out, *rec.Result)
	}
	return out
}

// newApp starts the app on a fresh index holding the fixture, with
// analysts ana and bob, admin root and viewer vic.
func newApp(t testing.TB, mutate func([]corpus.Result), photoRoot string) *app {
	t.Helper()
	dir := t.TempDir()
	idx, err := index.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	results := loadResults(t, "testdata/results.jsonl")
	if mutate != nil {
		mutate(results)
	}
	if err := idx.Put(results); err != nil {
		t.Fatal(err)
	}
	store, err := review.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		name string
		role review.Role
	}{{"ana", review.RoleAnalyst}, {"bob", review.RoleAnalyst}, {"root", review.RoleAdmin}, {"vic", review.RoleViewer}} {
		if err := store.CreateUser("test", u.name, testPassword, u.role); err != nil {
			t.Fatal(err)
		}
	}
	charts := func(context.Context) (template.HTML, error) {
		return template.HTML(`<svg class="chart"><title>levels</title></svg>`), nil
	}
	s, err := New(Config{Index: idx, Store: store, PhotoRoot: photoRoot, Charts: charts})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(func() { srv.Close(); store.Close(); idx.Close() })
	return &app{s: s, srv: srv, idx: idx, store: store, dir: dir}
}

func (a *app) client(t testing.TB) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func get(t testing.TB, c *http.Client, u string) (int, string, http.Header) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func post(t testing.TB, c *http.Client, u string, form url.Values) (int, string, http.Header) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func (a *app) tryLogin(t testing.TB, c *http.Client, name, pw string) int {
	t.Helper()
	_, body, _ := get(t, c, a.srv.URL+"/login")
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("login form has no csrf field")
	}
	code, _, _ := post(t, c, a.srv.URL+"/login", url.Values{"csrf": {m[1]}, "name": {name}, "password": {pw}, "next": {"/"}})
	return code
}

// login returns a logged-in client and its CSRF token.
func (a *app) login(t testing.TB, name string) (*http.Client, string) {
	t.Helper()
	c := a.client(t)
	if code := a.tryLogin(t, c, name, testPassword); code != http.StatusSeeOther {
		t.Fatalf("login: status %d", code)
	}
	_, body, _ := get(t, c, a.srv.URL+"/api/me")
	var me struct{ User, CSRF string }
	if err := json.Unmarshal([]byte(body), &me); err != nil || me.User != name {
		t.Fatalf("me: %s", body)
	}
	return c, me.CSRF
}

func TestLoginRequiredAndHeaders(t *testing.T) {
	a := newApp(t, nil, "")
	c := a.client(t)
	code, _, h := get(t, c, a.srv.URL+"/?q=x")
	if code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login?next=") {
		t.Errorf("unauthenticated page: %d %s", code, h.Get("Location"))
	}
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP %q", csp)
	}
	for _, k := range []string{"X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"} {
		if h.Get(k) == "" {
			t.Errorf("missing header %s", k)
		}
	}
	for _, u := range []string{"/api/search?q=x", "/api/listing/gr-esc-101", "/photo/gr-esc-101/0", "/api/audit"} {
		if code, _, _ := get(t, c, a.srv.URL+u); code != http.StatusUnauthorized && code != http.StatusSeeOther {
			t.Errorf("%s without login: %d", u, code)
		}
	}
	if code, _, _ := post(t, c, a.srv.URL+"/listing/gr-esc-101/review", url.Values{"status": {"dismissed"}}); code != http.StatusUnauthorized {
		t.Errorf("review without login: %d", code)
	}
	// A forged session cookie is not a session.
	u, _ := url.Parse(a.srv.URL)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: "forged"}})
	if code, _, _ := get(t, c, a.srv.URL+"/api/me"); code != http.StatusUnauthorized {
		t.Errorf("forged session: %d", code)
	}
}

func TestLoginRateLimited(t *testing.T) {
	a := newApp(t, nil, "")
	c := a.client(t)
	var codes []int
	for range 10 {
		codes = append(codes, a.tryLogin(t, c, "ana", "wrong password"))
	}
	for i, code := range codes {
		want := http.StatusUnauthorized
		if i >= LoginFailuresPerAccount {
			want = http.StatusTooManyRequests
		}
		if code != want {
			t.Errorf("attempt %d: %d, want %d", i+1, code, want)
		}
	}
	// The right password does not get through while blocked...
	if code := a.tryLogin(t, c, "ana", testPassword); code != http.StatusTooManyRequests {
		t.Errorf("right password while blocked: %d", code)
	}
	// ...but another account from the same address still can log in.
	if code := a.tryLogin(t, a.client(t), "bob", testPassword); code != http.StatusSeeOther {
		t.Errorf("other account: %d", code)
	}
}

func TestLoginCSRF(t *testing.T) {
	a := newApp(t, nil, "")
	c := a.client(t)
	get(t, c, a.srv.URL+"/login")
	code, _, _ := post(t, c, a.srv.URL+"/login", url.Values{"csrf": {"forged"}, "name": {"ana"}, "password": {testPassword}})
	if code != http.StatusForbidden {
		t.Errorf("forged login csrf: %d", code)
	}
	// An open redirect through next= is refused.
	_, body, _ := get(t, c, a.srv.URL+"/login?next=//evil.example/")
	m := csrfRE.FindStringSubmatch(body)
	_, _, h := post(t, c, a.srv.URL+"/login", url.Values{"csrf": {m[1]}, "name": {"ana"}, "password": {testPassword}, "next": {"//evil.example/"}})
	if loc := h.Get("Location"); loc != "/" {
		t.Errorf("redirect after login to %q", loc)
	}
}

func TestSearchPage(t *testing.T) {
	a := newApp(t, nil, "")
	c, _ := a.login(t, "ana")
	tests := []struct {
		q        string
		code     int
		contains []string
		absent   []string
	}{
		{q: "?q=" + url.QueryEscape(`"new in town"`), code: 200,
			contains: []string{"<mark>New in town</mark>!! Sweet Anna 19", "&lt;script&gt;alert(", "[RLO]", "<mark>new in town</mark>", `">2 listings`},
			absent:   []string{"<script>alert", "<img src=x", "\u202e"}},
		{q: "?q=" + url.QueryEscape("+44 7700 900123"), code: 200, contains: []string{"&#43;447700900123", `">3 listings`}},
		{q: "?q=" + url.QueryEscape("064/123-4567") + "&f=country:RS", code: 200, contains: []string{"Posao u Nemačkoj", `">1 listings`}},
		{q: "?q=" + url.QueryEscape(`indicators:service.youth country:GR`), code: 200, contains: []string{`">2 listings`}},
		{q: "?f=kind:job&sort=score", code: 200, contains: []string{`">4 listings`, "Filters:", "Fruit picking"}},
		{q: "?q=" + url.QueryEscape(`title:`), code: 400, contains: []string{"cannot understand the query"}},
		{q: "?q=" + url.QueryEscape(`posted:>"yesterday"`), code: 400, contains: []string{"cannot understand the query"}},
		{q: "?f=body:x", code: 400, contains: []string{"cannot filter on"}},
		{q: "?status=escalated", code: 200, contains: []string{`">0 listings`}},
		{q: "?sort=sideways", code: 400},
	}
	for _, tt := range tests {
		code, body, _ := get(t, c, a.srv.URL+"/"+tt.q)
		if code != tt.code {
			t.Errorf("%s: status %d, want %d", tt.q, code, tt.code)
		}
		for _, s := range tt.contains {
			if !strings.Contains(body, s) {
				t.Errorf("%s: page lacks %q", tt.q, s)
			}
		}
		for _, s := range tt.absent {
			if strings.Contains(body, s) {
				t.Errorf("%s: page contains %q", tt.q, s)
			}
		}
	}
	// Facets with counts and links that add a filter.
	_, body, _ := get(t, c, a.srv.URL+"/")
	for _, s := range []string{`data-field="indicators"`, "Moved from city to city", `href="/?f=country%3AGR"`, `data-field="week"`} {
		if !strings.Contains(body, s) {
			t.Errorf("facets lack %q", s)
		}
	}
}

func TestListingPageMarksEvidence(t *testing.T) {
	a := newApp(t, nil, "")
	c, _ := a.login(t, "ana")
	code, body, _ := get(t, c, a.srv.URL+"/listing/gr-esc-101")
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	for _, s := range []string{
		`<mark class="ev" title="service.movement" data-indicators="service.movement">new in town</mark><sup class="evlabel" title="service.movement">Moved from city to city</sup>`,
		`<mark class="ev" title="service.constant_availability" data-indicators="service.constant_availability">Available 24/7</mark>`,
		`>19 years old</mark>`,
		"Why it was flagged", "network.shared_contact",
		`href="/listing/gr-esc-102"`, `<svg class="graph"`, "edge-contact",
		"Photo 1 on citylove.example is not stored here",
	} {
		if !strings.Contains(body, s) {
			t.Errorf("listing page lacks %q", s)
		}
	}
	if strings.Contains(body, "https://citylove.example/img/") && strings.Contains(body, `src="https://`) {
		t.Error("remote photo hot-linked")
	}
	code, _, _ = get(t, c, a.srv.URL+"/listing/nope")
	if code != http.StatusNotFound {
		t.Errorf("missing listing: %d", code)
	}
}

func TestHostileListing(t *testing.T) {
	a := newApp(t, func(rs []corpus.Result) {
		for i := range rs {
			if rs[i].ID == "hostile-601" {
				// A 1 MB line.
				rs[i].Listing.Body += " " + strings.Repeat("A", 1<<20) + " tail"
			}
		}
	}, "")
	c, _ := a.login(t, "ana")
	code, body, _ := get(t, c, a.srv.URL+"/listing/hostile-601")
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	for _, bad := range []string{"<script>", "<img src=x", "\u202e", `href="javascript:`, "evil.example/track.gif\""} {
		if strings.Contains(body, bad) {
			t.Errorf("hostile listing page contains %q", bad)
		}
	}
	for _, s := range []string{"&lt;script&gt;", "&amp;lt;b&amp;gt;", "[RLO]gnp.exe", ">new in town</mark>", ">new girl</mark>", " tail"} {
		if !strings.Contains(body, s) {
			t.Errorf("hostile listing page lacks %q", s)
		}
	}
}

func TestReviewFlow(t *testing.T) {
	a := newApp(t, nil, "")
	c, csrf := a.login(t, "ana")
	u := a.srv.URL + "/listing/uk-job-201/review"
	if code, _, _ := post(t, c, u, url.Values{"status": {"escalated"}}); code != http.StatusForbidden {
		t.Errorf("no csrf: %d", code)
	}
	if code, _, _ := post(t, c, u, url.Values{"status": {"escalated"}, "csrf": {"forged" + csrf}}); code != http.StatusForbidden {
		t.Errorf("forged csrf: %d", code)
	}
	if code, _, _ := post(t, c, u, url.Values{"status": {"deleted"}, "csrf": {csrf}}); code != http.StatusBadRequest {
		t.Errorf("bad status: %d", code)
	}
	code, _, h := post(t, c, u, url.Values{"status": {"escalated"}, "assignee": {"bob"}, "note": {"same phone as gr-esc-101 <b>"}, "csrf": {csrf}})
	if code != http.StatusSeeOther || h.Get("Location") != "/listing/uk-job-201?saved=1" {
		t.Fatalf("save: %d %s", code, h.Get("Location"))
	}
	// A colleague sees it tomorrow.
	bob, bobCSRF := a.login(t, "bob")
	_, body, _ := get(t, bob, a.srv.URL+"/listing/uk-job-201")
	for _, s := range []string{`id="review-status" class="status status-escalated">escalated`, "same phone as gr-esc-101 &lt;b&gt;", "assigned to <strong>bob</strong>"} {
		if !strings.Contains(body, s) {
			t.Errorf("review page lacks %q", s)
		}
	}
	_, body, _ = get(t, bob, a.srv.URL+"/?status=escalated")
	if !strings.Contains(body, `">1 listings`) || !strings.Contains(body, "Fruit picking") {
		t.Error("status filter escalated does not show the listing")
	}
	_, body, _ = get(t, bob, a.srv.URL+"/?status=new&f=kind:job")
	if !strings.Contains(body, `">3 listings`) {
		t.Error("status filter new still shows the escalated listing")
	}
	// JSON API, same login.
	req, _ := http.NewRequest("POST", a.srv.URL+"/api/listing/uk-job-201/review", strings.NewReader(`{"status":"dismissed","note":"checked"}`))
	req.Header.Set("X-CSRF-Token", bobCSRF)
	resp, err := bob.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("api review: %d", resp.StatusCode)
	}
	req, _ = http.NewRequest("POST", a.srv.URL+"/api/listing/uk-job-201/review", strings.NewReader(`{"status":"new"}`))
	req.Header.Set("X-CSRF-Token", csrf) // ana's token in bob's session
	resp, _ = bob.Do(req)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("api review with another session's token: %d", resp.StatusCode)
	}
	_, body, _ = get(t, bob, a.srv.URL+"/api/audit?listing=uk-job-201")
	var log []review.AuditEntry
	if err := json.Unmarshal([]byte(body), &log); err != nil {
		t.Fatal(err)
	}
	var who []string
	for _, e := range log {
		who = append(who, e.User+":"+e.Field)
	}
	if got := strings.Join(who, ","); got != "bob:note,bob:status,ana:note,ana:assignee,ana:status" {
		t.Errorf("audit %s", got)
	}
	if code, _, _ := get(t, bob, a.srv.URL+"/audit"); code != http.StatusForbidden {
		t.Errorf("whole audit log for an analyst: %d", code)
	}
	root, _ := a.login(t, "root")
	_, body, _ = get(t, root, a.srv.URL+"/audit")
	if !strings.Contains(body, "uk-job-201") {
		t.Error("audit page lacks the change")
	}
}

func TestAPI(t *testing.T) {
	a := newApp(t, nil, "")
	c, _ := a.login(t, "ana")
	code, body, h := get(t, c, a.srv.URL+"/api/search?q="+url.QueryEscape("+44 7700 900123")+"&sort=score")
	if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
		t.Fatalf("api search %d %s", code, h.Get("Content-Type"))
	}
	var sr struct {
		Total  int
		Hits   []index.Hit
		Facets []index.Facet
		Phones []string
	}
	if err := json.Unmarshal([]byte(body), &sr); err != nil {
		t.Fatal(err)
	}
	if sr.Total != 3 || sr.Hits[0].ID != "gr-esc-101" || len(sr.Facets) == 0 || sr.Phones[0] != "+447700900123" {
		t.Errorf("api search: %+v", sr)
	}
	code, body, _ = get(t, c, a.srv.URL+"/api/search?q="+url.QueryEscape("title:"))
	if code != 400 || !strings.Contains(body, "cannot understand the query") {
		t.Errorf("api bad query: %d %s", code, body)
	}
	code, body, _ = get(t, c, a.srv.URL+"/api/listing/gr-esc-101")
	if code != 200 {
		t.Fatalf("api listing %d", code)
	}
	var lj struct {
		Fields []FieldView
		Links  []index.Link
	}
	if err := json.Unmarshal([]byte(body), &lj); err != nil {
		t.Fatal(err)
	}
	if len(lj.Fields) == 0 || len(lj.Links) < 2 {
		t.Errorf("api listing: %d fields %d links", len(lj.Fields), len(lj.Links))
	}
}

func TestPhotos(t *testing.T) {
	root := t.TempDir()
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
	os.WriteFile(filepath.Join(root, "a.png"), png, 0o600)
	os.WriteFile(filepath.Join(root, "notes.txt"), []byte("secret"), 0o600)
	outside := filepath.Join(t.TempDir(), "b.png")
	os.WriteFile(outside, png, 0o600)
	a := newApp(t, func(rs []corpus.Result) {
		for i := range rs {
			if rs[i].ID == "gr-esc-102" {
				rs[i].Photos = []corpus.Photo{{Path: "a.png", PHash: "c3c3e1f0f0e1c3c1"}, {Path: "notes.txt"}, {Path: outside}, {Path: "../" + filepath.Base(filepath.Dir(outside)) + "/b.png"}, {URL: "https://x.example/p.jpg"}}
			}
		}
	}, root)
	c, _ := a.login(t, "ana")
	code, body, h := get(t, c, a.srv.URL+"/photo/gr-esc-102/0")
	if code != 200 || h.Get("Content-Type") != "image/png" || body != string(png) {
		t.Errorf("local photo: %d %s", code, h.Get("Content-Type"))
	}
	for _, n := range []string{"1", "2", "3", "4", "9", "-1", "x"} {
		if code, _, _ := get(t, c, a.srv.URL+"/photo/gr-esc-102/"+n); code != http.StatusNotFound {
			t.Errorf("photo %s: %d, want 404", n, code)
		}
	}
	_, body, _ = get(t, c, a.srv.URL+"/listing/gr-esc-102")
	if !strings.Contains(body, `class="photo blurred"`) || !strings.Contains(body, `src="/photo/gr-esc-102/0"`) || strings.Contains(body, "x.example/p.jpg\"") {
		t.Error("photos not blurred, not served locally, or hot-linked")
	}
}

func TestStaticAssetsEmbedded(t *testing.T) {
	a := newApp(t, nil, "")
	c := a.client(t)
	for _, p := range []string{"/static/style.css", "/static/app.js"} {
		code, body, _ := get(t, c, a.srv.URL+p)
		if code != 200 || len(body) < 100 {
			t.Errorf("%s: %d", p, code)
		}
	}
	// No page refers to another origin.
	_, body, _ := get(t, c, a.srv.URL+"/login")
	if strings.Contains(body, "http://") || strings.Contains(body, "https://") || strings.Contains(body, "<script>") {
		t.Error("login page refers to another origin or has inline script")
	}
}

func TestStatusCountsShown(t *testing.T) {
	a := newApp(t, nil, "")
	c, csrf := a.login(t, "ana")
	post(t, c, a.srv.URL+"/listing/gr-esc-102/review", url.Values{"status": {"in review"}, "csrf": {csrf}})
	_, body, _ := get(t, c, a.srv.URL+"/")
	if !strings.Contains(body, `<option value="in_review">in review (1)</option>`) {
		t.Error("status filter lacks the count of listings in review")
	}
}

func TestStatsPage(t *testing.T) {
	a := newApp(t, nil, "")
	anon := a.client(t)
	if code, _, _ := get(t, anon, a.srv.URL+"/stats"); code != http.StatusSeeOther && code != http.StatusFound {
		t.Errorf("anonymous /stats: status %d, want a redirect to the login", code)
	}
	c, _ := a.login(t, "ana")
	code, body, _ := get(t, c, a.srv.URL+"/stats")
	if code != http.StatusOK || !strings.Contains(body, `<svg class="chart">`) || !strings.Contains(body, "Statistics") {
		t.Errorf("/stats: status %d, body lacks the charts:\n%.500s", code, body)
	}
}
