package contacts

import (
	"sort"
	"strings"
	"unicode"
)

func closerOf(c byte) byte {
	switch c {
	case '(':
		return ')'
	case '[':
		return ']'
	case '{':
		return '}'
	}
	return '>'
}

// isHandleGap reports runes that may stand between an app word and its contact.
func isHandleGap(r rune) (ok, label bool) {
	switch r {
	case ':', '=', '-', '–', '—', '→', '>', '➡', '👉', '📞', '📱', '☎':
		return true, true
	case ' ', '\t', '/', ',', '(', ')', '|', '&', '.', '[', ']', 0xA0, 0xFE0F, '*', '?', '!', '~', '•', ';':
		return true, false
	}
	if unicode.Is(unicode.So, r) {
		return true, false
	}
	return false, false
}

// scanHandles links app words to the phone number or user name that follows them, or to a
// phone number just before them.
func (s *scanner) scanHandles() {
	for ai, tok := range s.apps {
		if !s.handleAfter(ai, tok) {
			s.handleBefore(ai, tok)
		}
	}
	if len(s.apps) > 0 {
		s.scanAtNames()
	}
}

// scanAtNames links a bare "@name" that no app word is next to ("follow me on Twitter and get my
// offers! @mila_xo") to the nearest app word before it that takes user names, within a few
// sentences.
func (s *scanner) scanAtNames() {
	text := s.text
	// Spans of the handles found so far, by start (they do not overlap much; a sorted list and a
	// binary search keep this linear in the number of "@").
	spans := s.atSpans[:0]
	for _, c := range s.out {
		if c.Type == Handle {
			spans = append(spans, span{c.Start, c.End})
		}
	}
	sortSpans(spans)
	maxEnd := make([]int, len(spans)) // running maximum of ends
	for i, sp := range spans {
		maxEnd[i] = sp.end
		if i > 0 && maxEnd[i-1] > sp.end {
			maxEnd[i] = maxEnd[i-1]
		}
	}
	s.atSpans = spans
	covered := func(p int) bool {
		i := sort.Search(len(spans), func(i int) bool { return spans[i].start > p }) - 1
		return i >= 0 && maxEnd[i] > p
	}
	for p := strings.IndexByte(text, '@'); p >= 0; {
		at := p
		next := strings.IndexByte(text[at+1:], '@')
		if next >= 0 {
			next += at + 1
		}
		p = next
		if at > 0 && (isASCIILetter(text[at-1]) || isDigit(text[at-1]) || text[at-1] == '.' || text[at-1] == '_') {
			continue // an e-mail address or a name inside a word
		}
		if s.masked(at, at+1) || covered(at) {
			continue
		}
		// the nearest app word before it that takes names
		var tok *appTok
		for k := sort.Search(len(s.apps), func(k int) bool { return s.apps[k].end > at }) - 1; k >= 0; k-- {
			t := &s.apps[k]
			if at-t.end > 300 {
				break
			}
			if !s.t.phoneOnly[t.app] {
				tok = t
				break
			}
		}
		if tok == nil {
			continue
		}
		q := at + 1
		for q < len(text) && q-at <= 2 && text[q] == ' ' {
			q++
		}
		e := q
		for e < len(text) && e-q < 40 && (isASCIILetter(text[e]) || isDigit(text[e]) || text[e] == '_' || text[e] == '.') {
			e++
		}
		for e > q && text[e-1] == '.' {
			e--
		}
		if e < len(text) && (text[e] == '@' || text[e] >= 0x80 && isLetterRune(func() rune { r, _ := decodeRune(text, e); return r }())) {
			continue
		}
		name := text[q:e]
		if !validHandle(name) {
			continue
		}
		s.out = append(s.out, Contact{Type: Handle, Value: tok.app + ":" + strings.ToLower(name),
			Start: at, End: e, Text: text[at:e], Obfuscated: tok.obf, Valid: true})
	}
}

