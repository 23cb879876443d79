package rules

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/expr-lang/expr/vm"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/indicators"
)

// Scored is the verdict on one listing.
type Scored struct {
	Score int
	Level string
	Logit float64
	Hits  []corpus.Hit
	Fired []*Rule // rules that fired, in pack order
}

// Evaluator evaluates a pack. It reuses a VM, so use one per goroutine.
type Evaluator struct {
	pack   *Pack
	vm     vm.VM
	noFast bool              // always run the VM (tests compare the fast path with it)
	index                    // evidence and term lookups by number (fastpath.go)
	quoted map[string]string // quoted evidence texts of the current listing
}

// NewEvaluator returns an evaluator for p.
func (p *Pack) NewEvaluator() *Evaluator {
	ev := &Evaluator{pack: p}
	ev.index.build(p)
	return ev
}

// Fires reports whether r fires on f: its kind matches, its condition
// holds, and it has evidence to show.
func (ev *Evaluator) fires(ri int, r *Rule, f *indicators.Features) (bool, error) {
	if len(r.Kinds) > 0 {
		ok := false
		for _, k := range r.Kinds {
			if k == f.Kind {
				ok = true
				break
			}
		}
		if !ok {
			return false, nil
		}
	}
	if !ev.noFast {
		// Without evidence a rule cannot fire, so most rules are decided
		// before their condition runs; guards decide simple conjuncts.
		if !ev.hasEvidence(ri, f) || !ev.guardsHold(ri, f) {
			return false, nil
		}
		if r.guardsOnly {
			return true, nil
		}
	}
	out, err := ev.vm.Run(r.prog, f)
	if err != nil {
		return false, fmt.Errorf("rule %s: %w", r.ID, err)
	}
	b, _ := out.(bool)
	return b, nil
}

// Evaluate scores one listing's features. A rule whose condition holds but
// which finds no evidence does not fire: a hit without evidence is a bug.
func (ev *Evaluator) Evaluate(f *indicators.Features) (Scored, error) {
	p := ev.pack
	var s Scored
	logit := p.Bias
	byIndicator := map[string]int{}
	var merged []int // rules fired per hit
	ev.reset()
	clear(ev.quoted)
	risk := 0.0 // weight of the non-network rules fired so far (f.Risk)
	for ri, r := range p.Rules {
		f.Risk = risk
		ok, err := ev.fires(ri, r, f)
		if err != nil {
			return s, err
		}
		if !ok {
			continue
		}
		evidence, linked := collectEvidence(r, f)
		if len(evidence) == 0 {
			continue
		}
		s.Fired = append(s.Fired, r)
		logit += r.Weight
		if !strings.HasPrefix(r.Indicator, "network.") {
			risk += r.Weight
		}
		i, seen := byIndicator[r.Indicator]
		if !seen {
			i = len(s.Hits)
			byIndicator[r.Indicator] = i
			s.Hits = append(s.Hits, corpus.Hit{ID: r.Indicator})
			merged = append(merged, 0)
		}
		h := &s.Hits[i]
		h.Weight = round3(h.Weight + r.Weight)
		if h.Rule == "" {
			h.Rule = r.ID
		} else {
			h.Rule += "," + r.ID
		}
		expl := ev.explain(r, f, evidence)
		if h.Explanation == "" {
			h.Explanation = expl
		} else if expl != "" && !strings.Contains(h.Explanation, expl) {
			h.Explanation += " " + expl
		}
		// Sorted and deduplicated once below, when several rules raise it.
		h.Evidence = append(h.Evidence, evidence...)
		h.Linked = append(h.Linked, linked...)
		merged[i]++
	}
	for i := range s.Hits {
		if merged[i] > 1 {
			h := &s.Hits[i]
			h.Evidence = sortEvidence(h.Evidence)
			h.Linked = dedupeIDs(h.Linked)
		}
	}
	s.Logit = logit
	s.Score = ScoreOf(logit)
	s.Level = p.Level(s.Score)
	return s, nil
}

