package lexicon

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
)

// compileTest compiles only the given YAML documents (no embedded data).
func compileTest(t testing.TB, docs ...string) *Lexicon {
	t.Helper()
	var files []*file
	for i, d := range docs {
		f, err := parseFile(fmt.Sprintf("test%d.yaml", i), strings.NewReader(d))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	l, err := compile(files)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

const testSR = `language: sr
terms:
  job.urgency:
    - hitno
    - počinje odmah
    - "hitn*"
  job.targeted_recruitment:
    - đevojke za rad
  job.fee_or_debt:
    - provizija
    - "naplać*"
suppress:
  job.fee_or_debt:
    - bez provizije
    - ne naplaćujemo
`

const testDE = `language: de
terms:
  job.urgency:
    - dringend
    - start morgen
  employer.address:
    - straße
    - "*weg"
  sector.cannabis:
    - "*hanf*"
  job.fee_or_debt:
    - gebühr
  job.offplatform_contact:
    - nur per whatsapp
suppress:
  job.fee_or_debt:
    - keine gebühr
`

const testEN = `language: en
terms:
  job.urgency:
    - urgent
    - urgently needed
    - start tomorrow
  kind.escort:
    - escort
  job.offplatform_contact:
    - "what's app"
`

const testXX = `language: xx
terms:
  service.youth:
    - "🍒"
  service.movement:
    - "✈️"
  service.constant_availability:
    - "24/7"
  kind.escort:
    - escort
  evasion.obfuscated_contact:
    - "(at)"
  employer.address:
    - "*str."
`

const testEL = `language: el
terms:
  job.urgency:
    - άμεσα
    - ζητείται επειγόντως
`

const testVI = `language: vi
terms:
  employer.address:
    - đường
`

type want struct {
	tag, text string // text = the original substring text[Start:End]
}

func TestMatch(t *testing.T) {
	l := compileTest(t, testSR, testDE, testEN, testXX, testEL, testVI)
	tests := []struct {
		name string
		text string
		want []want
	}{
		{"diacritics folded in text", "POCINJE ODMAH, hitno!", []want{{"job.urgency", "POCINJE ODMAH"}, {"job.urgency", "hitno"}}},
		{"diacritics kept in text", "Počinje odmah.", []want{{"job.urgency", "Počinje odmah"}}},
		{"sharp s to ss", "Hauptstrasse 5 und Bahnhofstraße", nil},
		{"sharp s words", "Goethe Straße 5, Goethe STRASSE 7", []want{{"employer.address", "Straße"}, {"employer.address", "STRASSE"}}},
		{"suffix term whole word", "Rosenweg 5, Weg 7, Wegweiser", []want{{"employer.address", "Rosenweg"}, {"employer.address", "Weg"}}},
		{"infix term whole word", "Nutzhanfanbau und Hanf", []want{{"sector.cannabis", "Nutzhanfanbau"}, {"sector.cannabis", "Hanf"}}},
		{"punctuation-led term inside word", "anna(at)mail", []want{{"evasion.obfuscated_contact", "(at)"}}},
		{"suffix term ending in punctuation", "Hauptstr. 5, Str. 7", []want{{"employer.address", "Hauptstr."}, {"employer.address", "Str."}}},
		{"whitespace runs", "Start\n\t  MORGEN", []want{{"job.urgency", "Start\n\t  MORGEN"}}},
		{"nbsp whitespace", "start\u00a0tomorrow", []want{{"job.urgency", "start\u00a0tomorrow"}}},
		{"greek accents and case", "ΑΜΕΣΑ! Ζητειται επειγοντως", []want{{"job.urgency", "ΑΜΕΣΑ"}, {"job.urgency", "Ζητειται επειγοντως"}}},
		{"vietnamese d", "123 Duong Le Loi", []want{{"employer.address", "Duong"}}},
		{"serbian cyrillic", "ХИТНО! Почиње одмах", []want{{"job.urgency", "ХИТНО"}, {"job.urgency", "Почиње одмах"}}},
		{"serbian cyrillic dj", "Ђевојке за рад у иностранству", []want{{"job.targeted_recruitment", "Ђевојке за рад"}}},
		{"serbian dj spelling", "djevojke za rad", []want{{"job.targeted_recruitment", "djevojke za rad"}}},
		{"serbian d spelling", "devojke za rad", []want{{"job.targeted_recruitment", "devojke za rad"}}},
		{"prefix term whole word", "Hitnoj situaciji", []want{{"job.urgency", "Hitnoj"}}},
		{"prefix no match inside word", "nehitnost", nil},
		{"exact term needs end boundary", "urgently", nil},
		{"exact term needs start boundary", "nonurgent", nil},
		{"maximal hit of one tag", "Urgently needed: cooks", []want{{"job.urgency", "Urgently needed"}}},
		{"suppressed", "Bez provizije! Ne naplaćujemo ništa.", nil},
		{"not suppressed elsewhere", "Bez provizije, ali provizija 200€ za vizu", []want{{"job.fee_or_debt", "provizija"}}},
		{"suppressed de", "Keine Gebühr. Dringend!", []want{{"job.urgency", "Dringend"}}},
		{"apostrophe fold", "what’s app me", []want{{"job.offplatform_contact", "what’s app"}}},
		{"zero width inside word", "dr\u200bingend", []want{{"job.urgency", "dr\u200bingend"}}},
		{"emoji without boundaries", "sweet🍒🍒 girl", []want{{"service.youth", "🍒"}, {"service.youth", "🍒"}}},
		{"emoji variation selector", "new ✈ and ✈️", []want{{"service.movement", "✈"}, {"service.movement", "✈️"}}},
		{"24/7", "available 24/7!", []want{{"service.constant_availability", "24/7"}}},
		{"24/7 not in number", "124/75", nil},
		{"same term two languages one hit", "ESCORT", []want{{"kind.escort", "ESCORT"}}},
		{"combining diacritic", "Poc\u030cinje odmah", []want{{"job.urgency", "Poc\u030cinje odmah"}}},
		{"invalid utf8", "\xff hitno \xfe", []want{{"job.urgency", "hitno"}}},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits := l.Match(tt.text)
			if app := l.AppendMatch([]Hit{{Tag: "x"}}, tt.text); len(app) != len(hits)+1 || fmt.Sprint(app[1:]) != fmt.Sprint(hits) {
				t.Errorf("AppendMatch = %v, want [x] + %v", app, hits)
			}
			var got []want
			for _, h := range hits {
				got = append(got, want{h.Tag, tt.text[h.Start:h.End]})
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("Match(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

func TestMatchFields(t *testing.T) {
	l := compileTest(t, testSR, testEN, testXX)
	text := "Ђевојке — ХИТНОЈ потреби; escort"
	hits := l.Match(text)
	want := []Hit{
		{Tag: "job.urgency", Term: "hitn*", Lang: "sr", Start: strings.Index(text, "ХИТНОЈ"), End: strings.Index(text, "ХИТНОЈ") + len("ХИТНОЈ")},
		{Tag: "kind.escort", Term: "escort", Lang: "xx", // xx wins over en for a shared term
			Start: strings.Index(text, "escort"), End: len(text)},
	}
	if fmt.Sprint(hits) != fmt.Sprint(want) {
		t.Errorf("got %+v\nwant %+v", hits, want)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, doc string
		line      int
		msg       string
	}{
		{"unknown key", "language: en\nterm:\n  job.urgency: [x]\n", 2, "unknown top-level key"},
		{"empty term", "language: en\nterms:\n  job.urgency:\n    - urgent\n    - \"\"\n", 5, "empty term"},
		{"null term", "language: en\nterms:\n  job.urgency:\n    -\n", 4, "empty term"},
		{"star only", "language: en\nterms:\n  job.urgency:\n    - \"*\"\n", 4, "empty term"},
		{"star inside", "language: en\nterms:\n  job.urgency:\n    - \"ur*gent\"\n", 4, "only at the end"},
		{"bad tag", "language: en\nterms:\n  Job.Urgency:\n    - urgent\n", 3, "does not match"},
		{"tag without dot", "language: en\nterms:\n  urgency:\n    - urgent\n", 3, "does not match"},
		{"bad suppress tag", "language: en\nsuppress:\n  job.fee-debt:\n    - no fee\n", 3, "does not match"},
		{"bad language", "language: english\n", 1, "ISO 639-1"},
		{"missing language", "terms:\n  job.urgency: [urgent]\n", 1, "missing language"},
		{"terms not mapping", "language: en\nterms: [a, b]\n", 2, "mapping"},
		{"phrase list", "language: en\nterms:\n  job.urgency: urgent\n", 3, "must be a list"},
		{"empty file", "", 1, "empty file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(NamedReader{Name: "user.yaml", R: strings.NewReader(tt.doc)})
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("err = %v, want *LoadError", err)
			}
			if le.File != "user.yaml" || le.Line != tt.line || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %v (file %s line %d), want user.yaml line %d containing %q", err, le.File, le.Line, tt.line, tt.msg)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("user.yaml line %d", tt.line)) {
				t.Errorf("error text %q lacks file and line", err)
			}
		})
	}
	if _, err := Load(NamedReader{Name: "bad.yaml", R: strings.NewReader("language: en\nterms: {\n")}); err == nil || !strings.Contains(err.Error(), "bad.yaml") {
		t.Errorf("syntax error = %v, want error naming bad.yaml", err)
	}
}

func TestUserExtension(t *testing.T) {
	const user = `language: en
terms:
  job.urgency:
    - leave on friday
  custom.watch_word:
    - blue lotus agency
suppress:
  job.urgency:
    - not urgent
`
	def, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	l, err := Load(NamedReader{Name: "user.yaml", R: strings.NewReader(user)})
	if err != nil {
		t.Fatal(err)
	}
	text := "Blue Lotus Agency: leave on Friday"
	tags := func(hs []Hit) string {
		var s []string
		for _, h := range hs {
			s = append(s, h.Tag+"="+text[h.Start:h.End])
		}
		return strings.Join(s, ",")
	}
	if got := tags(def.Match(text)); strings.Contains(got, "custom.watch_word") || strings.Contains(got, "leave on Friday") {
		t.Errorf("default lexicon matched user terms: %s", got)
	}
	got := tags(l.Match(text))
	for _, w := range []string{"custom.watch_word=Blue Lotus Agency", "job.urgency=leave on Friday"} {
		if !strings.Contains(got, w) {
			t.Errorf("extended lexicon: got %s, want %s", got, w)
		}
	}
	if !contains(l.Tags(), "custom.watch_word") || contains(def.Tags(), "custom.watch_word") {
		t.Errorf("Tags(): extended %v, default %v", l.Tags(), def.Tags())
	}
	// Embedded terms still match in the extended lexicon.
	if n, m := len(def.Match("24/7")), len(l.Match("24/7")); n == 0 || n != m {
		t.Errorf("24/7: default %d hits, extended %d", n, m)
	}
	if hs := l.Match("this is not urgent"); len(hs) != 0 {
		for _, h := range hs {
			if h.Tag == "job.urgency" {
				t.Errorf("user suppress phrase ignored: %+v", h)
			}
		}
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func TestLoadFiles(t *testing.T) {
	if _, err := LoadFiles("testdata/does-not-exist.yaml"); err == nil {
		t.Error("missing file: no error")
	}
}

func FuzzMatch(f *testing.F) {
	l, err := Default()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"", "hitno", "ХИТНО Почиње одмах", "Straße ß", "🍒✈️24/7", "\xff\xfe", "a\u0301\u200b", "ΆΜΕΣΑ ς"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		prev := -1
		for _, h := range l.Match(s) {
			if h.Start < 0 || h.End > len(s) || h.Start >= h.End {
				t.Fatalf("bad span %+v in %q", h, s)
			}
			if h.Start < prev {
				t.Fatalf("unsorted hits")
			}
			prev = h.Start
			if h.Tag == "" || h.Lang == "" || h.Term == "" {
				t.Fatalf("incomplete hit %+v", h)
			}
		}
	})
}

func FuzzLoad(f *testing.F) {
	f.Add("language: en\nterms:\n  job.urgency: [urgent, \"hitn*\", \"*weg\"]\nsuppress:\n  job.urgency: [not urgent]\n", "this is urgent, not urgent")
	f.Add("language: sr\nterms:\n  job.urgency:\n    - hitno\n    - đevojke\n", "ХИТНО djevojke")
	f.Add("language: xx\nterms:\n  service.youth: [\"🍒\"]\n", "🍒🍒")
	f.Add("language: en\nterms: {}\n", "")
	f.Fuzz(func(t *testing.T, doc, text string) {
		pf, err := parseFile("fuzz.yaml", strings.NewReader(doc))
		if err != nil {
			return
		}
		l, err := compile([]*file{pf})
		if err != nil {
			return
		}
		for _, h := range l.Match(text) {
			if h.Start < 0 || h.End > len(text) || h.Start >= h.End {
				t.Fatalf("bad span %+v in %q", h, text)
			}
		}
	})
}

func TestLoadFilesUser(t *testing.T) {
	dir := t.TempDir()
	p := dir + "/watch.yaml"
	if err := os.WriteFile(p, []byte("language: en\nterms:\n  custom.watch:\n    - red lotus\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := LoadFiles(p)
	if err != nil {
		t.Fatal(err)
	}
	if hs := l.Match("The Red  Lotus club"); len(hs) != 1 || hs[0].Tag != "custom.watch" || hs[0].Lang != "en" {
		t.Errorf("Match = %+v, want one custom.watch hit", hs)
	}
	bad := dir + "/bad.yaml"
	if err := os.WriteFile(bad, []byte("language: en\nterms:\n  custom.watch:\n    - ok\n    - \"\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFiles(bad); err == nil || !strings.Contains(err.Error(), bad+" line 5") {
		t.Errorf("LoadFiles(bad) = %v, want error naming %s line 5", err, bad)
	}
}

func TestMatchConcurrent(t *testing.T) {
	l, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"URGENT! girls 18-25, free accommodation, only on WhatsApp", "Нова у граду, ХИТНО 🌹", "Dringend: Erntehelfer gesucht, Kost und Logis frei"}
	want := make([]string, len(texts))
	for i, s := range texts {
		want[i] = fmt.Sprint(l.Match(s))
	}
	done := make(chan error)
	for g := range 8 {
		go func() {
			var err error
			for k := range 200 {
				i := (g + k) % len(texts)
				if got := fmt.Sprint(l.Match(texts[i])); got != want[i] {
					err = fmt.Errorf("goroutine %d: Match(%q) = %s, want %s", g, texts[i], got, want[i])
					break
				}
			}
			done <- err
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

func TestMatchLargeText(t *testing.T) {
	l := compileTest(t, testEN)
	text := strings.Repeat("žžž lorem ipsum ", 1<<17) + "URGENT"
	hs := l.Match(text)
	if len(hs) != 1 || text[hs[0].Start:hs[0].End] != "URGENT" {
		t.Fatalf("Match(large) = %+v, want one hit on URGENT", hs)
	}
	if hs := l.Match("start tomorrow"); len(hs) != 1 {
		t.Errorf("after large text: %+v", hs)
	}
}

// naiveMatch is a reference matcher: it finds every occurrence of every
// pattern key with strings.Index and shares only the final step with Match.
func naiveMatch(l *Lexicon, text string) []Hit {
	if text == "" {
		return nil
	}
	sc := &scratch{}
	sc.n.run(text)
	b := string(sc.n.norm)
	for id, p := range l.pats {
		for from := 0; from <= len(b); {
			k := strings.Index(b[from:], p.key)
			if k < 0 {
				break
			}
			sc.cands = append(sc.cands, candidate{int32(id), int32(from + k + len(p.key))})
			from += k + 1
		}
	}
	return l.finish(sc, text, nil, nil)
}

func FuzzMatchReference(f *testing.F) {
	l := compileTest(f, testSR, testDE, testEN, testXX, testEL, testVI)
	for _, s := range []string{"Hitnoj situaciji, ХИТНО", "Rosenweg 5, Hauptstr. 7, Nutzhanfanbau", "anna(at)mail 🍒🍒 ✈️", "urgently needed: start\n tomorrow", "Bez provizije! provizija", "ΑΜΕΣΑ Ζητειται επειγοντως"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, want := l.Match(s), naiveMatch(l, s)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("Match(%q) = %v, reference %v", s, got, want)
		}
	})
}

func TestMatchReferenceDefault(t *testing.T) {
	l, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{benchAd, typicalAd, "Hauptstr. 5, Bahnhofstraße, Rosenweg — ХИТНО 🌹🌹 (at) 24/7 GmbH"} {
		if got, want := l.Match(s), naiveMatch(l, s); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("Match differs from reference:\n got %v\nwant %v", got, want)
		}
	}
}

func TestEmployerAcronymsNeedCapitals(t *testing.T) {
	l, err := Load(NamedReader{Name: "acr.yaml", R: strings.NewReader("language: xx\nterms:\n  employer.legal_form: [SAU]\n  job.urgency: [ASAP]\n")})
	if err != nil {
		t.Fatal(err)
	}
	tags := func(text string) (out []string) {
		for _, h := range l.Match(text) {
			if h.Term == "SAU" || h.Term == "ASAP" {
				out = append(out, h.Tag)
			}
		}
		return out
	}
	if got := tags("Empresa Ejemplo SAU, Madrid"); len(got) != 1 {
		t.Errorf("capital SAU: %v", got)
	}
	if got := tags("scrie pe whatsapp sau telegram"); len(got) != 0 {
		t.Errorf("Romanian 'sau' matched an acronym: %v", got)
	}
	if got := tags("start asap please"); len(got) != 1 {
		t.Errorf("non-employer acronyms stay case-insensitive: %v", got)
	}
}
