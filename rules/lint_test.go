package rules

import (
	"strings"
	"testing"

	"github.com/redthread/redthread/corpus"
)

func findingsText(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.String() + "\n")
	}
	return b.String()
}

func TestLintReportsProblems(t *testing.T) {
	x := testExtractor(t)
	mine := Source{Name: "mine.yaml", Data: []byte(`name: mine
version: "1"
rules:
  - id: job.urgency/lexicon
    indicator: job.urgency
    kinds: [job]
    when: terms["job.urgency"] > 0
    weight: 0.9
    evidence: ["terms:job.urgency"]
  - id: job.night_shift/custom
    indicator: job.night_shift
    when: terms["custom.night"] > 0
    weight: 0.4
    evidence: ["terms:custom.nite"]
  - id: job.photo/links
    indicator: job.photo
    when: links.reused_photos > 1
    weight: 0.4
    evidence: ["links:reused_photos"]
`)}
	suite, err := ParseTests(Source{Name: "mine_test.yaml", Data: []byte(`tests:
  - name: urgent
    listing: {kind: job, body: "Urgent! Start tomorrow."}
    expect: [job.urgency]
`)})
	if err != nil {
		t.Fatal(err)
	}
	corp := func(yield func(corpus.Record) bool) {
		yield(corpus.Record{Listing: &corpus.Listing{ID: "a", Kind: "job", Body: "Urgent, start tomorrow."}})
	}
	p, fs := Lint([]Source{DefaultSource(), mine}, LintOptions{Tags: x.Tags(), Extract: x.Extract, Tests: []*TestSuite{suite}, Corpus: corp})
	if p == nil {
		t.Fatalf("pack did not load:\n%s", findingsText(fs))
	}
	text := findingsText(fs)
	for _, want := range []string{
		`mine.yaml:4: info (job.urgency/lexicon): overrides the rule of default/pack.yaml line`,
		`mine.yaml:10: warning (job.night_shift/custom): terms["custom.night"]: the lexicon has no tag custom.night`,
		`mine.yaml:10: warning (job.night_shift/custom): evidence "terms:custom.nite": the lexicon has no tag custom.nite`,
		`mine.yaml:15: warning (job.photo/links): evidence "links:reused_photos": the link registry fills only`,
		`mine.yaml:10: warning (job.night_shift/custom): no test case fires this rule`,
		`mine.yaml:10: warning (job.night_shift/custom): never fires on the 1 corpus listings`,
		`mine.yaml:15: info (job.photo/links): never fires on the 1 corpus listings scored one by one`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("missing finding %q in:\n%s", want, text)
		}
	}
	if strings.Contains(text, "(job.urgency/lexicon): no test case") || strings.Contains(text, "(job.urgency/lexicon): never fires") {
		t.Errorf("urgency rule is tested and fires:\n%s", text)
	}
}

func TestLintDuplicatesAndLoadErrors(t *testing.T) {
	dups := Source{Name: "dups.yaml", Data: []byte(`rules:
  - {id: job.x/a, indicator: job.x, when: "true", weight: 1, evidence: [pay]}
  - {id: job.x/a, indicator: job.x, when: "true", weight: 1, evidence: [pay]}
  - {id: job.x/b, indicator: job.x, when: "true", weight: 1, evidence: [pay]}
  - {id: job.x/b, indicator: job.x, when: "true", weight: 1, evidence: [pay]}
`)}
	p, fs := Lint([]Source{DefaultSource(), dups}, LintOptions{})
	text := findingsText(fs)
	if p != nil || strings.Count(text, "duplicate rule ID") != 2 || !strings.Contains(text, "dups.yaml:5: error (job.x/b)") {
		t.Errorf("want both duplicates as errors:\n%s", text)
	}
	bad := Source{Name: "bad.yaml", Data: []byte("rules:\n  - id: job.x/a\n    indicator: job.x\n    when: pay.monthly_euros > 1\n    weight: 1\n    evidence: [pay]\n")}
	p, fs = Lint([]Source{DefaultSource(), bad}, LintOptions{})
	if text := findingsText(fs); p != nil || !strings.Contains(text, "bad.yaml:2: error (job.x/a): condition") {
		t.Errorf("unknown feature: %s", text)
	}
}

// The default pack lints clean of errors and of warnings about lexicon
// tags and untested rules against the default lexicon, its tests and the
// dev set. Rules that never fire on the dev set are logged: that is about
// the dev set as much as the pack.
func TestLintDefaultPack(t *testing.T) {
	x := testExtractor(t)
	suite, err := ParseTests(DefaultTests())
	if err != nil {
		t.Fatal(err)
	}
	_, fs := Lint([]Source{DefaultSource()}, LintOptions{Tags: x.Tags(), Extract: x.Extract, Tests: []*TestSuite{suite}, Corpus: corpus.DevSet()})
	for _, f := range fs {
		t.Log(f)
		if f.Severity != SevInfo && !strings.Contains(f.Message, "never fires") {
			t.Errorf("default pack: %s", f)
		}
	}
}
