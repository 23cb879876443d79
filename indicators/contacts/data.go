package contacts

import (
	"embed"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"gopkg.in/yaml.v3"
)

//go:embed data/*.yaml
var dataFS embed.FS

// DataFile is the YAML format of the extractor's data files. Every section is optional;
// the embedded files each fill some sections and files given to Load are merged into them.
type DataFile struct {
	// Sources names where the data came from.
	Sources []string `yaml:"sources"`
	// Date is when the data was last checked.
	Date string `yaml:"date"`
	// Digits maps language -> number ("0".."9", the teens "10".."19", the tens "20".."90") ->
	// number words.
	Digits map[string]map[string][]string `yaml:"digits"`
	// GluedDigits are words read as numbers only when glued to digits or other number words
	// ("5to5" for 525, "for7" for 480, "ventuno" for 21): language -> number -> words.
	GluedDigits map[string]map[string][]string `yaml:"glued_digits"`
	// Connectors are words joining tens and ones ("treinta y uno", "vingt et un"), by language;
	// in the languages of OnesFirst they join ones and tens ("einundzwanzig").
	Connectors map[string][]string `yaml:"connectors"`
	// OnesFirst lists the languages that say the ones before the tens.
	OnesFirst []string `yaml:"ones_first"`
	// Apps maps an app id (whatsapp, telegram, ...) to its aliases and link prefixes.
	Apps map[string]AppData `yaml:"apps"`
	// Fillers are short words allowed between an app name and its contact.
	Fillers []string `yaml:"fillers"`
	// NotNames are words that, after an app name, are never a user name ("Telegram: available").
	NotNames []string `yaml:"not_names"`
	// NameCues are words that introduce a user name after an app name ("Snapchat id is ...").
	NameCues []string `yaml:"name_cues"`
	// FreeMail lists free web-mail domains.
	FreeMail []string `yaml:"free_mail"`
	// NotPhoneAfter are words or symbols that make a preceding number a price, measure or age.
	NotPhoneAfter []string `yaml:"not_phone_after"`
	// NotPhoneBefore are words or symbols that make a following number something other than a phone.
	NotPhoneBefore []string `yaml:"not_phone_before"`
	// TLDs are the top-level domains accepted for bare web addresses.
	TLDs []string `yaml:"tlds"`
	// Places are place names by country, for inferring where a listing is from.
	Places []PlaceData `yaml:"places"`
	// HostPlaces are place names that are also ordinary words ("Bend", "Deal"), counted only
	// as a whole label of a URL host.
	HostPlaces []PlaceData `yaml:"host_places"`
	// PlaceOrder gives, for a name found in several countries, the order they are tried in.
	PlaceOrder map[string][]string `yaml:"place_order"`
	// TLDRegions maps country-code top-level domains to their region where the two differ
	// ("uk": "GB").
	TLDRegions map[string]string `yaml:"tld_regions"`
	// GenericTLDs are country-code top-level domains used worldwide (.co, .tv, .io), which say
	// nothing of where a site is.
	GenericTLDs []string `yaml:"generic_tlds"`
}

// PlaceData is one country's place names in a DataFile.
type PlaceData struct {
	// Country is the ISO 3166-1 alpha-2 code.
	Country string `yaml:"country"`
	// Names are cities, regions and the country's own names, in any language.
	Names []string `yaml:"names"`
}

// AppData describes one messenger app in a DataFile.
type AppData struct {
	// Aliases are the words or phrases naming the app.
	Aliases []string `yaml:"aliases"`
	// URLs are link prefixes (without scheme) followed by a user name or phone number.
	URLs []string `yaml:"urls"`
	// PhoneOnly is true for apps reached by phone number only (WhatsApp, Viber): a word after
	// the app name is then never taken for a user name.
	PhoneOnly bool `yaml:"phone_only"`
	// NamesOnly is true for apps reached by user name only (Twitter, Instagram): a phone number
	// after the app name is not its contact.
	NamesOnly bool `yaml:"names_only"`
}

// wordInfo is what the extractor knows about one folded word.
type wordInfo struct {
	digit   int8   // 0..9, or -1
	num     string // the number a word stands for ("7", "17", "70"), or ""
	glued   string // the number it stands for when glued to digits or number words, or ""
	conn    int8   // 1: joins tens and ones, 2: joins ones and tens, 0: neither
	app     string // app id, or ""
	filler  bool   // may stand between an app word and its contact
	prefix  bool   // first part of a multi-word app alias
	after   bool   // in not_phone_after
	before  bool   // in not_phone_before
	notName bool   // in not_names
	nameCue bool   // in name_cues
}

type urlPrefix struct {
	prefix string // lower-case, without scheme
	app    string
}

