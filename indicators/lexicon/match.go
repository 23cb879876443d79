package lexicon

import (
	"cmp"
	"slices"
	"unicode"
	"unicode/utf8"
)

// scratch holds per-call buffers, reused through a sync.Pool.
type scratch struct {
	n     normalizer
	cands []candidate
	hits  []span
	supp  []span
	keep  []span
}

// span is a hit in normalized offsets.
type span struct {
	pat        int32
	start, end int32
}

// Match returns every lexicon hit in text, sorted by Start, then End, then
// Tag. Hits that lie inside a suppress phrase of the same tag are removed, and
// of the hits of one tag only the maximal ones are kept (a hit inside a longer
// hit of the same tag is dropped; for equal spans xx, else the first language
// in alphabetical order, wins).
func (l *Lexicon) Match(text string) []Hit {
	return l.AppendMatch(nil, text)
}

// AppendMatch is like Match but appends the hits to dst and returns the
// extended slice; reusing dst makes matching allocation-free. Texts longer
// than maxText bytes are not matched.
func (l *Lexicon) AppendMatch(dst []Hit, text string) []Hit {
	return l.AppendMatchIn(dst, text, nil)
}

// AppendMatchIn is AppendMatch with only the terms whose language allow
// accepts (suppress phrases of every language still apply); nil allows
// all. The choice is made before overlapping hits are resolved, so a term
// of an allowed language is kept where an identical term of another
// language would have won.
func (l *Lexicon) AppendMatchIn(dst []Hit, text string, allow func(lang, tag string) bool) []Hit {
	if len(text) == 0 || len(text) > maxText {
		return dst
	}
	sc := l.pool.Get().(*scratch)
	defer l.release(sc)
	sc.n.run(text)
	b := sc.n.norm
	sc.cands = sc.cands[:0]
	if !l.floating.empty() {
		sc.cands = l.floating.scan(b, sc.cands)
	}
	// A term starts at a word start or at a non-word rune; a '*'-led term
	// ends at a word end or after a non-word rune.
	prevWord := false
	for i := 0; i < len(b); {
		c := b[i]
		var w bool
		size := 1
		if c < utf8.RuneSelf {
			w = asciiWord[c]
		} else {
			w, size = wordAt(b, i)
		}
		if !w || !prevWord {
			sc.cands = l.forward.walk(b, i, sc.cands)
			if i > 0 {
				sc.cands = l.backward.walkBack(b, i, sc.cands)
			}
		}
		prevWord = w
		i += size
	}
	if len(b) > 0 {
		sc.cands = l.backward.walkBack(b, len(b), sc.cands)
	}
	return l.finish(sc, text, dst, allow)
}

// finish turns the candidates in sc into hits appended to dst: boundary
// checks, '*' extension, suppression, maximal hits per tag, sorting and
// mapping back to original offsets.
func (l *Lexicon) finish(sc *scratch, text string, dst []Hit, allow func(lang, tag string) bool) []Hit {
	b := sc.n.norm
	sc.hits, sc.supp = sc.hits[:0], sc.supp[:0]
	for _, c := range sc.cands {
		p := &l.pats[c.pat]
		if allow != nil && !p.suppress && !allow(p.lang, l.tagNames[p.tag]) {
			continue
		}
		start, end := int(c.end)-len(p.key), int(c.end)
		if p.needStart && wordBefore(b, start) {
			continue
		}
		if p.needEnd {
			if w, _ := wordAt(b, end); w {
				continue
			}
		}
		if p.prefix {
			for {
				w, size := wordAt(b, end)
				if !w {
					break
				}
				end += size
			}
		}
		if p.suffix {
			for start > 0 && wordBefore(b, start) {
				_, size := utf8.DecodeLastRune(b[:start])
				start -= size
			}
		}
		sp := span{c.pat, int32(start), int32(end)}
		if p.suppress {
			sc.supp = append(sc.supp, sp)
		} else {
			sc.hits = append(sc.hits, sp)
		}
	}
	if len(sc.hits) == 0 {
		return dst
	}
	// Sort by tag, start, longest first; keep maximal, unsuppressed hits.
	slices.SortFunc(sc.hits, func(x, y span) int {
		if c := cmp.Compare(l.pats[x.pat].tag, l.pats[y.pat].tag); c != 0 {
			return c
		}
		if c := cmp.Compare(x.start, y.start); c != 0 {
			return c
		}
		if c := cmp.Compare(y.end, x.end); c != 0 {
			return c
		}
		return cmp.Compare(x.pat, y.pat)
	})
	keep := sc.keep[:0]
	prevTag, maxEnd := int32(-1), int32(-1)
	for _, h := range sc.hits {
		p := &l.pats[h.pat]
		if p.tag != prevTag {
			prevTag, maxEnd = p.tag, -1
		}
		if h.end <= maxEnd {
			continue // inside a longer (or equal) hit of the same tag
		}
		maxEnd = h.end
		if l.suppressed(sc.supp, p.tag, h) {
			continue
		}
		keep = append(keep, h)
	}
	sc.keep = keep
	// Normalized offsets map monotonically to original ones, so sorting here
	// sorts the result; ties by tag name.
	slices.SortFunc(keep, func(x, y span) int {
		if c := cmp.Compare(x.start, y.start); c != 0 {
			return c
		}
		if c := cmp.Compare(x.end, y.end); c != 0 {
			return c
		}
		return cmp.Compare(l.tagRank[l.pats[x.pat].tag], l.tagRank[l.pats[y.pat].tag])
	})
	if dst == nil {
		dst = make([]Hit, 0, len(keep))
	}
	for _, h := range keep {
		p := &l.pats[h.pat]
		start, end := l.origStart(sc, h.start), l.origEnd(sc, text, h.end)
		if p.caps && hasLower(text[start:end]) {
			continue
		}
		dst = append(dst, Hit{Tag: l.tagNames[p.tag], Term: p.term, Lang: p.lang, Start: start, End: end})
	}
	return dst
}

// maxText is the longest text Match handles (offsets are kept as int32).
const maxText = 1 << 28

// keepBuffer is the largest normalized-text buffer kept for reuse.
const keepBuffer = 1 << 20

// release returns sc to the pool, dropping buffers grown by a huge text.
func (l *Lexicon) release(sc *scratch) {
	if cap(sc.n.norm) > keepBuffer {
		sc.n = normalizer{}
	}
	l.pool.Put(sc)
}

// suppressed reports whether h lies inside a suppress phrase of tag.
func (l *Lexicon) suppressed(supp []span, tag int32, h span) bool {
	for _, s := range supp {
		if l.pats[s.pat].tag == tag && s.start <= h.start && h.end <= s.end {
			return true
		}
	}
	return false
}

// origStart maps a normalized offset to the start of its original rune.
func (l *Lexicon) origStart(sc *scratch, i int32) int {
	return int(sc.n.orig[i])
}

// origEnd maps a normalized end offset to the end of the original rune that
// produced the last byte, extended over characters that normalization
// dropped right after it (emoji variation selectors, zero-width characters).
func (l *Lexicon) origEnd(sc *scratch, text string, end int32) int {
	o := int(sc.n.orig[end-1])
	_, size := utf8.DecodeRuneInString(text[o:])
	e := o + size
	if int(end) == len(sc.n.norm) {
		return len(text)
	}
	if next := int(sc.n.orig[end]); next > e {
		e = next
	}
	return e
}

// hasLower reports whether s has a lower-case letter.
func hasLower(s string) bool {
	for _, r := range s {
		if unicode.IsLower(r) {
			return true
		}
	}
	return false
}
