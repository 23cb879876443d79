package pay

import (
	"math"
	"math/bits"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The tokenizer reads a text once, front to back, and turns it into the few tokens a pay
// statement is made of: numbers, lexicon phrases (currencies, periods, context words, range
// words, ...) and slashes. Words that are no phrase are only counted; the grammar in pay.go
// then works on the tokens alone, looking at most a few tokens back or ahead.
//
// A pay statement is built around a number, and every phrase that matters stands within
// hotBefore bytes before a number or hotAfter bytes after the chain of phrases that follows
// one. A look-ahead cursor, moving forward only, finds the next digit (eight bytes at a time);
// the text further from any number than that ("cold") is stepped over looking only for
// amounts in words ("six figures") after spaces, eight bytes at a time. Near a number each word
// is hashed once as it is stepped over (lexicon.wordAt) and looked up by that hash. Each byte
// is read a bounded number of times (by the look-ahead cursor, by the tokenizer, and by the
// comparison that confirms a phrase found by its hash), and the reading never goes back.

type tokKind uint8

const (
	tokNum    tokKind = iota + 1 // a number that can be an amount
	tokBad                       // digits that are no amount: phones, dates, ids, "A4"
	tokPhrase                    // a lexicon phrase
	tokSlash                     // "/" (before a period unit: "€10/h")
)

// token is one element of a pay statement.
// token holds no pointer, so that the garbage collector need not scan the tokens.
type token struct {
	pid      int32 // tokPhrase: the phrase's id in lexicon.list
	start    int32 // byte offsets in the text
	end      int32
	clause   int32 // sentence or clause number: "\n", "!", "?", ";", "•", "|" and ". X" end one
	comma    int32 // commas before the token
	words    int32 // words (runs of letters) before the token, counted near numbers only
	wordsEnd int32 // words up to the end of the token
	num      int32 // tokNum: index of the number in the numbers read
	kind     tokKind
	adj      bool // only up to maxSpaceSkip spaces since the previous token
	ctx      bool // tokNum: a pay context word stands shortly before, in the same clause
}

// tokens is the result of a pass: the tokens and the numbers they refer to.
type tokens struct {
	tk   []token
	nums []number
}

// Reach of the phrases around a number: a context word ends at most contextWindow bytes
// before the first token of a mention (which may be a currency or "up to" a few bytes before
// the number), and the period window reaches periodWindow bytes after its last token.
const (
	hotBefore = contextWindow + 16
	hotAfter  = periodWindow + 8
)

// nearDigit is how far before a digit a phrase may begin and still be part of its amount
// ("and up to US$ 5,000"); further away only context, cost and period words count.
const nearDigit = 24

const allRoles = 1<<16 - 1

// payRoles make a chain of phrases after a number look like pay.
const payRoles = roleCurrency | roleMult | rolePeriod | roleUnit | roleRangeTo | roleQualifier | roleWorkFor

var tokenPool = sync.Pool{New: func() any { return &tokens{tk: make([]token, 0, 64), nums: make([]number, 0, 16)} }}

// ASCII byte classes for the tokenizer.
const (
	clsOther  uint8 = iota
	clsSpace        // ' ', '\t'
	clsLetter       // a-z, A-Z
	clsDigit        // 0-9
	clsBreak        // '\n', '!', '?', ';', '|'
	clsDot          // '.'
	clsComma        // ','
	clsSlash        // '/'
	clsHigh         // a byte of a multi-byte rune
)

var asciiClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		switch {
		case c >= 0x80:
			t[c] = clsHigh
		case c == ' ' || c == '\t':
			t[c] = clsSpace
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
			t[c] = clsLetter
		case '0' <= c && c <= '9':
			t[c] = clsDigit
		case c == '\n' || c == '!' || c == '?' || c == ';' || c == '|':
			t[c] = clsBreak
		case c == '.':
			t[c] = clsDot
		case c == ',':
			t[c] = clsComma
		case c == '/':
			t[c] = clsSlash
		}
	}
	return t
}()

