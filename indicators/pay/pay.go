// Package pay finds pay, salary and price statements in ad text ("€3,000/month",
// "earn 500$ a day", "3000 eura mesečno", "8 triệu/tháng"), parses the amount, currency and
// period, converts them to a monthly figure in euro with a dated exchange-rate table, and looks
// up a reference wage by country and sector, so that rules can judge job.unrealistic_pay.
//
// All words (currency names and symbols, period phrases, pay context words, multipliers such as
// "k" or "triệu") live in data/words.yaml; exchange rates, period factors, country currencies and
// reference wages live in CSV files under data/. Every file carries its sources and dates, is
// embedded, and can be replaced by the user (NewParserFrom, LoadTables, LoadTablesWith).
//
// A bare number is never pay: a mention needs a currency, or a pay context word (salary, plata,
// Gehalt, зарплата, lương, ...) shortly before it, so phone numbers, years, ages, heights, times,
// percentages and counts are not reported.
package pay

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

//go:embed data/words.yaml
var defaultWords []byte

// Mention is one pay phrase found in a text.
type Mention struct {
	Start, End int     // byte offsets of the whole pay phrase in the text
	Text       string  // text[Start:End]
	Amount     float64 // lower bound (for "up to X": X)
	AmountMax  float64 // upper bound (== Amount when no range)
	Currency   string  // ISO 4217 code, "" when not stated
	Period     string  // "hour", "day", "week", "month", "year", "" when not stated
	UpTo       bool    // the ad states only an upper bound ("up to €5,000", "do 3000 eura")
	Net        bool    // stated as take-home pay ("netto", "на руки"), not gross
}

// Parser finds pay mentions. It is safe for concurrent use.
type Parser struct {
	lx *lexicons
}

// NewParser returns a parser using the embedded lexicon data/words.yaml.
func NewParser() (*Parser, error) {
	return NewParserFrom(bytes.NewReader(defaultWords))
}

// NewParserFrom returns a parser using a lexicon in the layout of data/words.yaml read from r.
func NewParserFrom(r io.Reader) (*Parser, error) {
	lx, err := loadLexicons(r)
	if err != nil {
		return nil, fmt.Errorf("pay: load lexicon: %w", err)
	}
	return &Parser{lx: lx}, nil
}

// Limits that keep the parser linear and its false alarms low.
const (
	maxDigits     = 15 // longer digit runs are identifiers, not pay
	contextWindow = 48 // bytes scanned before an amount for a pay context word
	maxContextGap = 3  // words allowed between a context word and the amount
	maxSpaceSkip  = 3  // whitespace runes skipped between parts of a phrase
)

// number is one parsed numeric literal.
type number struct {
	start, end int
	value      float64
	digits     int
	groups     int  // digit groups separated by space, dot, comma or apostrophe
	spaced     bool // grouped with spaces
	leadZero   bool // "065"
	yearLike   bool // four plain digits 1900-2099
}

// Parse returns the pay mentions in text, in order of position. Mentions never overlap.
// Parse reads each byte of text a bounded number of times and allocates only for the result.
func (p *Parser) Parse(text string) []Mention {
	var out []Mention
	var st scanState
	i := 0
	for i < len(text) {
		c := text[i]
		if c < '0' || c > '9' {
			i++
			continue
		}
		m, next, ok := p.mentionAt(text, i, lastEnd(out), &st)
		if ok {
			out = append(out, m)
		}
		if next <= i {
			next = i + 1
		}
		i = next
	}
	return out
}

// ctxHit is a pay context word found in the text.
type ctxHit struct {
	start, end int
	period     string
}

// scanState remembers the context words already found, so that the text before the amounts
// is scanned for them only once.
type scanState struct {
	hits    [8]ctxHit // ring buffer of the most recent hits
	n       int
	scanned int // text before this offset has been scanned
}

func lastEnd(ms []Mention) int {
	if len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].End
}

// skipSpace skips at most maxSpaceSkip whitespace runes from i.
func skipSpace(s string, i int) int {
	for n := 0; n < maxSpaceSkip && i < len(s); n++ {
		r := runeAt(s, i)
		if !isSpaceRune(r) {
			break
		}
		if r < 0x80 {
			i++
		} else {
			_, w := decodeRune(s[i:])
			i += w
		}
	}
	return i
}

