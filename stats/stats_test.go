package stats

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/redthread/redthread/corpus"
)

func TestWeek(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2026-11-05T10:00:00Z", "2026-W45"},
		{"2026-11-05", "2026-W45"},
		{"2021-01-03T23:00:00Z", "2020-W53"},      // ISO year differs from calendar year
		{"2026-01-04T23:30:00-05:00", "2026-W01"}, // the timestamp's own offset, not UTC (Monday in UTC)
		{"2024-12-30T00:00:00+02:00", "2025-W01"},
		{"", Unknown},
		{"yesterday", Unknown},
		{"2026-13-01", Unknown},
		{"05/11/2026", Unknown},
	}
	for _, tt := range tests {
		if got := Week(tt.in); got != tt.want {
			t.Errorf("Week(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func res(id, kind, level string, score int, l *corpus.Listing, inds ...string) *corpus.Result {
	r := &corpus.Result{ID: id, Kind: kind, Level: level, Score: score, Language: "en", Listing: l, RulePack: "default@1"}
	for _, i := range inds {
		r.Indicators = append(r.Indicators, corpus.Hit{ID: i})
	}
	return r
}

func find(t *Table, dims ...string) *Row {
	for i := range t.Rows {
		if slices.Equal(t.Rows[i].Dims, dims) {
			return &t.Rows[i]
		}
	}
	return nil
}

func TestAggregate(t *testing.T) {
	a := NewAggregator()
	de := &corpus.Listing{Source: "site-a", Country: "de", PostedAt: "2026-11-05T10:00:00Z"}
	for i := range 6 {
		a.Add(res(fmt.Sprint("d", i), "job", "high", 80, de, "job.urgency", "job.fee_or_debt", "job.urgency"))
	}
	for i := range 7 {
		a.Add(res(fmt.Sprint("n", i), "job", "low", 12, nil, "job.urgency"))
	}
	rep := a.Report(Meta{MinCount: 5})

	if r := find(rep.Table("total"), []string{}...); r == nil || r.Values[0].N != 13 || r.Values[1].N != 6 {
		t.Fatalf("total row %+v", r)
	}
	cube := rep.Table("cube")
	r := find(cube, "job.urgency", "job", "site-a", "DE", "en", "2026-W45")
	if r == nil || r.Values[0].N != 6 || r.Values[1].N != 6 {
		t.Errorf("cube row for job.urgency in DE: %+v (a listing with a repeated indicator counts once)", r)
	}
	if r := find(cube, All, "job", Unknown, Unknown, "en", Unknown); r == nil || r.Values[0].N != 7 || r.Values[1].N != 0 || r.Values[1].Suppressed {
		t.Errorf("results without listing must count under unknown with zero flagged shown: %+v", r)
	}
	if r := find(rep.Table("indicator"), "job.urgency"); r == nil || r.Values[0].N != 13 {
		t.Errorf("indicator job.urgency: %+v", r)
	}
	if r := find(rep.Table("cooccurrence"), "job.fee_or_debt", "job.urgency"); r == nil || r.Values[0].N != 6 {
		t.Errorf("co-occurrence: %+v", r)
	}
	if r := find(rep.Table("level"), "high"); r == nil || r.Values[0].N != 6 {
		t.Errorf("level high: %+v", r)
	}
	if r := find(rep.Table("score"), "80-89"); r == nil || r.Values[0].N != 6 {
		t.Errorf("score 80-89: %+v", r)
	}
	if r := find(rep.Table("week"), "2026-W45"); r == nil || r.Values[0].N != 6 {
		t.Errorf("week: %+v", r)
	}
	found := false
	for _, n := range rep.Meta.Notes {
		if n == statsNotes(5, true)[len(statsNotes(5, true))-1] {
			found = true
		}
	}
	if !found {
		t.Errorf("the report must say that unknown source/country/week need --embed-listing: %q", rep.Meta.Notes)
	}
}

func TestNetworks(t *testing.T) {
	a := NewAggregator()
	link := func(id string, linked ...string) *corpus.Result {
		r := res(id, "escort", "medium", 50, nil)
		r.Indicators = append(r.Indicators, corpus.Hit{ID: "network.shared_contact", Linked: linked})
		return r
	}
	// component {a,b,c,d} through chains, component {x,y}, z alone
	a.Add(link("a", "b"))
	a.Add(link("c", "b", "d"))
	a.Add(link("x", "y"))
	a.Add(res("z", "escort", "low", 5, nil))
	rep := a.Report(Meta{MinCount: 1})
	nt := rep.Table("networks")
	if r := find(nt, "4"); r.Values[0].N != 1 || r.Values[1].N != 4 {
		t.Errorf("size 4: %+v", r)
	}
	if r := find(nt, "2"); r.Values[0].N != 1 || r.Values[1].N != 2 {
		t.Errorf("size 2: %+v", r)
	}
	if r := find(nt, "3"); r.Values[0].N != 0 {
		t.Errorf("size 3: %+v", r)
	}
}

func TestSuppression(t *testing.T) {
	a := NewAggregator()
	add := func(n int, country string) {
		for i := range n {
			a.Add(res(fmt.Sprint(country, i), "job", "low", 10, &corpus.Listing{Country: country, Source: "s", PostedAt: "2026-11-05"}))
		}
	}
	add(20, "DE")
	add(9, "FR")
	add(2, "AL") // below 5: suppressed; total 31 - 20 - 9 would give it away
	rep, cs := a.report(Meta{MinCount: 5})
	ct := rep.Table("country")
	if r := find(ct, "AL"); !r.Values[0].Suppressed {
		t.Fatalf("AL=2 not suppressed: %+v", r)
	}
	if r := find(ct, "FR"); !r.Values[0].Suppressed {
		t.Errorf("FR must be suppressed too (complementary), or AL = total - DE - FR: %+v", r)
	}
	if r := find(ct, "DE"); r.Values[0].Suppressed {
		t.Errorf("DE needlessly suppressed")
	}
	checkNoSingleHidden(t, cs)
}

// checkNoSingleHidden asserts that no published sum has exactly one hidden
// member, which subtraction would reveal.
func checkNoSingleHidden(t *testing.T, cs []constraint) {
	t.Helper()
	for _, c := range cs {
		hidden := 0
		if c.Total.Suppressed {
			hidden++
		}
		var sum int64
		for _, p := range c.Parts {
			if p.Suppressed {
				hidden++
			}
			sum += p.N
		}
		if sum != c.Total.N {
			t.Fatalf("constraint does not hold: total %d, parts sum %d", c.Total.N, sum)
		}
		if hidden == 1 {
			t.Fatalf("a sum has exactly one suppressed member (total %+v, %d parts)", *c.Total, len(c.Parts))
		}
	}
}

func TestSuppressionDevset(t *testing.T) {
	a, _, err := AggregateFiles(context.Background(), []string{"testdata/results.jsonl"}, FileOptions{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, min := range []int{2, 5, 10} {
		rep, cs := a.report(Meta{MinCount: min})
		checkNoSingleHidden(t, cs)
		for _, tb := range rep.Tables {
			for _, r := range tb.Rows {
				for _, v := range r.Values {
					if v.N > 0 && v.N < int64(min) && !v.Suppressed {
						t.Fatalf("min %d: table %s row %v: %d published", min, tb.Name, r.Dims, v.N)
					}
				}
			}
		}
	}
}

// TestParallelMatchesSequential checks that AggregateFiles (lean decoding,
// several workers, Merge) counts exactly what a sequential Add of fully
// decoded results counts.
func TestParallelMatchesSequential(t *testing.T) {
	f, err := os.Open("testdata/results.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seq := NewAggregator()
	for rec := range corpus.ReadResults(context.Background(), f, "results", corpus.ResultOptions{}) {
		if rec.Err != nil {
			t.Fatal(rec.Err)
		}
		seq.Add(rec.Result)
	}
	for _, w := range []int{1, 3} {
		par, sum, err := AggregateFiles(context.Background(), []string{"testdata/results.jsonl"}, FileOptions{Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Results != seq.Count() || sum.Skipped != 0 || len(sum.Inputs) != 1 || len(sum.Inputs[0].SHA256) != 64 {
			t.Fatalf("summary %+v", sum)
		}
		a, b := seq.Report(Meta{MinCount: 1}), par.Report(Meta{MinCount: 1})
		if !reflect.DeepEqual(a.Tables, b.Tables) {
			t.Errorf("workers=%d: tables differ from the sequential aggregation", w)
			diffTables(t, a.Tables, b.Tables)
		}
	}
}

func TestAggregateFilesBadInput(t *testing.T) {
	dir := t.TempDir()
	p := dir + "/r.jsonl"
	os.WriteFile(p, []byte("{\"id\":\"a\",\"level\":\"low\"}\nnot json\n\n[1]\n{\"id\":\"b\",\"score\":\"x\"}\n{\"id\":\"c\"}"), 0o644)
	var msgs []string
	a, sum, err := AggregateFiles(context.Background(), []string{p}, FileOptions{OnError: func(e error) { msgs = append(msgs, e.Error()) }})
	if err != nil {
		t.Fatal(err)
	}
	// {"id":"c"} is not a scan result (no level, no indicators).
	if sum.Results != 1 || sum.Skipped != 4 || a.Count() != 1 || !strings.Contains(msgs[3], "not a scan result") {
		t.Errorf("results %d skipped %d count %d; messages %q", sum.Results, sum.Skipped, a.Count(), msgs)
	}
	if _, _, err := AggregateFiles(context.Background(), []string{dir + "/missing.jsonl"}, FileOptions{}); err == nil {
		t.Error("a missing input must be an error")
	}
}

func diffTables(t *testing.T, a, b []*Table) {
	t.Helper()
	for i := range a {
		if !reflect.DeepEqual(a[i], b[i]) {
			for j := range a[i].Rows {
				if j >= len(b[i].Rows) || !reflect.DeepEqual(a[i].Rows[j], b[i].Rows[j]) {
					var o any
					if j < len(b[i].Rows) {
						o = b[i].Rows[j]
					}
					t.Errorf("table %s row %d: %+v vs %+v", a[i].Name, j, a[i].Rows[j], o)
					break
				}
			}
		}
	}
}

// TestSuppressionScoreLevel: when only high results fill the top score
// bins, level high minus the visible bins would reveal a suppressed bin.
func TestSuppressionScoreLevel(t *testing.T) {
	a := NewAggregator()
	for i := range 20 {
		a.Add(res(fmt.Sprint("l", i), "job", "low", 10, nil))
	}
	for i := range 2 {
		a.Add(res(fmt.Sprint("h", i), "job", "high", 62, nil))
	}
	for i := range 5 {
		a.Add(res(fmt.Sprint("H", i), "job", "high", 75, nil))
	}
	rep, cs := a.report(Meta{MinCount: 5})
	if r := find(rep.Table("score"), "60-69"); !r.Values[0].Suppressed {
		t.Fatal("bin 60-69 (2) not suppressed")
	}
	if r := find(rep.Table("score"), "70-79"); !r.Values[0].Suppressed {
		t.Error("bin 70-79 must be suppressed too: high (7) - 70-79 (5) gives 60-69 away")
	}
	checkNoSingleHidden(t, cs)
}
