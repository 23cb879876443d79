// Package translit reads words of Russian, Ukrainian, Bulgarian, Serbian
// and Greek written in Latin letters ("rabota v Germanii, zhil'yo
// besplatno", "robota v Polshchi", Greeklish "douleia sto exoteriko,
// plirwnoume ta eisitiria", "8elw"): it maps a native (folded) word and any
// of its usual Latin spellings to one matching key.
//
// A key is deliberately lossy: the romanizations in use (scientific,
// GOST/BGN, informal phone spellings, Greeklish with its 8/3/w variants)
// differ in digraphs (zh/ž/z, ch/č/c, sh/š/s, shch/sht, kh/h/x, ts/c),
// glides (ya/ja/ia/a, ye/je/e, yo/jo/io/e, y/i for и and й, the soft sign
// as ' or nothing) and, in Greek, in vowels that sound alike (η ι υ ει οι
// are all "i", ο ω "o", αι ε "e"). Key folds each of those families to one
// letter, so a native class word and the Latin token of a listing meet when
// their keys are equal (or the token's key starts with the stem's key).
// Keys are only compared within a language the listing was detected in.
//
// Latin-script languages need no transliteration: the tokenizer already
// folds diacritics ("locuri de muncă" and "locuri de munca", Vietnamese
// "việc làm" and "viec lam" fold alike).
package translit

import "bytes"

// Supported reports whether lang is written in another script and has
// keys: ru, uk, bg, sr (Cyrillic) and el (Greek).
func Supported(lang string) bool {
	switch lang {
	case "ru", "uk", "bg", "sr", "el":
		return true
	}
	return false
}

// cyrLatin is a romanization of each folded Cyrillic letter, by language;
// "" drops the letter (soft and hard signs). Serbian follows its own Latin
// alphabet (folded: š → s), the others common scientific/informal
// spellings. The choice among variants does not matter for the key: Key
// folds them alike.
var cyrCommon = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "yo", 'ж': "zh", 'з': "z",
	'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r",
	'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch",
	'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya",
	'є': "ye", 'і': "i", 'ї': "yi", 'ґ': "g",
	'ђ': "dj", 'ј': "j", 'љ': "lj", 'њ': "nj", 'ћ': "c", 'џ': "dz",
}

var cyrLang = map[string]map[rune]string{
	"uk": {'г': "h", 'и': "y"},
	"bg": {'щ': "sht", 'ъ': "a"},
	"sr": {'ж': "z", 'ш': "s", 'ч': "c", 'х': "h"},
}

// greekLatin romanizes folded Greek letters (accents already removed).
var greekLatin = map[rune]string{
	'α': "a", 'β': "v", 'γ': "g", 'δ': "d", 'ε': "e", 'ζ': "z", 'η': "i", 'θ': "th", 'ι': "i",
	'κ': "k", 'λ': "l", 'μ': "m", 'ν': "n", 'ξ': "ks", 'ο': "o", 'π': "p", 'ρ': "r", 'σ': "s",
	'ς': "s", 'τ': "t", 'υ': "u", 'φ': "f", 'χ': "x", 'ψ': "ps", 'ω': "w",
}

// Romanize returns a Latin spelling of a folded native word of lang, and
// false when the word has a letter outside the language's script (a
// Latin word in a Serbian class, a number).
func Romanize(lang, word string) (string, bool) {
	var b []byte
	var native bool
	for _, r := range word {
		var s string
		var ok bool
		if lang == "el" {
			s, ok = greekLatin[r]
		} else if Supported(lang) {
			if s, ok = cyrLang[lang][r]; !ok {
				s, ok = cyrCommon[r]
			}
		}
		switch {
		case ok:
			native = true
			b = append(b, s...)
		case r == ' ' || r == '-' || r == '\'':
			b = append(b, byte(r))
		default:
			return "", false
		}
	}
	return string(b), native
}

// KeyOf is the key of a folded native word (Romanize, then Key), "" when
// the word is not in the language's script.
func KeyOf(lang, word string) string {
	lat, ok := Romanize(lang, word)
	if !ok {
		return ""
	}
	return string(Key(nil, lang, []byte(lat)))
}

// ASCIIWord reports whether f is a lower-case ASCII word (letters, inner
// apostrophes, and in Greek the digits 3 and 8 that stand for ξ and θ):
// the tokens Key reads.
func ASCIIWord(f []byte) bool {
	if len(f) == 0 {
		return false
	}
	letters := 0
	for _, c := range f {
		switch {
		case c >= 'a' && c <= 'z':
			letters++
		case c == '\'' || c == '3' || c == '8':
		default:
			return false
		}
	}
	return letters > 0
}

