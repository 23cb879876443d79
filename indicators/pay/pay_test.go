package pay

import (
	"math"
	"strings"
	"testing"
)

// w is an expected mention: the phrase text, bounds, currency and period.
type w struct {
	text     string
	lo, hi   float64
	cur, per string
}

func newTestParser(t testing.TB) *Parser {
	t.Helper()
	p, err := NewParser()
	if err != nil {
		t.Fatalf("NewParser: %v", err)
	}
	return p
}

func TestParse(t *testing.T) {
	p := newTestParser(t)
	tests := []struct {
		name string
		text string
		want []w
	}{
		// the examples from the indicator definition
		{"en euro month slash", "Seasonal work: €3,000/month for fruit picking in Spain", []w{{"€3,000/month", 3000, 3000, "EUR", "month"}}},
		{"en dollar a day", "earn 500$ a day no experience", []w{{"500$ a day", 500, 500, "USD", "day"}}},
		{"sr latin eura mesecno", "Posao u Nemačkoj, 3000 eura mesečno bez iskustva", []w{{"3000 eura mesečno", 3000, 3000, "EUR", "month"}}},
		{"sr dinara hour", "Plaćanje 1.200 din po satu, isplata nedeljno", []w{{"1.200 din po satu", 1200, 1200, "RSD", "hour"}}},
		{"sr cyrillic", "Плата 90.000 динара месечно, смештај обезбеђен", []w{{"90.000 динара месечно", 90000, 90000, "RSD", "month"}}},
		{"sr range od do", "Zarada od 800 do 1200 evra mesečno", []w{{"od 800 do 1200 evra mesečno", 800, 1200, "EUR", "month"}}},
		{"sr up to", "Zarada do 3000 eura!", []w{{"do 3000 eura", 3000, 3000, "EUR", ""}}},
		{"hr mjesecno", "Plaća 1.500 € mjesečno neto", []w{{"1.500 € mjesečno", 1500, 1500, "EUR", "month"}}},
		{"bs KM", "Plata 1.600 KM mjesečno, prijava", []w{{"1.600 KM mjesečno", 1600, 1600, "BAM", "month"}}},
		{"mk denari", "Плата 40.000 денари месечно", []w{{"40.000 денари месечно", 40000, 40000, "MKD", "month"}}},
		{"en range dash euro after", "Pay 1.500 – 2.000 € net", []w{{"1.500 – 2.000 €", 1500, 2000, "EUR", ""}}},
		{"en from to", "We offer from 800 to 1200 EUR per month", []w{{"from 800 to 1200 EUR per month", 800, 1200, "EUR", "month"}}},
		{"en symbol both sides range", "€1,500 - €2,000 per month", []w{{"€1,500 - €2,000 per month", 1500, 2000, "EUR", "month"}}},
		{"en k", "Earn 2k a week cleaning houses", []w{{"2k a week", 2000, 2000, "", "week"}}},
		{"en k decimal comma", "Salary 1,5k EUR", []w{{"1,5k EUR", 1500, 1500, "EUR", ""}}},
		{"en million", "a 1.5 million USD contract", []w{{"1.5 million USD", 1.5e6, 1.5e6, "USD", ""}}},
		{"en pound hourly", "£12.50 per hour, weekly pay", []w{{"£12.50 per hour", 12.5, 12.5, "GBP", "hour"}}},
		{"en dollar hr", "Models wanted $200/hr", []w{{"$200/hr", 200, 200, "USD", "hour"}}},
		{"en yearly", "Salary: $45,000 a year plus benefits", []w{{"$45,000 a year", 45000, 45000, "USD", "year"}}},
		{"en context only", "Salary: 1500-2000, start immediately", []w{{"1500-2000", 1500, 2000, "", ""}}},
		{"en up to", "earn up to €5,000 monthly", []w{{"up to €5,000 monthly", 5000, 5000, "EUR", "month"}}},
		{"en usd code before", "USD 700 weekly", []w{{"USD 700 weekly", 700, 700, "USD", "week"}}},
		{"en 2-3k", "Pay 2-3k EUR/month", []w{{"2-3k EUR/month", 2000, 3000, "EUR", "month"}}},
		{"en hourly rate context", "Hourly rate: 15 EUR", []w{{"15 EUR", 15, 15, "EUR", "hour"}}},
		{"en monthly salary context", "Monthly salary 2500 EUR, free housing", []w{{"2500 EUR", 2500, 2500, "EUR", "month"}}},
		{"it", "Stipendio 1.400 € netto al mese, vitto e alloggio", []w{{"1.400 € netto al mese", 1400, 1400, "EUR", "month"}}},
		{"it ora", "Paga 8 euro all'ora per raccolta frutta", []w{{"8 euro all'ora", 8, 8, "EUR", "hour"}}},
		{"it da a", "guadagno da 1.200 a 1.800 euro", []w{{"da 1.200 a 1.800 euro", 1200, 1800, "EUR", ""}}},
		{"el", "Μισθός 900 ευρώ το μήνα, διαμονή δωρεάν", []w{{"900 ευρώ το μήνα", 900, 900, "EUR", "month"}}},
		{"el day", "Ημερομίσθιο 50€ την ημέρα", []w{{"50€ την ημέρα", 50, 50, "EUR", "day"}}},
		{"sq", "Paga 600 euro në muaj, pa përvojë", []w{{"600 euro në muaj", 600, 600, "EUR", "month"}}},
		{"sq lek", "Pagë 80.000 lekë mujore", []w{{"80.000 lekë mujore", 80000, 80000, "ALL", "month"}}},
		{"sq decomposed", "Pag\u00eb 50.000 leke\u0308 ne\u0308 muaj", []w{{"50.000 leke\u0308 ne\u0308 muaj", 50000, 50000, "ALL", "month"}}},
		{"ro", "Salariu 4000 lei pe lună, cazare gratuită", []w{{"4000 lei pe lună", 4000, 4000, "RON", "month"}}},
		{"ro ora", "Plata 25 lei pe oră", []w{{"25 lei pe oră", 25, 25, "RON", "hour"}}},
		{"ro ora bare", "Salariu 25 lei ora", []w{{"25 lei ora", 25, 25, "RON", "hour"}}},
		{"ch Fr", "Lohn 4500 Fr pro Monat", []w{{"4500 Fr pro Monat", 4500, 4500, "CHF", "month"}}},
		{"ro range", "câștig de la 800 la 1000 euro", []w{{"de la 800 la 1000 euro", 800, 1000, "EUR", ""}}},
		{"uk", "Зарплата 25 000 грн на місяць", []w{{"25 000 грн на місяць", 25000, 25000, "UAH", "month"}}},
		{"uk hour", "Оплата 200 грн/год", []w{{"200 грн/год", 200, 200, "UAH", "hour"}}},
		{"ru", "Зарплата от 50 000 руб. в месяц", []w{{"50 000 руб. в месяц", 50000, 50000, "RUB", "month"}}},
		{"ru range", "Заработок от 80 до 120 тыс. руб.", []w{{"от 80 до 120 тыс. руб.", 80000, 120000, "RUB", ""}}},
		{"ru ruble sign", "доход 3000 ₽ в день", []w{{"3000 ₽ в день", 3000, 3000, "RUB", "day"}}},
		{"es", "Sueldo 1.200 € al mes, sin experiencia", []w{{"1.200 € al mes", 1200, 1200, "EUR", "month"}}},
		{"es hora", "Pagamos 10 euros por hora", []w{{"10 euros por hora", 10, 10, "EUR", "hour"}}},
		{"es mil", "ganar 2 mil euros al mes", []w{{"2 mil euros al mes", 2000, 2000, "EUR", "month"}}},
		{"de", "Gehalt 2.500 € brutto monatlich", []w{{"2.500 € brutto monatlich", 2500, 2500, "EUR", "month"}}},
		{"de stunde", "Stundenlohn 14,50 € pro Stunde", []w{{"14,50 € pro Stunde", 14.5, 14.5, "EUR", "hour"}}},
		{"de chf", "Lohn CHF 4'500 pro Monat", []w{{"CHF 4'500 pro Monat", 4500, 4500, "CHF", "month"}}},
		{"fr", "Salaire 12 € par heure, logé nourri", []w{{"12 € par heure", 12, 12, "EUR", "hour"}}},
		{"fr mois", "Rémunération : 2 000 € par mois", []w{{"2 000 € par mois", 2000, 2000, "EUR", "month"}}},
		{"pl", "Wynagrodzenie 25 zł na godzinę netto", []w{{"25 zł na godzinę", 25, 25, "PLN", "hour"}}},
		{"pl month", "Pensja 6000 zł miesięcznie", []w{{"6000 zł miesięcznie", 6000, 6000, "PLN", "month"}}},
		{"bg", "Заплата 1200 лв на месец", []w{{"1200 лв на месец", 1200, 1200, "BGN", "month"}}},
		{"bg hour", "Заплащане 15 лева на час", []w{{"15 лева на час", 15, 15, "BGN", "hour"}}},
		{"bg year", "Заплата 24 000 лева за година", []w{{"24 000 лева за година", 24000, 24000, "BGN", "year"}}},
		{"vi trieu", "Lương 8 triệu/tháng, bao ăn ở", []w{{"8 triệu/tháng", 8e6, 8e6, "VND", "month"}}},
		{"vi range", "lương từ 8-12 triệu mỗi tháng", []w{{"từ 8-12 triệu mỗi tháng", 8e6, 12e6, "VND", "month"}}},
		{"vi dong", "thu nhập 15.000.000 đồng/tháng", []w{{"15.000.000 đồng/tháng", 15e6, 15e6, "VND", "month"}}},
		{"vi k", "lương 500k mỗi ngày", []w{{"500k mỗi ngày", 500000, 500000, "", "day"}}},
		{"decimal comma", "Pay 2.500,50 EUR", []w{{"2.500,50 EUR", 2500.5, 2500.5, "EUR", ""}}},
		{"space thousands nbsp", "Salaire 2\u00a0000\u00a0€ par mois", []w{{"2\u00a0000\u00a0€ par mois", 2000, 2000, "EUR", "month"}}},
		{"glued eura", "3000eura mesecno", []w{{"3000eura mesecno", 3000, 3000, "EUR", "month"}}},
		{"uppercase", "SALARY 3000 EUR PER MONTH", []w{{"3000 EUR PER MONTH", 3000, 3000, "EUR", "month"}}},
		{"two mentions", "Plata 1000 EUR mesečno + bonus 200 EUR", []w{{"1000 EUR mesečno", 1000, 1000, "EUR", "month"}, {"200 EUR", 200, 200, "EUR", ""}}},
		{"context period", "plata 80000 mesečno", []w{{"80000 mesečno", 80000, 80000, "", "month"}}},
		{"weak confirmed by context", "Plata 1500 KM", []w{{"1500 KM", 1500, 1500, "BAM", ""}}},
		{"fee price", "placement fee 500 EUR, paid before travel", []w{{"500 EUR", 500, 500, "EUR", ""}}},
		{"mixed with phone", "Plata 2000€ mesečno. Pozovite 064 123 4567", []w{{"2000€ mesečno", 2000, 2000, "EUR", "month"}}},

		{"de comma dash", "Lohn 10,- € pro Stunde", []w{{"10,- € pro Stunde", 10, 10, "EUR", "hour"}}},
		{"en from to symbols", "from $15 to $20 per hour", []w{{"from $15 to $20 per hour", 15, 20, "USD", "hour"}}},
		{"en pw glued", "£400pw cash in hand", []w{{"£400pw", 400, 400, "GBP", "week"}}},
		{"ru tr", "зарплата 50 т.р. в месяц", []w{{"50 т.р. в месяц", 50000, 50000, "RUB", "month"}}},
		{"vi no diacritics", "luong 7-9tr/thang", []w{{"7-9tr/thang", 7e6, 9e6, "VND", "month"}}},
		{"es entre y", "entre 800 y 1000 euros al mes", []w{{"entre 800 y 1000 euros al mes", 800, 1000, "EUR", "month"}}},
		{"count then pay", "2 x 500 EUR per week", []w{{"500 EUR per week", 500, 500, "EUR", "week"}}},
		{"two currencies", "1000 EUR 500 EUR", []w{{"1000 EUR", 1000, 1000, "EUR", ""}, {"500 EUR", 500, 500, "EUR", ""}}},
		{"escort rates", "Rates: 150/h, 400 overnight", []w{{"150/h", 150, 150, "", "hour"}}},

		// negatives: bare numbers are not pay
		{"phone", "Call +381 64 123 4567 or 064/123-456", nil},
		{"year", "Established 2025, work from 2026", nil},
		{"age range", "girls 18-25 for work abroad", nil},
		{"height", "height 170 cm, weight 55 kg", nil},
		{"24/7", "available 24/7, 7 days", nil},
		{"percent", "50% discount, 20 % off", nil},
		{"time", "from 10:00 to 18:30", nil},
		{"count", "only 3 places left, 2 rooms", nil},
		{"date", "start 12.05.2025", nil},
		{"km distance", "20 km from the city, 5 KM walk", nil},
		{"context but count", "Salary good. We need 3 workers", nil},
		{"context in previous sentence", "Salary good. We need 3 now", nil},
		{"context after abbreviation", "Salary approx. 1500", []w{{"1500", 1500, 1500, "", ""}}},
		{"qualifier before currency", "Salary 2k net EUR per month", []w{{"2k net EUR per month", 2000, 2000, "EUR", "month"}}},
		{"code glued before", "Plata EUR3000/mj", []w{{"EUR3000/mj", 3000, 3000, "EUR", "month"}}},
		{"context then count", "salary paid for 3 workers", nil},
		{"context then age", "plata odlična, 18 godina", nil},
		{"context year", "salary since 2019", nil},
		{"context then phone", "Salary negotiable, call 64 123 456", nil},
		{"letters glued", "room A4, model x2, size 38", nil},
		{"ALL lowercase word", "3 all inclusive", nil},
		{"hours", "work 8 h per day, 6 days a week", nil},
		{"german ft", "6 ft tall", nil},
		{"romanian din", "3 din 5 candidati", nil},
		{"work hours range", "work 10-12 hours/day, 6 days", nil},
		{"paid twice", "Plata 2 puta mesečno", nil},
		{"ordinal", "salary paid on the 15th", nil},
		{"leading zero date", "start 01.06.", nil},
		{"long id", "ref 4815162342 salary", nil},
		{"times per month", "pay 2 times per month", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := p.Parse(tc.text)
			if len(got) != len(tc.want) {
				t.Fatalf("Parse(%q) = %d mentions %+v, want %d %+v", tc.text, len(got), got, len(tc.want), tc.want)
			}
			for i, g := range got {
				e := tc.want[i]
				if g.Text != e.text || g.Amount != e.lo || g.AmountMax != e.hi || g.Currency != e.cur || g.Period != e.per {
					t.Errorf("Parse(%q)[%d] = {%q %v-%v %q %q}, want {%q %v-%v %q %q}", tc.text, i,
						g.Text, g.Amount, g.AmountMax, g.Currency, g.Period, e.text, e.lo, e.hi, e.cur, e.per)
				}
				if tc.text[g.Start:g.End] != g.Text {
					t.Errorf("span [%d:%d] = %q, Text %q", g.Start, g.End, tc.text[g.Start:g.End], g.Text)
				}
			}
		})
	}
}

