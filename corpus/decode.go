package corpus

import (
	"encoding/json"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Listing keys decoded by decodeValid, as bits so a repeated key is seen.
var listingKeys = map[string]uint32{
	"id": 1 << 0, "source": 1 << 1, "url": 1 << 2, "kind": 1 << 3, "title": 1 << 4, "body": 1 << 5,
	"html": 1 << 6, "employer": 1 << 7, "employer_info": 1 << 8, "location": 1 << 9, "country": 1 << 10,
	"language": 1 << 11, "posted_at": 1 << 12, "pay": 1 << 13, "contacts": 1 << 14, "images": 1 << 15,
	"fields": 1 << 16,
}

// decodeValid decodes data, which must be one valid JSON object, into l in
// a single pass: the common case of the lenient decoding that UnmarshalJSON
// describes. It reports false, leaving l to be overwritten, when the input
// needs the general path: a repeated key, a field of the wrong type (whose
// error the general path words), or anything unexpected.
func (l *Listing) decodeValid(data []byte) bool {
	*l = Listing{}
	i := skipWS(data, 0)
	if i >= len(data) || data[i] != '{' {
		return false
	}
	i = skipWS(data, i+1)
	if i < len(data) && data[i] == '}' {
		return skipWS(data, i+1) == len(data)
	}
	var seen uint32
	var unknown []string
	var fieldsRaw []byte
	for {
		if i >= len(data) || data[i] != '"' {
			return false
		}
		kEnd, ok := stringEnd(data, i)
		if !ok {
			return false
		}
		key, ok := unquote(data[i:kEnd])
		if !ok {
			return false
		}
		i = skipWS(data, kEnd)
		if i >= len(data) || data[i] != ':' {
			return false
		}
		i = skipWS(data, i+1)
		vEnd, ok := valueEnd(data, i)
		if !ok {
			return false
		}
		v := data[i:vEnd]
		if bit, known := listingKeys[key]; known {
			if seen&bit != 0 {
				return false
			}
			seen |= bit
			if !l.setKnown(key, v, &fieldsRaw) {
				return false
			}
		} else {
			for _, k := range unknown {
				if k == key {
					return false
				}
			}
			unknown = append(unknown, key)
			if l.Fields == nil {
				l.Fields = make(map[string]json.RawMessage)
			}
			l.Fields[key] = append(json.RawMessage(nil), v...)
		}
		i = skipWS(data, vEnd)
		if i >= len(data) {
			return false
		}
		if data[i] == '}' {
			if skipWS(data, i+1) != len(data) {
				return false
			}
			break
		}
		if data[i] != ',' {
			return false
		}
		i = skipWS(data, i+1)
	}
	if fieldsRaw != nil {
		// The "fields" object wins over top-level unknown keys.
		var m map[string]json.RawMessage
		if err := json.Unmarshal(fieldsRaw, &m); err != nil {
			return false
		}
		if l.Fields == nil {
			l.Fields = m
		} else {
			for k, v := range m {
				l.Fields[k] = v
			}
		}
	}
	return true
}

// setKnown sets the field named key from the JSON value v.
func (l *Listing) setKnown(key string, v []byte, fieldsRaw *[]byte) bool {
	if dst := l.textField(key); dst != nil {
		s, ok := textValue(v)
		*dst = s
		return ok
	}
	switch key {
	case "contacts":
		if len(v) > 0 && v[0] == '"' {
			s, ok := unquote(v)
			if ok && s != "" {
				l.Contacts = []string{s}
			}
			return ok
		}
		var err error
		l.Contacts, err = textsOf(v)
		return err == nil
	case "images":
		var err error
		l.Images, err = imagesOf(v)
		return err == nil
	case "fields":
		switch {
		case len(v) > 0 && v[0] == '{':
			*fieldsRaw = v
			return true
		case string(v) == "null":
			return true
		}
		return false
	}
	return false
}

// textValue is textOf for a value known to be valid JSON: a string, or a
// number or boolean kept as its literal text; null is empty.
func textValue(v []byte) (string, bool) {
	if len(v) == 0 {
		return "", false
	}
	switch v[0] {
	case '"':
		return unquote(v)
	case '{', '[':
		return "", false
	case 'n':
		if string(v) == "null" {
			return "", true
		}
	}
	return string(v), true
}

// unquote decodes the JSON string q, quotes included, as encoding/json
// does: escapes resolved, invalid UTF-8 and unpaired surrogates replaced by
// U+FFFD. q must be a valid JSON string.
func unquote(q []byte) (string, bool) {
	if len(q) < 2 || q[0] != '"' || q[len(q)-1] != '"' {
		return "", false
	}
	body := q[1 : len(q)-1]
	// Fast path: nothing to resolve or replace.
	i := 0
	for i < len(body) {
		c := body[i]
		if c == '\\' || c == '"' || c < 0x20 {
			break
		}
		if c < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(body[i:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		i += size
	}
	if i == len(body) {
		return string(body), true
	}
	b := make([]byte, i, len(body)+2*utf8.UTFMax)
	copy(b, body[:i])
	for i < len(body) {
		c := body[i]
		switch {
		case c == '\\':
			if i+1 >= len(body) {
				return "", false
			}
			switch body[i+1] {
			case '"', '\\', '/', '\'':
				b = append(b, body[i+1])
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				rr := getu4(body[i:])
				if rr < 0 {
					return "", false
				}
				i += 6
				if utf16.IsSurrogate(rr) {
					rr1 := getu4(body[i:])
					if dec := utf16.DecodeRune(rr, rr1); dec != unicode.ReplacementChar {
						i += 6
						b = utf8.AppendRune(b, dec)
						continue
					}
					rr = unicode.ReplacementChar
				}
				b = utf8.AppendRune(b, rr)
				continue
			default:
				return "", false
			}
			i += 2
		case c == '"' || c < 0x20:
			return "", false
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, size := utf8.DecodeRune(body[i:])
			i += size
			b = utf8.AppendRune(b, r) // RuneError for invalid bytes, as encoding/json
		}
	}
	return string(b), true
}

// getu4 decodes \uXXXX at the start of s, or returns -1.
func getu4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c = c - '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the index after the closing quote of the string that
// starts at b[i].
func stringEnd(b []byte, i int) (int, bool) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1, true
		}
	}
	return 0, false
}

// valueEnd returns the index after the JSON value that starts at b[i].
func valueEnd(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				e, ok := stringEnd(b, j)
				if !ok {
					return 0, false
				}
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, true
				}
			}
		}
		return 0, false
	}
	j := i
	for j < len(b) {
		switch b[j] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return j, j > i
		}
		j++
	}
	return j, j > i
}
