package contacts

import (
	"cmp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

type span struct{ start, end int }

type unitKind uint8

const (
	uDigits unitKind = iota // run of ASCII digits
	uAlt                    // emoji keycap, fullwidth, circled or other Unicode digit
	uWord                   // spelled-out number word(s)
	uLook                   // O/o/l/I written for 0/1 next to digits
)

// unit is one piece of a possible phone number: digits or something recovered as digits.
type unit struct {
	start, end int
	d0, d1     int // digits in scanner.dig
	kind       unitKind
	taint      bool // glued to ordinary letters ("170cm", "19yo"): not part of a phone, unless
	// the glued digits alone are a valid number at the edge of a run ("tonight6175550134")
	glueBefore, glueAfter bool // which side the letters are glued to
}

// appTok is a word naming a messenger app.
type appTok struct {
	start, end int
	app        string
	obf        bool
}

// scanner holds the per-call state of Extract; it is pooled.
type scanner struct {
	t         *tables
	text      string
	regions   []string // regions to read national numbers in, most likely first
	masks     []span
	units     []unit
	apps      []appTok
	dig       []byte
	wbuf      []byte
	cand      []byte
	seg       []byte
	parts     []trieMatch
	atSpans   []span
	segFailed uint64
	out       []Contact
	phones    []int // indexes into out of phone contacts, by Start
	taintNext int
	budget    int // phone parses left for this text (parsing is the costly step)
	// masksSorted is set once masks are sorted by start; urlMaskFrom is where URL masks begin.
	masksSorted bool
	urlMaskFrom int
}

func (s *scanner) reset(t *tables, text string, regions []string) {
	s.t = t
	s.text = text
	s.regions = s.regions[:0]
	for _, r := range regions {
		if r = strings.ToUpper(strings.TrimSpace(r)); r != "" && !slices.Contains(s.regions, r) {
			s.regions = append(s.regions, r)
		}
	}
	s.masks = s.masks[:0]
	s.units = s.units[:0]
	s.apps = s.apps[:0]
	s.dig = s.dig[:0]
	s.out = s.out[:0]
	s.phones = s.phones[:0]
	s.taintNext = -1
	// Enough for a listing with many numbers; a text of digit soup cannot make the scan slow.
	s.budget = 16 + len(text)/128
	s.masksSorted = false
	s.urlMaskFrom = 0
}

func (s *scanner) run() {
	s.scanEmails()
	s.urlMaskFrom = len(s.masks)
	s.scanURLs()
	sortSpans(s.masks)
	s.masksSorted = true
	s.tokenize()
	s.scanPhones()
	slices.SortFunc(s.phones, func(a, b int) int { return cmp.Compare(s.out[a].Start, s.out[b].Start) })
	s.scanHandles()
}

func sortSpans(m []span) {
	slices.SortFunc(m, func(a, b span) int { return cmp.Compare(a.start, b.start) })
}

// masked reports whether [start, end) overlaps a masked span. Masks do not overlap each
// other; before run sorts them it falls back to a linear scan.
func (s *scanner) masked(start, end int) bool {
	if !s.masksSorted {
		for _, m := range s.masks {
			if start < m.end && m.start < end {
				return true
			}
		}
		return false
	}
	// first mask ending after start
	i := sort.Search(len(s.masks), func(i int) bool { return s.masks[i].end > start })
	return i < len(s.masks) && s.masks[i].start < end
}

func (s *scanner) addUnit(start, end int, digits []byte, kind unitKind) {
	d0 := len(s.dig)
	s.dig = append(s.dig, digits...)
	u := unit{start: start, end: end, d0: d0, d1: len(s.dig), kind: kind}
	if s.taintNext == start {
		u.taint, u.glueBefore = true, true
	}
	s.units = append(s.units, u)
}

func (s *scanner) addDigit(start, end int, d byte, kind unitKind) {
	d0 := len(s.dig)
	s.dig = append(s.dig, '0'+d)
	u := unit{start: start, end: end, d0: d0, d1: d0 + 1, kind: kind}
	if s.taintNext == start {
		u.taint, u.glueBefore = true, true
	}
	s.units = append(s.units, u)
}

// tokenize splits the text into digit units and app-name tokens, skipping masked spans.
func (s *scanner) tokenize() {
	text := s.text
	n := len(text)
	mi := 0
	for i := 0; i < n; {
		for mi < len(s.masks) && s.masks[mi].end <= i {
			mi++
		}
		if mi < len(s.masks) && s.masks[mi].start <= i {
			i = s.masks[mi].end
			continue
		}
		c := text[i]
		if c == '\\' || c == '<' || c == '&' {
			if l := escapeLen(text, i); l > 0 {
				i += l // "\u2022", "<U+1F48B>", "&#9825;": a symbol a scraper left escaped
				continue
			}
		}
		if isDigit(c) {
			if kc := keycapLen(text, i+1); kc > 0 {
				s.addDigit(i, i+1+kc, c-'0', uAlt)
				i += 1 + kc
				continue
			}
			j := i + 1
			for j < n && isDigit(text[j]) && keycapLen(text, j+1) == 0 {
				j++
			}
			s.addUnit(i, j, []byte(text[i:j]), uDigits)
			i = j
			continue
		}
		if c < 0x80 && !isASCIILetter(c) {
			i++
			continue
		}
		r, size := decodeRune(text, i)
		if c >= 0x80 {
			if r == 0x1F51F { // keycap ten
				s.addUnit(i, i+size, []byte("10"), uAlt)
				i += size
				continue
			}
			if d, ok := altDigit(r); ok {
				end := i + size
				if kc := keycapLen(text, end); kc > 0 {
					end += kc
				}
				s.addDigit(i, end, d, uAlt)
				i = end
				continue
			}
			if !isLetterRune(r) {
				i += size
				continue
			}
		}
		i = s.word(i)
	}
}

// readWord reads the letter run at text[i:] into s.wbuf (folded) and returns its end and rune count.
func (s *scanner) readWord(i int) (end, runes int) {
	text := s.text
	n := len(text)
	s.wbuf = s.wbuf[:0]
	j := i
	for j < n {
		c := text[j]
		if c < 0x80 {
			if isASCIILetter(c) {
				if len(s.wbuf) < 64 {
					s.wbuf = append(s.wbuf, c|0x20)
				}
				runes++
				j++
				continue
			}
			if c == '\'' && j > i && j+1 < n && (isASCIILetter(text[j+1]) || text[j+1] >= 0x80) {
				j++
				continue
			}
			break
		}
		r, sz := decodeRune(text, j)
		if isLetterRune(r) {
			if len(s.wbuf) < 64 {
				s.wbuf = appendRune(s.wbuf, foldRune(r))
			}
			runes++
			j += sz
			continue
		}
		if j > i && isMark(r) {
			j += sz
			continue
		}
		break
	}
	return j, runes
}

func appendRune(b []byte, r rune) []byte {
	if r < 0x80 {
		return append(b, byte(r))
	}
	return utf8.AppendRune(b, r)
}

// word classifies the letter run at text[i:] and returns its end.
func (s *scanner) word(i int) int {
	text := s.text
	j, runes := s.readWord(i)
	wi, found := s.t.lookup(s.wbuf)
	if found && wi.num != "" {
		end, ds := s.composeTens(j, wi.num)
		s.addUnit(i, end, ds, uWord)
		return end
	}
	// Glued to digits: "5to5", "for7", "5Osix".
	glued := len(s.units) > 0 && s.units[len(s.units)-1].end == i || j < len(text) && (isDigit(text[j]) || s.altAt(j))
	if glued && found && wi.glued != "" {
		s.addUnit(i, j, []byte(wi.glued), uWord)
		return j
	}
	if d, ok := lookalike(text[i:j]); ok {
		prevGlued := len(s.units) > 0 && s.units[len(s.units)-1].end == i && s.units[len(s.units)-1].kind != uWord
		nextGlued := j < len(text) && (isDigit(text[j]) || s.altAt(j))
		if prevGlued || nextGlued {
			s.addUnit(i, j, d, uLook)
			return j
		}
	}
	if len(s.wbuf) < 64 && (!found && len(s.wbuf) >= 4 || glued && len(s.wbuf) >= 2 && wi.app == "") {
		if ds, ok := s.segment(glued); ok {
			s.addUnit(i, j, ds, uWord)
			return j
		}
	}
	if found && wi.prefix {
		if end, app, ok := s.multiWord(i, j); ok {
			s.apps = append(s.apps, appTok{start: i, end: end, app: app})
			return end
		}
	}
	if found && wi.app != "" {
		s.apps = append(s.apps, appTok{start: i, end: j, app: wi.app})
		return j
	}
	if runes == 1 {
		if end, app, ok := s.spacedWord(i); ok {
			s.apps = append(s.apps, appTok{start: i, end: end, app: app, obf: true})
			return end
		}
	}
	if found && (wi.filler || wi.nameCue || wi.after || wi.before) {
		return j
	}
	// An ordinary word glued to digits ("170cm", "19yo", "ID123") makes them not a phone.
	if len(s.units) > 0 && s.units[len(s.units)-1].end == i {
		s.units[len(s.units)-1].taint = true
		s.units[len(s.units)-1].glueAfter = true
	}
	s.taintNext = j
	return j
}

// composeTens joins a tens word to the ones word after it ("seventy one", "forty-two",
// "treinta y uno", "dix-sept", "soixante-dix"): a space or a dash between tens and ones, a dash or
// a connector word before a teen. It returns the end of what was read and the digits.
func (s *scanner) composeTens(j int, num string) (int, []byte) {
	text := s.text
	if !isTens(num) && num != "10" {
		return j, []byte(num)
	}
	k := j
	if k >= len(text) || text[k] != ' ' && text[k] != '-' {
		return j, []byte(num)
	}
	dash := text[k] == '-'
	k++
	if k >= len(text) || !isASCIILetter(text[k]) && text[k] < 0x80 {
		return j, []byte(num)
	}
	e, _ := s.readWord(k)
	wi, ok := s.t.lookup(s.wbuf)
	if ok && wi.conn == 1 && e+1 < len(text) && text[e] == ' ' {
		dash = true // a connector counts as a dash: "treinta y uno", "soixante et onze"
		e2, _ := s.readWord(e + 1)
		wi, ok = s.t.lookup(s.wbuf)
		e = e2
	}
	if !ok || wi.num == "" {
		return j, []byte(num)
	}
	switch {
	case isOnes(wi.num) && (isTens(num) || dash):
		return e, []byte{num[0], wi.num[0]}
	case len(wi.num) == 2 && wi.num[0] == '1' && dash && isTens(num) && (num[0]-'0')%2 == 0:
		// "soixante-dix" (70), "soixante-onze" (71): sixty and a teen
		return e, []byte{num[0] + 1, wi.num[1]}
	}
	return j, []byte(num)
}

// altAt reports whether a non-ASCII digit starts at text[i:].
func (s *scanner) altAt(i int) bool {
	if i >= len(s.text) || s.text[i] < 0x80 {
		return false
	}
	r, _ := decodeRune(s.text, i)
	_, ok := altDigit(r)
	return ok
}

// lookalike maps a short run of O/o/l/I to zeros and ones.
func lookalike(w string) ([]byte, bool) {
	if len(w) == 0 || len(w) > 3 {
		return nil, false
	}
	var b [3]byte
	for k := 0; k < len(w); k++ {
		switch w[k] {
		case 'O', 'o':
			b[k] = '0'
		case 'l', 'I':
			b[k] = '1'
		default:
			return nil, false
		}
	}
	return b[:len(w)], true
}

// multiWord joins the words after a multi-word alias prefix ("whats" + "app").
func (s *scanner) multiWord(i, j int) (end int, app string, ok bool) {
	text := s.text
	acc := string(s.wbuf)
	for parts := 0; parts < 4; parts++ {
		k := j
		for k < len(text) && k-j < 2 && (text[k] == ' ' || text[k] == '.' || text[k] == '-' || text[k] == '_') {
			k++
		}
		if k == j || k >= len(text) {
			return 0, "", false
		}
		r, _ := decodeRune(text, k)
		if !isLetterRune(r) {
			return 0, "", false
		}
		e, _ := s.readWord(k)
		acc += string(s.wbuf)
		wi, found := s.t.words[acc]
		if !found {
			return 0, "", false
		}
		if wi.app != "" {
			return e, wi.app, true
		}
		if !wi.prefix {
			return 0, "", false
		}
		j = e
	}
	return 0, "", false
}

// spacedWord reads letters written one by one with separators ("w.h.a.t.s.a.p.p", "V i b e r")
// and reports the app they name.
func (s *scanner) spacedWord(i int) (end int, app string, ok bool) {
	text := s.text
	var buf [40]byte
	b := buf[:0]
	j := i
	var sep byte
	for len(b) < 30 && j < len(text) {
		r, sz := decodeRune(text, j)
		if !isLetterRune(r) {
			break
		}
		// exactly one letter
		if j+sz < len(text) {
			if r2, _ := decodeRune(text, j+sz); isLetterRune(r2) {
				break
			}
		}
		b = appendRune(b, foldRune(r))
		end = j + sz
		k := end
		if k < len(text) && (text[k] == '.' || text[k] == ' ' || text[k] == '-' || text[k] == '_' || text[k] == '*') {
			if sep == 0 {
				sep = text[k]
			}
			if text[k] != sep {
				break
			}
			k++
		} else {
			break
		}
		j = k
	}
	if len(b) < 3 {
		return 0, "", false
	}
	wi, found := s.t.lookup(b)
	if !found || wi.app == "" {
		return 0, "", false
	}
	return end, wi.app, true
}

// scanPhones groups units into runs joined by separators and turns runs into phone contacts.
func (s *scanner) scanPhones() {
	u := s.units
	for k := 0; k < len(u); {
		if u[k].taint && !s.gluedEdge(k) {
			k++
			continue
		}
		a, b := k, k
		// A unit glued to a word after it ends the run; one glued before it only starts one.
		for !u[b].glueAfter && b+1 < len(u) && (!u[b+1].taint || s.gluedEdge(b+1) && !u[b+1].glueBefore) && s.joinable(b) {
			b++
		}
		s.evalRun(a, b, 0)
		k = b + 1
	}
}

// gluedEdge reports whether unit k, glued to a word, may still be the edge of a phone number: it
// is a run of ASCII digits glued to a word of two letters or more, and the word is not itself glued
// to other digits ("x9f31234567" is an ID).
func (s *scanner) gluedEdge(k int) bool {
	u := s.units[k]
	if u.kind != uDigits || u.d1-u.d0 < 3 {
		return false
	}
	text := s.text
	if u.glueBefore {
		p, n := u.start, 0
		for p > 0 {
			r, sz := lastRune(text[:p])
			if !isLetterRune(r) {
				if isDigit(text[p-1]) {
					return false
				}
				break
			}
			p -= sz
			n++
		}
		if n < 2 {
			return false
		}
	}
	if u.glueAfter {
		p, n := u.end, 0
		for p < len(text) {
			r, sz := decodeRune(text, p)
			if !isLetterRune(r) {
				if isDigit(text[p]) {
					return false
				}
				break
			}
			p += sz
			n++
		}
		if n < 2 {
			return false
		}
	}
	return true
}

func (s *scanner) digitCount(a, b int) int {
	n := 0
	for k := a; k <= b; k++ {
		n += s.units[k].d1 - s.units[k].d0
	}
	return n
}

// thousands reports whether units k and k+1 read as an amount with a thousands separator
// ("31,250"): never cut there.
func (s *scanner) thousands(k int) bool {
	g := s.text[s.units[k].end:s.units[k+1].start]
	return (g == "," || g == ".") && s.units[k].d1-s.units[k].d0 <= 3 && s.units[k+1].d1-s.units[k+1].d0 == 3
}

// wideGap reports whether the gap after unit k is wide enough to separate two numbers.
func (s *scanner) wideGap(k int) bool {
	g := s.text[s.units[k].end:s.units[k+1].start]
	if len(g) < 2 {
		return false
	}
	for k := 0; k < len(g); k++ {
		if g[k] != ' ' {
			return true
		}
	}
	return len(g) >= 2
}

// evalRun tries the run a..b as a phone; when it is not one, tries the parts between wide gaps,
// then the run without a leading or trailing group.
func (s *scanner) evalRun(a, b, depth int) bool {
	nd := s.digitCount(a, b)
	if nd < 7 {
		return false
	}
	if s.tryCandidate(a, b, true) {
		return true
	}
	if depth > 2 {
		return s.tryCandidate(a, b, false)
	}
	// Something joined on by a decorative gap ("(617) 555-0134..$150", "18♡617♡555♡0134"): drop
	// up to three units at the end, then at the start, where the gap is not an ordinary separator;
	// what is left must be a valid number, and what was dropped is tried on its own.
	if b-a <= 16 {
		for k, n := b-1, 0; k >= a && n < 3; k-- {
			if gapOK(s.text[s.units[k].end:s.units[k+1].start]) || s.thousands(k) {
				continue
			}
			n++
			if s.digitCount(a, k) >= 7 && s.tryCandidate(a, k, true) {
				s.evalRun(k+1, b, depth+1)
				return true
			}
		}
		for k, n := a+1, 0; k <= b && n < 3; k++ {
			if gapOK(s.text[s.units[k-1].end:s.units[k].start]) || s.thousands(k-1) {
				continue
			}
			n++
			if s.digitCount(k, b) >= 7 && s.tryCandidate(k, b, true) {
				s.evalRun(a, k-1, depth+1)
				return true
			}
		}
	}
	start, split, found := a, false, false
	for k := a; k < b; k++ {
		if s.wideGap(k) {
			split = true
			if s.evalRun(start, k, depth+1) {
				found = true
			}
			start = k + 1
		}
	}
	if split {
		if s.evalRun(start, b, depth+1) {
			found = true
		}
		return found || s.tryCandidate(a, b, false)
	}
	if b-a > 12 {
		return s.tryCandidate(a, b, false)
	}
	// Drop a leading or trailing group separated by a space ("age 25 064 123 4567"); the rest
	// must then be a valid number.
	for k := a + 1; k <= b; k++ {
		if s.units[k-1].kind != uDigits {
			break
		}
		if s.dig[s.units[a].d0] == '0' {
			break // a trunk or international prefix starts the number: "0171 5550 2946" is one
		}
		if strings.IndexByte(s.text[s.units[k-1].end:s.units[k].start], ' ') < 0 {
			continue
		}
		if s.digitCount(k, b) < 7 {
			break
		}
		if s.tryCandidate(k, b, true) {
			s.evalRun(a, k-1, depth+1) // "617-555-0134 617-555-0199": two numbers
			return true
		}
	}
	for k := b - 1; k >= a; k-- {
		if s.units[k+1].kind != uDigits {
			break
		}
		if strings.IndexByte(s.text[s.units[k].end:s.units[k+1].start], ' ') < 0 {
			continue
		}
		if s.digitCount(a, k) < 7 {
			break
		}
		if s.tryCandidate(a, k, true) {
			s.evalRun(k+1, b, depth+1)
			return true
		}
	}
	// A possible but invalid number ("+44 7700 900123") counts only when no part of it is valid:
	// "+1 617 555 0199 - 23" is a valid number and an age.
	return s.tryCandidate(a, b, false)
}

// group is a stretch of units written without separators.
type group struct {
	n     int     // digits
	first byte    // first digit
	last2 [2]byte // last two digits
	sep   string  // separator before the group ("" for the first)
	year  bool    // four digits 19xx or 20xx
	y4    bool    // four digits or more starting 19 or 20
}

// tryCandidate checks the run a..b and emits a phone contact when it is one.
func (s *scanner) tryCandidate(a, b int, requireValid bool) bool {
	u := s.units
	for a <= b && u[a].kind == uLook {
		a++
	}
	for b >= a && u[b].kind == uLook {
		b--
	}
	if a > b {
		return false
	}
	for k := a + 1; k < b; k++ {
		if u[k].taint {
			return false
		}
	}
	if u[a].taint || u[b].taint || (a < b && (u[a].glueAfter || u[b].glueBefore)) {
		if a < b && (u[a].glueAfter || u[b].glueBefore) {
			return false
		}
		requireValid = true // "tonight6175550134", "6175550134call": the digits alone must be a number
	}
	words := 0
	for k := a; k <= b; k++ {
		if u[k].kind == uWord {
			words++
		}
	}
	// A lone number word at the edge of a run of digits is a word, not a digit ("un 06 ...").
	if words == 1 && b > a {
		if u[a].kind == uWord && u[a].d1-u[a].d0 == 1 && u[a].end != u[a+1].start {
			a++
			words--
		} else if u[b].kind == uWord && u[b].d1-u[b].d0 == 1 && u[b-1].end != u[b].start {
			b--
			words--
		}
	}
	s.cand = s.cand[:0]
	for k := a; k <= b; k++ {
		if k > a && s.isParenZero(k) {
			continue // "+381 (0)64 ...": the trunk zero written inside an international number
		}
		s.cand = append(s.cand, s.dig[u[k].d0:u[k].d1]...)
	}
	nd := len(s.cand)
	if nd < 7 || nd > 17 {
		return false
	}
	// No region may write that many digits, and no "+" or "00" can make the number
	// international: nothing to parse (the checks below cost more than this one).
	if s.cand[0] != '0' && !s.plusBefore(u[a].start) {
		ok := false
		for _, r := range s.regions {
			if lengthPlausible(r, nd) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	text := s.text
	start, end := u[a].start, u[b].end
	plus := false
	for p, steps := start, 0; p > 0 && steps < 3; steps++ {
		c := text[p-1]
		if c == '+' {
			// Country codes never start with 0: "18+ 064..." is an age, not a prefix.
			if s.cand[0] != '0' {
				plus = true
				start = p - 1
			}
			break
		}
		if c != ' ' && c != '(' {
			break
		}
		p--
	}
	if !plus && start > 0 && text[start-1] == '(' && strings.IndexByte(text[start:end], ')') >= 0 {
		start--
	}
	if bad, hard := s.badContext(start, end); bad {
		if nd < 10 || hard {
			return false
		}
		// "Mila $weet$ 6175550134", "call 6175550134 yrs": ten digits are no price or age when
		// they are a valid number.
		requireValid = true
	}
	// Groups and obfuscation.
	var gs [24]group
	ng := 0
	obf := false
	singles, maxSingles := 0, 0
	for k := a; k <= b; k++ {
		if u[k].kind != uDigits {
			obf = true
		}
		sep := ""
		if k > a {
			sep = text[u[k-1].end:u[k].start]
			for _, r := range sep {
				if !isUsualSepRune(r) {
					obf = true
				}
			}
			if !gapOK(sep) {
				requireValid = true // decorative separators: "702♡555♡0134", "6 1 7 . . . 5 5 5"
			}
		}
		if k == a || sep != "" {
			if ng == len(gs) {
				return false
			}
			gs[ng] = group{sep: sep, first: s.dig[u[k].d0]}
			ng++
		}
		g := &gs[ng-1]
		d := s.dig[u[k].d0:u[k].d1]
		g.n += len(d)
		for _, c := range d {
			g.last2[0], g.last2[1] = g.last2[1], c
		}
	}
	for k := 0; k < ng; k++ {
		if gs[k].n == 1 {
			singles++
			if singles > maxSingles {
				maxSingles = singles
			}
		} else {
			singles = 0
		}
	}
	if maxSingles >= 4 {
		obf = true
	}
	// Group years.
	off := 0
	for k := 0; k < ng; k++ {
		if gs[k].n >= 4 {
			y := s.cand[off : off+4]
			gs[k].y4 = (y[0] == '1' && y[1] == '9') || (y[0] == '2' && y[1] == '0')
			gs[k].year = gs[k].y4 && gs[k].n == 4
		}
		off += gs[k].n
	}
	if !plus && s.notPhoneShape(gs[:ng]) {
		return false
	}
	raw := string(s.cand)
	intl := plus
	if !plus && len(raw) > 3 && raw[0] == '0' && raw[1] == '0' && raw[2] != '0' {
		intl = true
		raw = raw[2:]
	}
	var pr phoneResult
	region := ""
	if intl {
		raw = "+" + raw
		pr = s.t.phones.parse(raw, "ZZ", &s.budget)
		if !s.acceptPhone(pr, true, requireValid, ng) {
			return false
		}
	} else {
		// National numbers are read in each region in turn; the first that reads them wins. After
		// the first region a number must be valid.
		ok := false
		for ri, r := range s.regions {
			if !lengthPlausible(r, len(raw)) {
				continue
			}
			pr = s.t.phones.parse(raw, r, &s.budget)
			if s.acceptPhone(pr, false, requireValid || ri > 0, ng) {
				region, ok = r, true
				break
			}
		}
		if !ok {
			return false
		}
	}
	s.phones = append(s.phones, len(s.out))
	s.out = append(s.out, Contact{
		Type:       Phone,
		Value:      pr.e164,
		Start:      start,
		End:        end,
		Text:       text[start:end],
		Obfuscated: obf,
		Valid:      pr.valid,
		Region:     region,
	})
	return true
}

// acceptPhone reports whether a parsed candidate of ng digit groups is a phone number: possible,
// not counting, and valid when written without country code or trunk prefix (or when
// requireValid).
func (s *scanner) acceptPhone(pr phoneResult, intl, requireValid bool, ng int) bool {
	if !pr.ok {
		return false
	}
	noPrefix := !intl && len(s.cand) <= len(pr.nsn)
	if noPrefix && (ng == len(s.cand) && len(pr.nsn) < 9 || isCounting(s.cand)) {
		// "1-2-3-4-5-6-7" or "1234567": counting, not a number someone wrote down to be called.
		return false
	}
	if !pr.valid && (requireValid || noPrefix) {
		// Written without a country code or trunk prefix and not a valid number: too weak.
		return false
	}
	return true
}

var zeros2 = [2]byte{'0', '0'}

// plusBefore reports a "+" within three bytes before start (only spaces or "(" between).
func (s *scanner) plusBefore(start int) bool {
	for p, steps := start, 0; p > 0 && steps < 3; steps++ {
		c := s.text[p-1]
		if c == '+' {
			return true
		}
		if c != ' ' && c != '(' {
			return false
		}
		p--
	}
	return false
}

// notPhoneShape reports digit groups shaped like a date, a year range, a price or a list of
// body measurements rather than a phone number.
func (s *scanner) notPhoneShape(gs []group) bool {
	ng := len(gs)
	// Dates: 12.05.2025, 2025-05-12, 12.05.-15.05.2025, 2019-2024.
	years, small := 0, 0
	for _, g := range gs {
		if g.year {
			years++
		} else if g.n <= 2 {
			small++
		}
	}
	if years >= 1 && years+small == ng && ng >= 2 {
		return true
	}
	// Dates running into more digits, as in URL slugs that lost their slashes: 03-14-201603-20-2016.
	if ng >= 3 && gs[0].n <= 2 && gs[1].n <= 2 && gs[2].y4 {
		return true
	}
	// Times and hour ranges: 08-16 / 16-24.
	if ng >= 2 && ng <= 4 {
		times := true
		off := 0
		for _, g := range gs {
			if g.n > 2 || g.n == 0 {
				times = false
				break
			}
			v := 0
			for _, c := range s.cand[off : off+g.n] {
				v = v*10 + int(c-'0')
			}
			off += g.n
			if v > 24 {
				times = false
				break
			}
		}
		if times {
			return true
		}
	}
	// Dates written without separators: 20250512, 12052025.
	if ng == 1 && len(s.cand) == 8 && (isDate8(s.cand, true) || isDate8(s.cand, false)) {
		return true
	}
	// Prices with thousands separators: 1.500.000, 2 500 000.
	if ng >= 2 && gs[0].n <= 3 && gs[0].first != '0' {
		thousands := true
		for k := 1; k < ng; k++ {
			if gs[k].n != 3 || gs[k].sep != gs[1].sep || len(gs[k].sep) != 1 {
				thousands = false
				break
			}
		}
		if thousands && gs[ng-1].last2 == zeros2 {
			return true
		}
	}
	// Ranges of amounts with thousands separators: 38.000–45.000, 75,000 - 90,000.
	if ng == 4 && gs[0].n <= 3 && gs[2].n <= 3 && gs[1].n == 3 && gs[3].n == 3 && gs[0].first != '0' &&
		len(gs[1].sep) == 1 && gs[1].sep == gs[3].sep && gs[2].sep != gs[1].sep &&
		gs[1].last2 == zeros2 && gs[3].last2 == zeros2 {
		return true
	}
	// Price ranges: 3000-5000, 1500 - 2000.
	if ng == 2 && gs[0].first != '0' && gs[0].last2 == zeros2 && gs[1].last2 == zeros2 {
		return true
	}
	// Lists of ages or sizes: 18 19 20 21 22, 36-38-40-42.
	if ng >= 3 && ng <= 4 {
		tiny := true
		for _, g := range gs {
			if g.n > 2 {
				tiny = false
				break
			}
		}
		if tiny {
			return true
		}
	}
	if gs[0].first == '0' {
		return false
	}
	if ng >= 3 {
		tiny := true // ages or sizes: 18 19 20 21 22 23
		for _, g := range gs {
			if g.n != 2 {
				tiny = false
				break
			}
		}
		if tiny {
			return true
		}
	}
	// Measurements: 22/170/55, 90-60-90 and the like: short groups, few digits.
	if ng >= 3 {
		short, total := true, 0
		for _, g := range gs {
			total += g.n
			if g.n > 3 {
				short = false
			}
		}
		if short && total <= 8 {
			return true
		}
	}
	return false
}

// badContext reports a currency, unit or ID word right before or after the number; hard is true
// for the words before it (IBAN, ID, VAT ...), which no length of number overrides.
func (s *scanner) badContext(start, end int) (bad, hard bool) {
	text := s.text
	// after
	k := end
	for k < len(text) && k-end < 2 && (text[k] == ' ' || text[k] == '\t') {
		k++
	}
	if k < len(text) {
		if s.contextWordAt(k, true) {
			return true, false
		}
	}
	// before
	k = start
	for k > 0 && start-k < 2 && (text[k-1] == ' ' || text[k-1] == '\t' || text[k-1] == ':' || text[k-1] == '.') {
		k--
	}
	if k > 0 {
		// find the start of the preceding word or symbol
		j := k
		for j > 0 {
			r, sz := lastRune(text[:j])
			if !isLetterRune(r) {
				if j == k {
					j -= sz
				}
				break
			}
			j -= sz
			if k-j > 24 {
				return false, false
			}
		}
		if s.contextWord(text[j:k], false) {
			r, _ := decodeRune(text, j)
			return true, isLetterRune(r)
		}
	}
	return false, false
}

func lastRune(s string) (rune, int) {
	i := len(s) - 1
	for i > 0 && s[i]&0xC0 == 0x80 && len(s)-i < 4 {
		i--
	}
	r, sz := decodeRune(s, i)
	return r, sz
}

// contextWordAt checks the word or symbol at text[k:].
func (s *scanner) contextWordAt(k int, after bool) bool {
	text := s.text
	r, sz := decodeRune(text, k)
	if !isLetterRune(r) {
		if k+sz < len(text) && isDigit(text[k+sz]) {
			return false // "... 1082 %100 verified", "... 0134 $200": the sign belongs to the next number
		}
		if unicode.Is(unicode.Sc, r) || r == '%' {
			return true
		}
		return s.contextWord(text[k:k+sz], after)
	}
	j := k
	for j < len(text) && j-k < 24 {
		r, sz := decodeRune(text, j)
		if !isLetterRune(r) {
			break
		}
		j += sz
	}
	return s.contextWord(text[k:j], after)
}

func (s *scanner) contextWord(w string, after bool) bool {
	if w == "" {
		return false
	}
	if r, _ := decodeRune(w, 0); unicode.Is(unicode.Sc, r) {
		return true
	}
	b := s.wbuf[:0]
	for _, r := range w {
		b = appendRune(b, foldRune(r))
	}
	s.wbuf = b
	wi, ok := s.t.lookup(b)
	if !ok {
		return false
	}
	if after {
		return wi.after
	}
	return wi.before
}

// joinable reports whether units k and k+1 may belong to one number.
func (s *scanner) joinable(k int) bool {
	gap := s.text[s.units[k].end:s.units[k+1].start]
	if gapOK(gap) || decorGap(gap) {
		return true
	}
	// Spelled-out digits are often listed with commas: "six one seven, five five five".
	if s.units[k].kind != uWord && s.units[k+1].kind != uWord {
		return false
	}
	if len(gap) > 3 || strings.Count(gap, ",") != 1 {
		return false
	}
	return gapOK(strings.Replace(gap, ",", "", 1))
}

// isParenZero reports whether unit k is a lone "0" in parentheses.
func (s *scanner) isParenZero(k int) bool {
	u := s.units[k]
	return u.end-u.start == 1 && s.text[u.start] == '0' && u.start > 0 && s.text[u.start-1] == '(' &&
		u.end < len(s.text) && s.text[u.end] == ')'
}

// isDate8 reports whether d (8 digits) reads as YYYYMMDD (ymd) or DDMMYYYY.
func isDate8(d []byte, ymd bool) bool {
	num := func(b []byte) int {
		v := 0
		for _, c := range b {
			v = v*10 + int(c-'0')
		}
		return v
	}
	var y, m, day int
	if ymd {
		y, m, day = num(d[:4]), num(d[4:6]), num(d[6:])
	} else {
		day, m, y = num(d[:2]), num(d[2:4]), num(d[4:])
	}
	return y >= 1950 && y <= 2099 && m >= 1 && m <= 12 && day >= 1 && day <= 31
}

// isCounting reports digits that count up or down by one ("1234567", "9876543").
func isCounting(d []byte) bool {
	if len(d) < 2 {
		return false
	}
	up, down := true, true
	for i := 1; i < len(d); i++ {
		if d[i] != d[i-1]+1 {
			up = false
		}
		if d[i]+1 != d[i-1] {
			down = false
		}
	}
	return up || down
}
