// Package rules loads rule packs — YAML files of weighted, explained rules
// over indicators.Features — compiles their conditions once with expr,
// and scores listings with a logistic combination of the rules that fire.
// The default pack is embedded; users add packs that override rules by ID.
// See README.md in this folder for the rule language.
package rules

import (
	"bytes"
	"embed"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"text/template"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
	"gopkg.in/yaml.v3"

	"github.com/redthread/redthread/errs"
	"github.com/redthread/redthread/indicators"
)

//go:embed default/pack.yaml default/pack_test.yaml
var defaultFS embed.FS

// Rule is one weighted condition that raises an indicator.
type Rule struct {
	ID        string   `yaml:"id"`        // unique rule ID, e.g. "job.urgency/lexicon"
	Indicator string   `yaml:"indicator"` // indicator ID it raises (INDICATORS.md or the user's own)
	Kinds     []string `yaml:"kinds"`     // listing kinds it applies to; empty = all
	When      string   `yaml:"when"`      // expr condition over indicators.Features
	Weight    float64  `yaml:"weight"`    // log-odds contribution when it fires
	Evidence  []string `yaml:"evidence"`  // evidence sources (indicators.Features.Spans keys)
	Explain   string   `yaml:"explain"`   // text/template: .Texts, .Count, .F (features), .Rule

	File string `yaml:"-"` // where the rule was defined
	Line int    `yaml:"-"`

	prog *vm.Program
	tmpl *template.Template
	fast []explainPart // the template as parts when it uses only .Texts and .Count (see fastExplain)
	// guards are conjuncts of When decided without the VM; when
	// guardsOnly, they are the whole condition (see compileGuards).
	guards     []guard
	guardsOnly bool
}

// Levels are the score thresholds of the levels.
type Levels struct {
	Medium int `yaml:"medium"`
	High   int `yaml:"high"`
}

// Pack is a compiled rule pack.
type Pack struct {
	Name    string  `yaml:"name"`
	Version string  `yaml:"version"`
	Bias    float64 `yaml:"bias"` // log-odds of a listing with no rule firing
	Levels  Levels  `yaml:"levels"`
	Rules   []*Rule `yaml:"rules"`

	// Sources lists the files the pack was built from, in order.
	Sources []string `yaml:"-"`
}

// packFile is a pack as written, before merging.
type packFile struct {
	Name    string   `yaml:"name"`
	Version string   `yaml:"version"`
	Bias    *float64 `yaml:"bias"`
	Levels  *Levels  `yaml:"levels"`
	Rules   []*Rule  `yaml:"rules"`
}

// Source is a pack file to load.
type Source struct {
	Name string
	Data []byte
}

// DefaultSource is the embedded default pack.
func DefaultSource() Source {
	data, _ := defaultFS.ReadFile("default/pack.yaml")
	return Source{Name: "default/pack.yaml", Data: data}
}

// DefaultTests is the embedded default pack's test file.
func DefaultTests() Source {
	data, _ := defaultFS.ReadFile("default/pack_test.yaml")
	return Source{Name: "default/pack_test.yaml", Data: data}
}

// LoadFiles loads the default pack, then each file in order; later packs
// override earlier rules with the same ID.
func LoadFiles(paths ...string) (*Pack, error) {
	srcs := []Source{DefaultSource()}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, errs.E("load rules", errs.Config, err)
		}
		srcs = append(srcs, Source{Name: p, Data: data})
	}
	return Load(srcs...)
}

var ruleIDPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+(/[a-z0-9_.-]+)?$`)

// Load parses, merges and compiles packs. Any error — YAML, an unknown
// feature, a type error, a duplicate rule ID within one file — refuses the
// whole pack, naming the file, line and rule.
func Load(srcs ...Source) (*Pack, error) {
	p := &Pack{Levels: Levels{Medium: 40, High: 70}}
	index := map[string]int{}
	var names, versions []string
	for _, src := range srcs {
		pf, err := parsePackFile(src)
		if err != nil {
			return nil, err
		}
		p.Sources = append(p.Sources, src.Name)
		if pf.Name != "" {
			names = append(names, pf.Name)
			versions = append(versions, pf.Name+"@"+pf.Version)
		}
		if pf.Bias != nil {
			p.Bias = *pf.Bias
		}
		if pf.Levels != nil {
			p.Levels = *pf.Levels
		}
		seen := map[string]int{}
		for _, r := range pf.Rules {
			if prev, dup := seen[r.ID]; dup {
				return nil, &errs.Error{Op: "load rules", Kind: errs.Config, Path: src.Name, Line: r.Line, ID: r.ID,
					Err: fmt.Errorf("duplicate rule ID (first defined on line %d)", prev)}
			}
			seen[r.ID] = r.Line
			if err := compileRule(r); err != nil {
				return nil, err
			}
			if i, ok := index[r.ID]; ok {
				p.Rules[i] = r
			} else {
				index[r.ID] = len(p.Rules)
				p.Rules = append(p.Rules, r)
			}
		}
	}
	if len(names) > 0 {
		p.Name = names[len(names)-1]
	}
	p.Version = strings.Join(versions, "+")
	if p.Levels.Medium <= 0 || p.Levels.High <= p.Levels.Medium || p.Levels.High > 100 {
		return nil, errs.E("load rules", errs.Config, fmt.Errorf("levels must satisfy 0 < medium < high <= 100, got medium %d high %d", p.Levels.Medium, p.Levels.High))
	}
	return p, nil
}

func parsePackFile(src Source) (*packFile, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(src.Data, &root); err != nil {
		return nil, &errs.Error{Op: "load rules", Kind: errs.Config, Path: src.Name, Err: err}
	}
	if len(root.Content) == 0 {
		return nil, &errs.Error{Op: "load rules", Kind: errs.Config, Path: src.Name, Err: fmt.Errorf("empty rule pack")}
	}
	doc := root.Content[0]
	if err := checkPackNodes(src, doc); err != nil {
		return nil, err
	}
	var pf packFile
	dec := func(n *yaml.Node, v any) error {
		var buf bytes.Buffer
		enc := yaml.NewEncoder(&buf)
		if err := enc.Encode(n); err != nil {
			return err
		}
		d := yaml.NewDecoder(&buf)
		d.KnownFields(true)
		return d.Decode(v)
	}
	if err := dec(doc, &pf); err != nil {
		line := 0
		// Find the offending rule's line for a better message.
		return nil, &errs.Error{Op: "load rules", Kind: errs.Config, Path: src.Name, Line: line, Err: err}
	}
	// Attach line numbers from the node tree.
	if doc.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(doc.Content); i += 2 {
			if doc.Content[i].Value == "rules" && doc.Content[i+1].Kind == yaml.SequenceNode {
				for j, rn := range doc.Content[i+1].Content {
					if j < len(pf.Rules) {
						pf.Rules[j].Line = rn.Line
						pf.Rules[j].File = src.Name
					}
				}
			}
		}
	}
	for _, r := range pf.Rules {
		if r == nil {
			return nil, &errs.Error{Op: "load rules", Kind: errs.Config, Path: src.Name, Err: fmt.Errorf("empty rule entry")}
		}
		if !ruleIDPattern.MatchString(r.ID) {
			return nil, &errs.Error{Op: "load rules", Kind: errs.Config, Path: src.Name, Line: r.Line, ID: r.ID,
				Err: fmt.Errorf("rule ID %q must look like indicator.name or indicator.name/variant", r.ID)}
		}
	}
	return &pf, nil
}

// features is the type conditions are checked against.
var features = indicators.Features{}

// kinds a rule may name.
var validKinds = map[string]bool{"job": true, "escort": true, "other": true}

func compileRule(r *Rule) error {
	fail := func(err error) error {
		return &errs.Error{Op: "load rules", Kind: errs.Config, Path: r.File, Line: r.Line, ID: r.ID, Err: err}
	}
	if r.Indicator == "" {
		return fail(fmt.Errorf("missing indicator"))
	}
	if !ruleIDPattern.MatchString(r.Indicator) || strings.Contains(r.Indicator, "/") {
		return fail(fmt.Errorf("indicator %q is not an indicator ID", r.Indicator))
	}
	if strings.TrimSpace(r.When) == "" {
		return fail(fmt.Errorf("missing condition (when)"))
	}
	for _, k := range r.Kinds {
		if !validKinds[k] {
			return fail(fmt.Errorf("unknown kind %q (use job, escort, other)", k))
		}
	}
	if len(r.Evidence) == 0 {
		return fail(fmt.Errorf("no evidence sources: every hit must show what triggered it"))
	}
	for _, e := range r.Evidence {
		if !validEvidence(e) {
			return fail(fmt.Errorf("unknown evidence source %q", e))
		}
	}
	prog, err := expr.Compile(r.When, expr.Env(features), expr.AsBool())
	if err != nil {
		return fail(fmt.Errorf("condition: %v", err))
	}
	r.prog = prog
	r.guards, r.guardsOnly = compileGuards(r.When)
	text := r.Explain
	if text == "" {
		text = r.Indicator + ": {{.Texts}}"
	}
	t, err := template.New(r.ID).Option("missingkey=error").Parse(text)
	if err != nil {
		return fail(fmt.Errorf("explain template: %v", err))
	}
	r.tmpl = t
	r.fast = fastExplain(t)
	return nil
}

// evidencePrefixes are the families of evidence sources.
var evidenceSources = []string{"terms:", "pay", "contacts:obfuscated", "contacts:messenger", "contacts:freemail",
	"contacts:phone", "contacts:all", "ages", "ages:under21", "ages:under18", "names", "text:poor", "employer:vague", "spec:absent", "structure:no_employer", "links:"}

func validEvidence(e string) bool {
	for _, s := range evidenceSources {
		if strings.HasSuffix(s, ":") && strings.HasPrefix(e, s) && len(e) > len(s) {
			return true
		}
		if e == s {
			return true
		}
	}
	return false
}

// Indicators lists the indicator IDs the pack can raise, sorted.
func (p *Pack) Indicators() []string {
	set := map[string]bool{}
	for _, r := range p.Rules {
		set[r.Indicator] = true
	}
	out := make([]string, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}
