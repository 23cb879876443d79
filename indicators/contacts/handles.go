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
	case ' ', '\t', '/', ',', '(', ')', '|', '&', '.', '[', ']', 0xA0, 0xFE0F, '*':
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
}

// handleAfter links the app word to the contact that follows it ("viber: 064...", "TG @name").
func (s *scanner) handleAfter(ai int, tok appTok) bool {
	text := s.text
	{
		p := tok.end
		label := false
		next := ai + 1
		for steps := 0; p < len(text) && p-tok.end < 80 && steps < 40; steps++ {
			// another app word of the same list ("Viber/WhatsApp: ...")
			if next < len(s.apps) && s.apps[next].start == p {
				p = s.apps[next].end
				next++
				continue
			}
			if ph := s.phoneAt(p); ph >= 0 {
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
				_, ok := s.handleName(tok, p+1, true)
				return ok
			}
			if isLetterRune(r) || r == '_' {
				e, _ := s.readWord(p)
				if wi, ok := s.t.lookup(s.wbuf); ok && wi.filler {
					p = e
					continue
				}
				// An unknown name in a list of apps ("vajber/vocap: 064 ..."): skip it.
				if p > 0 && text[p-1] == '/' && e < len(text) && (text[e] == ':' || text[e] == '/') && e-p <= 12 {
					p = e
					continue
				}
				if label {
					_, ok := s.handleName(tok, p, false)
					return ok
				}
				return false
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

// handleName reads a user name at text[p:] and emits tok's handle.
func (s *scanner) handleName(tok appTok, p int, at bool) (int, bool) {
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
	if !at && !strings.ContainsAny(name, "_.0123456789") && !lineEndsAt(text, q) {
		// "Telegram: available 24/7" is prose; "Telegram: mila" at the end of a line is a name.
		return 0, false
	}
	if !at {
		if wi, ok := s.t.words[foldWord(name)]; ok && (wi.app != "" || wi.filler || wi.digit >= 0) {
			return 0, false
		}
	}
	s.out = append(s.out, Contact{Type: Handle, Value: tok.app + ":" + strings.ToLower(name),
		Start: tok.start, End: q, Text: text[tok.start:q], Obfuscated: tok.obf, Valid: true})
	return q, true
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
