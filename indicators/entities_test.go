package indicators

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/redthread/redthread/internal/slowinput"
)

// ageCase is one made-up text and the ages read from it, each as
// "value:evidence" (the evidence is text[Start:End], byte-exact).
type ageCase struct {
	text  string
	lang  string
	title bool
	want  []string
}

func runAgeCases(t *testing.T, class string, cases []ageCase) {
	t.Helper()
	c, err := LoadEntityCues()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range cases {
		var got []string
		for _, a := range c.AgesIn(tt.text, tt.lang, tt.title, nil) {
			if a.Start < 0 || a.End > len(tt.text) || a.Start >= a.End {
				t.Fatalf("%s: AgesIn(%q): bad span %+v", class, tt.text, a)
			}
			if !strings.HasPrefix(a.Note, fmt.Sprintf("≈ %d years old", a.Value)) {
				t.Errorf("%s: AgesIn(%q): note %q", class, tt.text, a.Note)
			}
			got = append(got, fmt.Sprintf("%d:%s", a.Value, tt.text[a.Start:a.End]))
		}
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%s: AgesIn(%q, %q, title=%v)\n got %q\nwant %q", class, tt.text, tt.lang, tt.title, got, tt.want)
		}
	}
}

func TestAgesUnits(t *testing.T) {
	runAgeCases(t, "units", []ageCase{
		{text: "Sweet Mila 19yo new in town", want: []string{"19:19yo"}},
		{text: "a 21 year old student", want: []string{"21:21 year old"}},
		{text: "a 19-year-old student", want: []string{"19:19-year-old"}},
		{text: "Kira 21yr, Vera 21yrs, Ana 21 ys", want: []string{"21:21yr", "21:21yrs", "21:21 ys"}},
		{text: "Jade 21 yo; Mona 21y/o; Lia 21 y/0", want: []string{"21:21 yo", "21:21y/o", "21:21 y/0"}},
		{text: "petite 26/y blonde", want: []string{"26:26/y"}},
		{text: "real pics, 20 yes old, new here", want: []string{"20:20 yes old"}},
		{text: "I am 27 years of age and discreet", want: []string{"27:27 years of age"}},
		{text: "stats: age(23) and age:23", want: []string{"23:age(23)", "23:age:23"}},
		{text: "Age : 19 Height : 170", want: []string{"19:Age : 19"}},
		{text: "Age\t22\nEyes blue", want: []string{"22:Age\t22"}},
		{text: "Age:\u00a024 Location: downtown", want: []string{"24:Age:\u00a024"}},
		{text: "ragazza 19 anni", want: []string{"19:19 anni"}},
		{text: "studentessa 23enne, età: 22", want: []string{"23:23enne", "22:età: 22"}},
		{text: "κορίτσι 19 ετών", want: []string{"19:19 ετών"}},
		{text: "ΕΙΜΑΙ 22 ΧΡΟΝΩΝ", want: []string{"22:22 ΧΡΟΝΩΝ"}},
		{text: "η 22χρονη Λένα", want: []string{"22:22χρονη"}},
		{text: "devojka 18 godina", want: []string{"18:18 godina"}},
		{text: "Мне 20 лет", want: []string{"20:20 лет"}},
		{text: "Em 20 tuổi", want: []string{"20:20 tuổi"}},
		{text: "sunt Ana, am 22 de ani", want: []string{"22:22 de ani"}},
		{text: "Ana, 22-jährige Studentin", want: []string{"22:22-jährige"}},
		{text: "Jovencita de 18 añitos", want: []string{"18:18 añitos"}},
		{text: "Ukrainka 19 lat", want: []string{"19:19 lat"}},
		{text: "vajzë 19 vjeçe", want: []string{"19:19 vjeçe"}},
		{text: "Наташа, на 20 години", lang: "bg", want: []string{"20:20 години"}},
	})
}

func TestAgesGluedPunctuation(t *testing.T) {
	runAgeCases(t, "punctuation", []ageCase{
		{text: "Hi I am Lena ,20 years old", want: []string{"20:20 years old"}},
		{text: "Maya,25 yrs old", want: []string{"25:25 yrs old"}},
		{text: "green eyes.26 years old", want: []string{"26:26 years old"}},
		{text: "Soy Ana,22 años", want: []string{"22:22 años"}},
		{text: "Маша,20 лет", want: []string{"20:20 лет"}},
		{text: "blaue Augen.26 Jahre alt", want: []string{"26:26 Jahre alt"}},
		{text: "call 555 010 7788 19yrs new", want: []string{"19:19yrs"}},
	})
}

