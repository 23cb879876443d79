package rules

import (
	"strings"
	"testing"

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
