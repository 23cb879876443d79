// Package pay finds pay, salary and price statements in ad text ("€3,000/month",
// "earn 500$ a day", "3000 eura mesečno", "8 triệu/tháng"), parses the amount, currency and
// period, converts them to a monthly figure in euro with a dated exchange-rate table, and looks
// up a reference wage by country and sector, so that rules can judge job.unrealistic_pay.
//
// All words (currency names and symbols, period phrases, pay context words, multipliers such as
// "k" or "triệu", units of working time, cost words) live in data/words.yaml; exchange rates,
// period factors, country currencies and reference wages live in CSV files under data/. Every
// file carries its sources and dates, is embedded, and can be replaced by the user
// (NewParserFrom, LoadTables, LoadTablesWith).
//
// A bare number is never pay: a mention needs a currency, or a pay context word (salary, plata,
// Gehalt, зарплата, lương, ...) shortly before it, so phone numbers, years, ages, heights, times,
// percentages and counts are not reported.
//
// The parser reads a text once, front to back (scan.go), into the tokens a pay statement is
// made of, and hands them in chunks to the grammar below, which looks at most a few tokens
// around each number. Besides the amount, currency and period next to it, a mention carries
// what the text says a little further on: the period after a word about paying ("$950 — paid
// every week"), the working time ("$300 a day for 2 hours", "6 Stunden pro Tag"), and whether
// the amount is a cost ("placement fee 500 EUR"). Tables.Convert turns a mention into euro per
// month with that working time, and Conversion.Note says what was read.
package pay

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"math"
	"sort"
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
	// PeriodCount is how many periods the amount pays for: 2 in "300 for 2 hours", 10 in
	// "5000 eura za 10 dana"; 0 means one.
	PeriodCount float64
	// Work is the working time the text states ("6 Stunden pro Tag", "$300 a day for 2
	// hours"), zero when it states none.
	Work WorkTime
	// Cost marks an amount named as a cost, fee, deposit or budget ("placement fee 500 EUR",
	// "Chi phí 180 triệu"), not as pay.
	Cost bool
}

// SameAmount reports whether m and o state the same amounts in the same (or an unstated)
// currency, as a title and a body repeating the pay do.
func (m Mention) SameAmount(o Mention) bool {
	near := func(x, y float64) bool { return x == y || x > 0 && y > 0 && math.Abs(x-y) < 0.005*(x+y) }
	return near(m.Amount, o.Amount) && near(m.AmountMax, o.AmountMax) &&
		(m.Currency == o.Currency || m.Currency == "" || o.Currency == "")
}

// WorkTime is the working time an ad states. Zero fields are not stated.
type WorkTime struct {
	HoursPerDay  float64
	DaysPerWeek  float64
	HoursPerWeek float64
}

// IsZero reports whether w states nothing.
func (w WorkTime) IsZero() bool { return w == WorkTime{} }

// Or returns w with the fields it leaves unset taken from o.
func (w WorkTime) Or(o WorkTime) WorkTime {
	if w.HoursPerDay == 0 {
		w.HoursPerDay = o.HoursPerDay
	}
	if w.DaysPerWeek == 0 {
		w.DaysPerWeek = o.DaysPerWeek
	}
	if w.HoursPerWeek == 0 {
		w.HoursPerWeek = o.HoursPerWeek
	}
	return w
}

// max returns the larger value of each field.
func (w WorkTime) max(o WorkTime) WorkTime {
	w.HoursPerDay = math.Max(w.HoursPerDay, o.HoursPerDay)
	w.DaysPerWeek = math.Max(w.DaysPerWeek, o.DaysPerWeek)
	w.HoursPerWeek = math.Max(w.HoursPerWeek, o.HoursPerWeek)
	return w
}

// Bounds of a working time that is work, not availability ("24 hours a day").
const (
	maxHoursPerDay  = 16
	maxDaysPerWeek  = 7
	maxHoursPerWeek = 100
)

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
	contextWindow = 48 // bytes before an amount searched for a pay context word
	maxContextGap = 3  // words allowed between a context word and the amount
	maxSpaceSkip  = 3  // whitespace runes allowed between parts of a phrase
	periodWindow  = 40 // bytes after an amount searched for its period ("$950 — paid every week")
	maxPeriodGap  = 3  // words that are no pay phrase allowed before that period
	maxCostGap    = 1  // words allowed between an amount and a cost word after it ("200 EUR registration fee")
)