// handleAfter links the app word to the contact that follows it ("viber: 064...", "TG @name").
func (s *scanner) handleAfter(ai int, tok appTok) bool {
	text := s.text
	{
		p := tok.end
		label, filler := false, false
		next := ai + 1
		for steps := 0; p < len(text) && p-tok.end < 80 && steps < 40; steps++ {
			// another app word of the same list ("Viber/WhatsApp: ...")
			if next < len(s.apps) && s.apps[next].start == p {
				p = s.apps[next].end
				next++
				continue
			}
			if ph := s.phoneAt(p); ph >= 0 {
				if s.t.namesOnly[tok.app] {
					return false // "Facebook ... Phone: +44 ...": the number is not the profile
				}
				c := s.out[ph]
				s.out = append(s.out, Contact{Type: Handle, Value: tok.app + ":" + c.Value,
					Start: tok.start, End: c.End, Text: text[tok.start:c.End],
					Obfuscated: tok.obf || c.Obfuscated, Valid: c.Valid})
				return true
			}
			if s.masked(p, p+1) {
				break
			}
			r, sz := decodeRune(text, p)
			if r == '@' {
				q := p + 1
				for q < len(text) && q-p <= 2 && text[q] == ' ' {
					q++
				}
				_, ok := s.handleName(tok, q, true, false, false)
				return ok
			}
			if isDigit(text[p]) && s.t.phoneOnly[tok.app] {
				// A number no region reads ("WhatsApp: 3001234567" in a listing of unknown
				// country): keep its digits, so the same number written the same way links.
				return s.handleDigits(tok, p)
			}
			if isLetterRune(r) || r == '_' {
				e, _ := s.readWord(p)
				if wi, ok := s.t.lookup(s.wbuf); ok && (wi.filler || wi.nameCue) {
					filler = filler || !wi.nameCue
					p = e
					continue
				}
				// An unknown name in a list of apps ("vajber/vocap: 064 ..."): skip it.
				if p > 0 && text[p-1] == '/' && e < len(text) && (text[e] == ':' || text[e] == '/') && e-p <= 12 {
					p = e
					continue
				}
				_, ok := s.handleName(tok, p, false, label, !filler)
				return ok
			}
			ok, lab := isHandleGap(r)
			if !ok {
				return false
			}
			label = label || lab
			p += sz
		}
	}
	return false
}

// handleBefore links the app word to a phone number just before it ("064 123 4567 (Viber, WhatsApp)").
func (s *scanner) handleBefore(ai int, tok appTok) {
	text := s.text
	p := tok.start
	prev := ai - 1
	for steps := 0; p > 0 && tok.start-p < 40 && steps < 20; steps++ {
		if prev >= 0 && s.apps[prev].end == p {
			p = s.apps[prev].start
			prev--
			continue
		}
		if i := s.phoneEndingAt(p); i >= 0 {
			c := s.out[i]
			s.out = append(s.out, Contact{Type: Handle, Value: tok.app + ":" + c.Value,
				Start: c.Start, End: tok.end, Text: text[c.Start:tok.end],
				Obfuscated: tok.obf || c.Obfuscated, Valid: c.Valid})
			return
		}
		switch text[p-1] {
		case ' ', '(', ',', '/', '-', '|', '&', '+', '\t':
			p--
			continue
		}
		// a filler word ("064 ... ili viber")
		q := p
		for q > 0 && isASCIILetter(text[q-1]) && p-q < 8 {
			q--
		}
		if q < p {
			if wi, ok := s.t.lookup([]byte(strings.ToLower(text[q:p]))); ok && wi.filler {
				p = q
				continue
			}
		}
		return
	}
}

// phoneAt returns the index in s.out of the phone starting at p, or -1.
func (s *scanner) phoneAt(p int) int {
	k := sort.Search(len(s.phones), func(k int) bool { return s.out[s.phones[k]].Start >= p })
	if k < len(s.phones) && s.out[s.phones[k]].Start == p {
		return s.phones[k]
	}
	return -1
}

// phoneEndingAt returns the index in s.out of a phone ending at p, or -1.
func (s *scanner) phoneEndingAt(p int) int {
	// phones do not overlap, so the one ending at p is the last one starting before p
	k := sort.Search(len(s.phones), func(k int) bool { return s.out[s.phones[k]].Start >= p })
	if k > 0 && s.out[s.phones[k-1]].End == p {
		return s.phones[k-1]
	}
	return -1
}

