package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/errs"
	"github.com/redthread/redthread/realeval"
	"github.com/redthread/redthread/rules"
)

func init() {
	commands["eval"] = command{summary: "measure a rule pack on labelled listings (ROC/PR AUC, per level, per indicator)", run: runEval}
}

// scored is one labelled listing after scoring.
type scored struct {
	labels rules.Labels
	score  rules.Scored
	fired  []bool
}

// labelled is what scoreLabelled read.
type labelled struct {
	items   []scored
	skipped int // unreadable records
}

// scoreLabelled scans the labels file as `scan` would (the scanner, with
// the link flags' registry: network.* indicators) and keeps each listing's
// labels and score. The whole file is one batch, so no result is revised.
func scoreLabelled(ctx context.Context, e *env, path string, sf *scanFlags) (*labelled, *rules.Pack, error) {
	sf.batch = math.MaxInt32
	sc, reg, err := sf.scanner(e, false)
	if err != nil {
		return nil, nil, err
	}
	if reg != nil {
		defer reg.Discard() // eval never adds to a persistent registry
	}
	out := &labelled{}
	pack := sc.Pack()
	byID := map[string]int{}
	sc.SetScored(func(l *corpus.Listing, s rules.Scored) {
		it := scored{labels: rules.LabelsOf(l), score: s, fired: pack.FiredVector(s)}
		if i, ok := byID[l.ID]; ok {
			out.items[i] = it // a revision
			return
		}
		byID[l.ID] = len(out.items)
		out.items = append(out.items, it)
	})
	in := func(yield func(corpus.Record) bool) {
		for rec := range corpus.Read(ctx, path, e.stdin, corpus.Options{MaxListingBytes: sf.maxBytes}) {
			if rec.Err != nil && (errs.KindOf(rec.Err) == errs.IO && rec.Line == 0 || errs.KindOf(rec.Err) == errs.NotExist) {
				err = rec.Err
				return
			}
			if !yield(rec) {
				return
			}
		}
	}
	sum, serr := sc.Scan(ctx, in, func(*corpus.Result) error { return nil })
	if err != nil {
		return nil, nil, err
	}
	if serr != nil {
		return nil, nil, serr
	}
	out.skipped = sum.Skipped
	if len(out.items) == 0 {
		return nil, nil, errs.E("read labels", errs.Invalid, fmt.Sprintf("%s: no listings could be read", path))
	}
	return out, pack, nil
}

// binary returns the scores and labels of the listings that have a label.
func (lb *labelled) binary(logit bool) (scores []float64, labels []int) {
	for _, it := range lb.items {
		if !it.labels.HasLabel {
			continue
		}
		if logit {
			scores = append(scores, it.score.Logit)
		} else {
			scores = append(scores, float64(it.score.Score))
		}
		labels = append(labels, it.labels.Label)
	}
	return scores, labels
}

// oneClassError explains labels that are all equal.
func oneClassError(labels []int) error {
	v := 0
	if len(labels) > 0 {
		v = labels[0]
	}
	return fmt.Errorf("all %d labels are %d: ROC and PR AUC need listings labelled 1 and listings labelled 0", len(labels), v)
}

// evalReport is what eval prints, as JSON with --json.
type evalReport struct {
	Labels     string                `json:"labels"`
	RulePack   string                `json:"rule_pack"`
	Listings   int                   `json:"listings"`
	Skipped    int                   `json:"skipped"`
	Labelled   int                   `json:"labelled"`
	Ranking    *rules.Ranking        `json:"ranking,omitempty"`
	Levels     []levelReport         `json:"levels,omitempty"`
	Indicators []rules.IndicatorStat `json:"indicators,omitempty"`
	WithIDs    int                   `json:"indicator_labelled"` // listings with per-indicator labels
}

type levelReport struct {
	Level string `json:"level"` // "high", or "medium" meaning medium or high
	rules.Cut
}

func runEval(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "eval", "--labels FILE [flags]")
	var sf scanFlags
	sf.addCore(fs)
	labelsPath := fs.String("labels", "", "labelled listings `FILE` (JSONL or CSV; fields label 0/1, and expect/allow per indicator); - for stdin")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	corporaDir := fs.String("corpora", "", "measure the extractors on the real public corpora in `DIR` (../shared/corpora) instead of --labels")
	only := fs.String("only", "", "with --corpora: comma-separated evaluations to run ("+strings.Join(realeval.Names(), ", ")+")")
	misses := fs.Bool("misses", false, "with --corpora: print every miss and false value to stderr (real ad text: keep it on your terminal)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *corporaDir != "" {
		if *labelsPath != "" || len(pos) > 0 {
			return fmt.Errorf("%w: give either --labels FILE or --corpora DIR", errUsage)
		}
		x, pack, err := sf.data.load()
		if err != nil {
			return err
		}
		return runCorporaEval(ctx, e, x, pack, *corporaDir, *only, *misses, *asJSON)
	}
	if *labelsPath == "" || len(pos) > 0 {
		return fmt.Errorf("%w: give the labelled listings with --labels FILE", errUsage)
	}
	lb, pack, err := scoreLabelled(ctx, e, *labelsPath, &sf)
	if err != nil {
		return err
	}
	rep, err := buildEvalReport(lb, pack, *labelsPath)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printEvalReport(e.stdout, rep, pack)
	return nil
}

