package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/errs"
	"github.com/redthread/redthread/rules"
)

func init() {
	commands["rules"] = command{summary: "test, lint and fit rule packs (rules test|lint|fit)", run: runRules}
}

var rulesCommands = map[string]struct {
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}{
	"test": {"run the tests beside each pack (X.yaml → X_test.yaml); no PACK: the default pack's", runRulesTest},
	"lint": {"report load errors, unknown lexicon tags, untested rules, rules silent on the corpus, overrides", runRulesLint},
	"fit":  {"fit rule weights and level thresholds to labelled listings; write a new pack", runRulesFit},
}

func runRules(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(e.stderr, "Usage: redthread rules COMMAND [flags]\n\nCommands:")
		for _, name := range []string{"test", "lint", "fit"} {
			fmt.Fprintf(e.stderr, "  %-6s %s\n", name, rulesCommands[name].summary)
		}
		if len(args) == 0 {
			return fmt.Errorf("%w: name a rules command", errUsage)
		}
		return nil
	}
	c, ok := rulesCommands[args[0]]
	if !ok {
		return fmt.Errorf("%w: unknown rules command %q (test, lint, fit)", errUsage, args[0])
	}
	return c.run(ctx, e, args[1:])
}

// packSuites loads the test files of the given packs; a pack without tests
// is an error when required.
func packSuites(packs []string, required bool) ([]*rules.TestSuite, error) {
	var suites []*rules.TestSuite
	for _, p := range packs {
		tp := rules.TestsPath(p)
		if _, err := os.Stat(tp); errors.Is(err, fs.ErrNotExist) {
			if required {
				return nil, errs.E("rules test", errs.Config, fmt.Sprintf("no tests for %s: write them in %s", p, tp))
			}
			continue
		}
		s, err := rules.LoadTestFile(tp)
		if err != nil {
			return nil, err
		}
		suites = append(suites, s)
	}
	return suites, nil
}

func runRulesTest(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "rules test", "[flags] [PACK.yaml ...]")
	var d dataFlags
	addDataFlags(fs, &d)
	verbose := fs.Bool("v", false, "also list the cases that pass, with their scores")
	withDefault := fs.Bool("with-default", false, "also run the default pack's tests against the combined pack")
	packs, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	d.rules = append(d.rules, packs...)
	x, pack, err := d.load()
	if err != nil {
		return err
	}
	suites, err := packSuites(packs, true)
	if err != nil {
		return err
	}
	if len(packs) == 0 || *withDefault {
		s, err := rules.ParseTests(rules.DefaultTests())
		if err != nil {
			return err
		}
		suites = append([]*rules.TestSuite{s}, suites...)
	}
	total, failed := 0, 0
	for _, s := range suites {
		results, err := rules.RunTests(pack, s, x.Extract)
		if err != nil {
			return err
		}
		for _, r := range results {
			total++
			if r.Passed() && !*verbose {
				continue
			}
			status := "ok  "
			if !r.Passed() {
				status = "FAIL"
				failed++
			}
			fmt.Fprintf(e.stdout, "%s %s:%d %s (score %d, %s)\n", status, r.Case.File, r.Case.Line, r.Case.Name, r.Scored.Score, r.Scored.Level)
			for _, f := range r.Failures {
				fmt.Fprintf(e.stdout, "       %s\n", f)
			}
			if !r.Passed() {
				fmt.Fprintf(e.stdout, "       hits: %s\n", hitList(r.Scored))
			}
		}
	}
	fmt.Fprintf(e.stdout, "%d of %d rule tests passed (%d files, rule pack %s)\n", total-failed, total, len(suites), pack.Version)
	if failed > 0 {
		return fmt.Errorf("%d of %d rule tests failed", failed, total)
	}
	return nil
}

func hitList(s rules.Scored) string {
	if len(s.Fired) == 0 {
		return "none"
	}
	ids := make([]string, len(s.Fired))
	for i, r := range s.Fired {
		ids[i] = r.ID
	}
	return strings.Join(ids, ", ")
}

func runRulesLint(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "rules lint", "[flags] [PACK.yaml ...]")
	var d dataFlags
	addDataFlags(fs, &d)
	corpusPath := fs.String("corpus", "", "listings `FILE` to check that every rule fires on (default: the bundled dev set)")
	asJSON := fs.Bool("json", false, "print findings as JSON")
	strict := fs.Bool("strict", false, "fail on warnings too")
	packs, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	paths := append(append([]string{}, d.rules...), packs...)
	srcs := []rules.Source{rules.DefaultSource()}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return errs.E("load rules", errs.Config, err)
		}
		srcs = append(srcs, rules.Source{Name: p, Data: data})
	}
	d.rules = nil
	x, _, err := d.load()
	if err != nil {
		return err
	}
	def, err := rules.ParseTests(rules.DefaultTests())
	if err != nil {
		return err
	}
	suites, err := packSuites(paths, false)
	if err != nil {
		return err
	}
	in := corpus.DevSet()
	if *corpusPath != "" {
		in = corpus.Read(ctx, *corpusPath, e.stdin, corpus.Options{})
	}
	_, findings := rules.Lint(srcs, rules.LintOptions{Tags: x.Tags(), Extract: x.Extract,
		Tests: append([]*rules.TestSuite{def}, suites...), Corpus: in})
	count := map[rules.Severity]int{}
	for _, f := range findings {
		count[f.Severity]++
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if findings == nil {
			findings = []rules.Finding{}
		}
		if err := enc.Encode(findings); err != nil {
			return err
		}
	} else {
		for _, f := range findings {
			fmt.Fprintln(e.stdout, f)
		}
		fmt.Fprintf(e.stdout, "%d errors, %d warnings, %d notes\n", count[rules.SevError], count[rules.SevWarning], count[rules.SevInfo])
	}
	switch {
	case count[rules.SevError] > 0:
		return errs.E("rules lint", errs.Config, fmt.Sprintf("%d errors", count[rules.SevError]))
	case *strict && count[rules.SevWarning] > 0:
		return fmt.Errorf("%d warnings (--strict)", count[rules.SevWarning])
	}
	return nil
}