// skipSpaceBack skips at most maxSpaceSkip whitespace runes before i.
func skipSpaceBack(s string, i int) int {
	for n := 0; n < maxSpaceSkip && i > 0; n++ {
		r := runeBefore(s, i)
		if !isSpaceRune(r) {
			break
		}
		_, w := decodeLastRune(s[:i])
		i -= w
	}
	return i
}

// skipNumberish returns the end of the run of digits and number punctuation from i, so that a
// rejected candidate is skipped as a whole.
func skipNumberish(s string, i int) int {
	for i < len(s) {
		c := s[i]
		if c >= '0' && c <= '9' || c == '.' || c == ',' || c == '-' || c == '/' || c == ':' {
			i++
			continue
		}
		break
	}
	return i
}

// mentionAt tries to read a pay mention whose first number starts at byte i. minStart is the
// end of the previous mention. It returns the byte offset to continue scanning from.
func (p *Parser) mentionAt(s string, i, minStart int, st *scanState) (Mention, int, bool) {
	// A digit glued to letters ("A4", "x2") or after "+" (phones) starts no amount.
	if prev := runeBefore(s, i); prev == '+' || prev == '(' || i+1 < len(s) && s[i] == '0' && isDigit(runeAt(s, i+1)) {
		return Mention{}, skipPhone(s, i), false
	} else if prev == '#' || prev == '_' {
		return Mention{}, skipNumberish(s, i), false
	} else if isLetterRune(prev) {
		// glued to letters ("A4", "x2") unless they are a currency code ("EUR3000")
		if ph, _ := p.lx.currency.before(s, i); ph == nil || ph.afterOnly {
			return Mention{}, skipNumberish(s, i), false
		}
	}
	if prev := runeBefore(s, i); (prev == '/' || prev == ':' || prev == '.' || prev == ',') && isDigit(runeBefore(s, i-1)) {
		return Mention{}, skipNumberish(s, i), false
	}
	n1, ok := readNumber(s, i)
	if !ok {
		return Mention{}, skipNumberish(s, i), false
	}
	m := Mention{Start: n1.start}
	pos := n1.end
	if pos+1 < len(s) && (s[pos] == ',' || s[pos] == '.') && (s[pos+1] == '-') {
		pos += 2 // "10,- €", "1.500,-" (no cents)
	}
	lo, hi := n1.value, n1.value
	implied := ""
	// multiplier: "2k", "1.5 million", "5 triệu"
	mult1 := 1.0
	if ph, end := p.lx.mult.at(s, skipSpace(s, pos)); ph != nil {
		mult1 = ph.mult
		implied = ph.value
		pos = end
	}
	cur := ""
	confirmed := false // a non-weak currency or a period confirms a weak currency
	weak := false
	// currency right after the first amount: "1500 EUR - 2000 EUR", "1500€-2000€"
	if ph, end := p.lx.currency.at(s, skipSpace(s, pos)); ph != nil {
		cur, weak = ph.value, ph.weak
		pos = end
	}
	// range: "1500-2000", "od 800 do 1200", "€1,500 – €2,000", "2-3k"
	isRange := false
	if sepPh, sepEnd := p.rangeSep(s, skipSpace(s, pos)); sepPh {
		q := skipSpace(s, sepEnd)
		cur2 := ""
		weak2 := false
		if ph, end := p.lx.currency.at(s, q); ph != nil && !ph.afterOnly {
			cur2 = ph.value
			q = skipSpace(s, end)
		}
		if q < len(s) && isDigit(runeAt(s, q)) {
			if n2, ok := readNumber(s, q); ok {
				q = n2.end
				mult2 := 1.0
				imp2 := ""
				if ph, end := p.lx.mult.at(s, skipSpace(s, q)); ph != nil {
					mult2, imp2 = ph.mult, ph.value
					q = end
				}
				if mult2 != 1 && mult1 == 1 && n1.value*mult2 <= n2.value*mult2 && n1.value < n2.value {
					mult1 = mult2 // "2-3k"
				}
				if ph, end := p.lx.currency.at(s, skipSpace(s, q)); ph != nil {
					cur2, weak2 = ph.value, ph.weak
					q = end
				}
				a, b := n1.value*mult1, n2.value*mult2
				phoneTail := q < len(s) && (s[q] == '-' || s[q] == '/') && isDigit(runeAt(s, q+1))
				if b > a && !phoneTail && (cur == "" || cur2 == "" || cur == cur2) {
					isRange = true
					lo, hi = a, b
					pos = q
					if cur == "" {
						cur, weak = cur2, weak2
					}
					if implied == "" {
						implied = imp2
					}
					if n2.leadZero || n2.digits > maxDigits {
						return Mention{}, q, false
					}
				}
			}
		}
	}
	if !isRange {
		lo, hi = n1.value*mult1, n1.value*mult1
	}
	afterAmount := pos
	// qualifiers and period: "2000 € netto al mese", "€10/h", "8 triệu/tháng"
	period := ""
	q := pos
	net := false
	for k := 0; k < 2; k++ {
		ph, end := p.lx.qualifier.at(s, skipSpace(s, q))
		if ph == nil {
			break
		}
		net = net || p.lx.net[strings.ToLower(ph.text)]
		q = end
	}
	if per, end := p.periodAt(s, skipSpace(s, q)); per != "" {
		period = per
		pos = end
	} else if cur == "" && q != afterAmount {
		// the currency may follow a qualifier: "2k net EUR"
		if ph, end := p.lx.currency.at(s, skipSpace(s, q)); ph != nil {
			cur, weak = ph.value, ph.weak
			pos = end
			if per, end := p.periodAt(s, skipSpace(s, pos)); per != "" {
				period = per
				pos = end
			}
		}
	}
	// the text right after must not glue the amount to something else: "24/7", "10:30", "50%"
	after := skipSpace(s, pos)
	if after < len(s) {
		switch c := s[after]; {
		case c == '%':
			return Mention{}, pos, false
		case pos == afterAmount && (c == ':' || c == '/' || c == '.' || c == ',') && isDigit(runeAt(s, after+1)):
			return Mention{}, skipNumberish(s, pos), false
		}
	}
	// currency before: "€3,000", "EUR 1500", "US$ 500", "€1,500 – €2,000"
	start := n1.start
	if ph, st := p.lx.currency.before(s, skipSpaceBack(s, n1.start)); ph != nil && !ph.afterOnly && st >= minStart && (cur == "" || weak || cur == ph.value) {
		cur, weak = ph.value, false
		start = st
	}
	if cur != "" && !weak {
		confirmed = true
	}
	if cur == "" && implied != "" {
		cur = implied
		confirmed = true
	}
	// "from 800 to 1200", "do 3000 eura"
	upTo := false
	ws := skipSpaceBack(s, start)
	if isRange {
		if ph, st := p.lx.rangeFrom.before(s, ws); ph != nil && st >= minStart && st < ws {
			start = st
		}
	} else if ph, st := p.lx.upTo.before(s, ws); ph != nil && st >= minStart && st < ws {
		start = st
		upTo = true
	}
	// a bare amount followed by a word that is no part of a pay phrase is a count
	// ("3 workers", "18 godina", "8 hours"): no need to look for context
	if cur == "" && period == "" && p.countFollows(s, afterAmount) {
		return Mention{}, afterAmount, false
	}
	ctx, ctxPeriod := p.contextBefore(s, start, minStart, st)
	if period == "" && ctxPeriod != "" {
		period = ctxPeriod
	}
	if period != "" {
		confirmed = true
	}
	if ctx {
		confirmed = true
	}
	switch {
	case cur != "" && !weak:
	case cur != "" && weak && confirmed:
	case cur == "" && ctx:
		// a bare amount after a context word: the next word must not make it a count
		// ("salary ... 3 workers", "plata 18 godina")
		if period == "" && p.countFollows(s, afterAmount) {
			return Mention{}, pos, false
		}
		if n1.yearLike && !isRange && period == "" && mult1 == 1 {
			return Mention{}, pos, false
		}
		if n1.spaced && n1.groups > 2 || n1.leadZero || n1.digits > 9 {
			return Mention{}, pos, false
		}
	default:
		return Mention{}, afterAmount, false
	}
	if n1.leadZero || n1.digits > maxDigits || !(lo > 0) || math.IsInf(hi, 0) || math.IsNaN(hi) {
		return Mention{}, pos, false
	}
	if upTo {
		lo = hi
	}
	m.Start, m.End = start, pos
	m.Text = s[start:pos]
	m.Amount, m.AmountMax = lo, hi
	m.Currency, m.Period, m.UpTo = cur, period, upTo
	// "3.200 €/Monat netto": a qualifier may also follow the period.
	if ph, _ := p.lx.qualifier.at(s, skipSpace(s, pos)); ph != nil && p.lx.net[strings.ToLower(ph.text)] {
		net = true
	}
	m.Net = net
	return m, pos, true
}