// tokenizer is the state of one pass over a text.
type tokenizer struct {
	p          *Parser
	lx         *lexicon
	s          string
	tk         []token
	nums       []number
	i          int
	clause     int32
	comma      int32
	words      int32
	spaces     int  // spaces since the previous token
	adj        bool // nothing but spaces since the previous token
	prevLetter bool // the rune before i is a letter
	chain      bool // the tokens since the last number follow each other closely
	payish     bool // and the chain may be pay: a context word before it, or a currency, period, range... in it
	stated     bool // Options.Stated: the whole text is near a number
	hotUntil   int  // the text before this offset is near a number
	nextDigit  int  // offset of the next digit at or after i (look-ahead cursor)
	ctxAt      int  // start of the last context word since the last number, -1 when none
	ctxClause  int32
	g          gram // the grammar reading the tokens
	noFlush    bool // keep all tokens (tokenize)
	flushAt    int  // hand tokens to the grammar when this many are waiting
}

// Tokens are handed to the grammar in chunks, so that a text of any length needs a small
// buffer: when flushAt tokens are waiting, the grammar reads those that end more than
// lookAhead bytes before the tokenizer's position (everything it looks at after a token lies
// within that: a dozen phrases close to each other and the period window), and all but the
// keepBack tokens before the next one to read are dropped (the grammar looks back over
// contextWindow bytes at most, which hold fewer tokens).
const (
	flushAt         = 256
	lookAhead       = 1024
	keepBack        = 64
	maxPooledTokens = 16 * flushAt
)

// tokenize returns the tokens of s, read in one pass (for tests and measures).
func (p *Parser) tokenize(s string, t *tokens, o Options) {
	z := tokenizer{p: p, lx: p.lx.all, s: s, tk: t.tk, nums: t.nums, adj: true, nextDigit: -1, ctxAt: -1, stated: o.Stated, noFlush: true}
	z.run()
	t.tk, t.nums = z.tk, z.nums
}

// run reads the text once, front to back, handing the tokens to the grammar as it goes.
func (z *tokenizer) run() {
	s := z.s
	for z.i < len(s) {
		if z.i >= z.hotUntil && !z.stated {
			if z.nextDigit < z.i {
				z.nextDigit = nextDigit(s, z.i)
			}
			if coldEnd := z.nextDigit - hotBefore; z.i < coldEnd {
				z.cold(min(coldEnd, len(s)))
				continue
			}
		}
		z.step()
		if len(z.tk) >= z.flushAt && !z.noFlush {
			z.flush(z.i - lookAhead)
			// the tokens still waiting lie within lookAhead bytes: the next flush comes after
			// flushAt more, so each token is moved a bounded number of times
			z.flushAt = len(z.tk) + flushAt
		}
	}
}

// flush lets the grammar read the tokens that start before byte limit, then drops the tokens
// it will not look at again.
func (z *tokenizer) flush(limit int) {
	g := &z.g
	g.tk, g.nums = z.tk, z.nums
	g.parse(limit)
	drop := g.k - keepBack
	if drop <= 0 || limit > len(z.s) {
		return
	}
	z.tk = z.tk[:copy(z.tk, z.tk[drop:])]
	g.k -= drop
	g.minTok = max(g.minTok-drop, 0)
	// the numbers still referred to are those of the tokens kept
	first := len(z.nums)
	for i := range z.tk {
		if z.tk[i].kind == tokNum {
			first = int(z.tk[i].num)
			break
		}
	}
	if first > 0 {
		z.nums = z.nums[:copy(z.nums, z.nums[first:])]
		for i := range z.tk {
			if z.tk[i].kind == tokNum {
				z.tk[i].num -= int32(first)
			}
		}
	}
}

