// Package concept matches concept patterns: small per-language word classes
// (TRAVEL: ticket, flight, visa…; COVER: paid, covered, at our expense…;
// DOC; KEEP; REQUEST; PII…) combined by patterns that allow any order
// within a window of words, with negation scoped to a few words. Class
// words match on word forms (a Snowball stem where one exists, else the
// language's suffix list, then a bounded suffix) and, in long words, with
// one edit of tolerance. Patterns and classes are data (data/*.yaml,
// PATTERN-FORMAT.md); every hit keeps the byte span of the words that made
// it.
package concept

import (
	"bytes"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
	"github.com/blevesearch/snowballstem/french"
	"github.com/blevesearch/snowballstem/german"
	"github.com/blevesearch/snowballstem/italian"
	"github.com/blevesearch/snowballstem/romanian"
	"github.com/blevesearch/snowballstem/russian"
	"github.com/blevesearch/snowballstem/spanish"
	"gopkg.in/yaml.v3"

	"github.com/redthread/redthread/indicators/token"
	"github.com/redthread/redthread/indicators/translit"
)

//go:embed data/*.yaml
var dataFS embed.FS

// file is one data file as written.
type file struct {
	Language  string              `yaml:"language"`
	Updated   string              `yaml:"updated"`
	Sources   []string            `yaml:"sources"`
	Stemmer   string              `yaml:"stemmer"`    // snowball, suffixes or none
	Suffixes  []string            `yaml:"suffixes"`   // for stemmer: suffixes, longest first not required
	MaxSuffix int                 `yaml:"max_suffix"` // letters a word form may add to a stem (default 3)
	MinStem   int                 `yaml:"min_stem"`   // shortest stem matched by its forms (default 5 with Snowball, else 4)
	Classes   map[string][]string `yaml:"classes"`
	Patterns  []PatternSpec       `yaml:"patterns"`
	Tests     []TestCase          `yaml:"tests"`
	// PhraseNegation names the tags whose lexicon phrases a negation word
	// just before cancels, and how many words back it reaches.
	PhraseNegation *PhraseNegation `yaml:"phrase_negation"`
}

// PhraseNegation is which lexicon phrases the NEG class cancels.
type PhraseNegation struct {
	Tags  []string `yaml:"tags"`
	Reach int      `yaml:"reach"` // words before the phrase
}

// TestCase is a unit test in a data file: the tags a text must and must
// not raise in the file's language.
type TestCase struct {
	Text   string   `yaml:"text"`
	Expect []string `yaml:"expect"`
	Absent []string `yaml:"absent"`
}

// LangTest is a TestCase with its language and file.
type LangTest struct {
	TestCase
	Lang, File string
}

// PatternSpec is a pattern as written in a data file.
type PatternSpec struct {
	Tag  string   `yaml:"tag"`  // indicator or feature tag the hit counts for
	Name string   `yaml:"name"` // short name shown in the evidence note
	All  []string `yaml:"all"`  // classes that must all occur (a class twice: two different words)
	Not  []string `yaml:"not"`  // classes that void the match when they occur in its window
	// NotBefore are classes that void the match only when one of their
	// words stands at most neg_span words before it, in its sentence and
	// clause: "accommodation in a hotel" is no hotel job, "hotel work,
	// accommodation free" is.
	NotBefore []string `yaml:"not_before"`
	Window    int      `yaml:"window"`   // words from the first to the last matched word (default 8)
	Lines     bool     `yaml:"lines"`    // the window may cross sentence and line ends
	Negate    *bool    `yaml:"negate"`   // false: a negation word does not void the match (default true)
	NegSpan   int      `yaml:"neg_span"` // words before the match a negation reaches (default 3)
	Langs     []string `yaml:"langs"`    // languages the pattern runs for (default all)
	Example   []string `yaml:"examples"` // texts that must match (tested)
	Counter   []string `yaml:"counter"`  // texts that must not match (tested)
	Source    string   `yaml:"source"`
}

// NamedReader is an extra data file.
type NamedReader struct {
	Name string
	R    io.Reader
}

// LoadError says which file and what is wrong.
type LoadError struct {
	File string
	Err  error
}

