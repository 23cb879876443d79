// Package contacts finds contact details in the free text of job ads and escort listings:
// phone numbers, e-mail addresses, messenger handles and web addresses, including disguised
// ones ("six one seven - 5five5", "name at gmail dot com", "w.h.a.t.s.a.p.p", emoji digits),
// and normalizes them so the same contact written two ways compares equal (phones in E.164).
//
// Phone numbers are found by the package's own candidate scanner and normalized with
// github.com/nyaruka/phonenumbers. The scanner is conservative: prices, dates, ages, times and
// measurements are not phones, because a false phone links unrelated people.
//
// Word lists are embedded YAML data files under data/, each with its sources and date, in the
// DataFile format; Load and LoadFiles merge a user's own files into them:
//
//   - digits.yaml: number words by language and digit (en, it, el, sr, sr-Cyrl, sq, ro, uk, ru,
//     es, de, fr, pl, bg, vi), matched without case, diacritics or apostrophes;
//   - apps.yaml: messenger apps with their aliases, profile-link prefixes and whether they are
//     reached by phone only, plus filler words allowed between an app name and its contact;
//   - freemail.yaml: free web-mail domains (IsFreeMail);
//   - context.yaml: words that make a neighbouring number a price, measure, age or ID, and the
//     top-level domains accepted for bare web addresses.
//
// Phone candidates are runs of digits and recovered digits (number words, keycap emoji,
// fullwidth, circled and mathematical digits, O/l/I between digits) joined by at most three
// separator characters on one line. A run is dropped when it is shaped like a date, a time range,
// a price, a list of ages or sizes, when a currency or unit word follows it, or when it is glued to
// ordinary letters ("170cm", "19yo"). What is left is parsed with the listing's region; numbers
// written without a country code or trunk prefix must be valid, the others only possible.
package contacts

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Type is the kind of a contact.
type Type string

// Contact types.
const (
	Phone  Type = "phone"  // value in E.164, e.g. "+381641234567"
	Email  Type = "email"  // lower-cased address
	Handle Type = "handle" // "app:name", e.g. "telegram:rabota_pl" or "whatsapp:+447700900123"
	URL    Type = "url"    // as written, with a scheme added if missing
)

// Contact is one contact detail found in a text.
type Contact struct {
	// Type is the kind of contact.
	Type Type `json:"type"`
	// Value is the normalized contact: E.164 for phones, lower-case for e-mails,
	// "app:name" or "app:+E164" for handles, the address with a scheme for URLs.
	Value string `json:"value"`
	// Start and End are the byte offsets of the matched span in the input text.
	Start, End int `json:"-"`
	// Text is the original text of the span, text[Start:End].
	Text string `json:"-"`
	// Obfuscated is true when the contact was recovered from a disguised form.
	Obfuscated bool `json:"-"`
	// Valid is, for phones, phonenumbers.IsValidNumber; possible but invalid numbers are kept
	// with Valid false. It is true for other types.
	Valid bool `json:"-"`
	// Region is, for phones written without a country code, the region whose numbering plan
	// read them; "" otherwise.
	Region string `json:"-"`
}

// Extractor finds contacts in text. It is built once and is safe for concurrent use.
type Extractor struct {
	t    *tables
	pool sync.Pool
}

// New returns an Extractor built from the embedded data files.
func New() (*Extractor, error) { return Load() }

// Load returns an Extractor built from the embedded data files merged with extra YAML files in
// the DataFile format (for example a user's own number words, app aliases or free-mail domains).
func Load(extra ...io.Reader) (*Extractor, error) {
	initFold()
	embOnce.Do(loadEmbedded)
	if embErr != nil {
		return nil, embErr
	}
	t := newTables()
	t.pl = embPlaces
	for i, d := range embFiles {
		if err := t.merge(embNames[i], d); err != nil {
			return nil, fmt.Errorf("load contacts data: %w", err)
		}
	}
	for i, r := range extra {
		n := fmt.Sprintf("extra file %d", i+1)
		d, err := parseData(n, r)
		if err != nil {
			return nil, err
		}
		if err := t.merge(n, d); err != nil {
			return nil, fmt.Errorf("load contacts data: %w", err)
		}
		if d.hasPlaces() {
			if t.pl.shared {
				t.pl = t.pl.clone()
			}
			if err := t.pl.merge(n, d); err != nil {
				return nil, fmt.Errorf("load contacts data: %w", err)
			}
		}
	}
	e := &Extractor{t: t}
	e.pool.New = func() any { return &scanner{} }
	return e, nil
}

