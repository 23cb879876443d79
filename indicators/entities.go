package indicators

import (
	"bytes"
	_ "embed"
	"fmt"
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

	after, before, not map[string]bool
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
	}
	c.after, c.before, c.not = map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, w := range c.AgeNot {
		c.not[strings.ToLower(w)] = true
	}
	for _, w := range c.AgeAfter {
		c.after[strings.ToLower(w)] = true
	}
	for _, w := range c.AgeBefore {
		c.before[strings.ToLower(strings.TrimSuffix(w, ":"))] = true
	}
	for _, w := range c.NameBefore {
		c.names = append(c.names, strings.ToLower(w))
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
			if rest == "" && (strings.HasSuffix(pre, "-") || strings.HasSuffix(pre, ",") || strings.HasSuffix(pre, "–") || strings.HasSuffix(pre, "|")) {
				ok = true
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

// Names finds names after name cues ("my name is Mila").
func (c *EntityCues) Names(text string) []Name {
	lower := strings.ToLower(text)
	if len(lower) != len(text) {
		lower = asciiLowerSameLen(text)
	}
	var out []Name
	for _, cue := range c.names {
		from := 0
		for {
			k := strings.Index(lower[from:], cue)
			if k < 0 {
				break
			}
			at := from + k
			from = at + len(cue)
			if at > 0 {
				r, _ := utf8.DecodeLastRuneInString(text[:at])
				if unicode.IsLetter(r) {
					continue
				}
			}
			p := from
			for p < len(text) && (text[p] == ' ' || text[p] == ':') {
				p++
			}
			w, wend := wordAt(text, p)
			r, _ := utf8.DecodeRuneInString(w)
			if w == "" || !unicode.IsUpper(r) || utf8.RuneCountInString(w) < 2 || utf8.RuneCountInString(w) > 20 {
				continue
			}
			out = append(out, Name{Value: w, Start: p, End: wend})
		}
	}
	return out
}

// asciiLowerSameLen lower-cases without changing byte length, so offsets
// stay valid (non-ASCII letters whose lower case has another length are
// left as they are).
func asciiLowerSameLen(s string) string {
	var b bytes.Buffer
	b.Grow(len(s))
	for _, r := range s {
		l := unicode.ToLower(r)
		if utf8.RuneLen(l) != utf8.RuneLen(r) {
			l = r
		}
		b.WriteRune(l)
	}
	return b.String()
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
