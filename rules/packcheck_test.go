package rules

import (
	"strings"
	"testing"

	"github.com/redthread/redthread/errs"
)

// Key and type errors name the file's own line and the rule.
func TestLoadErrorLines(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"unknown key", "rules:\n  - id: job.x/a\n    indicator: job.x\n    wehn: true\n", `bad.yaml line 4 (job.x/a): unknown key "wehn"`},
		{"unknown top key", "name: x\nrule: []\n", `bad.yaml line 2: unknown key "rule"`},
		{"mistyped weight", "name: x\n\nrules:\n  - id: job.x/a\n    indicator: job.x\n    when: true\n    weight: heavy\n    evidence: [pay]\n", "bad.yaml line 4 (job.x/a): yaml: unmarshal errors:\n  line 7"},
		{"rule not a mapping", "rules:\n  - job.x/a\n", "bad.yaml line 2: a rule is a mapping"},
		{"not a mapping", "- a\n", "bad.yaml line 1: a rule pack is a mapping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(DefaultSource(), Source{Name: "bad.yaml", Data: []byte(tt.yaml)})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !errs.Is(errs.Config, err) {
				t.Errorf("err %v, want %q", err, tt.want)
			}
		})
	}
}

func FuzzLoad(f *testing.F) {
	f.Add(DefaultSource().Data)
	f.Add([]byte("rules:\n  - {id: job.x/a, indicator: job.x, when: 'terms[\"a\"] > 0', weight: 1, evidence: [pay]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Load(Source{Name: "fuzz.yaml", Data: data})
		if err != nil {
			return
		}
		if p.Levels.Medium <= 0 || p.Levels.High <= p.Levels.Medium {
			t.Fatalf("bad levels accepted: %+v", p.Levels)
		}
	})
}