// number is one parsed numeric literal.
type number struct {
	value    float64
	end      int
	digits   int16 // (capped at maxDigits+1)
	groups   int16 // digit groups separated by space, dot, comma or apostrophe
	frac     int16 // digits after the decimal separator
	spaced   bool  // grouped with spaces
	leadZero bool  // "065"
	yearLike bool  // four plain digits 1900-2099
}

// Options change how a text is read.
type Options struct {
	// Stated says that the whole text is a statement of pay (a listing's pay field), so a bare
	// amount needs no context word: "40000-60000".
	Stated bool
}

// Reading is what one text says about pay.
type Reading struct {
	Mentions []Mention // in order of position, never overlapping
	// Work is the working time stated anywhere in the text ("6 Stunden pro Tag"); it is
	// also filled into each mention's Work where the mention states none of its own.
	Work WorkTime
}

// Parse returns the pay mentions in text, in order of position. Mentions never overlap.
// Parse reads text once and allocates only for the result.
func (p *Parser) Parse(text string) []Mention {
	return p.Read(text, Options{}).Mentions
}

// Read returns the pay mentions and the working time stated in text.
func (p *Parser) Read(text string, o Options) Reading {
	t := tokenPool.Get().(*tokens)
	z := tokenizer{p: p, lx: p.lx.all, s: text, tk: t.tk[:0], nums: t.nums[:0], adj: true, nextDigit: -1, ctxAt: -1, stated: o.Stated, flushAt: flushAt}
	z.g = gram{s: text, phr: p.lx.all.list, o: o}
	z.run()
	z.flush(len(text) + 1) // the rest
	r := z.g.r
	if !r.Work.IsZero() {
		for i := range r.Mentions {
			r.Mentions[i].Work = r.Mentions[i].Work.Or(r.Work)
		}
	}
	t.tk, t.nums = z.tk, z.nums
	if cap(t.tk) <= maxPooledTokens && cap(t.nums) <= maxPooledTokens {
		tokenPool.Put(t)
	}
	return r
}

// gram reads pay statements from the tokens of one text.
type gram struct {
	s    string
	tk   []token
	nums []number
	phr  []*phrase // the lexicon's phrases by id
	o    Options
	// the state of the pass, kept between the chunks of tokens the tokenizer hands over
	k      int // next token to read
	minTok int // tokens before this one belong to an earlier mention
	skip   int // tokens that start before this byte are skipped (a phone number, a date)
	r      Reading
}

// numAt returns the number of token j.
func (g *gram) numAt(j int) *number { return &g.nums[g.tk[j].num] }

// ph returns the phrase of token j when it plays role r and follows the previous token with
// nothing but a few spaces between.
func (g *gram) ph(j int, r role) *phrase {
	if j < len(g.tk) && g.tk[j].adj && g.tk[j].kind == tokPhrase && g.phr[g.tk[j].pid].roles&r != 0 {
		return g.phr[g.tk[j].pid]
	}
	return nil
}

// num reports whether token j is a number right after the previous token.
func (g *gram) num(j int) bool {
	return j < len(g.tk) && g.tk[j].adj && g.tk[j].kind == tokNum
}

// periodAt reads a period at token j: "per month", "mesečno", "/h", "/ tháng".
func (g *gram) periodAt(j int) (string, int) {
	if ph := g.ph(j, rolePeriod); ph != nil {
		return ph.period, j + 1
	}
	if j+1 < len(g.tk) && g.tk[j].adj && g.tk[j].kind == tokSlash {
		if ph := g.ph(j+1, roleUnit); ph != nil {
			return ph.unit, j + 2
		}
	}
	return "", j
}

// skipTo returns the first token index from j that starts at or after byte b.
func (g *gram) skipTo(j, b int) int {
	g.skip = max(g.skip, b)
	for j < len(g.tk) && int(g.tk[j].start) < b {
		j++
	}
	return j
}

