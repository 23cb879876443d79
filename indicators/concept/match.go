package concept

import (
	"bytes"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/redthread/redthread/indicators/token"
	"github.com/redthread/redthread/indicators/translit"
)

// match modes of a class word
const (
	modeExact  = iota // the folded word itself
	modeStem          // the stem plus at most max_suffix letters
	modePrefix        // the prefix plus anything ("ticket*")
)

type elem struct {
	word string
	mode int
	full string // the word as written, for modeStem
}

type entryRef struct {
	class int
	rest  []elem // further words of a multi-word entry
	alt   bool   // rest holds transliteration keys (langSet.alt)
}

type nodeRef struct {
	mode int
	entryRef
}

// trie maps folded class words, byte by byte, to their entries.
type trie struct {
	nodes []tnode
	dense [][256]int32 // child tables of wide nodes (tnode.wide is the index+1; 0 in a table: none)
}

// denseFrom is the number of children from which a node gets a table.
const denseFrom = 12

// seal builds the child tables of wide nodes; call after the last add.
func (t *trie) seal() {
	t.dense = nil
	for i := range t.nodes {
		n := &t.nodes[i]
		if len(n.keys) < denseFrom {
			continue
		}
		var tab [256]int32
		for j, c := range n.keys {
			tab[c] = n.next[j]
		}
		t.dense = append(t.dense, tab)
		n.wide = int32(len(t.dense))
	}
}

// child returns the child of node i by byte c, or -1.
func (t *trie) child(i int32, c byte) int32 {
	n := &t.nodes[i]
	if n.wide > 0 {
		if j := t.dense[n.wide-1][c]; j != 0 {
			return j
		}
		return -1
	}
	if j := bytes.IndexByte(n.keys, c); j >= 0 {
		return n.next[j]
	}
	return -1
}

type tnode struct {
	keys []byte
	next []int32
	refs []nodeRef
	wide int32 // 1 + index of its dense child table, 0 none
}

func newTrie() *trie { return &trie{nodes: make([]tnode, 1, 256)} }

func (t *trie) add(e elem, r entryRef) {
	n := int32(0)
	for i := 0; i < len(e.word); i++ {
		c := e.word[i]
		nd := &t.nodes[n]
		j := bytes.IndexByte(nd.keys, c)
		if j < 0 {
			t.nodes = append(t.nodes, tnode{})
			nd = &t.nodes[n]
			nd.keys = append(nd.keys, c)
			nd.next = append(nd.next, int32(len(t.nodes)-1))
			j = len(nd.keys) - 1
		}
		n = nd.next[j]
	}
	t.nodes[n].refs = append(t.nodes[n].refs, nodeRef{mode: e.mode, entryRef: r})
}

// elemMatches reports whether the folded word f is a form of e.
func elemMatches(e elem, f []byte, maxSuffix int) bool {
	switch e.mode {
	case modeExact:
		return string(f) == e.word
	case modePrefix:
		return bytes.HasPrefix(f, []byte(e.word))
	default:
		return bytes.HasPrefix(f, []byte(e.word)) && (utf8.RuneCount(f[len(e.word):]) <= maxSuffix || string(f) == e.full)
	}
}

// Hit is one pattern match: a byte span of the text from the first to the
// last word that made it.
type Hit struct {
	Tag     string
	Pattern string
	Start   int
	End     int
	Words   []string // the matched words, in text order, as written
}

// occ is one occurrence of a class: words [first, last] of the word index.
type occ struct{ first, last int32 }

type scratch struct {
	// caches remember the classes of the words seen in earlier texts, one
	// map per language, so a feed that mixes languages keeps them all.
	caches map[*langSet]*wordCache
	words  []int32           // word index → token index
	occ    [maxClasses][]occ // class id → occurrences in text order
	del    []byte            // deletion variants
	key    []byte            // transliteration key of a word
	glued  []byte            // folded forms of glued tokens ("8" + "elw")
	hits   []Hit
}

var pool = sync.Pool{New: func() any { return new(scratch) }}

// HasLanguage reports whether lang has classes.
func (s *Set) HasLanguage(lang string) bool { return s.langs[lang] != nil }

