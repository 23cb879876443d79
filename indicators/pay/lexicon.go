package pay

import (
	"fmt"
	"io"
	"math/bits"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// wordsFile is the YAML layout of data/words.yaml.
type wordsFile struct {
	Currencies []struct {
		Code     string   `yaml:"code"`
		Words    []string `yaml:"words"`
		Misspelt []string `yaml:"misspelt"`
		After    []string `yaml:"after"`
		Weak     []string `yaml:"weak"`
	} `yaml:"currencies"`
	Multipliers []struct {
		Value   float64  `yaml:"value"`
		Implies string   `yaml:"implies"`
		Words   []string `yaml:"words"`
	} `yaml:"multipliers"`
	Amounts []struct {
		Value  float64  `yaml:"value"`
		Period string   `yaml:"period"`
		Words  []string `yaml:"words"`
	} `yaml:"amounts"`
	Periods map[string]struct {
		Words []string `yaml:"words"`
		Units []string `yaml:"units"`
	} `yaml:"periods"`
	Context    map[string][]string `yaml:"context"`
	Payout     []string            `yaml:"payout"`
	Cost       []string            `yaml:"cost"`
	WorkTime   map[string][]string `yaml:"work_time"`
	WorkFor    []string            `yaml:"work_for"`
	Qualifiers []string            `yaml:"qualifiers"`
	Net        []string            `yaml:"net"`
	RangeTo    []string            `yaml:"range_to"`
	RangeFrom  []string            `yaml:"range_from"`
	UpTo       []string            `yaml:"up_to"`
}

// role is what a phrase can be in a pay statement. One phrase may play several roles
// ("do" is a range separator and "up to"; "ora" is a period word and a unit).
type role uint32

const (
	roleCurrency  role = 1 << iota // currency name or symbol
	roleMult                       // "k", "million", "triệu" right after a number
	roleAmount                     // an amount in words: "six figures"
	rolePeriod                     // period phrase after an amount: "per month", "mesečno"
	roleUnit                       // period unit after a slash: "/h", "/tháng"
	roleContext                    // pay context word before a bare amount: "salary", "plata"
	rolePayout                     // says when pay is paid out: "paid", "Auszahlung"
	roleCost                       // the amount next to it is a cost, not pay: "fee", "deposit"
	roleWork                       // unit of working time after a number: "hours", "Stunden", "days"
	roleWorkFor                    // "for" before a working time after the pay: "$300 a day for 2 hours"
	roleQualifier                  // allowed between amount and period: "net", "brutto"
	roleNet                        // qualifier that marks take-home pay
	roleRangeTo                    // between two amounts: "-", "to", "do"
	roleRangeFrom                  // opens a range: "from", "od", "від"
	roleUpTo                       // an upper bound only: "up to", "bis zu"
)

// phrase is one lexicon entry, stored folded to lower case (except weak currency words), with
// the values of each role it plays.
type phrase struct {
	id     int32 // index in lexicon.list
	text   string
	roles  role
	weak   bool   // case-sensitive currency word that needs confirmation
	prefix bool   // may be followed by more letters (context "salar*")
	nwords int    // runs of letters in the phrase
	rest   string // the text after the first word ("a day": " day"), for phrases that begin with a letter
	// restNext is the first byte of rest after its leading space (0 when rest is empty or that
	// byte is not ASCII); restSpace says rest begins with a space.
	restNext  byte
	restSpace bool
	letters   int  // letters of the first word (of the whole phrase for "salar*")
	endLetter bool // the phrase ends with a letter
	third     byte // its third letter when ASCII, else 0

	cur       string // roleCurrency: ISO 4217 code
	curBefore bool   // roleCurrency: may also stand before the amount
	mult      float64
	implied   string // roleMult: currency implied by the multiplier ("triệu": VND)
	amount    float64
	amountPer string // roleAmount: period implied ("six figures": year)
	period    string // rolePeriod
	unit      string // roleUnit
	ctxPeriod string // roleContext: period the context word states ("hourly rate": hour)
	work      string // roleWork: "hour" or "day"
}

func (p *phrase) has(r role) bool { return p != nil && p.roles&r != 0 }

// lexicon indexes all phrases. Phrases that begin with a letter are found by a hash of their
// first word (run of letters), which the tokenizer computes while it steps over each word of
// the text anyway: one table probe per word, one comparison of the word, then only the rest
// of each candidate phrase (" day" of "a day") is compared. Phrases that end inside a word
// ("salar*" in "salary") are found by a hash of the letters so far, at the lengths such
// phrases have. Phrases that begin with anything else ("€", "$", "-", "+", "6 figures") are
// kept by their first rune.
type lexicon struct {
	firstByte [256]bool // first bytes of the phrases that begin with no letter
	symASCII  [utf8.RuneSelf][]*phrase
	sym       map[rune][]*phrase
	words     hashTable             // hash of the first word → phrases beginning with it
	prefixes  hashTable             // hash of the first two letters → the prefix phrases beginning with them
	wordBits  [1 << 16 / 64]uint64  // hashes of the first words: most words are rejected here
	amount2   [1 << 16 / 64]uint64  // first two bytes (any case) of the amounts in words
	word2     [1 << 12 / 64]uint64  // hashes of the first two letters of the other first words
	prefix2   [1 << 12 / 64]uint64  // hashes of the first two letters of the prefix phrases
	byKey     map[phraseKey]*phrase // while loading, to merge the roles of equal phrases
	all       []*phrase
	list      []*phrase // by id; list[0] is nil
}

type phraseKey struct {
	text         string
	weak, prefix bool
}

func newLexicon() *lexicon {
	return &lexicon{sym: map[rune][]*phrase{}, byKey: map[phraseKey]*phrase{}}
}

// Word hashing (FNV-1a over folded runes), the same for phrases and text.
const (
	hashSeed  uint64 = 14695981039346656037
	hashPrime uint64 = 1099511628211
)

func hashStep(h uint64, r rune) uint64 { return (h ^ uint64(r)) * hashPrime }

// packMix hashes a short ASCII word packed into an integer, one byte a letter: the cheap hash
// of most words. Longer and non-ASCII words are hashed with hashStep.
func packMix(k uint64) uint64 {
	h := k * 0x9E3779B97F4A7C15
	return h ^ h>>29
}

// wordHash hashes a folded word: an ASCII word eight bytes at a time, packed; others rune by
// rune (hashStep).
func wordHash(word string) uint64 {
	if isASCII(word) {
		var h, k uint64
		for i := 0; i < len(word); i++ {
			k |= uint64(word[i]) << (8 * (i % 8))
			if i%8 == 7 {
				h, k = packMix(h^k), 0
			}
		}
		if len(word)%8 != 0 || len(word) == 0 {
			h = packMix(h ^ k)
		}
		return h
	}
	h := hashSeed
	for _, r := range word {
		h = hashStep(h, r)
	}
	return h
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// wordEntry is the folded word a hash stands for and the phrases that begin with it.
type wordEntry struct {
	word string
	ps   []*phrase // longest first
	// next[k] is ps[k].restNext when ps[k]'s rest begins with a space, else 0: the byte that
	// must follow the word and its spaces, checked without loading the phrase.
	next  []byte
	roles []role // roles[k] is ps[k].roles
}

// hashTable is an open-addressing map from word hashes to entries.
type hashTable struct {
	keys []uint64
	vals []*wordEntry
	mask uint64
}

func (t *hashTable) build(m map[uint64]*wordEntry) {
	n := 16
	for n < 2*len(m) {
		n *= 2
	}
	t.keys, t.vals, t.mask = make([]uint64, n), make([]*wordEntry, n), uint64(n-1)
	for h, e := range m {
		i := h & t.mask
		for t.vals[i] != nil {
			i = (i + 1) & t.mask
		}
		t.keys[i], t.vals[i] = h, e
	}
}

func (t *hashTable) get(h uint64) *wordEntry {
	if t.mask == 0 {
		return nil
	}
	for i := h & t.mask; t.vals[i] != nil; i = (i + 1) & t.mask {
		if t.keys[i] == h {
			return t.vals[i]
		}
	}
	return nil
}

// setAmountStart marks the first two bytes of text, in every case, as a possible start of an
// amount in words, which the tokenizer looks for far from numbers too.
func (l *lexicon) setAmountStart(text string) {
	r1, w := utf8.DecodeRuneInString(text)
	var r2 rune = -1
	if w < len(text) {
		r2, _ = utf8.DecodeRuneInString(text[w:])
	}
	for _, a := range textForms(r1) {
		var b [2 * utf8.UTFMax]byte
		n := utf8.EncodeRune(b[:], a)
		if n >= 2 || r2 < 0 {
			k := uint16(b[0])<<8 | uint16(b[1])
			l.amount2[k>>6] |= 1 << (k & 63)
			continue
		}
		for _, c := range textForms(r2) {
			utf8.EncodeRune(b[n:], c)
			k := uint16(b[0])<<8 | uint16(b[1])
			l.amount2[k>>6] |= 1 << (k & 63)
		}
	}
}

// amountStart reports whether the bytes a, b may begin an amount in words.
func (l *lexicon) amountStart(a, b byte) bool {
	k := uint16(a)<<8 | uint16(b)
	return l.amount2[k>>6]&(1<<(k&63)) != 0
}

func bitHas(b *[1 << 12 / 64]uint64, h uint64) bool {
	k := h >> 52
	return b[k>>6]&(1<<(k&63)) != 0
}

func bitSet(b *[1 << 12 / 64]uint64, h uint64) {
	k := h >> 52
	b[k>>6] |= 1 << (k & 63)
}

// add inserts p, or merges its roles into an equal phrase already there. set copies the
// role's values into the stored phrase; values already set by an earlier entry win.
func (l *lexicon) add(p *phrase, set func(dst *phrase)) error {
	if !p.weak {
		p.text = foldString(p.text)
	}
	p.text = strings.Join(strings.Fields(p.text), " ")
	if p.text == "" {
		return fmt.Errorf("empty phrase")
	}
	if !utf8.ValidString(p.text) {
		return fmt.Errorf("phrase %q is not valid UTF-8", p.text)
	}
	key := phraseKey{p.text, p.weak, p.prefix}
	if old, ok := l.byKey[key]; ok {
		set(old)
		return nil
	}
	set(p)
	l.byKey[key] = p
	p.nwords = countWords(p.text)
	last, _ := utf8.DecodeLastRuneInString(p.text)
	p.endLetter = isLetterRune(last)
	l.all = append(l.all, p)
	return nil
}

// firstWord returns the hash, the folded text, the length in bytes and the letter count of
// the leading run of letters of a phrase.
func firstWord(text string) (h uint64, word string, n, letters int) {
	var b strings.Builder
	for _, r := range text {
		if !isLetterRune(r) {
			break
		}
		b.WriteRune(foldRune(r))
		n += utf8.RuneLen(r)
		letters++
	}
	word = b.String()
	return wordHash(word), word, n, letters
}

// two returns the hash of the first two runes of a folded word.
func two(word string) uint64 {
	r1, w := utf8.DecodeRuneInString(word)
	r2, _ := utf8.DecodeRuneInString(word[w:])
	return twoHash(r1, r2)
}

func twoHash(r1, r2 rune) uint64 {
	if r1 < utf8.RuneSelf && r2 < utf8.RuneSelf {
		return packMix(uint64(r1) | uint64(r2)<<8)
	}
	return hashStep(hashStep(hashSeed, r1), r2)
}

// finish builds the indexes.
func (l *lexicon) finish() {
	words := map[uint64]*wordEntry{}
	prefixes := map[uint64]*wordEntry{}
	addTo := func(m map[uint64]*wordEntry, h uint64, word string, p *phrase) {
		e := m[h]
		if e == nil {
			e = &wordEntry{word: word}
			m[h] = e
		}
		if e.word == word { // else a hash collision: the phrase is never found (vanishingly rare)
			e.ps = append(e.ps, p)
		}
	}
	l.list = append(make([]*phrase, 0, len(l.all)+1), nil)
	for _, p := range l.all {
		p.id = int32(len(l.list))
		l.list = append(l.list, p)
		f, _ := utf8.DecodeRuneInString(p.text)
		if !isLetterRune(f) {
			if f < utf8.RuneSelf {
				l.symASCII[f] = append(l.symASCII[f], p)
			} else {
				l.sym[f] = append(l.sym[f], p)
			}
			for _, v := range textForms(f) {
				var b [utf8.UTFMax]byte
				utf8.EncodeRune(b[:], v)
				l.firstByte[b[0]] = true
			}
			continue
		}
		if p.has(roleAmount) {
			l.setAmountStart(p.text)
		}
		h, word, n, letters := firstWord(p.text)
		p.rest = p.text[n:]
		p.letters = letters
		if len(word) >= 3 && word[0] < utf8.RuneSelf && word[1] < utf8.RuneSelf && word[2] < utf8.RuneSelf {
			p.third = word[2]
		}
		if r := p.rest; r != "" {
			p.restSpace = r[0] == ' '
			r = strings.TrimLeft(r, " ")
			if r != "" && r[0] < utf8.RuneSelf && !p.weak {
				p.restNext = r[0]
			}
		}
		if p.prefix && n == len(p.text) && letters >= 2 {
			h2 := two(word)
			e := prefixes[h2]
			if e == nil {
				e = &wordEntry{word: string([]rune(word)[:2])}
				prefixes[h2] = e
			}
			e.ps = append(e.ps, p)
			bitSet(&l.prefix2, h2)
			continue
		}
		addTo(words, h, word, p)
		if letters >= 2 {
			bitSet(&l.word2, two(word))
		}
		k := h >> 48
		l.wordBits[k>>6] |= 1 << (k & 63)
	}
	order := func(b []*phrase) {
		sort.SliceStable(b, func(i, j int) bool { return len(b[i].text) > len(b[j].text) })
	}
	for i := range l.symASCII {
		order(l.symASCII[i])
	}
	for _, b := range l.sym {
		order(b)
	}
	for _, e := range words {
		order(e.ps)
		e.next = make([]byte, len(e.ps))
		e.roles = make([]role, len(e.ps))
		for k, p := range e.ps {
			e.roles[k] = p.roles
			if p.restSpace {
				e.next[k] = p.restNext
			}
		}
	}
	for _, e := range prefixes {
		order(e.ps)
	}
	l.words.build(words)
	l.prefixes.build(prefixes)

	l.byKey, l.all = nil, nil
}

// textForms returns the runes of the text that fold to the phrase rune r.
func textForms(r rune) []rune {
	forms := []rune{r, unicode.ToUpper(r), unicode.ToTitle(r)}
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		forms = append(forms, f)
	}
	switch r {
	case '\'':
		forms = append(forms, '\u2019', '\u2018', '`', '\u00b4')
	case ' ':
		forms = append(forms, '\u00a0', '\u202f', '\u2009', '\t', '\n', '\r')
	}
	return forms
}

// foldTab and letterTab cache foldRune and isLetterRune for the runes below tabLimit (Latin,
// Greek, Cyrillic, Vietnamese): the tokenizer asks for them at every word.
const tabLimit = 0x2000

// letterLimit bounds letterTab, which also covers punctuation, currency signs and the other
// symbols ads are decorated with.
const letterLimit = 0x3000

var (
	foldTab   [tabLimit]uint16
	letterTab [letterLimit / 64]uint64
)

func init() {
	for r := rune(0); r < letterLimit; r++ {
		if r < tabLimit {
			foldTab[r] = uint16(foldRuneSlow(r))
		}
		if unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) {
			letterTab[r>>6] |= 1 << (r & 63)
		}
	}
}

