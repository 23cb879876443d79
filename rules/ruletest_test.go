package rules

import (
	"os"
	"strings"
	"testing"

	"github.com/redthread/redthread/errs"
	"github.com/redthread/redthread/indicators"
)

func testExtractor(t testing.TB) *indicators.Extractor {
	t.Helper()
	x, err := indicators.New(indicators.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// TestDefaultPackTests runs the default pack's rule tests (make test runs
// them) and checks that every default rule is exercised by some case.
func TestDefaultPackTests(t *testing.T) {
	p, err := Load(DefaultSource())
	if err != nil {
		t.Fatal(err)
	}
	suite, err := ParseTests(DefaultTests())
	if err != nil {
		t.Fatal(err)
	}
	x := testExtractor(t)
	results, err := RunTests(p, suite, x.Extract)
	if err != nil {
		t.Fatal(err)
	}
	fired := map[string]bool{}
	for _, r := range results {
		for _, rule := range r.Scored.Fired {
			fired[rule.ID] = true
		}
		if !r.Passed() {
			var hits []string
			for _, h := range r.Scored.Hits {
				hits = append(hits, h.ID+"("+h.Rule+")")
			}
			t.Errorf("%s line %d %q: %s\n\tscore %d %s, hits %s", r.Case.File, r.Case.Line, r.Case.Name,
				strings.Join(r.Failures, "; "), r.Scored.Score, r.Scored.Level, strings.Join(hits, " "))
		}
	}
	for _, r := range p.Rules {
		if !fired[r.ID] {
			t.Errorf("rule %s (%s line %d) is not exercised by any test in default/pack_test.yaml", r.ID, r.File, r.Line)
		}
	}
	t.Logf("%d cases, %d of %d rules exercised", len(results), len(fired), len(p.Rules))
}

// The worked examples of README.md load, pass their tests and lint
// without warnings other than "never fires on the corpus".
func TestWorkedExamples(t *testing.T) {
	x, err := indicators.New(indicators.Config{Lexicons: []string{"testdata/examples/rs_market_lexicon.yaml"}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := LoadFiles("testdata/examples/rs_market.yaml")
	if err != nil {
		t.Fatal(err)
	}
	suite, err := LoadTestFile(TestsPath("testdata/examples/rs_market.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	results, err := RunTests(p, suite, x.Extract)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if !r.Passed() {
			t.Errorf("%s: %v", r.Case.Name, r.Failures)
		}
	}
	if len(results) != 4 {
		t.Errorf("%d cases", len(results))
	}
	data, _ := os.ReadFile("testdata/examples/rs_market.yaml")
	def, err := ParseTests(DefaultTests())
	if err != nil {
		t.Fatal(err)
	}
	_, fs := Lint([]Source{DefaultSource(), {Name: "rs_market.yaml", Data: data}}, LintOptions{Tags: x.Tags(), Extract: x.Extract, Tests: []*TestSuite{def, suite}})
	for _, f := range fs {
		if f.Severity != SevInfo {
			t.Errorf("lint: %s", f)
		}
	}
}

func TestTestsPath(t *testing.T) {
	for in, want := range map[string]string{"a/x.yaml": "a/x_test.yaml", "x.yml": "x_test.yml", "x": "x_test.yaml"} {
		if got := TestsPath(in); got != want {
			t.Errorf("TestsPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseTestsErrors(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"yaml", "tests: [\n", "t.yaml"},
		{"unknown top key", "test: []\n", `line 1: unknown key "test"`},
		{"unknown case key", "tests:\n  - name: a\n    listing: {body: x}\n    expekt: [job.urgency]\n", `line 2 (a): line 4: unknown key "expekt"`},
		{"no body", "tests:\n  - name: a\n    listing: {title: x}\n    expect: [job.urgency]\n", "neither body nor html"},
		{"no listing", "tests:\n  - name: a\n    expect: [job.urgency]\n", "no listing"},
		{"checks nothing", "tests:\n  - name: a\n    listing: {body: x}\n", "checks nothing"},
		{"bad level", "tests:\n  - name: a\n    listing: {body: x}\n    level: hgh\n", `unknown level "hgh"`},
		{"bad link", "tests:\n  - name: a\n    listing: {body: x}\n    links: {shared: 1}\n    expect: [x.y]\n", `unknown link feature "shared"`},
		{"duplicate name", "tests:\n  - name: a\n    listing: {body: x}\n    level: low\n  - name: a\n    listing: {body: x}\n    level: low\n", "line 5 (a): duplicate test name"},
		{"listing not a map", "tests:\n  - name: a\n    listing: [1]\n    level: low\n", "listing must be a mapping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseTests(Source{Name: "t.yaml", Data: []byte(tt.yaml)})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !errs.Is(errs.Config, err) {
				t.Errorf("err %v, want %q", err, tt.want)
			}
		})
	}
}

// Unknown IDs in a case fail it: a misspelt expect_not would pass forever.
func TestUnknownIDsFail(t *testing.T) {
	p, _ := Load(DefaultSource())
	suite, err := ParseTests(Source{Name: "t.yaml", Data: []byte("tests:\n  - name: a\n    listing: {kind: job, body: hello}\n    expect_not: [job.urgnecy]\n    rules_not: [job.urgency/lexicn]\n")})
	if err != nil {
		t.Fatal(err)
	}
	res, err := RunTests(p, suite, testExtractor(t).Extract)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Passed() || len(res[0].Failures) != 2 {
		t.Errorf("failures %v", res[0].Failures)
	}
}

func FuzzParseTests(f *testing.F) {
	f.Add([]byte(DefaultTests().Data))
	f.Add([]byte("tests:\n  - name: a\n    listing: {body: x}\n    links: {shared_contacts: 2}\n    level: low\n"))
	f.Add([]byte("tests: ~\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseTests(Source{Name: "fuzz.yaml", Data: data})
		if err != nil {
			return
		}
		for _, c := range s.Cases {
			if c.Listing == nil {
				t.Fatal("case without listing")
			}
		}
	})
}
