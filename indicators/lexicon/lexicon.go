// Package lexicon holds the multilingual phrase lexicons for trafficking
// indicators and feature cues, and a single-pass matcher over them.
//
// Lexicons are YAML files, one per language (data/<lang>.yaml, embedded; xx
// for language-neutral terms), in the format of LEXICON-FORMAT.md: language,
// updated, sources, stopwords, terms by tag and suppress phrases by tag.
// Users extend them with their own files through Load or LoadFiles; their
// terms are added to the tags of the same name and new tags are allowed.
//
// Matching normalizes the text once (Unicode lower case; Latin and Greek
// diacritics folded, ß→ss, đ→d, ł→l, ς→σ, ё→е; typographic quotes and dashes
// folded; runs of whitespace collapsed to one space; zero-width characters,
// soft hyphens and emoji variation selectors dropped) and keeps, for every
// normalized byte, the offset of the original rune, so hits carry byte
// offsets into the original text. All languages are matched at once:
//
//   - A term matches whole words: it must start and end at a word boundary
//     (a word is a run of letters, digits and marks), so "hitno" does not
//     match inside "nehitnost". A trailing '*' lets the last word continue
//     ("hitn*" matches "hitnoj"); a leading '*' lets the first word start
//     earlier ("*straße" matches "Hauptstraße", for German compounds). The
//     hit then covers the whole word.
//   - A term that starts or ends with a non-word character (emoji, "(at)",
//     "www.") needs no boundary on that side, so emoji codes match anywhere.
//   - Serbian (sr) Latin terms are also compiled in Cyrillic transliteration
//     and, when they contain đ, with the "dj" spelling.
//   - A hit that lies inside a suppress phrase of the same tag is dropped
//     ("no fee" cancels "fee"); of overlapping hits of one tag only the
//     longest is kept; when several languages define the same term for a tag,
//     one hit is reported, from xx if it is there, else from the first
//     language in alphabetical order.
//
// A term can only start at a word start or at a non-word character, so terms
// are looked up by walking the (radix-compressed) goto trie of an
// Aho–Corasick automaton from
// those positions (no failure links needed); terms with a leading '*' are
// walked backwards over reversed keys from word ends, and terms with '*' on
// both sides (none in the embedded data) run through a full Aho–Corasick
// scan. All of it is one pass over the bytes of the normalized text, without
// allocation except for the returned slice.
package lexicon

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

//go:embed data/*.yaml
var dataFS embed.FS

// Hit is one lexicon term found in a text.
type Hit struct {
	Tag  string // indicator or feature tag, e.g. "job.urgency"
	Term string // the lexicon entry as written in its file, '*' included
	Lang string // language of the file the term comes from ("xx" for language-neutral)
	// Start and End are byte offsets into the original text: text[Start:End]
	// is the matched phrase (for a '*' term, the whole word it is part of).
	Start, End int
}

// NamedReader is a lexicon source: Name is used in error messages.
type NamedReader struct {
	Name string
	R    io.Reader
}

// Lexicon is a compiled set of lexicons. It is immutable and safe for
// concurrent use.
type Lexicon struct {
	pats      []pattern
	tags      []string // sorted tags with terms
	tagNames  []string // tag index → name
	tagRank   []int32  // tag index → rank of its name in sorted order
	langs     []string
	stopwords map[string][]string
	forward   *flatTrie  // patterns without a leading '*': walked from each word start and each non-word rune
	backward  *flatTrie  // patterns with a leading '*' only (reversed keys): walked back from each word end and after each non-word rune
	floating  *automaton // patterns with '*' on both sides: full Aho–Corasick scan
	pool      sync.Pool
}

// pattern is one compiled term or suppress phrase.
type pattern struct {
	key       string // normalized bytes
	tag       int32
	term      string
	lang      string
	prefix    bool // trailing '*': no end boundary, hit extends to the end of the word
	suffix    bool // leading '*': no start boundary, hit extends to the start of the word
	needStart bool // first rune is a word rune: must start at a word boundary
	needEnd   bool // last rune is a word rune (and not prefix): must end at a word boundary
	suppress  bool
	caps      bool // an acronym in an employer.* or place.* tag: matches only when written in capitals
}

