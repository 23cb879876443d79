package indicators

import (
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
	}
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
	for _, on := range []bool{tf.CapsRuns > 0, tf.ExclaimRuns > 0, tf.MixedScript > 0, tf.SpacingErrors >= 3, tf.CapsPercent >= 50} {
		if on {
			n++
		}
	}
	tf.PoorSignals = n
}
