package lexicon

import (
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/redthread/redthread/indicators/token"
)

// foldLimit is the first rune not covered by the precomputed fold table.
const foldLimit = 0x2000

var (
	foldOnce  sync.Once
	foldTable []string    // rune → folded lower-case form ("" = drop); index < foldLimit
	fastFold  []foldEntry // rune → fold result for runes below foldLimit
)

// foldEntry is the precomputed fold of one rune: its kind and, for
// foldRepl, up to 4 replacement bytes.
type foldEntry struct {
	b    [4]byte
	n    uint8
	kind uint8
}

// specialFold are the folds without a canonical decomposition: the
// tokenizer's letters (token.SpecialFold) plus modifier apostrophes and
// the soft hyphen, which the lexicon folds inside words.
var specialFold = func() map[rune]string {
	m := map[rune]string{'ʼ': "'", 'ʻ': "'", '\u00ad': ""}
	for r, f := range token.SpecialFold {
		m[r] = f
	}
	return m
}()

func initFold() {
	foldTable = make([]string, foldLimit)
	for r := rune(0); r < foldLimit; r++ {
		foldTable[r] = computeFold(r)
	}
	fastFold = make([]foldEntry, foldLimit)
	for r := rune(0); r < foldLimit; r++ {
		f, kind := foldRuneSlow(r)
		e := foldEntry{kind: uint8(kind)}
		if kind == foldRepl && len(f) > len(e.b) {
			panic("lexicon: fold table entry too long") // programming error, checked by tests
		}
		e.n = uint8(copy(e.b[:], f))
		fastFold[r] = e
	}
}

// computeFold returns the folded form of r: lower case, Latin and Greek
// diacritics removed, a few letters without decomposition mapped by hand.
func computeFold(r rune) string {
	if s, ok := specialFold[r]; ok {
		return s
	}
	if unicode.Is(unicode.Mn, r) {
		return "" // combining marks (decomposed diacritics)
	}
	lr := unicode.ToLower(r)
	if s, ok := specialFold[lr]; ok {
		return s
	}
	if unicode.Is(unicode.Latin, lr) || unicode.Is(unicode.Greek, lr) {
		d := norm.NFD.String(string(lr))
		out := make([]rune, 0, 2)
		for _, c := range d {
			if !unicode.Is(unicode.Mn, c) {
				out = append(out, c)
			}
		}
		if len(out) > 0 {
			return string(out)
		}
	}
	return string(lr)
}

// Kinds of folding results.
const (
	foldSpace = iota // whitespace: collapses into one ' '
	foldDrop         // removed (combining marks, zero-width characters)
	foldKeep         // copied unchanged from the original text
	foldRepl         // replaced by the returned string
)

// foldRuneSlow returns how r is folded and, for foldRepl, its replacement.
func foldRuneSlow(r rune) (string, int) {
	if unicode.IsSpace(r) {
		return " ", foldSpace
	}
	if r < foldLimit {
		if f := foldTable[r]; f != "" {
			return f, foldRepl
		}
		return "", foldDrop
	}
	switch r {
	case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0xFE0E, 0xFE0F:
		return "", foldDrop // zero-width characters and emoji variation selectors
	case 0x2018, 0x2019, 0x201B, 0x2032:
		return "'", foldRepl
	case 0x201C, 0x201D, 0x201E, 0x2033:
		return "\"", foldRepl
	case 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212:
		return "-", foldRepl
	}
	if unicode.Is(unicode.Mn, r) {
		return "", foldDrop
	}
	lr := unicode.ToLower(r)
	if lr == r {
		return "", foldKeep
	}
	return string(lr), foldRepl
}

// asciiLower maps ASCII bytes to lower case; asciiSpace marks ASCII whitespace.
var asciiLower, asciiSpace [128]byte

// asciiWord marks ASCII word characters (letters and digits).
var asciiWord [128]bool

func init() {
	for i := range 128 {
		b := byte(i)
		if b >= 'A' && b <= 'Z' {
			b += 'a' - 'A'
		}
		asciiLower[i] = b
	}
	for i := range 128 {
		asciiWord[i] = isWordRune(rune(i))
	}
	for _, c := range " \t\n\r\v\f" {
		asciiSpace[c] = 1
	}
}

