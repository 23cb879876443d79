package rules

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/errs"
	"github.com/redthread/redthread/indicators"
)

// ExtractFunc computes a listing's features; the command passes
// indicators.Extractor.Extract, so this package never needs the scanner.
type ExtractFunc func(*corpus.Listing) *indicators.Features

// TestCase is one rule test: a listing and what scoring it must and must
// not produce.
type TestCase struct {
	Name      string          // what the case shows
	Listing   *corpus.Listing // the input, as in FORMATS.md
	Links     map[string]int  // link features to set (links.NAME), since links need other listings
	Expect    []string        // indicator IDs that must be raised
	ExpectNot []string        // indicator IDs that must not be raised
	Rules     []string        // rule IDs that must fire
	RulesNot  []string        // rule IDs that must not fire
	Level     string          // exact level, when given
	MinLevel  string          // lowest acceptable level, when given
	MaxLevel  string          // highest acceptable level, when given

	File string // test file and line of the case
	Line int
}

// TestSuite is the parsed contents of one test file.
type TestSuite struct {
	File  string
	Cases []*TestCase
}

// testCaseFile is a case as written.
type testCaseFile struct {
	Name      string         `yaml:"name"`
	Listing   yaml.Node      `yaml:"listing"`
	Links     map[string]int `yaml:"links"`
	Expect    []string       `yaml:"expect"`
	ExpectNot []string       `yaml:"expect_not"`
	Rules     []string       `yaml:"rules"`
	RulesNot  []string       `yaml:"rules_not"`
	Level     string         `yaml:"level"`
	MinLevel  string         `yaml:"min_level"`
	MaxLevel  string         `yaml:"max_level"`
}

// linkSources maps each link feature a test may set to the evidence source
// the link registry fills with it. generic_contact has no evidence of its
// own (generic gives the links:generic note).
var linkSources = map[string]string{
	"shared_contacts": "links:shared_contact",
	"reused_photos":   "links:reused_photo",
	"templates":       "links:template_text",
	"inconsistent":    "links:inconsistent_info",
	"hash_list":       "links:hash_list",
	"generic_contact": "",
	"cross_kind":      "",
	"reposts":         "links:repost",
	"generic":         "links:generic",
}

var levelRank = map[string]int{corpus.LevelLow: 0, corpus.LevelMedium: 1, corpus.LevelHigh: 2}

// TestsPath is where the tests of the pack at path live: X.yaml → X_test.yaml.
func TestsPath(path string) string {
	for _, ext := range []string{".yaml", ".yml"} {
		if strings.HasSuffix(path, ext) {
			return strings.TrimSuffix(path, ext) + "_test" + ext
		}
	}
	return path + "_test.yaml"
}

// LoadTestFile reads and parses a test file.
func LoadTestFile(path string) (*TestSuite, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, errs.E("load rule tests", errs.Config, err)
	}
	return ParseTests(Source{Name: path, Data: data})
}

