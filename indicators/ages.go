package indicators

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Stated ages. Each digit run is read once, left to right, with the words
// a few bytes around it (every look is bounded, so the work is linear in
// the text). A two-digit number from 14 to 69 is an age when
//
//   - a unit follows it: "21yrs", "21 y/o", "26/y", "20 yes old",
//     "27 years of age", "19 anni", "22 de ani";
//   - a label precedes it: "age 23", "Age: 23", "age(23)", "About me 29";
//   - a person cue precedes it, perhaps with a gap word or a name:
//     "I'm 22", "I’m only 19", "she is 22", "just turned 20", "ich bin
//     Lena, 19", "мне 19";
//   - it stands as its own item of a stats line: "5'6, 125lbs, 23",
//     "32B, 24", "NIKA HERE 20\n5'7";
//   - it follows a name in a list of names and ages: "Dina 22, Sara 24",
//     "Nicole (21), Vanessa (22)";
//   - it follows a name and precedes an emoji: "Lola 20 ✈️", or ends a
//     title after a separator: "Alina - 19".
//
// A list or range of numbers shares the unit or cue: "20,22,25 ys old",
// "18-35 years", "Age 25-29", "de 18 a 25 años" (every number reported).
// Not ages: numbers glued to other letters or digits (cup sizes "34DD",
// measurements "36D-24-36", "36D 22 33", times, dates, prices "2OO",
// "24/7", phones, handles), numbers followed by a time, distance, price
// or count ("24 hrs", "30 min", "80 roses", "30 happy clients" after
// "over"), limits ("25+", "40's", "35 and older", "at least 18",
// "under 21"), durations ("for 20 years", "20 years experience").

const (
	ageMin, ageMax   = 14, 69 // any cue
	weakMin, weakMax = 16, 59 // stats lines, name lists, name + emoji
	maxGroup         = 8      // numbers in one list or range
	// maxAges is the most ages read from one text: a listing that states
	// more is a list or a soup, and reading on would only cost time.
	maxAges   = 64
	itemBytes = 80 // how far a stats item or name pair may reach
)

// Age is a stated age with where it was found.
type Age struct {
	Value      int
	Start, End int
	Note       string // what was read: "≈ 21 years old"
}

// Ages finds stated ages in text (title: the listing's title, where a
// trailing "- 19" is the poster's age). Cue words of every language apply.
func (c *EntityCues) Ages(text string, title bool) []Age {
	return c.AgesIn(text, "", title, nil)
}

// AgesIn is Ages for a text in language lang (cue words that are not cues
// in lang are ignored), skipping numbers inside the skip spans (contacts).
func (c *EntityCues) AgesIn(text, lang string, title bool, skip [][2]int) []Age {
	r := ageReader{c: &c.ages, s: text, title: title, skip: skip, notIn: c.ages.notIn[lang]}
	for i := 0; i < len(text) && len(r.out) < maxAges; {
		if !isDigit(text[i]) {
			i++
			continue
		}
		i = r.group(i)
	}
	return r.out
}

// ageReader reads the ages of one text.
type ageReader struct {
	c     *ageCues
	s     string
	title bool
	skip  [][2]int
	notIn map[string]bool
	out   []Age

	fwdKeys, backKeys [4]wordKey
	nKeys             int
}

// num is one number of a group: digits s[start:end], value v.
type num struct {
	start, end, v int
}

func (r *ageReader) add(v, start, end int, how string) {
	note := "≈ " + strconv.Itoa(v) + " years old"
	if how != "" {
		note += " (" + how + ")"
	}
	r.out = append(r.out, Age{Value: v, Start: start, End: end, Note: note})
}

func (r *ageReader) skipped(i int) bool {
	for _, sp := range r.skip {
		if i >= sp[0] && i < sp[1] {
			return true
		}
	}
	return false
}

// group reads the digit run at i with the numbers joined to it and returns
// where reading goes on.
func (r *ageReader) group(i int) int {
	s := r.s
	j := digitsEnd(s, i)
	if v := atoi(s[i:j]); j-i != 2 || v < ageMin || v > ageMax || r.skipped(i) {
		// Prices, phones, years, times: no age starts here. Skip what is
		// glued to it ("555-0134"); a list after a comma is read on its own.
		return r.skipJoined(j)
	}
	// A run continuing another (555-0134, 36D-24, 12:30, 1.5, +90 555) or
	// glued to letters before it (TINA34, kitty22) is no age, nor is
	// anything joined to it.
	if r.joinedBefore(i) {
		if unicode.IsLetter(lastRuneOf(s, i)) {
			return gluedEnd(s, j) // "kitty22": only the glued word
		}
		return r.skipJoined(j)
	}
	nums := []num{{i, j, atoi(s[i:j])}}
	tight := false     // joined without spaces or by spaces only: digits, not a list
	firstWord := false // the second number is joined by a word or a comma
	end := j
	for len(nums) <= maxGroup {
		k, sep := r.joinAfter(end)
		if k < 0 {
			break
		}
		e := digitsEnd(s, k)
		if sep == "" {
			tight = true
		} else if e-k != 2 || !r.plainNumber(e) {
			break // "22 and 100%": the list stops before
		}
		if len(nums) == 1 {
			firstWord = sep != ""
		}
		nums = append(nums, num{k, e, atoi(s[k:e])})
		end = e
	}
	if len(nums) > maxGroup {
		return r.skipJoined(end)
	}
	if tight && !firstWord {
		// 18-35 is a range; 34-24-36, 555 0134, 01/29/2012, 9:30 are not ages.
		if len(nums) != 2 || !r.rangeDash(nums[0].end, nums[1].start) {
			return r.skipJoined(end)
		}
	}
	if next, ok := r.decide(nums, end, tight); ok || len(nums) == 1 || !firstWord {
		return next
	}
	// "I'm 22 and 30 min away": the list is no age; the first number may be.
	next, _ := r.decide(nums[:1], nums[0].end, false)
	return next
}

