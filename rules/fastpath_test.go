package rules

import (
	"reflect"
	"testing"

	"github.com/redthread/redthread/indicators"
)

// The fast paths (evidence check, guards, plain explanations) must score
// exactly as the expression VM and text/template do.
func TestFastPathMatchesVM(t *testing.T) {
	x := testExtractor(t)
	var fs []*indicators.Features
	for _, l := range devListings(t) {
		fs = append(fs, x.Extract(l))
	}
	suite, err := ParseTests(DefaultTests())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range suite.Cases {
		fs = append(fs, c.Features(x.Extract))
	}
	for _, p := range []*Pack{packN(t, 0, false), packN(t, 200, true), packN(t, 200, false)} {
		fast, slow := p.NewEvaluator(), p.NewEvaluator()
		slow.noFast = true
		fired := 0
		for _, f := range fs {
			a, err1 := fast.Evaluate(f)
			b, err2 := slow.Evaluate(f)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("%s: fast path differs from the VM:\nfast %+v\nslow %+v", f.ID, a, b)
			}
			fired += len(a.Fired)
		}
		if fired == 0 {
			t.Fatal("nothing fired")
		}
	}
}

func TestGuards(t *testing.T) {
	f := &indicators.Features{Kind: "job", Language: "ro", Country: "RO", Words: 40, Terms: map[string]int{"a": 2}}
	tests := []struct {
		cond     string
		holds    bool
		complete bool
	}{
		{`terms["a"] > 0`, true, true},
		{`terms["a"] > 2`, false, true},
		{`0 < terms["b"]`, false, true},
		{`terms["b"] == 0`, true, true},
		{`language == "ro" && terms["a"] >= 2`, true, true},
		{`"sr" == language && terms["a"] >= 2`, false, true},
		{`kind != "job" || terms["a"] > 0`, true, false},
		{`language == "ro" and pay.ratio > 2`, true, false},
		{`terms["a"] + terms["b"] > 0`, true, false},
		{`words > 30 && kind == "job"`, true, true},
		{`words < 30`, false, true},
		{`words > 2.5`, true, false},
	}
	for _, tt := range tests {
		gs, complete := compileGuards(tt.cond)
		holds := true
		for _, g := range gs {
			holds = holds && g.holds(f)
		}
		if holds != tt.holds || complete != tt.complete {
			t.Errorf("%s: holds %v complete %v, want %v %v", tt.cond, holds, complete, tt.holds, tt.complete)
		}
	}

}

// Every explanation and most conditions of the default pack take the fast
// paths; a new rule that does not is still correct, only slower.
func TestDefaultPackUsesFastPaths(t *testing.T) {
	p, err := Load(DefaultSource())
	if err != nil {
		t.Fatal(err)
	}
	guarded := 0
	for _, r := range p.Rules {
		if r.fast == nil {
			t.Errorf("%s: explanation runs through text/template", r.ID)
		}
		if len(r.guards) > 0 {
			guarded++
		}
	}
	if guarded < len(p.Rules)/2 {
		t.Errorf("only %d of %d rules have guards", guarded, len(p.Rules))
	}
}

// Evidence texts with quotes inside read as written in explanations, not
// with escaped quotes; control characters stay escaped.
func TestQuoteEvidence(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`new in town`, `"new in town"`},
		{`location "beograd" vs "dubai"`, `“location "beograd" vs "dubai"”`},
		{"a\u202eb", `"a\u202eb"`},
		{"say \"hi\"\x00", "“say \"hi\"\\x00”"},
	} {
		var ev Evaluator
		if got := ev.quote(tc.in); got != tc.want {
			t.Errorf("quote(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
