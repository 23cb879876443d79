package indicators

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ageCues are the age lists of EntityCues, compiled for matching.
type ageCues struct {
	units, glued, labels, labelGap, person, gap phraseSet
	notAfter, bareNotAfter                      phraseSet
	notBefore, notBeforeSingle                  phraseSet
	limitAfter, join                            phraseSet
	stats, months, notNames                     map[string]bool
	notIn                                       map[string]map[string]bool // language → words that are no cue there
}

func compileAgeCues(c *EntityCues) ageCues {
	a := ageCues{
		units:           newPhraseSet(c.AgeAfter),
		glued:           newPhraseSet(c.AgeAfterGlued),
		labels:          newPhraseSet(c.AgeBefore),
		labelGap:        newPhraseSet(c.AgeLabelGap),
		person:          newPhraseSet(c.AgePerson),
		gap:             newPhraseSet(c.AgeGap),
		notAfter:        newPhraseSet(c.AgeNot),
		bareNotAfter:    newPhraseSet(c.AgeBareNot),
		notBefore:       newPhraseSet(c.AgeNotBefore),
		notBeforeSingle: newPhraseSet(c.AgeNotBeforeOne),
		limitAfter:      newPhraseSet(c.AgeLimitAfter),
		join:            newPhraseSet(c.AgeJoin),
		stats:           wordSet(c.AgeStats),
		months:          wordSet(c.Months),
		notNames:        wordSet(c.NotNames),
		notIn:           map[string]map[string]bool{},
	}
	for lang, ws := range c.AgeCuesNotIn {
		a.notIn[strings.ToLower(lang)] = wordSet(ws)
	}
	return a
}

func wordSet(ws []string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[normWord(strings.TrimSpace(w))] = true
	}
	return m
}

// phraseSet matches words and phrases case-insensitively, across spaces
// and hyphens between the words ("years old" matches "years-old"). An
// entry with another mark ("y/o", "y.o.", "+", "-") matches as written.
type phraseSet struct {
	first map[string][][]string // first word → phrases, most words first
	last  map[string][][]string // last word → phrases, most words first
	sym   []string              // entries with marks, lower-case, longest first
}

func newPhraseSet(entries []string) phraseSet {
	ps := phraseSet{first: map[string][][]string{}, last: map[string][][]string{}}
	seen := map[string]bool{}
	for _, e := range entries {
		e = normWord(strings.TrimSpace(e))
		if e == "" || seen[e] {
			continue
		}
		seen[e] = true
		words, ok := splitPhrase(e)
		if !ok {
			ps.sym = append(ps.sym, e)
			continue
		}
		ps.first[words[0]] = append(ps.first[words[0]], words)
		ps.last[words[len(words)-1]] = append(ps.last[words[len(words)-1]], words)
	}
	byLen := func(m map[string][][]string) {
		for _, l := range m {
			sort.SliceStable(l, func(i, j int) bool { return len(l[i]) > len(l[j]) })
		}
	}
	byLen(ps.first)
	byLen(ps.last)
	sort.SliceStable(ps.sym, func(i, j int) bool { return len(ps.sym[i]) > len(ps.sym[j]) })
	return ps
}

// splitPhrase splits an entry into words at spaces and hyphens; false when
// it holds another mark.
func splitPhrase(e string) ([]string, bool) {
	var words []string
	for i := 0; i < len(e); {
		r, n := utf8.DecodeRuneInString(e[i:])
		if r == ' ' || r == '-' {
			i += n
			continue
		}
		j := wordEnd(e, i)
		if j == i {
			return nil, false
		}
		words = append(words, e[i:j])
		i = j
	}
	return words, len(words) > 0
}

// wordGap skips the spaces and hyphens between two words of a phrase after
// i (at most 8 bytes); i when there are none.
func wordGap(s string, i int) int {
	j := i
	for j < len(s) && j-i < 8 {
		if s[j] == '-' {
			j++
			continue
		}
		k := spaceEnd(s, j)
		if k == j {
			break
		}
		j = k
	}
	return j
}

// wordGapBack is wordGap backwards from i.
func wordGapBack(s string, i int) int {
	j := i
	for j > 0 && i-j < 8 {
		r, n := utf8.DecodeLastRuneInString(s[:j])
		if r != '-' && !unicode.IsSpace(r) {
			break
		}
		j -= n
	}
	return j
}

// fwd matches the longest entry starting at p and returns its end.
func (ps *phraseSet) fwd(s string, p int, notIn map[string]bool) (int, bool) {
	best := -1
	if p >= len(s) || p < 0 {
		return best, false
	}
	if we := wordEnd(s, p); we > p {
		w := normWord(s[p:we])
		if !notIn[w] {
			for _, ph := range ps.first[w] {
				pos, ok := we, true
				for k := 1; k < len(ph) && ok; k++ {
					q := wordGap(s, pos)
					qe := wordEnd(s, q)
					if q == pos || qe == q || normWord(s[q:qe]) != ph[k] || notIn[ph[k]] {
						ok = false
						break
					}
					pos = qe
				}
				if ok {
					best = pos
					break
				}
			}
		}
	}
	for _, e := range ps.sym {
		if p+len(e) <= len(s) && p+len(e) > best && strings.EqualFold(s[p:p+len(e)], e) {
			if c, _ := utf8.DecodeLastRuneInString(e); unicode.IsLetter(c) && isLetterAt(s, p+len(e)) {
				continue
			}
			best = p + len(e)
			break
		}
	}
	return best, best >= 0
}

// back matches the longest entry ending at p and returns its start.
func (ps *phraseSet) back(s string, p int, notIn map[string]bool) (int, bool) {
	best := -1
	if p <= 0 || p > len(s) {
		return best, false
	}
	if ws := wordBack(s, p); ws < p {
		w := normWord(s[ws:p])
		if !notIn[w] {
			for _, ph := range ps.last[w] {
				pos, ok := ws, true
				for k := len(ph) - 2; k >= 0 && ok; k-- {
					q := wordGapBack(s, pos)
					qs := wordBack(s, q)
					if q == pos || qs == q || normWord(s[qs:q]) != ph[k] || notIn[ph[k]] {
						ok = false
						break
					}
					pos = qs
				}
				if ok {
					best = pos
					break
				}
			}
		}
	}
	for _, e := range ps.sym {
		if p-len(e) >= 0 && (best < 0 || p-len(e) < best) && strings.EqualFold(s[p-len(e):p], e) {
			if c, _ := utf8.DecodeRuneInString(e); unicode.IsLetter(c) && p-len(e) > 0 {
				if _, b := lastRune(s, p-len(e)); unicode.IsLetter(b) {
					continue
				}
			}
			best = p - len(e)
			break
		}
	}
	return best, best >= 0
}