// decide reads one number or a list of numbers ending at end as ages and
// returns where reading goes on and whether it found any.
func (r *ageReader) decide(nums []num, end int, tight bool) (int, bool) {
	s := r.s
	if tight && len(nums) > 2 {
		return end, false
	}
	for _, n := range nums {
		if n.end-n.start != 2 || n.v < ageMin || n.v > ageMax || r.skipped(n.start) {
			return end, false
		}
	}
	if len(nums) > 1 && nums[0].v >= nums[len(nums)-1].v && r.isRange(nums) {
		return end, false // "30-20": not a range of ages
	}
	first, last := nums[0], nums[len(nums)-1]
	// Glued letters after the last number: a unit ("21yrs", "26/y") or no age.
	uEnd, glued := r.unitAfter(last.end)
	if glued && uEnd < 0 {
		return gluedEnd(s, last.end), false
	}
	if uEnd >= 0 {
		if r.limitBefore(first.start) || r.limitAfter(last.end, uEnd) || r.notFollowed(uEnd, false) ||
			(len(nums) == 1 && r.singleBefore(first.start)) {
			return uEnd, false
		}
		for _, n := range nums {
			r.add(n.v, n.start, uEnd, "")
		}
		return uEnd, true
	}
	// No unit: a cue first (most numbers have none, and looking for one is
	// cheaper than ruling out limits, times, prices and counts).
	start, stop, how, label := r.cue(nums)
	if start < 0 {
		return end, false
	}
	if r.notFollowed(end, true) || r.limitBefore(first.start) || r.limitAfter(last.end, -1) ||
		(!label && len(nums) == 1 && r.singleBefore(first.start)) {
		return end, false
	}
	if len(nums) == 1 {
		r.add(first.v, start, stop, how)
		return max(end, stop), true
	}
	for _, n := range nums {
		r.add(n.v, start, n.end, how)
	}
	return end, true
}

// cue finds what makes a number without a unit an age: a label, a person
// cue, a name before it in a list, a stats line, a name and an emoji, the
// end of a title. It returns the evidence's start (-1: none) and end for
// a single number, a note, and whether the cue is a label.
func (r *ageReader) cue(nums []num) (start, stop int, how string, label bool) {
	s := r.s
	first := nums[0]
	if cs, ok := r.labelBefore(first.start); ok {
		e := first.end
		if len(nums) == 1 && e < len(s) && s[e] == ')' && strings.Contains(s[cs:first.start], "(") {
			e++ // "age(23)"
		}
		return cs, e, "", true
	}
	if cs, ok := r.personBefore(first.start); ok {
		return cs, first.end, "", false
	}
	if len(nums) > 1 || first.v < weakMin || first.v > weakMax {
		if len(nums) == 1 && r.titleEnd(first) {
			return first.start, first.end, "", false
		}
		return -1, 0, "", false
	}
	if st, en, ok := r.namePair(first); ok {
		return st, en, "name and age", false
	}
	if st, en, ok := r.statsItem(first); ok {
		return st, en, "stats line", false
	}
	if st, ok := r.nameSymbol(first); ok {
		return st, first.end, "", false
	}
	if r.titleEnd(first) {
		return first.start, first.end, "", false
	}
	return -1, 0, "", false
}

// titleEnd: a title ending in "- 19", ", 19", "| 19", "! 19" or an emoji
// and the number.
func (r *ageReader) titleEnd(n num) bool {
	if !r.title {
		return false
	}
	s := r.s
	if strings.TrimSpace(s[n.end:]) != "" {
		return false
	}
	pre := strings.TrimRightFunc(s[:n.start], unicode.IsSpace)
	last, _ := utf8.DecodeLastRuneInString(pre)
	return last == '-' || last == ',' || last == '–' || last == '—' || last == '|' || last == '!' || unicode.Is(unicode.So, last)
}

