package stats

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/redthread/redthread/corpus"
)

// errFallback means the fast reader met something it does not handle (an
// escaped key, a number that is not a plain integer, a field of another
// type, a key in another case); the line is then decoded by encoding/json.
var errFallback = errors.New("fast path not applicable")

// jscan reads the few fields aggregation needs from one JSON object and
// skips the rest (listing texts, evidence, explanations) without decoding
// them: most of a result line is skipped at memory speed. Skipped values
// are checked for balanced brackets and closed strings only.
type jscan struct {
	b []byte
	i int
	// in interns the values of low-cardinality fields (kinds, levels,
	// indicator IDs, countries, dates) so that they are allocated once per
	// worker, not once per line; nil disables interning.
	in map[string]string
}

// maxInterned caps the interned strings of one reader.
const maxInterned = 1 << 16

func (s *jscan) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *jscan) peek() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *jscan) expect(c byte) error {
	s.ws()
	if s.peek() != c {
		return errFallback
	}
	s.i++
	return nil
}

// stringEnd returns the index after the closing quote of the string that
// starts at s.i, and whether it holds an escape. Control characters inside
// the string are not checked.
func (s *jscan) stringEnd() (int, bool, error) {
	esc := false
	j := s.i + 1
	for {
		k := bytes.IndexByte(s.b[j:], '"')
		if k < 0 {
			return 0, false, errFallback
		}
		q := j + k
		if bytes.IndexByte(s.b[j:q], '\\') >= 0 {
			esc = true
			// the quote is escaped when an odd run of backslashes precedes it
			n := 0
			for p := q - 1; p > s.i && s.b[p] == '\\'; p-- {
				n++
			}
			if n%2 == 1 {
				j = q + 1
				continue
			}
		}
		return q + 1, esc, nil
	}
}

// str reads a string or null (as "").
func (s *jscan) str() (string, error) {
	s.ws()
	switch s.peek() {
	case 'n':
		return "", s.lit("null")
	case '"':
	default:
		return "", errFallback
	}
	end, esc, err := s.stringEnd()
	if err != nil {
		return "", err
	}
	raw := s.b[s.i:end]
	s.i = end
	if !esc {
		return string(raw[1 : len(raw)-1]), nil
	}
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", errFallback
	}
	return v, nil
}

// istr is str for low-cardinality values, interned.
func (s *jscan) istr() (string, error) {
	s.ws()
	if s.in == nil || s.peek() != '"' {
		return s.str()
	}
	end, esc, err := s.stringEnd()
	if err != nil || esc {
		return s.str()
	}
	raw := s.b[s.i+1 : end-1]
	if v, ok := s.in[string(raw)]; ok {
		s.i = end
		return v, nil
	}
	v := string(raw)
	s.i = end
	if len(s.in) < maxInterned {
		s.in[v] = v
	}
	return v, nil
}

func (s *jscan) lit(w string) error {
	if !strings.HasPrefix(string(s.b[s.i:min(len(s.b), s.i+len(w))]), w) {
		return errFallback
	}
	s.i += len(w)
	return nil
}

// skip passes over one value of any type.
func (s *jscan) skip() error {
	s.ws()
	var stack []byte
	for {
		if s.i >= len(s.b) {
			return errFallback
		}
		c := s.b[s.i]
		switch {
		case c == '"':
			end, _, err := s.stringEnd()
			if err != nil {
				return err
			}
			s.i = end
		case c == '{' || c == '[':
			stack = append(stack, c+2) // '}' is '{'+2, ']' is '['+2
			s.i++
		case c == '}' || c == ']':
			if len(stack) == 0 || stack[len(stack)-1] != c {
				return errFallback
			}
			stack = stack[:len(stack)-1]
			s.i++
		case c == ',' || c == ':' || c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if len(stack) == 0 {
				return nil
			}
			s.i++
		default: // numbers, true, false, null
			if len(stack) == 0 {
				for s.i < len(s.b) && !strings.ContainsRune(",}] \t\r\n", rune(s.b[s.i])) {
					s.i++
				}
				return nil
			}
			s.i++
		}
		if len(stack) == 0 {
			return nil
		}
	}
}

// object calls field for each key of an object (or does nothing for null).
func (s *jscan) object(field func(key []byte) error) error {
	s.ws()
	if s.peek() == 'n' {
		return s.lit("null")
	}
	if err := s.expect('{'); err != nil {
		return err
	}
	s.ws()
	if s.peek() == '}' {
		s.i++
		return nil
	}
	for {
		s.ws()
		if s.peek() != '"' {
			return errFallback
		}
		end, esc, err := s.stringEnd()
		if err != nil || esc {
			return errFallback
		}
		key := s.b[s.i+1 : end-1]
		s.i = end
		if err := s.expect(':'); err != nil {
			return err
		}
		if err := field(key); err != nil {
			return err
		}
		s.ws()
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			return nil
		default:
			return errFallback
		}
	}
}