// isAcronym reports whether term is a short abbreviation written in
// capitals ("SAU", "LEI", "ИНН", "P.IVA"): such terms collide with ordinary
// words of other languages ("sau" is Romanian for "or") unless matched in
// capitals only.
func isAcronym(term string) bool {
	letters := 0
	for _, r := range strings.Trim(term, "*") {
		if unicode.IsLetter(r) {
			if !unicode.IsUpper(r) {
				return false
			}
			letters++
		}
	}
	return letters > 0 && letters <= 6
}

// LoadError reports a problem in a lexicon file.
type LoadError struct {
	File string
	Line int
	Err  error
}

// Error implements error.
func (e *LoadError) Error() string {
	return fmt.Sprintf("load lexicon %s line %d: %v", e.File, e.Line, e.Err)
}

// Unwrap returns the underlying error.
func (e *LoadError) Unwrap() error { return e.Err }

var (
	tagRe  = regexp.MustCompile(`^[a-z]+(\.[a-z_]+)+$`)
	langRe = regexp.MustCompile(`^[a-z]{2}$`)
)

var (
	defaultOnce sync.Once
	defaultLex  *Lexicon
	defaultErr  error
)

// Default returns the lexicon compiled from all embedded data files. It is
// compiled once; later calls return the same (immutable) Lexicon.
func Default() (*Lexicon, error) {
	defaultOnce.Do(func() { defaultLex, defaultErr = Load() })
	return defaultLex, defaultErr
}

// Load compiles the embedded data files together with extra user files. User
// terms are added to the tags of the same name (new tags are allowed); files
// for the same language are merged.
func Load(extra ...NamedReader) (*Lexicon, error) {
	entries, err := dataFS.ReadDir("data")
	if err != nil {
		return nil, fmt.Errorf("load lexicon: %w", err)
	}
	var files []*file
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".yaml") {
			continue
		}
		name := path.Join("data", e.Name())
		f, err := dataFS.Open(name)
		if err != nil {
			return nil, fmt.Errorf("load lexicon %s: %w", name, err)
		}
		pf, err := parseFile(name, f)
		f.Close()
		if err != nil {
			return nil, err
		}
		files = append(files, pf)
	}
	for _, nr := range extra {
		if nr.R == nil {
			return nil, fmt.Errorf("load lexicon %s: nil reader", nr.Name)
		}
		pf, err := parseFile(nr.Name, nr.R)
		if err != nil {
			return nil, err
		}
		files = append(files, pf)
	}
	return compile(files)
}

// LoadFiles compiles the embedded data files together with the lexicon files
// at paths.
func LoadFiles(paths ...string) (*Lexicon, error) {
	var rs []NamedReader
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("load lexicon: %w", err)
		}
		defer f.Close()
		rs = append(rs, NamedReader{Name: p, R: f})
	}
	return Load(rs...)
}

// Stopwords returns a copy of the stopword lists by language (for language
// detection). Stopwords are normalized like matched text.
func (l *Lexicon) Stopwords() map[string][]string {
	m := make(map[string][]string, len(l.stopwords))
	for k, v := range l.stopwords {
		m[k] = slices.Clone(v)
	}
	return m
}

// Languages returns the sorted language codes of the loaded files.
func (l *Lexicon) Languages() []string { return slices.Clone(l.langs) }

// Tags returns the sorted tags that have at least one term.
func (l *Lexicon) Tags() []string { return slices.Clone(l.tags) }

// file is one parsed lexicon file.
type file struct {
	name      string
	lang      string
	stopwords []string
	terms     []entry
}

type entry struct {
	tag      string
	term     string
	line     int
	suppress bool
}

