package links

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/indicators"
)

// devListing is a dev-set listing with its features.
type devListing struct {
	l *corpus.Listing
	f *indicators.Features
}

func loadDevSet(t testing.TB) []devListing {
	t.Helper()
	x, err := indicators.New(indicators.Config{})
	if err != nil {
		t.Fatal(err)
	}
	var out []devListing
	for rec := range corpus.DevSet() {
		if rec.Err != nil {
			t.Fatal(rec.Err)
		}
		l := rec.Listing
		l.EnsureID()
		out = append(out, devListing{l, x.Extract(l)})
	}
	return out
}

// templateGroups are the dev set's template groups (corpus/devset/README.md).
var templateGroups = [][]string{
	{"dev-en-015", "dev-en-016", "dev-en-017"},
	{"dev-ru-002", "dev-ru-003", "dev-ru-004"},
	{"dev-es-003", "dev-es-004", "dev-es-005"},
	{"dev-vi-002", "dev-vi-003"},
}

// TestTemplateJaccardOnDevSet measures the exact shingle Jaccard of the
// template pairs and the highest Jaccard of any other pair: min_jaccard in
// params.yaml must separate them.
func TestTemplateJaccardOnDevSet(t *testing.T) {
	p := DefaultParams()
	dev := loadDevSet(t)
	group := map[string]int{}
	for g, ids := range templateGroups {
		for _, id := range ids {
			group[id] = g + 1
		}
	}
	sh := make([][]uint64, len(dev))
	for i, d := range dev {
		sh[i] = bodyShingles(d.l, d.f, p.Template.ShingleWords)
	}
	minTemplate, maxOther := 1.0, 0.0
	var otherPair string
	var report strings.Builder
	for i := range dev {
		for j := i + 1; j < len(dev); j++ {
			jac := exactJaccard(sh[i], sh[j])
			gi, gj := group[dev[i].l.ID], group[dev[j].l.ID]
			if gi != 0 && gi == gj {
				fmt.Fprintf(&report, "  template %s %s: %.2f\n", dev[i].l.ID, dev[j].l.ID, jac)
				minTemplate = min(minTemplate, jac)
				continue
			}
			if jac > maxOther {
				maxOther, otherPair = jac, dev[i].l.ID+" "+dev[j].l.ID
			}
		}
	}
	t.Logf("shingle Jaccard on the dev set (k=%d):\n%s  lowest template pair %.2f; highest other pair %.2f (%s)",
		p.Template.ShingleWords, report.String(), minTemplate, maxOther, otherPair)
	if minTemplate < p.Template.MinJaccard {
		t.Errorf("a template pair has Jaccard %.2f < min_jaccard %.2f", minTemplate, p.Template.MinJaccard)
	}
	if maxOther >= p.Template.MinJaccard {
		t.Errorf("non-template pair %s has Jaccard %.2f >= min_jaccard %.2f", otherPair, maxOther, p.Template.MinJaccard)
	}
}

func TestSignatureEstimatesJaccard(t *testing.T) {
	a := make([]uint64, 200)
	b := make([]uint64, 200)
	for i := range a {
		a[i] = mix64(uint64(i))
		b[i] = mix64(uint64(i + 100)) // half overlap: J = 100/300
	}
	slices.Sort(a)
	slices.Sort(b)
	want := exactJaccard(a, b)
	got := estimateJaccard(signature(a, 256), signature(b, 256))
	if d := got - want; d > 0.1 || d < -0.1 {
		t.Errorf("estimate %.2f, exact %.2f", got, want)
	}
	if s := signature(a, 64); estimateJaccard(s, signature(a, 64)) != 1 {
		t.Error("a signature differs from itself")
	}
}

func TestWordHashesMasksContactsAndDigits(t *testing.T) {
	text := "Call Ana on +44 7700 900123 now, age 21."
	// "Ana" and the phone are masked; digits anywhere become one word.
	masks := []byteRange{{5, 8}, {12, 27}}
	a := wordHashes(text, masks, nil)
	b := wordHashes("CALL Mia on +44 7700 900999 now, age 35.", masks, nil)
	if len(a) != 7 {
		t.Errorf("%d words, want 7 (call, mask, on, mask, now, age, 00)", len(a))
	}
	if !slices.Equal(a, b) {
		t.Errorf("masked texts differ:\n%v\n%v", a, b)
	}
	c := wordHashes("call Ana on +44 7700 900123 later, age 21.", masks, nil)
	if slices.Equal(a, c) {
		t.Error("different words hash the same")
	}
	if x, y := wordHashes("w3fa2c", nil, nil), wordHashes("w1fb2c", nil, nil); len(x) != 1 || x[0] == y[0] {
		t.Errorf("alphanumeric words %v %v: want one word each, different", x, y)
	}
}

func TestWordHashesAt(t *testing.T) {
	for _, tc := range []struct {
		text  string
		masks []byteRange
		want  []string
	}{
		{"Hi, CALL Mia 24h!", nil, []string{"Hi", "CALL", "Mia", "24h"}},
		{"Hi, CALL Mia 24h!", []byteRange{{9, 12}}, []string{"Hi", "CALL", "Mia", "24h"}},
		{"Élan vital", nil, []string{"Élan", "vital"}},
		{"call +44 7700 now", []byteRange{{5, 13}}, []string{"call", "+44 7700", "now"}},
	} {
		var at []byteRange
		hs := wordHashesAt(tc.text, tc.masks, nil, &at)
		var got []string
		for _, r := range at {
			got = append(got, tc.text[r.start:r.end])
		}
		if !slices.Equal(got, tc.want) || len(hs) != len(at) || !slices.Equal(hs, wordHashes(tc.text, tc.masks, nil)) {
			t.Errorf("%q: words %q (%d hashes), want %q", tc.text, got, len(hs), tc.want)
		}
	}
}