// joinedBefore: the run at i continues digits or a glued word before it.
func (r *ageReader) joinedBefore(i int) bool {
	s := r.s
	if i == 0 {
		return false
	}
	p, c := lastRune(s, i)
	switch {
	case unicode.IsLetter(c):
		// "age22" is the one glued word allowed.
		ws := wordBack(s, i)
		if _, ok := r.back(&r.c.labels, i); ok {
			return false
		}
		_ = ws
		return true
	case strings.ContainsRune("$€£¥₽#@_%=&+\\", c):
		return true
	case strings.ContainsRune(".:/-–,()", c):
		// 1.5, 12:30, 01/29, 555-0134, 1,000: digits before the mark; also
		// "36D-24" (a cup and its measurements).
		if p == 0 {
			return false
		}
		_, b := lastRune(s, p)
		if isDigitRune(b) {
			return c != ',' && c != '(' // "20,22" is a list read from its first number
		}
		if unicode.IsLetter(b) && (c == '-' || c == '/') {
			// "36D-24": a letter glued to digits before the mark
			ws := wordBack(s, p)
			if ws > 0 && isDigit(s[ws-1]) {
				return true
			}
		}
		if c == '-' || c == '–' {
			// "0801 - 24": a spaced dash after digits
			q := spaceBack(s, p, 2)
			if q < p && q > 0 {
				_, d := lastRune(s, q)
				return isDigitRune(d)
			}
		}
		return false
	case c == ' ' || c == '\u00a0':
		// "476 54": digits one space before (a phone or a measurement), or
		// "36D 22": a cup size right before; not when a unit follows
		// ("…0134 19yrs").
		if u, _ := r.unitAfter(digitsEnd(s, i)); u >= 0 {
			return false
		}
		q := spaceBack(s, i, 1)
		if q == 0 || q == i {
			return false
		}
		_, d := lastRune(s, q)
		if isDigitRune(d) {
			return true
		}
		if unicode.IsLetter(d) {
			ws := wordBack(s, q)
			if ws > 0 && isDigit(s[ws-1]) && isCup(s[ws:q]) {
				return true
			}
		}
	}
	return false
}

// skipJoined returns where reading goes on after a rejected group: past
// every digit, letter or joining mark glued to it, so "34-24-36" is not
// read again from its middle.
func (r *ageReader) skipJoined(i int) int {
	s := r.s
	for i < len(s) {
		c := s[i]
		if isDigit(c) || c == '-' || c == '.' || c == '/' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') {
			i++
			continue
		}
		break
	}
	return i
}

// joinAfter finds the next number joined to the digits ending at e: tight
// ("" sep: "-", ".", ":", "/", ")" without spaces, or a single space
// before a plain number) or by a list or range word (", ", " and ", " to ",
// " - "). It returns the next number's start, or -1.
func (r *ageReader) joinAfter(e int) (int, string) {
	s := r.s
	if e >= len(s) {
		return -1, ""
	}
	c := s[e]
	if (c == '-' || c == '.' || c == ':' || c == '/' || c == ')') && e+1 < len(s) && isDigit(s[e+1]) {
		return e + 1, ""
	}
	if strings.HasPrefix(s[e:], "–") && e+3 < len(s) && isDigit(s[e+3]) {
		return e + 3, ""
	}
	if c == ',' && e+1 < len(s) && isDigit(s[e+1]) {
		return e + 1, ","
	}
	p := skipSpaces(s, e, 3)
	if p < len(s) && isDigit(s[p]) && p > e && !strings.ContainsAny(s[e:p], "\n\r") {
		q := digitsEnd(s, p)
		if u, _ := r.unitAfter(q); u < 0 && r.plainNumber(q) {
			return p, "" // "476 54", "22 33": numbers side by side
		}
		return -1, "" // "…0134 19yrs": the next number has its own unit
	}
	// A list or range word.
	if p < len(s) && (s[p] == ',' || s[p] == '&' || s[p] == '/' || s[p] == '+') {
		if s[p] == '/' || s[p] == '+' {
			return -1, ""
		}
		q := skipSpaces(s, p+1, 3)
		if q < len(s) && isDigit(s[q]) {
			return q, s[p : p+1]
		}
		// "20, and 22"
		if k, ok := r.fwd(&r.c.join, q); ok {
			q2 := skipSpaces(s, k, 3)
			if q2 < len(s) && isDigit(s[q2]) && q2 > k {
				return q2, s[q:k]
			}
		}
		return -1, ""
	}
	if k, ok := r.fwd(&r.c.join, p); ok {
		q := skipSpaces(s, k, 3)
		if q < len(s) && isDigit(s[q]) && (q > k || !isLetterAt(s, k-1)) {
			return q, s[p:k]
		}
	}
	return -1, ""
}

// plainNumber: the digits ending at e are not glued to a letter, a
// quote or a further mark ("5'6", "125lbs", "36D").
func (r *ageReader) plainNumber(e int) bool {
	if e >= len(r.s) {
		return true
	}
	_, c := firstRune(r.s, e)
	if unicode.IsLetter(c) {
		u, glued := r.unitAfter(e)
		return glued && u >= 0
	}
	return !strings.ContainsRune("'’\"″%°+$€£", c)
}

// rangeDash: the tight join between two numbers is a dash.
func (r *ageReader) rangeDash(a, b int) bool {
	m := r.s[a:b]
	return m == "-" || m == "–"
}

// isRange: the numbers are joined by a range word rather than listed.
func (r *ageReader) isRange(nums []num) bool {
	if len(nums) != 2 {
		return false
	}
	m := strings.TrimSpace(r.s[nums[0].end:nums[1].start])
	return m != "," && m != "&" && !strings.EqualFold(m, "and")
}

