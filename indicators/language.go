package indicators

import (
	_ "embed"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/redthread/redthread/indicators/token"
	"github.com/redthread/redthread/indicators/translit"
)

//go:embed data/languages.yaml
var languagesYAML []byte

//go:embed data/structure.yaml
var structureYAML []byte

// listingData is the embedded data about languages and listing structure.
type listingData struct {
	// transliterated are words that mark Russian, Ukrainian, Bulgarian and
	// Greek written in Latin letters, by language.
	transliterated map[string][]string
	// keyExclude are Latin-script words whose transliteration keys must
	// not vote for Russian, Ukrainian, Bulgarian or Greek.
	keyExclude []string
	// countryLanguages is the main language of a country (ISO codes).
	countryLanguages map[string]string
	// masked are the markers sites put where they hid a contact, lower case.
	masked []string
	// maskedFirst holds the first bytes of the markers, in both cases.
	maskedFirst string
}

// loadListingData reads data/languages.yaml and data/structure.yaml.
func loadListingData() (*listingData, error) {
	var lang struct {
		Updated          string              `yaml:"updated"`
		Transliterated   map[string][]string `yaml:"transliterated"`
		KeyExclude       []string            `yaml:"translit_key_exclude"`
		CountryLanguages map[string]string   `yaml:"country_languages"`
	}
	if err := yaml.Unmarshal(languagesYAML, &lang); err != nil {
		return nil, fmt.Errorf("data/languages.yaml: %w", err)
	}
	var st struct {
		Updated        string   `yaml:"updated"`
		MaskedContacts []string `yaml:"masked_contacts"`
	}
	if err := yaml.Unmarshal(structureYAML, &st); err != nil {
		return nil, fmt.Errorf("data/structure.yaml: %w", err)
	}
	d := &listingData{transliterated: lang.Transliterated, keyExclude: lang.KeyExclude, countryLanguages: lang.CountryLanguages}
	var first []byte
	for _, m := range st.MaskedContacts {
		m = strings.ToLower(m)
		if m == "" {
			continue
		}
		d.masked = append(d.masked, m)
		for _, c := range []byte{m[0], strings.ToUpper(m[:1])[0]} {
			if strings.IndexByte(string(first), c) < 0 {
				first = append(first, c)
			}
		}
	}
	d.maskedFirst = string(first)
	return d, nil
}

// LanguageDetector guesses the language of a listing among the supported
// ones from its alphabet, letters unique to one language, and the
// languages' most frequent words (the lexicon files' stopwords). It is
// small and fast: no model to load, a few microseconds per ad.
type LanguageDetector struct {
	// Languages are numbered: names[i] is language i. Votes are counted by
	// number, in the order the text first votes for each language.
	names   []string
	stop    map[string][]int32 // word → languages
	letters map[rune]int32     // letterVotes by number
	// maxStop is the longest stopword in bytes: longer words skip the lookup.
	maxStop int
	langs   map[string]bool
	// cyrKeys and greekKeys map the transliteration keys (package
	// translit) of the Cyrillic and Greek stopwords to their languages:
	// "chto", "shto", "što" and "4to" need no list of spellings. Keys that
	// a Latin-script language's stopword also has are left out.
	cyrKeys, greekKeys map[string][]int32
	// shared are the keys of the Cyrillic and Greek stopwords left out of
	// cyrKeys and greekKeys (short, or also a Latin-script stopword: "na",
	// "i", "do", "to", "sto"). They vote only when the key votes are
	// counted, so that Russian in Latin letters is not outvoted by the
	// Polish or Serbian words it shares.
	sharedCyr, sharedGreek map[string][]int32
	// bare are Latin-script stopwords without their diacritics.
	bare map[string][]int32
	// cyrAll and greekAll join the key maps for one lookup per word.
	cyrAll, greekAll map[string]keyEntry
}

// keyEntry is what a key votes for: languages whose own stopword it is,
// and languages that share it with Polish or Serbian.
type keyEntry struct{ own, shared []int32 }

// joinKeys builds cyrAll and greekAll from the key maps.
func (d *LanguageDetector) joinKeys() {
	join := func(own, shared map[string][]int32) map[string]keyEntry {
		m := make(map[string]keyEntry, len(own)+len(shared))
		for k, ls := range own {
			e := m[k]
			e.own = ls
			m[k] = e
		}
		for k, ls := range shared {
			e := m[k]
			e.shared = ls
			m[k] = e
		}
		return m
	}
	d.cyrAll, d.greekAll = join(d.cyrKeys, d.sharedCyr), join(d.greekKeys, d.sharedGreek)
}