// AppendMatch appends the hits of lang's patterns in d to dst. Hits of one
// tag do not overlap.
func (s *Set) AppendMatch(dst []Hit, d *token.Doc, lang string) []Hit {
	dst, _ = s.Match(dst, nil, d, lang)
	return dst
}

// Match is AppendMatch that also appends to negs the token indices (in
// d.Tokens) of the negation words (class NEG) of lang, so that phrase hits
// can be negated by the same words.
func (s *Set) Match(dst []Hit, negs []int, d *token.Doc, lang string) ([]Hit, []int) {
	ls := s.langs[lang]
	if ls == nil || len(ls.patterns) == 0 || len(d.Tokens) == 0 {
		return dst, negs
	}
	sc := pool.Get().(*scratch)
	defer pool.Put(sc)
	for i := range ls.classes {
		sc.occ[i] = sc.occ[i][:0]
	}
	sc.words = sc.words[:0]
	for i := range d.Tokens {
		if k := d.Tokens[i].Kind; k == token.Word || k == token.Number || k == token.Symbol && currency(d.FoldedBytes(i)) {
			sc.words = append(sc.words, int32(i))
		}
	}
	ls.classify(d, sc)
	start := len(dst)
	for _, p := range ls.patterns {
		dst = ls.run(p, d, sc, dst, start)
	}
	if ls.neg >= 0 {
		for _, o := range sc.occ[ls.neg] {
			negs = append(negs, int(sc.words[o.first]))
		}
	}
	return dst, negs
}

// classify records the class occurrences of every word.
func (ls *langSet) classify(d *token.Doc, sc *scratch) {
	cache := sc.caches[ls]
	if cache == nil {
		if sc.caches == nil {
			sc.caches = map[*langSet]*wordCache{}
		}
		cache = &wordCache{}
		sc.caches[ls] = cache
	}
	for wi, ti := range sc.words {
		t := &d.Tokens[ti]
		if t.Kind == token.Number {
			if len(ls.numbers) > 0 && t.FEnd-t.FStart <= 4 {
				v := 0
				for _, c := range d.Fold[t.FStart:t.FEnd] {
					if c < '0' || c > '9' {
						v = -1
						break
					}
					v = v*10 + int(c-'0')
				}
				for _, nr := range ls.numbers {
					if v >= nr.lo && v <= nr.hi {
						sc.occ[nr.class] = append(sc.occ[nr.class], occ{int32(wi), int32(wi)})
					}
				}
			}
			// Numbers also start class phrases ("100%", "3 photos").
		}
		if ls.alt != nil && ls.lang == "el" {
			// Greeklish writes θ as 8 and ξ as 3: "8elw", "e3oteriko"
			// are split by the tokenizer into letters and digits.
			if n := gluedRun(d, sc, wi); n > 1 {
				for _, c := range cache.getGlued(ls, sc) {
					sc.occ[c] = append(sc.occ[c], occ{int32(wi), int32(wi + n - 1)})
				}
			}
		}
		f := d.Fold[t.FStart:t.FEnd]
		singles, phrases := cache.get(ls, f, t.Kind == token.Word, sc)
		for _, c := range singles {
			sc.occ[c] = append(sc.occ[c], occ{int32(wi), int32(wi)})
		}
		for i := range phrases {
			r := &phrases[i]
			// Cheap test first: the next word must start like the phrase's next word.
			if wi+1 >= len(sc.words) || r.rest[0].word == "" {
				continue
			}
			if nt := &d.Tokens[sc.words[wi+1]]; nt.FEnd == nt.FStart || !r.alt && d.Fold[nt.FStart] != r.rest[0].word[0] {
				continue
			}
			if !ls.restMatches(d, sc, wi, r) {
				continue
			}
			sc.occ[r.class] = append(sc.occ[r.class], occ{int32(wi), int32(wi + len(r.rest))})
		}
	}
}

// wordClasses is what a folded word matches on its own: the classes of its
// single-word entries (or, failing any entry, of a class word one typo
// away), and the phrases it may start, to be checked against the words
// after it.
type wordClasses struct {
	singles []int16
	phrases []nodeRef
}