func parseFile(name string, r io.Reader) (*file, error) {
	fail := func(line int, format string, args ...any) error {
		return &LoadError{File: name, Line: line, Err: fmt.Errorf(format, args...)}
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(r)
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fail(1, "empty file")
		}
		return nil, fmt.Errorf("load lexicon %s: %w", name, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fail(doc.Line, "top level must be a mapping")
	}
	top := doc.Content[0]
	f := &file{name: name}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		switch k.Value {
		case "language":
			if v.Kind != yaml.ScalarNode || !langRe.MatchString(v.Value) {
				return nil, fail(v.Line, "language must be an ISO 639-1 code or xx, got %q", v.Value)
			}
			f.lang = v.Value
		case "updated":
			if v.Kind != yaml.ScalarNode {
				return nil, fail(v.Line, "updated must be a date")
			}
		case "sources":
			if v.Kind != yaml.SequenceNode {
				return nil, fail(v.Line, "sources must be a list")
			}
		case "stopwords":
			if v.Kind != yaml.SequenceNode {
				return nil, fail(v.Line, "stopwords must be a list")
			}
			for _, s := range v.Content {
				w := ""
				if s.Kind == yaml.ScalarNode && s.Tag != "!!null" {
					w = normalizeTerm(s.Value)
				}
				if w == "" {
					return nil, fail(s.Line, "empty stopword")
				}
				f.stopwords = append(f.stopwords, w)
			}
		case "terms", "suppress":
			if v.Kind != yaml.MappingNode {
				return nil, fail(v.Line, "%s must be a mapping of tag to list of phrases", k.Value)
			}
			for j := 0; j+1 < len(v.Content); j += 2 {
				tk, tv := v.Content[j], v.Content[j+1]
				if !tagRe.MatchString(tk.Value) {
					return nil, fail(tk.Line, "tag %q does not match %s", tk.Value, tagRe)
				}
				if tv.Kind != yaml.SequenceNode {
					return nil, fail(tv.Line, "tag %s: phrases must be a list", tk.Value)
				}
				for _, t := range tv.Content {
					if t.Kind != yaml.ScalarNode {
						return nil, fail(t.Line, "tag %s: phrase must be a string", tk.Value)
					}
					if t.Tag == "!!null" || strings.Trim(strings.TrimSpace(t.Value), "* ") == "" {
						return nil, fail(t.Line, "tag %s: empty term", tk.Value)
					}
					body := strings.TrimPrefix(strings.TrimSuffix(strings.TrimSpace(t.Value), "*"), "*")
					if strings.Contains(body, "*") {
						return nil, fail(t.Line, "tag %s: term %q: '*' is allowed only at the end (or the start)", tk.Value, t.Value)
					}
					if normalizeTerm(body) == "" {
						return nil, fail(t.Line, "tag %s: term %q is empty after normalization", tk.Value, t.Value)
					}
					f.terms = append(f.terms, entry{tag: tk.Value, term: strings.TrimSpace(t.Value), line: t.Line, suppress: k.Value == "suppress"})
				}
			}
		default:
			return nil, fail(k.Line, "unknown top-level key %q", k.Value)
		}
	}
	if f.lang == "" {
		return nil, fail(top.Line, "missing language")
	}
	return f, nil
}

