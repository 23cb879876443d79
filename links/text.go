package links

import (
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/indicators"
	"golang.org/x/text/unicode/norm"
)

// maskSources are the evidence sources whose body spans are masked before
// shingling: contacts, names and ages vary between copies of a template.
var maskSources = []string{"contacts:all", "names", "ages"}

// bufPool recycles word and shingle buffers.
var bufPool = sync.Pool{New: func() any { b := make([]uint64, 0, 256); return &b }}

// bodySignature returns the MinHash signature of the listing's body and
// the shingle giving each value, or nil when the body has fewer than
// minShingles shingles.
func bodySignature(l *corpus.Listing, f *indicators.Features, k, minShingles, n int) ([]uint32, []uint64) {
	wb := bufPool.Get().(*[]uint64)
	sb := bufPool.Get().(*[]uint64)
	defer bufPool.Put(wb)
	defer bufPool.Put(sb)
	*wb = wordHashes(l.Body, bodyMasks(l, f), (*wb)[:0])
	*sb = shingles(*wb, k, (*sb)[:0])
	if len(*sb) < minShingles {
		return nil, nil
	}
	return signatureArgmin(*sb, n, true)
}

// bodyShingles returns the sorted, distinct shingle hashes of the
// listing's normalized body.
func bodyShingles(l *corpus.Listing, f *indicators.Features, k int) []uint64 {
	words := wordHashes(l.Body, bodyMasks(l, f), nil)
	return shingles(words, k, words[:0:0])
}

// bodyMasks returns the merged byte ranges of the body to mask.
func bodyMasks(l *corpus.Listing, f *indicators.Features) []byteRange {
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
	return merged
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

// matchedRange returns the byte range of the body's longest stretch of
// words covered by shingles it shares with another body, as far as the
// two signatures tell: where both have the same minimum at a position,
// the shingle that gives this body's minimum there (mins, from
// signatureArgmin) is (but for a chance 16-bit equality) in both.
// ok is false when no position agrees.
func matchedRange(l *corpus.Listing, f *indicators.Features, k int, sig []uint32, mins []uint64, other []uint16) (start, end int, ok bool) {
	if len(sig) != len(other) || len(mins) != len(sig) {
		return 0, 0, false
	}
	var shared []uint64
	for j, v := range sig {
		if uint16(v) == other[j] {
			shared = append(shared, mins[j])
		}
	}
	if len(shared) == 0 {
		return 0, 0, false
	}
	slices.Sort(shared)
	var at []byteRange
	words := wordHashesAt(l.Body, bodyMasks(l, f), nil, &at)
	covered := make([]bool, len(words))
	for i := 0; i+k <= len(words); i++ {
		if _, found := slices.BinarySearch(shared, shingleHash(words[i:i+k])); found {
			for w := i; w < i+k; w++ {
				covered[w] = true
			}
		}
	}
	best, bestLen := -1, 0
	for i := 0; i < len(covered); {
		if !covered[i] {
			i++
			continue
		}
		j := i
		for j < len(covered) && covered[j] {
			j++
		}
		if j-i > bestLen {
			best, bestLen = i, j-i
		}
		i = j
	}
	if best < 0 {
		return 0, 0, false
	}
	return at[best].start, at[best+bestLen-1].end, true
}