// unitAfter finds a unit after the digits ending at e: it returns the
// unit's end (or -1) and whether letters are glued to the digits.
func (r *ageReader) unitAfter(e int) (int, bool) {
	s := r.s
	if e >= len(s) {
		return -1, false
	}
	_, c := firstRune(s, e)
	glued := unicode.IsLetter(c) || c == '/'
	if glued {
		k1, ok1 := r.fwd(&r.c.glued, e)
		k2, ok2 := r.fwd(&r.c.units, e)
		if ok1 || ok2 {
			return r.unitTail(max(k1, k2)), true // the longer: "21y/o" over "21y"
		}
		return -1, unicode.IsLetter(c)
	}
	// Spaces or hyphens, then the unit: "21 yrs", "21-year-old".
	p := e
	for n := 0; p < len(s) && n < 3; n++ {
		if s[p] == ' ' || s[p] == '-' || s[p] == '\t' {
			p++
			continue
		}
		if q := spaceEnd(s, p); q > p {
			p = q
			continue
		}
		break
	}
	if p == e || p >= len(s) {
		return -1, false
	}
	if k, ok := r.fwd(&r.c.units, p); ok {
		return r.unitTail(k), false
	}
	return -1, false
}

// unitTail extends a unit over a following "old" ("21yrs old" where the
// list has "yrs") and a closing dot.
func (r *ageReader) unitTail(k int) int {
	s := r.s
	p := k
	for p < len(s) && (s[p] == ' ' || s[p] == '-') && p-k < 2 {
		p++
	}
	if p > k && p+3 <= len(s) && strings.EqualFold(s[p:p+3], "old") && !isLetterAt(s, p+3) {
		return p + 3
	}
	return k
}

// notFollowed: the word after position e shows a duration, time, price
// or count (bare: the number has no unit).
func (r *ageReader) notFollowed(e int, bare bool) bool {
	s := r.s
	p := skipSpaces(s, e, 3)
	if p < len(s) && (s[p] == '(' || s[p] == '-') {
		p = skipSpaces(s, p+1, 2)
	}
	if _, ok := r.fwd(&r.c.notAfter, p); ok {
		return true
	}
	// Two words further, the longer words: "20 years culminating experience".
	for n, q := 0, wordEnd(s, p); n < 2 && q > p; n++ {
		p = skipSpaces(s, q, 3)
		if p < len(s) && (s[p] == '-' || s[p] == ',') {
			break
		}
		q = wordEnd(s, p)
		if utf8.RuneCountInString(s[p:q]) < 4 {
			continue
		}
		if _, ok := r.fwd(&r.c.notAfter, p); ok {
			return true
		}
	}
	p = skipSpaces(s, e, 3)
	if bare {
		if _, ok := r.fwd(&r.c.bareNotAfter, p); ok {
			return true
		}
		if we, w, _ := r.word(p, false); we > p && r.c.months[w] {
			return true // "on 22 June"
		}
	}
	return false
}

// skipGapBack skips up to two gap words ("nearly", "a") before i.
func (r *ageReader) skipGapBack(i int) int {
	p := spaceBack(r.s, i, 3)
	for n := 0; n < 2; n++ {
		k, ok := r.back(&r.c.gap, p)
		if !ok {
			break
		}
		p = spaceBack(r.s, k, 3)
	}
	return p
}

// limitBefore: a limit word right before the number or its label, perhaps
// with gap words between ("over 30", "at least 18", "minimum age 18",
// "more than a 50").
func (r *ageReader) limitBefore(i int) bool {
	s := r.s
	if _, ok := r.back(&r.c.notBefore, spaceBack(s, i, 3)); ok {
		return true
	}
	p := r.skipGapBack(i)
	if _, ok := r.back(&r.c.notBefore, p); ok {
		return true
	}
	// before a label: "under the age: 18"
	if ls, ok := r.back(&r.c.labels, skipMarksBack(s, p)); ok {
		q := spaceBack(s, ls, 3)
		if _, ok := r.back(&r.c.notBefore, q); ok {
			return true
		}
	}
	return false
}

// singleBefore: a start, duration or count word right before a single
// number ("from 18", "for 20 years").
func (r *ageReader) singleBefore(i int) bool {
	if _, ok := r.back(&r.c.notBeforeSingle, spaceBack(r.s, i, 3)); ok {
		return true // "fino a 45" before "a" counts as a gap word
	}
	_, ok := r.back(&r.c.notBeforeSingle, r.skipGapBack(i))
	return ok
}

// limitAfter: "+", "'s", "s", "and older" after the number or its unit.
func (r *ageReader) limitAfter(e, uEnd int) bool {
	s := r.s
	if e < len(s) {
		switch {
		case s[e] == '+':
			return true
		case s[e] == 's' && !isLetterAt(s, e+1):
			return true // "40s"
		case s[e] == '\'' && e+1 < len(s) && (s[e+1] == 's' || s[e+1] == 'S'):
			return true
		case strings.HasPrefix(s[e:], "’s") || strings.HasPrefix(s[e:], "’S"):
			return true
		}
	}
	for _, p := range []int{e, uEnd} {
		if p < 0 {
			continue
		}
		q := skipSpaces(s, p, 3)
		if _, ok := r.fwd(&r.c.limitAfter, q); ok {
			return true
		}
	}
	return false
}