// parse reads pay from the tokens that end before byte limit.
func (g *gram) parse(limit int) {
	tk, o := g.tk, g.o
	for ; g.k < len(tk) && int(tk[g.k].end) < limit; g.k++ {
		k := g.k
		if int(tk[k].start) < g.skip {
			continue
		}
		var m Mention
		var next int
		var ok bool
		switch t := &tk[k]; {
		case t.kind == tokNum:
			// a number with no phrase next to it and no context word before it is no pay:
			// most numbers of a text end here
			if !o.Stated && !t.ctx && !(k+1 < len(tk) && tk[k+1].adj && tk[k+1].kind >= tokPhrase) &&
				!(k > 0 && t.adj && tk[k-1].kind == tokPhrase) {
				continue
			}
			if w, e, isWork := g.workTimeAt(k); isWork {
				g.r.Work = g.r.Work.max(w)
				g.k = e - 1
				continue
			}
			m, next, ok = g.mentionAt(k, g.minTok)
		case t.kind == tokPhrase && g.phr[t.pid].has(roleAmount):
			m, next, ok = g.amountWordsAt(k, g.minTok)
		default:
			continue
		}
		if ok {
			g.r.Mentions = append(g.r.Mentions, m)
			g.minTok = next
		}
		if next > k+1 {
			g.k = next - 1
		}
	}
}

// hoursAt reads a number of working hours or days at token j: "8", "8-10", "2" followed by
// a unit of working time ("hours", "Stunden", "days"). It returns the number (the high end
// of a range), the unit ("hour" or "day") and the token after the unit.
func (g *gram) hoursAt(j int) (float64, string, int, bool) {
	tk := g.tk
	if j >= len(tk) || tk[j].kind != tokNum {
		return 0, "", j, false
	}
	v := g.numAt(j).value
	q := j + 1
	if g.ph(q, roleRangeTo) != nil && g.num(q+1) && g.numAt(q+1).value > v {
		v = g.numAt(q + 1).value
		q += 2
	}
	ph := g.ph(q, roleWork)
	if ph == nil || !(v > 0) {
		return 0, "", j, false
	}
	return v, ph.work, q + 1, true
}

// workTime turns "N <unit> per <period>" into a working time; ok is false for other pairs
// and for figures that are availability rather than work ("24 hours a day").
func workTime(v float64, unit, per string) (WorkTime, bool) {
	switch {
	case unit == "hour" && per == "day" && v <= maxHoursPerDay:
		return WorkTime{HoursPerDay: v}, true
	case unit == "hour" && per == "week" && v <= maxHoursPerWeek:
		return WorkTime{HoursPerWeek: v}, true
	case unit == "day" && per == "week" && v <= maxDaysPerWeek:
		return WorkTime{DaysPerWeek: v}, true
	}
	return WorkTime{}, false
}

// workTimeAt reads a statement of working time at token k: "6 Stunden pro Tag", "40h/week",
// "10-12 hours a day", "6 days a week".
func (g *gram) workTimeAt(k int) (WorkTime, int, bool) {
	if k > 0 && g.tk[k].adj && g.tk[k-1].kind == tokPhrase && g.phr[g.tk[k-1].pid].has(roleCurrency) && g.phr[g.tk[k-1].pid].curBefore {
		return WorkTime{}, k, false // "€8 hours"? a currency first makes it pay
	}
	v, unit, j, ok := g.hoursAt(k)
	if !ok {
		return WorkTime{}, k, false
	}
	per, e := g.periodAt(j)
	if per == "" {
		return WorkTime{}, k, false
	}
	w, ok := workTime(v, unit, per)
	if !ok {
		return WorkTime{}, e, true // read, but not work: skip it
	}
	return w, e, true
}

// forHoursAt reads the working time right after a pay phrase: "for 2 hours", "for 6 hours a
// day", "za 10 dana". It returns the hours or days, the unit, the period stated after them
// ("" when none) and the token after.
func (g *gram) forHoursAt(j int) (float64, string, string, int, bool) {
	tk := g.tk
	if j >= len(tk) || tk[j].kind != tokPhrase || !g.phr[tk[j].pid].has(roleWorkFor) {
		return 0, "", "", j, false
	}
	// the "for" follows the pay phrase in the same clause, with at most punctuation between
	if prev := &tk[j-1]; tk[j].clause != prev.clause || tk[j].words != prev.wordsEnd || tk[j].start-prev.end > 3 {
		return 0, "", "", j, false
	}
	if !g.num(j + 1) {
		return 0, "", "", j, false
	}
	v, unit, q, ok := g.hoursAt(j + 1)
	if !ok {
		return 0, "", "", j, false
	}
	per, e := g.periodAt(q)
	return v, unit, per, e, true
}

