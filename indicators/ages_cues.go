package indicators

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ageCues are the age lists of EntityCues, compiled for matching.
type ageCues struct {
	firstMask, lastMask map[string]uint32 // word → bits of the sets with a phrase starting (ending) with it

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
	a.firstMask, a.lastMask = map[string]uint32{}, map[string]uint32{}
	for i, ps := range []*phraseSet{&a.units, &a.glued, &a.labels, &a.labelGap, &a.person, &a.gap, &a.notAfter, &a.bareNotAfter, &a.notBefore, &a.notBeforeSingle, &a.limitAfter, &a.join} {
		ps.bit = 1 << i
		for w := range ps.first {
			a.firstMask[w] |= ps.bit
		}
		for w := range ps.last {
			a.lastMask[w] |= ps.bit
		}
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
	bit     uint32                // this set's bit in ageCues.firstMask and lastMask
	symHd   [256]bool             // first bytes (either case) of the entries with marks
	symTl   [256]bool             // last bytes (either case) of the entries with marks
	first   map[string][][]string // first word → phrases, most words first
	last    map[string][][]string // last word → phrases, most words first
	symHead map[rune][]string     // entries with marks by first rune, lower-case, longest first
	symTail map[rune][]string     // the same by last rune
}

func newPhraseSet(entries []string) phraseSet {
	ps := phraseSet{first: map[string][][]string{}, last: map[string][][]string{}, symHead: map[rune][]string{}, symTail: map[rune][]string{}}
	seen := map[string]bool{}
	for _, e := range entries {
		e = normWord(strings.TrimSpace(e))
		if e == "" || seen[e] {
			continue
		}
		seen[e] = true
		words, ok := splitPhrase(e)
		if !ok {
			h, _ := utf8.DecodeRuneInString(e)
			t, _ := utf8.DecodeLastRuneInString(e)
			ps.symHead[h] = append(ps.symHead[h], e)
			ps.symTail[t] = append(ps.symTail[t], e)
			for _, v := range []string{e, strings.ToUpper(e)} {
				ps.symHd[v[0]] = true
				ps.symTl[v[len(v)-1]] = true
			}
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
	for _, m := range []map[rune][]string{ps.symHead, ps.symTail} {
		for _, l := range m {
			sort.SliceStable(l, func(i, j int) bool { return len(l[i]) > len(l[j]) })
		}
	}
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

// wordKey is the folded word starting (fwd) or ending (back) at a
// position of the text, with the sets it starts or ends a phrase of.
type wordKey struct {
	at, other int // the position asked for; the word's other end
	key       string
	mask      uint32
}

// word returns the word starting at p (back: ending at p), its other end,
// folded form and set bits, remembering the last few: a position is
// looked up in several sets.
func (r *ageReader) word(p int, back bool) (int, string, uint32) {
	cache := &r.fwdKeys
	if back {
		cache = &r.backKeys
	}
	for i := range cache {
		if k := &cache[i]; k.at == p && k.at != k.other {
			return k.other, k.key, k.mask
		}
	}
	var other int
	var key string
	var mask uint32
	if back {
		other = wordBack(r.s, p)
		if other < p {
			key = normWord(r.s[other:p])
			mask = r.c.lastMask[key]
		}
	} else {
		other = wordEnd(r.s, p)
		if other > p {
			key = normWord(r.s[p:other])
			mask = r.c.firstMask[key]
		}
	}
	if other == p {
		return p, "", 0
	}
	if r.notIn[key] {
		mask = 0
	}
	cache[r.nKeys%len(cache)] = wordKey{p, other, key, mask}
	r.nKeys++
	return other, key, mask
}

// fwd matches the longest entry of ps starting at p and returns its end.
func (r *ageReader) fwd(ps *phraseSet, p int) (int, bool) {
	s := r.s
	best := -1
	if p >= len(s) || p < 0 {
		return best, false
	}
	if we, key, mask := r.word(p, false); we > p {
		if mask&ps.bit != 0 {
			for _, ph := range ps.first[key] {
				pos, ok := we, true
				for k := 1; k < len(ph) && ok; k++ {
					q := wordGap(s, pos)
					qe := wordEnd(s, q)
					if q == pos || qe == q || !sameWord(s[q:qe], ph[k]) || r.notIn[ph[k]] {
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
	if !ps.symHd[s[p]] {
		return best, best >= 0
	}
	c, _ := utf8.DecodeRuneInString(s[p:])
	for _, e := range ps.symHead[unicode.ToLower(c)] {
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

// back matches the longest entry of ps ending at p and returns its start.
func (r *ageReader) back(ps *phraseSet, p int) (int, bool) {
	s := r.s
	best := -1
	if p <= 0 || p > len(s) {
		return best, false
	}
	if ws, key, mask := r.word(p, true); ws < p {
		if mask&ps.bit != 0 {
			for _, ph := range ps.last[key] {
				pos, ok := ws, true
				for k := len(ph) - 2; k >= 0 && ok; k-- {
					q := wordGapBack(s, pos)
					qs := wordBack(s, q)
					if q == pos || qs == q || !sameWord(s[qs:q], ph[k]) || r.notIn[ph[k]] {
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
	if !ps.symTl[s[p-1]] {
		return best, best >= 0
	}
	c, _ := utf8.DecodeLastRuneInString(s[:p])
	for _, e := range ps.symTail[unicode.ToLower(c)] {
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

// sameWord compares a word of the text with a lower-case word of a phrase.
func sameWord(w, ph string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			return normWord(w) == ph // ’, Greek accents
		}
	}
	return strings.EqualFold(w, ph)
}
