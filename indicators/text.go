package indicators

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/redthread/redthread/corpus"
)

// writingQuality measures the signals of careless or shouting text that
// job.poor_language rests on, and records their spans as "text:poor"
// evidence for field.
func writingQuality(f *Features, field, text string, tf *TextFeatures) {
	letters, upper := 0, 0
	// Words are judged as they end, so nothing is kept per word: a capital
	// run is a maximal run of consecutive all-capital words of 2+ letters,
	// and its evidence, like that of mixed-alphabet words, is added after
	// the punctuation evidence, in text order.
	type word struct {
		start           int
		letters, uppers int
		latin, cyr, grk bool
		marked          bool // has a letter with a diacritic of the listing's language
	}
	// Words of the body that the language's orthography would mark, and
	// how many of them are: Albanian, Romanian, Polish, Serbian (Latin),
	// Vietnamese and Greek written without their diacritics is careless or
	// non-native writing (issue 10).
	var marks func(rune) bool
	if field == "body" {
		marks = diacritics[f.Language]
	}
	eligible, marked := 0, 0
	// Greek, Bulgarian, Russian and Ukrainian typed in Latin letters
	// ("rabota v Germanii", Greeklish) lack their alphabet altogether.
	translit := field == "body" && (f.Language == "el" || f.Language == "bg" || f.Language == "ru" || f.Language == "uk")
	latinWords, nativeWords := 0, 0
	// Sentences and those starting in lower case: a sentence starts at the
	// text's start and after '.', '!' or '?' and a space.
	sentences, lowerStarts := 0, 0
	sentStart, stop := true, false
	type pending struct{ start, end int }
	var later []pending // usually none: allocated only when needed
	var cur word
	in := false
	runStart, runEnd, runLen := 0, 0, 0
	endRun := func() {
		if runLen >= 3 {
			later = append(later, pending{runStart, runEnd})
		}
		runLen = 0
	}
	var mixed []pending
	flush := func(end int) {
		if in {
			if cur.letters >= 2 && cur.uppers == cur.letters {
				if runLen == 0 {
					runStart = cur.start
				}
				runEnd = end
				runLen++
			} else {
				endRun()
			}
			if b2i(cur.latin)+b2i(cur.cyr)+b2i(cur.grk) > 1 {
				mixed = append(mixed, pending{cur.start, end})
			}
			if translit && cur.letters >= 2 {
				switch {
				case cur.latin && !cur.cyr && !cur.grk:
					latinWords++
				case cur.cyr || cur.grk:
					nativeWords++
				}
			}
			if marks != nil && cur.letters >= 2 && cur.uppers < cur.letters &&
				(f.Language == "el" && cur.grk && !cur.latin || f.Language != "el" && cur.latin && !cur.cyr && !cur.grk) {
				eligible++
				if cur.marked {
					marked++
				}
			}
		}
		in = false
		cur = word{}
	}
	for i := 0; i < len(text); {
		c := text[i]
		var r rune
		n := 1
		var letter bool
		if c < utf8.RuneSelf {
			r = rune(c)
			letter = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		} else {
			r, n = utf8.DecodeRuneInString(text[i:])
			letter = isLetter(r)
		}
		if letter {
			if !in {
				in, cur.start = true, i
			}
			if sentStart {
				sentences++
				if c < utf8.RuneSelf && 'a' <= c && c <= 'z' || c >= utf8.RuneSelf && unicode.IsLower(r) {
					lowerStarts++
				}
				sentStart = false
			}
			stop = false
			if marks != nil && c >= utf8.RuneSelf && marks(r) {
				cur.marked = true
			}
			cur.letters++
			letters++
			if c < utf8.RuneSelf {
				if 'A' <= c && c <= 'Z' {
					cur.uppers++
					upper++
				}
			} else if isUpper(r) {
				cur.uppers++
				upper++
			}
			switch {
			case r < 0x250:
				cur.latin = true
			case cyrillicLetter(r):
				cur.cyr = true
			case greekLetter(r):
				cur.grk = true
			}
		} else {
			flush(i)
			switch {
			case r == '.' || r == '!' || r == '?':
				stop = true
			case r == ' ' || r == '\n' || r == '\t' || r == '\r':
				if stop {
					sentStart = true
				}
			default:
				if !sentStart || r >= '0' && r <= '9' {
					sentStart, stop = false, false
				}
			}
			// Runs of !!! ??? $$$.
			if r == '!' || r == '?' || r == '$' {
				j := i
				for j < len(text) && (text[j] == '!' || text[j] == '?' || text[j] == '$' || text[j] == '1') {
					j++
				}
				if j-i >= 3 {
					tf.ExclaimRuns++
					f.Add("text:poor", poorSpan(field, text, i, j, "repeated punctuation"))
					i = j
					continue
				}
			}
			// "word ,word" and "word,word" outside numbers, URLs and e-mails.
			if (r == ',' || r == '!' || r == '?') && i > 0 && i+1 < len(text) {
				prev, _ := utf8.DecodeLastRuneInString(text[:i])
				next, _ := utf8.DecodeRuneInString(text[i+1:])
				if (unicode.IsLetter(prev) && unicode.IsLetter(next) && unicode.IsLower(next)) || (prev == ' ' && unicode.IsLetter(next)) {
					tf.SpacingErrors++
				}
			}
		}
		i += n
	}
	flush(len(text))
	endRun()
	// Capital runs: 3+ consecutive words of 2+ letters in capitals.
	for _, p := range later {
		tf.CapsRuns++
		f.Add("text:poor", poorSpan(field, text, p.start, p.end, "written in capitals"))
	}
	for _, p := range mixed {
		tf.MixedScript++
		f.Add("text:poor", poorSpan(field, text, p.start, p.end, "mixes alphabets in one word"))
	}
	if letters >= 40 && field == "body" {
		tf.CapsPercent = 100 * upper / letters
	}
	if field == "body" {
		tf.LowercaseStart = lowerStarts
		tf.sentences = sentences
	}
	if eligible >= minDiacriticWords && marked == 0 || translit && latinWords >= minDiacriticWords && 10*nativeWords < latinWords {
		tf.NoDiacritics = true
		line := firstLine(text)
		if line == "" {
			line = text[:min(len(text), 80)]
		}
		f.Add("text:poor", poorSpan(field, text, 0, len(line), "written without the letters the language needs (diacritics, or its alphabet)"))
	}
}