// The embedded data files, parsed once; their places (the largest part) are compiled once and
// shared by every Extractor.
var (
	embOnce   sync.Once
	embNames  []string
	embFiles  []*DataFile
	embPlaces *placeTables
	embErr    error
)

func loadEmbedded() {
	initFold()
	names, err := fs.Glob(dataFS, "data/*.yaml")
	if err != nil {
		embErr = fmt.Errorf("list embedded contacts data: %w", err)
		return
	}
	sort.Strings(names)
	pl := newPlaceTables()
	for _, n := range names {
		b, err := dataFS.ReadFile(n)
		if err != nil {
			embErr = fmt.Errorf("read embedded contacts data %s: %w", n, err)
			return
		}
		d, err := parseData(n, bytes.NewReader(b))
		if err != nil {
			embErr = err
			return
		}
		if err := pl.merge(n, d); err != nil {
			embErr = fmt.Errorf("load contacts data: %w", err)
			return
		}
		embNames = append(embNames, n)
		embFiles = append(embFiles, d)
	}
	pl.shared = true
	embPlaces = pl
}

// LoadFiles is Load with the extra data files given by path.
func LoadFiles(paths ...string) (*Extractor, error) {
	rs := make([]io.Reader, 0, len(paths))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("load contacts data: %w", err)
		}
		rs = append(rs, bytes.NewReader(b))
	}
	return Load(rs...)
}

var (
	defaultOnce sync.Once
	defaultExt  *Extractor
	defaultErr  error
)

// Default returns a shared Extractor built from the embedded data.
func Default() (*Extractor, error) {
	defaultOnce.Do(func() { defaultExt, defaultErr = New() })
	return defaultExt, defaultErr
}

// IsFreeMail reports whether the e-mail address (or bare domain) belongs to a free web-mail
// provider listed in the embedded data (gmail.com, yahoo.com, mail.ru, abv.bg, ukr.net, ...).
func IsFreeMail(email string) bool {
	e, err := Default()
	if err != nil {
		return false
	}
	return e.IsFreeMail(email)
}

// IsFreeMail reports whether the e-mail address (or bare domain) belongs to a free web-mail
// provider in the extractor's data.
func (e *Extractor) IsFreeMail(email string) bool {
	d := email
	if i := strings.LastIndexByte(d, '@'); i >= 0 {
		d = d[i+1:]
	}
	d = strings.ToLower(strings.TrimSpace(d))
	return e.t.freeMail[d]
}

// Apps returns the sorted ids of the messenger apps the extractor knows.
func (e *Extractor) Apps() []string {
	out := make([]string, 0, len(e.t.appSet))
	for a := range e.t.appSet {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// Extract returns the contacts found in text, sorted by Start. region is the ISO 3166-1 alpha-2
// code of the listing's country, used for phone numbers written without a country code; it may be
// empty, in which case only numbers with an international prefix are returned.
func (e *Extractor) Extract(text, region string) []Contact {
	if region == "" {
		return e.ExtractIn(text, nil)
	}
	rs := [1]string{region}
	return e.ExtractIn(text, rs[:])
}

// ExtractIn is Extract with several candidate regions, most likely first, for a listing whose
// country is not known for sure (see FindPlaces): a number written without a country code is
// read in the first region where it is a phone number, and after the first region it must be a
// valid one. Contact.Region tells which region read it.
func (e *Extractor) ExtractIn(text string, regions []string) []Contact {
	s := e.pool.Get().(*scanner)
	s.reset(e.t, text, regions)
	s.run()
	var out []Contact
	if len(s.out) > 0 {
		out = make([]Contact, len(s.out))
		copy(out, s.out)
		slices.SortFunc(out, func(a, b Contact) int {
			if c := cmp.Compare(a.Start, b.Start); c != 0 {
				return c
			}
			if c := cmp.Compare(a.End, b.End); c != 0 {
				return c
			}
			if c := cmp.Compare(a.Type, b.Type); c != 0 {
				return c
			}
			return cmp.Compare(a.Value, b.Value)
		})
		// Drop exact duplicates (same type, value and span).
		w := 0
		for i := range out {
			if w > 0 && out[w-1].Type == out[i].Type && out[w-1].Value == out[i].Value &&
				out[w-1].Start == out[i].Start && out[w-1].End == out[i].End {
				continue
			}
			out[w] = out[i]
			w++
		}
		out = out[:w]
	}
	s.text = ""
	e.pool.Put(s)
	return out
}