// foldRune maps r to the form phrases are stored in.
func foldRune(r rune) rune {
	if r >= 0 && r < tabLimit {
		return rune(foldTab[r])
	}
	return foldRuneSlow(r)
}

func foldRuneSlow(r rune) rune {
	switch r {
	case '\u2019', '\u2018', '`', '\u00b4':
		return '\''
	case '\u00a0', '\u202f', '\u2009', '\t', '\n', '\r':
		return ' '
	}
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	if r < 0x2100 && r >= 0x2000 || r >= 0x1F000 {
		return r // punctuation, currency symbols, emoji: no case
	}
	return unicode.ToLower(r)
}

func foldString(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

func isSpaceRune(r rune) bool {
	return r == ' ' || r == '\t' || r == '\u00a0' || r == '\u202f' || r == '\u2009'
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return isLetterRune(r) || unicode.IsDigit(r)
}

func isLetterRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
	}
	if r < letterLimit {
		return letterTab[r>>6]&(1<<(r&63)) != 0
	}
	if r >= 0x1F000 && r < 0x1FC00 {
		return false // emoji and pictographs
	}
	return unicode.IsLetter(r) || unicode.Is(unicode.Mn, r)
}

// runeAt and runeBefore decode safely at any offset.
func runeAt(s string, i int) rune {
	if i < 0 || i >= len(s) {
		return -1
	}
	if s[i] < utf8.RuneSelf {
		return rune(s[i])
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return r
}

func runeBefore(s string, i int) rune {
	if i <= 0 || i > len(s) {
		return -1
	}
	if s[i-1] < utf8.RuneSelf {
		return rune(s[i-1])
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return r
}

// maxPhraseSpace bounds the whitespace a space inside a phrase matches, keeping lookups cheap.
const maxPhraseSpace = 4

// matchAt compares p with s starting at byte i and returns the end offset.
func (p *phrase) matchAt(s string, i int) (int, bool) { return p.matchFrom(p.text, s, i) }

// matchFrom compares the phrase text t (the whole text of p or its rest) with s starting at
// byte i and returns the end offset.
func (p *phrase) matchFrom(t, s string, i int) (int, bool) {
	j := 0
	for j < len(t) {
		pr, pn := rune(t[j]), 1
		if pr >= utf8.RuneSelf {
			pr, pn = utf8.DecodeRuneInString(t[j:])
		}
		j += pn
		if pr == ' ' {
			k := i
			for sp := 0; k < len(s) && sp < maxPhraseSpace; sp++ {
				r, n := rune(s[k]), 1
				if r >= utf8.RuneSelf {
					r, n = utf8.DecodeRuneInString(s[k:])
				}
				if !isSpaceRune(r) && r != '\n' && r != '\r' {
					break
				}
				k += n
			}
			if k == i {
				return 0, false
			}
			i = k
			continue
		}
		if i >= len(s) {
			return 0, false
		}
		if c := s[i]; c < utf8.RuneSelf && c != '`' {
			if !p.weak && 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			} else if c == '\t' {
				c = ' '
			}
			if rune(c) != pr {
				return 0, false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !p.weak {
			r = foldRune(r)
		}
		if r != pr {
			return 0, false
		}
		i += n
	}
	return i, true
}

// endOK reports whether the phrase may end at byte end: a phrase ending in a letter must not
// be followed by a letter ("k" is no multiplier in "km"), nor by a digit unless it is a
// currency ("EUR3000").
func (p *phrase) endOK(s string, end int) bool {
	if p.prefix || !p.endLetter {
		return true
	}
	if end >= len(s) {
		return true
	}
	if c := s[end]; c < utf8.RuneSelf {
		if '0' <= c && c <= '9' {
			return p.has(roleCurrency)
		}
		return !('a' <= c|0x20 && c|0x20 <= 'z')
	}
	r := runeAt(s, end)
	if r >= '0' && r <= '9' {
		return p.has(roleCurrency)
	}
	return !isWordRune(r)
}

// symAt returns the longest phrase that begins with no letter ("€", "$", "-", "6 figures")
// starting at byte i, with its end.
func (l *lexicon) symAt(s string, i int) (*phrase, int) {
	if i >= len(s) || !l.firstByte[s[i]] {
		return nil, 0
	}
	r := rune(s[i])
	if r >= utf8.RuneSelf {
		r, _ = utf8.DecodeRuneInString(s[i:])
	}
	fr := foldRune(r)
	for _, key := range [2]rune{fr, r} {
		var b []*phrase
		if key < utf8.RuneSelf {
			b = l.symASCII[key]
		} else {
			b = l.sym[key]
		}
		for _, p := range b {
			if end, ok := p.matchAt(s, i); ok && p.endOK(s, end) {
				return p, end
			}
		}
		if key == fr {
			break
		}
	}
	return nil, 0
}

// wordAt steps over the word (run of letters) starting at byte i and returns its end and the
// longest phrase starting at i, with the phrase's end.
func (l *lexicon) wordAt(s string, i int, mask role) (wordEnd int, ph *phrase, end int) {
	// ASCII letters: eight bytes at a time, lower-cased and packed as they stand (wordHash)
	j := i
	var h uint64
	for {
		if j+8 <= len(s) {
			b := s[j : j+8]
			x := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
				uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
			lc := x | 0x2020202020202020
			y := lc & 0x7f7f7f7f7f7f7f7f
			// a byte is no ASCII letter when below 'a' or above 'z' once lower-cased, or not ASCII
			stop := ((y + 0x0505050505050505) | ^(y + 0x1f1f1f1f1f1f1f1f) | x) & 0x8080808080808080
			if stop == 0 {
				h = packMix(h ^ lc)
				j += 8
				continue
			}
			if m := bits.TrailingZeros64(stop) / 8; m > 0 {
				h = packMix(h ^ lc&(1<<(8*m)-1))
				j += m
			}
			break
		}
		var key uint64
		m := 0
		for j < len(s) && m < 8 {
			lc := s[j] | 0x20
			if lc-'a' > 'z'-'a' {
				break
			}
			key |= uint64(lc) << (8 * m)
			m++
			j++
		}
		if m > 0 {
			h = packMix(h ^ key)
		}
		if m < 8 {
			break
		}
	}
	if j < len(s) && s[j] >= utf8.RuneSelf {
		if r, _ := utf8.DecodeRuneInString(s[j:]); isLetterRune(r) {
			return l.wordAtSlow(s, i, mask)
		}
	}
	n := j - i
	var h2 uint64
	if n >= 2 {
		h2 = packMix(uint64(s[i]|0x20) | uint64(s[i+1]|0x20)<<8)
	}
	return l.lookup(s, i, j, n, h, h2, mask)
}

// wordAtSlow is wordAt for a word with letters beyond ASCII.
func (l *lexicon) wordAtSlow(s string, i int, mask role) (wordEnd int, ph *phrase, end int) {
	h := hashSeed
	j := i
	n := 0
	var r1, r2 rune
	for j < len(s) {
		r, w := rune(s[j]), 1
		if r >= utf8.RuneSelf {
			r, w = utf8.DecodeRuneInString(s[j:])
		}
		if !isLetterRune(r) {
			break
		}
		f := foldRune(r)
		h = hashStep(h, f)
		switch n {
		case 0:
			r1 = f
		case 1:
			r2 = f
		}
		n++
		j += w
	}
	var h2 uint64
	if n >= 2 {
		h2 = twoHash(r1, r2)
	}
	return l.lookup(s, i, j, n, h, h2, mask)
}

// lookup finds the longest phrase starting at i whose first word is s[i:j] (n letters,
// hash h, first two letters' hash h2), or that ends inside it, among the phrases with a role
// in mask.
func (l *lexicon) lookup(s string, i, j, n int, h, h2 uint64, mask role) (wordEnd int, ph *phrase, end int) {
	var pre *wordEntry
	if n >= 2 {
		if bitHas(&l.prefix2, h2) {
			pre = l.prefixes.get(h2)
		}
		if pre == nil && !bitHas(&l.word2, h2) {
			return j, nil, 0 // no phrase begins with these two letters
		}
	}
	if pre != nil {
		// phrases that end inside the word ("salar*" in "salary"), longest first
		var third byte
		if n >= 3 && s[i] < utf8.RuneSelf && s[i+1] < utf8.RuneSelf && s[i+2] < utf8.RuneSelf {
			third = s[i+2] | 0x20
		}
		for _, p := range pre.ps {
			if n < p.letters || p.third != 0 && third != 0 && p.third != third || p.roles&mask == 0 {
				continue
			}
			if e, ok := p.matchAt(s, i); ok && e <= j {
				ph, end = p, e
				break
			}
		}
	}
	if k := h >> 48; l.wordBits[k>>6]&(1<<(k&63)) == 0 {
		return j, ph, end
	}
	if e := l.words.get(h); e != nil && equalFold(s[i:j], e.word) {
		// the folded byte after the word and the spaces after it rules out most phrases
		var next byte
		if k := skipSpaceRun(s, j); k > j && k < len(s) && s[k] < utf8.RuneSelf {
			next = s[k]
			if 'A' <= next && next <= 'Z' {
				next += 'a' - 'A'
			}
		}
		for k, p := range e.ps {
			if nb := e.next[k]; nb != 0 && next != 0 && nb != next || e.roles[k]&mask == 0 {
				continue
			}
			var e int
			var ok bool
			if p.weak {
				e, ok = p.matchAt(s, i)
			} else {
				e, ok = p.matchFrom(p.rest, s, j)
			}
			if ok && p.endOK(s, e) {
				if ph == nil || e > end {
					ph, end = p, e
				}
				break
			}
		}
	}
	return j, ph, end
}

// skipSpaceRun returns the end of the run of spaces and tabs from j.
func skipSpaceRun(s string, j int) int {
	for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
		j++
	}
	return j
}

// equalFold reports whether the text t folds to the folded word w.
func equalFold(t, w string) bool {
	if len(t) == len(w) {
		k := 0
		for k < len(t) && t[k] < utf8.RuneSelf && t[k]|0x20 == w[k] {
			k++
		}
		if k == len(t) {
			return true
		}
		if t[k] < utf8.RuneSelf {
			return false
		}
	}
	k := 0
	for i := 0; i < len(t); {
		var r rune
		if c := t[i]; c < utf8.RuneSelf {
			r = rune(c | 0x20) // letters only
			i++
		} else {
			var n int
			r, n = utf8.DecodeRuneInString(t[i:])
			r = foldRune(r)
			i += n
		}
		if k >= len(w) {
			return false
		}
		if c := w[k]; c < utf8.RuneSelf {
			if rune(c) != r {
				return false
			}
			k++
			continue
		}
		wr, n := utf8.DecodeRuneInString(w[k:])
		if wr != r {
			return false
		}
		k += n
	}
	return k == len(w)
}

// lexicons holds the parser's phrases.
type lexicons struct {
	all        *lexicon
	currencies map[string]bool
}

var periodNames = []string{"hour", "day", "week", "month", "year"}

func loadLexicons(r io.Reader) (*lexicons, error) {
	var wf wordsFile
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	if err := dec.Decode(&wf); err != nil {
		return nil, fmt.Errorf("decode words: %w", err)
	}
	lx := &lexicons{all: newLexicon(), currencies: map[string]bool{}}
	add := func(section, text string, p *phrase, set func(*phrase)) error {
		p.text = text
		if err := lx.all.add(p, set); err != nil {
			return fmt.Errorf("words %s %q: %w", section, text, err)
		}
		return nil
	}
	for _, c := range wf.Currencies {
		code := strings.ToUpper(strings.TrimSpace(c.Code))
		if len(code) != 3 {
			return nil, fmt.Errorf("words currencies: code %q is not an ISO 4217 code", c.Code)
		}
		lx.currencies[code] = true
		for _, list := range []struct {
			words        []string
			before, weak bool
		}{{c.Words, true, false}, {c.Misspelt, true, false}, {c.After, false, false}, {c.Weak, false, true}} {
			for _, w := range list.words {
				before := list.before
				err := add("currency "+code, w, &phrase{weak: list.weak}, func(d *phrase) {
					if !d.has(roleCurrency) {
						d.roles |= roleCurrency
						d.cur, d.curBefore = code, before
					} else if d.cur == code && before {
						d.curBefore = true
					}
				})
				if err != nil {
					return nil, err
				}
			}
		}
	}
	for _, m := range wf.Multipliers {
		if !(m.Value > 0) || m.Value > 1e12 {
			return nil, fmt.Errorf("words multipliers: bad value %v", m.Value)
		}
		for _, w := range m.Words {
			err := add("multiplier", w, &phrase{}, func(d *phrase) {
				if !d.has(roleMult) {
					d.roles |= roleMult
					d.mult, d.implied = m.Value, strings.ToUpper(m.Implies)
				}
			})
			if err != nil {
				return nil, err
			}
		}
	}
	for _, a := range wf.Amounts {
		if !(a.Value > 0) || a.Value > 1e12 {
			return nil, fmt.Errorf("words amounts: bad value %v", a.Value)
		}
		if a.Period != "" && !validPeriod(a.Period) {
			return nil, fmt.Errorf("words amounts: unknown period %q", a.Period)
		}
		for _, w := range a.Words {
			p, text := &phrase{}, w
			if strings.HasSuffix(w, "*") {
				text, p.prefix = strings.TrimSuffix(w, "*"), true
			}
			err := add("amount", text, p, func(d *phrase) {
				if !d.has(roleAmount) {
					d.roles |= roleAmount
					d.amount, d.amountPer = a.Value, a.Period
				}
			})
			if err != nil {
				return nil, err
			}
		}
	}
	for _, name := range sortedKeys(wf.Periods) {
		pw := wf.Periods[name]
		if !validPeriod(name) {
			return nil, fmt.Errorf("words periods: unknown period %q (want one of %v)", name, periodNames)
		}
		for _, w := range pw.Words {
			if err := add("period "+name, w, &phrase{}, func(d *phrase) {
				if !d.has(rolePeriod) {
					d.roles |= rolePeriod
					d.period = name
				}
			}); err != nil {
				return nil, err
			}
		}
		for _, w := range pw.Units {
			if err := add("period unit "+name, w, &phrase{}, func(d *phrase) {
				if !d.has(roleUnit) {
					d.roles |= roleUnit
					d.unit = name
				}
			}); err != nil {
				return nil, err
			}
		}
	}
	for _, name := range sortedKeys(wf.Context) {
		if name != "any" && !validPeriod(name) {
			return nil, fmt.Errorf("words context: unknown group %q", name)
		}
		value := name
		if name == "any" {
			value = ""
		}
		for _, w := range wf.Context[name] {
			p, text := &phrase{}, w
			if strings.HasSuffix(w, "*") {
				text, p.prefix = strings.TrimSuffix(w, "*"), true
			}
			if err := add("context", text, p, func(d *phrase) {
				if !d.has(roleContext) || d.ctxPeriod == "" {
					d.roles |= roleContext
					d.ctxPeriod = value
				}
			}); err != nil {
				return nil, err
			}
		}
	}
	for _, name := range sortedKeys(wf.WorkTime) {
		if name != "hour" && name != "day" {
			return nil, fmt.Errorf("words work_time: unknown unit %q (want hour or day)", name)
		}
		for _, w := range wf.WorkTime[name] {
			if err := add("work_time", w, &phrase{}, func(d *phrase) {
				if !d.has(roleWork) {
					d.roles |= roleWork
					d.work = name
				}
			}); err != nil {
				return nil, err
			}
		}
	}
	for _, set := range []struct {
		name  string
		roles role
		words []string
	}{
		{"payout", rolePayout, wf.Payout},
		{"cost", roleCost, wf.Cost},
		{"work_for", roleWorkFor, wf.WorkFor},
		{"qualifiers", roleQualifier, wf.Qualifiers},
		{"net", roleQualifier | roleNet, wf.Net},
		{"range_to", roleRangeTo, wf.RangeTo},
		{"range_from", roleRangeFrom, wf.RangeFrom},
		{"up_to", roleUpTo, wf.UpTo},
	} {
		for _, w := range set.words {
			p, text := &phrase{}, w
			if set.roles&(roleCost|rolePayout) != 0 && strings.HasSuffix(w, "*") {
				text, p.prefix = strings.TrimSuffix(w, "*"), true
			}
			roles := set.roles
			if err := add(set.name, text, p, func(d *phrase) { d.roles |= roles }); err != nil {
				return nil, err
			}
		}
	}
	if len(lx.currencies) == 0 {
		return nil, fmt.Errorf("words: no currencies")
	}
	lx.all.finish()
	return lx, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func validPeriod(name string) bool {
	for _, p := range periodNames {
		if p == name {
			return true
		}
	}
	return false
}
