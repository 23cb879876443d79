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
	type word struct {
		start, end      int
		letters, uppers int
		latin, cyr, grk bool
	}
	var words []word
	var cur word
	in := false
	flush := func(end int) {
		if in {
			cur.end = end
			words = append(words, cur)
		}
		in = false
		cur = word{}
	}
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if unicode.IsLetter(r) {
			if !in {
				in, cur.start = true, i
			}
			cur.letters++
			letters++
			if unicode.IsUpper(r) {
				cur.uppers++
				upper++
			}
			switch {
			case r < 0x250:
				cur.latin = true
			case unicode.Is(unicode.Cyrillic, r):
				cur.cyr = true
			case unicode.Is(unicode.Greek, r):
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
	// Capital runs: 3+ consecutive words of 2+ letters in capitals.
	for i := 0; i < len(words); {
		j := i
		for j < len(words) && words[j].letters >= 2 && words[j].uppers == words[j].letters {
			j++
		}
		if j-i >= 3 {
			tf.CapsRuns++
			f.Add("text:poor", poorSpan(field, text, words[i].start, words[j-1].end, "written in capitals"))
			i = j
			continue
		}
		i++
	}
	for _, w := range words {
		n := 0
		for _, b := range []bool{w.latin, w.cyr, w.grk} {
			if b {
				n++
			}
		}
		if n > 1 {
			tf.MixedScript++
			f.Add("text:poor", poorSpan(field, text, w.start, w.end, "mixes alphabets in one word"))
		}
	}
	if letters >= 40 && field == "body" {
		tf.CapsPercent = 100 * upper / letters
	}
}

func poorSpan(field, text string, start, end int, note string) Span {
	return Span{Evidence: corpus.Evidence{Field: field, Start: start, End: end, Text: text[start:end], Note: note}}
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
