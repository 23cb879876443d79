package contacts

import "strings"

func isLocalChar(c byte) bool {
	return isASCIILetter(c) || isDigit(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

func isLabelChar(c byte) bool { return isASCIILetter(c) || isDigit(c) || c == '-' }

// hasFoldPrefix reports whether s starts with the lower-case ASCII word p, ignoring case.
func hasFoldPrefix(s, p string) bool {
	if len(s) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		if s[i]|0x20 != p[i] {
			return false
		}
	}
	return true
}

// atMarker recognises an "at" sign at text[i:]: "@", "(at)", "[at]", "{at}", "<at>", "(@)",
// "[ at ]" or the bare word " at ". It returns the marker end, whether it is disguised and
// whether it is the bare word.
func atMarker(text string, i int) (end int, obf, bare bool) {
	c := text[i]
	switch c {
	case '@':
		return i + 1, false, false
	case '(', '[', '{', '<':
		closer := closerOf(c)
		k := i + 1
		for k < len(text) && text[k] == ' ' && k-i < 3 {
			k++
		}
		switch {
		case k < len(text) && text[k] == '@':
			k++
		case hasFoldPrefix(text[k:], "at"):
			k += 2
		default:
			return 0, false, false
		}
		for k < len(text) && text[k] == ' ' && k-i < 8 {
			k++
		}
		if k < len(text) && text[k] == closer {
			return k + 1, true, false
		}
	case 'a', 'A':
		if i > 0 && text[i-1] == ' ' && i+2 < len(text) && text[i+1]|0x20 == 't' && text[i+2] == ' ' {
			return i + 2, true, true
		}
	}
	return 0, false, false
}

// dotMarker recognises a dot between domain labels at text[i:]: ".", " . ", "(.)", "[.]",
// "(dot)", "[dot]", " dot ", " punto ", " tocka ", " точка ". It returns the end of the marker
// (the start of the next label) and whether it is disguised.
func dotMarker(text string, i int) (end int, obf, ok bool) {
	if i < len(text) && text[i] == '.' && i+1 < len(text) && isLabelChar(text[i+1]) {
		return i + 1, false, true
	}
	k := i
	for k < len(text) && text[k] == ' ' && k-i < 2 {
		k++
	}
	spaced := k > i
	if k >= len(text) {
		return 0, false, false
	}
	m := k
	switch c := text[k]; {
	case c == '.':
		m = k + 1
	case c == '(' || c == '[' || c == '{' || c == '<':
		closer := closerOf(c)
		q := k + 1
		for q < len(text) && text[q] == ' ' && q-k < 3 {
			q++
		}
		switch {
		case q < len(text) && text[q] == '.':
			q++
		case hasFoldPrefix(text[q:], "dot"):
			q += 3
		case hasFoldPrefix(text[q:], "punto"):
			q += 5
		default:
			return 0, false, false
		}
		for q < len(text) && text[q] == ' ' && q-k < 9 {
			q++
		}
		if q >= len(text) || text[q] != closer {
			return 0, false, false
		}
		m = q + 1
	case spaced && hasFoldPrefix(text[k:], "dot "):
		m = k + 3
	case spaced && hasFoldPrefix(text[k:], "punto "):
		m = k + 5
	case spaced && hasFoldPrefix(text[k:], "tocka "):
		m = k + 5
	case spaced && strings.HasPrefix(text[k:], "točka "):
		m = k + len("točka")
	case spaced && strings.HasPrefix(text[k:], "точка "):
		m = k + len("точка")
	default:
		return 0, false, false
	}
	q := m
	for q < len(text) && text[q] == ' ' && q-m < 2 {
		q++
	}
	if q < len(text) && isLabelChar(text[q]) {
		return q, true, true
	}
	return 0, false, false
}

// emailStart marks the bytes that may begin an "at" marker.
var emailStart = [256]bool{'@': true, '(': true, '[': true, '{': true, '<': true, 'a': true, 'A': true}

// scanEmails finds plain and disguised e-mail addresses and masks them.
func (s *scanner) scanEmails() {
	text := s.text
	for i := 0; i < len(text); i++ {
		if !emailStart[text[i]] {
			continue
		}
		me, obf, bare := atMarker(text, i)
		if me == 0 {
			continue
		}
		if end, ok := s.tryEmail(i, me, obf, bare); ok {
			i = end - 1
		}
	}
}

func (s *scanner) tryEmail(ms, me int, obf, bare bool) (int, bool) {
	text := s.text
	// local part
	k := ms
	if bare {
		k = ms - 1
	}
	spacedL := false
	for k > 0 && text[k-1] == ' ' && ms-k < 2 && !bare {
		k--
		spacedL = true
	}
	le := k
	for k > 0 && isLocalChar(text[k-1]) && le-k < 64 {
		k--
	}
	if k > 0 && text[k-1] >= 0x80 {
		return 0, false // local part glued to non-ASCII letters
	}
	for k < le && (text[k] == '.' || text[k] == '-' || text[k] == '+') {
		k++
	}
	ls := k
	if ls >= le || text[le-1] == '.' {
		return 0, false
	}
	local := text[ls:le]
	// Earlier pieces of a disguised local part: "jane dot doe at gmail dot com".
	localObf := false
	for pieces := 0; pieces < 4 && (obf || bare); pieces++ {
		pe := dotMarkerBefore(text, ls)
		if pe <= 0 || !isLocalChar(text[pe-1]) {
			break
		}
		q := pe
		for q > 0 && isLocalChar(text[q-1]) && pe-q < 64 {
			q--
		}
		if q > 0 && text[q-1] >= 0x80 {
			break
		}
		w := foldWord(text[q:pe])
		if wi, ok := s.t.words[w]; ok && (wi.filler || wi.nameCue || wi.app != "") {
			break // "write me dot ..." is prose
		}
		local = text[q:pe] + "." + local
		ls = q
		localObf = true
	}
	// domain
	p := me
	spacedR := false
	for p < len(text) && text[p] == ' ' && p-me < 2 && !bare {
		p++
		spacedR = true
	}
	if bare {
		p = me + 1
	}
	// Read domain labels; remember each stopping point, because a sentence
	// full stop can look like a disguised dot ("ab@gmail.com. Then"): when
	// the longest reading is not a domain, a shorter one may be.
	type reading struct {
		domain, lastLabel string
		labels, end       int
		dotObf            bool // some dot so far was disguised
		stepObf           bool // the dot before this label was disguised
	}
	var readings []reading
	var dom strings.Builder
	labels := 0
	dotObf, stepObf := false, false
	for {
		q := p
		for q < len(text) && isLabelChar(text[q]) && q-p < 63 {
			q++
		}
		if q == p {
			break
		}
		lab := text[p:q]
		if labels > 0 {
			dom.WriteByte('.')
		}
		dom.WriteString(strings.ToLower(lab))
		labels++
		readings = append(readings, reading{dom.String(), lab, labels, q, dotObf, stepObf})
		next, o, ok := dotMarker(text, q)
		if !ok {
			break
		}
		stepObf = o
		if o {
			dotObf = true
		}
		p = next
	}
	spaced := spacedL || spacedR
	valid := func(r reading) bool {
		if r.labels < 2 || len(r.lastLabel) < 2 || len(r.lastLabel) > 24 {
			return false
		}
		for i := 0; i < len(r.lastLabel); i++ {
			if !isASCIILetter(r.lastLabel[i]) {
				return false
			}
		}
		tld := strings.ToLower(r.lastLabel)
		if obf || r.dotObf || spaced {
			lw := foldWord(local)
			if wi, ok := s.t.words[lw]; ok && (wi.app != "" || wi.filler || wi.nameCue) {
				return false
			}
			if !s.t.tlds[tld] && !s.t.freeMail[r.domain] {
				return false
			}
		}
		if spaced && !r.dotObf && !obf && !s.t.freeMail[r.domain] {
			// "insta @mila.bg" is a handle, not an e-mail.
			return false
		}
		return true
	}
	// A full stop, a space and a capital ("ab@gmail.com. To apply") ends a
	// sentence even when the next word is a top-level domain (.to, .it,
	// .me): prefer the reading before it when that one is an address.
	sentenceStop := func(i int) bool {
		if i == 0 || !readings[i].stepObf {
			return false
		}
		gap := text[readings[i-1].end : readings[i].end-len(readings[i].lastLabel)]
		c := readings[i].lastLabel[0]
		return strings.TrimRight(gap, " ") == "." && len(gap) > 1 && c >= 'A' && c <= 'Z'
	}
	best := -1
	for i := len(readings) - 1; i >= 0; i-- {
		if valid(readings[i]) && !(sentenceStop(i) && valid(readings[i-1])) {
			best = i
			break
		}
		if !readings[i].stepObf || i < len(readings)-1 {
			break // only the label after a trailing disguised dot may be dropped
		}
	}
	if best < 0 {
		return 0, false
	}
	domain, end, dotObf := readings[best].domain, readings[best].end, readings[best].dotObf
	if bare && len(local) < 2 {
		return 0, false
	}
	s.masks = append(s.masks, span{ls, end})
	s.out = append(s.out, Contact{
		Type:       Email,
		Value:      strings.ToLower(local) + "@" + domain,
		Start:      ls,
		End:        end,
		Text:       text[ls:end],
		Obfuscated: obf || dotObf || spaced || localObf,
		Valid:      true,
	})
	return end, true
}

// dotMarkerBefore finds a disguised dot (" dot ", "(dot)", "[.]", " . ") ending just before the
// local-part piece at p and returns the end of the piece before it, or -1.
func dotMarkerBefore(text string, p int) int {
	q := p
	for q > 0 && text[q-1] == ' ' && p-q < 2 {
		q--
	}
	if q < 2 {
		return -1
	}
	m := -1
	switch c := text[q-1]; {
	case c == ')' || c == ']' || c == '}':
		r := q - 1
		for r > 0 && text[r-1] == ' ' && q-1-r < 2 {
			r--
		}
		switch {
		case r >= 3 && hasFoldPrefix(text[r-3:], "dot"):
			r -= 3
		case r >= 1 && text[r-1] == '.':
			r--
		default:
			return -1
		}
		for r > 0 && text[r-1] == ' ' && q-r < 8 {
			r--
		}
		if r == 0 || text[r-1] != openerOf(c) {
			return -1
		}
		m = r - 1
	case q < p && q >= 5 && hasFoldPrefix(text[q-3:], "dot") && text[q-4] == ' ':
		m = q - 4
	case q < p && c == '.' && text[q-2] == ' ':
		m = q - 2
	default:
		return -1
	}
	for m > 0 && text[m-1] == ' ' && p-m < 12 {
		m--
	}
	return m
}

func openerOf(c byte) byte {
	switch c {
	case ')':
		return '('
	case ']':
		return '['
	}
	return '{'
}