func TestParseUpTo(t *testing.T) {
	p := newTestParser(t)
	for _, tc := range []struct {
		text string
		upTo bool
	}{
		{"Zarada do 3000 eura", true},
		{"earn up to $500 a day", true},
		{"Zarada od 800 do 1200 eura", false},
		{"Zarada 1200 eura", false},
	} {
		got := p.Parse(tc.text)
		if len(got) != 1 {
			t.Fatalf("Parse(%q) = %+v, want one mention", tc.text, got)
		}
		if got[0].UpTo != tc.upTo {
			t.Errorf("Parse(%q).UpTo = %v, want %v", tc.text, got[0].UpTo, tc.upTo)
		}
	}
}

func TestParseLongAdNoOverlap(t *testing.T) {
	p := newTestParser(t)
	text := strings.Repeat("Plata 1.000-1.500 EUR mesečno, tel 064 123 456, 24/7, od 2025. ", 50)
	got := p.Parse(text)
	if len(got) != 50 {
		t.Fatalf("got %d mentions, want 50", len(got))
	}
	for i := 1; i < len(got); i++ {
		if got[i].Start < got[i-1].End {
			t.Fatalf("mentions %d and %d overlap: %+v %+v", i-1, i, got[i-1], got[i])
		}
	}
}

func TestNewParserFrom(t *testing.T) {
	const lex = `
currencies:
  - code: XTS
    words: ["testcoin"]
periods:
  month:
    words: ["per moon"]
context:
  any: ["reward"]
`
	p, err := NewParserFrom(strings.NewReader(lex))
	if err != nil {
		t.Fatal(err)
	}
	got := p.Parse("reward 10 testcoin per moon; 3000 EUR")
	if len(got) != 1 || got[0].Currency != "XTS" || got[0].Period != "month" || got[0].Amount != 10 {
		t.Fatalf("custom lexicon: got %+v", got)
	}
	for _, bad := range []string{
		"currencies: [{code: EURO, words: [x]}]",
		"currencies: [{code: EUR, words: [x]}]\nperiods: {fortnight: {words: [x]}}",
		"currencies: [{code: EUR, words: [\"  \"]}]",
		"unknown_key: 1",
		"periods: [",
	} {
		if _, err := NewParserFrom(strings.NewReader(bad)); err == nil {
			t.Errorf("NewParserFrom(%q): want error", bad)
		}
	}
}