// labelBefore finds an age label before the number: "age 23", "Age: 23",
// "age(23)", "age is 23", "About me 29".
func (r *ageReader) labelBefore(i int) (int, bool) {
	s := r.s
	p := skipMarksBack(s, i)
	if k, ok := r.back(&r.c.labelGap, p); ok {
		if ls, ok := r.back(&r.c.labels, skipMarksBack(s, k)); ok {
			return ls, true
		}
	}
	return r.back(&r.c.labels, p)
}

// personBefore finds a person cue before the number, with up to two gap
// words or one capitalised name and a comma: "I'm 22", "I’m only 19",
// "ich bin Lena, 19".
func (r *ageReader) personBefore(i int) (int, bool) {
	s := r.s
	p := spaceBack(s, i, 3)
	if p == i && i > 0 {
		return 0, false // glued
	}
	for gaps := 0; gaps <= 2; gaps++ {
		if cs, ok := r.back(&r.c.person, p); ok {
			return cs, true
		}
		if gaps == 2 {
			break
		}
		if k, ok := r.back(&r.c.gap, p); ok {
			p = spaceBack(s, k, 3)
			continue
		}
		// a name, perhaps with a comma: "Lena, 19"
		q := p
		if q > 0 && s[q-1] == ',' {
			q = spaceBack(s, q-1, 3)
		}
		ws := wordBack(s, q)
		if ws == q || !r.isName(s[ws:q]) {
			return 0, false
		}
		p = spaceBack(s, ws, 3)
		gaps = 1 // a name takes the place of both gap words
	}
	return 0, false
}

// isName: a capitalised word that is not a month, a stats word or a
// common word of ads.
func (r *ageReader) isName(w string) bool {
	c, _ := utf8.DecodeRuneInString(w)
	if !unicode.IsUpper(c) || utf8.RuneCountInString(w) < 2 || utf8.RuneCountInString(w) > 20 {
		return false
	}
	lw := normWord(w)
	return !r.c.months[lw] && !r.c.stats[lw] && !r.c.notNames[lw]
}

// namePair reads "Name 22" (or "Name (22)", "Name, 22") next to another
// such pair: "Dina 22, Sara 24", "η Λένα 19 και η Κατερίνα 20".
func (r *ageReader) namePair(n num) (int, int, bool) {
	st, en, ok := r.pairAround(n.start, n.end)
	if !ok {
		return 0, 0, false
	}
	if r.pairNext(en) || r.pairPrev(st) {
		return st, en, true
	}
	return 0, 0, false
}

// pairAround checks the name before the digits s[a:b]; it returns the
// pair's start and end.
func (r *ageReader) pairAround(a, b int) (int, int, bool) {
	s := r.s
	p := a
	end := b
	if p > 0 && s[p-1] == '(' {
		if b >= len(s) || s[b] != ')' {
			return 0, 0, false
		}
		p--
		end = b + 1
	}
	q := spaceBack(s, p, 2)
	if q > 0 && s[q-1] == ',' {
		q = spaceBack(s, q-1, 2)
	}
	ws := wordBack(s, q)
	if ws == q || ws < a-itemBytes || !r.isName(s[ws:q]) {
		return 0, 0, false
	}
	if ws > 0 {
		_, c := lastRune(s, ws)
		if isDigitRune(c) {
			return 0, 0, false
		}
	}
	return ws, end, true
}

// pairNext: another "Name 22" follows the list mark or word after e.
func (r *ageReader) pairNext(e int) bool {
	s := r.s
	p := skipSpaces(s, e, 3)
	marked := false
	if p < len(s) && strings.ContainsRune(",;|&/•·\n", rune(s[p])) {
		p = skipSpaces(s, p+1, 3)
		marked = true
	}
	if k, ok := r.fwd(&r.c.join, p); ok {
		p = skipSpaces(s, k, 3)
		marked = true
	}
	if !marked {
		return false
	}
	// an article: "και η Κατερίνα"
	if we := wordEnd(s, p); we > p && we-p <= 6 {
		if c, _ := utf8.DecodeRuneInString(s[p:]); unicode.IsLower(c) {
			p = skipSpaces(s, we, 3)
		}
	}
	limit := min(len(s), p+itemBytes)
	we := wordEnd(s, p)
	if we == p || !r.isName(s[p:we]) {
		return false
	}
	q := skipSpaces(s, we, 2)
	if q < len(s) && s[q] == ',' {
		q = skipSpaces(s, q+1, 2)
	}
	if q < len(s) && s[q] == '(' {
		q++
	}
	if q >= limit || !isDigit(s[q]) {
		return false
	}
	d := digitsEnd(s, q)
	v := atoi(s[q:d])
	if d-q != 2 || v < weakMin || v > weakMax {
		return false
	}
	_, _, ok := r.pairAround(q, d)
	return ok
}