// rangeSep reports whether a range separator starts at i and returns its end.
func (p *Parser) rangeSep(s string, i int) (bool, int) {
	if ph, end := p.lx.rangeTo.at(s, i); ph != nil {
		return true, end
	}
	return false, i
}

// periodAt returns the period of a phrase starting at i ("per month", "/h", "/ tháng").
func (p *Parser) periodAt(s string, i int) (string, int) {
	if ph, end := p.lx.period.at(s, i); ph != nil {
		return ph.value, end
	}
	if i < len(s) && s[i] == '/' {
		j := skipSpace(s, i+1)
		if ph, end := p.lx.unit.at(s, j); ph != nil {
			return ph.value, end
		}
	}
	return "", i
}

// countFollows reports whether a word that is no part of a pay phrase follows the amount
// ("3 workers", "18 godina"), which makes a bare number a count rather than pay.
func (p *Parser) countFollows(s string, pos int) bool {
	i := skipSpace(s, pos)
	if i >= len(s) {
		return false
	}
	r := runeAt(s, i)
	if !isLetterRune(r) {
		return false
	}
	if ph, _ := p.lx.qualifier.at(s, i); ph != nil {
		return false
	}
	return true
}

// contextBefore looks for a pay context word shortly before start, in the same clause.
// It returns whether one was found and the period it implies ("hourly rate" → hour).
func (p *Parser) contextBefore(s string, start, minStart int, st *scanState) (bool, string) {
	lo := start - contextWindow
	if lo < minStart {
		lo = minStart
	}
	if lo < 0 {
		lo = 0
	}
	// walk back to the start of the clause
	i := start
	for i > lo {
		r, w := decodeLastRune(s[:i])
		if r == '\n' || r == '!' || r == '?' || r == ';' || isDigit(r) || r == '•' || r == '|' {
			break
		}
		if r == '.' && isSpaceRune(runeAt(s, i)) && unicode.IsUpper(runeAt(s, skipSpace(s, i))) {
			break // sentence end: ". We need"; not "approx. 3000"
		}
		i -= w
	}
	if i < lo {
		i = lo
	}
	// scan the word starts not scanned yet, remembering context words
	j := st.scanned
	if j < i {
		j = i
	}
	for j < start {
		c := s[j]
		if c < utf8.RuneSelf {
			if ('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') && !isLetterRune(runeBefore(s, j)) {
				p.scanContextAt(s, j, st)
			}
			j++
			continue
		}
		r, w := decodeRune(s[j:])
		if isLetterRune(r) && !isLetterRune(runeBefore(s, j)) {
			p.scanContextAt(s, j, st)
		}
		j += w
	}
	if start > st.scanned {
		st.scanned = start
	}
	found, period := false, ""
	for k := 1; k <= st.n && k <= len(st.hits); k++ {
		h := st.hits[(st.n-k)%len(st.hits)]
		if h.start < i || h.end > start {
			continue
		}
		if countWords(s[h.end:start]) > maxContextGap {
			continue
		}
		found = true
		if period == "" {
			period = h.period
		}
	}
	return found, period
}