func checkMentions(t *testing.T, text string, ms []Mention) {
	t.Helper()
	prevEnd := 0
	for _, m := range ms {
		if m.Start < prevEnd || m.Start > m.End || m.End > len(text) {
			t.Fatalf("bad span [%d:%d] (prev end %d, len %d)", m.Start, m.End, prevEnd, len(text))
		}
		if text[m.Start:m.End] != m.Text {
			t.Fatalf("Text %q != text[%d:%d] %q", m.Text, m.Start, m.End, text[m.Start:m.End])
		}
		for _, v := range []float64{m.Amount, m.AmountMax} {
			if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
				t.Fatalf("bad amount %v in %+v", v, m)
			}
		}
		if m.Amount > m.AmountMax {
			t.Fatalf("Amount %v > AmountMax %v", m.Amount, m.AmountMax)
		}
		prevEnd = m.End
	}
}

func FuzzParse(f *testing.F) {
	p := newTestParser(f)
	for _, s := range []string{
		"€3,000/month for fruit picking", "earn 500$ a day no experience", "3000 eura mesečno bez iskustva",
		"1.200 din po satu", "od 800 do 1200 EUR", "1.500 – 2.000 €", "lương từ 8-12 triệu mỗi tháng",
		"Зарплата от 50 000 руб. в месяц", "2.500,50 EUR", "1,5k", "salary 1.5 million", "24/7 +381641234567",
		"Plata 1500 KM", "£12.50 per hour", "CHF 4'500 pro Monat", "12.05.2025", "9999999999999999999 EUR",
		"0,0000001 EUR", "1e308 EUR", "€ €€ 1-2-3-4 $$ 5k-1k",
		// issue 11 classes and hostile input: long digit runs, symbol soups, half phrases
		"$950 — paid every week", "$300 a day for 2 hours", "15 €/h, 6 Stunden pro Tag", "six figures",
		"від 30 000 до 45 000 грн", "300 for 2 hours, 24 hours a day", "fee 500 EUR deposit",
		strings.Repeat("9", 300), strings.Repeat("1 ", 200), strings.Repeat("1500-", 100), strings.Repeat("€$£-–~/.,+% ", 40),
		strings.Repeat("1.000.", 80), "for for 2 2 hours hours a a day", "up to up to up to 5", "six-figure six figures 6 figures",
		"\xff\xfe 1\x00 EUR \u00a0\u202f 2 000 €", "1,-€ 1.-€ 1,- 2,-3",
	} {
		f.Add(s)
	}
	tb, err := DefaultTables()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkMentions(t, s, p.Parse(s))
		r := p.Read(s, Options{Stated: true})
		checkMentions(t, s, r.Mentions)
		for _, m := range r.Mentions {
			if m.PeriodCount < 0 || math.IsNaN(m.PeriodCount) || m.Work.HoursPerDay > maxHoursPerDay ||
				m.Work.DaysPerWeek > maxDaysPerWeek || m.Work.HoursPerWeek > maxHoursPerWeek {
				t.Fatalf("bad count or working time in %+v", m)
			}
			for _, country := range []string{"US", "RS", ""} {
				c, ok := tb.Convert(m, country, country)
				if !ok {
					continue
				}
				for _, v := range []float64{c.MonthlyEUR, c.MonthlyEURMax, c.HourlyEUR} {
					if math.IsNaN(v) || v < 0 {
						t.Fatalf("Convert(%+v) = %+v", m, c)
					}
				}
				if c.MonthlyEUR > c.MonthlyEURMax {
					t.Fatalf("Convert(%+v): low end %v above high end %v", m, c.MonthlyEUR, c.MonthlyEURMax)
				}
				if c.Note(m) == "" {
					t.Fatal("empty note")
				}
			}
		}
	})
}

