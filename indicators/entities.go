package indicators

import (
	"bytes"
	_ "embed"
	"fmt"
	"github.com/redthread/redthread/indicators/lexicon"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

//go:embed data/entities.yaml
var defaultEntities []byte

// EntityCues are the words around stated ages and names (see
// data/entities.yaml for what each list holds, ages.go for how they are
// used).
type EntityCues struct {
	Updated         string              `yaml:"updated"`
	AgeAfter        []string            `yaml:"age_after"`
	AgeAfterGlued   []string            `yaml:"age_after_glued"`
	AgeCuesNotIn    map[string][]string `yaml:"age_cues_not_in"`
	AgeBefore       []string            `yaml:"age_before"`
	AgeLabelGap     []string            `yaml:"age_label_gap"`
	AgePerson       []string            `yaml:"age_person"`
	AgeGap          []string            `yaml:"age_gap"`
	AgeNot          []string            `yaml:"age_not_followed_by"`
	AgeBareNot      []string            `yaml:"age_bare_not_followed_by"`
	AgeNotBefore    []string            `yaml:"age_not_preceded_by"`
	AgeNotBeforeOne []string            `yaml:"age_not_preceded_single"`
	AgeLimitAfter   []string            `yaml:"age_limit_after"`
	AgeJoin         []string            `yaml:"age_join"`
	AgeStats        []string            `yaml:"age_stats"`
	Months          []string            `yaml:"months"`
	NameBefore      []string            `yaml:"name_before"`
	NotNames        []string            `yaml:"not_names"`

	ages    ageCues
	notName map[string]bool
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
		c.AgeAfterGlued = append(c.AgeAfterGlued, more.AgeAfterGlued...)
		c.AgeBefore = append(c.AgeBefore, more.AgeBefore...)
		c.AgeLabelGap = append(c.AgeLabelGap, more.AgeLabelGap...)
		c.AgePerson = append(c.AgePerson, more.AgePerson...)
		c.AgeGap = append(c.AgeGap, more.AgeGap...)
		c.AgeNot = append(c.AgeNot, more.AgeNot...)
		c.AgeBareNot = append(c.AgeBareNot, more.AgeBareNot...)
		c.AgeNotBefore = append(c.AgeNotBefore, more.AgeNotBefore...)
		c.AgeNotBeforeOne = append(c.AgeNotBeforeOne, more.AgeNotBeforeOne...)
		c.AgeLimitAfter = append(c.AgeLimitAfter, more.AgeLimitAfter...)
		c.AgeJoin = append(c.AgeJoin, more.AgeJoin...)
		c.AgeStats = append(c.AgeStats, more.AgeStats...)
		c.Months = append(c.Months, more.Months...)
		c.NameBefore = append(c.NameBefore, more.NameBefore...)
		c.NotNames = append(c.NotNames, more.NotNames...)
		for lang, ws := range more.AgeCuesNotIn {
			if c.AgeCuesNotIn == nil {
				c.AgeCuesNotIn = map[string][]string{}
			}
			c.AgeCuesNotIn[lang] = append(c.AgeCuesNotIn[lang], ws...)
		}
	}
	c.notName = wordSet(c.NotNames)
	c.ages = compileAgeCues(c)
	return c, nil
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
