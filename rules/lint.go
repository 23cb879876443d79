package rules

import (
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"gopkg.in/yaml.v3"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/errs"
)

// Severity ranks lint findings.
type Severity string

// Severities of lint findings.
const (
	SevError   Severity = "error"   // the pack does not load
	SevWarning Severity = "warning" // the pack loads but something is likely wrong
	SevInfo    Severity = "info"    // worth knowing
)

// Finding is one lint result.
type Finding struct {
	Severity Severity `json:"severity"`
	File     string   `json:"file,omitempty"`
	Line     int      `json:"line,omitempty"`
	Rule     string   `json:"rule,omitempty"`
	Message  string   `json:"message"`
}

// String formats the finding as "file:line: severity (rule): message".
func (f Finding) String() string {
	var b strings.Builder
	if f.File != "" {
		b.WriteString(f.File)
		if f.Line > 0 {
			fmt.Fprintf(&b, ":%d", f.Line)
		}
		b.WriteString(": ")
	}
	b.WriteString(string(f.Severity))
	if f.Rule != "" {
		fmt.Fprintf(&b, " (%s)", f.Rule)
	}
	b.WriteString(": ")
	b.WriteString(f.Message)
	return b.String()
}

// LintOptions give Lint what it checks the pack against. Zero fields skip
// their checks.
type LintOptions struct {
	Tags    []string                // lexicon and concept tags (Extractor.Tags())
	Extract ExtractFunc             // feature extraction, for the tests and the corpus
	Tests   []*TestSuite            // the pack's tests: rules no case fires are reported
	Corpus  iter.Seq[corpus.Record] // listings: rules that never fire on them are reported
}

// Lint loads srcs as Load does (the first is the base pack, normally the
// default) and reports: load errors (YAML, unknown features, type errors)
// and every duplicate rule ID within a file, terms["tag"] and terms:TAG
// names missing from the lexicon, unknown links: evidence, rules no test
// exercises, rules that never fire on the corpus, and rules that override
// the base pack's. The pack is nil when it does not load.
func Lint(srcs []Source, opt LintOptions) (*Pack, []Finding) {
	var out []Finding
	add := func(sev Severity, file string, line int, rule, format string, args ...any) {
		out = append(out, Finding{Severity: sev, File: file, Line: line, Rule: rule, Message: fmt.Sprintf(format, args...)})
	}
	// Duplicate IDs, all of them, not only the first Load stops at.
	dupFound := false
	for _, src := range srcs {
		for _, d := range duplicateIDs(src) {
			add(SevError, src.Name, d.line, d.id, "duplicate rule ID (first defined on line %d)", d.first)
			dupFound = true
		}
	}
	p, err := Load(srcs...)
	if err != nil {
		var e *errs.Error
		if errors.As(err, &e) && e.Op == "load rules" {
			if !(dupFound && strings.Contains(e.Error(), "duplicate rule ID")) {
				add(SevError, e.Path, e.Line, e.ID, "%v", e.Err)
			}
		} else {
			add(SevError, "", 0, "", "%v", err)
		}
		return nil, out
	}

	// Which rules come from the base pack, and which override it.
	base := map[string]*Rule{}
	if len(srcs) > 0 {
		if bp, err := parsePackFile(srcs[0]); err == nil {
			for _, r := range bp.Rules {
				base[r.ID] = r
			}
		}
	}
	tags := map[string]bool{}
	for _, t := range opt.Tags {
		tags[t] = true
	}
	knownLinks := map[string]bool{}
	for _, s := range linkSources {
		if s != "" {
			knownLinks[s] = true
		}
	}
	for _, r := range p.Rules {
		if b, ok := base[r.ID]; ok && len(srcs) > 0 && r.File != srcs[0].Name {
			add(SevInfo, r.File, r.Line, r.ID, "overrides the rule of %s line %d", srcs[0].Name, b.Line)
		}
		if len(tags) > 0 {
			for _, t := range termLiterals(r.When) {
				if !tags[t] {
					add(SevWarning, r.File, r.Line, r.ID, "terms[%q]: the lexicon has no tag %s, so it is always 0", t, t)
				}
			}
			for _, e := range r.Evidence {
				if t, ok := strings.CutPrefix(e, "terms:"); ok && !tags[t] {
					add(SevWarning, r.File, r.Line, r.ID, "evidence %q: the lexicon has no tag %s", e, t)
				}
			}
		}
		for _, e := range r.Evidence {
			if strings.HasPrefix(e, "links:") && !knownLinks[e] {
				add(SevWarning, r.File, r.Line, r.ID, "evidence %q: the link registry fills only %s", e, strings.Join(sortedKeys(knownLinks), ", "))
			}
		}
	}

	if opt.Extract != nil && opt.Tests != nil {
		exercised := map[string]bool{}
		for _, suite := range opt.Tests {
			results, err := RunTests(p, suite, opt.Extract)
			if err != nil {
				add(SevError, suite.File, 0, "", "running tests: %v", err)
				continue
			}
			for _, res := range results {
				for _, r := range res.Scored.Fired {
					exercised[r.ID] = true
				}
			}
		}
		for _, r := range p.Rules {
			if !exercised[r.ID] {
				add(SevWarning, r.File, r.Line, r.ID, "no test case fires this rule")
			}
		}
	}

	if opt.Extract != nil && opt.Corpus != nil {
		fires, n, err := CountFires(p, opt.Extract, opt.Corpus)
		if err != nil {
			add(SevError, "", 0, "", "scoring the corpus: %v", err)
		} else {
			for j, r := range p.Rules {
				if fires[j] > 0 {
					continue
				}
				if usesLinks(r.When) {
					add(SevInfo, r.File, r.Line, r.ID, "never fires on the %d corpus listings scored one by one (it needs listings linked across a scan)", n)
				} else {
					add(SevWarning, r.File, r.Line, r.ID, "never fires on the %d corpus listings", n)
				}
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Finding) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		return a.Line - b.Line
	})
	return p, out
}

