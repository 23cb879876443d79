package indicators

import (
	"bytes"
	_ "embed"
	"fmt"
	"github.com/redthread/redthread/indicators/lexicon"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

//go:embed data/entities.yaml
var defaultEntities []byte

// EntityCues are the words around stated ages and names.
type EntityCues struct {
	Updated    string   `yaml:"updated"`
	AgeAfter   []string `yaml:"age_after"`
	AgeBefore  []string `yaml:"age_before"`
	NameBefore []string `yaml:"name_before"`
	AgeNot     []string `yaml:"age_not_followed_by"`
	NotNames   []string `yaml:"not_names"`

	after, before, not map[string]bool
	notName            map[string]bool
	names              []string // lower-cased name cues
}

// LoadEntityCues reads the embedded cues, then each extra file in the same
// format, adding their words.
func LoadEntityCues(extra ...io.Reader) (*EntityCues, error) {
	c := &EntityCues{}
	if err := yaml.Unmarshal(defaultEntities, c); err != nil {
		return nil, fmt.Errorf("entities.yaml: %w", err)
	}
	for i, r := range extra {
		var more EntityCues
		d := yaml.NewDecoder(r)
		d.KnownFields(true)
		if err := d.Decode(&more); err != nil {
			return nil, fmt.Errorf("entity cues file %d: %w", i+1, err)
		}
		c.AgeAfter = append(c.AgeAfter, more.AgeAfter...)
		c.AgeBefore = append(c.AgeBefore, more.AgeBefore...)
		c.NameBefore = append(c.NameBefore, more.NameBefore...)
		c.AgeNot = append(c.AgeNot, more.AgeNot...)
		c.NotNames = append(c.NotNames, more.NotNames...)
	}
	c.after, c.before, c.not = map[string]bool{}, map[string]bool{}, map[string]bool{}
	c.notName = map[string]bool{}
	for _, w := range c.NotNames {
		c.notName[strings.ToLower(w)] = true
	}
	for _, w := range c.AgeNot {
		c.not[strings.ToLower(w)] = true
	}
	for _, w := range c.AgeAfter {
		c.after[strings.ToLower(w)] = true
	}
	for _, w := range c.AgeBefore {
		c.before[strings.ToLower(strings.TrimSuffix(w, ":"))] = true
	}
	return c, nil
}

// Age is a stated age with where it was found.
type Age struct {
	Value      int
	Start, End int
}

// Ages finds stated ages in text: a two-digit number next to an age word,
// or, when title is true, a trailing "- 19".
func (c *EntityCues) Ages(text string, title bool) []Age {
	var out []Age
	for i := 0; i < len(text); i++ {
		if !isDigit(text[i]) || (i > 0 && (isDigit(text[i-1]) || text[i-1] == '.' || text[i-1] == ',' || text[i-1] == '/')) {
			continue
		}
		j := i
		for j < len(text) && isDigit(text[j]) {
			j++
		}
		if j-i != 2 {
			i = j
			continue
		}
		n, _ := strconv.Atoi(text[i:j])
		if n < 14 || n > 69 {
			i = j
			continue
		}
		end := j
		ok := false
		// Word after: "19yo", "19 anni", "19-year-old".
		k := j
		for k < len(text) && (text[k] == ' ' || text[k] == '-') && k-j < 3 {
			k++
		}
		w, wend := wordAt(text, k)
		if w != "" && c.after[strings.ToLower(w)] {
			ok, end = true, wend
		} else if lw := strings.ToLower(w); strings.HasPrefix(lw, "year") && strings.HasPrefix(strings.ToLower(text[wend:min(len(text), wend+4)]), "-old") {
			ok, end = true, wend+4
		} else if w2 := strings.ToLower(text[k:min(len(text), k+8)]); strings.HasPrefix(w2, "y/o") || strings.HasPrefix(w2, "y.o") {
			ok, end = true, k+3
		}
		start := i
		if !ok {
			// Word before: "age 19", "età: 22", "I'm 19".
			b := i
			for b > 0 && (text[b-1] == ' ' || text[b-1] == ':') {
				b--
			}
			if pw, ps := wordBefore(text, b); pw != "" {
				lpw := strings.ToLower(pw)
				if c.before[lpw] {
					ok, start = true, ps
				} else if pw2, ps2 := wordBefore(text, skipSpaceBack(text, ps)); pw2 != "" && c.before[strings.ToLower(pw2)+" "+lpw] {
					ok, start = true, ps2
				}
			}
		}
		if !ok && title {
			// Title trailing "- 19" or ", 19".
			rest := strings.TrimSpace(text[j:])
			pre := strings.TrimRight(text[:i], " ")
			last, _ := utf8.DecodeLastRuneInString(pre)
			if rest == "" && (strings.HasSuffix(pre, "-") || strings.HasSuffix(pre, ",") || strings.HasSuffix(pre, "–") ||
				strings.HasSuffix(pre, "|") || strings.HasSuffix(pre, "!") || unicode.Is(unicode.So, last)) {
				ok = true // "Alina - 19", "Sweet Asian girl 🌸 22"
			}
		}
		if ok && end < len(text) {
			nw, _ := wordAt(text, skipSpace(text, end))
			if c.not[strings.ToLower(nw)] {
				ok = false
			}
		}
		if ok {
			out = append(out, Age{Value: n, Start: start, End: end})
		}
		i = j
	}
	return out
}

// Name is a stated name of an advertised person.
type Name struct {
	Value      string
	Start, End int
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// wordAt returns the word (letters, and . / ' inside abbreviations) at i.
func wordAt(s string, i int) (string, int) {
	j := i
	for j < len(s) {
		r, n := utf8.DecodeRuneInString(s[j:])
		if unicode.IsLetter(r) || r == '\'' || r == '’' || (r == '.' && j > i && j+1 < len(s) && s[j+1] != ' ') {
			j += n
			continue
		}
		if r == '.' && j > i { // trailing dot of an abbreviation like "y.o."
			if w := strings.ToLower(s[i:j]); strings.Contains(w, ".") || w == "god" || w == "j" {
				j += n
			}
		}
		break
	}
	return s[i:j], j
}

func wordBefore(s string, end int) (string, int) {
	i := end
	for i > 0 {
		r, n := utf8.DecodeLastRuneInString(s[:i])
		if !unicode.IsLetter(r) && r != '\'' && r != '’' {
			break
		}
		i -= n
	}
	return s[i:end], i
}

func skipSpaceBack(s string, i int) int {
	for i > 0 && s[i-1] == ' ' {
		i--
	}
	return i
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == ',') {
		i++
	}
	return i
}

// nameCueTag is the lexicon tag of the phrases before a name.
const nameCueTag = "entity.name_cue"

// lexiconFile renders the name cues as a lexicon file, so the one-pass
// lexicon matcher finds them with everything else.
func (c *EntityCues) lexiconFile() (lexicon.NamedReader, error) {
	doc := map[string]any{
		"language": "xx",
		"updated":  c.Updated,
		"sources":  []string{"indicators/data/entities.yaml"},
		"terms":    map[string][]string{nameCueTag: c.NameBefore},
	}
	b, err := yaml.Marshal(doc)
	if err != nil {
		return lexicon.NamedReader{}, err
	}
	return lexicon.NamedReader{Name: "entities.yaml (name cues)", R: bytes.NewReader(b)}, nil
}

// NamesAfter returns the capitalised word after each name cue found in
// field (cue spans from the lexicon).
func (c *EntityCues) NamesAfter(text string, cues []Span, field string) []Name {
	var out []Name
	for _, cue := range cues {
		if cue.Field != field || cue.End > len(text) {
			continue
		}
		p := cue.End
		for p < len(text) && (text[p] == ' ' || text[p] == ':') {
			p++
		}
		w, wend := wordAt(text, p)
		r, _ := utf8.DecodeRuneInString(w)
		if w == "" || !unicode.IsUpper(r) || utf8.RuneCountInString(w) < 2 || utf8.RuneCountInString(w) > 20 || c.notName[strings.ToLower(w)] {
			continue
		}
		out = append(out, Name{Value: w, Start: p, End: wend})
	}
	return out
}