func vowel(c byte) bool { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' }

// Key appends to dst the key of a lower-case Latin spelling f of a word
// of lang and returns it. f is ASCII (see ASCIIWord); other bytes are
// copied.
func Key(dst []byte, lang string, f []byte) []byte {
	if lang == "el" {
		return greekKey(dst, f)
	}
	return cyrKey(dst, lang, f)
}

// cyrKey: digraphs to one letter, y/j to i, glides before vowels dropped,
// doubled letters collapsed.
func cyrKey(dst []byte, lang string, f []byte) []byte {
	start := len(dst)
	at := func(i int, s string) bool { return bytes.HasPrefix(f[i:], []byte(s)) }
	for i := 0; i < len(f); {
		c := f[i]
		out, n := c, 1
		switch c {
		case '\'':
			i++
			continue
		case 's':
			switch {
			case at(i, "shch"):
				out, n = 's', 4
			case lang == "bg" && at(i, "sht"):
				out, n = 's', 3
			case at(i, "sch"):
				out, n = 's', 3
			case at(i, "sh"), at(i, "sz"):
				out, n = 's', 2
			}
		case 'd':
			switch {
			case at(i, "dzh"):
				out, n = 'z', 3
			case at(i, "dj"), at(i, "dz"):
				out, n = 'd', 2
			}
		case 'z':
			if at(i, "zh") {
				out, n = 'z', 2
			}
		case 'c':
			if at(i, "ch") || at(i, "cz") {
				out, n = 'c', 2
			}
		case 't':
			if at(i, "ts") || at(i, "tz") {
				out, n = 'c', 2
			}
		case 'k':
			if at(i, "kh") {
				out, n = 'h', 2
			}
		case 'p':
			if at(i, "ph") {
				out, n = 'f', 2
			}
		case 'x':
			out = 'h'
		case 'w':
			out = 'v'
		case 'q':
			out = 'a' // Bulgarian and Russian chat: "trqbva" (трябва)
		case 'y', 'j':
			out = 'i'
		case 'g':
			if lang == "uk" {
				out = 'h'
			}
		}
		i += n
		dst = append(dst, out)
	}
	// Second pass in place: "io"/"yo" (ё, which the tokenizer folds to е)
	// to e, glide i before a vowel dropped, doubled letters collapsed.
	w := start
	k := dst[start:]
	for r := 0; r < len(k); r++ {
		c := k[r]
		if c == 'i' && r+1 < len(k) && k[r+1] == 'o' {
			k[r+1] = 'e'
			continue
		}
		if c == 'i' && r+1 < len(k) && vowel(k[r+1]) && k[r+1] != 'i' {
			continue
		}
		if w > start && dst[w-1] == c {
			continue
		}
		dst[w] = c
		w++
	}
	return dst[:w]
}

// greekKey folds Greeklish: θ th 8 → 8, ξ ks x 3 → x (with χ), ου ou → u,
// η ι υ ει οι y → i, ω w → o, αι → e, αυ/ευ → av/ev, μπ mp → b, ντ nt → d,
// γγ γκ ng gg gk → g, doubled letters collapsed.
func greekKey(dst []byte, f []byte) []byte {
	start := len(dst)
	at := func(i int, s string) bool { return bytes.HasPrefix(f[i:], []byte(s)) }
	for i := 0; i < len(f); {
		c := f[i]
		out, n := c, 1
		switch c {
		case '\'':
			i++
			continue
		case '8':
			out = '8'
		case '3', 'x':
			out = 'x'
		case 't':
			if at(i, "th") {
				out, n = '8', 2
			}
		case 'k':
			switch {
			case at(i, "ks"):
				out, n = 'x', 2
			case at(i, "kh"):
				out, n = 'x', 2
			}
		case 'c':
			if at(i, "ch") {
				out, n = 'x', 2
			}
		case 'h':
			// η written as h ("kalh", "h etaireia"); χ before a vowel ("exei" / "ehei").
			if i+1 < len(f) && vowel(f[i+1]) {
				out = 'x'
			} else {
				out = 'i'
			}
		case 'o':
			switch {
			case at(i, "ou"):
				out, n = 'u', 2
			case at(i, "oi"):
				out, n = 'i', 2
			}
		case 'a':
			switch {
			case at(i, "au"), at(i, "af"):
				dst = append(dst, 'a')
				out, n = 'v', 2
			case at(i, "ai"):
				out, n = 'e', 2
			}
		case 'e':
			switch {
			case at(i, "eu"), at(i, "ef"):
				dst = append(dst, 'e')
				out, n = 'v', 2
			case at(i, "ei"):
				out, n = 'i', 2
			}
		case 'u':
			out = 'i'
			if at(i, "ui") {
				n = 2
			}
		case 'y':
			out = 'i'
		case 'w':
			out = 'o'
		case 'm':
			if at(i, "mp") {
				out, n = 'b', 2
			}
		case 'n':
			switch {
			case at(i, "nt"):
				out, n = 'd', 2
			case at(i, "ng"):
				out, n = 'g', 2
			}
		case 'g':
			if at(i, "gg") || at(i, "gk") {
				out, n = 'g', 2
			}
		}
		i += n
		dst = append(dst, out)
	}
	w := start
	for r := start; r < len(dst); r++ {
		if w > start && dst[w-1] == dst[r] {
			continue
		}
		dst[w] = dst[r]
		w++
	}
	return dst[:w]
}
