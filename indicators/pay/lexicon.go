package pay

import (
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// wordsFile is the YAML layout of data/words.yaml.
type wordsFile struct {
	Currencies []struct {
		Code  string   `yaml:"code"`
		Words []string `yaml:"words"`
		After []string `yaml:"after"`
		Weak  []string `yaml:"weak"`
	} `yaml:"currencies"`
	Multipliers []struct {
		Value   float64  `yaml:"value"`
		Implies string   `yaml:"implies"`
		Words   []string `yaml:"words"`
	} `yaml:"multipliers"`
	Periods map[string]struct {
		Words []string `yaml:"words"`
		Units []string `yaml:"units"`
	} `yaml:"periods"`
	Context    map[string][]string `yaml:"context"`
	Qualifiers []string            `yaml:"qualifiers"`
	Net        []string            `yaml:"net"`
	RangeTo    []string            `yaml:"range_to"`
	RangeFrom  []string            `yaml:"range_from"`
	UpTo       []string            `yaml:"up_to"`
}

// phrase is one lexicon entry, stored folded to lower case.
type phrase struct {
	text      string
	value     string  // currency code, period name or implied currency
	mult      float64 // multiplier value
	afterOnly bool    // currency only after the amount
	weak      bool    // case-sensitive, needs confirmation
	prefix    bool    // may be followed by more letters (context "salar*")
	next      byte    // folded ASCII byte after the first rune, 0 when none or not ASCII
}

// lexicon indexes phrases by their first and last rune (folded) so that a lookup at a text
// position only compares the few phrases that can match there.
type lexicon struct {
	// firstByte and lastByte mark the bytes a phrase can begin or end with in the text (any
	// case), so most lookups are rejected with one load.
	firstByte  [256]bool
	lastByte   [256]bool
	firstASCII [utf8.RuneSelf][]*phrase
	lastASCII  [utf8.RuneSelf][]*phrase
	first      map[rune][]*phrase
	last       map[rune][]*phrase
}

func newLexicon() *lexicon {
	return &lexicon{first: map[rune][]*phrase{}, last: map[rune][]*phrase{}}
}

// bucket returns the phrases keyed by r in the ASCII array or the map.
func bucket(arr *[utf8.RuneSelf][]*phrase, m map[rune][]*phrase, r rune) []*phrase {
	if r >= 0 && r < utf8.RuneSelf {
		return arr[r]
	}
	return m[r]
}

// add inserts p, keeping each bucket ordered longest first so the longest phrase wins.
func (l *lexicon) add(p *phrase) error {
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
	f, fw := utf8.DecodeRuneInString(p.text)
	e, _ := utf8.DecodeLastRuneInString(p.text)
	if fw < len(p.text) && p.text[fw] < utf8.RuneSelf && p.text[fw] != ' ' && !p.weak {
		p.next = p.text[fw]
	}
	insert := func(arr *[utf8.RuneSelf][]*phrase, m map[rune][]*phrase, r rune) {
		b := bucket(arr, m, r)
		i := 0
		for i < len(b) && len(b[i].text) >= len(p.text) {
			i++
		}
		b = append(b, nil)
		copy(b[i+1:], b[i:])
		b[i] = p
		if r < utf8.RuneSelf {
			arr[r] = b
		} else {
			m[r] = b
		}
	}
	insert(&l.firstASCII, l.first, f)
	insert(&l.lastASCII, l.last, e)
	for _, v := range textForms(f) {
		var b [utf8.UTFMax]byte
		utf8.EncodeRune(b[:], v)
		l.firstByte[b[0]] = true
	}
	for _, v := range textForms(e) {
		var b [utf8.UTFMax]byte
		n := utf8.EncodeRune(b[:], v)
		l.lastByte[b[n-1]] = true
	}
	return nil
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

// foldRune maps r to the form phrases are stored in.
func foldRune(r rune) rune {
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
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func isLetterRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
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
func (p *phrase) matchAt(s string, i int) (int, bool) {
	j := 0
	for j < len(p.text) {
		pr, pn := utf8.DecodeRuneInString(p.text[j:])
		j += pn
		if pr == ' ' {
			k := i
			for sp := 0; k < len(s) && sp < maxPhraseSpace; sp++ {
				r, n := utf8.DecodeRuneInString(s[k:])
				if !isSpaceRune(r) {
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

// matchBefore compares p with s ending at byte end and returns the start offset.
func (p *phrase) matchBefore(s string, end int) (int, bool) {
	j := len(p.text)
	i := end
	for j > 0 {
		pr, pn := utf8.DecodeLastRuneInString(p.text[:j])
		j -= pn
		if pr == ' ' {
			k := i
			for sp := 0; k > 0 && sp < maxPhraseSpace; sp++ {
				r, n := utf8.DecodeLastRuneInString(s[:k])
				if !isSpaceRune(r) {
					break
				}
				k -= n
			}
			if k == i {
				return 0, false
			}
			i = k
			continue
		}
		if i <= 0 {
			return 0, false
		}
		r, n := utf8.DecodeLastRuneInString(s[:i])
		if !p.weak {
			r = foldRune(r)
		}
		if r != pr {
			return 0, false
		}
		i -= n
	}
	return i, true
}

// boundaryOK reports whether s[start:end] stands on word boundaries where p needs them.
// A digit before the phrase is allowed ("3000eura").
func (p *phrase) boundaryOK(s string, start, end int) bool {
	return p.startOK(s, start) && p.endOK(s, end)
}

func (p *phrase) startOK(s string, start int) bool {
	f, _ := utf8.DecodeRuneInString(p.text)
	return !(isLetterRune(f) && isLetterRune(runeBefore(s, start)))
}

func (p *phrase) endOK(s string, end int) bool {
	e, _ := utf8.DecodeLastRuneInString(p.text)
	return p.prefix || !(isLetterRune(e) && isWordRune(runeAt(s, end)))
}

// at returns the longest phrase starting at byte i, with its end.
func (l *lexicon) at(s string, i int) (*phrase, int) {
	if i >= len(s) || !l.firstByte[s[i]] {
		return nil, 0
	}
	var r rune
	w := 1
	if c := s[i]; c < utf8.RuneSelf {
		r = rune(c)
	} else {
		r, w = utf8.DecodeRuneInString(s[i:])
	}
	// the folded ASCII byte after the first rune rules out most phrases cheaply
	var next byte
	if i+w < len(s) {
		if c := s[i+w]; c < utf8.RuneSelf {
			next = byte(foldRune(rune(c)))
		}
	}
	for _, key := range [2]rune{foldRune(r), r} {
		for _, p := range bucket(&l.firstASCII, l.first, key) {
			if p.next != 0 && next != 0 && p.next != next {
				continue
			}
			if end, ok := p.matchAt(s, i); ok && p.boundaryOK(s, i, end) {
				return p, end
			}
		}
		if key == r {
			break
		}
	}
	return nil, 0
}

// before returns the longest phrase ending at byte end, with its start.
func (l *lexicon) before(s string, end int) (*phrase, int) {
	if end <= 0 || end > len(s) || !l.lastByte[s[end-1]] {
		return nil, 0
	}
	var r rune
	if c := s[end-1]; c < utf8.RuneSelf {
		r = rune(c)
	} else {
		r, _ = utf8.DecodeLastRuneInString(s[:end])
	}
	for _, key := range [2]rune{foldRune(r), r} {
		for _, p := range bucket(&l.lastASCII, l.last, key) {
			// the end is where an amount starts, so only the start needs a word boundary
			// ("EUR3000", "USD 500")
			if start, ok := p.matchBefore(s, end); ok && p.startOK(s, start) {
				return p, start
			}
		}
		if key == r {
			break
		}
	}
	return nil, 0
}

// lexicons holds every role the parser matches.
type lexicons struct {
	currency   *lexicon
	mult       *lexicon
	period     *lexicon // full period phrases
	unit       *lexicon // period units after a slash
	context    *lexicon
	qualifier  *lexicon
	rangeTo    *lexicon
	rangeFrom  *lexicon
	upTo       *lexicon
	currencies map[string]bool
	net        map[string]bool // qualifiers that mark take-home (net) pay
}

var periodNames = []string{"hour", "day", "week", "month", "year"}

func loadLexicons(r io.Reader) (*lexicons, error) {
	var wf wordsFile
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	if err := dec.Decode(&wf); err != nil {
		return nil, fmt.Errorf("decode words: %w", err)
	}
	lx := &lexicons{
		currency: newLexicon(), mult: newLexicon(), period: newLexicon(), unit: newLexicon(),
		context: newLexicon(), qualifier: newLexicon(), rangeTo: newLexicon(),
		rangeFrom: newLexicon(), upTo: newLexicon(), currencies: map[string]bool{}, net: map[string]bool{},
	}
	add := func(l *lexicon, section string, p *phrase) error {
		if err := l.add(p); err != nil {
			return fmt.Errorf("words %s %q: %w", section, p.text, err)
		}
		return nil
	}
	for _, c := range wf.Currencies {
		code := strings.ToUpper(strings.TrimSpace(c.Code))
		if len(code) != 3 {
			return nil, fmt.Errorf("words currencies: code %q is not an ISO 4217 code", c.Code)
		}
		lx.currencies[code] = true
		for _, w := range c.Words {
			if err := add(lx.currency, "currency "+code, &phrase{text: w, value: code}); err != nil {
				return nil, err
			}
		}
		for _, w := range c.After {
			if err := add(lx.currency, "currency "+code, &phrase{text: w, value: code, afterOnly: true}); err != nil {
				return nil, err
			}
		}
		for _, w := range c.Weak {
			if err := add(lx.currency, "currency "+code, &phrase{text: w, value: code, afterOnly: true, weak: true}); err != nil {
				return nil, err
			}
		}
	}
	for _, m := range wf.Multipliers {
		if !(m.Value > 0) || m.Value > 1e12 {
			return nil, fmt.Errorf("words multipliers: bad value %v", m.Value)
		}
		for _, w := range m.Words {
			if err := add(lx.mult, "multiplier", &phrase{text: w, mult: m.Value, value: strings.ToUpper(m.Implies)}); err != nil {
				return nil, err
			}
		}
	}
	for name, pw := range wf.Periods {
		if !validPeriod(name) {
			return nil, fmt.Errorf("words periods: unknown period %q (want one of %v)", name, periodNames)
		}
		for _, w := range pw.Words {
			if err := add(lx.period, "period "+name, &phrase{text: w, value: name}); err != nil {
				return nil, err
			}
		}
		for _, w := range pw.Units {
			if err := add(lx.unit, "period unit "+name, &phrase{text: w, value: name}); err != nil {
				return nil, err
			}
		}
	}
	for name, words := range wf.Context {
		if name != "any" && !validPeriod(name) {
			return nil, fmt.Errorf("words context: unknown group %q", name)
		}
		value := name
		if name == "any" {
			value = ""
		}
		for _, w := range words {
			p := &phrase{text: w, value: value}
			if strings.HasSuffix(w, "*") {
				p.text = strings.TrimSuffix(w, "*")
				p.prefix = true
			}
			if err := add(lx.context, "context", p); err != nil {
				return nil, err
			}
		}
	}
	for _, set := range []struct {
		l     *lexicon
		name  string
		words []string
	}{
		{lx.qualifier, "qualifiers", append(append([]string(nil), wf.Qualifiers...), wf.Net...)},
		{lx.rangeTo, "range_to", wf.RangeTo},
		{lx.rangeFrom, "range_from", wf.RangeFrom},
		{lx.upTo, "up_to", wf.UpTo},
	} {
		for _, w := range set.words {
			if err := add(set.l, set.name, &phrase{text: w}); err != nil {
				return nil, err
			}
		}
	}
	if len(lx.currencies) == 0 {
		return nil, fmt.Errorf("words: no currencies")
	}
	for _, w := range wf.Net {
		lx.net[strings.ToLower(w)] = true
	}
	return lx, nil
}

func validPeriod(name string) bool {
	for _, p := range periodNames {
		if p == name {
			return true
		}
	}
	return false
}
