package indicators

import "testing"

func TestTransliteratedLanguages(t *testing.T) {
	x := testExtractor(t)
	for text, want := range map[string]string{
		"Rabota v Polshe na sklade, zhil'e besplatno, opyt ne nuzhen, vyezd zavtra. Pishite v Viber.":          "ru",
		"Robota vdoma cherez telefon, bez dosvidu. Mists malo, pyshit shvydshe v pryvat.":                      "uk",
		"Tarsim kamerierki za hotel, kvartira i hrana bezplatno. Zaminavane utre, pishete na Viber.":           "bg",
		"Zitame koritsia gia ergasia sto Dubai, ta eisitiria ta plironei i etaireia, den xreiazontai agglika.": "el",
		"Tražimo radnike za berbu, smeštaj i hrana obezbeđeni, plata na ruke.":                                 "sr",
		"Szukamy pracowników do pakowania w Holandii, zakwaterowanie i dojazd zapewnia firma.":                 "pl",
	} {
		if got := x.DetectLanguage(text); got != want {
			t.Errorf("%q: %s, want %s", text, got, want)
		}
	}
}

// TestLanguageWithoutScriptOrAccents: languages written in Latin letters
// (transliteration, Greeklish) or without their diacritics are detected
// as themselves, and ordinary English is not moved.
func TestLanguageWithoutScriptOrAccents(t *testing.T) {
	x := testExtractor(t)
	for _, tc := range []struct{ text, want string }{
		{"Rabota v Germanii, zhilyo besplatno, bilet oplachivaem, vyezd cherez nedelyu.", "ru"},
		{"Srochno nuzhny devushki dlya raboty v klube, vse rashody za nash schet.", "ru"},
		{"Robota v Polshchi dlia cholovikiv i zhinok, zhytlo vid robotodavtsia, oplata shchotyzhnia.", "uk"},
		{"Douleia sto exoteriko, plirwnoume ta eisitiria kai to spiti, 8elw amesa koritsia.", "el"},
		{"Viec lam o nuoc ngoai, bao ve, khong can kinh nghiem, luong cao, co cho o mien phi.", "vi"},
		{"Locuri de munca in strainatate, cazare asigurata, transport gratuit, plata saptamanal.", "ro"},
		{"Praca za granica, zakwaterowanie zapewnione, wyjazd juz w przyszlym tygodniu.", "pl"},
		{"We are hiring cleaners for hotels in Berlin, accommodation provided, apply now.", "en"},
		{"Come to the open day at our store, bring your CV and a friend.", "en"},
	} {
		if got := x.DetectLanguage(tc.text); got != tc.want {
			t.Errorf("%q: %s, want %s", tc.text, got, tc.want)
		}
	}
}