// maxCache is the most words a scratch remembers for one language before
// starting that language afresh.
const maxCache = 1 << 13

// wordClasses walks the trie for the folded word f.
func (ls *langSet) wordClasses(f []byte, word bool, sc *scratch) *wordClasses {
	w := &wordClasses{}
	var seen bits
	ni := int32(0)
	n := &ls.trie.nodes[0]
	for depth := 0; ; depth++ {
		for _, r := range n.refs {
			ok := false
			switch r.mode {
			case modePrefix:
				ok = true
			case modeExact:
				ok = depth == len(f)
			default:
				ok = utf8.RuneCount(f[depth:]) <= ls.maxSuffix
			}
			if !ok {
				continue
			}
			if len(r.rest) > 0 {
				w.phrases = append(w.phrases, r)
				continue
			}
			if !seen.has(r.class) {
				seen.set(r.class)
				w.singles = append(w.singles, int16(r.class))
			}
		}
		if depth == len(f) {
			break
		}
		if ni = ls.trie.child(ni, f[depth]); ni < 0 {
			break
		}
		n = &ls.trie.nodes[ni]
	}
	if ls.alt != nil && translit.ASCIIWord(f) {
		sc.key = translit.Key(sc.key[:0], ls.lang, f)
		ls.alt.walk(sc.key, ls.maxSuffix+1, func(r nodeRef) {
			if len(r.rest) > 0 {
				w.phrases = append(w.phrases, r)
			} else if !seen.has(r.class) {
				seen.set(r.class)
				w.singles = append(w.singles, int16(r.class))
			}
		})
	}
	if len(w.singles) == 0 && len(w.phrases) == 0 && word && len(f) >= 7 && len(ls.fuzzy) > 0 &&
		ls.fuzzyPrefix[prefix3(f)] && utf8.RuneCount(f) >= 7 {
		w.singles = ls.fuzzyClasses(f, sc)
	}
	return w
}

func (ls *langSet) restMatches(d *token.Doc, sc *scratch, wi int, r *nodeRef) bool {
	rest := r.rest
	if wi+len(rest) >= len(sc.words) {
		return false
	}
	for k, e := range rest {
		ti := sc.words[wi+1+k]
		t := &d.Tokens[ti]
		f := d.Fold[t.FStart:t.FEnd]
		if r.alt {
			if !translit.ASCIIWord(f) {
				return false
			}
			sc.key = translit.Key(sc.key[:0], ls.lang, f)
			if !elemMatches(e, sc.key, ls.maxSuffix+1) {
				return false
			}
			continue
		}
		if !elemMatches(e, f, ls.maxSuffix) {
			return false
		}
	}
	return true
}

// walk calls fn for every entry the key k matches: exact entries equal to
// k, stems k starts with and at most maxSuffix letters more, prefixes.
func (t *trie) walk(k []byte, maxSuffix int, fn func(nodeRef)) {
	ni := int32(0)
	for depth := 0; ; depth++ {
		for _, r := range t.nodes[ni].refs {
			switch r.mode {
			case modePrefix:
			case modeExact:
				if depth != len(k) {
					continue
				}
			default:
				if len(k)-depth > maxSuffix {
					continue
				}
			}
			fn(r)
		}
		if depth == len(k) {
			return
		}
		if ni = t.child(ni, k[depth]); ni < 0 {
			return
		}
	}
}

// fuzzyClasses returns the classes of class words one edit away from a
// long word f.
func (ls *langSet) fuzzyClasses(f []byte, sc *scratch) []int16 {
	var seen bits
	var out []int16
	add := func(refs []fuzzyRef) {
		for _, r := range refs {
			if !seen.has(r.class) {
				seen.set(r.class)
				out = append(out, int16(r.class))
			}
		}
	}
	add(ls.fuzzy[string(f)])
	for i := 0; i < len(f); {
		_, size := utf8.DecodeRune(f[i:])
		sc.del = append(append(sc.del[:0], f[:i]...), f[i+size:]...)
		add(ls.fuzzy[string(sc.del)])
		i += size
	}
	return out
}

