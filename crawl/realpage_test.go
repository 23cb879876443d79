package crawl

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// serveFiles serves saved pages at the given paths (path with query).
func serveFiles(t *testing.T, files map[string]string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := files[r.URL.RequestURI()]
		if !ok {
			http.NotFound(w, r)
			return
		}
		b, err := os.ReadFile("testdata/html/" + f)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv
}

type wantListing struct {
	title, employer, location, country, postedAt, pay, kind string
	bodyHas                                                 []string
	bodyHasNot                                              []string
	fields                                                  map[string]string
}

func checkListing(t *testing.T, name string, got *collector, u string, w wantListing) {
	t.Helper()
	l := got.byURL()[u]
	if l == nil {
		t.Errorf("%s: no listing for %s (got %d listings)", name, u, len(got.ls))
		return
	}
	for _, f := range []struct{ field, got, want string }{
		{"title", l.Title, w.title}, {"employer", l.Employer, w.employer}, {"location", l.Location, w.location},
		{"country", l.Country, w.country}, {"posted_at", l.PostedAt, w.postedAt}, {"pay", l.Pay, w.pay}, {"kind", l.Kind, w.kind},
	} {
		if f.got != f.want {
			t.Errorf("%s: %s = %q, want %q", name, f.field, f.got, f.want)
		}
	}
	for _, s := range w.bodyHas {
		if !strings.Contains(l.Body, s) {
			t.Errorf("%s: body lacks %q", name, s)
		}
	}
	for _, s := range w.bodyHasNot {
		if strings.Contains(l.Body, s) {
			t.Errorf("%s: body has %q", name, s)
		}
	}
	for k, v := range w.fields {
		if got := string(l.Fields[k]); got != v {
			t.Errorf("%s: fields[%s] = %s, want %s", name, k, got, v)
		}
	}
}

var (
	indeedWant = wantListing{
		title: "Engineering Manager, Sustaining Software Engineering, Worldwide", employer: "Canonical - Jobs",
		location: "Austin, TX, US", country: "US", postedAt: "2023-04-13T16:38:22Z", kind: "job",
		bodyHas:    []string{"Sustaining Engineering is a critical team", "Canonical is an equal opportunity employer"},
		bodyHasNot: []string{"<p>", "</div>"},
		fields:     map[string]string{"employmentType": `["FULL_TIME"]`, "jobLocationType": `"TELECOMMUTE"`},
	}
	linkedinWant = wantListing{
		title: "Power Monitoring Execution Engineer, Google Data Center", employer: "Google",
		location: "Austin, TX, US", country: "US", postedAt: "2023-04-11T17:58:27Z", kind: "job",
		bodyHas:    []string{"Minimum qualifications", "Bachelor's degree in Engineering", "$136,000-$203,000"},
		bodyHasNot: []string{"&lt;", "<strong>", "<li>"},
		fields:     map[string]string{"employmentType": `"FULL_TIME"`, "validThrough": `"2023-05-11T17:58:27.000Z"`},
	}
)

// TestAdaptersOnRealPages runs the shipped adapters against saved real
// pages served locally.
func TestAdaptersOnRealPages(t *testing.T) {
	t.Run("indeed", func(t *testing.T) {
		srv := serveFiles(t, map[string]string{"/viewjob?jk=bf873f62104b48b5": "indeed_posting.html"})
		cfg := fastConfig(srv.URL + "/viewjob?jk=bf873f62104b48b5")
		cfg.Adapter = mustAdapter(t, "indeed")
		var got collector
		if _, err := Crawl(context.Background(), cfg, nil, got.emit); err != nil {
			t.Fatal(err)
		}
		w := indeedWant
		checkListing(t, "indeed", &got, srv.URL+"/viewjob?jk=bf873f62104b48b5", w)
		if len(got.ls) == 1 && got.ls[0].Source != "indeed" {
			t.Errorf("source = %q", got.ls[0].Source)
		}
	})
	t.Run("linkedin", func(t *testing.T) {
		p := "/jobs/view/power-monitoring-execution-engineer-google-data-center-at-google-3561224688"
		srv := serveFiles(t, map[string]string{p: "linkedin_posting.html"})
		cfg := fastConfig(srv.URL + p)
		cfg.Adapter = mustAdapter(t, "linkedin")
		var got collector
		if _, err := Crawl(context.Background(), cfg, nil, got.emit); err != nil {
			t.Fatal(err)
		}
		checkListing(t, "linkedin", &got, srv.URL+p, linkedinWant)
	})
	t.Run("glassdoor", func(t *testing.T) {
		p := "/Job/australia-hackerrank-jobs-SRCH_IL.0,9_IN16_KE10,20.htm"
		srv := serveFiles(t, map[string]string{p: "glassdoor_search.html"})
		cfg := fastConfig(srv.URL + p)
		cfg.Adapter = mustAdapter(t, "glassdoor")
		var got collector
		st, err := Crawl(context.Background(), cfg, nil, got.emit)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.ls) != 30 {
			t.Fatalf("got %d listings from the search page, want its 30 result cards", len(got.ls))
		}
		// The next results page was followed (and is missing on the test server).
		if st.Pages != 1 || st.Errors != 1 {
			t.Errorf("pages %d errors %d; want the search page fetched and its next page failing", st.Pages, st.Errors)
		}
		first := srv.URL + "/partner/jobListing.htm?jobListingId=3480318629" // session and cache-busting parameters dropped
		checkListing(t, "glassdoor card 1", &got, first, wantListing{
			title: "Sr. Strategy & Planning Associate", employer: "Uber", location: "Sydney", kind: "job",
			bodyHas: []string{"…"},
			fields:  map[string]string{"glassdoor_id": `"3480318629"`, "normalized_title": `"Associate Senior Strategy Consultant"`},
		})
		locs := map[string]int{}
		for _, l := range got.ls {
			locs[l.Location]++
			if l.Title == "" || l.Employer == "" || !strings.HasPrefix(l.URL, srv.URL+"/partner/jobListing.htm?") {
				t.Errorf("card %s: title %q employer %q", l.URL, l.Title, l.Employer)
			}
		}
		if locs["Sydney"] != 13 || locs["Melbourne"] != 12 {
			t.Errorf("locations %v; want 13 Sydney and 12 Melbourne as on the page", locs)
		}
	})
}

