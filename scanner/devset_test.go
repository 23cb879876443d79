package scanner

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/indicators"
	"github.com/redthread/redthread/rules"
)

// Per-indicator quality bars on the dev set (issue: fail below 0.9 recall
// or above 0.05 false-alarm rate for any indicator).
const (
	minRecall         = 0.9
	maxFalseAlarmRate = 0.05
)

func newTestScanner(t testing.TB, linker Linker) *Scanner {
	t.Helper()
	x, err := indicators.New(indicators.Config{})
	if err != nil {
		t.Fatal(err)
	}
	pack, err := rules.Load(rules.DefaultSource())
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Extractor: x, Pack: pack, Linker: linker})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// devsetIndicators are the indicators measured on the dev set.
func devsetIndicators(withLinks bool) []string {
	ids := []string{
		"job.poor_language", "job.vague_requirements", "job.vague_employer", "job.unrealistic_pay",
		"job.unrealistic_conditions", "job.personal_data_request", "job.travel_provided", "job.fee_or_debt",
		"job.document_retention", "job.offplatform_contact", "job.urgency", "job.targeted_recruitment",
		"job.high_risk_sector", "romance.simulated_romance", "romance.coercion", "service.youth",
		"service.unprotected", "service.third_party", "service.movement", "service.constant_availability",
		"service.ethnic_emphasis", "evasion.obfuscated_contact",
	}
	if withLinks {
		ids = append(ids, "network.shared_contact", "network.template_text", "network.inconsistent_info")
	}
	return ids
}

func scanDevSet(t *testing.T, s *Scanner) ([]rules.Labels, map[string]*corpus.Result) {
	var labels []rules.Labels
	results := map[string]*corpus.Result{}
	in := func(yield func(corpus.Record) bool) {
		for rec := range corpus.DevSet() {
			if rec.Err != nil {
				t.Fatalf("dev set: %v", rec.Err)
			}
			labels = append(labels, rules.LabelsOf(rec.Listing))
			if !yield(rec) {
				return
			}
		}
	}
	sum, err := s.Scan(context.Background(), in, func(r *corpus.Result) error { results[r.ID] = r; return nil })
	if err != nil {
		t.Fatal(err)
	}
	if sum.Skipped != 0 || sum.Scanned < 300 {
		t.Errorf("dev set: scanned %d, skipped %d; want at least 300 and none skipped", sum.Scanned, sum.Skipped)
	}
	return labels, results
}

func reportAndCheck(t *testing.T, stats []rules.IndicatorStat) {
	var b strings.Builder
	fmt.Fprintf(&b, "%-32s %4s %4s %4s %9s %7s %6s\n", "indicator", "TP", "FN", "FP", "precision", "recall", "FA")
	for _, st := range stats {
		fmt.Fprintf(&b, "%-32s %4d %4d %4d %9.2f %7.2f %6.3f\n", st.ID, st.TP, st.FN, st.FP, st.Precision, st.Recall, st.FalseAlarmRate)
	}
	t.Logf("dev set, per indicator:\n%s", b.String())
	for _, st := range stats {
		if st.TP+st.FN == 0 {
			t.Errorf("%s: no positive examples in the dev set", st.ID)
			continue
		}
		if st.Recall < minRecall {
			t.Errorf("%s: recall %.2f < %.2f; missed %v", st.ID, st.Recall, minRecall, st.Missed)
		}
		if st.FalseAlarmRate > maxFalseAlarmRate {
			t.Errorf("%s: false-alarm rate %.3f > %.2f; false alarms %v", st.ID, st.FalseAlarmRate, maxFalseAlarmRate, st.FalseAlarms)
		}
	}
}

func TestDevSetIndicators(t *testing.T) {
	labels, results := scanDevSet(t, newTestScanner(t, nil))
	var stats []rules.IndicatorStat
	for _, st := range rules.PerIndicator(labels, results, devsetIndicators(false)) {
		if !strings.HasPrefix(st.ID, "network.") { // need the link registry
			stats = append(stats, st)
		}
	}
	reportAndCheck(t, stats)
}