// run appends the matches of one pattern.
func (ls *langSet) run(p *cpattern, d *token.Doc, sc *scratch, dst []Hit, start int) []Hit {
	anchor := -1
	for _, c := range p.all {
		n := len(sc.occ[c])
		if n == 0 {
			return dst
		}
		if anchor < 0 || n < len(sc.occ[anchor]) {
			anchor = c
		}
	}
	var chosenBuf [8]occ
	lastEnd := int32(-1)
	for _, a := range sc.occ[anchor] {
		if a.first <= lastEnd {
			continue
		}
		chosen := append(chosenBuf[:0], a)
		sent := d.Tokens[sc.words[a.first]].Sent
		skipped := false
		ok := true
		for _, c := range p.all {
			if c == anchor && !skipped {
				skipped = true
				continue
			}
			best, bestDist := occ{-1, -1}, int32(1<<30)
			for _, o := range sc.occ[c] {
				if overlaps(chosen, o) {
					continue
				}
				dist := o.first - a.first
				if dist < 0 {
					dist = -dist
				}
				if dist > int32(p.Window) || dist >= bestDist {
					continue
				}
				if !p.Lines && d.Tokens[sc.words[o.first]].Sent != sent {
					continue
				}
				best, bestDist = o, dist
			}
			if best.first < 0 {
				ok = false
				break
			}
			chosen = append(chosen, best)
		}
		if !ok {
			continue
		}
		lo, hi := chosen[0].first, chosen[0].last
		for _, o := range chosen[1:] {
			lo, hi = min(lo, o.first), max(hi, o.last)
		}
		// The window counts the words between the matched words, not the
		// words inside a phrase ("pay it back").
		inner := int32(0)
		for _, o := range chosen {
			inner += o.last - o.first
		}
		if hi-lo-inner > int32(p.Window) {
			continue
		}
		if ls.voided(p, d, sc, chosen, lo, hi) {
			continue
		}
		h := Hit{Tag: p.Tag, Pattern: p.Name,
			Start: int(d.Tokens[sc.words[lo]].Start), End: int(d.Tokens[sc.words[hi]].End)}
		if overlapsHit(dst[start:], h) {
			continue
		}
		sortOccs(chosen)
		for _, o := range chosen {
			h.Words = append(h.Words, d.Text[d.Tokens[sc.words[o.first]].Start:d.Tokens[sc.words[o.last]].End])
		}
		dst = append(dst, h)
		lastEnd = hi
	}
	return dst
}

// voided reports whether a negation or an excluded class cancels a match
// spanning words lo..hi.
func (ls *langSet) voided(p *cpattern, d *token.Doc, sc *scratch, chosen []occ, lo, hi int32) bool {
	// An excluded word cancels the match when it stands in it, or near it
	// in the same sentence: "you pay your own ticket", "flight, paid by
	// you"; not "ticket paid. Papers not needed".
	reach := int32(p.NegSpan) + 1
	sent := func(w int32) int32 { return d.Tokens[sc.words[w]].Sent }
	for _, c := range p.not {
		for _, o := range sc.occ[c] {
			switch {
			case o.last < lo-reach || o.first > hi+reach:
			case o.last < lo && sent(o.last) != sent(lo):
			case o.first > hi && sent(o.first) != sent(hi):
			default:
				return true
			}
		}
	}
	// A not_before word cancels only from just before the match, in its
	// sentence and clause: "проживание в гостинице", not "работа в
	// гостинице, проживание бесплатно".
	for _, c := range p.notBefore {
		for _, o := range sc.occ[c] {
			if o.last < lo && lo-o.last <= int32(p.NegSpan) && sent(o.last) == sent(lo) &&
				!ClauseBreak(d, int(sc.words[o.last]), int(sc.words[lo])) {
				return true
			}
		}
	}
	if p.negate && ls.neg >= 0 {
		// A negation cancels the match when it stands at most neg_span
		// words before one of the matched words, in its sentence and
		// clause: "we do not pay the ticket", "tickets are not paid";
		// not "no experience. Travel we organise", "no deposit, ticket paid".
		for _, o := range sc.occ[ls.neg] {
			if overlaps(chosen, o) {
				continue
			}
			for _, c := range chosen {
				if o.last < c.first && c.first-o.last <= int32(p.NegSpan) &&
					d.Tokens[sc.words[o.last]].Sent == d.Tokens[sc.words[c.first]].Sent &&
					!ClauseBreak(d, int(sc.words[o.last]), int(sc.words[c.first])) {
					return true
				}
			}
		}
	}
	return false
}

