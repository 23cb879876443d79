package rules

import (
	"slices"
	"strings"
	"testing"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/indicators"
)

// TestRuleOnSiteFields: a platform's own listing fields reach rule
// conditions as fields["..."], so a pack can score its metadata.
func TestRuleOnSiteFields(t *testing.T) {
	p, err := Load(DefaultSource(), Source{Name: "platform.yaml", Data: []byte(`name: platform
version: "1"
rules:
  - id: job.vague_employer/unverified
    indicator: job.vague_employer
    kinds: [job]
    when: fields["company_verified"] == false && fields["logo"] == nil
    weight: 0.9
    evidence: ["structure:no_employer"]
    explain: "The platform has not verified this company and it shows no logo."
`)})
	if err != nil {
		t.Fatal(err)
	}
	x, err := indicators.New(indicators.Config{})
	if err != nil {
		t.Fatal(err)
	}
	ev := p.NewEvaluator()
	for _, tc := range []struct {
		fields string
		want   bool
	}{
		{`{"company_verified": false, "views": {"a": 1}}`, true},
		{`{"company_verified": true}`, false},
		{`{"company_verified": false, "logo": "https://img.example/logo.png"}`, false},
	} {
		l := &corpus.Listing{}
		if err := l.UnmarshalJSON([]byte(`{"id":"x","kind":"job","country":"GB","title":"Data entry","body":"Easy data entry from home.","fields":` + tc.fields + `}`)); err != nil {
			t.Fatal(err)
		}
		s, err := ev.Evaluate(x.Extract(l))
		if err != nil {
			t.Fatal(err)
		}
		got := false
		for _, h := range s.Hits {
			if slices.Contains(strings.Split(h.Rule, ","), "job.vague_employer/unverified") {
				got = true
			}
		}
		if got != tc.want {
			t.Errorf("fields %s: rule fired %v, want %v", tc.fields, got, tc.want)
		}
	}
}