// normalizer holds reusable buffers: the normalized text and, for each of its
// bytes, the byte offset in the original text of the rune that produced it.
type normalizer struct {
	norm []byte
	orig []int32
}

// run normalizes text into n.norm and n.orig.
func (n *normalizer) run(text string) {
	foldOnce.Do(initFold)
	// Local slices stay in registers; capacity for the worst case (an invalid
	// byte becomes 3 bytes) means append never reallocates in the loop.
	nb, ob := n.norm[:0], n.orig[:0]
	if need := 3*len(text) + 8; cap(nb) < need {
		nb = make([]byte, 0, need)
		ob = make([]int32, 0, need)
	}
	prevSpace := false
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			if asciiSpace[c] == 1 {
				if !prevSpace {
					nb = append(nb, ' ')
					ob = append(ob, int32(i))
					prevSpace = true
				}
			} else {
				nb = append(nb, asciiLower[c])
				ob = append(ob, int32(i))
				prevSpace = false
			}
			i++
			continue
		}
		var r rune
		var size int
		if c2 := byte(0); c >= 0xC2 && c < 0xE0 && i+1 < len(text) {
			if c2 = text[i+1]; c2&0xC0 == 0x80 {
				r, size = rune(c&0x1F)<<6|rune(c2&0x3F), 2
			}
		}
		if size == 0 {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		if r < foldLimit && size > 1 {
			e := &fastFold[r]
			switch e.kind {
			case foldRepl:
				nb = append(nb, e.b[:e.n]...)
				for range e.n {
					ob = append(ob, int32(i))
				}
				prevSpace = false
			case foldSpace:
				if !prevSpace {
					nb = append(nb, ' ')
					ob = append(ob, int32(i))
					prevSpace = true
				}
			}
			i += size
			continue
		}
		if r == utf8.RuneError && size == 1 {
			nb = append(nb, "\uFFFD"...)
			for range len("\uFFFD") {
				ob = append(ob, int32(i))
			}
			prevSpace = false
			i++
			continue
		}
		f, kind := foldRuneSlow(r)
		switch kind {
		case foldSpace:
			if !prevSpace {
				nb = append(nb, ' ')
				ob = append(ob, int32(i))
				prevSpace = true
			}
		case foldKeep:
			nb = append(nb, text[i:i+size]...)
			for range size {
				ob = append(ob, int32(i))
			}
			prevSpace = false
		case foldDrop:
		default:
			nb = append(nb, f...)
			for range len(f) {
				ob = append(ob, int32(i))
			}
			prevSpace = false
		}
		i += size
	}
	n.norm, n.orig = nb, ob
}

// normalizeTerm returns the normalized form of a lexicon term, trimmed of
// surrounding whitespace.
func normalizeTerm(s string) string {
	var n normalizer
	n.run(s)
	b := n.norm
	for len(b) > 0 && b[0] == ' ' {
		b = b[1:]
	}
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return string(b)
}

// isWordRune reports whether r is part of a word (letter, digit or mark).
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z'
	}
	if r < foldLimit && wordTable != nil {
		return wordTable[r]
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// wordTable caches isWordRune for runes below foldLimit.
var wordTable = func() []bool {
	t := make([]bool, foldLimit)
	for r := range rune(foldLimit) {
		t[r] = unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
	}
	return t
}()

// wordBefore reports whether the rune ending at b[:i] is a word rune.
func wordBefore(b []byte, i int) bool {
	if i <= 0 {
		return false
	}
	if c := b[i-1]; c < utf8.RuneSelf {
		return isWordRune(rune(c))
	}
	r, _ := utf8.DecodeLastRune(b[:i])
	return isWordRune(r)
}

// wordAt reports whether the rune starting at b[i:] is a word rune, and its size.
func wordAt(b []byte, i int) (bool, int) {
	if i >= len(b) {
		return false, 0
	}
	if c := b[i]; c < utf8.RuneSelf {
		return isWordRune(rune(c)), 1
	}
	r, size := utf8.DecodeRune(b[i:])
	return isWordRune(r), size
}
