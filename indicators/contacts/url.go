package contacts

import (
	"strings"

	"github.com/nyaruka/phonenumbers"
)

func isURLByte(c byte) bool {
	if c <= ' ' || c >= 0x7f {
		return false
	}
	switch c {
	case '<', '>', '"', '`', '{', '}', '|', '\\', '^':
		return false
	}
	return true
}

// urlEnd extends a URL from i and trims trailing punctuation.
func urlEnd(text string, i int) int {
	j := i
	for j < len(text) && isURLByte(text[j]) {
		j++
	}
	for j > i {
		c := text[j-1]
		if c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\'' || c == '*' {
			j--
			continue
		}
		if c == ')' && strings.Count(text[i:j], "(") < strings.Count(text[i:j], ")") {
			j--
			continue
		}
		break
	}
	return j
}

// urlStart marks the bytes at which scanURLs looks closer.
var urlStart = [256]bool{':': true, '/': true, 'w': true, 'W': true}

// scanURLs finds http(s) links, www. addresses and bare domains with a path. Links to
// messenger profiles (t.me/name, wa.me/number, ...) become handles.
func (s *scanner) scanURLs() {
	text := s.text
	em := 0 // e-mail masks are sorted; URL starts only grow
	for i := 0; i < len(text); i++ {
		c := text[i]
		if !urlStart[c] {
			continue
		}
		start := -1
		switch {
		case c == ':' && i+2 < len(text) && text[i+1] == '/' && text[i+2] == '/':
			k := i
			for k > 0 && isASCIILetter(text[k-1]) && i-k < 6 {
				k--
			}
			sch := strings.ToLower(text[k:i])
			if (sch == "http" || sch == "https") && (k == 0 || !isLabelChar(text[k-1])) {
				start = k
			}
		case (c == 'w' || c == 'W') && hasFoldPrefix(text[i:], "www.") && (i == 0 || !isLocalChar(text[i-1]) && text[i-1] != '/' && text[i-1] != '@'):
			start = i
		case c == '/':
			start = s.bareDomainStart(i)
		}
		if start < 0 || s.emailMasked(start, &em) {
			continue
		}
		end := urlEnd(text, start)
		if !hasHost(text[start:end]) {
			continue
		}
		s.emitURL(start, end)
		i = end - 1
	}
}

// bareDomainStart returns the start of a bare domain ending just before the slash at i
// ("rabota.pl/oferta"), or -1.
func (s *scanner) bareDomainStart(i int) int {
	text := s.text
	k := i
	for k > 0 && (isLabelChar(text[k-1]) || text[k-1] == '.') && i-k < 100 {
		k--
	}
	if k == i || (k > 0 && (text[k-1] == '@' || text[k-1] == '/' || text[k-1] == ':' || text[k-1] == '_' || text[k-1] >= 0x80)) {
		return -1
	}
	dom := text[k:i]
	dot := strings.LastIndexByte(dom, '.')
	if dot <= 0 || dot == len(dom)-1 || dom[0] == '.' || !isASCIILetter(dom[0]) && !isDigit(dom[0]) {
		return -1
	}
	tld := dom[dot+1:]
	var b [24]byte
	if len(tld) > len(b) {
		return -1
	}
	for j := 0; j < len(tld); j++ {
		b[j] = tld[j] | 0x20
	}
	if !s.t.tlds[string(b[:len(tld)])] {
		return -1
	}
	if i+1 >= len(text) || !isURLByte(text[i+1]) {
		return -1
	}
	return k
}

var reservedPaths = map[string]bool{
	"p": true, "reel": true, "reels": true, "explore": true, "stories": true, "tv": true,
	"accounts": true, "share": true, "joinchat": true, "s": true, "c": true, "add": true,
	"login": true, "signup": true, "about": true, "help": true,
	"pages": true, "profile.php": true, "groups": true, "events": true, "home": true, "search": true,
	"hashtag": true, "intent": true, "i": true, "watch": true, "photo.php": true, "permalink.php": true,
	"story.php": true, "sharer": true, "sharer.php": true, "dialog": true, "people": true, "home.php": true,
}

