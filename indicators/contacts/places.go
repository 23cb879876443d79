package contacts

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// Place is a place name found in a text, with the countries it may be in, most likely first.
type Place struct {
	Start, End int    // byte span in the text
	Name       string // text[Start:End]
	Countries  []string
}

var (
	regionsOnce sync.Once
	regionSet   map[string]bool
)

// knownRegion reports whether libphonenumber has a numbering plan for the region code.
func knownRegion(cc string) bool {
	regionsOnce.Do(func() { regionSet = phonenumbers.GetSupportedRegions() })
	return regionSet[cc]
}

// foldPlace folds a place name for lookup: lower case, no diacritics, spaces, dots, dashes or
// apostrophes. It returns "" when the name holds anything but letters and digits after that.
func foldPlace(s string) string {
	f := foldWord(s)
	for _, r := range f {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return ""
		}
	}
	return f
}

// placeTables are the compiled places and top-level domain sections. The embedded ones are built
// once and shared by every Extractor (shared is then true); a data file with such sections given to
// Load works on a copy.
type placeTables struct {
	places     map[string][]string // folded place name -> countries, most likely first
	hostPlace  map[string][]string // the same for names counted only as URL host labels
	placeFirst [256]bool           // first bytes of folded place names
	tldRegion  map[string]string   // country-code TLD -> region, "" for generic ones
	shared     bool
}

func newPlaceTables() *placeTables {
	return &placeTables{places: map[string][]string{}, hostPlace: map[string][]string{}, tldRegion: map[string]string{}}
}

// clone returns an unshared deep copy.
func (t *placeTables) clone() *placeTables {
	c := &placeTables{places: make(map[string][]string, len(t.places)), hostPlace: make(map[string][]string, len(t.hostPlace)),
		tldRegion: maps.Clone(t.tldRegion), placeFirst: t.placeFirst}
	for k, v := range t.places {
		c.places[k] = slices.Clone(v)
	}
	for k, v := range t.hostPlace {
		c.hostPlace[k] = slices.Clone(v)
	}
	return c
}

// hasPlaces reports whether the file has a places or top-level domain section.
func (d *DataFile) hasPlaces() bool {
	return len(d.Places)+len(d.HostPlaces)+len(d.PlaceOrder)+len(d.TLDRegions)+len(d.GenericTLDs) > 0
}

// merge adds the places and top-level domain sections of a data file.
func (t *placeTables) merge(name string, d *DataFile) error {
	// The countries a file lists for a name come first, in the file's order: a later, hand-made
	// file ranks a name it shares with a generated one ("Virginia": US before ZA).
	mine := map[string][]string{}
	add := func(section string, list []PlaceData, m map[string][]string, text bool) error {
		for i, p := range list {
			cc := strings.ToUpper(strings.TrimSpace(p.Country))
			if !knownRegion(cc) {
				return fmt.Errorf("%s: %s[%d]: %q is not a region code with a numbering plan", name, section, i, p.Country)
			}
			for _, n := range p.Names {
				f := foldPlace(n)
				if f == "" {
					return fmt.Errorf("%s: %s[%d] (%s): name %q has no letters or has other signs", name, section, i, cc, n)
				}
				if !slices.Contains(mine[f], cc) {
					mine[f] = append(mine[f], cc)
				}
				if !slices.Contains(m[f], cc) {
					m[f] = append(m[f], cc)
				}
				if text {
					t.placeFirst[f[0]] = true
				}
			}
		}
		return nil
	}
	if err := add("places", d.Places, t.places, true); err != nil {
		return err
	}
	for f, cs := range mine {
		t.places[f] = orderCountries(t.places[f], cs)
	}
	clear(mine)
	if err := add("host_places", d.HostPlaces, t.hostPlace, false); err != nil {
		return err
	}
	for f, cs := range mine {
		t.hostPlace[f] = orderCountries(t.hostPlace[f], cs)
	}
	for n, order := range d.PlaceOrder {
		f := foldPlace(n)
		if f == "" {
			return fmt.Errorf("%s: place_order: name %q has no letters or has other signs", name, n)
		}
		for _, cc := range order {
			if !knownRegion(strings.ToUpper(cc)) {
				return fmt.Errorf("%s: place_order: %q: %q is not a region code with a numbering plan", name, n, cc)
			}
		}
		for _, m := range []map[string][]string{t.places, t.hostPlace} {
			if cs, ok := m[f]; ok {
				m[f] = orderCountries(cs, order)
			}
		}
	}
	for tld, cc := range d.TLDRegions {
		tld = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(tld), "."))
		cc = strings.ToUpper(strings.TrimSpace(cc))
		if tld == "" || !knownRegion(cc) {
			return fmt.Errorf("%s: tld_regions: %q: %q is not a region code with a numbering plan", name, tld, cc)
		}
		t.tldRegion[tld] = cc
	}
	for _, tld := range d.GenericTLDs {
		tld = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(tld), "."))
		if tld != "" {
			t.tldRegion[tld] = ""
		}
	}
	return nil
}

