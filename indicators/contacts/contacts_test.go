package contacts

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mustNew(tb testing.TB) *Extractor {
	tb.Helper()
	e, err := New()
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

// describe renders contacts as "type value", with a leading "~" for obfuscated ones.
func describe(cs []Contact) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		p := ""
		if c.Obfuscated {
			p = "~"
		}
		out = append(out, p+string(c.Type)+" "+c.Value)
	}
	return out
}

func TestExtract(t *testing.T) {
	e := mustNew(t)
	tests := []struct {
		name, text, region string
		want               []string
	}{
		// Phones, plain.
		{"rs slash", "Posao u Nemačkoj, javite se na 064/123-4567 (Marko)", "RS", []string{"phone +381641234567"}},
		{"rs intl", "Kontakt: +381 64 123 4567", "RS", []string{"phone +381641234567"}},
		{"rs intl no region", "Kontakt: +381 64 123 4567", "", []string{"phone +381641234567"}},
		{"rs 00 prefix", "zovite 00381 64 1234567", "", []string{"phone +381641234567"}},
		{"rs no region national", "zovite 064 123 4567", "", nil},
		{"us dashes", "Call 617-555-0123 today", "US", []string{"phone +16175550123"}},
		{"us parens", "Call (617) 555 0199 now", "US", []string{"phone +16175550199"}},
		{"uk", "Text me on 07700 900123 x", "GB", []string{"phone +447700900123"}},
		{"it mobile", "Chiamami al 333 123 4567, grazie", "IT", []string{"phone +393331234567"}},
		{"de", "Ruf an: 0151 23456789", "DE", []string{"phone +4915123456789"}},
		{"bg", "Обадете се на 0888 123 456 за повече информация", "BG", []string{"phone +359888123456"}},
		{"ro", "Sunați la 0722 123 456 pentru detalii", "RO", []string{"phone +40722123456"}},
		{"gr", "Τηλέφωνο 69 1234 5678", "GR", []string{"phone +306912345678"}},
		{"al", "Na kontaktoni në 069 123 4567", "AL", []string{"phone +355691234567"}},
		{"ua", "Телефон: +380 67 123 45 67", "UA", []string{"phone +380671234567"}},
		{"vn", "Liên hệ 0912 345 678 để biết thêm", "VN", []string{"phone +84912345678"}},
		{"two phones", "064/123-4567, 065 987 6543", "RS", []string{"phone +381641234567", "phone +381659876543"}},
		{"two phones slash", "064 1234567 / 065 9876543", "RS", []string{"phone +381641234567", "phone +381659876543"}},
		{"age then phone", "Mila 25 064 123 4567", "RS", []string{"phone +381641234567"}},
		{"dots", "tel. 064.123.4567.", "RS", []string{"phone +381641234567"}},
		{"trunk zero in parens", "+381 (0)64 123 4567", "", []string{"phone +381641234567"}},
		{"age plus phone", "18+ 0641234567", "RS", []string{"phone +381641234567"}},
		{"phone then price", "Tel 0641234567 2000 eur", "RS", []string{"phone +381641234567"}},

		// Phones, disguised.
		{"en words", "call six one seven five five five zero one two three", "US", []string{"~phone +16175550123"}},
		{"en mixed", "six one seven - 5five5 - 0one23", "US", []string{"~phone +16175550123"}},
		{"mixed 2Five3", "text 2Five3-22seven-7503 anytime", "US", []string{"~phone +12532277503"}},
		{"letter O", "8O5-253-6469", "US", []string{"~phone +18052536469"}},
		{"letter l", "O64 l23 4567 and 06l/123-4567", "RS", []string{"~phone +381641234567", "~phone +381611234567"}},
		{"oh for zero", "six one seven, five five five, oh one two three", "US", []string{"~phone +16175550123"}},
		{"spaced digits", "0 6 4 1 2 3 4 5 6 7", "RS", []string{"~phone +381641234567"}},
		{"dotted digits", "0.6.4.1.2.3.4.5.6.7", "RS", []string{"~phone +381641234567"}},
		{"stars", "064*123*4567", "RS", []string{"~phone +381641234567"}},
		{"keycaps", "📞 0️⃣6️⃣4️⃣1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣", "RS", []string{"~phone +381641234567"}},
		{"spelled inside digits", "Pozovi 06four-123-45six7", "RS", []string{"~phone +381641234567"}},
		{"fullwidth", "０６４ １２３ ４５６７", "RS", []string{"~phone +381641234567"}},
		{"circled", "⓪⑥④①②③④⑤⑥⑦", "RS", []string{"~phone +381641234567"}},
		{"math bold", "𝟎𝟔𝟒𝟏𝟐𝟑𝟒𝟓𝟔𝟕", "RS", []string{"~phone +381641234567"}},
		{"sr latin words", "nula šest četiri jedan dva tri četiri pet šest sedam", "RS", []string{"~phone +381641234567"}},
		{"sr cyrillic words", "нула шест четири један два три четири пет шест седам", "RS", []string{"~phone +381641234567"}},
		{"sr tri dva", "0 šest 4 jedan dva tri četiri pet 6 sedam", "RS", []string{"~phone +381641234567"}},
		{"bg words", "нула осем осем осем едно две три четири пет шест", "BG", []string{"~phone +359888123456"}},
		{"ru words", "восемь девять один шесть один два три четыре пять шесть семь", "RU", []string{"~phone +79161234567"}},
		{"uk words", "нуль шість сім один два три чотири п'ять шість сім", "UA", []string{"~phone +380671234567"}},
		{"el words", "έξι εννέα ένα δύο τρία τέσσερα πέντε έξι επτά οκτώ", "GR", []string{"~phone +306912345678"}},
		{"it words", "tre tre tre uno due tre quattro cinque sei sette", "IT", []string{"~phone +393331234567"}},
		{"es words", "seis uno dos tres cuatro cinco seis siete ocho", "ES", []string{"~phone +34612345678"}},
		{"de words", "null eins fünf eins zwei drei vier fünf sechs sieben acht neun", "DE", []string{"~phone +4915123456789"}},
		{"fr words", "zéro six un deux trois quatre cinq six sept huit", "FR", []string{"~phone +33612345678"}},
		{"pl words", "sześć zero jeden dwa trzy cztery pięć sześć siedem", "PL", []string{"~phone +48601234567"}},
		{"sq words", "zero gjashtë nëntë një dy tre katër pesë gjashtë shtatë", "AL", []string{"~phone +355691234567"}},
		{"ro words", "zero șapte doi doi unu doi trei patru cinci șase", "RO", []string{"~phone +40722123456"}},
		{"vi words", "không chín một hai ba bốn năm sáu bảy tám", "VN", []string{"~phone +84912345678"}},
		{"glued words", "sixonesevenfivefivefiveonetwothreefour", "US", []string{"~phone +16175551234"}},

		// Not phones.
		{"price eura", "Plata 3000 eura mesečno, smeštaj besplatan", "RS", nil},
		{"price euro sign", "Zarada €2.500 + bonus", "RS", nil},
		{"price range", "Plata 3000-5000 eur, posao u Nemačkoj", "RS", nil},
		{"price range bare", "plata 1500 - 2000 mesečno", "RS", nil},
		{"price thousands", "Cena 1.500.000 din", "RS", nil},
		{"price thousands bare", "zarada do 1.200.000 za sezonu", "RS", nil},
		{"date dots", "Početak 12.05.2025 u Beču", "RS", nil},
		{"date iso", "start 2025-05-12", "RS", nil},
		{"date range", "od 12.05. do 15.06.2025", "RS", nil},
		{"year range", "iskustvo 2019-2024 poželjno", "RS", nil},
		{"years", "since 2019, 2020 2021", "US", nil},
		{"age yo", "Mila 19yo new in town", "US", nil},
		{"ages range", "girls 18-25 for work abroad", "RS", nil},
		{"ages list", "18 19 20 21 years", "RS", nil},
		{"24/7", "available 24/7, incall/outcall", "US", nil},
		{"hours", "radno vreme 10-18h, 7/7", "RS", nil},
		{"height weight", "170cm 55kg 90-60-90", "RS", nil},
		{"height weight spaced", "22/170/55 C cup", "RS", nil},
		{"short id", "Oglas br. 123456", "RS", nil},
		{"id", "ID: 12345678", "RS", nil},
		{"iban", "IBAN RS35260005601001611379", "RS", nil},
		{"words in text", "someone told me two of them went to tritone", "US", nil},
		{"few number words", "one two three girls, six new", "US", nil},
		{"french un", "envoyez un sms, c'est un deux pièces", "FR", nil},
		{"time range", "open 10:00-22:00", "US", nil},
		{"glued words backtracking", "unounounounounounounounounounounounounounounounounounounox", "IT", nil},
		{"age plus", "18+ only", "RS", nil},
		{"ages long list", "Ages 18 19 20 21 22 23 24", "RS", nil},
		{"measure 3 groups", "Mila, 22 / 168 / 52", "RS", nil},
		{"url digits", "see https://example.com/ad/0641234567 for details", "RS", []string{"url https://example.com/ad/0641234567"}},

		// E-mails.
		{"email plain", "CV na Posao.Nemacka@Gmail.com.", "RS", []string{"email posao.nemacka@gmail.com"}},
		{"email at dot", "pišite na mila at gmail dot com", "RS", []string{"~email mila@gmail.com"}},
		{"email parens", "ana(at)yahoo(dot)com", "", []string{"~email ana@yahoo.com"}},
		{"email brackets", "rabota [at] mail [.] ru", "", []string{"~email rabota@mail.ru"}},
		{"email spaced", "jobs @ yahoo . com", "", []string{"~email jobs@yahoo.com"}},
		{"email dotted local", "email me at jane dot doe at gmail dot com", "", []string{"~email jane.doe@gmail.com"}},
		{"email bracket local", "ana(dot)petrovic(at)abv(dot)bg", "", []string{"~email ana.petrovic@abv.bg"}},
		{"email company", "info@agencija-posao.rs", "", []string{"email info@agencija-posao.rs"}},
		{"not email at", "meet me at home. Look at the photos", "", nil},

		// Handles.
		{"telegram at", "пишите в telegram @rabota_pl", "", []string{"handle telegram:rabota_pl"}},
		{"tg colon", "TG: rabota_pl", "", []string{"handle telegram:rabota_pl"}},
		{"insta", "insta: mila.bg 💋", "", []string{"handle instagram:mila.bg"}},
		{"tme", "канал t.me/rabota_pl", "", []string{"handle telegram:rabota_pl"}},
		{"tme https", "https://t.me/Rabota_PL", "", []string{"handle telegram:rabota_pl"}},
		{"wame", "wa.me/381641234567", "", []string{"handle whatsapp:+381641234567", "phone +381641234567"}},
		{"viber phone", "viber +381 64 123 4567", "", []string{"handle viber:+381641234567", "phone +381641234567"}},
		{"whatsapp phone", "WhatsApp: +44 7700 900123", "GB", []string{"handle whatsapp:+447700900123", "phone +447700900123"}},
		{"app list", "Viber/WhatsApp: 064 123 4567", "RS", []string{"handle viber:+381641234567", "handle whatsapp:+381641234567", "phone +381641234567"}},
		{"whats app", "whats app 0641234567", "RS", []string{"handle whatsapp:+381641234567", "phone +381641234567"}},
		{"dotted app", "w.h.a.t.s.a.p.p 0641234567", "RS", []string{"~handle whatsapp:+381641234567", "phone +381641234567"}},
		{"cyrillic app", "пиши в вотсап +79161234567", "", []string{"handle whatsapp:+79161234567", "phone +79161234567"}},
		{"vajber", "vajber samo 064 123 4567", "RS", []string{"handle viber:+381641234567", "phone +381641234567"}},
		{"spaced app", "t e l e g r a m @rabota", "", []string{"~handle telegram:rabota"}},
		{"dotted viber", "V.I.B.E.R +359 888 123 456", "", []string{"~handle viber:+359888123456", "phone +359888123456"}},
		{"kik", "Snapchat: sexy_mila22 Kik: mila22", "", []string{"handle snapchat:sexy_mila22", "handle kik:mila22"}},
		{"snap", "snap: lola_xo", "", []string{"handle snapchat:lola_xo"}},
		{"tiktok url", "tiktok.com/@lola.xo", "", []string{"handle tiktok:lola.xo"}},
		{"apps after phone", "064/123-4567 (Viber, WhatsApp)", "RS", []string{"phone +381641234567", "handle viber:+381641234567", "handle whatsapp:+381641234567"}},
		{"app no contact", "write on telegram and we talk", "", nil},
		{"phone-only app with word", "Viber: yes, WhatsApp: @mila", "", nil},
		{"telegram prose", "Telegram: available 24/7", "", nil},
		{"telegram name end of line", "Telegram: mila\nCall me", "", []string{"handle telegram:mila"}},
		{"app word then text", "Telegram is the best way", "", nil},

		// URLs.
		{"url https", "Apply: https://jobs.example.com/apply?id=7.", "", []string{"url https://jobs.example.com/apply?id=7"}},
		{"url www", "www.posao-nemacka.com", "", []string{"url https://www.posao-nemacka.com"}},
		{"url bare path", "više na rabota.pl/oferta/123", "", []string{"url https://rabota.pl/oferta/123"}},
		{"scheme only", "http:// nothing, https://localhost", "", nil},
		{"not url", "plata.mesečno i.e. e.g. something.else", "", nil},
		{"email not url", "pišite na posao@gmail.com", "", []string{"email posao@gmail.com"}},
	}
	tests = append(tests, wholeAds...)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := describe(e.Extract(tc.text, tc.region))
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("Extract(%q, %q)\n got %q\nwant %q", tc.text, tc.region, got, tc.want)
			}
		})
	}
}