// ScoreOf maps a log-odds value to 0–100.
func ScoreOf(logit float64) int {
	return int(math.Round(100 / (1 + math.Exp(-logit))))
}

// Level names the level of a score under the pack's thresholds.
func (p *Pack) Level(score int) string {
	switch {
	case score >= p.Levels.High:
		return corpus.LevelHigh
	case score >= p.Levels.Medium:
		return corpus.LevelMedium
	}
	return corpus.LevelLow
}

func collectEvidence(r *Rule, f *indicators.Features) ([]corpus.Evidence, []string) {
	n := 0
	for _, src := range r.Evidence {
		n += len(f.Spans[src])
	}
	ev := make([]corpus.Evidence, 0, n)
	var linked []string
	for _, src := range r.Evidence {
		for _, sp := range f.Spans[src] {
			ev = append(ev, sp.Evidence)
			linked = append(linked, sp.Linked...)
		}
	}
	return sortEvidence(ev), dedupeIDs(linked)
}

func fieldOrder(f string) int {
	switch f {
	case "title":
		return 0
	case "body":
		return 1
	case "employer":
		return 2
	case "employer_info":
		return 3
	case "pay":
		return 4
	case "location":
		return 5
	}
	return 6
}

func dedupeEvidence(ev []corpus.Evidence) []corpus.Evidence {
	out := ev[:0]
	for i, e := range ev {
		if i > 0 {
			p := out[len(out)-1]
			if p.Field == e.Field && p.Start == e.Start && p.End == e.End && p.Shared == e.Shared && p.Note == e.Note {
				continue
			}
		}
		out = append(out, e)
	}
	return out
}

// sortEvidence orders evidence by field and position and drops repeats.
func sortEvidence(ev []corpus.Evidence) []corpus.Evidence {
	cmp := func(a, b corpus.Evidence) int {
		if a.Field != b.Field {
			return fieldOrder(a.Field) - fieldOrder(b.Field)
		}
		return a.Start - b.Start
	}
	if !slices.IsSortedFunc(ev, cmp) {
		slices.SortStableFunc(ev, cmp)
	}
	return dedupeEvidence(ev)
}

func dedupeIDs(ids []string) []string {
	if len(ids) == 0 {
		return nil
	}
	sort.Strings(ids)
	out := ids[:1]
	for _, id := range ids[1:] {
		if id != out[len(out)-1] {
			out = append(out, id)
		}
	}
	return out
}

// explainData is what explanation templates see.
type explainData struct {
	Texts string               // the evidence texts, quoted and joined
	Count int                  // number of evidence items
	F     *indicators.Features // all features
	Rule  *Rule                // the rule
	Ev    []corpus.Evidence    // the evidence itself
}

func (x *Evaluator) explain(r *Rule, f *indicators.Features, ev []corpus.Evidence) string {
	fast := !x.noFast
	var texts []string
	for i, e := range ev {
		if i == 5 {
			texts = append(texts, fmt.Sprintf("and %d more", len(ev)-5))
			break
		}
		t := e.Text
		if t == "" {
			t = e.Shared
		}
		if t == "" {
			t = e.Note
		}
		if len(t) > 80 {
			cut := 80
			for cut > 0 && !utf8.RuneStart(t[cut]) {
				cut--
			}
			t = t[:cut] + "…"
		}
		texts = append(texts, x.quote(t))
	}
	var b strings.Builder
	if fast && r.fast != nil {
		renderFast(&b, r.fast, texts, f, ev)
		return b.String()
	}
	if err := r.tmpl.Execute(&b, explainData{Texts: strings.Join(texts, ", "), Count: len(ev), F: f, Rule: r, Ev: ev}); err != nil {
		return r.Indicator + ": " + strings.Join(texts, ", ")
	}
	return b.String()
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