// nextDigit returns the offset of the first ASCII digit at or after i, or a value far past
// the end when there is none.
func nextDigit(s string, i int) int {
	// eight bytes at a time: a byte of x^'0' below 10 is a digit
	const highs, zeros, tens = 0x8080808080808080, 0x3030303030303030, 0x0a0a0a0a0a0a0a0a
	for ; i+8 <= len(s); i += 8 {
		b := s[i : i+8]
		x := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
		x ^= zeros
		if (x-tens)&^x&highs != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c <= '9' && c >= '0' {
			return i
		}
	}
	return len(s) + hotBefore + 1
}

// cold steps over s[z.i:end], far from any number, looking only for amounts in words. It
// stops early after emitting one.
func (z *tokenizer) cold(end int) {
	s, lx := z.s, z.lx
	i := z.i
	// Clauses, commas and words need no counting here: tokens are only compared with tokens
	// near the same number. Amounts in words begin after a space or a sign.
	if i < end && !isLetterRune(runeBefore(s, i)) && z.coldAmountAt(i) {
		return
	}
	// An amount in words far from numbers is looked for after each space or line break, eight
	// bytes at a time: the bytes below '!' of a word of eight are found at once.
	sub := s[:end]
	for ; i+8 <= len(sub); i += 8 {
		b := sub[i : i+8]
		x := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
		for m := (x - 0x2121212121212121) &^ x & 0x8080808080808080; m != 0; m &= m - 1 {
			p := i + bits.TrailingZeros64(m)/8 + 1
			if p+1 < len(s) && lx.amountStart(s[p], s[p+1]) && z.coldAmountAt(p) {
				return
			}
		}
	}
	for i < len(sub) {
		c := sub[i]
		i++
		if c <= ' ' && i+1 < len(s) && lx.amountStart(s[i], s[i+1]) && z.coldAmountAt(i) {
			return
		}
	}
	// entering the text near a number, maybe inside a word
	z.i, z.adj = end, false
	z.prevLetter = isLetterRune(runeBefore(s, end))
}

// coldAmountAt emits an amount in words starting at i, if there is one.
func (z *tokenizer) coldAmountAt(i int) bool {
	if i+1 >= len(z.s) || !z.lx.amountStart(z.s[i], z.s[i+1]) {
		return false
	}
	_, ph, end := z.lx.wordAt(z.s, i, roleAmount)
	if ph == nil || !ph.has(roleAmount) {
		return false
	}
	z.i, z.adj, z.prevLetter = i, false, false
	z.i = z.emitPhrase(i, end, ph)
	return true
}