// pairPrev: another "Name 22" ends before the list mark before st.
func (r *ageReader) pairPrev(st int) bool {
	s := r.s
	p := spaceBack(s, st, 3)
	// an article before the name: "και η Κατερίνα"
	if ws := wordBack(s, p); ws < p && p-ws <= 6 {
		if c, _ := utf8.DecodeRuneInString(s[ws:]); unicode.IsLower(c) {
			if _, ok := r.back(&r.c.join, p); !ok {
				p = spaceBack(s, ws, 3)
			}
		}
	}
	marked := false
	if k, ok := r.back(&r.c.join, p); ok {
		p = spaceBack(s, k, 3)
		marked = true
	}
	if p > 0 && strings.ContainsRune(",;|&/•·\n", rune(s[p-1])) {
		p = spaceBack(s, p-1, 3)
		marked = true
	}
	if !marked {
		return false
	}
	if p > 0 && s[p-1] == ')' {
		p--
	}
	d := p
	for p > 0 && isDigit(s[p-1]) && d-p < 3 {
		p--
	}
	if d-p != 2 {
		return false
	}
	v := atoi(s[p:d])
	if v < weakMin || v > weakMax {
		return false
	}
	_, _, ok := r.pairAround(p, d)
	return ok
}

// statsItem reads a bare number that is its own item of a stats line
// ("5'6, 125lbs, 23", "with 32B, 24", "NIKA HERE 20\n5'7"): items are
// separated by list marks or line breaks, the number ends its item (after
// at most three leading words that are not stats words), a neighbouring
// item holds a height, weight or bust size, and no neighbour is itself a
// bare number (then the numbers are measurements: "36DD, 24, 36").
func (r *ageReader) statsItem(n num) (int, int, bool) {
	s := r.s
	// The item's end.
	p := skipBlanks(s, n.end)
	if p < len(s) && !isItemMark(s, p) {
		return 0, 0, false
	}
	// The item's start: at most three words before, none a stats word.
	q := blanksBack(s, n.start)
	words := 0
	for q > 0 && !isItemMarkBefore(s, q) && words < 4 {
		ws := wordBack(s, q)
		if ws == q {
			return 0, 0, false // a digit or a symbol
		}
		w := normWord(s[ws:q])
		if r.c.stats[w] || r.c.months[w] {
			return 0, 0, false
		}
		if _, ok := r.back(&r.c.notBefore, q); ok {
			return 0, 0, false
		}
		words++
		q = blanksBack(s, ws)
	}
	if words > 3 {
		return 0, 0, false
	}
	// Neighbours ("bare": a number ends the item before or opens the one
	// after, as in the measurements "36DD,26,38").
	prevStart, prevStats, prevBare := r.itemBefore(q)
	nextEnd, nextStats, nextBare := r.itemAfter(p)
	if prevBare || nextBare || (!prevStats && !nextStats) {
		return 0, 0, false
	}
	if prevStats {
		return prevStart, n.end, true
	}
	return n.start, nextEnd, true
}

// itemBefore looks at the item ending at the mark before q.
func (r *ageReader) itemBefore(q int) (start int, stats, bare bool) {
	s := r.s
	if q == 0 {
		return 0, false, false
	}
	e := q - 1 // the mark
	for e > 0 && s[e]&0xC0 == 0x80 {
		e--
	}
	e = spaceBack(s, e, 3)
	a := e
	for a > 0 && e-a < itemBytes && !isItemMarkBefore(s, a) {
		a--
	}
	for a < e && s[a]&0xC0 == 0x80 {
		a++
	}
	item := strings.TrimSpace(s[a:e])
	return a + (len(s[a:e]) - len(strings.TrimLeft(s[a:e], " \t"))), hasStats(item), isBareNumber(item) || endsWithNumber(item)
}

// itemAfter looks at the item starting after the mark at p.
func (r *ageReader) itemAfter(p int) (end int, stats, bare bool) {
	s := r.s
	if p >= len(s) {
		return p, false, false
	}
	_, n := firstRuneSize(s, p)
	a := p + n
	e := a
	for e < len(s) && e-a < itemBytes && !isItemMark(s, e) {
		e++
	}
	for e < len(s) && s[e]&0xC0 == 0x80 {
		e++
	}
	item := strings.TrimSpace(s[a:e])
	return a + len(strings.TrimRight(s[a:e], " \t")), hasStats(item), isBareNumber(item) || startsWithNumber(item)
}

// startsWithNumber: the item opens with a plain two-digit number ("38 f/f"
// after "36DD,26"): the numbers around are measurements.
func startsWithNumber(item string) bool {
	j := digitsEnd(item, 0)
	if j != 2 {
		return false
	}
	_, c := firstRune(item+" ", j)
	return !unicode.IsLetter(c) && !strings.ContainsRune("'’\"″", c)
}

// endsWithNumber: the item closes with a plain two-digit number ("24"
// before ", 36").
func endsWithNumber(item string) bool {
	i := len(item)
	for i > 0 && isDigit(item[i-1]) {
		i--
	}
	if len(item)-i != 2 {
		return false
	}
	return i == 0 || !isLetterAt(item, i-1) && item[i-1] != '\'' && item[i-1] != '.'
}