func TestSameNumberTwoWays(t *testing.T) {
	e := mustNew(t)
	a := e.Extract("064/123-4567", "RS")
	b := e.Extract("+381 64 123 4567", "RS")
	c := e.Extract("+381 64 123 4567", "DE")
	if len(a) != 1 || len(b) != 1 || len(c) != 1 {
		t.Fatalf("got %v, %v, %v; want one phone each", a, b, c)
	}
	if a[0].Value != b[0].Value || b[0].Value != c[0].Value || a[0].Value != "+381641234567" {
		t.Errorf("values differ: %q %q %q", a[0].Value, b[0].Value, c[0].Value)
	}
}

func TestSpans(t *testing.T) {
	e := mustNew(t)
	text := "Hi! Viber/WhatsApp: 064 123 4567, mail mila at gmail dot com, t.me/rabota_pl, www.x.com"
	cs := e.Extract(text, "RS")
	if len(cs) == 0 {
		t.Fatal("no contacts")
	}
	for i, c := range cs {
		if c.Start < 0 || c.End > len(text) || c.Start >= c.End || text[c.Start:c.End] != c.Text {
			t.Errorf("contact %d %+v: bad span", i, c)
		}
		if i > 0 && cs[i-1].Start > c.Start {
			t.Errorf("not sorted by Start at %d", i)
		}
	}
	want := map[string]string{
		"phone +381641234567":       "064 123 4567",
		"email mila@gmail.com":      "mila at gmail dot com",
		"handle telegram:rabota_pl": "t.me/rabota_pl",
	}
	for _, c := range cs {
		k := string(c.Type) + " " + c.Value
		if w, ok := want[k]; ok && c.Text != w {
			t.Errorf("%s: text %q, want %q", k, c.Text, w)
		}
	}
}