func mustAdapter(t *testing.T, name string) *Adapter {
	t.Helper()
	a, err := LoadAdapterFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestGenericOnRealPages crawls the saved pages without an adapter: JSON-LD
// gives the fields; the heuristics alone find the title and description.
func TestGenericOnRealPages(t *testing.T) {
	files := map[string]string{
		"/viewjob?jk=bf873f62104b48b5": "indeed_posting.html",
		"/jobs/view/3561224688":        "linkedin_posting.html",
		"/search":                      "glassdoor_search.html",
	}
	srv := serveFiles(t, files)
	cfg := fastConfig(srv.URL + "/search")
	cfg.Start = []string{srv.URL + "/search", srv.URL + "/viewjob?jk=bf873f62104b48b5", srv.URL + "/jobs/view/3561224688"}
	cfg.Follow = regexp.MustCompile(`jobListing\.htm`)
	cfg.ListingPattern = regexp.MustCompile(`viewjob|/jobs/view/`)
	cfg.MaxDepth = 1
	var got collector
	st, err := Crawl(context.Background(), cfg, nil, got.emit)
	if err != nil {
		t.Fatal(err)
	}
	checkListing(t, "indeed generic", &got, srv.URL+"/viewjob?jk=bf873f62104b48b5", indeedWant)
	checkListing(t, "linkedin generic", &got, srv.URL+"/jobs/view/3561224688", linkedinWant)
	if len(got.ls) != 2 {
		t.Errorf("emitted %d listings, want 2 (the search page is not a listing)", len(got.ls))
	}
	// The job links of the search page (30 jobs, several links each with
	// cache-busting parameters) were followed, and 404 here.
	if st.Pages != 3 || st.Errors < 30 {
		t.Errorf("pages %d errors %d; want 3 pages and the followed job links failing", st.Pages, st.Errors)
	}

	// Heuristics alone, without the JSON-LD.
	for _, tc := range []struct {
		file, title string
		has, hasNot []string
	}{
		{"indeed_posting.html", indeedWant.title,
			[]string{"Sustaining Engineering is a critical team", "#LI-remote"},
			[]string{"Upload your resume", "reviews", "Find jobs"}},
		{"linkedin_posting.html", linkedinWant.title,
			[]string{"Minimum qualifications", "$136,000-$203,000"},
			[]string{"Join or sign in", "Password", "Similar jobs"}},
	} {
		b, err := os.ReadFile("testdata/html/" + tc.file)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(b)))
		if err != nil {
			t.Fatal(err)
		}
		l := GenericListing(doc, &url.URL{Scheme: "https", Host: "example.com", Path: "/"})
		if l.Title != tc.title {
			t.Errorf("%s: title %q, want %q", tc.file, l.Title, tc.title)
		}
		for _, s := range tc.has {
			if !strings.Contains(l.Body, s) {
				t.Errorf("%s: main text lacks %q", tc.file, s)
			}
		}
		for _, s := range tc.hasNot {
			if strings.Contains(l.Body, s) {
				t.Errorf("%s: main text has page chrome %q", tc.file, s)
			}
		}
	}
}