// ExcludeKeys removes the transliteration keys of words that are common
// in the Latin-script languages without being their stopwords ("min",
// "pros", "net", "den"), so that they do not vote for Greek or Russian
// (data/languages.yaml translit_key_exclude).
func (d *LanguageDetector) ExcludeKeys(words []string) {
	for _, w := range words {
		w = strings.ToLower(w)
		c, g := string(translit.Key(nil, cyrKeyLang, []byte(w))), string(translit.Key(nil, "el", []byte(w)))
		delete(d.cyrKeys, c)
		delete(d.sharedCyr, c)
		delete(d.greekKeys, g)
		delete(d.sharedGreek, g)
	}
	d.joinKeys()
}

// minKeyStop is the shortest stopword key that votes: "v", "na", "i" are
// words of too many languages.
const minKeyStop = 3

// cyrKeyLang is the rule set of translit.Key used for all Cyrillic
// stopwords in detection (one key per word, not one per language).
const cyrKeyLang = "bg"

// NewLanguageDetector builds a detector from stopword lists by language.
func NewLanguageDetector(stopwords map[string][]string) *LanguageDetector {
	d := &LanguageDetector{stop: map[string][]int32{}, letters: map[rune]int32{}, langs: map[string]bool{}}
	num := map[string]int32{}
	number := func(lang string) int32 {
		i, ok := num[lang]
		if !ok {
			i = int32(len(d.names))
			num[lang] = i
			d.names = append(d.names, lang)
		}
		return i
	}
	langs := make([]string, 0, len(stopwords))
	for lang := range stopwords {
		langs = append(langs, lang)
	}
	sort.Strings(langs)
	for _, lang := range langs {
		words := stopwords[lang]
		d.langs[lang] = true
		li := number(lang)
		for _, w := range words {
			w = strings.ToLower(w)
			d.stop[w] = append(d.stop[w], li)
			d.maxStop = max(d.maxStop, len(w))
		}
	}
	// Latin-script stopwords written without their diacritics ("khong",
	// "duoc", "sie", "in" for "în") vote with the keys (see keyVotes),
	// unless the bare form is a stopword of another language ("la", "co").
	owner := map[string]map[string]bool{}
	for _, lang := range langs {
		for _, w := range stopwords[lang] {
			w = strings.ToLower(w)
			if owner[w] == nil {
				owner[w] = map[string]bool{}
			}
			owner[w][lang] = true
		}
	}
	var tk token.Doc
	bare := map[string]map[string]bool{}
	for _, lang := range langs {
		if translit.Supported(lang) && lang != "sr" {
			continue
		}
		for _, w := range stopwords[lang] {
			tk.Reset(w)
			if len(tk.Tokens) != 1 {
				continue
			}
			f := tk.Folded(0)
			if f == strings.ToLower(w) || !translit.ASCIIWord([]byte(f)) {
				continue
			}
			if bare[f] == nil {
				bare[f] = map[string]bool{}
			}
			bare[f][lang] = true
		}
	}
	d.bare = map[string][]int32{}
	for f, ls := range bare {
		if len(ls) > 1 {
			continue
		}
		if o := owner[f]; len(o) > 0 {
			continue
		}
		for lang := range ls {
			d.bare[f] = append(d.bare[f], number(lang))
		}
	}
	// Keys of the Cyrillic and Greek stopwords; a key that a Latin-script
	// stopword (as written or bare) also has is dropped.
	// Keys of stopwords of the Latin-script languages that are not Slavic
	// (English "to", "a", "no", "on") never vote for the Cyrillic and
	// Greek languages, not even as shared words.
	latinCyr, latinGreek := map[string]bool{}, map[string]bool{}
	foreignCyr, foreignGreek := map[string]bool{}, map[string]bool{}
	for w, ls := range owner {
		for lang := range ls {
			if translit.Supported(lang) && lang != "sr" || !translit.ASCIIWord([]byte(w)) {
				continue
			}
			c, g := string(translit.Key(nil, cyrKeyLang, []byte(w))), string(translit.Key(nil, "el", []byte(w)))
			latinCyr[c], latinGreek[g] = true, true
			if lang != "sr" && lang != "pl" {
				foreignCyr[c], foreignGreek[g] = true, true
			}
		}
	}
	for f := range bare {
		latinCyr[string(translit.Key(nil, cyrKeyLang, []byte(f)))] = true
		latinGreek[string(translit.Key(nil, "el", []byte(f)))] = true
	}
	d.cyrKeys, d.greekKeys = map[string][]int32{}, map[string][]int32{}
	d.sharedCyr, d.sharedGreek = map[string][]int32{}, map[string][]int32{}
	for _, lang := range langs {
		if !translit.Supported(lang) {
			continue
		}
		keys, shared, latin, foreign, kl := d.cyrKeys, d.sharedCyr, latinCyr, foreignCyr, cyrKeyLang
		if lang == "el" {
			keys, shared, latin, foreign, kl = d.greekKeys, d.sharedGreek, latinGreek, foreignGreek, "el"
		}
		for _, w := range stopwords[lang] {
			lat, ok := translit.Romanize(lang, strings.ToLower(w))
			if !ok {
				continue
			}
			k := string(translit.Key(nil, kl, []byte(lat)))
			li := number(lang)
			if k == "" {
				continue
			}
			if len(k) < minKeyStop || latin[k] {
				if !foreign[k] && !slices.Contains(shared[k], li) {
					shared[k] = append(shared[k], li)
				}
				continue
			}
			if !slices.Contains(keys[k], li) {
				keys[k] = append(keys[k], li)
			}
		}
	}
	for r, lang := range letterVotes {
		d.letters[r] = number(lang)
	}
	d.joinKeys()
	return d
}