// handleName reads a user name at text[p:] and emits tok's handle. at is true after "@"; label
// is true after a label sign ("Snapchat: name", "TG - name"). Without "@", a name must look like a
// user name rather than a word of the sentence: digits, "_" or "." in it, a capital inside it
// ("LunaxRose"), eight letters or more, or at the end of a line after a label; and it must not be
// one of the data's not_names ("Telegram: available 24/7"). The length alone counts only when
// no filler word stands between the app and the name (not "Telegram only available"), and a label
// name also counts when the line, the sentence or a list of apps ends after it ("Kik - mila Twitter
// - @mila_xo").
func (s *scanner) handleName(tok appTok, p int, at, label, loose bool) (int, bool) {
	text := s.text
	q := p
	for q < len(text) && q-p < 40 && (isASCIILetter(text[q]) || isDigit(text[q]) || text[q] == '_' || text[q] == '.') {
		q++
	}
	for q > p && text[q-1] == '.' {
		q--
	}
	if q < len(text) && (text[q] == '@' || text[q] >= 0x80 && !at) {
		return 0, false
	}
	name := text[p:q]
	if !validHandle(name) || (!at && len(name) < 3) || s.t.phoneOnly[tok.app] {
		return 0, false
	}
	if !at {
		wi, known := s.t.words[foldWord(name)]
		if known && (wi.app != "" || wi.filler || wi.digit >= 0 || wi.notName) {
			return 0, false
		}
		looks := strings.ContainsAny(name, "_.0123456789") || innerUpper(name) || loose && len(name) >= 8
		if !looks && !(label && (lineEndsAt(text, q) || s.appAfter(q))) {
			// "Telegram: available 24/7" is prose; "Telegram: mila" at the end of a line is a name.
			return 0, false
		}
	}
	s.out = append(s.out, Contact{Type: Handle, Value: tok.app + ":" + strings.ToLower(name),
		Start: tok.start, End: q, Text: text[tok.start:q], Obfuscated: tok.obf, Valid: true})
	return q, true
}

// appAfter reports whether an app word follows text[q:] after spaces or list punctuation.
func (s *scanner) appAfter(q int) bool {
	text := s.text
	for q < len(text) && (text[q] == ' ' || text[q] == ',' || text[q] == ';' || text[q] == '|' || text[q] == '/') {
		q++
	}
	k := sort.Search(len(s.apps), func(k int) bool { return s.apps[k].start >= q })
	return k < len(s.apps) && s.apps[k].start == q
}

// innerUpper reports a capital after a small letter ("LunaxRose", "mila22XO").
func innerUpper(name string) bool {
	for i := 1; i < len(name); i++ {
		if name[i] >= 'A' && name[i] <= 'Z' && name[i-1] >= 'a' && name[i-1] <= 'z' {
			return true
		}
	}
	return false
}

// handleDigits emits tok's handle with the digits of the number at text[p:] that no region read:
// 7 to 15 digits joined by ordinary separators, not glued to letters.
func (s *scanner) handleDigits(tok appTok, p int) bool {
	text := s.text
	var buf [20]byte
	d := buf[:0]
	q, last := p, p
	for q < len(text) && len(d) <= 15 {
		c := text[q]
		if isDigit(c) {
			d = append(d, c)
			q++
			last = q
			continue
		}
		if (c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')') && q+1 < len(text) && isDigit(text[q+1]) {
			q++
			continue
		}
		break
	}
	if len(d) < 7 || len(d) > 15 || last < len(text) && isLetterRune(func() rune { r, _ := decodeRune(text, last); return r }()) {
		return false
	}
	s.out = append(s.out, Contact{Type: Handle, Value: tok.app + ":" + string(d),
		Start: tok.start, End: last, Text: text[tok.start:last], Obfuscated: tok.obf})
	return true
}

// lineEndsAt reports whether only spaces and closing punctuation follow text[q:] up to the end of the line.
func lineEndsAt(text string, q int) bool {
	for ; q < len(text); q++ {
		switch text[q] {
		case '\n', '\r':
			return true
		case ' ', '\t', '.', ',', ';', '!', ')', ']':
			continue
		}
		return false
	}
	return true
}