func (p *Parser) scanContextAt(s string, j int, st *scanState) {
	if ph, end := p.lx.context.at(s, j); ph != nil {
		st.hits[st.n%len(st.hits)] = ctxHit{start: j, end: end, period: ph.value}
		st.n++
	}
}

// skipPhone returns the end of a phone-number-like run from i: digits with spaces, dashes,
// slashes, dots and brackets between them.
func skipPhone(s string, i int) int {
	for i < len(s) {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			i++
		case (c == ' ' || c == '-' || c == '/' || c == '.' || c == '(' || c == ')') && i+1 < len(s) && (isDigit(rune(s[i+1])) || s[i+1] == '(' || s[i+1] == ' ' && i+2 < len(s) && isDigit(rune(s[i+2]))):
			i++
		default:
			return i
		}
	}
	return i
}

func countWords(s string) int {
	n := 0
	in := false
	for _, r := range s {
		if isLetterRune(r) {
			if !in {
				n++
				in = true
			}
		} else {
			in = false
		}
	}
	return n
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// readNumber parses the numeric literal starting at byte i: "3000", "3.000", "3,000",
// "3 000", "2.500,50", "1,5", "1.5". Dates ("12.05.2025") and other odd groupings fail.
func readNumber(s string, i int) (number, bool) {
	n := number{start: i}
	j := i
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	first := j - i
	n.digits = first
	n.leadZero = first > 1 && s[i] == '0'
	var seps [2]byte // first and last separator kinds
	nsep := 0
	lastLen := 0
	sameSep := true
	innerOK := true // all groups after the first, except the last, have 3 digits
	var groupLens [64]int
	ng := 0
	for j < len(s) && ng < len(groupLens) {
		sep, sw := sepAt(s, j)
		if sw == 0 {
			break
		}
		k := j + sw
		g := k
		for g < len(s) && s[g] >= '0' && s[g] <= '9' {
			g++
		}
		gl := g - k
		if gl == 0 {
			break
		}
		if sep == ' ' || sep == '\'' {
			// space grouping needs exactly 3 digits and a non-digit after
			if gl != 3 {
				break
			}
		}
		if nsep == 0 {
			seps[0] = sep
		} else if sep != seps[1] {
			sameSep = false
		}
		if nsep > 0 && lastLen != 3 {
			innerOK = false
		}
		seps[1] = sep
		groupLens[ng] = gl
		ng++
		nsep++
		lastLen = gl
		n.digits += gl
		if sep == ' ' {
			n.spaced = true
		}
		j = g
	}
	n.end = j
	n.groups = nsep + 1
	if n.digits > maxDigits {
		return n, false
	}
	digitsOf := func(a, b int) float64 {
		v := 0.0
		for k := a; k < b; k++ {
			if c := s[k]; c >= '0' && c <= '9' {
				v = v*10 + float64(c-'0')
			}
		}
		return v
	}
	if nsep == 0 {
		n.value = digitsOf(i, j)
		n.yearLike = first == 4 && n.value >= 1900 && n.value <= 2099
		return n, true
	}
	last := seps[1]
	decimal := false
	switch {
	case (last == '.' || last == ',') && lastLen != 3:
		decimal = true
	case (last == '.' || last == ',') && nsep >= 2 && !sameSep && seps[0] != last:
		decimal = true // "1.234,567"? treat the odd last separator as decimal
	}
	if decimal {
		// the integer part: groups before the last separator must be a valid grouping
		if nsep >= 2 {
			if first > 3 || first == 0 {
				return n, false
			}
			for g := 0; g < ng-1; g++ {
				if groupLens[g] != 3 {
					return n, false
				}
			}
			// thousands separators before the decimal one must differ from it
			if seps[0] == last {
				return n, false
			}
		}
		if lastLen > 2 && nsep >= 2 {
			return n, false
		}
		// position of the decimal separator
		cut := j - lastLen - 1
		for cut > i && s[cut] != last {
			cut--
		}
		intPart := digitsOf(i, cut)
		frac := digitsOf(cut+1, j)
		n.value = intPart + frac/math.Pow(10, float64(lastLen))
		return n, true
	}
	// thousands grouping: first group 1-3 digits, all others 3, one separator kind
	if first > 3 || !innerOK || !sameSep && !(seps[0] == ' ' || seps[1] == ' ') {
		return n, false
	}
	for g := 0; g < ng; g++ {
		if groupLens[g] != 3 {
			return n, false
		}
	}
	n.value = digitsOf(i, j)
	return n, true
}

func decodeRune(s string) (rune, int)     { return utf8.DecodeRuneInString(s) }
func decodeLastRune(s string) (rune, int) { return utf8.DecodeLastRuneInString(s) }

// sepAt returns the digit-group separator at j (normalised to '.', ',', ' ', '\”) and its width.
func sepAt(s string, j int) (byte, int) {
	if j+1 >= len(s) {
		return 0, 0
	}
	switch s[j] {
	case '.', ',':
		return s[j], 1
	case ' ':
		return ' ', 1
	case '\'':
		return '\'', 1
	}
	r, w := decodeRune(s[j:])
	switch r {
	case '\u00a0', '\u202f', '\u2009':
		return ' ', w
	case '\u2019':
		return '\'', w
	}
	return 0, 0
}

// Currencies returns the ISO 4217 codes the parser's lexicon knows, sorted.
func (p *Parser) Currencies() []string {
	out := make([]string, 0, len(p.lx.currencies))
	for c := range p.lx.currencies {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}
