// Package token splits a listing's text once into tokens that every
// matcher reads: words, numbers and symbols with their byte offsets in the
// original text, a folded form (lower case, diacritics removed, decorated
// and fullwidth letters and homoglyphs mapped to plain letters, curly
// apostrophes straightened), and sentence and line numbers.
//
// Glued tokens are split where a reader sees two words: letters and digits
// ("5550134call", "19yo"), a lower-case letter followed by a capitalised
// word ("nowApply") and a capital run followed by a capitalised word
// ("NOWApply"). Punctuation always separates ("ticket,visa").
package token

import (
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Kind is a token's class.
type Kind uint8

const (
	Word   Kind = iota + 1 // letters (and marks, inner apostrophes)
	Number                 // digits
	Symbol                 // any other single rune that is not a space
)

// Token is one token of a text.
type Token struct {
	Start, End   int32 // byte offsets in the original text
	FStart, FEnd int32 // byte offsets of the folded form in Doc.Fold
	Sent         int32 // sentence number, from 0
	Line         int32 // line number, from 0
	Kind         Kind
	Upper        bool // a word written all in capitals (2+ letters)
	Title        bool // a word starting with a capital
}

// Doc is one tokenized text. Reuse a Doc (Reset) to avoid allocations.
type Doc struct {
	Text   string
	Tokens []Token
	Fold   []byte // folded forms of all tokens, back to back
}

// Folded returns the folded form of token i.
func (d *Doc) Folded(i int) string {
	t := &d.Tokens[i]
	return string(d.Fold[t.FStart:t.FEnd])
}

// FoldedBytes returns the folded form of token i without copying; it is
// valid until the next Reset.
func (d *Doc) FoldedBytes(i int) []byte {
	t := &d.Tokens[i]
	return d.Fold[t.FStart:t.FEnd]
}

// New tokenizes text.
func New(text string) *Doc {
	d := &Doc{}
	d.Reset(text)
	return d
}

// rune classes for the fast path
const (
	cSpace = iota
	cLetter
	cDigit
	cSymbol
	cMark
	cDrop
	cNewline
)

// Reset tokenizes text into d, reusing d's buffers.
func (d *Doc) Reset(text string) {
	d.Text = text
	d.Tokens = d.Tokens[:0]
	d.Fold = d.Fold[:0]
	var sent, line int32
	sentPending := false // a sentence end was seen; the next token starts a new sentence
	cur := -1            // index of the open token, -1 none
	var curKind Kind
	var prevLower, prevUpper bool // case of the previous letter in the open word
	var upperRun int              // capitals in a row at the end of the open word
	var letters int               // letters in the open word
	var lastDot int = -2          // index of a '.' token just before, for "..." runs
	open := func(start int, k Kind) {
		if sentPending {
			sent++
			sentPending = false
		}
		d.Tokens = append(d.Tokens, Token{Start: int32(start), End: int32(start), FStart: int32(len(d.Fold)), FEnd: int32(len(d.Fold)), Sent: sent, Line: line, Kind: k})
		cur = len(d.Tokens) - 1
		curKind = k
		prevLower, prevUpper, upperRun, letters = false, false, 0, 0
	}
	closeTok := func() {
		if cur < 0 {
			return
		}
		t := &d.Tokens[cur]
		t.FEnd = int32(len(d.Fold))
		if t.Kind == Word {
			t.Upper = letters >= 2 && upperRun == letters
		}
		cur = -1
	}
	for i := 0; i < len(text); {
		c := text[i]
		var r rune
		size := 1
		if c < utf8.RuneSelf {
			r = rune(c)
		} else {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		cls, fold := classify(r)
		switch cls {
		case cDrop:
			i += size
			continue
		case cMark:
			if cur >= 0 && curKind == Word {
				d.Tokens[cur].End = int32(i + size)
			}
			i += size
			continue
		case cSpace, cNewline:
			closeTok()
			if cls == cNewline {
				line++
				sentPending = sentPending || len(d.Tokens) > 0
			}
			i += size
			continue
		case cLetter:
			isUp, isLo := letterCase(r)
			split := false
			if cur >= 0 {
				switch {
				case curKind != Word:
					split = true
				case isUp && prevLower && letters >= 2:
					split = true // "nowApply"
				case isLo && prevUpper && upperRun >= 3:
					// "NOWApply": the last capital starts the next word.
					split = true
				}
			}
			if split && isLo && cur >= 0 && curKind == Word && prevUpper && upperRun >= 3 {
				// Move the last capital into a new word.
				t := &d.Tokens[cur]
				_, lsz := utf8.DecodeLastRuneInString(text[:i])
				lf := lastFoldLen(d.Fold[t.FStart:])
				t.End -= int32(lsz)
				moved := append([]byte(nil), d.Fold[len(d.Fold)-lf:]...)
				d.Fold = d.Fold[:len(d.Fold)-lf]
				letters--
				upperRun--
				closeTok()
				open(i-lsz, Word)
				d.Tokens[cur].Title = true
				d.Fold = append(d.Fold, moved...)
				letters, upperRun = 1, 1
			} else if split || cur < 0 {
				closeTok()
				open(i, Word)
				d.Tokens[cur].Title = isUp
			}
			d.Fold = append(d.Fold, fold...)
			d.Tokens[cur].End = int32(i + size)
			letters++
			if isUp {
				upperRun++
			} else {
				upperRun = 0
			}
			prevLower, prevUpper = isLo, isUp
		case cDigit:
			if cur < 0 || curKind != Number {
				closeTok()
				open(i, Number)
			}
			d.Fold = append(d.Fold, fold...)
			d.Tokens[cur].End = int32(i + size)
		default: // symbol
			// An apostrophe between letters belongs to the word: "don't", "i'm".
			if fold == "'" && cur >= 0 && curKind == Word && i+size < len(text) {
				nr, _ := utf8.DecodeRuneInString(text[i+size:])
				if ncls, _ := classify(nr); ncls == cLetter {
					d.Fold = append(d.Fold, '\'')
					d.Tokens[cur].End = int32(i + size)
					i += size
					continue
				}
			}
			// Digits with inner separators stay one number: "3,800", "1.200".
			if (r == ',' || r == '.') && cur >= 0 && curKind == Number && i+size < len(text) && isASCIIDigit(text[i+size]) {
				d.Fold = append(d.Fold, byte(r))
				d.Tokens[cur].End = int32(i + size)
				i += size
				continue
			}
			closeTok()
			open(i, Symbol)
			d.Fold = append(d.Fold, fold...)
			d.Tokens[cur].End = int32(i + size)
			closeTok()
			switch r {
			case '.':
				// "..." and "…" join words; a single full stop ends a sentence
				// when a space or the end follows.
				n := len(d.Tokens) - 1
				if lastDot == n-1 {
					sentPending = false
				} else if i+size >= len(text) || isSpaceByte(text[i+size]) {
					sentPending = true
				}
				lastDot = n
			case '!', '?', ';':
				sentPending = true
			}
		}
		i += size
	}
	closeTok()
	d.fixHomoglyphs()
}

func isASCIIDigit(b byte) bool { return b >= '0' && b <= '9' }
func isSpaceByte(b byte) bool  { return b == ' ' || b == '\n' || b == '\t' || b == '\r' }

// lastFoldLen returns the byte length of the last rune in b.
func lastFoldLen(b []byte) int {
	_, n := utf8.DecodeLastRune(b)
	return n
}

// foldCache holds the class and folded form of runes below 0x3000 and of
// rarer runes on first use.
var (
	tableOnce sync.Once
	table     []entry
	rare      sync.Map // rune → entry
)

type entry struct {
	cls  uint8
	fold string
	up   int8 // 1 upper case, -1 lower case, 0 neither
}

const tableLimit = 0x3000

func classify(r rune) (uint8, string) {
	if r < utf8.RuneSelf {
		return asciiClass[r], asciiFold[r]
	}
	tableOnce.Do(buildTable)
	if r < tableLimit {
		e := &table[r]
		return e.cls, e.fold
	}
	if v, ok := rare.Load(r); ok {
		e := v.(entry)
		return e.cls, e.fold
	}
	e := computeEntry(r)
	rare.Store(r, e)
	return e.cls, e.fold
}

var asciiClass [128]uint8
var asciiFold [128]string

func init() {
	for i := range 128 {
		c := byte(i)
		switch {
		case c == '\n':
			asciiClass[i] = cNewline
		case c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f':
			asciiClass[i] = cSpace
		case c < 0x20 || c == 0x7f:
			asciiClass[i] = cDrop
		case c >= 'a' && c <= 'z':
			asciiClass[i] = cLetter
		case c >= 'A' && c <= 'Z':
			asciiClass[i] = cLetter
			c += 'a' - 'A'
		case c >= '0' && c <= '9':
			asciiClass[i] = cDigit
		default:
			asciiClass[i] = cSymbol
		}
		asciiFold[i] = string([]byte{c})
	}
}

func buildTable() {
	table = make([]entry, tableLimit)
	for r := rune(0x80); r < tableLimit; r++ {
		table[r] = computeEntry(r)
		switch {
		case unicode.IsUpper(r):
			table[r].up = 1
		case unicode.IsLower(r):
			table[r].up = -1
		}
	}
}

// SpecialFold maps letters that have no canonical decomposition to their
// folded form (ß → ss, ł → l, ё → е). The lexicon's normalizer folds them
// the same way.
var SpecialFold = map[rune]string{
	'ß': "ss", 'ẞ': "ss", 'đ': "d", 'Đ': "d", 'ł': "l", 'Ł': "l", 'ø': "o", 'Ø': "o",
	'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe", 'ħ': "h", 'Ħ': "h", 'ŧ': "t", 'Ŧ': "t",
	'ı': "i", 'ŀ': "l", 'Ŀ': "l", 'þ': "th", 'Þ': "th", 'ς': "σ", 'ё': "е", 'Ё': "е",
}

func computeEntry(r rune) entry {
	switch r {
	case 0x2028, 0x2029, 0x85:
		return entry{cls: cNewline, fold: ""}
	case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0xFE0E, 0xFE0F, 0xAD:
		return entry{cls: cDrop, fold: ""}
	case 0x2018, 0x2019, 0x201B, 0x2032, 0x02BC, 0x02BB, 0x0060, 0x00B4:
		return entry{cls: cSymbol, fold: "'"}
	case 0x201C, 0x201D, 0x201E, 0x2033, 0x00AB, 0x00BB:
		return entry{cls: cSymbol, fold: "\""}
	case 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212:
		return entry{cls: cSymbol, fold: "-"}
	case 0x2026:
		return entry{cls: cSymbol, fold: "."} // "…" joins like "..."
	}
	if unicode.IsSpace(r) {
		return entry{cls: cSpace, fold: ""}
	}
	if s, ok := SpecialFold[r]; ok {
		return entry{cls: cLetter, fold: s}
	}
	if unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) {
		return entry{cls: cMark, fold: ""}
	}
	if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
		return entry{cls: cDrop, fold: ""}
	}
	// Decorated letters and digits: fullwidth, circled, mathematical
	// alphabets, small capitals with a compatibility form.
	if k := norm.NFKC.String(string(r)); k != string(r) && utf8.RuneCountInString(k) == 1 {
		kr, _ := utf8.DecodeRuneInString(k)
		if kr < utf8.RuneSelf || unicode.IsLetter(kr) || unicode.IsDigit(kr) {
			e := computeEntry(kr)
			if kr < utf8.RuneSelf {
				e = entry{cls: asciiClass[kr], fold: asciiFold[kr]}
			}
			return e
		}
	}
	if unicode.IsDigit(r) {
		return entry{cls: cDigit, fold: string(rune('0' + digitValue(r)))}
	}
	if unicode.IsLetter(r) {
		lr := unicode.ToLower(r)
		if s, ok := SpecialFold[lr]; ok {
			return entry{cls: cLetter, fold: s}
		}
		if unicode.Is(unicode.Latin, lr) || unicode.Is(unicode.Greek, lr) || unicode.Is(unicode.Cyrillic, lr) {
			d := norm.NFD.String(string(lr))
			out := make([]rune, 0, 2)
			for _, c := range d {
				if !unicode.Is(unicode.Mn, c) {
					out = append(out, c)
				}
			}
			// Keep Cyrillic й and ї as letters of their own.
			if unicode.Is(unicode.Cyrillic, lr) && (lr == 'й' || lr == 'ї') {
				return entry{cls: cLetter, fold: string(lr)}
			}
			if len(out) > 0 {
				return entry{cls: cLetter, fold: string(out)}
			}
		}
		return entry{cls: cLetter, fold: string(lr)}
	}
	return entry{cls: cSymbol, fold: string(r)}
}