// nameSymbol reads "Lola 20 ✈️", "Jovana, 20 👑": a name, the number and
// an emoji; in a title also a dash ("Ana 20 – new in town"); and a name
// opening the text, a line or a sentence with the age between commas
// ("Anna, 22, new in town", "Марина, 23. Рускиња").
func (r *ageReader) nameSymbol(n num) (int, bool) {
	s := r.s
	p := skipSpaces(s, n.end, 3)
	if p >= len(s) {
		return 0, false
	}
	_, c := firstRune(s, p)
	symbol := unicode.Is(unicode.So, c) || (r.title && (c == '–' || c == '—' || c == '-' || c == '|'))
	listed := p == n.end && (c == ',' || c == '.' || c == '!' || c == ';') && (p+1 >= len(s) || !isDigit(s[p+1]))
	if !symbol && !listed {
		return 0, false
	}
	q := spaceBack(s, n.start, 2)
	if q == n.start {
		return 0, false
	}
	comma := q > 0 && s[q-1] == ','
	if comma {
		q = spaceBack(s, q-1, 2)
	}
	ws := wordBack(s, q)
	if ws == q || !r.isName(s[ws:q]) {
		return 0, false
	}
	if !symbol && !(comma && sentenceStart(s, ws)) {
		return 0, false
	}
	return ws, true
}

// sentenceStart: i opens the text, a line or a sentence.
func sentenceStart(s string, i int) bool {
	p := blanksBack(s, i)
	if p == 0 {
		return true
	}
	_, c := lastRune(s, p)
	return (c == '\n' || c == '\r' || c == '.' || c == '!' || c == '?' || c == ':' || unicode.Is(unicode.So, c)) && (p < i || c == '\n' || c == '\r')
}

// hasStats: a height (5'6, 5′2″, 5 ft, 170 cm), a weight (125lbs, 55 kg)
// or a bust size (32B, 34DD, 36D-24-36) in an item.
func hasStats(item string) bool {
	for i := 0; i < len(item); i++ {
		if !isDigit(item[i]) || (i > 0 && isDigit(item[i-1])) {
			continue
		}
		j := digitsEnd(item, i)
		rest := item[j:]
		switch {
		case j-i == 1 && (strings.HasPrefix(rest, "'") || strings.HasPrefix(rest, "’") || strings.HasPrefix(rest, "′")):
			return true // 5'6
		case j-i == 1 && hasWordPrefix(strings.TrimLeft(rest, " "), "ft", "feet", "foot"):
			return true
		case j-i == 1 && len(rest) > 2 && rest[0] == '.' && isDigit(rest[1]) && hasWordPrefix(strings.TrimLeft(rest[2:], " "), "ft", "feet"):
			return true
		case j-i >= 2 && j-i <= 3 && hasWordPrefix(strings.TrimLeft(rest, " "), "lbs", "lb", "kg", "kgs", "pounds", "kilos", "cm", "кг", "см"):
			return true
		case j-i == 2 && isCupPrefix(rest):
			return true
		}
		i = j
	}
	return false
}

// isBareNumber: the item is a number alone ("24", "36").
func isBareNumber(item string) bool {
	if item == "" {
		return false
	}
	for i := 0; i < len(item); i++ {
		if !isDigit(item[i]) {
			return false
		}
	}
	return true
}

// isCup: a bust cup glued to digits: A–H, AA, DD, DDD.
func isCup(w string) bool {
	if len(w) == 0 || len(w) > 4 {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := w[i] | 0x20
		if c < 'a' || c > 'h' {
			return false
		}
	}
	return true
}

// isCupPrefix: rest starts with a cup glued to the digits and then a non-letter.
func isCupPrefix(rest string) bool {
	k := 0
	for k < len(rest) && k < 5 && ((rest[k]|0x20) >= 'a' && (rest[k]|0x20) <= 'z') {
		k++
	}
	return k > 0 && k <= 4 && isCup(rest[:k]) && !isLetterAt(rest, k)
}

func hasWordPrefix(s string, words ...string) bool {
	for _, w := range words {
		if len(s) >= len(w) && strings.EqualFold(s[:len(w)], w) && !isLetterAt(s, len(w)) {
			return true
		}
	}
	return false
}

// isItemMark: s[p] separates items of a line: , ; | • · * ~ line break, a
// dot or "!" before a space or the end.
func isItemMark(s string, p int) bool {
	if p >= len(s) {
		return true
	}
	switch s[p] {
	case ',', ';', '|', '\n', '\r', '*', '~':
		return true
	case '.', '!':
		return p+1 >= len(s) || s[p+1] == ' ' || s[p+1] == '\n' || s[p+1] == '\r'
	}
	_, c := firstRune(s, p)
	return c == '•' || c == '·' || c == '●'
}

// isItemMarkBefore: the rune ending at q separates items.
func isItemMarkBefore(s string, q int) bool {
	if q == 0 {
		return true
	}
	p, c := lastRune(s, q)
	switch c {
	case ',', ';', '|', '\n', '\r', '*', '~', '•', '·', '●', '!':
		return true
	case '.':
		return p == 0 || s[p-1] != '.' && !isDigit(s[p-1])
	}
	return false
}

// Byte and rune helpers.