// compile builds a Lexicon from parsed files.
func compile(files []*file) (*Lexicon, error) {
	// Deterministic order: language-neutral "xx" first (it wins when several
	// languages define the same term for a tag), then by language, then file.
	sort.SliceStable(files, func(i, j int) bool {
		li, lj := files[i].lang, files[j].lang
		if li != lj {
			if li == "xx" || lj == "xx" {
				return li == "xx"
			}
			return li < lj
		}
		return files[i].name < files[j].name
	})
	l := &Lexicon{stopwords: map[string][]string{}}
	tagIdx := map[string]int32{}
	var tagNames []string
	hasTerms := map[string]bool{}
	type dupKey struct {
		key      string
		tag      int32
		lang     string
		prefix   bool
		suffix   bool
		suppress bool
	}
	seen := map[dupKey]bool{}
	add := func(key, term, lang string, tag int32, prefix, suffix, suppress bool) {
		dk := dupKey{key, tag, lang, prefix, suffix, suppress}
		if seen[dk] {
			return
		}
		seen[dk] = true
		first, _ := utf8.DecodeRuneInString(key)
		last, _ := utf8.DecodeLastRuneInString(key)
		l.pats = append(l.pats, pattern{
			key: key, tag: tag, term: term, lang: lang, prefix: prefix, suffix: suffix, suppress: suppress,
			needStart: !suffix && isWordRune(first), needEnd: !prefix && isWordRune(last),
			caps: !suppress && (strings.HasPrefix(tagNames[tag], "employer.") || strings.HasPrefix(tagNames[tag], "place.")) && isAcronym(term),
		})
	}
	langSet := map[string]bool{}
	for _, f := range files {
		langSet[f.lang] = true
		for _, w := range f.stopwords {
			if !slices.Contains(l.stopwords[f.lang], w) {
				l.stopwords[f.lang] = append(l.stopwords[f.lang], w)
			}
		}
		for _, e := range f.terms {
			ti, ok := tagIdx[e.tag]
			if !ok {
				ti = int32(len(tagNames))
				tagIdx[e.tag] = ti
				tagNames = append(tagNames, e.tag)
			}
			if !e.suppress {
				hasTerms[e.tag] = true
			}
			body, prefix := strings.CutSuffix(e.term, "*")
			body, suffix := strings.CutPrefix(body, "*")
			for _, v := range variants(f.lang, body) {
				if k := normalizeTerm(v); k != "" {
					add(k, e.term, f.lang, ti, prefix, suffix, e.suppress)
				}
			}
		}
	}
	for t := range hasTerms {
		l.tags = append(l.tags, t)
	}
	sort.Strings(l.tags)
	for lang := range langSet {
		l.langs = append(l.langs, lang)
	}
	sort.Strings(l.langs)
	l.tagNames = tagNames
	sorted := slices.Clone(tagNames)
	sort.Strings(sorted)
	l.tagRank = make([]int32, len(tagNames))
	for i, t := range tagNames {
		l.tagRank[i] = int32(sort.SearchStrings(sorted, t))
	}
	forward := make([]string, len(l.pats))
	backward := make([]string, len(l.pats))
	floating := make([]string, len(l.pats))
	for i, p := range l.pats {
		switch {
		case !p.suffix:
			forward[i] = p.key
		case !p.prefix:
			backward[i] = reverseBytes(p.key)
		default:
			floating[i] = p.key
		}
	}
	var err error
	if l.forward, err = buildAutomaton(forward).flatten(); err != nil {
		return nil, err
	}
	if l.backward, err = buildAutomaton(backward).flatten(); err != nil {
		return nil, err
	}
	l.floating = buildAutomaton(floating)
	l.pool.New = func() any { return new(scratch) }
	return l, nil
}

// variants returns the spellings a term is compiled in: itself and, for
// Serbian, the Cyrillic transliteration and the "dj" spelling of đ.
func variants(lang, term string) []string {
	v := []string{term}
	if lang != "sr" {
		return v
	}
	lower := strings.ToLower(term)
	if strings.ContainsRune(lower, 'đ') {
		v = append(v, strings.ReplaceAll(lower, "đ", "dj"))
	}
	if c, ok := srCyrillic(lower); ok {
		v = append(v, c)
	}
	return v
}

var srLatinToCyr = map[string]string{
	"a": "а", "b": "б", "c": "ц", "č": "ч", "ć": "ћ", "d": "д", "dž": "џ", "đ": "ђ", "e": "е",
	"f": "ф", "g": "г", "h": "х", "i": "и", "j": "ј", "k": "к", "l": "л", "lj": "љ", "m": "м",
	"n": "н", "nj": "њ", "o": "о", "p": "п", "r": "р", "s": "с", "š": "ш", "t": "т", "u": "у",
	"v": "в", "z": "з", "ž": "ж",
}

// srCyrillic transliterates a lower-case Serbian Latin term to Cyrillic. It
// reports false when the term has no Latin letters or has letters outside the
// Serbian alphabet (q, w, x, y), where a transliteration would be nonsense.
func srCyrillic(s string) (string, bool) {
	var b strings.Builder
	letters := 0
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if i+1 < len(rs) {
			if c, ok := srLatinToCyr[string(rs[i:i+2])]; ok {
				b.WriteString(c)
				letters++
				i++
				continue
			}
		}
		if c, ok := srLatinToCyr[string(r)]; ok {
			b.WriteString(c)
			letters++
			continue
		}
		if unicode.IsLetter(r) {
			return "", false
		}
		b.WriteRune(r)
	}
	return b.String(), letters > 0
}