// ParseTests parses a rule test file:
//
//	tests:
//	  - name: what the case shows
//	    listing: {kind: job, title: ..., body: ..., country: RS}
//	    links: {shared_contacts: 2}      # optional link features
//	    expect: [job.urgency]            # indicators that must be raised
//	    expect_not: [job.fee_or_debt]    # indicators that must not be raised
//	    rules: [job.urgency/lexicon]     # rules that must fire
//	    rules_not: []                    # rules that must not fire
//	    level: high                      # or min_level / max_level
//
// Errors name the file and the line of the offending case.
func ParseTests(src Source) (*TestSuite, error) {
	fail := func(line int, name string, err error) error {
		return &errs.Error{Op: "load rule tests", Kind: errs.Config, Path: src.Name, Line: line, ID: name, Err: err}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(src.Data, &root); err != nil {
		return nil, fail(0, "", err)
	}
	suite := &TestSuite{File: src.Name}
	if len(root.Content) == 0 {
		return suite, nil
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return nil, fail(doc.Line, "", fmt.Errorf("a test file is a mapping with a tests: list"))
	}
	var cases *yaml.Node
	for i := 0; i+1 < len(doc.Content); i += 2 {
		switch k := doc.Content[i]; k.Value {
		case "tests":
			cases = doc.Content[i+1]
		default:
			return nil, fail(k.Line, "", fmt.Errorf("unknown key %q (a test file has only tests:)", k.Value))
		}
	}
	if cases == nil || cases.Tag == "!!null" {
		return suite, nil
	}
	if cases.Kind != yaml.SequenceNode {
		return nil, fail(cases.Line, "", fmt.Errorf("tests: must be a list"))
	}
	names := map[string]int{}
	for i, n := range cases.Content {
		var tc testCaseFile
		if err := decodeCase(n, &tc); err != nil {
			return nil, fail(n.Line, caseName(n), err)
		}
		name := tc.Name
		if name == "" {
			name = fmt.Sprintf("case %d", i+1)
		}
		if prev, dup := names[name]; dup {
			return nil, fail(n.Line, name, fmt.Errorf("duplicate test name (first on line %d)", prev))
		}
		names[name] = n.Line
		c := &TestCase{Name: name, Expect: tc.Expect, ExpectNot: tc.ExpectNot, Rules: tc.Rules, RulesNot: tc.RulesNot,
			Level: tc.Level, MinLevel: tc.MinLevel, MaxLevel: tc.MaxLevel, File: src.Name, Line: n.Line}
		l, err := decodeListing(&tc.Listing)
		if err != nil {
			return nil, fail(n.Line, name, err)
		}
		c.Listing = l
		for k := range tc.Links {
			if _, ok := linkSources[k]; !ok {
				return nil, fail(n.Line, name, fmt.Errorf("unknown link feature %q (use %s)", k, strings.Join(sortedKeys(linkSources), ", ")))
			}
			if tc.Links[k] < 0 {
				return nil, fail(n.Line, name, fmt.Errorf("link feature %q is negative", k))
			}
		}
		c.Links = tc.Links
		for _, lv := range []string{c.Level, c.MinLevel, c.MaxLevel} {
			if _, ok := levelRank[lv]; lv != "" && !ok {
				return nil, fail(n.Line, name, fmt.Errorf("unknown level %q (use low, medium, high)", lv))
			}
		}
		if len(c.Expect)+len(c.ExpectNot)+len(c.Rules)+len(c.RulesNot) == 0 && c.Level+c.MinLevel+c.MaxLevel == "" {
			return nil, fail(n.Line, name, fmt.Errorf("the case checks nothing: give expect, expect_not, rules, rules_not or a level"))
		}
		suite.Cases = append(suite.Cases, c)
	}
	return suite, nil
}

// caseKeys are the keys a test case may have.
var caseKeys = map[string]bool{"name": true, "listing": true, "links": true, "expect": true, "expect_not": true,
	"rules": true, "rules_not": true, "level": true, "min_level": true, "max_level": true}

// decodeCase decodes a case, refusing unknown keys with their own line.
func decodeCase(n *yaml.Node, tc *testCaseFile) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("a test case is a mapping")
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; !caseKeys[k.Value] {
			return fmt.Errorf("line %d: unknown key %q (use %s)", k.Line, k.Value, strings.Join(sortedKeys(caseKeys), ", "))
		}
	}
	return n.Decode(tc)
}

// decodeListing reads the listing node through JSON so its field names are
// exactly those of FORMATS.md (unknown fields go to Fields, as on input).
func decodeListing(n *yaml.Node) (*corpus.Listing, error) {
	if n.Kind == 0 {
		return nil, fmt.Errorf("no listing")
	}
	if n.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("listing must be a mapping of FORMATS.md fields")
	}
	var m map[string]any
	if err := n.Decode(&m); err != nil {
		return nil, fmt.Errorf("listing: %v", err)
	}
	data, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("listing: %v", err)
	}
	var l corpus.Listing
	if err := json.Unmarshal(data, &l); err != nil {
		return nil, fmt.Errorf("listing: %v", err)
	}
	if strings.TrimSpace(l.Body) == "" && strings.TrimSpace(l.HTML) == "" {
		return nil, fmt.Errorf("listing has neither body nor html")
	}
	return &l, nil
}

// caseName is the name: of a case node, if it has one.
func caseName(n *yaml.Node) string {
	for i := 0; n.Kind == yaml.MappingNode && i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "name" {
			return n.Content[i+1].Value
		}
	}
	return ""
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// CaseResult is the outcome of one test case.
type CaseResult struct {
	Case     *TestCase
	Scored   Scored
	Failures []string // empty when the case passed
}

// Passed reports whether the case passed.
func (r CaseResult) Passed() bool { return len(r.Failures) == 0 }

