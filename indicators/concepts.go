package indicators

import (
	"strings"
	"sync"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/indicators/concept"
	"github.com/redthread/redthread/indicators/token"
)

// conceptScratch holds a token.Doc and hit buffer between listings.
type conceptScratch struct {
	doc  token.Doc
	hits []concept.Hit
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
	case strings.HasPrefix(tag, "employer."), strings.HasPrefix(tag, "sector."), strings.HasPrefix(tag, "place."),
		strings.HasPrefix(tag, "kind."), strings.HasPrefix(tag, "name."):
		return true
	case tag == "job.vague_employer" && field == "employer":
		return true // "International company" as the employer's name
	}
	return false
}

// addConcepts matches the concept patterns of the listing's language in
// the title and body and adds their hits as "terms:TAG" evidence, unless a
// lexicon phrase of the same tag already covers the words.
func (x *Extractor) addConcepts(f *Features, fields []corpus.NamedText) {
	if x.concepts == nil || !x.concepts.HasLanguage(f.Language) {
		return
	}
	sc := conceptPool.Get().(*conceptScratch)
	defer conceptPool.Put(sc)
	for _, ft := range fields {
		if !adTextField(ft.Field) && ft.Field != "employer_info" {
			continue
		}
		sc.doc.Reset(ft.Text)
		sc.hits = x.concepts.AppendMatch(sc.hits[:0], &sc.doc, f.Language)
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

// covered reports whether a span of field overlaps one of spans.
func covered(spans []Span, field string, start, end int) bool {
	for i := range spans {
		if spans[i].Field == field && start < spans[i].End && spans[i].Start < end {
			return true
		}
	}
	return false
}