// keyVotes adds the votes of the words of a Latin text whose
// transliteration key is the key of a Cyrillic or Greek stopword.
//
// A language's key votes count only when two or more of its words are
// found by a key of their own (not shared with Polish or Serbian) or in
// its transliterated word list: one Latin word that happens to spell a
// Greek or Russian stopword moves no listing.
func (d *LanguageDetector) keyVotes(texts [3]string, vote func(int32, float64)) {
	var wb, kb [64]byte
	var own, all [32]float64
	n := 0
	word := wb[:0]
	add := func(ls []int32, t *[32]float64) {
		for _, l := range ls {
			if int(l) < len(t) {
				t[l]++
			}
		}
	}
	flush := func() {
		if len(word) <= 24 {
			// Words of the transliterated lists already voted; they count
			// as the language's own words.
			if len(word) <= d.maxStop {
				for _, l := range d.stop[string(word)] {
					if translit.Supported(d.names[l]) && d.names[l] != "sr" && int(l) < len(own) {
						own[l]++
					}
				}
			}
			if ls, ok := d.bare[string(word)]; ok {
				for _, l := range ls {
					vote(l, 1)
				}
			}
			k := translit.Key(kb[:0], cyrKeyLang, word)
			if e, ok := d.cyrAll[string(k)]; ok {
				add(e.own, &own)
				add(e.own, &all)
				add(e.shared, &all)
			}
			k = translit.Key(kb[:0], "el", word)
			if e, ok := d.greekAll[string(k)]; ok {
				add(e.own, &own)
				add(e.own, &all)
				add(e.shared, &all)
			}
		}
		word = word[:0]
		n++
	}
	defer func() {
		for l := range own {
			if own[l] >= 2 {
				vote(int32(l), all[l])
			}
		}
	}()
	for _, text := range texts {
		for i := 0; i < len(text) && n <= 400; i++ {
			c := text[i]
			switch {
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
				fallthrough
			case 'a' <= c && c <= 'z', c == '\'', c == '3' || c == '8':
				if len(word) < cap(word) {
					word = append(word, c)
				}
				continue
			}
			if len(word) > 0 {
				flush()
			}
		}
		if len(word) > 0 {
			flush()
		}
	}
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
	return d.detect(text, "", "")
}

// detect guesses the language of the concatenation a+sep+b without
// building it.
func (d *LanguageDetector) detect(a, sep, b string) string {
	best, _ := d.detectNear(a, sep, b)
	return best
}

// near holds the languages whose vote comes close to the winner's.
type near [4]string