// foldTable maps runes below 0x2000 to their lower-case base letter (diacritics removed).
var (
	foldOnce  sync.Once
	foldTable []rune
	letterTab []bool // unicode.IsLetter for runes below 0x2000
)

func initFold() {
	foldOnce.Do(func() {
		t := make([]rune, 0x2000)
		lt := make([]bool, 0x2000)
		for r := rune(0); r < 0x2000; r++ {
			lt[r] = unicode.IsLetter(r)
			b := r
			if r >= 0x80 && unicode.IsLetter(r) {
				d := norm.NFD.String(string(r))
				if br, _ := utf8.DecodeRuneInString(d); br != utf8.RuneError {
					b = br
				}
			}
			b = unicode.ToLower(b)
			if b == 'ς' {
				b = 'σ'
			}
			t[r] = b
		}
		foldTable = t
		letterTab = lt
	})
}

// foldRune lower-cases r and removes its diacritics.
func foldRune(r rune) rune {
	if r < 0x80 {
		if 'A' <= r && r <= 'Z' {
			return r + 32
		}
		return r
	}
	if r < 0x2000 {
		return foldTable[r]
	}
	return unicode.ToLower(r)
}

// isMark reports whether r is a combining mark or an apostrophe, which folding drops.
func isMark(r rune) bool {
	return r == '\'' || r == '’' || r == 'ʼ' || r == '`' || r == '´' ||
		(r >= 0x300 && unicode.In(r, unicode.Mn, unicode.Me))
}