// step reads one element of the text at z.i near a number.
func (z *tokenizer) step() {
	s, lx, i := z.s, z.lx, z.i
	c := s[i]
	cls := asciiClass[c]
	var r rune
	w := 1
	if cls == clsHigh {
		r, w = utf8.DecodeRuneInString(s[i:])
		switch {
		case isSpaceRune(r):
			cls = clsSpace
		case isLetterRune(r):
			cls = clsLetter
		case r == '•':
			cls = clsBreak
		}
	} else {
		r = rune(c)
	}
	switch cls {
	case clsSpace:
		z.spaces++
		z.i += w
		z.prevLetter = false
		return
	case clsDigit:
		// "6 figures": a digit, a space or dash, then letters
		if lx.firstByte[c] && !z.prevLetter && i+2 < len(s) && asciiClass[s[i+2]] == clsLetter {
			if ph, end := lx.symAt(s, i); ph != nil && ph.has(roleAmount) {
				z.i = z.emitPhrase(i, end, ph)
				z.prevLetter = false
				return
			}
		}
		z.i = z.emitNumber(i)
		z.prevLetter = false
		return
	case clsLetter:
		if z.prevLetter {
			z.i += w
			return
		}
		// Far from the next number and after no chain, only words of context, cost and period
		// matter: range words, currencies, "for" and "up to" stand right next to an amount.
		mask := role(allRoles)
		if z.nextDigit < i {
			z.nextDigit = nextDigit(s, i)
		}
		if !z.chain && z.nextDigit-i > nearDigit && !z.stated {
			mask = roleContext | roleCost | roleAmount | rolePeriod | rolePayout
		}
		wordEnd, ph, end := lx.wordAt(s, i, mask)
		if ph != nil {
			z.i = z.emitPhrase(i, end, ph)
			z.prevLetter = isLetterRune(runeBefore(s, z.i))
			return
		}
		// not a phrase: step over the word and the spaces after it
		z.words++
		z.adj = false
		z.i = wordEnd
		z.prevLetter = true
		for z.i < len(s) && s[z.i] == ' ' {
			z.i++
			z.spaces++
			z.prevLetter = false
		}
		return
	}
	z.prevLetter = false
	if lx.firstByte[c] {
		if ph, end := lx.symAt(s, i); ph != nil {
			z.i = z.emitPhrase(i, end, ph)
			z.prevLetter = isLetterRune(runeBefore(s, z.i))
			return
		}
	}
	switch cls {
	case clsSlash:
		z.emit(tokSlash, i, i+1, nil, 0)
		z.i++
		return
	case clsBreak:
		z.clause++
	case clsDot:
		// a sentence ends at ". X"; not at "approx. 3000"
		if j := i + 1; j < len(s) && isSpaceRune(runeAt(s, j)) && unicode.IsUpper(runeAt(s, skipSpace(s, j))) {
			z.clause++
		}
	case clsComma:
		z.comma++
	}
	z.adj = false
	z.i += w
}

// emit appends t. A number starts a chain of tokens that follow each other closely; the text
// hotAfter bytes past the chain stays near the number.
func (z *tokenizer) emit(kind tokKind, start, end int, ph *phrase, words int32) {
	var pid int32
	if ph != nil {
		pid = ph.id
	}
	z.tk = append(z.tk, token{kind: kind, pid: pid, start: int32(start), end: int32(end),
		clause: z.clause, comma: z.comma, adj: z.adj && z.spaces <= maxSpaceSkip})
	t := &z.tk[len(z.tk)-1]
	if kind == tokPhrase {
		t.words = words
		z.words += int32(ph.nwords)
		t.wordsEnd = z.words
	} else {
		t.words, t.wordsEnd = z.words, z.words
	}
	switch {
	case kind == tokNum || kind == tokBad:
		t.ctx = z.ctxAt >= 0 && z.ctxClause == t.clause && start-z.ctxAt <= hotBefore
		z.ctxAt = -1 // a context word does not reach across a number
	case kind == tokPhrase && ph.roles&roleContext != 0:
		z.ctxAt, z.ctxClause = start, t.clause
	}
	// The text after a number stays near it while phrases follow it closely (the chain), and
	// for hotAfter bytes past a chain that may be pay, where the pay's period may still come
	// ("$950 — paid every week") or a cost word.
	switch {
	case kind == tokNum:
		z.chain = true
		n := len(z.tk) - 1
		z.payish = t.ctx || n > 0 && t.adj && z.tk[n-1].kind == tokPhrase && z.lx.list[z.tk[n-1].pid].roles&(roleCurrency|roleUpTo|roleRangeFrom) != 0
	case kind == tokPhrase && ph.roles&roleAmount != 0:
		z.chain, z.payish = true, true
	case !t.adj || kind == tokBad:
		z.chain = false
	case kind == tokSlash || ph.roles&payRoles != 0:
		z.payish = true
	}
	if z.chain {
		ext := 3*maxSpaceSkip + 1 // room for the spaces before the next phrase
		if z.payish {
			ext = hotAfter
		}
		z.hotUntil = max(z.hotUntil, end+ext)
	}
	z.adj, z.spaces = true, 0
}