// array calls elem for each element of an array (or nothing for null).
func (s *jscan) array(elem func() error) error {
	s.ws()
	if s.peek() == 'n' {
		return s.lit("null")
	}
	if err := s.expect('['); err != nil {
		return err
	}
	s.ws()
	if s.peek() == ']' {
		s.i++
		return nil
	}
	for {
		if err := elem(); err != nil {
			return err
		}
		s.ws()
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			return nil
		default:
			return errFallback
		}
	}
}

// known reports whether key is one of names, and refuses (errFallback) a
// key that matches one only case-insensitively, which encoding/json would
// accept.
func known(key []byte, names ...string) (bool, error) {
	for _, n := range names {
		if string(key) == n {
			return true, nil
		}
		if bytes.EqualFold(key, []byte(n)) {
			return false, errFallback
		}
	}
	return false, nil
}

// parseFast reads the aggregation fields of data into r (and l, for the
// listing) or returns errFallback.
func parseFast(data []byte, r *corpus.Result, l *corpus.Listing, in map[string]string) error {
	s := &jscan{b: data, in: in}
	hits := r.Indicators[:0]
	*r = corpus.Result{}
	var hasListing, seenHits, seenListing, hasHits bool
	err := s.object(func(key []byte) error {
		var err error
		switch string(key) {
		case "id":
			r.ID, err = s.str()
		case "kind":
			r.Kind, err = s.istr()
		case "level":
			r.Level, err = s.istr()
		case "language":
			r.Language, err = s.istr()
		case "rule_pack":
			r.RulePack, err = s.istr()
		case "source":
			r.Source, err = s.istr()
		case "country":
			r.Country, err = s.istr()
		case "posted_at":
			r.PostedAt, err = s.istr()
		case "revised":
			s.ws()
			if s.peek() == 't' {
				r.Revised, err = true, s.lit("true")
			} else if s.peek() == 'f' {
				err = s.lit("false")
			} else {
				err = errFallback
			}
		case "score":
			s.ws()
			st := s.i
			for s.i < len(s.b) && (s.b[s.i] == '-' || (s.b[s.i] >= '0' && s.b[s.i] <= '9')) {
				s.i++
			}
			if string(s.b[st:s.i]) == "" && s.lit("null") == nil {
				r.Score = 0
				return nil
			}
			n, perr := strconv.Atoi(string(s.b[st:s.i]))
			if perr != nil || (s.i < len(s.b) && strings.ContainsRune(".eE", rune(s.b[s.i]))) {
				return errFallback
			}
			r.Score = n
		case "indicators":
			if seenHits { // encoding/json merges repeated keys in its own way
				return errFallback
			}
			seenHits = true
			s.ws()
			hasHits = s.peek() != 'n'
			err = s.array(func() error {
				var h corpus.Hit
				err := s.object(func(key []byte) error {
					switch string(key) {
					case "id":
						var err error
						h.ID, err = s.istr()
						return err
					case "linked":
						h.Linked = nil
						return s.array(func() error {
							v, err := s.str()
							h.Linked = append(h.Linked, v)
							return err
						})
					}
					if _, err := known(key, "id", "linked"); err != nil {
						return err
					}
					return s.skip()
				})
				hits = append(hits, h)
				return err
			})
		case "listing":
			if seenListing {
				return errFallback
			}
			seenListing = true
			s.ws()
			if s.peek() == 'n' {
				hasListing = false
				return s.lit("null")
			}
			hasListing = true
			*l = corpus.Listing{}
			err = s.object(func(key []byte) error {
				var err error
				switch string(key) {
				case "source":
					l.Source, err = s.istr()
				case "country":
					l.Country, err = s.istr()
				case "language":
					l.Language, err = s.istr()
				case "kind":
					l.Kind, err = s.istr()
				case "posted_at":
					l.PostedAt, err = s.istr()
				default:
					if _, err := known(key, "source", "country", "language", "kind", "posted_at"); err != nil {
						return err
					}
					return s.skip()
				}
				return err
			})
		default:
			if _, err := known(key, "id", "kind", "level", "language", "rule_pack", "score", "indicators", "listing",
				"source", "country", "posted_at", "revised"); err != nil {
				return err
			}
			err = s.skip()
		}
		return err
	})
	if err != nil {
		return err
	}
	s.ws()
	if s.i != len(s.b) {
		return errFallback
	}
	r.Indicators = hits
	if hasListing {
		r.Listing = l
	}
	if !hasHits && !hasListing && r.Level == "" {
		return corpus.ErrNotResult
	}
	return nil
}