func TestAgesLists(t *testing.T) {
	runAgeCases(t, "lists", []ageCase{
		{text: "This week: Dina 22, Sara 24", want: []string{"22:Dina 22", "24:Sara 24"}},
		{text: "Lily 19, Rosa 20, Kim 23 all new", want: []string{"19:Lily 19", "20:Rosa 20", "23:Kim 23"}},
		{text: "we are 20,22,25 ys old", want: []string{"20:20,22,25 ys old", "22:22,25 ys old", "25:25 ys old"}},
		{text: "girls 18-35 years of age", want: []string{"18:18-35 years of age", "35:35 years of age"}},
		{text: "Ethnicity Korean Age 25-29 Height 5'1", want: []string{"25:Age 25", "29:Age 25-29"}},
		{text: "Jelena, 19, and Sanja, 21 – new", want: []string{"19:Jelena, 19", "21:Sanja, 21"}},
		{text: "Nicole (21), Vanessa (22) und Jasmin (20)", want: []string{"21:Nicole (21)", "22:Vanessa (22)", "20:Jasmin (20)"}},
		{text: "Δύο φίλες, η Λένα 19 και η Κατερίνα 20", want: []string{"19:Λένα 19", "20:Κατερίνα 20"}},
		{text: "Katia 20, Irina 22, tutte nuove", want: []string{"20:Katia 20", "22:Irina 22"}},
		{text: "chicas de 20, 22 y 25 años", want: []string{"20:20, 22 y 25 años", "22:22 y 25 años", "25:25 años"}},
		{text: "девушки 18-21 год", want: []string{"18:18-21 год", "21:21 год"}},
		{text: "momke od 18 do 35 godina", want: []string{"18:18 do 35 godina", "35:35 godina"}},
		// Not lists of names and ages.
		{text: "Posted June 24, July 12 and May 30", want: nil},
		{text: "Room 22, Suite 24", want: nil},
	})
}

func TestAgesStatsLines(t *testing.T) {
	runAgeCases(t, "stats", []ageCase{
		{text: "5'6, 125lbs, 23yrs", want: []string{"23:23yrs"}},
		{text: "Thai, 5'2\" at 98lbs with 32B, 24", want: []string{"24:5'2\" at 98lbs with 32B, 24"}},
		{text: "NIKA HERE 20\n5'7 slim", want: []string{"20:20\n5'7 slim"}},
		{text: "Lena | 168 cm | 55 kg | 23", want: []string{"23:55 kg | 23"}},
		{text: "Anka, 170 cm, 52 kg, 22", want: []string{"22:52 kg, 22"}},
		{text: "Рост 168 см, вес 55 кг, 23", want: []string{"23:вес 55 кг, 23"}},
		{text: "About me 29 self made, 5'7 165 lbs", want: []string{"29:About me 29"}},
		// Measurements, not ages.
		{text: "5'6, 36DD, 24, 36", want: nil},
		{text: "I stand at 5'7 150 36DD,26,38 f/f", want: nil},
		{text: "I am 34DD and 5'6", want: nil},
		{text: "stats 36D-24-36 and 36D 22 33", want: nil},
		{text: "Weight 55, 5'7", want: nil},
		{text: "Maße 90-60-90, 75C", want: nil},
	})
}

func TestAgesCuesAway(t *testing.T) {
	runAgeCases(t, "cues", []ageCase{
		{text: "I'm a sweet 24 year old", want: []string{"24:24 year old"}},
		{text: "just turned 20 and ready", want: []string{"20:just turned 20"}},
		{text: "my friend? she is 22", want: []string{"22:she is 22"}},
		{text: "I am 20, she is 23", want: []string{"20:I am 20", "23:she is 23"}},
		{text: "I’m 22 and new", want: []string{"22:I’m 22"}},
		{text: "I'm only 17!", want: []string{"17:I'm only 17"}},
		{text: "I'm 22 and 30 min away", want: []string{"22:I'm 22"}},
		{text: "Hi, ich bin Lena, 19 und neu hier", lang: "de", want: []string{"19:ich bin Lena, 19"}},
		{text: "ich bin erst 19", lang: "de", want: []string{"19:ich bin erst 19"}},
		{text: "Привіт, я Катя, мені 19", want: []string{"19:мені 19"}},
		{text: "мне уже 20", want: []string{"20:мне уже 20"}},
		{text: "Аз съм на 22", lang: "bg", want: []string{"22:съм на 22"}},
		{text: "Γεια, είμαι 22", want: []string{"22:είμαι 22"}},
		{text: "Zdravo, imam 19", want: []string{"19:imam 19"}},
	})
}

