package rules

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/redthread/redthread/errs"
)

// FitOptions control Fit.
type FitOptions struct {
	Folds   int       // cross-validation folds (default 5)
	Seed    uint64    // seed of the fold shuffle: the same seed gives the same folds
	Lambdas []float64 // L2 strengths to try; the one with the best cross-validated log-loss wins (default DefaultLambdas)
	// Prior shrinks weights towards the pack's own weights instead of 0, so
	// rules that the labels never exercise keep their hand-set weights.
	Prior bool
	// AllowNegative lets weights go below 0. By default a weight that would
	// be negative is held at 0, so every hit adds to the score.
	AllowNegative   bool
	Precision       float64 // precision the high level must reach on cross-validated scores (default 0.9)
	MediumPrecision float64 // precision the medium level must reach (default 0.6)
}

// DefaultLambdas are the L2 strengths Fit tries by default.
var DefaultLambdas = []float64{0.01, 0.03, 0.1, 0.3, 1, 3, 10}

// FitResult is a fitted pack and how well it did under cross-validation.
type FitResult struct {
	Pack         *Pack   // same rules with fitted weights, bias and levels; Name and Version are left to the caller
	Lambda       float64 // chosen L2 strength
	LogLoss      float64 // cross-validated mean log-loss at Lambda
	CV           Ranking // cross-validated ranking metrics (out-of-fold scores)
	High, Medium Cut     // what the chosen thresholds flag on out-of-fold scores (at or above the level)
	Fires        []int   // per rule of Pack, how many labelled listings it fired on
	Notes        []string
}