func (e *LoadError) Error() string { return e.File + ": " + e.Err.Error() }
func (e *LoadError) Unwrap() error { return e.Err }

// Set is the compiled classes and patterns of all languages. It is
// immutable and safe for concurrent use.
type Set struct {
	langs     map[string]*langSet
	patterns  []*pattern // language-neutral patterns (patterns.yaml and every file's)
	tags      []string
	tests     []LangTest
	phraseNeg PhraseNegation
}

// PhraseNegation returns the tags whose phrases a negation word cancels
// and the number of words it reaches back (patterns.yaml phrase_negation;
// later files add tags and may set the reach).
func (s *Set) PhraseNegation() PhraseNegation { return s.phraseNeg }

// Tests returns the unit tests written in the data files, and each
// pattern's examples and counter-examples as English tests.
func (s *Set) Tests() []LangTest {
	out := slices.Clone(s.tests)
	for _, p := range s.patterns {
		lang := "en"
		if len(p.Langs) > 0 {
			lang = p.Langs[0]
		}
		for _, e := range p.Example {
			out = append(out, LangTest{TestCase{Text: e, Expect: []string{p.Tag}}, lang, "pattern " + p.Name})
		}
		for _, e := range p.Counter {
			out = append(out, LangTest{TestCase{Text: e, Absent: []string{p.Tag}}, lang, "pattern " + p.Name})
		}
	}
	return out
}

// langSet is one language's compiled classes.
type langSet struct {
	lang    string
	classes []string // class names, index = class id (< 64)
	classID map[string]int
	trie    *trie
	fuzzy   map[string][]fuzzyRef // deletion variants of long single words
	// fuzzyPrefix holds the first three bytes of the long words and of
	// their forms with one of the first three letters dropped: a word
	// whose start is in none of them is not looked up (a typo in the first
	// two letters is not forgiven).
	fuzzyPrefix map[[3]byte]bool
	neg         int // id of NEG, -1 none
	maxSuffix   int
	patterns    []*cpattern // patterns compiled against this language's classes
	numbers     []numRange  // classes of numbers ("#16-40")
	// alt holds the transliteration keys (package translit) of the class
	// words of a language written in another script (ru, uk, bg, sr, el),
	// looked up for the listing's Latin words: "oplachivaem", "8elw".
	alt *trie
}

// Shortest keys of transliterated class words: a shorter key (from "в",
// "на", "их") would meet too many unrelated Latin words. Negation words
// are short by nature ("ne", "bez", "den") and may be two letters.
const (
	minAltKey    = 3
	minAltKeyNeg = 2
	minAltStem   = 4
)

// numRange puts whole numbers from lo to hi in a class.
type numRange struct{ class, lo, hi int }

type fuzzyRef struct {
	class int
	word  string
}

// pattern is a spec with defaults applied.
type pattern struct {
	PatternSpec
	negate bool
	langs  map[string]bool
}

// cpattern is a pattern compiled for one language.
type cpattern struct {
	*pattern
	all       []int // class ids, sorted
	not       []int
	notBefore []int
}

var (
	defaultOnce sync.Once
	defaultSet  *Set
	defaultErr  error
)

// Default returns the set compiled from the embedded data, compiled once
// per process (a Set is immutable).
func Default() (*Set, error) {
	defaultOnce.Do(func() { defaultSet, defaultErr = Load() })
	return defaultSet, defaultErr
}

// Load compiles the embedded data files and the extra ones (same format;
// an extra file for a language adds classes words and patterns).
func Load(extra ...NamedReader) (*Set, error) {
	var files []*file
	var names []string
	ents, err := fs.ReadDir(dataFS, "data")
	if err != nil {
		return nil, err
	}
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".yaml") {
			continue
		}
		b, err := dataFS.ReadFile(path.Join("data", e.Name()))
		if err != nil {
			return nil, err
		}
		f, err := parse(e.Name(), bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		files = append(files, f)
		names = append(names, e.Name())
	}
	for _, x := range extra {
		f, err := parse(x.Name, x.R)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
		names = append(names, x.Name)
	}
	return compile(files, names)
}