// TestDevSetLanguageAndKind checks detected language and kind against the
// dev set's language_expected and kind_expected labels, for the listings
// that leave them empty.
func TestDevSetLanguageAndKind(t *testing.T) {
	s := newTestScanner(t, nil)
	want := map[string][2]string{}
	given := map[string][2]bool{}
	in := func(yield func(corpus.Record) bool) {
		for rec := range corpus.DevSet() {
			l := rec.Listing
			want[l.ID] = [2]string{l.FieldString("language_expected"), l.FieldString("kind_expected")}
			given[l.ID] = [2]bool{l.Language != "", l.Kind != ""}
			if !yield(rec) {
				return
			}
		}
	}
	var langN, langOK, kindN, kindOK int
	var langBad, kindBad []string
	_, err := s.Scan(context.Background(), in, func(r *corpus.Result) error {
		w, g := want[r.ID], given[r.ID]
		if !g[0] && w[0] != "" {
			langN++
			if r.Language == w[0] {
				langOK++
			} else {
				langBad = append(langBad, fmt.Sprintf("%s:%s≠%s", r.ID, r.Language, w[0]))
			}
		}
		if !g[1] && w[1] != "" {
			kindN++
			if r.Kind == w[1] {
				kindOK++
			} else {
				kindBad = append(kindBad, fmt.Sprintf("%s:%s≠%s", r.ID, r.Kind, w[1]))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("language detected right on %d/%d listings; kind on %d/%d", langOK, langN, kindOK, kindN)
	if langN == 0 || float64(langOK) < 0.95*float64(langN) {
		t.Errorf("language accuracy %d/%d < 95%%: %v", langOK, langN, langBad)
	}
	if kindN == 0 || float64(kindOK) < 0.85*float64(kindN) {
		t.Errorf("kind accuracy %d/%d < 85%%: %v", kindOK, kindN, kindBad)
	}
}

// TestRealJobPagesStayLow scans saved real job postings (Indeed,
// LinkedIn, Glassdoor; see crawl/testdata/html/SOURCES.md): ordinary,
// well-specified ads must not be flagged.
func TestRealJobPagesStayLow(t *testing.T) {
	s := newTestScanner(t, nil)
	var results []*corpus.Result
	sum, err := s.Scan(context.Background(), corpus.ReadHTMLPath(context.Background(), "../crawl/testdata/html", corpus.Options{}),
		func(r *corpus.Result) error { results = append(results, r); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if sum.Scanned < 3 {
		t.Fatalf("scanned %d pages, want the 3 saved postings", sum.Scanned)
	}
	for _, r := range results {
		if r.Level != corpus.LevelLow {
			t.Errorf("%s: level %s (score %d), indicators %+v", r.ID, r.Level, r.Score, r.Indicators)
		}
		for _, h := range r.Indicators {
			if h.ID != "job.high_risk_sector" {
				t.Errorf("%s: %s fired on an ordinary posting: %+v", r.ID, h.ID, h.Evidence)
			}
		}
	}
}

// TestClassExamples scans corpus/devset/classes.jsonl: our own examples of
// the classes of miss found when measuring on the independent set (a class
// fixed gets an example here, never a copy of the listing that showed it),
// with the dev set's bars.
func TestClassExamples(t *testing.T) {
	s := newTestScanner(t, nil)
	var labels []rules.Labels
	results := map[string]*corpus.Result{}
	in := func(yield func(corpus.Record) bool) {
		for rec := range corpus.Read(context.Background(), "../corpus/devset/classes.jsonl", nil, corpus.Options{}) {
			if rec.Err != nil {
				t.Fatalf("classes.jsonl: %v", rec.Err)
			}
			labels = append(labels, rules.LabelsOf(rec.Listing))
			if !yield(rec) {
				return
			}
		}
	}
	if _, err := s.Scan(context.Background(), in, func(r *corpus.Result) error { results[r.ID] = r; return nil }); err != nil {
		t.Fatal(err)
	}
	if len(labels) < 8 {
		t.Fatalf("classes.jsonl: %d listings", len(labels))
	}
	// The language of a listing that does not give one must be detected,
	// also when it is written in Latin letters or without diacritics.
	for rec := range corpus.Read(context.Background(), "../corpus/devset/classes.jsonl", nil, corpus.Options{}) {
		l := rec.Listing
		if want := l.FieldString("language_expected"); l.Language == "" && want != "" {
			if r := results[l.ID]; r == nil {
				t.Errorf("%s: no result", l.ID)
			} else if r.Language != want {
				t.Errorf("%s: language %s, want %s", l.ID, r.Language, want)
			}
		}
	}
	for _, st := range rules.PerIndicator(labels, results, devsetIndicators(false)) {
		for _, id := range st.Missed {
			t.Errorf("%s: missed %s", id, st.ID)
		}
		for _, id := range st.FalseAlarms {
			t.Errorf("%s: false alarm %s: %+v", id, st.ID, evidenceOf(results[id], st.ID))
		}
	}
}

func evidenceOf(r *corpus.Result, id string) []corpus.Evidence {
	for _, h := range r.Indicators {
		if h.ID == id {
			return h.Evidence
		}
	}
	return nil
}