func TestAgesTitles(t *testing.T) {
	runAgeCases(t, "titles", []ageCase{
		{text: "Alina - 19", title: true, want: []string{"19:19"}},
		{text: "Alina - 19", want: nil},
		{text: "Sweet Asian Girl 🌸 22", title: true, want: []string{"22:22"}},
		{text: "NEW IN TOWN!! 21", title: true, want: []string{"21:21"}},
		{text: "Lola 20 ✈️ just arrived", title: true, want: []string{"20:Lola 20"}},
		{text: "Jovana, 20 👑 🌹", want: []string{"20:Jovana, 20"}},
		{text: "Anna, 22, new in town", want: []string{"22:Anna, 22"}},
		{text: "Only this weekend. Марина, 23, из Киева", want: []string{"23:Марина, 23"}},
		{text: "Giulia, 21. Studentessa", want: []string{"21:Giulia, 21"}},
		{text: "Milano, 22 maggio. Via Roma, 22, Milano. Paris, 22 rue de Rivoli", want: nil},
		{text: "Ana 20 – Rumänin, nur diese Woche", title: true, want: []string{"20:Ana 20"}},
		{text: "Наташа 20 – рускиня", title: true, want: []string{"20:Наташа 20"}},
		{text: "Hostess job Dubai 24", title: true, want: nil},
		{text: "Price: 50", title: true, want: nil},
	})
}

func TestAgesNotAges(t *testing.T) {
	runAgeCases(t, "not ages", []ageCase{
		{text: "open 24/7, 24 hrs, 24 hours", want: nil},
		{text: "25+ gentlemen only, 40's +, 40s, mature 35 and older", want: nil},
		{text: "2OO roses, 25O roses, 80 roses, over 30 happy clients", want: nil},
		{text: "I am at least 18 years of age", want: nil},
		{text: "I am 18 years of age or older", want: nil},
		{text: "LEAVE IF YOU ARE LESS THAN 18 YEARS OLD! under the age of 18", want: nil},
		{text: "you are 18+ years of age", want: nil},
		{text: "Please be over age 40 and respectful", want: nil},
		{text: "For nearly 20 years we have served", want: nil},
		{text: "with 20 years culminating experience", want: nil},
		{text: "20 years in business, 5 years experience", want: nil},
		{text: "more than a 50 year history", want: nil},
		{text: "call 555 22 33 44 or +90 212 555 01 77", want: nil},
		{text: "lena22@mail.example or @masha_18_msk", want: nil},
		{text: "Hours: 9:30am to 23:30pm, Posted: June 24, 2016 12:12 PM", want: nil},
		{text: "30min $40, 60min $60, 1/2hr - 35", want: nil},
		{text: "call 0641234567 or 15 min from centre", want: nil},
		{text: "price 100 per 30 minutes, 24/7", want: nil},
		{text: "2019 years of service", want: nil},
		{text: "work 8 hours, 45 years experience required", want: nil},
		{text: "I'm 30 minutes from the airport", want: nil},
		{text: "I'm available 24 hours", want: nil},
		{text: "I have 20 girls, we are 20 girls", want: nil},
		// other languages: limits, times, prices
		{text: "Ab 18, über 30 Jahre, 24 Std., 50 Euro", lang: "de", want: nil},
		{text: "18+, старше 30 лет, 24 часа, от 18 лет", lang: "ru", want: nil},
		{text: "живу на 25 этаже", lang: "ru", want: nil},
		{text: "mayores de 35 años, 24 horas", lang: "es", want: nil},
		{text: "plus de 30 ans, 24h/24", lang: "fr", want: nil},
		{text: "dai 18 anni, oltre 40 anni, 24 ore su 24", lang: "it", want: nil},
		{text: "Προτιμώ κυρίους άνω των 35, ΑΝΩ ΤΩΝ 35 ΕΤΩΝ", lang: "el", want: nil},
		{text: "Prefer domni trecuți de 35 de ani", lang: "ro", want: nil},
		{text: "powyżej 30 lat, 24 godziny", lang: "pl", want: nil},
		{text: "над 30 години, 24 часа", lang: "bg", want: nil},
		{text: "trên 30 tuổi, 24 giờ", lang: "vi", want: nil},
		{text: "preko 30 godina, mbi 30 vjeç", want: nil},
		{text: "40 годин на тиждень, 24 години", lang: "uk", want: nil},
		{text: "Gehalt 75.000 € im Jahr, 30 Urlaubstage", lang: "de", want: nil},
		// "up to", "at most": limits too
		{text: "cerchiamo signore fino a 50 anni, massimo 50 anni", lang: "it", want: nil},
		{text: "ΚΟΠΕΛΕΣ ΜΕΧΡΙ 30 ΕΤΩΝ, έως 30 ετών", lang: "el", want: nil},
		{text: "muškarci do 50 godina, жінки до 50 років, kobiety do 50 lat", want: nil},
		{text: "hasta 30 años, bis 30 Jahre, jusqu'à 30 ans", want: nil},
	})
}