func parse(name string, r io.Reader) (*file, error) {
	var f file
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, &LoadError{name, err}
	}
	if f.Language == "" {
		return nil, &LoadError{name, fmt.Errorf("no language")}
	}
	return &f, nil
}

func compile(files []*file, names []string) (*Set, error) {
	s := &Set{langs: map[string]*langSet{}}
	type acc struct {
		stemmer   string
		suffixes  []string
		maxSuffix int
		minStem   int
		classes   map[string][]string
	}
	accs := map[string]*acc{}
	var specs []PatternSpec
	var specFile []string
	for i, f := range files {
		a := accs[f.Language]
		if a == nil {
			a = &acc{classes: map[string][]string{}, maxSuffix: 3}
			accs[f.Language] = a
		}
		if f.Stemmer != "" {
			a.stemmer = f.Stemmer
		}
		a.suffixes = append(a.suffixes, f.Suffixes...)
		if f.MaxSuffix > 0 {
			a.maxSuffix = f.MaxSuffix
		}
		if f.MinStem > 0 {
			a.minStem = f.MinStem
		}
		for c, ws := range f.Classes {
			if strings.ToUpper(c) != c {
				return nil, &LoadError{names[i], fmt.Errorf("class %q: class names are in capitals", c)}
			}
			a.classes[c] = append(a.classes[c], ws...)
		}
		for _, t := range f.Tests {
			s.tests = append(s.tests, LangTest{t, f.Language, names[i]})
		}
		if pn := f.PhraseNegation; pn != nil {
			s.phraseNeg.Tags = append(s.phraseNeg.Tags, pn.Tags...)
			if pn.Reach > 0 {
				s.phraseNeg.Reach = pn.Reach
			}
		}
		for _, p := range f.Patterns {
			if f.Language != "xx" && len(p.Langs) == 0 {
				p.Langs = []string{f.Language}
			}
			specs = append(specs, p)
			specFile = append(specFile, names[i])
		}
	}
	// Language-neutral classes (xx) join every language.
	var neutral map[string][]string
	if a := accs["xx"]; a != nil {
		neutral = a.classes
	}
	for lang, a := range accs {
		if lang == "xx" {
			continue
		}
		ls, err := compileLang(lang, a.stemmer, a.suffixes, a.maxSuffix, a.minStem, a.classes, neutral)
		if err != nil {
			return nil, &LoadError{lang, err}
		}
		s.langs[lang] = ls
	}
	tagSet := map[string]bool{}
	for i, sp := range specs {
		if sp.Tag == "" || len(sp.All) == 0 {
			return nil, &LoadError{specFile[i], fmt.Errorf("pattern %q: needs tag and all", sp.Name)}
		}
		p := &pattern{PatternSpec: sp, negate: sp.Negate == nil || *sp.Negate}
		if p.Window <= 0 {
			p.Window = 8
		}
		if p.NegSpan <= 0 {
			p.NegSpan = 3
		}
		if p.Name == "" {
			p.Name = strings.ToLower(strings.Join(sp.All, "+"))
		}
		if len(sp.Langs) > 0 {
			p.langs = map[string]bool{}
			for _, l := range sp.Langs {
				p.langs[l] = true
			}
		}
		tagSet[p.Tag] = true
		s.patterns = append(s.patterns, p)
		used := false
		for _, ls := range s.langs {
			if p.langs != nil && !p.langs[ls.lang] {
				continue
			}
			cp, ok := ls.compilePattern(p)
			if ok {
				ls.patterns = append(ls.patterns, cp)
				used = true
			}
		}
		if len(sp.Langs) > 0 && !used {
			return nil, &LoadError{specFile[i], fmt.Errorf("pattern %q: a class it needs is not defined for %v", p.Name, sp.Langs)}
		}
	}
	for t := range tagSet {
		s.tags = append(s.tags, t)
	}
	sort.Strings(s.tags)
	return s, nil
}