// wordHashesReference is wordHashesAt as first written (every rune decoded
// and classified with the unicode tables): the fast path must agree.
func wordHashesReference(text string, masks []byteRange, at *[]byteRange) []uint64 {
	var out []uint64
	ws := -1
	const (
		offset = 14695981039346656037
		prime  = 1099511628211
	)
	h := uint64(offset)
	in := false
	mi := 0
	for i := 0; i < len(text); {
		for mi < len(masks) && masks[mi].end <= i {
			mi++
		}
		if mi < len(masks) && masks[mi].start <= i {
			if in {
				out = append(out, h)
				in, h = false, offset
				*at = append(*at, byteRange{ws, i})
			}
			out = append(out, maskWord)
			*at = append(*at, byteRange{max(i, masks[mi].start), masks[mi].end})
			i = masks[mi].end
			mi++
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		i += n
		switch {
		case unicode.IsDigit(r):
			r = '0'
		case unicode.IsLetter(r) || unicode.Is(unicode.Mn, r):
			r = unicode.ToLower(r)
		default:
			if in {
				out = append(out, h)
				in, h = false, offset
				*at = append(*at, byteRange{ws, i - n})
			}
			continue
		}
		if !in {
			ws = i - n
		}
		in = true
		for k := 0; k < 4 && r > 0; k++ {
			h ^= uint64(r & 0xff)
			h *= prime
			r >>= 8
		}
	}
	if in {
		out = append(out, h)
		*at = append(*at, byteRange{ws, len(text)})
	}
	return out
}

// FuzzWordHashes checks the ASCII fast path of wordHashesAt against the
// reference on any text and mask.
func FuzzWordHashes(f *testing.F) {
	f.Add("CALL Mia on +44 7700 900999 now, age 35.", 8, 12)
	f.Add("Работа в Польше: 1500€ ДЕНЬ!! Ñandú über straße ǅemal", 3, 20)
	f.Add("a\xffb\xc3", 0, 1)
	f.Fuzz(func(t *testing.T, text string, ms, me int) {
		var masks []byteRange
		if ms >= 0 && me > ms && me <= len(text) {
			masks = []byteRange{{ms, me}}
		}
		var at1, at2 []byteRange
		got := wordHashesAt(text, masks, nil, &at1)
		want := wordHashesReference(text, masks, &at2)
		if !slices.Equal(got, want) || !slices.Equal(at1, at2) {
			t.Fatalf("%q masks %v: fast path %v %v, reference %v %v", text, masks, got, at1, want, at2)
		}
	})
}

// matchedRangeReference is matchedRange as first written: every shingle
// hashed again under each agreeing position's function.
func matchedRangeReference(l *corpus.Listing, f *indicators.Features, k int, sig []uint32, other []uint16) (start, end int, ok bool) {
	var at []byteRange
	words := wordHashesAt(l.Body, bodyMasks(l, f), nil, &at)
	n := len(words) - k + 1
	if n <= 0 || len(sig) != len(other) {
		return 0, 0, false
	}
	covered := make([]bool, len(words))
	for j, v := range sig {
		if uint16(v) != other[j] {
			continue
		}
		for i := 0; i < n; i++ {
			if uint32(mix64(shingleHash(words[i:i+k])^minhashSeeds[j])>>32) == v {
				for w := i; w < i+k; w++ {
					covered[w] = true
				}
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

// TestMatchedRange checks the quoted stretch of a copied template against
// the reference over pairs of dev-set bodies spliced together (a shared
// middle, different openings and endings), and that it lies in the shared
// part.
func TestMatchedRange(t *testing.T) {
	dev := loadDevSet(t)
	x, err := indicators.New(indicators.Config{})
	if err != nil {
		t.Fatal(err)
	}
	const k, n = 5, 72
	checked := 0
	for i := 0; i+2 < len(dev) && checked < 60; i += 3 {
		a, b, c := dev[i].l.Body, dev[i+1].l.Body, dev[i+2].l.Body
		if len(a) < 200 || len(b) < 200 || len(c) < 200 {
			continue
		}
		shared := " " + b + " "
		la := &corpus.Listing{ID: "a", Body: a[:len(a)/2] + shared + a[len(a)/2:]}
		lc := &corpus.Listing{ID: "c", Body: c + shared}
		fa, fc := x.Extract(la), x.Extract(lc)
		sa, ma := bodySignature(la, fa, k, 1, n)
		sc, _ := bodySignature(lc, fc, k, 1, n)
		if sa == nil || sc == nil {
			continue
		}
		other := make([]uint16, n)
		for j, v := range sc {
			other[j] = uint16(v)
		}
		s1, e1, ok1 := matchedRange(la, fa, k, sa, ma, other)
		s2, e2, ok2 := matchedRangeReference(la, fa, k, sa, other)
		if s1 != s2 || e1 != e2 || ok1 != ok2 {
			t.Fatalf("pair %d: matchedRange %d-%d %v, reference %d-%d %v", i, s1, e1, ok1, s2, e2, ok2)
		}
		disjoint := exactJaccard(shingles(wordHashes(a, nil, nil), k, nil), shingles(wordHashes(b, nil, nil), k, nil)) == 0
		if lo, hi := len(a)/2, len(a)/2+len(shared); ok1 && disjoint && (s1 < lo || e1 > hi) {
			t.Errorf("pair %d: quoted %d-%d outside the shared part %d-%d: %q", i, s1, e1, lo, hi, la.Body[s1:e1])
		}
		checked++
	}
	if checked < 20 {
		t.Fatalf("only %d pairs checked", checked)
	}
}