// Fit fits the weights of p's rules to labelled listings by L2-regularized
// logistic regression. fired[i][j] tells whether rule j of p fired on
// listing i (see FiredVector); labels[i] is 1 or 0. The regularization
// strength is chosen by stratified k-fold cross-validation, and the level
// thresholds are the lowest scores whose out-of-fold precision reaches
// opt.Precision (high) and opt.MediumPrecision (medium), but always above
// the score of a listing on which no rule fires, which stays low.
func Fit(p *Pack, fired [][]bool, labels []int, opt FitOptions) (*FitResult, error) {
	fail := func(format string, args ...any) error {
		return errs.E("fit rules", errs.Invalid, fmt.Errorf(format, args...))
	}
	if opt.Folds == 0 {
		opt.Folds = 5
	}
	if len(opt.Lambdas) == 0 {
		opt.Lambdas = DefaultLambdas
	}
	if opt.Precision == 0 {
		opt.Precision = 0.9
	}
	if opt.MediumPrecision == 0 {
		opt.MediumPrecision = 0.6
	}
	switch {
	case opt.Folds < 2:
		return nil, fail("need at least 2 folds, got %d", opt.Folds)
	case opt.Precision <= 0 || opt.Precision > 1 || opt.MediumPrecision <= 0 || opt.MediumPrecision > opt.Precision:
		return nil, fail("precisions must satisfy 0 < medium (%g) <= high (%g) <= 1", opt.MediumPrecision, opt.Precision)
	case len(fired) != len(labels):
		return nil, fail("%d feature rows for %d labels", len(fired), len(labels))
	}
	for _, l := range opt.Lambdas {
		if !(l > 0) || math.IsInf(l, 0) {
			return nil, fail("L2 strengths (lambda) must be positive finite numbers")
		}
	}
	d := len(p.Rules)
	pos, neg := 0, 0
	for i, y := range labels {
		switch y {
		case 1:
			pos++
		case 0:
			neg++
		default:
			return nil, fail("label of listing %d is %d; labels must be 0 or 1", i+1, y)
		}
		if len(fired[i]) != d {
			return nil, fail("listing %d has %d rule columns, the pack has %d rules", i+1, len(fired[i]), d)
		}
	}
	switch {
	case len(labels) == 0:
		return nil, fail("no labelled listings")
	case pos == 0 || neg == 0:
		v := 0
		if pos > 0 {
			v = 1
		}
		return nil, fail("all %d labels are %d: fitting needs listings labelled 1 and listings labelled 0", len(labels), v)
	case pos < opt.Folds:
		return nil, fail("only %d listings labelled 1 for %d folds: every fold needs one; label more listings or lower --folds", pos, opt.Folds)
	case neg < opt.Folds:
		return nil, fail("only %d listings labelled 0 for %d folds: every fold needs one; label more listings or lower --folds", neg, opt.Folds)
	}

	rows := make([][]int32, len(fired))
	res := &FitResult{Fires: make([]int, d)}
	for i, f := range fired {
		for j, on := range f {
			if on {
				rows[i] = append(rows[i], int32(j))
				res.Fires[j]++
			}
		}
	}
	prior := make([]float64, d)
	if opt.Prior {
		for j, r := range p.Rules {
			prior[j] = r.Weight
		}
	}
	folds := stratifiedFolds(labels, opt.Folds, opt.Seed)

	var bestOOF []float64
	bestLoss := math.Inf(1)
	for _, lambda := range opt.Lambdas {
		oof := make([]float64, len(labels))
		for k := 0; k < opt.Folds; k++ {
			var trainX [][]int32
			var trainY []int
			for i := range labels {
				if folds[i] != k {
					trainX = append(trainX, rows[i])
					trainY = append(trainY, labels[i])
				}
			}
			bias, w := fitWeights(trainX, trainY, d, lambda, prior, p.Bias, !opt.AllowNegative)
			for i := range labels {
				if folds[i] == k {
					oof[i] = logitOf(rows[i], bias, w)
				}
			}
		}
		loss := logLoss(oof, labels)
		if loss < bestLoss-1e-12 {
			bestLoss, bestOOF, res.Lambda = loss, oof, lambda
		}
	}
	res.LogLoss = bestLoss
	var err error
	if res.CV, err = Rank(bestOOF, labels); err != nil {
		return nil, errs.E("fit rules", errs.Invalid, err)
	}

	bias, w := fitWeights(rows, labels, d, res.Lambda, prior, p.Bias, !opt.AllowNegative)
	out := &Pack{Name: p.Name, Version: p.Version, Bias: round3(bias), Levels: p.Levels, Sources: p.Sources}
	for j, r := range p.Rules {
		nr := *r
		nr.Weight = round3(w[j])
		out.Rules = append(out.Rules, &nr)
	}

	// Thresholds on the out-of-fold scores, as the scanner computes them.
	scores := make([]float64, len(bestOOF))
	for i, z := range bestOOF {
		scores[i] = float64(ScoreOf(z))
	}
	// A listing on which no rule fires stays low whatever the labels say.
	floor := ScoreOf(out.Bias) + 1
	high, hc, ok := ThresholdFor(scores, labels, opt.Precision, floor+1)
	if !ok {
		high = p.Levels.High
		res.Notes = append(res.Notes, fmt.Sprintf("no score threshold reaches precision %.2f on cross-validated scores; high kept at %d", opt.Precision, high))
		hc = CutAt(scores, labels, float64(high))
	}
	med, mc, ok := ThresholdFor(scores, labels, opt.MediumPrecision, floor)
	if !ok || med >= high {
		if !ok {
			res.Notes = append(res.Notes, fmt.Sprintf("no score threshold reaches precision %.2f for medium", opt.MediumPrecision))
		}
		med = max(1, min(p.Levels.Medium, high-1))
		if med >= high {
			med = high - 1
		}
		mc = CutAt(scores, labels, float64(med))
	}
	if high <= 1 {
		high, med = 2, 1
	}
	out.Levels = Levels{Medium: med, High: high}
	res.High, res.Medium = hc, mc
	res.Pack = out
	return res, nil
}

// FiredVector returns, for each rule of p in order, whether it fired in s.
func (p *Pack) FiredVector(s Scored) []bool {
	v := make([]bool, len(p.Rules))
	j := 0
	for _, r := range s.Fired {
		for j < len(p.Rules) && p.Rules[j] != r {
			j++
		}
		if j < len(p.Rules) {
			v[j] = true
		}
	}
	return v
}

// stratifiedFolds deals the positives and the negatives, each shuffled with
// seed, round-robin into k folds, so every fold has both classes.
func stratifiedFolds(labels []int, k int, seed uint64) []int {
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	folds := make([]int, len(labels))
	for _, class := range []int{1, 0} {
		var idx []int
		for i, y := range labels {
			if y == class {
				idx = append(idx, i)
			}
		}
		rng.Shuffle(len(idx), func(a, b int) { idx[a], idx[b] = idx[b], idx[a] })
		for n, i := range idx {
			folds[i] = n % k
		}
	}
	return folds
}