func buildEvalReport(lb *labelled, pack *rules.Pack, path string) (*evalReport, error) {
	rep := &evalReport{Labels: path, RulePack: pack.Version, Listings: len(lb.items), Skipped: lb.skipped}
	logits, labels := lb.binary(true)
	scores, _ := lb.binary(false)
	rep.Labelled = len(labels)
	if len(labels) > 0 {
		r, err := rules.Rank(logits, labels)
		if errors.Is(err, rules.ErrOneClass) {
			return nil, errs.E("eval", errs.Invalid, fmt.Errorf("%s: %w", path, oneClassError(labels)))
		}
		if err != nil {
			return nil, errs.E("eval", errs.Invalid, err)
		}
		rep.Ranking = &r
		rep.Levels = []levelReport{
			{Level: corpus.LevelHigh, Cut: rules.CutAt(scores, labels, float64(pack.Levels.High))},
			{Level: corpus.LevelMedium, Cut: rules.CutAt(scores, labels, float64(pack.Levels.Medium))},
		}
	}
	var ls []rules.Labels
	results := map[string]*corpus.Result{}
	for _, it := range lb.items {
		if !it.labels.HasIDs {
			continue
		}
		rep.WithIDs++
		ls = append(ls, it.labels)
		results[it.labels.ID] = &corpus.Result{ID: it.labels.ID, Score: it.score.Score, Level: it.score.Level, Indicators: it.score.Hits}
	}
	if len(ls) > 0 {
		rep.Indicators = rules.PerIndicator(ls, results, pack.Indicators())
	}
	if rep.Ranking == nil && rep.WithIDs == 0 {
		return nil, errs.E("eval", errs.Invalid, fmt.Sprintf("%s: no listing has a label (0/1) or expect/allow indicator lists", path))
	}
	return rep, nil
}

func printEvalReport(w io.Writer, rep *evalReport, pack *rules.Pack) {
	fmt.Fprintf(w, "labels %s: %d listings (%d labelled 0/1, %d with indicator labels, %d unreadable); rule pack %s\n",
		rep.Labels, rep.Listings, rep.Labelled, rep.WithIDs, rep.Skipped, rep.RulePack)
	if r := rep.Ranking; r != nil {
		fmt.Fprintf(w, "\n%d labelled 1, %d labelled 0\n", r.Positives, r.N-r.Positives)
		fmt.Fprintf(w, "ROC AUC %.3f   PR AUC %.3f   precision at top 1%% %.2f, 5%% %.2f, 10%% %.2f\n",
			r.ROCAUC, r.PRAUC, r.PAt1, r.PAt5, r.PAt10)
		fmt.Fprintf(w, "\n%-10s %9s %8s %9s %7s\n", "level", "score", "flagged", "precision", "recall")
		for _, lv := range rep.Levels {
			name := lv.Level
			if name == corpus.LevelMedium {
				name = "medium+"
			}
			fmt.Fprintf(w, "%-10s %9s %8d %9s %7.2f\n", name, fmt.Sprintf(">= %.0f", lv.Threshold), lv.Flagged, ratio(lv.Precision, lv.Flagged), lv.Recall)
		}
	}
	if len(rep.Indicators) > 0 {
		fmt.Fprintf(w, "\nper indicator (%d listings with expect/allow labels):\n", rep.WithIDs)
		fmt.Fprintf(w, "%-32s %4s %4s %4s %9s %7s %11s\n", "indicator", "TP", "FN", "FP", "precision", "recall", "false alarm")
		for _, st := range rep.Indicators {
			if st.TP+st.FN+st.FP == 0 {
				continue
			}
			fmt.Fprintf(w, "%-32s %4d %4d %4d %9.2f %7.2f %11.3f\n", st.ID, st.TP, st.FN, st.FP, st.Precision, st.Recall, st.FalseAlarmRate)
		}
	}
}

// ratio prints a precision, or "-" when nothing was flagged.
func ratio(v float64, n int) string {
	if n == 0 || math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.2f", v)
}
