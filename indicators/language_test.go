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