// emitURL records the URL text[start:end], as a handle when it links to a messenger profile.
func (s *scanner) emitURL(start, end int) {
	text := s.text
	raw := text[start:end]
	low := strings.ToLower(raw)
	rest := strings.TrimPrefix(strings.TrimPrefix(low, "https://"), "http://")
	restOff := len(low) - len(rest)
	hasScheme := restOff > 0
	if strings.HasPrefix(rest, "www.") {
		rest = rest[4:]
		restOff += 4
	}
	s.masks = append(s.masks, span{start, end})
	for _, up := range s.t.urls {
		if !strings.HasPrefix(rest, up.prefix) {
			continue
		}
		nameOff := restOff + len(up.prefix)
		name := low[nameOff:]
		if k := strings.IndexAny(name, "/?#&"); k >= 0 {
			name = name[:k]
		}
		name = strings.TrimLeft(name, "@~")
		if name == "" || reservedPaths[name] || strings.HasPrefix(name, "+") && !allDigits(name[1:]) {
			break
		}
		if allDigits(strings.TrimPrefix(name, "+")) {
			digits := strings.TrimPrefix(name, "+")
			if len(digits) < 7 || len(digits) > 17 {
				break
			}
			num, err := phonenumbers.Parse("+"+digits, "ZZ")
			if err != nil || phonenumbers.IsPossibleNumberWithReason(num) != phonenumbers.IS_POSSIBLE {
				break
			}
			e164 := phonenumbers.Format(num, phonenumbers.E164)
			ds := start + nameOff + strings.Index(low[nameOff:], name)
			de := ds + len(name)
			s.phones = append(s.phones, len(s.out))
			s.out = append(s.out, Contact{Type: Phone, Value: e164, Start: ds, End: de,
				Text: text[ds:de], Valid: phonenumbers.IsValidNumber(num)})
			s.out = append(s.out, Contact{Type: Handle, Value: up.app + ":" + e164, Start: start, End: end,
				Text: raw, Valid: true})
			return
		}
		if !validHandle(name) {
			break
		}
		s.out = append(s.out, Contact{Type: Handle, Value: up.app + ":" + name, Start: start, End: end,
			Text: raw, Valid: true})
		return
	}
	v := raw
	if !hasScheme {
		v = "https://" + raw
	}
	s.out = append(s.out, Contact{Type: URL, Value: v, Start: start, End: end, Text: raw, Valid: true})
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// validHandle reports whether name looks like a messenger user name.
func validHandle(name string) bool {
	if len(name) < 2 || len(name) > 32 {
		return false
	}
	letter := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case isASCIILetter(c):
			letter = true
		case isDigit(c) || c == '_' || c == '.':
		default:
			return false
		}
	}
	return letter
}

// hasHost reports whether the URL has a host name with a dot ("x.com"), after any scheme.
func hasHost(u string) bool {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	if u == "" || !isLabelChar(u[0]) {
		return false
	}
	if i := strings.IndexAny(u, "/?#"); i >= 0 {
		u = u[:i]
	}
	d := strings.LastIndexByte(u, '.')
	return d > 0 && d < len(u)-1 && isASCIILetter(u[d+1])
}

// emailMasked reports whether p lies in an e-mail span; *k walks the sorted e-mail masks.
func (s *scanner) emailMasked(p int, k *int) bool {
	ms := s.masks[:s.urlMaskFrom]
	for *k < len(ms) && ms[*k].end <= p {
		*k++
	}
	return *k < len(ms) && ms[*k].start <= p
}

// ExtractURL returns the phone numbers carried in a listing's own address: in its host labels
// ("555-0134.example.com") and in the words of its path ("/call-555-0134-ask-for-mila/"), read in
// the regions given as ExtractIn does. Path segments made of digits alone are post IDs, and the
// query and fragment are ignored. Spans are byte offsets into u.
func (e *Extractor) ExtractURL(u string, regions []string) []Contact {
	if u == "" || len(u) > 4096 {
		return nil
	}
	b := []byte(u)
	start := 0
	if i := strings.Index(u, "://"); i >= 0 && i < 10 {
		start = i + 3
	}
	for k := 0; k < start; k++ {
		b[k] = ' '
	}
	hostEnd := len(b)
	if i := strings.IndexByte(u[start:], '/'); i >= 0 {
		hostEnd = start + i
	}
	for k := start; k < len(b); k++ {
		c := b[k]
		switch {
		case c == '?' || c == '#':
			for ; k < len(b); k++ {
				b[k] = ' '
			}
		case c == '/' || (c == '.' && k < hostEnd) || c == '&' || c == '=' || c == ':' || c == '@':
			b[k] = '\n'
		case c == '-' || c == '_' || c == '+' && k > 0 && u[k-1] != '/':
			// A plus starts an international number only at the start of a segment.
			b[k] = ' '
		case c == '%' && k+2 < len(b) && isHexByte(b[k+1]) && isHexByte(b[k+2]):
			b[k], b[k+1], b[k+2] = ' ', ' ', ' '
			k += 2
		}
	}
	// Path segments of digits alone are post IDs.
	for k := hostEnd; k < len(b); {
		if b[k] != '\n' {
			k++
			continue
		}
		j := k + 1
		for j < len(b) && b[j] != '\n' {
			j++
		}
		if allDigits(strings.TrimSpace(string(b[k+1 : j]))) {
			for m := k + 1; m < j; m++ {
				b[m] = ' '
			}
		}
		k = j
	}
	var out []Contact
	for _, c := range e.ExtractIn(string(b), regions) {
		if c.Type != Phone {
			continue
		}
		c.Text = u[c.Start:c.End]
		out = append(out, c)
	}
	return out
}

func isHexByte(c byte) bool { return isDigit(c) || (c|0x20) >= 'a' && (c|0x20) <= 'f' }
