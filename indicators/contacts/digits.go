package contacts

import (
	"unicode"
	"unicode/utf8"
)

// altDigit returns the value of a non-ASCII digit character: fullwidth, circled, parenthesized,
// negative-circled, super- and subscript, mathematical and other Unicode decimal digits.
func altDigit(r rune) (byte, bool) {
	switch {
	case r < 0xB2:
		return 0, false
	case r >= 0xFF10 && r <= 0xFF19:
		return byte(r - 0xFF10), true
	case r >= 0x2460 && r <= 0x2468:
		return byte(r-0x2460) + 1, true
	case r == 0x24EA || r == 0x24FF || r == 0x1F10B || r == 0x1F10C:
		return 0, true
	case r >= 0x2474 && r <= 0x247C:
		return byte(r-0x2474) + 1, true
	case r >= 0x2488 && r <= 0x2490:
		return byte(r-0x2488) + 1, true
	case r >= 0x24F5 && r <= 0x24FD:
		return byte(r-0x24F5) + 1, true
	case r >= 0x2776 && r <= 0x277E:
		return byte(r-0x2776) + 1, true
	case r >= 0x2780 && r <= 0x2788:
		return byte(r-0x2780) + 1, true
	case r >= 0x278A && r <= 0x2792:
		return byte(r-0x278A) + 1, true
	case r >= 0x1F100 && r <= 0x1F10A:
		return byte(r - 0x1F100), true
	case r == 0xB9:
		return 1, true
	case r == 0xB2 || r == 0xB3:
		return byte(r-0xB2) + 2, true
	case r == 0x2070:
		return 0, true
	case r >= 0x2074 && r <= 0x2079:
		return byte(r-0x2074) + 4, true
	case r >= 0x2080 && r <= 0x2089:
		return byte(r - 0x2080), true
	case unicode.Is(unicode.Nd, r):
		// Unicode assigns decimal digits only in contiguous runs of ten starting at zero,
		// so the value is the distance from the start of the run, modulo ten.
		k := 0
		for k < 64 && unicode.Is(unicode.Nd, r-rune(k)-1) {
			k++
		}
		return byte(k % 10), true
	}
	return 0, false
}

// keycapLen returns the byte length of a keycap sequence (U+FE0F? U+20E3) at text[i:], or 0.
func keycapLen(text string, i int) int {
	if i+3 <= len(text) && text[i] == 0xEF && text[i+1] == 0xB8 && text[i+2] == 0x8F {
		if i+6 <= len(text) && text[i+3] == 0xE2 && text[i+4] == 0x83 && text[i+5] == 0xA3 {
			return 6
		}
		return 0
	}
	if i+3 <= len(text) && text[i] == 0xE2 && text[i+1] == 0x83 && text[i+2] == 0xA3 {
		return 3
	}
	return 0
}

// RecoverDigits returns the digits spelled in s, which must consist only of digits in any of the
// forms the extractor recovers (ASCII, keycap emoji, fullwidth, circled, mathematical, number
// words of the data files, O/l/I between digits), separated by spaces or common separators.
// ok is false when s holds anything else. It is the digit recovery of Extract, exposed for
// tests and for tools that check a single field.
func (e *Extractor) RecoverDigits(s string) (digits string, ok bool) {
	sc := e.pool.Get().(*scanner)
	defer func() { sc.text = ""; e.pool.Put(sc) }()
	sc.reset(e.t, s, nil)
	sc.tokenize()
	if len(sc.units) == 0 {
		return "", false
	}
	covered := 0
	var out []byte
	for k := range sc.units {
		u := &sc.units[k]
		if u.taint {
			return "", false
		}
		if !gapOK(s[covered:u.start]) && covered > 0 || (covered == 0 && !onlySeps(s[:u.start])) {
			return "", false
		}
		out = append(out, sc.dig[u.d0:u.d1]...)
		covered = u.end
	}
	if !onlySeps(s[covered:]) {
		return "", false
	}
	return string(out), true
}

// onlySeps reports whether s holds only separators that may stand around or between digits.
func onlySeps(s string) bool {
	for _, r := range s {
		if !isSepRune(r) && r != '+' && r != '\n' && r != '\r' {
			return false
		}
	}
	return true
}

// isSepRune reports whether r may separate digits of one phone number.
func isSepRune(r rune) bool {
	switch r {
	case ' ', '\t', '.', '-', '/', '(', ')', '_', '*', '|', '~', 0xA0, 0x2009, 0x202F, 0x2007,
		'–', '—', '•', '·', '‐', '‑', '−':
		return true
	}
	return false
}

