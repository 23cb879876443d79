package web

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/redthread/redthread/corpus"
)

// Segment is a run of a field's text and the indicators whose evidence
// covers it. Text is plain: templates escape it.
type Segment struct {
	Text       string
	Indicators []string
	// Ends lists the indicators whose evidence span ends after this
	// segment, to label the span there.
	Ends []string
}

// FieldView is one text field of a listing, cut into segments at evidence
// boundaries.
type FieldView struct {
	Name     string
	Segments []Segment
	Marked   int // evidence spans placed in this field
}

// Unplaced is evidence that could not be placed in the listing's text: a
// field the listing lacks, or offsets and text that do not agree.
type Unplaced struct {
	Indicator string
	Evidence  corpus.Evidence
}

type span struct {
	start, end int
	indicator  string
}

// locate checks an evidence span against text and returns the byte range
// to mark. Offsets are clamped and moved to rune boundaries; when the
// evidence quotes text that is not at its offsets, the quote is searched
// for (nearest occurrence to the offsets). ok is false when nothing
// trustworthy can be marked.
func locate(text string, e corpus.Evidence) (start, end int, ok bool) {
	s, en := e.Start, e.End
	if s < 0 {
		s = 0
	}
	if en > len(text) {
		en = len(text)
	}
	if e.Text != "" {
		if s < en && text[s:en] == e.Text && onBoundaries(text, s, en) {
			return s, en, true
		}
		// Offsets disagree with the quote: find the quote nearest to them.
		best := -1
		for i := 0; i <= len(text)-len(e.Text); {
			j := strings.Index(text[i:], e.Text)
			if j < 0 {
				break
			}
			at := i + j
			if !onBoundaries(text, at, at+len(e.Text)) {
				i = at + 1
				continue
			}
			if best < 0 || abs(at-e.Start) < abs(best-e.Start) {
				best = at
			}
			i = at + 1
		}
		if best < 0 {
			return 0, 0, false
		}
		return best, best + len(e.Text), true
	}
	if s >= en {
		return 0, 0, false
	}
	for s > 0 && !utf8.RuneStart(text[s]) {
		s--
	}
	for en < len(text) && !utf8.RuneStart(text[en]) {
		en++
	}
	return s, en, true
}

// onBoundaries reports whether text[s:e] starts and ends between
// characters.
func onBoundaries(text string, s, e int) bool {
	return utf8.RuneStart(text[s]) && (e == len(text) || utf8.RuneStart(text[e]))
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// listingFields returns the listing's text fields in display order; body is
// extracted from html when the listing has only html.
func listingFields(l *corpus.Listing) []corpus.NamedText {
	if l == nil {
		return nil
	}
	if l.Body == "" && l.HTML != "" {
		c := *l
		c.Body = corpus.TextFromHTML(l.HTML)
		return c.TextFields()
	}
	return l.TextFields()
}

// MarkEvidence cuts every text field of r's listing at the evidence spans
// of its indicators and returns the fields and the evidence it could not
// place.
func MarkEvidence(r *corpus.Result) ([]FieldView, []Unplaced) {
	fields := listingFields(r.Listing)
	spans := map[string][]span{}
	var unplaced []Unplaced
	texts := map[string]string{}
	for _, f := range fields {
		texts[f.Field] = f.Text
	}
	for _, h := range r.Indicators {
		for _, e := range h.Evidence {
			text, ok := texts[e.Field]
			if !ok {
				if e.Text != "" || e.Shared != "" {
					unplaced = append(unplaced, Unplaced{h.ID, e})
				}
				continue
			}
			s, en, ok := locate(text, e)
			if !ok {
				unplaced = append(unplaced, Unplaced{h.ID, e})
				continue
			}
			if e.Shared != "" && en < len(text) {
				// A quoted excerpt of shared text (a template) is cut at a
				// byte count: end the mark at the end of its word, not in
				// the middle of it.
				for en < len(text) && !unicode.IsSpace(rune(text[en])) && !unicode.IsPunct(rune(text[en])) {
					_, size := utf8.DecodeRuneInString(text[en:])
					en += size
				}
			}
			spans[e.Field] = append(spans[e.Field], span{s, en, h.ID})
		}
	}
	out := make([]FieldView, 0, len(fields))
	for _, f := range fields {
		out = append(out, segment(f.Field, f.Text, spans[f.Field]))
	}
	return out, unplaced
}

func segment(name, text string, spans []span) FieldView {
	fv := FieldView{Name: name, Marked: len(spans)}
	cuts := []int{0, len(text)}
	for _, s := range spans {
		cuts = append(cuts, s.start, s.end)
	}
	sort.Ints(cuts)
	cuts = slices.Compact(cuts)
	for i := 0; i+1 < len(cuts); i++ {
		a, b := cuts[i], cuts[i+1]
		seg := Segment{Text: text[a:b]}
		for _, s := range spans {
			if s.start <= a && s.end >= b && !slices.Contains(seg.Indicators, s.indicator) {
				seg.Indicators = append(seg.Indicators, s.indicator)
			}
			if s.end == b && !slices.Contains(seg.Ends, s.indicator) {
				seg.Ends = append(seg.Ends, s.indicator)
			}
		}
		fv.Segments = append(fv.Segments, seg)
	}
	return fv
}

// bidiControls are the invisible characters that reorder text; in hostile
// text they disguise what a line says ("gnp.exe").
var bidiControls = map[rune]string{
	'\u202A': "LRE", '\u202B': "RLE", '\u202C': "PDF", '\u202D': "LRO", '\u202E': "RLO",
	'\u2066': "LRI", '\u2067': "RLI", '\u2068': "FSI", '\u2069': "PDI",
	'\u200E': "LRM", '\u200F': "RLM", '\u061C': "ALM",
}

// ShowControls replaces bidirectional control characters with visible
// markers such as [RLO], so text reads in the order it was written.
func ShowControls(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { _, ok := bidiControls[r]; return ok }) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if name, ok := bidiControls[r]; ok {
			fmt.Fprintf(&b, "[%s]", name)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
