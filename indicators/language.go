package indicators

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// LanguageDetector guesses the language of a listing among the supported
// ones from its alphabet, letters unique to one language, and the
// languages' most frequent words (the lexicon files' stopwords). It is
// small and fast: no model to load, a few microseconds per ad.
type LanguageDetector struct {
	stop  map[string][]string // word → languages
	langs map[string]bool
}

// NewLanguageDetector builds a detector from stopword lists by language.
func NewLanguageDetector(stopwords map[string][]string) *LanguageDetector {
	d := &LanguageDetector{stop: map[string][]string{}, langs: map[string]bool{}}
	langs := make([]string, 0, len(stopwords))
	for lang := range stopwords {
		langs = append(langs, lang)
	}
	sort.Strings(langs)
	for _, lang := range langs {
		words := stopwords[lang]
		d.langs[lang] = true
		for _, w := range words {
			w = strings.ToLower(w)
			d.stop[w] = append(d.stop[w], lang)
		}
	}
	return d
}

// letterVotes are letters that point to a language.
var letterVotes = map[rune]string{
	'і': "uk", 'ї': "uk", 'є': "uk", 'ґ': "uk",
	'ђ': "sr", 'ј': "sr", 'љ': "sr", 'њ': "sr", 'ћ': "sr", 'џ': "sr",
	'ы': "ru", 'э': "ru", 'ё': "ru",
	'ư': "vi", 'ơ': "vi", 'ạ': "vi", 'ả': "vi", 'ấ': "vi", 'ầ': "vi", 'ẩ': "vi", 'ậ': "vi", 'ắ': "vi", 'ằ': "vi",
	'ặ': "vi", 'ẹ': "vi", 'ẻ': "vi", 'ẽ': "vi", 'ế': "vi", 'ề': "vi", 'ể': "vi", 'ễ': "vi", 'ệ': "vi", 'ỉ': "vi",
	'ị': "vi", 'ọ': "vi", 'ỏ': "vi", 'ố': "vi", 'ồ': "vi", 'ổ': "vi", 'ỗ': "vi", 'ộ': "vi", 'ớ': "vi", 'ờ': "vi",
	'ở': "vi", 'ỡ': "vi", 'ợ': "vi", 'ụ': "vi", 'ủ': "vi", 'ứ': "vi", 'ừ': "vi", 'ử': "vi", 'ữ': "vi", 'ự': "vi", 'ỳ': "vi", 'ỵ': "vi", 'ỷ': "vi", 'ỹ': "vi",
	'ë': "sq", 'ș': "ro", 'ț': "ro", 'ş': "ro", 'ţ': "ro", 'ă': "ro",
	'ą': "pl", 'ę': "pl", 'ł': "pl", 'ś': "pl", 'ź': "pl", 'ż': "pl", 'ń': "pl",
	'ß': "de", 'ä': "de", 'ö': "de", 'ü': "de",
	'ñ': "es", '¿': "es", '¡': "es",
	'œ': "fr", 'ê': "fr", 'ç': "fr", 'û': "fr",
	'ć': "sr", 'đ': "sr",
}

// Detect returns the most likely language code, or "" when the text gives
// no evidence.
func (d *LanguageDetector) Detect(text string) string {
	var votes [16]float64
	idx := map[string]int{}
	names := make([]string, 0, 16)
	vote := func(lang string, w float64) {
		if lang == "" {
			return
		}
		i, ok := idx[lang]
		if !ok {
			if len(names) == len(votes) {
				return
			}
			i = len(names)
			idx[lang] = i
			names = append(names, lang)
		}
		votes[i] += w
	}
	var latin, cyr, greek int
	start := -1
	n := 0
	for i, r := range text + " " {
		if unicode.IsLetter(r) || r == '\'' {
			if start < 0 {
				start = i
			}
			switch {
			case r < 0x250 || (r >= 0x1E00 && r <= 0x1EFF):
				latin++
			case unicode.Is(unicode.Cyrillic, r):
				cyr++
			case unicode.Is(unicode.Greek, r):
				greek++
			}
			if l, ok := letterVotes[unicode.ToLower(r)]; ok {
				vote(l, 0.5)
			}
			continue
		}
		if start >= 0 {
			w := strings.ToLower(text[start:i])
			for _, l := range d.stop[w] {
				vote(l, 1)
			}
			start = -1
			n++
			if n > 400 {
				break
			}
		}
	}
	switch {
	case greek > latin && greek > cyr:
		return "el"
	case cyr > latin:
		// Only Cyrillic languages compete.
		best, bestV := "", 0.0
		for i, l := range names {
			if (l == "uk" || l == "ru" || l == "bg" || l == "sr") && votes[i] > bestV {
				best, bestV = l, votes[i]
			}
		}
		if best == "" {
			return "ru"
		}
		return best
	}
	best, bestV := "", 0.0
	for i, l := range names {
		if l == "uk" || l == "ru" || l == "bg" || l == "el" {
			continue
		}
		if votes[i] > bestV {
			best, bestV = l, votes[i]
		}
	}
	if bestV < 1 {
		if latin > 0 && utf8.RuneCountInString(text) > 0 && best == "" {
			return ""
		}
	}
	return best
}