// benchAd is a 2 KB job ad dense with phone numbers, dates, counts and times but no pay
// (168 digit runs): the worst case for the parser.
var benchAd = strings.Repeat("Hiring now! Warehouse and construction workers for a partner company in Germany, "+
	"start 12.05.2025, only 3 places left. Call +49 151 2345 6789 or 064/123-456 (09:00-17:00, 24/7 on Viber). "+
	"Accommodation provided, 2 rooms, 40 hours per week, age 18-45. ", 9)[:2048]

// proseAd is a 2 KB job ad in ordinary prose with a few numbers and no pay.
var proseAd = strings.Repeat("We are looking for reliable people to join our team in the hotel and restaurant "+
	"sector. Duties include cleaning rooms, helping in the kitchen and serving guests. Accommodation is "+
	"provided near the workplace and transport is organised every morning. Contact us on WhatsApp, "+
	"shifts of 8 hours, 5 days a week, 2 positions open in Munich. ", 7)[:2048]

func BenchmarkParse(b *testing.B) {
	p := newTestParser(b)
	b.Run("prose-2KB", func(b *testing.B) {
		b.SetBytes(int64(len(proseAd)))
		b.ReportAllocs()
		for b.Loop() {
			if ms := p.Parse(proseAd); len(ms) != 0 {
				b.Fatalf("unexpected mentions %+v", ms)
			}
		}
	})
	b.Run("no-pay-2KB", func(b *testing.B) {
		b.SetBytes(int64(len(benchAd)))
		b.ReportAllocs()
		for b.Loop() {
			if ms := p.Parse(benchAd); len(ms) != 0 {
				b.Fatalf("unexpected mentions %+v", ms)
			}
		}
	})
	withPay := benchAd[:1900] + " Plata 1.500-2.000 EUR mesečno."
	b.Run("pay-2KB", func(b *testing.B) {
		b.SetBytes(int64(len(withPay)))
		b.ReportAllocs()
		for b.Loop() {
			if ms := p.Parse(withPay); len(ms) != 1 {
				b.Fatalf("got %d mentions", len(ms))
			}
		}
	})
}

func FuzzNewParserFrom(f *testing.F) {
	f.Add("currencies: [{code: XTS, words: [\"tc\", \"¤\"]}]\ncontext: {any: [\"reward*\"]}\nperiods: {hour: {words: [\"ph\"], units: [\"h\"]}}", "reward 10 tc ph, ¤5/h")
	f.Add("currencies: [{code: EUR, words: [\"-\", \" e \"], weak: [\"E\"]}]\nrange_to: [\"-\"]\nmultipliers: [{value: 1000, words: [\"k\"]}]", "5-6 E 1-2-3 - 4k")
	f.Fuzz(func(t *testing.T, lexicon, text string) {
		p, err := NewParserFrom(strings.NewReader(lexicon))
		if err != nil {
			return
		}
		checkMentions(t, text, p.Parse(text))
	})
}