// countFollows reports whether a word that is no part of a pay phrase follows the amount
// ending with token j-1 ("3 workers", "18 godina"), which makes a bare number a count rather
// than pay.
func (g *gram) countFollows(j int) bool {
	end := int(g.tk[j-1].end)
	i := skipSpace(g.s, end)
	if i >= len(g.s) || !isLetterRune(runeAt(g.s, i)) {
		return false
	}
	if j < len(g.tk) && int(g.tk[j].start) == i && g.tk[j].kind == tokPhrase && g.phr[g.tk[j].pid].has(roleQualifier) {
		return false
	}
	return true
}

// contextBefore looks for a pay context word shortly before token k, in the same clause and
// after the previous number. It returns whether one was found, the period it implies
// ("hourly rate" → hour), and whether a cost word ("fee", "deposit") is nearer to the amount
// than any context word.
func (g *gram) contextBefore(k, minTok int) (found bool, period string, cost bool) {
	st := &g.tk[k]
	costOpen := true
	for j := k - 1; j >= minTok; j-- {
		h := &g.tk[j]
		if h.clause != st.clause || h.kind == tokNum || h.kind == tokBad || st.start-h.start > contextWindow {
			break
		}
		if h.kind != tokPhrase {
			continue
		}
		gap := st.words - h.wordsEnd
		if gap > maxContextGap {
			continue
		}
		if g.phr[h.pid].has(roleCost) && costOpen && !found && h.comma == st.comma {
			cost = true
		}
		if g.phr[h.pid].has(roleContext) {
			found = true
			costOpen = false
			if period == "" {
				period = g.phr[h.pid].ctxPeriod
			}
		}
	}
	return found, period, cost
}

// windowPeriod looks for the period of a pay phrase ending with token j-1 a little further on,
// in the same clause: "$950 — paid every week", "1.200 € netto, Auszahlung monatlich". The
// period must come before any other number, and either with no other word between or after
// a word about paying ("paid", "Auszahlung", "salary").
func (g *gram) windowPeriod(j int) (string, int) {
	tk := g.tk
	last := &tk[j-1]
	prevEnd := last.wordsEnd
	plain := int32(0) // words that are no phrase
	cue := false
	for w := j; w < len(tk); w++ {
		h := &tk[w]
		if h.clause != last.clause || h.kind == tokNum || h.kind == tokBad || h.start-last.end > periodWindow {
			break
		}
		plain += h.words - prevEnd
		prevEnd = h.wordsEnd
		if plain > maxPeriodGap {
			break
		}
		if h.kind != tokPhrase {
			continue
		}
		if g.phr[h.pid].has(rolePeriod) && (plain == 0 || cue) {
			return g.phr[h.pid].period, w + 1
		}
		if g.phr[h.pid].has(rolePayout | roleContext) {
			cue = true
		}
	}
	return "", j
}

// costAfter reports whether a cost word follows the pay phrase ending with token j-1 closely,
// in the same clause and before any comma, with at most one other word between: "200 euro
// registration fee", "500 EUR deposit"; not "€1,800 + accommodation".
func (g *gram) costAfter(j int) bool {
	if j >= len(g.tk) {
		return false
	}
	last, h := &g.tk[j-1], &g.tk[j]
	return h.kind == tokPhrase && g.phr[h.pid].has(roleCost) && h.clause == last.clause && h.comma == last.comma &&
		h.words-last.wordsEnd <= maxCostGap
}

