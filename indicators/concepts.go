package indicators

import (
	"sort"
	"strings"
	"sync"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/indicators/concept"
	"github.com/redthread/redthread/indicators/token"
)

// conceptScratch holds a token.Doc and hit buffers between listings.
type conceptScratch struct {
	doc  token.Doc
	hits []concept.Hit
	negs []int
	rank []int32 // token index → words before it
}

var conceptPool = sync.Pool{New: func() any { return new(conceptScratch) }}

// adTextField reports whether a field is the ad's own text, where every
// indicator may be found. The employer's name and profile are the company
// describing itself: only employer and sector tags count there.
func adTextField(field string) bool { return field == "title" || field == "body" }

// tagForField reports whether a hit of tag in field counts.
func tagForField(tag, field string) bool {
	if adTextField(field) {
		return true
	}
	switch {
	case strings.HasPrefix(tag, "sector."):
		// The employer's name may say its trade ("Agro Farm Ltd"); a
		// company profile lists every trade an agency serves, which says
		// nothing about this job's sector.
		return field == "employer"
	case strings.HasPrefix(tag, "employer."), strings.HasPrefix(tag, "place."),
		strings.HasPrefix(tag, "kind."), strings.HasPrefix(tag, "name."):
		return true
	case tag == "job.vague_employer" && field == "employer":
		return true // "International company" as the employer's name
	}
	return false
}

// addConcepts matches the concept patterns of the listing's language in
// the title and body and adds their hits as "terms:TAG" evidence, unless a
// lexicon phrase of the same tag already covers the words; and drops the
// lexicon phrases of negatable tags that a negation word of the language
// stands just before, in the same sentence.
func (x *Extractor) addConcepts(f *Features, fields []corpus.NamedText) {
	if x.concepts == nil || !x.concepts.HasLanguage(f.Language) {
		return
	}
	sc := conceptPool.Get().(*conceptScratch)
	defer conceptPool.Put(sc)
	for _, ft := range fields {
		if !adTextField(ft.Field) {
			continue // the employer's profile raises only employer, sector and place terms: the lexicon finds those
		}
		sc.doc.Reset(ft.Text)
		sc.hits, sc.negs = x.concepts.Match(sc.hits[:0], sc.negs[:0], &sc.doc, f.Language)
		if len(sc.negs) > 0 {
			x.negatePhrases(f, ft.Field, sc)
		}
		for i := range sc.hits {
			h := &sc.hits[i]
			if !tagForField(h.Tag, ft.Field) || covered(f.Spans["terms:"+h.Tag], ft.Field, h.Start, h.End) {
				continue
			}
			f.Terms[h.Tag]++
			f.Add("terms:"+h.Tag, Span{Evidence: corpus.Evidence{Field: ft.Field, Start: h.Start, End: h.End,
				Text: ft.Text[h.Start:h.End], Note: h.Note()}})
		}
	}
	if len(sc.hits) > 256 {
		sc.hits = nil
	}
}

// negatePhrases removes the phrase hits of the tags the concept data names
// (phrase_negation) in field that a negation word in sc.negs stands just
// before.
func (x *Extractor) negatePhrases(f *Features, field string, sc *conceptScratch) {
	pn := x.concepts.PhraseNegation()
	toks := sc.doc.Tokens
	sc.rank = sc.rank[:0]
	var words int32
	for i := range toks {
		sc.rank = append(sc.rank, words)
		if toks[i].Kind != token.Symbol {
			words++
		}
	}
	for _, tag := range pn.Tags {
		spans := f.Spans["terms:"+tag]
		if len(spans) == 0 {
			continue
		}
		kept := spans[:0]
		for _, sp := range spans {
			if sp.Field != field || !negatedAt(sc, sp.Start, pn.Reach) {
				kept = append(kept, sp)
				continue
			}
			f.Terms[tag]--
		}
		if len(kept) == 0 {
			delete(f.Spans, "terms:"+tag)
			delete(f.Terms, tag)
		} else {
			f.Spans["terms:"+tag] = kept
		}
	}
}

// negatedAt reports whether a negation word stands at most reach words
// before the token at byte offset start, in its sentence and clause.
func negatedAt(sc *conceptScratch, start, reach int) bool {
	toks := sc.doc.Tokens
	ti := sort.Search(len(toks), func(i int) bool { return int(toks[i].End) > start })
	if ti >= len(toks) {
		return false
	}
	for _, n := range sc.negs {
		if n >= ti || toks[n].Sent != toks[ti].Sent {
			continue
		}
		if d := sc.rank[ti] - sc.rank[n]; d >= 1 && d <= int32(reach) && !concept.ClauseBreak(&sc.doc, n, ti) {
			return true
		}
	}
	return false
}

// covered reports whether a span of field overlaps one of spans.
func covered(spans []Span, field string, start, end int) bool {
	for i := range spans {
		if spans[i].Field == field && start < spans[i].End && spans[i].Start < end {
			return true
		}
	}
	return false
}