func compileLang(lang, stemmer string, suffixes []string, maxSuffix, minStem int, classes, neutral map[string][]string) (*langSet, error) {
	ls := &langSet{lang: lang, classID: map[string]int{}, trie: newTrie(), fuzzy: map[string][]fuzzyRef{},
		fuzzyPrefix: map[[3]byte]bool{}, neg: -1, maxSuffix: maxSuffix}
	all := map[string][]string{}
	for c, ws := range classes {
		all[c] = append(all[c], ws...)
	}
	for c, ws := range neutral {
		all[c] = append(all[c], ws...)
	}
	names := make([]string, 0, len(all))
	for c := range all {
		names = append(names, c)
	}
	sort.Strings(names)
	if len(names) > maxClasses {
		return nil, fmt.Errorf("%d classes: at most %d per language", len(names), maxClasses)
	}
	stem, snowball := stemFunc(lang, stemmer, suffixes)
	if minStem <= 0 {
		// Snowball stems are short ("apples" → "appl", which "apply"
		// starts with): ask for one letter more.
		minStem = 4
		if snowball {
			minStem = 5
		}
	}
	var tk token.Doc
	for id, c := range names {
		for _, w := range all[c] {
			if r, ok := strings.CutPrefix(w, "#"); ok {
				lo, hi, found := strings.Cut(r, "-")
				a, err1 := strconv.Atoi(lo)
				b, err2 := strconv.Atoi(hi)
				if !found || err1 != nil || err2 != nil || a > b {
					return nil, fmt.Errorf("class %s: number range %q is not #LOW-HIGH", c, w)
				}
				ls.numbers = append(ls.numbers, numRange{id, a, b})
			}
		}
		ls.classes = append(ls.classes, c)
		ls.classID[c] = id
		if c == "NEG" {
			ls.neg = id
		}
		for _, w := range all[c] {
			if strings.HasPrefix(w, "#") {
				continue
			}
			exact := strings.HasPrefix(w, "=")
			w = strings.TrimPrefix(w, "=")
			prefix := strings.HasSuffix(w, "*")
			w = strings.TrimSuffix(w, "*")
			tk.Reset(w)
			var words []string
			for i, t := range tk.Tokens {
				if t.Kind == token.Symbol && !currency(tk.FoldedBytes(i)) {
					continue
				}
				words = append(words, tk.Folded(i))
			}
			if len(words) == 0 {
				return nil, fmt.Errorf("class %s: empty word %q", c, w)
			}
			var elems []elem
			for i, word := range words {
				e := elem{word: word}
				last := i == len(words)-1
				switch {
				case prefix && last:
					e.mode = modePrefix
				case exact:
					e.mode = modeExact
				default:
					// The part the word and its stem share: Snowball's
					// "hurry" → "hurri" keeps "hurr", which its forms start with.
					st := commonPrefix(word, stem(word))
					if utf8.RuneCountInString(st) >= minStem {
						e.word, e.mode, e.full = st, modeStem, word
					} else {
						e.mode = modeExact
					}
				}
				elems = append(elems, e)
			}
			ls.trie.add(elems[0], entryRef{class: id, rest: elems[1:]})
			if translit.Supported(lang) {
				ls.addAlt(lang, c, id, elems)
			}
			if e := elems[0]; e.mode == modeStem && e.full != e.word {
				// A word always matches itself, however short its stem
				// ("cantiere" → "cant" + 4 letters).
				ls.trie.add(elem{word: e.full, mode: modeExact}, entryRef{class: id, rest: elems[1:]})
			}
			if len(words) == 1 && !prefix && !exact && utf8.RuneCountInString(words[0]) >= 8 {
				for i, v := range deletions(words[0]) {
					ls.fuzzy[v] = append(ls.fuzzy[v], fuzzyRef{id, words[0]})
					if i < 3 {
						ls.fuzzyPrefix[prefix3([]byte(v))] = true
					}
				}
				ls.fuzzyPrefix[prefix3([]byte(words[0]))] = true

				ls.fuzzy[words[0]] = append(ls.fuzzy[words[0]], fuzzyRef{id, words[0]})
			}
		}
	}
	ls.trie.seal()
	if ls.alt != nil {
		ls.alt.seal()
	}
	return ls, nil
}