// isUsualSepRune reports whether r is an ordinary phone separator (not a sign of disguise).
func isUsualSepRune(r rune) bool {
	switch r {
	case ' ', '.', '-', '/', '(', ')', 0xA0, '–':
		return true
	}
	return false
}

// gapOK reports whether gap may stand between two parts of one phone number.
func gapOK(gap string) bool {
	if len(gap) == 0 {
		return true
	}
	n := 0
	for _, r := range gap {
		if !isSepRune(r) {
			return false
		}
		n++
		if n > 3 {
			return false
		}
	}
	return true
}

// maxDecorRunes is the most characters of a decorative gap between two parts of a number.
const maxDecorRunes = 8

// decorGap reports a short run of symbols, punctuation, emoji or spaces standing between two parts
// of a disguised number ("702♡555♡0134", "617$5O5$0199", "6 1 7 . . . 5 5 5", "617,555,0199"):
// at most maxDecorRunes characters (an escape a scraper left counts as one), none of them a letter,
// a digit, a line break, "@", "=" or "&" (the rest of a broken HTML entity: "&#12 0;&#160; 34;").
func decorGap(gap string) bool {
	if len(gap) == 0 || len(gap) > 64 {
		return false
	}
	n := 0
	space, money := false, false
	for i := 0; i < len(gap); {
		if l := escapeLen(gap, i); l > 0 {
			i += l
			n++
			continue
		}
		r, sz := decodeRune(gap, i)
		space = space || r == ' ' || r == 0xA0
		money = money || unicode.Is(unicode.Sc, r)
		if space && money {
			return false // "$31,250.50 - $35,100.75": a sign after a space starts an amount
		}
		if r == '\n' || r == '\r' || r == '@' || r == '=' || r == '&' || isLetterRune(r) || unicode.IsDigit(r) {
			return false
		}
		if _, ok := altDigit(r); ok {
			return false
		}
		if n++; n > maxDecorRunes || money && n > 1 {
			return false // "..$200": a sign with more than itself in the gap starts an amount
		}
		i += sz
	}
	return true
}

// escapeLen returns the length of a character escape at text[i:] that a scraper left in the text
// ("\u2022", "\U0001F48B", "<U+1F48B>", "&#9825;", "&#x2661;", "&hearts;"), or 0.
func escapeLen(text string, i int) int {
	rest := text[i:]
	hexRun := func(s string, min, max int) int {
		n := 0
		for n < len(s) && n < max && isHexByte(s[n]) {
			n++
		}
		if n < min {
			return 0
		}
		return n
	}
	switch rest[0] {
	case '\\':
		if len(rest) >= 6 && rest[1] == 'u' && hexRun(rest[2:], 4, 4) == 4 {
			return 6
		}
		if len(rest) >= 10 && rest[1] == 'U' && hexRun(rest[2:], 8, 8) == 8 {
			return 10
		}
	case '<':
		if len(rest) >= 8 && rest[1] == 'U' && rest[2] == '+' {
			if n := hexRun(rest[3:], 4, 6); n > 0 && 3+n < len(rest) && rest[3+n] == '>' {
				return 4 + n
			}
		}
	case '&':
		if len(rest) >= 4 && rest[1] == '#' {
			j := 2
			if rest[j] == 'x' || rest[j] == 'X' {
				j++
				n := hexRun(rest[j:], 2, 6)
				if n > 0 && j+n < len(rest) && rest[j+n] == ';' {
					return j + n + 1
				}
				return 0
			}
			n := 0
			for j+n < len(rest) && n < 7 && isDigit(rest[j+n]) {
				n++
			}
			if n >= 2 && j+n < len(rest) && rest[j+n] == ';' {
				return j + n + 1
			}
			return 0
		}
		n := 1
		for n < len(rest) && n < 10 && isASCIILetter(rest[n]) {
			n++
		}
		if n >= 3 && n < len(rest) && rest[n] == ';' {
			return n + 1
		}
	}
	return 0
}

// decodeRune decodes the rune at text[i:].
func decodeRune(text string, i int) (rune, int) {
	c := text[i]
	if c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(text[i:])
}

func isASCIILetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }
func isDigit(c byte) bool       { return c >= '0' && c <= '9' }

// isLetterRune reports whether r is a letter for word scanning.
func isLetterRune(r rune) bool {
	if r < utf8.RuneSelf {
		return isASCIILetter(byte(r))
	}
	if r < 0x2000 {
		return letterTab[r]
	}
	return unicode.IsLetter(r)
}