// Features extracts the case's listing and applies its link features.
func (c *TestCase) Features(extract ExtractFunc) *indicators.Features {
	l := *c.Listing
	if l.Body == "" && l.HTML != "" {
		l.Body = corpus.TextFromHTML(l.HTML)
	}
	if l.ID == "" {
		l.ID = "test:" + c.Name
	}
	f := extract(&l)
	for _, k := range sortedKeys(c.Links) {
		n := c.Links[k]
		if n == 0 {
			continue
		}
		switch k {
		case "shared_contacts":
			f.Links.SharedContacts = n
		case "reused_photos":
			f.Links.ReusedPhotos = n
		case "templates":
			f.Links.Templates = n
		case "inconsistent":
			f.Links.Inconsistent = n
		case "hash_list":
			f.Links.HashList = n
		case "generic_contact":
			f.Links.GenericContact = n
		case "cross_kind":
			f.Links.CrossKind = n
		case "reposts":
			f.Links.Reposts = n
		case "generic":
			f.Links.Generic = n
		}
		// Evidence as the link registry gives it: what is shared, and
		// with which listings.
		if src := linkSources[k]; src != "" {
			linked := make([]string, n)
			if k == "generic" {
				linked = nil // a generic key links nothing
			}
			for i := range linked {
				linked[i] = fmt.Sprintf("test-linked-%d", i+1)
			}
			f.Add(src, indicators.Span{Evidence: corpus.Evidence{Field: "links", Shared: k, Note: fmt.Sprintf("set by test: %s=%d", k, n)}, Linked: linked})
		}
	}
	return f
}

// Run scores the case with ev and checks its expectations.
func (c *TestCase) Run(ev *Evaluator, extract ExtractFunc) (CaseResult, error) {
	res := CaseResult{Case: c}
	s, err := ev.Evaluate(c.Features(extract))
	if err != nil {
		return res, err
	}
	res.Scored = s
	raised := map[string]bool{}
	for _, h := range s.Hits {
		raised[h.ID] = true
	}
	fired := map[string]bool{}
	for _, r := range s.Fired {
		fired[r.ID] = true
	}
	failf := func(format string, args ...any) { res.Failures = append(res.Failures, fmt.Sprintf(format, args...)) }
	for _, id := range c.Expect {
		if !raised[id] {
			failf("expected indicator %s, not raised", id)
		}
	}
	for _, id := range c.ExpectNot {
		if raised[id] {
			failf("indicator %s raised but must not be (rules %s)", id, rulesFor(s, id))
		}
	}
	for _, id := range c.Rules {
		if !fired[id] {
			failf("expected rule %s to fire, it did not", id)
		}
	}
	for _, id := range c.RulesNot {
		if fired[id] {
			failf("rule %s fired but must not", id)
		}
	}
	got := levelRank[s.Level]
	if c.Level != "" && s.Level != c.Level {
		failf("level %s (score %d), want %s", s.Level, s.Score, c.Level)
	}
	if c.MinLevel != "" && got < levelRank[c.MinLevel] {
		failf("level %s (score %d), want at least %s", s.Level, s.Score, c.MinLevel)
	}
	if c.MaxLevel != "" && got > levelRank[c.MaxLevel] {
		failf("level %s (score %d), want at most %s", s.Level, s.Score, c.MaxLevel)
	}
	return res, nil
}

func rulesFor(s Scored, indicator string) string {
	var ids []string
	for _, r := range s.Fired {
		if r.Indicator == indicator {
			ids = append(ids, r.ID)
		}
	}
	return strings.Join(ids, ",")
}

// RunTests runs every case of suite against p.
func RunTests(p *Pack, suite *TestSuite, extract ExtractFunc) ([]CaseResult, error) {
	ev := p.NewEvaluator()
	out := make([]CaseResult, 0, len(suite.Cases))
	for _, c := range suite.Cases {
		r, err := c.Run(ev, extract)
		if err != nil {
			return out, &errs.Error{Op: "run rule tests", Kind: errs.Internal, Path: c.File, Line: c.Line, ID: c.Name, Err: err}
		}
		r.Failures = append(unknownIDs(p, c), r.Failures...)
		out = append(out, r)
	}
	return out, nil
}

// unknownIDs lists the indicator and rule IDs a case names that p cannot
// raise or does not have: a misspelt ID in expect_not would pass forever.
func unknownIDs(p *Pack, c *TestCase) []string {
	var out []string
	for _, id := range append(slices.Clone(c.Expect), c.ExpectNot...) {
		if !slices.ContainsFunc(p.Rules, func(r *Rule) bool { return r.Indicator == id }) {
			out = append(out, "no rule in the pack raises indicator "+id)
		}
	}
	for _, id := range append(slices.Clone(c.Rules), c.RulesNot...) {
		if !slices.ContainsFunc(p.Rules, func(r *Rule) bool { return r.ID == id }) {
			out = append(out, "no rule "+id+" in the pack")
		}
	}
	return out
}