// mentionAt tries to read a pay mention whose first number is token k. minTok is the first
// token after the previous mention. It returns the token index to go on from.
func (g *gram) mentionAt(k, minTok int) (Mention, int, bool) {
	s, tk := g.s, g.tk
	t := &tk[k]
	n1 := *g.numAt(k)
	j := k + 1
	lo, hi := n1.value, n1.value
	// multiplier: "2k", "1.5 million", "5 triệu"
	mult1, implied := 1.0, ""
	if ph := g.ph(j, roleMult); ph != nil {
		mult1, implied = ph.mult, ph.implied
		j++
	}
	// currency right after the first amount: "1500 EUR - 2000 EUR", "1500€-2000€"
	cur, weak := "", false
	if ph := g.ph(j, roleCurrency); ph != nil {
		cur, weak = ph.cur, ph.weak
		j++
	}
	// range: "1500-2000", "od 800 do 1200", "€1,500 – €2,000", "2-3k"
	isRange := false
	if g.ph(j, roleRangeTo) != nil {
		q := j + 1
		cur2, weak2 := "", false
		if ph := g.ph(q, roleCurrency); ph != nil && ph.curBefore {
			cur2 = ph.cur
			q++
		}
		if g.num(q) {
			n2 := *g.numAt(q)
			q++
			mult2, imp2 := 1.0, ""
			if ph := g.ph(q, roleMult); ph != nil {
				mult2, imp2 = ph.mult, ph.implied
				q++
			}
			if mult2 != 1 && mult1 == 1 && n1.value < n2.value {
				mult1 = mult2 // "2-3k"
			}
			if ph := g.ph(q, roleCurrency); ph != nil {
				cur2, weak2 = ph.cur, ph.weak
				q++
			}
			a, b := n1.value*mult1, n2.value*mult2
			e := int(tk[q-1].end)
			phoneTail := e+1 < len(s) && (s[e] == '-' || s[e] == '/') && isDigit(rune(s[e+1]))
			if b > a && !phoneTail && (cur == "" || cur2 == "" || cur == cur2) {
				isRange = true
				lo, hi = a, b
				j = q
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
	if !isRange {
		lo, hi = n1.value*mult1, n1.value*mult1
	}
	afterAmount := j
	// qualifiers and period: "2000 € netto al mese", "€10/h", "8 triệu/tháng"
	period := ""
	net := false
	q := j
	for c := 0; c < 2; c++ {
		ph := g.ph(q, roleQualifier)
		if ph == nil {
			break
		}
		net = net || ph.has(roleNet)
		q++
	}
	if per, e := g.periodAt(q); per != "" {
		period, j = per, e
	} else if cur == "" && q != afterAmount {
		// the currency may follow a qualifier: "2k net EUR"
		if ph := g.ph(q, roleCurrency); ph != nil {
			cur, weak = ph.cur, ph.weak
			j = q + 1
			if per, e := g.periodAt(j); per != "" {
				period, j = per, e
			}
		}
	}
	// the text right after must not glue the amount to something else: "24/7", "10:30", "50%"
	end := int(tk[j-1].end)
	if after := skipSpace(s, end); after < len(s) {
		switch c := s[after]; {
		case c == '%':
			return Mention{}, j, false
		case j == afterAmount && (c == ':' || c == '/' || c == '.' || c == ',') && isDigit(runeAt(s, after+1)):
			return Mention{}, g.skipTo(j, skipNumberish(s, end)), false
		}
	}
	// currency before: "€3,000", "EUR 1500", "US$ 500", "€1,500 – €2,000"
	first := k
	if k-1 >= minTok && t.adj && tk[k-1].kind == tokPhrase {
		if ph := g.phr[tk[k-1].pid]; ph.has(roleCurrency) && ph.curBefore && (cur == "" || weak || cur == ph.cur) {
			cur, weak = ph.cur, false
			first = k - 1
		}
	}
	confirmed := cur != "" && !weak
	if cur == "" && implied != "" {
		cur = implied
		confirmed = true
	}
	// "from 800 to 1200", "do 3000 eura"
	upTo := false
	if first-1 >= minTok && tk[first].adj && tk[first-1].kind == tokPhrase {
		if ph := g.phr[tk[first-1].pid]; isRange && ph.has(roleRangeFrom) {
			first--
		} else if !isRange && ph.has(roleUpTo) {
			first--
			upTo = true
		}
	}
	ctx, ctxPeriod, cost := g.contextBefore(first, minTok)
	// working time right after: "$300 a day for 2 hours", "300 for 2 hours", "za 10 dana",
	// "Ημερομίσθιο 48€ για 6,5 ώρες" (a day's pay for 6.5 hours)
	var work WorkTime
	count := 0.0
	forPeriod := false
	if v, unit, per, e, ok := g.forHoursAt(j); ok {
		stated := period
		if stated == "" {
			stated = ctxPeriod
		}
		if w, ok := workTime(v, unit, per); ok {
			work, j = w, e
		} else if per == "" {
			switch {
			case stated == "" && (unit == "hour" || unit == "day"):
				period, count, forPeriod, j = unit, v, true, e
			case unit == "hour" && stated == "day":
				if w, ok := workTime(v, "hour", "day"); ok {
					work, j = w, e
				}
			case unit == "hour" && stated == "week":
				if w, ok := workTime(v, "hour", "week"); ok {
					work, j = w, e
				}
			}
		}
	}
	// a bare amount followed by a word that is no part of a pay phrase is a count
	// ("3 workers", "18 godina", "8 hours"): no need to look for context
	if cur == "" && period == "" && g.countFollows(afterAmount) {
		return Mention{}, afterAmount, false
	}
	if g.o.Stated {
		ctx = true
	}
	if period == "" && ctxPeriod != "" {
		period = ctxPeriod
	}
	if period != "" && !forPeriod || ctx {
		confirmed = true
	}
	switch {
	case cur != "" && !weak:
	case cur != "" && weak && confirmed:
	case cur == "" && ctx:
		// a bare amount after a context word: the next word must not make it a count
		// ("salary ... 3 workers", "plata 18 godina")
		if period == "" && g.countFollows(afterAmount) {
			return Mention{}, j, false
		}
		if n1.yearLike && !isRange && period == "" && mult1 == 1 {
			return Mention{}, j, false
		}
		if n1.spaced && n1.groups > 2 || n1.leadZero || n1.digits > 9 || n1.frac > 2 {
			return Mention{}, j, false
		}
		// "call 555-0134", "617 555 0199": the digits go on like a phone number's
		if !isRange {
			if e := skipPhone(s, int(t.start)); e > int(t.end) && digitCount(s[t.start:e]) >= 7 {
				return Mention{}, g.skipTo(j, e), false
			}
		}
	default:
		return Mention{}, afterAmount, false
	}
	if n1.leadZero || n1.digits > maxDigits || !(lo > 0) || math.IsInf(hi, 0) || math.IsNaN(hi) {
		return Mention{}, j, false
	}
	// the period a little further on: "$950 — paid every week"
	if period == "" {
		if per, e := g.windowPeriod(j); per != "" {
			period, j = per, e
			if v, unit, per2, e2, ok := g.forHoursAt(j); ok && unit == "hour" {
				if per2 == "" {
					per2 = period
				}
				if w, ok := workTime(v, unit, per2); ok {
					work, j = w, e2
				}
			}
		}
	}
	if !cost && g.costAfter(j) {
		cost = true
	}
	if upTo {
		lo = hi
	}
	start, stop := int(tk[first].start), int(tk[j-1].end)
	m := Mention{Start: start, End: stop, Text: s[start:stop], Amount: lo, AmountMax: hi,
		Currency: cur, Period: period, UpTo: upTo, PeriodCount: count, Work: work, Cost: cost}
	// "3.200 €/Monat netto": a qualifier may also follow the period.
	m.Net = net || g.ph(j, roleNet) != nil
	return m, j, true
}

// amountWordsAt reads an amount in words at token k: "six figures", "a six-figure salary",
// "sechsstelliges Gehalt", with a currency before or after it when there is one.
func (g *gram) amountWordsAt(k, minTok int) (Mention, int, bool) {
	tk := g.tk
	ph := g.phr[tk[k].pid]
	first, j := k, k+1
	cur := ""
	if k-1 >= minTok && tk[k].adj && tk[k-1].kind == tokPhrase && g.phr[tk[k-1].pid].has(roleCurrency) && g.phr[tk[k-1].pid].curBefore {
		cur, first = g.phr[tk[k-1].pid].cur, k-1
	}
	if c := g.ph(j, roleCurrency); c != nil && !c.weak && cur == "" {
		cur = c.cur
		j++
	}
	period := ph.amountPer
	if period == "" {
		// A number in words ("hiljadu evra", "дві тисячі доларів на місяць") is money only
		// with its currency; its period may follow.
		if cur == "" {
			return Mention{}, k + 1, false
		}
		period, j = g.periodAt(j)
	}
	// "six figures" is a statement about money: it needs no context word
	_, _, cost := g.contextBefore(first, minTok)
	start, stop := int(tk[first].start), int(tk[j-1].end)
	return Mention{Start: start, End: stop, Text: g.s[start:stop], Amount: ph.amount, AmountMax: ph.amount,
		Currency: cur, Period: period, Cost: cost}, j, true
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

func digitCount(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
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
