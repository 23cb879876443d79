package index

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/errs"
)

func loadFixture(t testing.TB) []corpus.Result {
	t.Helper()
	f, err := os.Open("testdata/results.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpus.Result
	for rec := range corpus.ReadResults(context.Background(), f, "results.jsonl", corpus.ResultOptions{Listings: true}) {
		if rec.Err != nil {
			t.Fatal(rec.Err)
		}
		out = append(out, *rec.Result)
	}
	return out
}

func openFixture(t *testing.T) *Index {
	t.Helper()
	x, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	if err := x.Put(loadFixture(t)); err != nil {
		t.Fatal(err)
	}
	return x
}

// TestFixtureEvidence checks the fixture itself: every evidence span of a
// well-formed hit is the text it claims, so the web tests rely on it.
func TestFixtureEvidence(t *testing.T) {
	for _, r := range loadFixture(t) {
		if r.ID == "hostile-601" {
			continue // carries deliberately broken offsets
		}
		for _, h := range r.Indicators {
			for _, e := range h.Evidence {
				if e.Text == "" {
					continue
				}
				text := r.Listing.Field(e.Field)
				if e.End > len(text) || text[e.Start:e.End] != e.Text {
					t.Errorf("%s %s: evidence %q at %d:%d does not match", r.ID, h.ID, e.Text, e.Start, e.End)
				}
			}
		}
	}
}

func ids(res Response) []string {
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	sort.Strings(out)
	return out
}

func TestSearch(t *testing.T) {
	x := openFixture(t)
	ctx := context.Background()
	tests := []struct {
		name    string
		req     Request
		want    []string
		phones  []string
		errKind errs.Kind
	}{
		{name: "phrase", req: Request{Query: `"new in town"`}, want: []string{"gr-esc-101", "hostile-601"}},
		{name: "words are all required, stop words dropped", req: Request{Query: `new in town`}, want: []string{"gr-esc-101", "hostile-601"}},
		{name: "indicator and country", req: Request{Query: `indicators:service.youth country:GR`}, want: []string{"gr-esc-101", "hostile-601"}},
		{name: "country case", req: Request{Query: `country:gr kind:ESCORT`}, want: []string{"gr-esc-101", "gr-esc-102", "hostile-601"}},
		{name: "international phone", req: Request{Query: `+44 7700 900123`}, want: []string{"gr-esc-101", "gr-esc-102", "uk-job-201"}, phones: []string{"+447700900123"}},
		{name: "phone with 00 prefix", req: Request{Query: `0044-7700-900123`}, want: []string{"gr-esc-101", "gr-esc-102", "uk-job-201"}},
		{name: "national phone, country in query", req: Request{Query: `064/123-4567 country:RS`}, want: []string{"rs-job-301"}, phones: []string{"+381641234567"}},
		{name: "national phone, country filter", req: Request{Query: `064/123-4567`, Filters: map[string][]string{"country": {"rs"}}}, want: []string{"rs-job-301"}},
		{name: "national phone, no country", req: Request{Query: `064 123 4567`}, want: []string{"rs-job-301"}, phones: []string{"641234567"}},
		{name: "spanish stemming", req: Request{Query: `chica`}, want: []string{"es-esc-501"}},
		{name: "greek, any case", req: Request{Query: `ΠΌΛΗ`}, want: []string{"gr-esc-102"}},
		{name: "german stemming", req: Request{Query: `body:Erntehelfern`}, want: []string{"de-job-401"}},
		{name: "level and kind", req: Request{Query: `level:high kind:job`}, want: []string{"hr-job-302", "rs-job-301", "uk-job-201"}},
		{name: "score range", req: Request{Query: `score:>80`}, want: []string{"es-esc-501", "gr-esc-101", "rs-job-301", "uk-job-201"}},
		{name: "date range", req: Request{Query: `posted:>="2025-03-11"`}, want: []string{"es-esc-501", "hostile-601", "hr-job-302"}},
		{name: "employer field", req: Request{Query: `employer:international`}, want: []string{"uk-job-201"}},
		{name: "exclusion", req: Request{Query: `kind:escort -country:GR`}, want: []string{"es-esc-501"}},
		{name: "wildcard indicator", req: Request{Query: `indicators:job.document*`}, want: []string{"uk-job-201"}},
		{name: "filter", req: Request{Filters: map[string][]string{"indicators": {"network.template_text"}}}, want: []string{"hr-job-302", "rs-job-301"}},
		{name: "id restriction", req: Request{Query: "kind:job", IDs: []string{"uk-job-201", "gr-esc-101"}}, want: []string{"uk-job-201"}},
		{name: "id exclusion", req: Request{Query: "kind:job", ExcludeIDs: []string{"uk-job-201", "de-job-401"}}, want: []string{"hr-job-302", "rs-job-301"}},
		{name: "script tag is just text", req: Request{Query: `script`}, want: []string{"hostile-601"}},
		{name: "year is not a phone", req: Request{Query: `3000`}, want: []string{"hr-job-302", "rs-job-301"}},
		{name: "broken syntax", req: Request{Query: `title:`}, errKind: errs.Invalid},
		{name: "bad number", req: Request{Query: `score:>abc`}, errKind: errs.Invalid},
		{name: "bad regexp", req: Request{Query: `title:/[/`}, errKind: errs.Invalid},
		{name: "bad boost", req: Request{Query: `a^^`}, errKind: errs.Invalid},
		{name: "only punctuation", req: Request{Query: `(`}, want: nil},
		{name: "unclosed quote", req: Request{Query: `"new in`}, errKind: errs.Invalid},
		{name: "bad filter field", req: Request{Filters: map[string][]string{"body": {"x"}}}, errKind: errs.Invalid},
		{name: "bad sort", req: Request{Sort: "sideways"}, errKind: errs.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := x.Search(ctx, tt.req)
			if tt.errKind != errs.Other {
				if err == nil || !errs.Is(tt.errKind, err) {
					t.Fatalf("err = %v, want kind %v", err, tt.errKind)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(res); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			if tt.phones != nil && !slices.Equal(res.Phones, tt.phones) {
				t.Errorf("phones %v, want %v", res.Phones, tt.phones)
			}
		})
	}
}

func TestQueryErrorIsFriendly(t *testing.T) {
	x := openFixture(t)
	_, err := x.Search(context.Background(), Request{Query: `posted:>"notadate"`})
	var qe *QueryError
	if !errors.As(err, &qe) || !strings.Contains(qe.Error(), "cannot understand the query") {
		t.Fatalf("err = %v, want a QueryError", err)
	}
}

func TestFacetsSortPaging(t *testing.T) {
	x := openFixture(t)
	ctx := context.Background()
	res, err := x.Search(ctx, Request{Sort: SortScore, Size: 3})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 8 || len(res.Hits) != 3 {
		t.Fatalf("total %d hits %d", res.Total, len(res.Hits))
	}
	if res.Hits[0].ID != "gr-esc-101" || res.Hits[1].ID != "uk-job-201" {
		t.Errorf("score order: %v", ids(res))
	}
	counts := map[string]map[string]int{}
	for _, f := range res.Facets {
		counts[f.Field] = map[string]int{}
		for _, t := range f.Terms {
			counts[f.Field][t.Term] = t.Count
		}
	}
	if counts["kind"]["escort"] != 4 || counts["kind"]["job"] != 4 {
		t.Errorf("kind facet %v", counts["kind"])
	}
	if counts["country"]["GR"] != 3 {
		t.Errorf("country facet %v", counts["country"])
	}
	if counts["indicators"]["service.movement"] != 3 {
		t.Errorf("indicator facet %v", counts["indicators"])
	}
	if counts["week"]["2025-W10"] == 0 {
		t.Errorf("week facet %v", counts["week"])
	}
	page2, err := x.Search(ctx, Request{Sort: SortScore, Size: 3, From: 3, Facets: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	if len(page2.Hits) != 3 || page2.Hits[0].ID != "rs-job-301" || len(page2.Facets) != 0 {
		t.Errorf("page 2: %v facets %d", ids(page2), len(page2.Facets))
	}
	newest, err := x.Search(ctx, Request{Sort: SortDate, Size: 1})
	if err != nil {
		t.Fatal(err)
	}
	if newest.Hits[0].ID != "hostile-601" {
		t.Errorf("newest = %s", newest.Hits[0].ID)
	}
}

func TestSnippets(t *testing.T) {
	x := openFixture(t)
	res, err := x.Search(context.Background(), Request{Query: "strawberries passport", Highlight: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 {
		t.Fatalf("hits %v", ids(res))
	}
	var marked []string
	for _, s := range res.Hits[0].Snippets {
		for _, p := range s.Parts {
			if p.Mark {
				marked = append(marked, p.Text)
			}
		}
	}
	sort.Strings(marked)
	if !slices.Equal(marked, []string{"Passport", "strawberries"}) {
		t.Errorf("marked %q", marked)
	}
}

func TestLinked(t *testing.T) {
	x := openFixture(t)
	r, err := x.Get("gr-esc-101")
	if err != nil {
		t.Fatal(err)
	}
	links, err := x.Linked(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, l := range links {
		for _, v := range l.Via {
			got[l.ID] = append(got[l.ID], v.Kind)
		}
		if !l.Indexed || l.Title == "" {
			t.Errorf("link %s not resolved", l.ID)
		}
	}
	if !slices.Contains(got["gr-esc-102"], LinkContact) || !slices.Contains(got["gr-esc-102"], LinkPhoto) {
		t.Errorf("102 via %v", got["gr-esc-102"])
	}
	if !slices.Contains(got["uk-job-201"], LinkContact) {
		t.Errorf("201 via %v", got["uk-job-201"])
	}
	if _, ok := got["gr-esc-101"]; ok {
		t.Error("listing linked to itself")
	}
}

func TestReindexReplaces(t *testing.T) {
	x := openFixture(t)
	r, err := x.Get("de-job-401")
	if err != nil {
		t.Fatal(err)
	}
	r.Listing.Title = "Spargelstecher gesucht"
	r.Score = 55
	if err := x.Put([]corpus.Result{*r}); err != nil {
		t.Fatal(err)
	}
	if n, _ := x.Count(); n != 8 {
		t.Errorf("count %d after re-index, want 8", n)
	}
	res, _ := x.Search(context.Background(), Request{Query: "title:erntehelfer"})
	if res.Total != 0 {
		t.Errorf("old title still found")
	}
	got, _ := x.Get("de-job-401")
	if got.Score != 55 {
		t.Errorf("score %d", got.Score)
	}
	if _, err := x.Get("nope"); !errs.Is(errs.NotExist, err) {
		t.Errorf("Get missing: %v", err)
	}
}

func TestReopenAndLock(t *testing.T) {
	dir := t.TempDir()
	x, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Put(loadFixture(t)); err != nil {
		t.Fatal(err)
	}
	old := OpenTimeout
	OpenTimeout = 200 * time.Millisecond
	defer func() { OpenTimeout = old }()
	start := time.Now()
	_, err = Open(dir)
	if !errors.Is(err, ErrInUse) {
		t.Fatalf("second open: %v, want ErrInUse", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Error("second open did not fail fast")
	}
	x.Close()
	y, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer y.Close()
	if n, _ := y.Count(); n != 8 {
		t.Errorf("reopened count %d", n)
	}
	if _, err := os.Stat(filepath.Join(dir, bleveDir)); err != nil {
		t.Error(err)
	}
}

func TestReadResultsBadLines(t *testing.T) {
	in := "{\"id\":\"a\",\"score\":1}\n\nnot json\n{\"score\":2}\n[1]\n{\"id\":\"b\",\"listing\":{\"body\":\"x\"}}\n" +
		"{\"url\":\"https://x.example/1\",\"title\":\"Nanny\",\"body\":\"plain listing\",\"kind\":\"job\"}\n"
	var good, bad []int
	for rec := range corpus.ReadResults(context.Background(), strings.NewReader(in), "in", corpus.ResultOptions{Listings: true}) {
		if rec.Err != nil {
			bad = append(bad, rec.Line)
		} else {
			good = append(good, rec.Line)
		}
	}
	if !slices.Equal(good, []int{1, 6, 7}) || !slices.Equal(bad, []int{3, 4, 5}) {
		t.Errorf("good %v bad %v", good, bad)
	}
}

func TestPlainListingIsIndexed(t *testing.T) {
	r, err := corpus.ParseResult([]byte(`{"url":"https://x.example/1","title":"Nanny wanted","body":"free accommodation","kind":"job","country":"GB"}`), true)
	if err != nil {
		t.Fatal(err)
	}
	if r.Listing == nil || r.Listing.Title != "Nanny wanted" || r.ID == "" || r.Kind != "job" {
		t.Fatalf("plain listing: %+v", r)
	}
	x, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if err := x.Put([]corpus.Result{*r}); err != nil {
		t.Fatal(err)
	}
	res, _ := x.Search(context.Background(), Request{Query: "accommodation country:GB"})
	if res.Total != 1 {
		t.Errorf("plain listing not found: %d", res.Total)
	}
}

func TestNormalizePhone(t *testing.T) {
	tests := []struct{ in, region, want string }{
		{"+44 7700 900123", "", "+447700900123"},
		{"064/123-4567", "RS", "+381641234567"},
		{"(064) 123 4567", "rs", "+381641234567"},
		{"0044 7700 900123", "", "+447700900123"},
		{"064/123-4567", "", ""},
		{"+1", "", ""},
	}
	for _, tt := range tests {
		got, _ := NormalizePhone(tt.in, tt.region)
		if got != tt.want {
			t.Errorf("NormalizePhone(%q, %q) = %q, want %q", tt.in, tt.region, got, tt.want)
		}
	}
}

func TestNationalNumber(t *testing.T) {
	for in, want := range map[string]string{"+447700900123": "7700900123", "+381641234567": "641234567", "+12025550123": "2025550123",
		"+390612345678": "0612345678", "447700900123": "", "+44": "", "+44abc12345": ""} {
		if got := nationalNumber(in); got != want {
			t.Errorf("nationalNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFacetCacheFollowsWrites(t *testing.T) {
	x := openFixture(t)
	ctx := context.Background()
	count := func(res Response, field, term string) int {
		for _, f := range res.Facets {
			if f.Field == field {
				for _, tm := range f.Terms {
					if tm.Term == term {
						return tm.Count
					}
				}
			}
		}
		return 0
	}
	first, _ := x.Search(ctx, Request{Query: "kind:job", Size: 1, Sort: SortDate})
	second, _ := x.Search(ctx, Request{Query: "kind:job", Size: 1, From: 1, Sort: SortDate})
	if count(first, "country", "DE") != 1 || count(second, "country", "DE") != 1 || second.Hits[0].ID == first.Hits[0].ID {
		t.Fatalf("paging: %v %v", first.Facets, second.Facets)
	}
	r, _ := x.Get("de-job-401")
	r.ID, r.Listing.ID = "de-job-402", "de-job-402"
	if err := x.Put([]corpus.Result{*r}); err != nil {
		t.Fatal(err)
	}
	after, _ := x.Search(ctx, Request{Query: "kind:job", Size: 1})
	if count(after, "country", "DE") != 2 || after.Total != 5 {
		t.Errorf("facets not updated after a write: %v total %d", after.Facets, after.Total)
	}
}