// emitPhrase emits the phrase ph found at s[i:end] and returns where to go on.
func (z *tokenizer) emitPhrase(i, end int, ph *phrase) int {
	s := z.s
	if ph.prefix {
		// "salar*" in "salary": the token runs to the end of the word
		for end < len(s) {
			r, w := rune(s[end]), 1
			if r >= utf8.RuneSelf {
				r, w = utf8.DecodeRuneInString(s[end:])
			}
			if !isLetterRune(r) {
				break
			}
			end += w
		}
	}
	z.emit(tokPhrase, i, end, ph, z.words)
	return end
}

// emitNumber reads the number at s[i] and emits it as an amount or, when it cannot be one
// (phone, date, reference glued to letters), as a bad number covering the whole run.
func (z *tokenizer) emitNumber(i int) int {
	s, tk, glued := z.s, z.tk, z.prevLetter
	c := s[i]
	prev := runeBefore(s, i)
	bad := func(end int) int {
		z.emit(tokBad, i, end, nil, 0)
		return end
	}
	switch {
	case prev == '+' || prev == '(' || c == '0' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
		return bad(skipPhone(s, i))
	case prev == '#' || prev == '_':
		return bad(skipNumberish(s, i))
	case glued:
		// glued to letters ("A4", "x2") unless they are a currency code ("EUR3000")
		if n := len(tk); n == 0 || tk[n-1].kind != tokPhrase || int(tk[n-1].end) != i || !z.lx.list[tk[n-1].pid].has(roleCurrency) || !z.lx.list[tk[n-1].pid].curBefore {
			return bad(skipNumberish(s, i))
		}
	case (prev == '/' || prev == ':' || prev == '.' || prev == ',') && isDigit(runeBefore(s, i-1)):
		return bad(skipNumberish(s, i))
	}
	n, ok := readNumber(s, i)
	if !ok {
		return bad(skipNumberish(s, i))
	}
	end := n.end
	if end+1 < len(s) && (s[end] == ',' || s[end] == '.') && s[end+1] == '-' && !(end+2 < len(s) && isDigit(rune(s[end+2]))) {
		end += 2 // "10,- €", "1.500,-" (no cents)
	}
	z.nums = append(z.nums, n)
	z.emit(tokNum, i, end, nil, 0)
	z.tk[len(z.tk)-1].num = int32(len(z.nums) - 1)
	return end
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
			_, w := utf8.DecodeRuneInString(s[i:])
			i += w
		}
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

// readNumber parses the numeric literal starting at byte i: "3000", "3.000", "3,000",
// "3 000", "2.500,50", "1,5", "1.5". Dates ("12.05.2025") and other odd groupings fail.
func readNumber(s string, i int) (number, bool) {
	var n number
	j := i
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	first := j - i
	n.digits = int16(min(first, maxDigits+1))
	n.leadZero = first > 1 && s[i] == '0'
	var seps [2]byte // first and last separator kinds
	nsep := 0
	lastLen := 0
	sameSep := true
	innerOK := true // all groups after the first, except the last, have 3 digits
	ng := 0
	for j < len(s) && ng < 64 {
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
		ng++
		nsep++
		lastLen = gl
		n.digits += int16(min(gl, maxDigits+1))
		if sep == ' ' {
			n.spaced = true
		}
		j = g
	}
	n.end = j
	n.groups = int16(nsep + 1)
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
			if first > 3 || first == 0 || !innerOK {
				return n, false
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
		n.frac = int16(lastLen)
		return n, true
	}
	// thousands grouping: first group 1-3 digits, all others 3, one separator kind
	if first > 3 || !innerOK || lastLen != 3 || !sameSep && !(seps[0] == ' ' || seps[1] == ' ') {
		return n, false
	}
	n.value = digitsOf(i, j)
	return n, true
}

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
	r, w := utf8.DecodeRuneInString(s[j:])
	switch r {
	case '\u00a0', '\u202f', '\u2009':
		return ' ', w
	case '\u2019':
		return '\'', w
	}
	return 0, 0
}