// detectNear returns the detected language and the other languages of the
// same script whose vote is at least half the winner's: on short texts
// several languages are nearly as likely, and matching should not bet on one.
func (d *LanguageDetector) detectNear(a, sep, b string) (string, near) {
	var alts near
	var votes [16]float64
	var namesBuf [16]int32
	names := namesBuf[:0]
	vote := func(lang int32, w float64) {
		for i, l := range names {
			if l == lang {
				votes[i] += w
				return
			}
		}
		if len(names) < len(votes) {
			votes[len(names)] = w
			names = append(names, lang)
		}
	}
	var latin, cyr, greek int
	var buf [64]byte
	word := buf[:0]
	long := false
	n := 0
	endWord := func() {
		if len(word) > 0 && !long {
			if len(word) <= d.maxStop {
				for _, l := range d.stop[string(word)] {
					vote(l, 1)
				}
			}
			n++
		}
		word, long = word[:0], false
	}
	letter := func(r rune) {
		switch {
		case r < 0x250 || (r >= 0x1E00 && r <= 0x1EFF):
			latin++
		case cyrillicLetter(r):
			cyr++
		case greekLetter(r):
			greek++
		}
		lr := toLower(r)
		if l, ok := d.letters[lr]; ok {
			vote(l, 0.5)
		}
		if len(word)+utf8.UTFMax > cap(word) {
			long = true
		} else {
			word = utf8.AppendRune(word, lr)
		}
	}
	for _, text := range [3]string{a, sep, b} {
		for i := 0; i < len(text); {
			if n > 400 {
				break
			}
			c := text[i]
			if c < utf8.RuneSelf {
				// ASCII: no letter of letterVotes, lower case by arithmetic.
				i++
				switch {
				case 'a' <= c && c <= 'z' || c == '\'':
				case 'A' <= c && c <= 'Z':
					c += 'a' - 'A'
				default:
					endWord()
					continue
				}
				latin++
				if len(word)+utf8.UTFMax > cap(word) {
					long = true
				} else {
					word = append(word, c)
				}
				continue
			}
			r, size := utf8.DecodeRuneInString(text[i:])
			i += size
			if isLetter(r) {
				letter(r)
				continue
			}
			endWord()
		}
	}
	endWord()
	closeTo := func(best string, bestV float64, ok func(string) bool) {
		k := 0
		for i, li := range names {
			if l := d.names[li]; l != best && ok(l) && votes[i] >= bestV/2 && votes[i] >= 1 && k < len(alts) {
				alts[k] = l
				k++
			}
		}
	}
	cyrLang := func(l string) bool { return l == "uk" || l == "ru" || l == "bg" || l == "sr" }
	switch {
	case greek > latin && greek > cyr:
		return "el", alts
	case cyr > latin:
		// Only Cyrillic languages compete.
		best, bestV := "", 0.0
		for i, li := range names {
			if l := d.names[li]; cyrLang(l) && votes[i] > bestV {
				best, bestV = l, votes[i]
			}
		}
		if best == "" {
			return "ru", alts
		}
		closeTo(best, bestV, cyrLang)
		return best, alts
	}
	// In Latin letters every language competes: Russian, Ukrainian,
	// Bulgarian and Greek only through their transliterated words. When
	// the stopwords of the Latin-script languages are rare (under one word
	// in four), the text may be one of those written in Latin letters: the
	// transliteration keys of their stopwords vote as well.
	latinLang := func(l string) bool { return true }
	if latinV := d.latinVotes(names, votes[:len(names)]); latinV*4 < float64(n) && (len(d.cyrKeys) > 0 || len(d.greekKeys) > 0 || len(d.bare) > 0) {
		d.keyVotes([3]string{a, sep, b}, vote)
	}
	best, bestV := "", 0.0
	for i, li := range names {
		l := d.names[li]
		if !latinLang(l) {
			continue
		}
		if votes[i] > bestV {
			best, bestV = l, votes[i]
		}
	}
	if bestV < 1 {
		if latin > 0 && best == "" {
			return "", alts
		}
	}
	closeTo(best, bestV, latinLang)
	return best, alts
}

// latinVotes is the highest vote of a language written in Latin letters.
func (d *LanguageDetector) latinVotes(names []int32, votes []float64) float64 {
	best := 0.0
	for i, li := range names {
		if l := d.names[li]; (!translit.Supported(l) || l == "sr") && votes[i] > best {
			best = votes[i]
		}
	}
	return best
}