// minDiacriticWords is how many words of the body must lack diacritics
// before their absence counts.
const minDiacriticWords = 20

// diacritics are the letters with diacritics that ordinary writing in a
// language uses often enough that 20 words without any mean they were
// left out: Albanian ë ç, Romanian ă â î ș ț, Polish ą ć ę ł ń ó ś ź ż,
// Serbian (Latin) č ć š ž đ, Vietnamese tones and marks, Greek tonos.
var diacritics = map[string]func(rune) bool{
	"sq": func(r rune) bool { return strings.ContainsRune("ëçËÇ", r) },
	"ro": func(r rune) bool { return strings.ContainsRune("ăâîșțşţĂÂÎȘȚŞŢ", r) },
	"pl": func(r rune) bool { return strings.ContainsRune("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", r) },
	"sr": func(r rune) bool { return strings.ContainsRune("čćšžđČĆŠŽĐ", r) },
	"vi": func(r rune) bool { return r >= 0xC0 && r <= 0x1EF9 && r != 0xD7 && r != 0xF7 },
	"el": func(r rune) bool { return strings.ContainsRune("άέήίόύώΐΰΆΈΉΊΌΎΏ", r) },
}

func poorSpan(field, text string, start, end int, note string) Span {
	return Span{Evidence: corpus.Evidence{Field: field, Start: start, End: end, Text: text[start:end], Note: note}}
}

// cyrillicLetter reports whether the letter r is in the Cyrillic script,
// without a table search for the main Cyrillic block.
func cyrillicLetter(r rune) bool {
	switch {
	case r < 0x400:
		return false
	case r <= 0x52F: // every letter of U+0400–U+052F is Cyrillic
		return true
	}
	return unicode.Is(unicode.Cyrillic, r)
}

// greekLetter reports whether the letter r is in the Greek script, without
// a table search for most of the Greek block.
func greekLetter(r rune) bool {
	switch {
	case r < 0x370:
		return false
	case r >= 0x375 && r <= 0x3E1: // letters here are Greek (U+0374 and the Coptic U+03E2–U+03EF are not)
		return true
	}
	return unicode.Is(unicode.Greek, r)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// countPoorSignals sets PoorSignals from the individual counts.
func countPoorSignals(tf *TextFeatures) {
	n := 0
	lower := tf.LowercaseStart >= 3 && 2*tf.LowercaseStart >= tf.sentences
	for _, on := range []bool{tf.CapsRuns > 0, tf.ExclaimRuns > 0, tf.MixedScript > 0, tf.SpacingErrors >= 3, tf.CapsPercent >= 50, tf.NoDiacritics, lower} {
		if on {
			n++
		}
	}
	tf.PoorSignals = n
}