func digitsEnd(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

func atoi(d string) int {
	n := 0
	for i := 0; i < len(d) && i < 6; i++ {
		n = n*10 + int(d[i]-'0')
	}
	return n
}

func isDigitRune(c rune) bool { return c >= '0' && c <= '9' }

func lastRuneOf(s string, i int) rune {
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return r
}

func gluedEnd(s string, i int) int {
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) && !isDigitRune(r) {
			break
		}
		i += n
	}
	return i
}

func firstRune(s string, i int) (int, rune) {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return i, r
}

func firstRuneSize(s string, i int) (rune, int) {
	return utf8.DecodeRuneInString(s[i:])
}

// lastRune returns the start and the rune ending at i.
func lastRune(s string, i int) (int, rune) {
	r, n := utf8.DecodeLastRuneInString(s[:i])
	return i - n, r
}

func isLetterAt(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r)
}

// spaceEnd returns the end of the white space at i (ASCII or Unicode), i
// when there is none.
func spaceEnd(s string, i int) int {
	if i >= len(s) {
		return i
	}
	if c := s[i]; c < utf8.RuneSelf {
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' {
			return i + 1
		}
		return i
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	if unicode.IsSpace(r) || r == '\u200b' {
		return i + n
	}
	return i
}

// skipSpaces skips at most max runs of white space (any width) after i,
// never more than 16 bytes.
func skipSpaces(s string, i, max int) int {
	start := i
	for n := 0; n < 16 && i-start < 16; n++ {
		j := spaceEnd(s, i)
		if j == i {
			break
		}
		i = j
	}
	_ = max
	return i
}

// spaceBack skips white space before i, at most 16 bytes.
func spaceBack(s string, i, max int) int {
	start := i
	for i > 0 && start-i < 16 {
		r, n := utf8.DecodeLastRuneInString(s[:i])
		if !unicode.IsSpace(r) && r != '\u200b' {
			break
		}
		i -= n
	}
	_ = max
	return i
}

// skipBlanks skips spaces and tabs (not line breaks) after i.
func skipBlanks(s string, i int) int {
	for j := i; j < len(s) && j-i < 16; j++ {
		if s[j] != ' ' && s[j] != '\t' {
			return j
		}
	}
	return min(len(s), i+16)
}

// blanksBack skips spaces and tabs (not line breaks) before i.
func blanksBack(s string, i int) int {
	for j := i; j > 0 && i-j < 16; j-- {
		if s[j-1] != ' ' && s[j-1] != '\t' {
			return j
		}
	}
	return max(0, i-16)
}

// skipMarksBack skips spaces and the marks between a label and its
// number (":", "(", "-", "=", "#") before i.
func skipMarksBack(s string, i int) int {
	start := i
	for i > 0 && start-i < 16 {
		r, n := utf8.DecodeLastRuneInString(s[:i])
		if !unicode.IsSpace(r) && r != ':' && r != '(' && r != '-' && r != '–' && r != '=' && r != '[' && r != '~' && r != '*' {
			break
		}
		i -= n
	}
	return i
}

// wordEnd returns the end of the word at i: letters, with ' or ’ between
// letters.
func wordEnd(s string, i int) int {
	j := i
	for j < len(s) {
		if c := s[j] | 0x20; c >= 'a' && c <= 'z' {
			j++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[j:])
		if unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) {
			j += n
			continue
		}
		if (r == '\'' || r == '’') && j > i && isLetterAt(s, j+n) {
			j += n
			continue
		}
		break
	}
	return j
}

// wordBack returns the start of the word ending at i.
func wordBack(s string, i int) int {
	j := i
	for j > 0 && i-j < 64 {
		if c := s[j-1] | 0x20; c >= 'a' && c <= 'z' {
			j--
			continue
		}
		r, n := utf8.DecodeLastRuneInString(s[:j])
		if unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) {
			j -= n
			continue
		}
		if (r == '\'' || r == '’') && j < i && j-n > 0 {
			if p, _ := utf8.DecodeLastRuneInString(s[:j-n]); unicode.IsLetter(p) {
				j -= n
				continue
			}
		}
		break
	}
	return j
}

// normWord lower-cases a word and writes ’ as '.
func normWord(w string) string {
	simple := true
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf || (c >= 'A' && c <= 'Z') {
			simple = false
			break
		}
	}
	if simple {
		return w
	}
	w = strings.ToLower(w)
	if strings.Contains(w, "’") {
		w = strings.ReplaceAll(w, "’", "'")
	}
	if strings.ContainsFunc(w, isGreek) {
		// Greek capitals drop accents and final sigma: ΕΩΣ is έως, ΜΕΧΡΙ μέχρι.
		w = strings.Map(unaccentGreek, w)
		if strings.HasSuffix(w, "σ") {
			w = w[:len(w)-len("σ")] + "ς"
		}
	}
	return w
}

func isGreek(r rune) bool { return r >= 0x370 && r <= 0x3FF }

func unaccentGreek(r rune) rune {
	switch r {
	case 'ά':
		return 'α'
	case 'έ':
		return 'ε'
	case 'ή':
		return 'η'
	case 'ί', 'ϊ', 'ΐ':
		return 'ι'
	case 'ό':
		return 'ο'
	case 'ύ', 'ϋ', 'ΰ':
		return 'υ'
	case 'ώ':
		return 'ω'
	}
	return r
}