func runRulesFit(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "rules fit", "--labels FILE -o PACK.yaml [flags]")
	var sf scanFlags
	sf.addCore(fs)
	labelsPath := fs.String("labels", "", "labelled listings `FILE` (JSONL or CSV with a label field, 0 or 1); - for stdin")
	out := fs.String("o", "", "write the fitted pack to `FILE`")
	folds := fs.Int("folds", 5, "cross-validation folds")
	seed := fs.Uint64("seed", 1, "seed of the fold shuffle")
	lambda := fs.Float64("lambda", 0, "L2 strength; 0 chooses it by cross-validation")
	prior := fs.Bool("prior", true, "shrink weights towards the pack's own weights, so rules the labels never exercise keep theirs; --prior=false shrinks towards 0")
	allowNeg := fs.Bool("allow-negative", false, "let weights go below 0 (by default a rule that would lower scores is held at 0)")
	precision := fs.Float64("precision", 0.9, "precision the high level must reach on cross-validated scores")
	medPrecision := fs.Float64("medium-precision", 0.6, "precision the medium level must reach")
	name := fs.String("name", "", "name of the fitted pack (default: the pack's name + \"-fitted\")")
	ver := fs.String("version", "", "version of the fitted pack (default: today's date)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *labelsPath == "" || *out == "" || len(pos) > 0 {
		return fmt.Errorf("%w: give the labelled listings with --labels FILE and the output pack with -o FILE", errUsage)
	}
	lb, pack, err := scoreLabelled(ctx, e, *labelsPath, &sf)
	if err != nil {
		return err
	}
	var X [][]bool
	var y []int
	unlabelled := 0
	for _, it := range lb.items {
		if !it.labels.HasLabel {
			unlabelled++
			continue
		}
		X = append(X, it.fired)
		y = append(y, it.labels.Label)
	}
	if unlabelled > 0 {
		e.log.Warn("listings without a 0/1 label left out of the fit", "count", unlabelled)
	}
	opt := rules.FitOptions{Folds: *folds, Seed: *seed, Prior: *prior, AllowNegative: *allowNeg, Precision: *precision, MediumPrecision: *medPrecision}
	if *lambda != 0 {
		opt.Lambdas = []float64{*lambda}
	}
	res, err := rules.Fit(pack, X, y, opt)
	if err != nil {
		return err
	}
	fp := res.Pack
	fp.Name = *name
	if fp.Name == "" {
		fp.Name = pack.Name + "-fitted"
	}
	fp.Version = *ver
	if fp.Version == "" {
		fp.Version = time.Now().UTC().Format("2006.01.02")
	}
	summary := fitSummary(res, *labelsPath, len(y), opt)
	header := append([]string{
		fmt.Sprintf("Fitted by `redthread rules fit` from %s on %s.", pack.Version, time.Now().UTC().Format(time.DateOnly)),
		"Same rules as the source pack; weights, bias and levels fitted to labelled listings.",
		"Load it with: redthread scan --rules " + *out,
		"",
	}, summary...)
	sink, err := openOutput(e, *out)
	if err != nil {
		return err
	}
	err = rules.WritePack(sink.w, fp, header)
	if cerr := sink.close(err == nil); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	for _, line := range summary {
		fmt.Fprintln(e.stdout, line)
	}
	fmt.Fprintf(e.stdout, "wrote %s (%d rules)\n", *out, len(fp.Rules))
	return nil
}

func fitSummary(res *rules.FitResult, path string, n int, opt rules.FitOptions) []string {
	r := res.CV
	folds := opt.Folds
	if folds == 0 {
		folds = 5
	}
	lines := []string{
		fmt.Sprintf("labels %s: %d listings, %d labelled 1, %d labelled 0", path, n, r.Positives, n-r.Positives),
		fmt.Sprintf("L2 lambda %g (chosen by %d-fold cross-validation, log-loss %.3f)", res.Lambda, folds, res.LogLoss),
		fmt.Sprintf("cross-validated ROC AUC %.3f, PR AUC %.3f, precision at top 1%% %.2f, 5%% %.2f, 10%% %.2f",
			r.ROCAUC, r.PRAUC, r.PAt1, r.PAt5, r.PAt10),
		fmt.Sprintf("levels: high >= %d (precision %s, recall %.2f on CV scores, target %.2f); medium >= %d (precision %s, recall %.2f, target %.2f)",
			res.Pack.Levels.High, ratio(res.High.Precision, res.High.Flagged), res.High.Recall, opt.Precision,
			res.Pack.Levels.Medium, ratio(res.Medium.Precision, res.Medium.Flagged), res.Medium.Recall, opt.MediumPrecision),
	}
	unused := 0
	for _, n := range res.Fires {
		if n == 0 {
			unused++
		}
	}
	if unused > 0 {
		keep := "weights shrunk to 0"
		if opt.Prior {
			keep = "weights kept from the source pack"
		}
		lines = append(lines, fmt.Sprintf("%d rules never fired on these labels (%s)", unused, keep))
	}
	for _, n := range res.Notes {
		lines = append(lines, "note: "+n)
	}
	return lines
}
