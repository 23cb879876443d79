package translit

import "testing"

func TestKeyMeetsNative(t *testing.T) {
	for _, tc := range []struct{ lang, native, latin string }{
		{"ru", "работа", "rabota"},
		{"ru", "оплачиваем", "oplachivaem"},
		{"ru", "жилье", "zhil'yo"},
		{"ru", "жилье", "zhilje"},
		{"ru", "германии", "germanii"},
		{"ru", "бесплатно", "besplatno"},
		{"ru", "билет", "bilet"},
		{"ru", "срочно", "srochno"},
		{"ru", "щедрый", "shchedryj"},
		{"ru", "паспорт", "pasport"},
		{"ru", "россия", "rossiya"},
		{"ru", "россия", "rossija"},
		{"uk", "польщі", "polshchi"},
		{"uk", "гроші", "hroshi"},
		{"uk", "житло", "zhytlo"},
		{"uk", "шукаємо", "shukaiemo"},
		{"uk", "шукаємо", "shukayemo"},
		{"bg", "търсим", "tarsim"},
		{"bg", "заплащане", "zaplashtane"},
		{"bg", "трябва", "trqbva"},
		{"sr", "смештај", "smestaj"},
		{"sr", "смештај", "smeshtaj"},
		{"sr", "гарција", "gartsiya"},
		{"el", "δουλεια", "douleia"},
		{"el", "δουλεια", "doulia"},
		{"el", "πληρωνουμε", "plirwnoume"},
		{"el", "πληρωνουμε", "plironoume"},
		{"el", "εισιτηρια", "eisitiria"},
		{"el", "εισιτηρια", "isitiria"},
		{"el", "θελω", "8elw"},
		{"el", "θελω", "thelo"},
		{"el", "εξωτερικο", "exwteriko"},
		{"el", "εξωτερικο", "e3oteriko"},
		{"el", "εξωτερικο", "eksoteriko"},
		{"el", "αγγλικα", "agglika"},
		{"el", "αγγλικα", "anglika"},
		{"el", "μπορειτε", "boreite"},
		{"el", "καλη", "kalh"},
		{"el", "χρειαζεται", "xreiazetai"},
		{"el", "χρειαζεται", "chriazete"},
	} {
		got, want := string(Key(nil, tc.lang, []byte(tc.latin))), KeyOf(tc.lang, tc.native)
		if got != want || got == "" {
			t.Errorf("%s %q → %q, native %q → %q", tc.lang, tc.latin, got, tc.native, want)
		}
	}
}

func TestKeyKeepsWordsApart(t *testing.T) {
	for _, tc := range []struct{ lang, a, b string }{
		{"ru", "rabota", "robota"},
		{"ru", "bilet", "balet"},
		{"el", "douleia", "doulos"},
		{"ru", "pasport", "paspor"},
	} {
		if ka, kb := Key(nil, tc.lang, []byte(tc.a)), Key(nil, tc.lang, []byte(tc.b)); string(ka) == string(kb) {
			t.Errorf("%s: %q and %q share the key %q", tc.lang, tc.a, tc.b, ka)
		}
	}
}

func TestRomanizeRejectsOtherScripts(t *testing.T) {
	for _, tc := range []struct{ lang, w string }{{"sr", "posao"}, {"ru", "100"}, {"el", "работа"}, {"en", "work"}} {
		if _, ok := Romanize(tc.lang, tc.w); ok {
			t.Errorf("%s %q romanized", tc.lang, tc.w)
		}
	}
}

func FuzzKey(f *testing.F) {
	f.Add("el", "8elw")
	f.Add("ru", "zhil'yo")
	f.Fuzz(func(t *testing.T, lang, s string) {
		k := Key(nil, lang, []byte(s))
		if len(k) > 2*len(s) {
			t.Fatalf("key %q longer than twice %q", k, s)
		}
		_ = KeyOf(lang, s)
	})
}