func logitOf(row []int32, bias float64, w []float64) float64 {
	z := bias
	for _, j := range row {
		z += w[j]
	}
	return z
}

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// logLoss is the mean negative log-likelihood of labels under logits z,
// computed stably.
func logLoss(z []float64, labels []int) float64 {
	var s float64
	for i, zi := range z {
		// -log σ(z) = log(1+e^-z); -log(1-σ(z)) = log(1+e^z)
		if labels[i] == 1 {
			s += softplus(-zi)
		} else {
			s += softplus(zi)
		}
	}
	return s / float64(len(z))
}

func softplus(x float64) float64 {
	if x > 30 {
		return x
	}
	return math.Log1p(math.Exp(x))
}

// fitLogistic minimises the logistic loss plus λ/2·Σ(w−prior)² (the bias
// is not penalised) by Newton's method with a Cholesky solve. Rows are the
// indices of the rules that fired.
func fitLogistic(rows [][]int32, y []int, d int, lambda float64, prior []float64, bias0 float64, fixed []bool) (float64, []float64) {
	n := d + 1 // θ[0] is the bias
	theta := make([]float64, n)
	theta[0] = bias0
	copy(theta[1:], prior)
	for j, fx := range fixed {
		if fx {
			theta[j+1] = 0
		}
	}
	grad := make([]float64, n)
	hess := make([]float64, n*n)
	step := make([]float64, n)
	cand := make([]float64, n)
	prevLoss := math.Inf(1)
	for iter := 0; iter < 100; iter++ {
		clear(grad)
		clear(hess)
		var loss float64
		for i, row := range rows {
			z := theta[0]
			for _, j := range row {
				z += theta[j+1]
			}
			pr := sigmoid(z)
			if y[i] == 1 {
				loss += softplus(-z)
			} else {
				loss += softplus(z)
			}
			g := pr - float64(y[i])
			s := pr * (1 - pr)
			grad[0] += g
			hess[0] += s
			for a, j := range row {
				ja := int(j) + 1
				grad[ja] += g
				hess[ja] += s // row 0, column ja
				for _, k := range row[a:] {
					hess[ja*n+int(k)+1] += s
				}
			}
		}
		for j := 1; j < n; j++ {
			diff := theta[j] - prior[j-1]
			grad[j] += lambda * diff
			loss += lambda / 2 * diff * diff
			hess[j*n+j] += lambda
		}
		hess[0] += 1e-9
		// Mirror the upper triangle.
		for a := 0; a < n; a++ {
			for b := a + 1; b < n; b++ {
				if a == 0 {
					hess[b*n] = hess[b]
					continue
				}
				v := hess[a*n+b] + hess[b*n+a]
				hess[a*n+b], hess[b*n+a] = v, v
			}
		}
		// Weights held at 0 do not move.
		for j, fx := range fixed {
			if !fx {
				continue
			}
			c := j + 1
			for k := 0; k < n; k++ {
				hess[c*n+k], hess[k*n+c] = 0, 0
			}
			hess[c*n+c], grad[c] = 1, 0
		}
		if !choleskySolve(hess, grad, step, n) {
			break
		}
		// Damped Newton: halve the step until the penalised loss falls, so
		// nearly separable labels cannot make it overshoot.
		t := 1.0
		for ; t > 1e-6; t /= 2 {
			for j := range theta {
				cand[j] = theta[j] - t*step[j]
			}
			if penalisedLoss(rows, y, cand, lambda, prior) <= loss+1e-12*(1+math.Abs(loss)) {
				break
			}
		}
		var maxStep float64
		for j := range theta {
			theta[j] -= t * step[j]
			maxStep = max(maxStep, math.Abs(t*step[j]))
		}
		if maxStep < 1e-9 || math.Abs(prevLoss-loss) < 1e-12*(1+math.Abs(loss)) {
			break
		}
		prevLoss = loss
	}
	return theta[0], theta[1:]
}