func TestValidFlag(t *testing.T) {
	e := mustNew(t)
	cs := e.Extract("call +381 64 123 4567", "")
	if len(cs) != 1 || !cs[0].Valid {
		t.Fatalf("valid number: got %+v", cs)
	}
	// +44 7700 900xxx is reserved for drama: possible, not valid, kept.
	cs = e.Extract("+44 7700 900123", "")
	if len(cs) != 1 || cs[0].Valid {
		t.Fatalf("possible-but-invalid number: got %+v", cs)
	}
}

func TestIsFreeMail(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"posao@gmail.com", true}, {"X@Mail.Ru", true}, {"a@abv.bg", true}, {"a@ukr.net", true},
		{"yahoo.com", true}, {"info@agencija.rs", false}, {"a@gmail.com.evil.com", false}, {"", false},
	} {
		if got := IsFreeMail(tc.in); got != tc.want {
			t.Errorf("IsFreeMail(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestLoadExtra(t *testing.T) {
	extra := `
sources: [test]
date: 2026-11-23
digits:
  xx:
    "7": [septem]
apps:
  threema:
    aliases: [threema]
free_mail: [example-free.org]
`
	e, err := Load(strings.NewReader(extra))
	if err != nil {
		t.Fatal(err)
	}
	if !e.IsFreeMail("a@example-free.org") || !e.IsFreeMail("a@gmail.com") {
		t.Error("free-mail lists not merged")
	}
	got := describe(e.Extract("threema: mila_77", ""))
	if fmt.Sprint(got) != "[handle threema:mila_77]" {
		t.Errorf("extra app: got %v", got)
	}
	if d, ok := e.RecoverDigits("septem septem"); !ok || d != "77" {
		t.Errorf("extra digit word: got %q %v", d, ok)
	}
	for _, bad := range []string{
		"digits:\n  xx:\n    \"1\": [two]\n",       // conflicts with English
		"digits:\n  xx:\n    \"21\": [zwoelf]\n",   // not a number key
		"bogus_section: 1\n",                       // unknown field
		"apps:\n  foo:\n    aliases: [telegram]\n", // alias of another app
	} {
		if _, err := Load(strings.NewReader(bad)); err == nil {
			t.Errorf("Load(%q): no error", bad)
		}
	}
}

func TestLoadFiles(t *testing.T) {
	p := filepath.Join(t.TempDir(), "extra.yaml")
	if err := os.WriteFile(p, []byte("free_mail: [example-free.org]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e, err := LoadFiles(p)
	if err != nil {
		t.Fatal(err)
	}
	if !e.IsFreeMail("x@example-free.org") {
		t.Error("extra file not merged")
	}
	if _, err := LoadFiles(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Error("missing file: no error")
	}
}

func TestRecoverDigits(t *testing.T) {
	e := mustNew(t)
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"six one seven", "617", true},
		{"2Five3-22seven-7503", "2532277503", true},
		{"8O5-253-6469", "8052536469", true},
		{"шест", "6", true},
		{"έξι", "6", true},
		{"tri dva", "32", true},
		{"1️⃣2️⃣", "12", true},
		{"①②③", "123", true},
		{"１２３", "123", true},
		{"hello 123", "", false},
		{"", "", false},
	} {
		got, ok := e.RecoverDigits(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("RecoverDigits(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestConcurrent(t *testing.T) {
	e := mustNew(t)
	done := make(chan []string, 8)
	for i := 0; i < 8; i++ {
		go func() {
			var last []string
			for j := 0; j < 50; j++ {
				last = describe(e.Extract("Viber 064/123-4567, mila at gmail dot com", "RS"))
			}
			done <- last
		}()
	}
	for i := 0; i < 8; i++ {
		got := <-done
		if len(got) != 3 {
			t.Errorf("goroutine %d: got %v", i, got)
		}
	}
}

// TestNoFalseContacts runs whole realistic listings full of numbers that are not contacts.
func TestNoFalseContacts(t *testing.T) {
	e := mustNew(t)
	ads := []struct{ text, region string }{
		{"Radno vreme 08-16 / 16-24, plata 1200€ + 300€ bonus, početak 01.06.2025 - 30.09.2025, adresa Bulevar 12, 11000 Beograd", "RS"},
		{"Zarada 150.000 - 200.000 dinara mesečno. Smeštaj 3 x 4 m. Prijave do 15/05/2025.", "RS"},
		{"Работа в Польше 2025: зарплата 4000-6000 злотых, 8-12 часов, 5/2, возраст 18-55, рост 160-185", "PL"},
		{"Lavoro in Italia: stipendio 1.300,00 € netti, vitto e alloggio, 6 giorni su 7, dalle 8.00 alle 17.00", "IT"},
		{"Μισθός 900-1100 ευρώ, 6ήμερο, 8ωρο, τηλ. επικοινωνίας στο προφίλ", "GR"},
		{"Girls 19 20 22 years, 90-60-90, 170/55, 1h 150€ 2h 250€ night 800€, 24/7 incall outcall", "GB"},
		{"Đi Nhật Bản 2025, lương 35 triệu/tháng, phí 150 triệu, tuổi 18-35, làm một năm hai tháng", "VN"},
		{"Version 2.3.4.5.6.7 build 20250512 order #12345678 invoice 2024/00123", "RS"},
		{"Căutăm 20 de muncitori în construcții, salariu 2.500 - 3.000 euro, cazare gratuită, program 07:00-19:00", "RO"},
		{"Търсим берачи на ягоди в Испания, 1400 евро на месец, 40 часа седмично, от 01.04 до 30.06", "BG"},
		{"Punë në Greqi, 40€ në ditë, 10 orë, mosha 18-50, nisja më 12.05.2025", "AL"},
		{"Wir suchen Erntehelfer: 13,50 €/Std., 6 Tage/Woche, Unterkunft 8 €/Tag, Beginn 1.5.2025", "DE"},
		{"Sezonski rad: jagode 2025, 3000 eura za 3 meseca, 19yo-45yo, 170cm, 55kg, 10-18h, 7/7", "RS"},
		{"Kombinacije: 1-2-3-4-5-6-7, brojevi 11 22 33 44, šifra oglasa 998877", "RS"},
	}
	for _, ad := range ads {
		if got := describe(e.Extract(ad.text, ad.region)); len(got) != 0 {
			t.Errorf("Extract(%q, %q) = %q, want none", ad.text, ad.region, got)
		}
	}
}

// wholeAds are complete listings with several contacts, disguised and plain.
var wholeAds = []struct {
	name, text, region string
	want               []string
}{
	{"escort ad sr", "NOVO U GRADU 💋 Mila 21god, 170/55, samo par dana u Beogradu! Pozovi 06Četiri-123-45-67 ili piši na " +
		"vajber/vocap: 064 123 4567 ✈️ 24/7. Insta: mila.bg_ 🌹🌹 Cena 100€/1h.", "RS",
		[]string{"~phone +381641234567", "handle viber:+381641234567", "phone +381641234567", "handle instagram:mila.bg_"}},
	{"job ad sr cyrillic", "ПОСАО У НЕМАЧКОЈ! Плата 2500-3000 евра месечно, смештај и храна бесплатни. Почетак 01.06.2025. " +
		"Позовите +49 151 23456789 или пишите на posao.nemacka(at)gmail(dot)com, Телеграм: @posao_de", "RS",
		[]string{"phone +4915123456789", "~email posao.nemacka@gmail.com", "handle telegram:posao_de"}},
	{"job ad it", "Lavoro in Italia per ragazze 18-25 anni, guadagni fino a 5.000 € al mese. WhatsApp tre tre tre, uno due tre, " +
		"quattro cinque sei sette. Info: www.lavoro-italia.it/modelle", "IT",
		[]string{"~handle whatsapp:+393331234567", "~phone +393331234567", "url https://www.lavoro-italia.it/modelle"}},
	{"job ad bg", "Работа в Англия, 2000 паунда, безплатна квартира. Звънни на нула осем осем осем 123 456 или " +
		"пиши на rabota_uk@abv.bg. Вайбер и вотсап.", "BG",
		[]string{"~phone +359888123456", "email rabota_uk@abv.bg"}},
	{"escort ad en", "New in town!! Sexy Asian girl 22yo, 5'4 110lbs, incall/outcall 24/7. Call or text " +
		"(6one7) 5five5-01two3 or kik: lily_xo. NO BLOCKED CALLS", "US",
		[]string{"~phone +16175550123", "handle kik:lily_xo"}},
}
