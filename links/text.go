package links

import (
	"slices"
	"strings"
	"unicode"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/indicators"
	"golang.org/x/text/unicode/norm"
)

// maskSources are the evidence sources whose body spans are masked before
// shingling: contacts, names and ages vary between copies of a template.
var maskSources = []string{"contacts:all", "names", "ages"}

// bodyShingles returns the sorted, distinct shingle hashes of the
// listing's normalized body.
func bodyShingles(l *corpus.Listing, f *indicators.Features, k int) []uint64 {
	var masks []byteRange
	for _, src := range maskSources {
		for _, sp := range f.Spans[src] {
			if sp.Field == "body" && sp.Start >= 0 && sp.End <= len(l.Body) && sp.Start < sp.End {
				masks = append(masks, byteRange{sp.Start, sp.End})
			}
		}
	}
	slices.SortFunc(masks, func(a, b byteRange) int { return a.start - b.start })
	// Merge overlaps so each masked stretch is one placeholder.
	merged := masks[:0]
	for _, m := range masks {
		if n := len(merged); n > 0 && m.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, m.end)
			continue
		}
		merged = append(merged, m)
	}
	words := wordHashes(l.Body, merged, nil)
	return shingles(words, k, words[:0:0])
}

// fold lower-cases s, strips accents and keeps letters and spaces only,
// for comparing short values such as locations and nationality words.
func fold(s string) string {
	var b strings.Builder
	space := true
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r):
			b.WriteRune(unicode.ToLower(r))
			space = false
		case !space:
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSpace(b.String())
}
