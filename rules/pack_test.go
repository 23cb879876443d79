package rules

import (
	"strings"
	"testing"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/errs"
	"github.com/redthread/redthread/indicators"
)

func TestDefaultPackLoads(t *testing.T) {
	p, err := Load(DefaultSource())
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Rules) < 30 || p.Version == "" {
		t.Fatalf("default pack: %d rules, version %q", len(p.Rules), p.Version)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"yaml error", "rules: [\n", "bad.yaml"},
		{"unknown feature", "rules:\n  - id: job.x/a\n    indicator: job.x\n    when: pay.monthly_euros > 1\n    weight: 1\n    evidence: [pay]\n", "bad.yaml line 2 (job.x/a): condition"},
		{"type error", "rules:\n  - id: job.x/a\n    indicator: job.x\n    when: pay.sector > 1\n    weight: 1\n    evidence: [pay]\n", "line 2 (job.x/a)"},
		{"not bool", "rules:\n  - id: job.x/a\n    indicator: job.x\n    when: pay.monthly_eur\n    weight: 1\n    evidence: [pay]\n", "line 2 (job.x/a)"},
		{"duplicate", "rules:\n  - id: job.x/a\n    indicator: job.x\n    when: true\n    weight: 1\n    evidence: [pay]\n  - id: job.x/a\n    indicator: job.x\n    when: true\n    weight: 1\n    evidence: [pay]\n", "line 7 (job.x/a): duplicate rule ID"},
		{"no evidence", "rules:\n  - id: job.x/a\n    indicator: job.x\n    when: true\n    weight: 1\n", "no evidence"},
		{"unknown key", "rules:\n  - id: job.x/a\n    indicator: job.x\n    wehn: true\n", "wehn"},
		{"bad kind", "rules:\n  - id: job.x/a\n    indicator: job.x\n    kinds: [jobs]\n    when: true\n    weight: 1\n    evidence: [pay]\n", "unknown kind"},
		{"bad template", "rules:\n  - id: job.x/a\n    indicator: job.x\n    when: true\n    weight: 1\n    evidence: [pay]\n    explain: '{{.Nope'\n", "explain template"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(DefaultSource(), Source{Name: "bad.yaml", Data: []byte(tt.yaml)})
			if err == nil {
				t.Fatal("pack loaded; want refusal")
			}
			if !strings.Contains(err.Error(), tt.want) || !errs.Is(errs.Config, err) {
				t.Errorf("error %q (kind %v), want it to contain %q", err, errs.KindOf(err), tt.want)
			}
		})
	}
}

func TestOverrideByID(t *testing.T) {
	p, err := Load(DefaultSource(), Source{Name: "mine.yaml", Data: []byte(`name: mine
version: "1"
levels: {medium: 30, high: 60}
rules:
  - id: job.urgency/lexicon
    indicator: job.urgency
    kinds: [job]
    when: terms["job.urgency"] > 0
    weight: 2.5
    evidence: ["terms:job.urgency"]
  - id: job.night_shift/custom
    indicator: job.night_shift
    when: terms["custom.night"] > 0
    weight: 0.4
    evidence: ["terms:custom.night"]
`)})
	if err != nil {
		t.Fatal(err)
	}
	def, err := Load(DefaultSource())
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != def.Version+"+mine@1" || p.Levels.High != 60 {
		t.Errorf("version %q levels %+v", p.Version, p.Levels)
	}
	n := 0
	for _, r := range p.Rules {
		if r.ID == "job.urgency/lexicon" {
			n++
			if r.Weight != 2.5 {
				t.Errorf("override not applied: weight %v", r.Weight)
			}
		}
	}
	if n != 1 {
		t.Errorf("rule appears %d times", n)
	}
}

func span(field, text string) indicators.Span {
	return indicators.Span{Evidence: corpus.Evidence{Field: field, Start: 0, End: len(text), Text: text}}
}

func TestEvaluateCombinesAndExplains(t *testing.T) {
	p, err := Load(DefaultSource())
	if err != nil {
		t.Fatal(err)
	}
	ev := p.NewEvaluator()
	f := &indicators.Features{Kind: "job", Offer: true, Country: "RS", Terms: map[string]int{}}
	s, err := ev.Evaluate(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Hits) != 0 || s.Level != "low" {
		t.Fatalf("empty features: %+v", s)
	}
	base := s.Score
	// One indicator: still low.
	f.Terms["job.urgency"] = 1
	f.Add("terms:job.urgency", span("body", "hitno"))
	s, _ = ev.Evaluate(f)
	if len(s.Hits) != 1 || s.Level != "low" || s.Score <= base {
		t.Fatalf("one hit: %+v", s)
	}
	// Five together: high.
	f.Pay = indicators.PayFeatures{Stated: true, MonthlyEUR: 3000, ReferenceEUR: 600, Ratio: 5, Sector: "agriculture", Country: "RS"}
	f.Add("pay", span("body", "3000 eura mesečno"))
	for _, tag := range []string{"job.fee_or_debt", "job.travel_provided", "job.unrealistic_conditions"} {
		f.Terms[tag] = 1
		f.Add("terms:"+tag, span("body", tag))
	}
	s, _ = ev.Evaluate(f)
	if s.Level != "high" {
		t.Fatalf("five indicators: score %d level %s", s.Score, s.Level)
	}
	var pay *corpus.Hit
	for i := range s.Hits {
		if s.Hits[i].ID == "job.unrealistic_pay" {
			pay = &s.Hits[i]
		}
		if len(s.Hits[i].Evidence) == 0 {
			t.Errorf("hit %s has no evidence", s.Hits[i].ID)
		}
	}
	if pay == nil || !strings.Contains(pay.Explanation, "3000 EUR a month, 5.0×") || pay.Rule != "job.unrealistic_pay/reference" {
		t.Errorf("pay hit: %+v", pay)
	}
	// A rule whose condition holds but has no evidence does not fire.
	f2 := &indicators.Features{Kind: "job", Terms: map[string]int{"job.urgency": 1}}
	s, _ = ev.Evaluate(f2)
	if len(s.Hits) != 0 {
		t.Errorf("hit without evidence: %+v", s.Hits)
	}
	// Kind filter: escort rules do not fire on job ads.
	f3 := &indicators.Features{Kind: "job", Terms: map[string]int{"service.unprotected": 1}}
	f3.Add("terms:service.unprotected", span("body", "bareback"))
	if s, _ = ev.Evaluate(f3); len(s.Hits) != 0 {
		t.Errorf("escort rule fired on a job ad: %+v", s.Hits)
	}
}
