package contacts

import (
	"strings"
	"testing"
)

// TestPhoneClasses has one made-up case per class of phone number that real ads write and the
// first scanner missed (issue 11), in English and at least two other languages, and the numbers
// that must stay unread. Numbers are fictional (555-01xx in North America) or test numbers.
func TestPhoneClasses(t *testing.T) {
	e := mustNew(t)
	tests := []struct {
		class, name, text, region string
		want                      []string
	}{
		// Decorative separators: any short run of symbols or emoji between digit groups.
		{"decor", "en hearts", "Call 702♡555♡0134 babe", "US", []string{"~phone +17025550134"}},
		{"decor", "en stars", "text 617☆555☆0199 now", "US", []string{"~phone +16175550199"}},
		{"decor", "en yen", "617¥555¥0199", "US", []string{"~phone +16175550199"}},
		{"decor", "en inverted question", "617 ¿ 555 ¿ 0199", "US", []string{"~phone +16175550199"}},
		{"decor", "en hash", "617#555#0199", "US", []string{"~phone +16175550199"}},
		{"decor", "en bullets", "617 • 555 • 0199", "US", []string{"~phone +16175550199"}},
		{"decor", "en tilde", "617~555~0199", "US", []string{"~phone +16175550199"}},
		{"decor", "en ellipsis", "617…555…0199", "US", []string{"~phone +16175550199"}},
		{"decor", "en dollar", "[617$555$01nineteen ask for Ann", "US", []string{"~phone +16175550119"}},
		{"decor", "en quotes", `617"555"0199 no texts`, "US", []string{"~phone +16175550199"}},
		{"decor", "en wide dots", "6 1 7 . . . 5 5 5 . . . 0 1 9 9", "US", []string{"~phone +16175550199"}},
		{"decor", "en star slash", "6 */ 1 */ 7 */ 5 */ 5 */ 5 */ 0 */ 1 */ 9 */ 9", "US", []string{"~phone +16175550199"}},
		{"decor", "en escaped", `617 \u2022 555 \u2022 0199`, "US", []string{"~phone +16175550199"}},
		{"decor", "en escaped emoji", "Six17<U+1F48B>555<U+1F48B>0199", "US", []string{"~phone +16175550199"}},
		{"decor", "en semicolons intl", "+1617;555;01;99", "", []string{"~phone +16175550199"}},
		{"decor", "sr hearts", "Pozovi 064♡123♡4567", "RS", []string{"~phone +381641234567"}},
		{"decor", "it stars", "Chiamami 333☆123☆4567", "IT", []string{"~phone +393331234567"}},
		{"decor", "de bullets", "Ruf an 0151 • 2345 • 6789", "DE", []string{"~phone +4915123456789"}},

		// Number words in brackets or glued to digits.
		{"words", "en brackets", "6[one]7-555-0[one]99", "US", []string{"~phone +16175550199"}},
		{"words", "en glued", "six1seven 555 0one99", "US", []string{"~phone +16175550199"}},
		{"words", "sr brackets", "06[četiri] 123 4567", "RS", []string{"~phone +381641234567"}},
		{"words", "it glued", "3tre3 uno23 4567", "IT", []string{"~phone +393331234567"}},

		// Tens and teens, with their ones.
		{"tens", "en tens", "six seventeen, five fifty five, zero one ninety nine", "US", []string{"~phone +16175550199"}},
		{"tens", "en hyphen", "617 555 01 ninety-nine", "US", []string{"~phone +16175550199"}},
		{"tens", "en teen glued", "617 555 01nineteen", "US", []string{"~phone +16175550119"}},
		{"tens", "it glued tens", "trentatré tre, dodici tre, quarantacinque sessantasette", "IT", []string{"~phone +393331234567"}},
		{"tens", "sr tens", "nula šezdeset četiri dvanaest tri četrdeset pet šezdeset sedam", "RS", []string{"~phone +381641234567"}},
		{"tens", "es connector", "seis doce treinta y cuatro cincuenta y seis setenta y ocho", "ES", []string{"~phone +34612345678"}},
		{"tens", "de ones first", "null eins fünf eins dreiundzwanzig fünfundvierzig siebenundsechzig neunundachtzig", "DE", []string{"~phone +4915123456789"}},
		{"tens", "ru tens", "восемь девять один шесть двенадцать тридцать четыре пятьдесят шесть семь", "RU", []string{"~phone +79161234567"}},
		{"tens", "fr hyphen", "zéro six douze trente-quatre cinquante-six soixante-sept", "FR", []string{"~phone +33612345667"}},

		// Homophones glued to digits.
		{"homophones", "en to for", "6for7 5to5 0one99", "US", []string{"~phone +16475250199"}},
		{"homophones", "en to", "call 6one7 555 01nine9 or 617to5550199", "US", []string{"~phone +16175550199"}},
		{"homophones", "en o", "6one7 5five5 Oone9nine", "US", []string{"~phone +16175550199"}},

		// Digits glued to a word, when the digits alone are a valid number.
		{"glued", "en after", "tonight6175550199 or later", "US", []string{"phone +16175550199"}},
		{"glued", "en before", "6175550199call me", "US", []string{"phone +16175550199"}},
		{"glued", "en name dash", "Vera617- 5550199", "US", []string{"phone +16175550199"}},
		{"glued", "sr", "pozovi0641234567 odmah", "RS", []string{"phone +381641234567"}},
		{"glued", "it", "chiamami3331234567subito", "IT", []string{"phone +393331234567"}},
		{"glued", "es", "escribeme6175550199ahora", "US", []string{"phone +16175550199"}},

		// Groups by the numbering plan's shape: something joined on, two numbers side by side.
		{"shape", "en price after", "(617 )555-0199..$150 special", "US", []string{"phone +16175550199"}},
		{"shape", "en percent after", "617 555 0199 %100 verified", "US", []string{"phone +16175550199"}},
		{"shape", "en two numbers", "617-555-0134 617-555-0199 ask", "US", []string{"phone +16175550134", "phone +16175550199"}},
		{"shape", "en age after intl", "+1 617 555 0199 - 23", "", []string{"phone +16175550199"}},
		{"shape", "sr two numbers", "064 123 4567 065 987 6543", "RS", []string{"phone +381641234567", "phone +381659876543"}},
		{"shape", "it price after", "333 123 4567..€50", "IT", []string{"phone +393331234567"}},
		{"shape", "en ten digits after sign", "Mila $weet$ 6175550199", "US", []string{"phone +16175550199"}},

		// Not phones.
		{"not", "en price range", "Salary Range: $31,250.50 - $35,100.75 yearly", "US", nil},
		{"not", "en date slug", "milan-03-14-201603-20-2016", "AR", nil},
		{"not", "en ages comma", "girls 18, 19, 20, 21, 22", "US", nil},
		{"not", "en measurements", "34D♡24♡36 5'4 120lbs", "US", nil},
		{"not", "en id glued", "x9f36175550199", "US", nil},
		{"not", "en id word", "ID 6175550199", "US", nil},
		{"not", "en entity soup", "&#12 0;&#160; 34;#160;&#1 70;&#160; 8;#160;&#13 0;&#160; 41;#160;", "US", nil},
		{"not", "sr prices", "plata 1.500 - 2.000 €, 3.000 € bonus", "RS", nil},
		{"not", "it salary range", "RAL 38.000–45.000 €, buoni pasto", "IT", nil},
		{"shape", "de trunk zero starts the number", "Tel. 0171 5550 2946", "DE", []string{"phone +4917155502946"}},
		{"not", "de salary range", "Gehalt 75.000-90.000 EUR brutto", "DE", nil},
		{"not", "en salary range", "salary 45,000 - 52,000 a year", "GB", nil},
		{"not", "it hours", "dalle 10:00 alle 22:00 ♡ 7/7", "IT", nil},
		{"not", "en years", "since 2019 ♡ 2020 ♡ 2021", "US", nil},
	}
	for _, tc := range tests {
		t.Run(tc.class+"/"+tc.name, func(t *testing.T) {
			got := describe(onlyPhones(e.Extract(tc.text, tc.region)))
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("Extract(%q, %q)\n got %q\nwant %q", tc.text, tc.region, got, tc.want)
			}
		})
	}
}

func onlyPhones(cs []Contact) []Contact {
	var out []Contact
	for _, c := range cs {
		if c.Type == Phone {
			out = append(out, c)
		}
	}
	return out
}