// orderCountries returns cs with the countries of order first, in that order.
func orderCountries(cs, order []string) []string {
	out := make([]string, 0, len(cs))
	for _, c := range order {
		c = strings.ToUpper(c)
		if slices.Contains(cs, c) && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	for _, c := range cs {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// TLDRegion returns the region of a country-code top-level domain ("au" -> "AU", "uk" -> "GB");
// ok is false for generic domains (.com, and country codes used worldwide such as .co or .tv).
func (e *Extractor) TLDRegion(tld string) (region string, ok bool) {
	tld = strings.ToLower(strings.TrimPrefix(tld, "."))
	if r, found := e.t.pl.tldRegion[tld]; found {
		return r, r != ""
	}
	if len(tld) != 2 {
		return "", false
	}
	cc := strings.ToUpper(tld)
	return cc, knownRegion(cc)
}

// PlaceCountries returns the countries of one place name written alone, such as a URL host
// label ("melbourne", "kansas-city", "sf"), most likely first; nil when the name is unknown.
func (e *Extractor) PlaceCountries(name string) []string {
	if name == "" {
		return nil
	}
	f := foldWord(name)
	if cs, ok := e.t.pl.places[f]; ok {
		return cs
	}
	return e.t.pl.hostPlace[f]
}

// maxPlaceWords is the most words a place name is made of ("west palm beach").
const maxPlaceWords = 4

// FindPlaces returns the place names of the data files that occur in text as whole words, left
// to right, the longest at each position ("New York City" rather than "New York"). Names of
// three letters or fewer count only when written in capitals ("UK", "NYC").
func (e *Extractor) FindPlaces(text string) []Place {
	initFold()
	var out []Place
	type word struct{ start, end int }
	var ws [maxPlaceWords]word
	var key []byte
	var keyBuf [96]byte
	for i := 0; i < len(text); {
		r, sz := decodeRune(text, i)
		if !isLetterRune(r) {
			i += sz
			continue
		}
		// Collect up to maxPlaceWords words from i, joined by short separators.
		n := 0
		p := i
		for n < maxPlaceWords {
			end := placeWordEnd(text, p)
			ws[n] = word{p, end}
			n++
			q := end
			for q < len(text) && q-end < 3 && isPlaceSep(text[q]) {
				q++
			}
			if q == end || q >= len(text) {
				break
			}
			if r2, _ := decodeRune(text, q); !isLetterRune(r2) {
				break
			}
			p = q
		}
		first := ws[0].end
		// Longest match first.
		key = keyBuf[:0]
		lens := [maxPlaceWords]int{}
		for k := 0; k < n; k++ {
			for _, r := range text[ws[k].start:ws[k].end] {
				if isMark(r) {
					continue
				}
				key = appendRune(key, foldRune(r))
			}
			lens[k] = len(key)
		}
		matched := false
		if len(key) > 0 && e.t.pl.placeFirst[key[0]] {
			for k := n - 1; k >= 0; k-- {
				cs, ok := e.t.pl.places[string(key[:lens[k]])]
				if !ok {
					continue
				}
				s, end := ws[0].start, ws[k].end
				if utf8.RuneCount(key[:lens[k]]) <= 3 && !allUpper(text[s:end]) {
					continue
				}
				out = append(out, Place{Start: s, End: end, Name: text[s:end], Countries: cs})
				i = end
				matched = true
				break
			}
		}
		if !matched {
			i = first
		}
	}
	return out
}

// placeWordEnd returns the end of the word of letters (with inner apostrophes and marks) at text[i:].
func placeWordEnd(text string, i int) int {
	j := i
	for j < len(text) {
		r, sz := decodeRune(text, j)
		if isLetterRune(r) || (j > i && isMark(r) && r != '\'') {
			j += sz
			continue
		}
		if r == '\'' && j > i && j+1 < len(text) {
			if r2, _ := decodeRune(text, j+1); isLetterRune(r2) {
				j += sz
				continue
			}
		}
		break
	}
	return j
}

// isPlaceSep reports bytes that may join the words of one place name ("St. Louis", "Cluj-Napoca").
func isPlaceSep(c byte) bool { return c == ' ' || c == '.' || c == '-' || c == '_' }

// allUpper reports whether every letter of s is a capital, and there are at least two.
func allUpper(s string) bool {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			if !unicode.IsUpper(r) {
				return false
			}
			n++
		}
	}
	return n >= 2
}