// CountFires scores every listing of in and counts, per rule of p, the
// listings it fires on; it also returns how many listings were scored.
func CountFires(p *Pack, extract ExtractFunc, in iter.Seq[corpus.Record]) ([]int, int, error) {
	ev := p.NewEvaluator()
	fires := make([]int, len(p.Rules))
	n := 0
	for rec := range in {
		if rec.Err != nil {
			continue
		}
		l := rec.Listing
		if l.Body == "" && l.HTML != "" {
			l.Body = corpus.TextFromHTML(l.HTML)
		}
		s, err := ev.Evaluate(extract(l))
		if err != nil {
			return nil, n, err
		}
		n++
		for j, on := range p.FiredVector(s) {
			if on {
				fires[j]++
			}
		}
	}
	return fires, n, nil
}

type dup struct {
	id          string
	line, first int
}

// duplicateIDs finds every repeated rule ID in one pack file.
func duplicateIDs(src Source) []dup {
	var root yaml.Node
	if yaml.Unmarshal(src.Data, &root) != nil || len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return nil
	}
	doc := root.Content[0]
	var out []dup
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value != "rules" || doc.Content[i+1].Kind != yaml.SequenceNode {
			continue
		}
		seen := map[string]int{}
		for _, rn := range doc.Content[i+1].Content {
			if rn.Kind != yaml.MappingNode {
				continue
			}
			for k := 0; k+1 < len(rn.Content); k += 2 {
				if rn.Content[k].Value != "id" {
					continue
				}
				id := rn.Content[k+1].Value
				if first, ok := seen[id]; ok {
					out = append(out, dup{id: id, line: rn.Line, first: first})
				} else {
					seen[id] = rn.Line
				}
			}
		}
	}
	return out
}

// visitor collects what lint needs from a condition's syntax tree.
type visitor struct {
	terms []string
	links bool
}

func (v *visitor) Visit(n *ast.Node) {
	m, ok := (*n).(*ast.MemberNode)
	if !ok {
		return
	}
	id, ok := m.Node.(*ast.IdentifierNode)
	if !ok {
		return
	}
	switch id.Value {
	case "terms":
		if s, ok := m.Property.(*ast.StringNode); ok {
			v.terms = append(v.terms, s.Value)
		}
	case "links":
		v.links = true
	}
}

func walk(cond string) *visitor {
	v := &visitor{}
	tree, err := parser.Parse(cond)
	if err != nil {
		return v
	}
	ast.Walk(&tree.Node, v)
	return v
}

// termLiterals lists the tags a condition looks up as terms["tag"].
func termLiterals(cond string) []string { return walk(cond).terms }

// usesLinks reports whether a condition reads link features.
func usesLinks(cond string) bool { return walk(cond).links }
