package rules

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/redthread/redthread/errs"
)

// smallPack has three rules whose firing the tests set directly.
func smallPack(t *testing.T) *Pack {
	t.Helper()
	p, err := Load(Source{Name: "small.yaml", Data: []byte(`name: small
version: "1"
bias: -1
levels: {medium: 40, high: 70}
rules:
  - id: job.urgency/a
    indicator: job.urgency
    when: terms["job.urgency"] > 0
    weight: 0.5
    evidence: ["terms:job.urgency"]
  - id: job.fee_or_debt/b
    indicator: job.fee_or_debt
    when: terms["job.fee_or_debt"] > 0
    weight: 0.5
    evidence: ["terms:job.fee_or_debt"]
  - id: job.high_risk_sector/noise
    indicator: job.high_risk_sector
    kinds: [job]
    when: terms["sector.agriculture"] > 0
    weight: 0.5
    evidence: ["terms:sector.agriculture"]
`)})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// synthData draws listings from a known logistic model: bias -2, rule a
// +3, rule b +1.5, rule c (noise) 0.
func synthData(n int, seed uint64) ([][]bool, []int) {
	rng := rand.New(rand.NewPCG(seed, 1))
	truth := []float64{3, 1.5, 0}
	var X [][]bool
	var y []int
	for i := 0; i < n; i++ {
		row := []bool{rng.Float64() < 0.3, rng.Float64() < 0.4, rng.Float64() < 0.5}
		z := -2.0
		for j, on := range row {
			if on {
				z += truth[j]
			}
		}
		lab := 0
		if rng.Float64() < sigmoid(z) {
			lab = 1
		}
		X = append(X, row)
		y = append(y, lab)
	}
	return X, y
}

func TestFitRecoversWeights(t *testing.T) {
	p := smallPack(t)
	X, y := synthData(20000, 7)
	res, err := Fit(p, X, y, FitOptions{Seed: 1, Lambdas: []float64{0.01, 1}, AllowNegative: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{3, 1.5, 0}
	for j, r := range res.Pack.Rules {
		if math.Abs(r.Weight-want[j]) > 0.15 {
			t.Errorf("rule %s: weight %.3f, want about %.1f", r.ID, r.Weight, want[j])
		}
	}
	if math.Abs(res.Pack.Bias+2) > 0.15 {
		t.Errorf("bias %.3f, want about -2", res.Pack.Bias)
	}
	// Cross-validated AUC of a model with real signal is well above chance
	// and is no NaN.
	if res.CV.ROCAUC < 0.75 || res.CV.ROCAUC > 1 || math.IsNaN(res.CV.PRAUC) {
		t.Errorf("CV metrics %+v", res.CV)
	}
	lv := res.Pack.Levels
	if lv.Medium <= 0 || lv.High <= lv.Medium || lv.High > 100 {
		t.Errorf("levels %+v", lv)
	}
	if res.High.Flagged > 0 && res.High.Precision < 0.9 {
		t.Errorf("high level precision %.2f < 0.9", res.High.Precision)
	}
	// The same seed gives the same fit.
	res2, _ := Fit(p, X, y, FitOptions{Seed: 1, Lambdas: []float64{0.01, 1}, AllowNegative: true})
	if res2.CV != res.CV || res2.Pack.Levels != res.Pack.Levels {
		t.Errorf("not deterministic: %+v vs %+v", res.CV, res2.CV)
	}
}

// A rule that fires on ordinary listings gets a negative weight only when
// allowed; by default it is held at 0 and the others are refitted.
func TestFitNonNegative(t *testing.T) {
	p := smallPack(t)
	rng := rand.New(rand.NewPCG(5, 5))
	var X [][]bool
	var y []int
	for i := 0; i < 3000; i++ {
		row := []bool{rng.Float64() < 0.3, rng.Float64() < 0.4, rng.Float64() < 0.5}
		z := -1.0
		if row[0] {
			z += 2
		}
		if row[2] {
			z -= 1.5 // rule c marks ordinary listings
		}
		lab := 0
		if rng.Float64() < sigmoid(z) {
			lab = 1
		}
		X, y = append(X, row), append(y, lab)
	}
	free, err := Fit(p, X, y, FitOptions{Lambdas: []float64{0.1}, AllowNegative: true})
	if err != nil {
		t.Fatal(err)
	}
	if w := free.Pack.Rules[2].Weight; w > -1 {
		t.Errorf("free fit: rule c weight %v, want about -1.5", w)
	}
	nn, err := Fit(p, X, y, FitOptions{Lambdas: []float64{0.1}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range nn.Pack.Rules {
		if r.Weight < 0 {
			t.Errorf("%s: negative weight %v", r.ID, r.Weight)
		}
	}
	if nn.Pack.Rules[2].Weight != 0 || nn.Pack.Rules[0].Weight < 1 {
		t.Errorf("non-negative fit: %v %v", nn.Pack.Rules[0].Weight, nn.Pack.Rules[2].Weight)
	}
}

func TestFitPriorKeepsUnexercisedRules(t *testing.T) {
	p := smallPack(t)
	X, y := synthData(400, 3)
	for _, row := range X {
		row[2] = false // rule c never fires in these labels
	}
	res, err := Fit(p, X, y, FitOptions{Prior: true})
	if err != nil {
		t.Fatal(err)
	}
	if w := res.Pack.Rules[2].Weight; w != 0.5 {
		t.Errorf("unexercised rule: weight %v, want the prior 0.5", w)
	}
	res, _ = Fit(p, X, y, FitOptions{})
	if w := res.Pack.Rules[2].Weight; w != 0 {
		t.Errorf("unexercised rule without prior: weight %v, want 0", w)
	}
}

func TestFitErrors(t *testing.T) {
	p := smallPack(t)
	row := func() []bool { return []bool{true, false, false} }
	rows := func(n int) [][]bool {
		var X [][]bool
		for i := 0; i < n; i++ {
			X = append(X, row())
		}
		return X
	}
	tests := []struct {
		name string
		X    [][]bool
		y    []int
		opt  FitOptions
		want string
	}{
		{"all ones", rows(10), []int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, FitOptions{}, "all 10 labels are 1"},
		{"all zeros", rows(3), []int{0, 0, 0}, FitOptions{}, "all 3 labels are 0"},
		{"too few positives", rows(10), []int{1, 1, 0, 0, 0, 0, 0, 0, 0, 0}, FitOptions{}, "only 2 listings labelled 1 for 5 folds"},
		{"too few negatives", rows(6), []int{1, 1, 1, 1, 1, 0}, FitOptions{Folds: 3}, "only 1 listings labelled 0 for 3 folds"},
		{"empty", nil, nil, FitOptions{}, "no labelled listings"},
		{"bad label", rows(2), []int{1, 2}, FitOptions{}, "labels must be 0 or 1"},
		{"one fold", rows(2), []int{1, 0}, FitOptions{Folds: 1}, "at least 2 folds"},
		{"bad precision", rows(2), []int{1, 0}, FitOptions{Precision: 0.5, MediumPrecision: 0.8}, "precisions"},
		{"bad lambda", rows(2), []int{1, 0}, FitOptions{Lambdas: []float64{math.NaN()}}, "L2 strength"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Fit(p, tt.X, tt.y, tt.opt)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !errs.Is(errs.Invalid, err) {
				t.Errorf("err %v, want %q", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "NaN") {
				t.Errorf("NaN in error: %v", err)
			}
		})
	}
}

// A written pack loads back, over the default pack, to the same weights,
// bias and levels.
func TestWritePackRoundTrip(t *testing.T) {
	p, err := Load(DefaultSource())
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range p.Rules {
		r.Weight = float64(i) / 7
	}
	p.Bias, p.Name, p.Version = -2.25, "fitted", "2026.11.23"
	p.Levels = Levels{Medium: 33, High: 66}
	var buf bytes.Buffer
	if err := WritePack(&buf, p, []string{"fitted by a test", "second line"}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "# fitted by a test\n# second line\n") {
		t.Errorf("header: %q", buf.String()[:60])
	}
	fresh, _ := Load(DefaultSource())
	q, err := Load(DefaultSource(), Source{Name: "fitted.yaml", Data: buf.Bytes()})
	if err != nil {
		t.Fatalf("written pack does not load: %v\n%s", err, buf.String())
	}
	if q.Bias != -2.25 || q.Levels != p.Levels || q.Version != "default@"+fresh.Version[len("default@"):]+"+fitted@2026.11.23" {
		t.Errorf("bias %v levels %+v version %q", q.Bias, q.Levels, q.Version)
	}
	for i, r := range q.Rules {
		if r.ID != p.Rules[i].ID || r.Weight != p.Rules[i].Weight || r.When != p.Rules[i].When || r.Explain != p.Rules[i].Explain {
			t.Errorf("rule %d: %s %v, want %s %v", i, r.ID, r.Weight, p.Rules[i].ID, p.Rules[i].Weight)
		}
	}
}

func TestFiredVector(t *testing.T) {
	p := smallPack(t)
	v := p.FiredVector(Scored{Fired: []*Rule{p.Rules[0], p.Rules[2]}})
	if !v[0] || v[1] || !v[2] {
		t.Errorf("fired vector %v", v)
	}
}