// fitWeights fits the bias and weights; with nonNegative, weights that
// come out negative are held at 0 and the rest refitted, until none is
// negative (an active-set method: a rule that fires more often on
// ordinary listings then simply adds nothing, instead of lowering scores).
func fitWeights(rows [][]int32, y []int, d int, lambda float64, prior []float64, bias0 float64, nonNegative bool) (float64, []float64) {
	var fixed []bool
	if nonNegative {
		fixed = make([]bool, d)
	}
	for range d + 1 {
		bias, w := fitLogistic(rows, y, d, lambda, prior, bias0, fixed)
		changed := false
		for j := range fixed {
			if !fixed[j] && w[j] < 0 {
				fixed[j], changed = true, true
			}
		}
		if !changed {
			return bias, w
		}
	}
	return fitLogistic(rows, y, d, lambda, prior, bias0, fixed)
}

// penalisedLoss is the objective fitLogistic minimises, at theta.
func penalisedLoss(rows [][]int32, y []int, theta []float64, lambda float64, prior []float64) float64 {
	var loss float64
	for i, row := range rows {
		z := theta[0]
		for _, j := range row {
			z += theta[j+1]
		}
		if y[i] == 1 {
			loss += softplus(-z)
		} else {
			loss += softplus(z)
		}
	}
	for j := 1; j < len(theta); j++ {
		diff := theta[j] - prior[j-1]
		loss += lambda / 2 * diff * diff
	}
	return loss
}

// choleskySolve solves A x = b for a symmetric positive-definite A (n×n,
// row-major; overwritten). It reports false if A is not positive definite.
func choleskySolve(a, b, x []float64, n int) bool {
	for j := 0; j < n; j++ {
		s := a[j*n+j]
		for k := 0; k < j; k++ {
			s -= a[j*n+k] * a[j*n+k]
		}
		if s <= 0 || math.IsNaN(s) {
			return false
		}
		ljj := math.Sqrt(s)
		a[j*n+j] = ljj
		for i := j + 1; i < n; i++ {
			s := a[i*n+j]
			for k := 0; k < j; k++ {
				s -= a[i*n+k] * a[j*n+k]
			}
			a[i*n+j] = s / ljj
		}
	}
	// L y = b, then Lᵀ x = y.
	for i := 0; i < n; i++ {
		s := b[i]
		for k := 0; k < i; k++ {
			s -= a[i*n+k] * x[k]
		}
		x[i] = s / a[i*n+i]
	}
	for i := n - 1; i >= 0; i-- {
		s := x[i]
		for k := i + 1; k < n; k++ {
			s -= a[k*n+i] * x[k]
		}
		x[i] = s / a[i*n+i]
	}
	return true
}

// ruleOut is a rule as written to a pack file.
type ruleOut struct {
	ID        string   `yaml:"id"`
	Indicator string   `yaml:"indicator"`
	Kinds     []string `yaml:"kinds,omitempty,flow"`
	When      string   `yaml:"when"`
	Weight    float64  `yaml:"weight"`
	Evidence  []string `yaml:"evidence,flow"`
	Explain   string   `yaml:"explain,omitempty"`
}

type packOut struct {
	Name    string    `yaml:"name"`
	Version string    `yaml:"version"`
	Bias    float64   `yaml:"bias"`
	Levels  Levels    `yaml:"levels"`
	Rules   []ruleOut `yaml:"rules"`
}

// WritePack writes p as a pack file that Load reads back to the same
// rules, weights, bias and levels. header lines become comments at the top.
func WritePack(w io.Writer, p *Pack, header []string) error {
	po := packOut{Name: p.Name, Version: p.Version, Bias: p.Bias, Levels: p.Levels}
	for _, r := range p.Rules {
		po.Rules = append(po.Rules, ruleOut{ID: r.ID, Indicator: r.Indicator, Kinds: r.Kinds, When: r.When,
			Weight: r.Weight, Evidence: r.Evidence, Explain: r.Explain})
	}
	var buf bytes.Buffer
	for _, h := range header {
		for _, line := range strings.Split(h, "\n") {
			buf.WriteString(strings.TrimRight("# "+line, " ") + "\n")
		}
	}
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(po); err != nil {
		return errs.E("write rules", errs.Internal, err)
	}
	if err := enc.Close(); err != nil {
		return errs.E("write rules", errs.Internal, err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return errs.E("write rules", errs.IO, err)
	}
	return nil
}