func overlaps(chosen []occ, o occ) bool {
	for _, c := range chosen {
		if o.first <= c.last && c.first <= o.last {
			return true
		}
	}
	return false
}

func overlapsHit(hits []Hit, h Hit) bool {
	for i := range hits {
		if hits[i].Tag == h.Tag && h.Start < hits[i].End && hits[i].Start < h.End {
			return true
		}
	}
	return false
}

func sortOccs(o []occ) {
	for i := 1; i < len(o); i++ {
		for j := i; j > 0 && o[j].first < o[j-1].first; j-- {
			o[j], o[j-1] = o[j-1], o[j]
		}
	}
}

// Note is the evidence note of a hit: the pattern and its words.
func (h *Hit) Note() string {
	return "pattern " + h.Pattern + ": " + strings.Join(h.Words, " + ")
}

// maxClasses is the most classes one language may have.
const maxClasses = 128

type bits [maxClasses / 64]uint64

func (b *bits) has(i int) bool { return b[i>>6]&(1<<(i&63)) != 0 }
func (b *bits) set(i int)      { b[i>>6] |= 1 << (i & 63) }
func (b *bits) empty() bool {
	for _, w := range b {
		if w != 0 {
			return false
		}
	}
	return true
}

// ClauseBreak reports whether a comma, semicolon, colon, long dash or list
// mark stands between tokens i and j (i < j) of d: a negation does not
// reach past it ("no deposit, ticket included").
func ClauseBreak(d *token.Doc, i, j int) bool {
	for k := i + 1; k < j && k < len(d.Tokens); k++ {
		if d.Tokens[k].Kind != token.Symbol {
			continue
		}
		switch d.Text[d.Tokens[k].Start:d.Tokens[k].End] {
		case ",", ";", ":", "–", "—", "•", "|", "(", ")", "+":
			return true
		}
	}
	return false
}

// prefix3 is the first three bytes of a word, for the typo prefilter.
func prefix3(b []byte) [3]byte {
	var p [3]byte
	copy(p[:], b)
	return p
}

// greekDigit reports whether a token is a number written only with the
// digits Greeklish uses for letters (3 for ξ, 8 for θ).
func greekDigit(d *token.Doc, t *token.Token) bool {
	if t.Kind != token.Number {
		return false
	}
	for _, c := range d.Fold[t.FStart:t.FEnd] {
		if c != '3' && c != '8' {
			return false
		}
	}
	return true
}

// gluedRun returns how many words from word wi on are written together
// with no space and mix letters with the digits 3 and 8 ("8elw" is "8" and
// "elw"), their folded forms joined in sc.glued; 0 or 1 when there is no
// such run or wi is inside one.
func gluedRun(d *token.Doc, sc *scratch, wi int) int {
	joinable := func(t *token.Token) bool { return t.Kind == token.Word || greekDigit(d, t) }
	t := &d.Tokens[sc.words[wi]]
	if !joinable(t) {
		return 0
	}
	if wi > 0 {
		if p := &d.Tokens[sc.words[wi-1]]; p.End == t.Start && joinable(p) {
			return 0
		}
	}
	n, digits := 1, greekDigit(d, t)
	for wi+n < len(sc.words) {
		prev, next := &d.Tokens[sc.words[wi+n-1]], &d.Tokens[sc.words[wi+n]]
		if prev.End != next.Start || !joinable(next) {
			break
		}
		digits = digits || greekDigit(d, next)
		n++
	}
	if n < 2 || !digits {
		return 0
	}
	sc.glued = sc.glued[:0]
	for k := range n {
		tk := &d.Tokens[sc.words[wi+k]]
		sc.glued = append(sc.glued, d.Fold[tk.FStart:tk.FEnd]...)
	}
	return n
}