func digitValue(r rune) int {
	// Unicode digits of any script: the value is the offset within its block of ten.
	for z := r; z >= r-9; z-- {
		if !unicode.IsDigit(z) {
			return int(r - z - 1)
		}
	}
	return int(r % 10)
}

// Homoglyphs: letters that look alike in Latin and Cyrillic/Greek. A word
// written mostly in one script with a few letters of the other is read in
// its majority script.
var cyrToLat = map[rune]rune{'а': 'a', 'е': 'e', 'о': 'o', 'р': 'p', 'с': 'c', 'у': 'y', 'х': 'x', 'і': 'i', 'к': 'k', 'м': 'm', 'т': 't', 'в': 'b', 'н': 'h', 'ј': 'j', 'ѕ': 's', 'α': 'a', 'ο': 'o', 'ρ': 'p', 'ε': 'e', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'τ': 't', 'υ': 'u', 'χ': 'x'}
var latToCyr = map[rune]rune{'a': 'а', 'e': 'е', 'o': 'о', 'p': 'р', 'c': 'с', 'y': 'у', 'x': 'х', 'i': 'і', 'k': 'к', 'm': 'м', 't': 'т', 'b': 'в', 'h': 'н', 'j': 'ј'}

func (d *Doc) fixHomoglyphs() {
	for i := range d.Tokens {
		t := &d.Tokens[i]
		if t.Kind != Word {
			continue
		}
		f := d.Fold[t.FStart:t.FEnd]
		var lat, other int
		ascii := true
		for _, b := range f {
			if b >= utf8.RuneSelf {
				ascii = false
				break
			}
		}
		if ascii {
			continue
		}
		for _, r := range string(f) {
			switch {
			case r < 0x250:
				lat++
			case unicode.Is(unicode.Cyrillic, r) || unicode.Is(unicode.Greek, r):
				other++
			}
		}
		if lat == 0 || other == 0 {
			continue
		}
		var m map[rune]rune
		toLatin := lat >= other
		if toLatin {
			m = cyrToLat
		} else {
			m = latToCyr
		}
		out := make([]rune, 0, len(f))
		ok := true
		for _, r := range string(f) {
			isLat := r < 0x250
			if toLatin && !isLat || !toLatin && isLat && r != '\'' {
				nr, found := m[r]
				if !found {
					ok = false
					break
				}
				r = nr
			}
			out = append(out, r)
		}
		if !ok {
			continue
		}
		s := string(out)
		if len(s) <= len(f) {
			n := copy(f, s)
			t.FEnd = t.FStart + int32(n)
		} else {
			// Longer: append the new form at the end of the buffer.
			t.FStart = int32(len(d.Fold))
			d.Fold = append(d.Fold, s...)
			t.FEnd = int32(len(d.Fold))
		}
	}
}

// letterCase reports whether the letter r is upper or lower case, from the
// table for common runes.
func letterCase(r rune) (up, lo bool) {
	switch {
	case r < utf8.RuneSelf:
		return 'A' <= r && r <= 'Z', 'a' <= r && r <= 'z'
	case r < tableLimit:
		u := table[r].up
		return u > 0, u < 0
	}
	up = unicode.IsUpper(r)
	return up, !up && unicode.IsLower(r)
}