func FuzzEntities(f *testing.F) {
	c, _ := LoadEntityCues()
	f.Add("age 19 my name is Mila - 21", true)
	f.Add("Dina 22, Sara 24 & Kim 23; 20,22,25 ys old; 5'6, 125lbs, 23", false)
	f.Add(strings.Repeat("22 ", 300)+"yrs", false)
	f.Add(strings.Repeat("1", 5000), false)
	f.Add(strings.Repeat("22,", 2000)+" years old", false)
	f.Add(strings.Repeat("Ana 22, ", 500), false)
	f.Add(strings.Repeat("♡☆#•~…¿", 300)+"22", true)
	f.Add(strings.Repeat("5'6, ", 400)+"23", false)
	f.Add("I'm 'Lena ’22 y/o+ - 19", true)
	f.Fuzz(func(t *testing.T, s string, title bool) {
		for _, a := range c.AgesIn(s, "", title, nil) {
			if a.Start < 0 || a.End > len(s) || a.Start >= a.End {
				t.Fatalf("bad age span %+v", a)
			}
			if a.Value < ageMin || a.Value > ageMax {
				t.Fatalf("age %d out of range", a.Value)
			}
			if !utf8.ValidString(s) {
				continue
			}
			if !utf8.ValidString(s[a.Start:a.End]) {
				t.Fatalf("span %d:%d cuts a rune in %q", a.Start, a.End, s)
			}
		}
	})
}

// TestAgesLinear checks that reading ages grows linearly with the text:
// long digit runs, lists and symbol soups cost no more per byte than
// ordinary text.
func TestAgesLinear(t *testing.T) {
	c, err := LoadEntityCues()
	if err != nil {
		t.Fatal(err)
	}
	soups := []string{
		strings.Repeat("22 ", 1000),
		strings.Repeat("2", 3000),
		strings.Repeat("22,", 1000),
		strings.Repeat("22-", 1000),
		strings.Repeat("Ana 22, ", 400),
		strings.Repeat("5'6, 22, ", 400),
		strings.Repeat("♡2☆2#•~", 400),
		strings.Repeat("I'm ", 800) + "22",
		strings.Repeat(" ", 3000) + "22",
	}
	// The fastest of seven timings, so a busy machine does not fail the test.
	perByte := func(s string) float64 {
		return slowinput.PerByte(func(s string) { c.AgesIn(s, "", true, nil) }, s, 20)
	}
	// The bound is checked with REDTHREAD_TIMING=1 on a quiet machine: on a
	// shared, loaded one timings are noise (figures are logged).
	strict := os.Getenv("REDTHREAD_TIMING") == "1"
	for _, s := range soups {
		short, long := s, strings.Repeat(s, 8)
		a, b := perByte(short), perByte(long)
		t.Logf("soup %.20q…: %.1f ns/byte at %d bytes, %.1f at %d", s, a, len(short), b, len(long))
		if strict && b > 3*a+1 { // +1 ns/byte of slack for timer noise
			t.Errorf("soup %.20q…: %.1f ns/byte at %d bytes, %.1f at %d: not linear", s, a, len(short), b, len(long))
		}
	}
}

// TestAgesCapped: a text that states more than maxAges ages is a list or a
// soup; only the first maxAges are read.
func TestAgesCapped(t *testing.T) {
	c, err := LoadEntityCues()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text string
		want int
	}{
		{strings.Repeat("Ana 22, ", 10), 10},
		{strings.Repeat("Ana 22, ", 1000), maxAges},
	} {
		if got := len(c.Ages(tc.text, false)); got != tc.want {
			t.Errorf("%d bytes: %d ages, want %d", len(tc.text), got, tc.want)
		}
	}
}