// addAlt adds the transliteration keys of a class entry to ls.alt. Words
// not in the language's script (Serbian Latin, numbers) are left out:
// they match as written.
func (ls *langSet) addAlt(lang, class string, id int, elems []elem) {
	minKey := minAltKey
	if class == "NEG" || class == "WITHOUT" {
		minKey = minAltKeyNeg
	}
	alt := make([]elem, len(elems))
	for i, e := range elems {
		k := translit.KeyOf(lang, e.word)
		if k == "" {
			return
		}
		a := elem{word: k, mode: e.mode}
		if e.mode == modeStem {
			a.full = translit.KeyOf(lang, e.full)
			if len(k) < minAltStem || a.full == "" {
				a.word, a.mode, a.full = a.full, modeExact, ""
			}
		}
		if i == 0 && len(a.word) < minKey {
			return
		}
		alt[i] = a
	}
	if ls.alt == nil {
		ls.alt = newTrie()
	}
	ls.alt.add(alt[0], entryRef{class: id, rest: alt[1:], alt: true})
	if e := alt[0]; e.mode == modeStem && e.full != e.word {
		ls.alt.add(elem{word: e.full, mode: modeExact}, entryRef{class: id, rest: alt[1:], alt: true})
	}
}

func (ls *langSet) compilePattern(p *pattern) (*cpattern, bool) {
	cp := &cpattern{pattern: p}
	for _, c := range p.All {
		id, ok := ls.classID[c]
		if !ok {
			return nil, false
		}
		cp.all = append(cp.all, id)
	}
	for _, c := range p.Not {
		if id, ok := ls.classID[c]; ok {
			cp.not = append(cp.not, id)
		}
	}
	for _, c := range p.NotBefore {
		if id, ok := ls.classID[c]; ok {
			cp.notBefore = append(cp.notBefore, id)
		}
	}
	slices.Sort(cp.all)
	return cp, true
}

// deletions returns the forms of w with one letter removed.
func deletions(w string) []string {
	rs := []rune(w)
	out := make([]string, 0, len(rs))
	for i := range rs {
		out = append(out, string(rs[:i])+string(rs[i+1:]))
	}
	return out
}

// stemFunc returns the stemmer of a language: Snowball where the
// language has one, else stripping the longest listed suffix.
func stemFunc(lang, stemmer string, suffixes []string) (func(string) string, bool) {
	var sb func(*snowballstem.Env) bool
	switch lang {
	case "en":
		sb = english.Stem
	case "fr":
		sb = french.Stem
	case "de":
		sb = german.Stem
	case "it":
		sb = italian.Stem
	case "ro":
		sb = romanian.Stem
	case "ru":
		sb = russian.Stem
	case "es":
		sb = spanish.Stem
	}
	if stemmer == "none" {
		return func(s string) string { return s }, false
	}
	if sb != nil && stemmer != "suffixes" {
		return func(s string) string {
			env := snowballstem.NewEnv(s)
			sb(env)
			return env.Current()
		}, true
	}
	suf := slices.Clone(suffixes)
	sort.Slice(suf, func(i, j int) bool { return len(suf[i]) > len(suf[j]) })
	return func(s string) string {
		for _, x := range suf {
			if strings.HasSuffix(s, x) && utf8.RuneCountInString(s)-utf8.RuneCountInString(x) >= 3 {
				return s[:len(s)-len(x)]
			}
		}
		return s
	}, false
}

// Tags lists the tags the patterns count for.
func (s *Set) Tags() []string { return slices.Clone(s.tags) }

// Languages lists the languages with classes.
func (s *Set) Languages() []string {
	var out []string
	for l := range s.langs {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// Patterns returns the pattern specs (for tests and documentation).
func (s *Set) Patterns() []PatternSpec {
	out := make([]PatternSpec, len(s.patterns))
	for i, p := range s.patterns {
		out[i] = p.PatternSpec
	}
	return out
}

// commonPrefix returns the longest common prefix of a and b, cut at a rune
// boundary.
func commonPrefix(a, b string) string {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	for n > 0 && n < len(a) && !utf8.RuneStart(a[n]) {
		n--
	}
	return a[:n]
}

// currency reports whether a symbol token is a currency sign ($, €, £…)
// or a percent sign, which classes may name ("100%").
func currency(b []byte) bool {
	r, _ := utf8.DecodeRune(b)
	return r == '%' || unicode.Is(unicode.Sc, r)
}