// foldWord folds a word or phrase: lower-case, no diacritics, no apostrophes, spaces, dots or dashes.
func foldWord(s string) string {
	initFold()
	var b strings.Builder
	for _, r := range norm.NFC.String(s) {
		if isMark(r) || r == ' ' || r == '.' || r == '-' || r == '_' {
			continue
		}
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

// tables is the merged, compiled form of all data files.
type tables struct {
	words     map[string]wordInfo
	trie      *digitTrie
	bloom     [1024]uint64 // one bit per word hash: most words miss it and skip the map
	phones    *phoneCache
	urls      []urlPrefix
	freeMail  map[string]bool
	tlds      map[string]bool
	appSet    map[string]bool
	phoneOnly map[string]bool
	namesOnly map[string]bool
	multiTail map[string]bool // folded tails of multi-word aliases (for look-ahead)
	pl        *placeTables    // shared with other extractors until a file adds places
}

func newTables() *tables {
	return &tables{
		words:     map[string]wordInfo{},
		trie:      newDigitTrie(),
		phones:    &phoneCache{},
		freeMail:  map[string]bool{},
		tlds:      map[string]bool{},
		appSet:    map[string]bool{},
		phoneOnly: map[string]bool{},
		namesOnly: map[string]bool{},
		multiTail: map[string]bool{},
	}
}

func (t *tables) word(w string) wordInfo {
	if wi, ok := t.words[w]; ok {
		return wi
	}
	return wordInfo{digit: -1}
}

func (t *tables) setWord(w string, wi wordInfo) {
	t.words[w] = wi
	h := wordHash(w)
	t.bloom[h>>6] |= 1 << (h & 63)
}

// wordHash is a cheap hash of a word's length and first, second and last bytes, in [0, 65536).
func wordHash[S string | []byte](w S) uint32 {
	n := len(w)
	h := uint32(w[0])*0x9E3779B1 ^ uint32(w[n-1])*0x85EBCA77 ^ uint32(n)*0xC2B2AE3D
	if n > 1 {
		h ^= uint32(w[1]) * 0x27D4EB2F
	}
	return (h ^ h>>16) & 0xFFFF
}

// lookup returns the entry of the folded word w; the length filter avoids most map lookups.
func (t *tables) lookup(w []byte) (wordInfo, bool) {
	if len(w) == 0 {
		return wordInfo{digit: -1}, false
	}
	if h := wordHash(w); t.bloom[h>>6]&(1<<(h&63)) == 0 {
		return wordInfo{digit: -1}, false
	}
	wi, ok := t.words[string(w)]
	return wi, ok
}

// numberKey reports whether k names a number the data may spell: 0-19 or a multiple of ten to 90.
func numberKey(k string) bool {
	switch len(k) {
	case 1:
		return k[0] >= '0' && k[0] <= '9'
	case 2:
		return k[0] == '1' && k[1] >= '0' && k[1] <= '9' || k[0] >= '2' && k[0] <= '9' && k[1] == '0'
	}
	return false
}

// mergeNumbers adds a digits or glued_digits section.
func (t *tables) mergeNumbers(name, section string, m map[string]map[string][]string, glued bool) error {
	langs := make([]string, 0, len(m))
	for l := range m {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	for _, lang := range langs {
		for ds, words := range m[lang] {
			if !numberKey(ds) {
				return fmt.Errorf("%s: %s.%s: key %q is not a number 0-19 or a multiple of ten to 90", name, section, lang, ds)
			}
			for _, w := range words {
				f := foldWord(w)
				if f == "" {
					return fmt.Errorf("%s: %s.%s.%s: empty word %q", name, section, lang, ds, w)
				}
				wi := t.word(f)
				old := wi.num
				if glued {
					old = wi.glued
				}
				if old != "" && old != ds {
					return fmt.Errorf("%s: %s.%s: word %q means %s elsewhere, not %s", name, section, lang, w, old, ds)
				}
				if glued {
					wi.glued = ds
				} else {
					wi.num = ds
					if len(ds) == 1 {
						wi.digit = int8(ds[0] - '0')
					}
				}
				t.setWord(f, wi)
				t.trie.add(f, trieVal{num: ds, glued: glued})
			}
		}
	}
	return nil
}

// merge adds one parsed data file.
func (t *tables) merge(name string, d *DataFile) error {
	if err := t.mergeNumbers(name, "digits", d.Digits, false); err != nil {
		return err
	}
	if err := t.mergeNumbers(name, "glued_digits", d.GluedDigits, true); err != nil {
		return err
	}
	for lang, ws := range d.Connectors {
		conn := int8(1)
		if slices.Contains(d.OnesFirst, lang) {
			conn = 2
		}
		for _, w := range ws {
			f := foldWord(w)
			if f == "" {
				return fmt.Errorf("%s: connectors.%s: empty word %q", name, lang, w)
			}
			wi := t.word(f)
			wi.conn = conn
			t.setWord(f, wi)
			t.trie.add(f, trieVal{conn: conn})
		}
	}
	for app, ad := range d.Apps {
		app = strings.ToLower(strings.TrimSpace(app))
		if app == "" {
			return fmt.Errorf("%s: apps: empty app id", name)
		}
		t.appSet[app] = true
		if ad.PhoneOnly {
			t.phoneOnly[app] = true
		}
		if ad.NamesOnly {
			t.namesOnly[app] = true
		}
		for _, a := range ad.Aliases {
			f := foldWord(a)
			if f == "" {
				continue
			}
			wi := t.word(f)
			if wi.app != "" && wi.app != app {
				return fmt.Errorf("%s: apps.%s: alias %q already names %s", name, app, a, wi.app)
			}
			wi.app = app
			t.setWord(f, wi)
			// Multi-word aliases ("whats app", "w.h.a.t.s") are found by joining words; remember
			// every proper prefix made of whole parts so the scanner knows to look ahead.
			parts := strings.FieldsFunc(a, func(r rune) bool { return r == ' ' || r == '.' || r == '-' || r == '_' })
			acc := ""
			for i, p := range parts {
				acc += foldWord(p)
				if i < len(parts)-1 {
					pi := t.word(acc)
					pi.prefix = true
					t.setWord(acc, pi)
				}
			}
		}
		for _, u := range ad.URLs {
			u = strings.ToLower(strings.TrimSpace(u))
			u = strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
			u = strings.TrimPrefix(u, "www.")
			if u == "" {
				continue
			}
			t.urls = append(t.urls, urlPrefix{prefix: u, app: app})
		}
	}
	// Longest prefixes first, so "line.me/ti/p/~" wins over "line.me/ti/p/".
	sort.SliceStable(t.urls, func(i, j int) bool { return len(t.urls[i].prefix) > len(t.urls[j].prefix) })
	setFlag := func(list []string, f func(*wordInfo)) {
		for _, w := range list {
			fw := foldWord(w)
			if fw == "" {
				continue
			}
			wi := t.word(fw)
			f(&wi)
			t.setWord(fw, wi)
		}
	}
	setFlag(d.Fillers, func(w *wordInfo) { w.filler = true })
	setFlag(d.NotNames, func(w *wordInfo) { w.notName = true })
	setFlag(d.NameCues, func(w *wordInfo) { w.nameCue = true })
	setFlag(d.NotPhoneAfter, func(w *wordInfo) { w.after = true })
	setFlag(d.NotPhoneBefore, func(w *wordInfo) { w.before = true })
	for _, m := range d.FreeMail {
		m = strings.ToLower(strings.TrimSpace(m))
		if m != "" {
			t.freeMail[m] = true
		}
	}
	for _, s := range d.TLDs {
		s = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), "."))
		if s != "" {
			t.tlds[s] = true
		}
	}
	return nil
}

// parseData reads one YAML data file.
func parseData(name string, r io.Reader) (*DataFile, error) {
	var d DataFile
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	if err := dec.Decode(&d); err != nil {
		if err == io.EOF {
			return &d, nil
		}
		return nil, fmt.Errorf("parse contacts data %s: %w", name, err)
	}
	return &d, nil
}
