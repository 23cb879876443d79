package pay

import (
	"os"
	"strings"
	"testing"
)

// The classes of pay statement of issue 11, each in English and at least two other
// languages. All texts are made up for these tests.

// cw is an expected mention with the fields the classes are about.
type cw struct {
	text     string  // the span read
	lo, hi   float64 // amounts
	cur, per string  // currency and period
	upTo     bool
	count    float64  // PeriodCount
	work     WorkTime // working time of the mention (its own or the text's)
	cost     bool
}

func checkClass(t *testing.T, p *Parser, o Options, text string, want []cw) {
	t.Helper()
	got := p.Read(text, o).Mentions
	checkMentions(t, text, got)
	if len(got) != len(want) {
		t.Fatalf("Read(%q) = %d mentions %+v, want %d %+v", text, len(got), got, len(want), want)
	}
	for i, g := range got {
		e := want[i]
		if g.Text != e.text || g.Amount != e.lo || g.AmountMax != e.hi || g.Currency != e.cur || g.Period != e.per ||
			g.UpTo != e.upTo || g.PeriodCount != e.count || g.Work != e.work || g.Cost != e.cost {
			t.Errorf("Read(%q)[%d] =\n  {%q %v-%v %q %q upTo=%v count=%v work=%+v cost=%v}, want\n  {%q %v-%v %q %q upTo=%v count=%v work=%+v cost=%v}",
				text, i, g.Text, g.Amount, g.AmountMax, g.Currency, g.Period, g.UpTo, g.PeriodCount, g.Work, g.Cost,
				e.text, e.lo, e.hi, e.cur, e.per, e.upTo, e.count, e.work, e.cost)
		}
	}
}

func TestPayClasses(t *testing.T) {
	p := newTestParser(t)
	day := func(h float64) WorkTime { return WorkTime{HoursPerDay: h} }
	classes := []struct {
		class string
		tests []struct {
			text string
			want []cw
		}
	}{
		{"period in a window after the amount", []struct {
			text string
			want []cw
		}{
			{"We offer $950 — paid every week, cash.", []cw{{text: "$950 — paid every week", lo: 950, hi: 950, cur: "USD", per: "week"}}},
			{"Salary £400, paid out weekly", []cw{{text: "£400, paid out weekly", lo: 400, hi: 400, cur: "GBP", per: "week"}}},
			{"Lohn 1.200 € netto, Auszahlung monatlich.", []cw{{text: "1.200 € netto, Auszahlung monatlich", lo: 1200, hi: 1200, cur: "EUR", per: "month"}}},
			{"Plata 1.500 eura, isplata svake nedelje", []cw{{text: "1.500 eura, isplata svake nedelje", lo: 1500, hi: 1500, cur: "EUR", per: "week"}}},
			{"Зарплата 80 000 руб., выплаты каждую неделю", []cw{{text: "80 000 руб., выплаты каждую неделю", lo: 80000, hi: 80000, cur: "RUB", per: "week"}}},
			{"Salaire 1 800 €, payé chaque semaine", []cw{{text: "1 800 €, payé chaque semaine", lo: 1800, hi: 1800, cur: "EUR", per: "week"}}},
			{"Μισθός 900€, πληρωμή κάθε εβδομάδα", []cw{{text: "900€, πληρωμή κάθε εβδομάδα", lo: 900, hi: 900, cur: "EUR", per: "week"}}},
			{"Lương 8 triệu, trả lương hàng tuần", []cw{{text: "8 triệu, trả lương hàng tuần", lo: 8e6, hi: 8e6, cur: "VND", per: "week"}}},
			{"$950 — weekly", []cw{{text: "$950 — weekly", lo: 950, hi: 950, cur: "USD", per: "week"}}},
			// not the pay's period: another number comes first, or no word about paying
			{"Salary €2,000, 6 days a week", []cw{{text: "€2,000", lo: 2000, hi: 2000, cur: "EUR", work: WorkTime{DaysPerWeek: 6}}}},
			{"Salary €2,000, free transport daily to the farm", []cw{{text: "€2,000", lo: 2000, hi: 2000, cur: "EUR"}}},
			{"Plata 1.500 eura. Isplata nedeljno.", []cw{{text: "1.500 eura", lo: 1500, hi: 1500, cur: "EUR"}}},
		}},
		{"hours stated turn hourly and daily pay into monthly", []struct {
			text string
			want []cw
		}{
			{"Earn $300 a day for 2 hours of chatting", []cw{{text: "$300 a day for 2 hours", lo: 300, hi: 300, cur: "USD", per: "day", work: day(2)}}},
			{"Rates: 300 for 2 hours", []cw{{text: "300 for 2 hours", lo: 300, hi: 300, per: "hour", count: 2}}},
			{"£12 per hour, 6 hours a day, 5 days a week", []cw{{text: "£12 per hour", lo: 12, hi: 12, cur: "GBP", per: "hour", work: WorkTime{HoursPerDay: 6, DaysPerWeek: 5}}}},
			{"15 €/h, 6 Stunden pro Tag", []cw{{text: "15 €/h", lo: 15, hi: 15, cur: "EUR", per: "hour", work: day(6)}}},
			{"Arbeitszeit 40h/Woche, Stundenlohn 14 €", []cw{{text: "14 €", lo: 14, hi: 14, cur: "EUR", per: "hour", work: WorkTime{HoursPerWeek: 40}}}},
			{"Paga 9 euro l'ora, 10 ore al giorno, 6 giorni su 7", []cw{{text: "9 euro l'ora", lo: 9, hi: 9, cur: "EUR", per: "hour", work: WorkTime{HoursPerDay: 10, DaysPerWeek: 6}}}},
			{"Wynagrodzenie 25 zł/h, 8-10 godzin dziennie", []cw{{text: "25 zł/h", lo: 25, hi: 25, cur: "PLN", per: "hour", work: day(10)}}},
			{"Ημερομίσθιο 48€ για 6,5 ώρες", []cw{{text: "48€ για 6,5 ώρες", lo: 48, hi: 48, cur: "EUR", per: "day", work: day(6.5)}}},
			{"Honorar 5000 eura za 10 dana", []cw{{text: "5000 eura za 10 dana", lo: 5000, hi: 5000, cur: "EUR", per: "day", count: 10}}},
			{"Оплата 1500 грн за 8 годин на день", []cw{{text: "1500 грн за 8 годин на день", lo: 1500, hi: 1500, cur: "UAH", work: day(8)}}},
			// availability is not work
			{"€20/hour, available 24 hours a day", []cw{{text: "€20/hour", lo: 20, hi: 20, cur: "EUR", per: "hour"}}},
		}},
		{"ranges: both ends", []struct {
			text string
			want []cw
		}{
			{"Salary $40,000-$60,000 DOE", []cw{{text: "$40,000-$60,000", lo: 40000, hi: 60000, cur: "USD"}}},
			{"Pay 1500–2500 EUR per month", []cw{{text: "1500–2500 EUR per month", lo: 1500, hi: 2500, cur: "EUR", per: "month"}}},
			{"Зарплата від 30 000 до 45 000 грн", []cw{{text: "від 30 000 до 45 000 грн", lo: 30000, hi: 45000, cur: "UAH"}}},
			{"Stipendio da 1.200 a 1.800 euro al mese", []cw{{text: "da 1.200 a 1.800 euro al mese", lo: 1200, hi: 1800, cur: "EUR", per: "month"}}},
			{"Zarobki 4 000 - 6 000 zł miesięcznie", []cw{{text: "4 000 - 6 000 zł miesięcznie", lo: 4000, hi: 6000, cur: "PLN", per: "month"}}},
			{"lương từ 8-12 triệu mỗi tháng", []cw{{text: "từ 8-12 triệu mỗi tháng", lo: 8e6, hi: 12e6, cur: "VND", per: "month"}}},
		}},
		{"up to, thousands and words for amounts", []struct {
			text string
			want []cw
		}{
			{"earn up to $5,000 a month", []cw{{text: "up to $5,000 a month", lo: 5000, hi: 5000, cur: "USD", per: "month", upTo: true}}},
			{"Verdienst bis zu 4.000 € im Monat", []cw{{text: "bis zu 4.000 € im Monat", lo: 4000, hi: 4000, cur: "EUR", per: "month", upTo: true}}},
			{"Заработок до 200 000 руб. в месяц", []cw{{text: "до 200 000 руб. в месяц", lo: 200000, hi: 200000, cur: "RUB", per: "month", upTo: true}}},
			{"Salary $80k", []cw{{text: "$80k", lo: 80000, hi: 80000, cur: "USD"}}},
			{"Base $120,000/yr plus bonus", []cw{{text: "$120,000/yr", lo: 120000, hi: 120000, cur: "USD", per: "year"}}},
			{"Gehalt 55k € pro Jahr", []cw{{text: "55k € pro Jahr", lo: 55000, hi: 55000, cur: "EUR", per: "year"}}},
			{"Earn six figures from home!", []cw{{text: "six figures", lo: 100000, hi: 100000, per: "year"}}},
			{"a six-figure salary", []cw{{text: "six-figure", lo: 100000, hi: 100000, per: "year"}}},
			{"ein sechsstelliges Gehalt", []cw{{text: "sechsstelliges", lo: 100000, hi: 100000, per: "year"}}},
			{"un salaire à six chiffres", []cw{{text: "six chiffres", lo: 100000, hi: 100000, per: "year"}}},
			{"шестизначная зарплата", []cw{{text: "шестизначная", lo: 100000, hi: 100000, per: "month"}}},
		}},
		{"currency words misspelt or local", []struct {
			text string
			want []cw
		}{
			{"500 paund a week", []cw{{text: "500 paund a week", lo: 500, hi: 500, cur: "GBP", per: "week"}}},
			{"4.000 paund në muaj", []cw{{text: "4.000 paund në muaj", lo: 4000, hi: 4000, cur: "GBP", per: "month"}}},
			{"1000 dolar monthly", []cw{{text: "1000 dolar monthly", lo: 1000, hi: 1000, cur: "USD", per: "month"}}},
			{"Plata 2000 евра месечно", []cw{{text: "2000 евра месечно", lo: 2000, hi: 2000, cur: "EUR", per: "month"}}},
			{"3000 eur0 per month", []cw{{text: "3000 eur0 per month", lo: 3000, hi: 3000, cur: "EUR", per: "month"}}},
			{"800 dollers a week", []cw{{text: "800 dollers a week", lo: 800, hi: 800, cur: "USD", per: "week"}}},
			{"2.000 Pfund im Monat", []cw{{text: "2.000 Pfund im Monat", lo: 2000, hi: 2000, cur: "GBP", per: "month"}}},
			{"3 000 funtów miesięcznie", []cw{{text: "3 000 funtów miesięcznie", lo: 3000, hi: 3000, cur: "GBP", per: "month"}}},
		}},
		{"costs are not pay", []struct {
			text string
			want []cw
		}{
			{"placement fee 500 EUR, salary 1500 EUR", []cw{{text: "500 EUR", lo: 500, hi: 500, cur: "EUR", cost: true}, {text: "1500 EUR", lo: 1500, hi: 1500, cur: "EUR"}}},
			{"You pay 200 euro registration fee", []cw{{text: "200 euro", lo: 200, hi: 200, cur: "EUR", cost: true}}},
			{"learning budget of 2,000USD per annum", []cw{{text: "2,000USD per annum", lo: 2000, hi: 2000, cur: "USD", per: "year", cost: true}}},
			{"Посредовање кошта 250 евра", []cw{{text: "250 евра", lo: 250, hi: 250, cur: "EUR", cost: true}}},
			{"Chi phí trọn gói 180 triệu đồng", []cw{{text: "180 triệu đồng", lo: 180e6, hi: 180e6, cur: "VND", cost: true}}},
			{"free accommodation, 1500 EUR per month", []cw{{text: "1500 EUR per month", lo: 1500, hi: 1500, cur: "EUR", per: "month"}}},
			{"Salary €1,800 + accommodation", []cw{{text: "€1,800", lo: 1800, hi: 1800, cur: "EUR"}}},
		}},
		{"no false pay", []struct {
			text string
			want []cw
		}{
			{"Call 555-0134 or (617) 555 0199, we are here since 1998, open 24/7", nil},
			{"Pozovite 064/123-4567, od 1998. godine, 24/7", nil},
			{"Звоните +7 915 123-45-67, с 1998 года, 24/7", nil},
			{"Girls 18-25, height 170 cm, size 36, 10115 Berlin, start 01.06.2026", nil},
			{"Mädchen 18-25 Jahre, Größe 36, 10115 Berlin, ab 01.06.2026", nil},
			{"Cerchiamo ragazze 18-25 anni, taglia 42, 00185 Roma", nil},
			{"Salary good, 3 workers needed, 8 hours a day", nil},
			{"Plata odlična, 2 radnika, 8 sati dnevno", nil},
			{"ref 123456789012345678901234567890 EUR", nil},
			{"Salary good, call 555-0134", nil},
			{"Pay: call 617-555-0134 or 555 0199 or 555.0134", nil},
			{"Plata dobra, zovite 063 555 123", nil},
			{"Зарплата хорошая, звоните 8 915 555 12 34", nil},
		}},
	}
	for _, c := range classes {
		t.Run(c.class, func(t *testing.T) {
			for _, tc := range c.tests {
				checkClass(t, p, Options{}, tc.text, tc.want)
			}
		})
	}
}

// TestStatedField reads a listing's pay field, where a bare amount is pay.
func TestStatedField(t *testing.T) {
	p := newTestParser(t)
	for _, tc := range []struct {
		text string
		want []cw
	}{
		{"$40,000-$60,000", []cw{{text: "$40,000-$60,000", lo: 40000, hi: 60000, cur: "USD"}}},
		{"40000-60000", []cw{{text: "40000-60000", lo: 40000, hi: 60000}}},
		{"1.800–2.400 neto", []cw{{text: "1.800–2.400", lo: 1800, hi: 2400}}},
		{"30 000 – 45 000 грн", []cw{{text: "30 000 – 45 000 грн", lo: 30000, hi: 45000, cur: "UAH"}}},
		{"3 workers", nil},
		{"since 1998", nil},
	} {
		checkClass(t, p, Options{Stated: true}, tc.text, tc.want)
	}
	// outside a pay field a bare range is no pay
	if ms := p.Parse("40000-60000"); len(ms) != 0 {
		t.Errorf("Parse(bare range) = %+v, want none", ms)
	}
}

// TestNote checks what the evidence note says was read.
func TestNote(t *testing.T) {
	p := newTestParser(t)
	tb, err := DefaultTables()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text, country, want string
	}{
		{"$950 — paid every week", "US", "≈ 3,509 EUR/month from $950/week"},
		{"Salary $40,000-$60,000", "US", "≈ 2,843–4,265 EUR/month from $40,000–$60,000 (no period stated: read as yearly)"},
		{"15 €/h, 6 Stunden pro Tag", "DE", "≈ 1,950 EUR/month from €15/hour (6 h/day stated: ≈ 15 EUR/hour)"},
		{"Earn $300 a day for 2 hours", "US", "≈ 5,545 EUR/month from $300/day (2 h/day stated: ≈ 128 EUR/hour)"},
		{"Zarada do 3000 eura mesečno", "RS", "≈ 3,000 EUR/month from up to €3,000/month"},
		{"plata 80000 mesečno neto", "RS", "≈ 683 EUR/month from 80,000 RSD/month (no currency stated: read as RSD; take-home)"},
		{"Lohn 3.200 € netto im Monat", "DE", "≈ 3,200 EUR/month from €3,200/month (take-home)"},
		{"Rates: 300 for 2 hours", "GB", "≈ 30,367 EUR/month from £300 per 2 hours (no currency stated: read as GBP)"},
		{"Зарплата від 30 000 до 45 000 грн", "UA", "≈ 615–923 EUR/month from 30,000–45,000 UAH (no period stated: read as monthly)"},
	} {
		ms := p.Parse(tc.text)
		if len(ms) != 1 {
			t.Fatalf("Parse(%q) = %+v, want one mention", tc.text, ms)
		}
		c, ok := tb.Convert(ms[0], tc.country, tc.country)
		if !ok {
			t.Fatalf("Convert(%q) not ok", tc.text)
		}
		if got := c.Note(ms[0]); got != tc.want {
			t.Errorf("note of %q:\n got  %s\n want %s", tc.text, got, tc.want)
		}
	}
}

// TestConvertWorkTime checks the monthly and hourly figures with stated working time.
func TestConvertWorkTime(t *testing.T) {
	tb, err := DefaultTables()
	if err != nil {
		t.Fatal(err)
	}
	per := func(p string) float64 { f, _ := tb.PerMonth(p); return f }
	weeks := per("week")
	dpw, hpd := per("day")/weeks, per("hour")/per("day") // a full-time week: 5 days of 8 hours
	for _, tc := range []struct {
		name           string
		m              Mention
		monthly, hours float64
	}{
		{"hourly, full time", Mention{Amount: 10, AmountMax: 10, Currency: "EUR", Period: "hour"}, 10 * per("hour"), per("hour")},
		{"hourly, 6 h a day", Mention{Amount: 10, AmountMax: 10, Currency: "EUR", Period: "hour", Work: WorkTime{HoursPerDay: 6}}, 10 * 6 * dpw * weeks, 6 * dpw * weeks},
		{"hourly, 10 h × 6 days", Mention{Amount: 10, AmountMax: 10, Currency: "EUR", Period: "hour", Work: WorkTime{HoursPerDay: 10, DaysPerWeek: 6}}, 10 * 60 * weeks, 60 * weeks},
		{"hourly, 40 h a week", Mention{Amount: 10, AmountMax: 10, Currency: "EUR", Period: "hour", Work: WorkTime{HoursPerWeek: 40}}, 10 * 40 * weeks, 40 * weeks},
		{"daily, 6 days a week", Mention{Amount: 100, AmountMax: 100, Currency: "EUR", Period: "day", Work: WorkTime{DaysPerWeek: 6}}, 100 * 6 * weeks, hpd * 6 * weeks},
		{"daily, 2 h a day", Mention{Amount: 100, AmountMax: 100, Currency: "EUR", Period: "day", Work: WorkTime{HoursPerDay: 2}}, 100 * per("day"), 2 * dpw * weeks},
		{"300 for 2 hours", Mention{Amount: 300, AmountMax: 300, Currency: "EUR", Period: "hour", PeriodCount: 2}, 150 * per("hour"), per("hour")},
		{"weekly", Mention{Amount: 500, AmountMax: 500, Currency: "EUR", Period: "week", Work: WorkTime{HoursPerDay: 12}}, 500 * weeks, 12 * dpw * weeks},
	} {
		c, ok := tb.Convert(tc.m, "DE", "DE")
		if !ok || !near(c.MonthlyEUR, tc.monthly) || !near(c.HoursPerMonth, tc.hours) {
			t.Errorf("%s: monthly %.2f hours %.2f ok=%v, want %.2f and %.2f", tc.name, c.MonthlyEUR, c.HoursPerMonth, ok, tc.monthly, tc.hours)
		}
		if want := c.MonthlyEURMax / c.HoursPerMonth; !near(c.HourlyEUR, want) {
			t.Errorf("%s: hourly %.2f, want %.2f", tc.name, c.HourlyEUR, want)
		}
	}
}

// TestRangeJudgedHigh checks that both ends of a range convert with one period.
func TestRangeJudgedHigh(t *testing.T) {
	p := newTestParser(t)
	tb, _ := DefaultTables()
	for _, tc := range []struct {
		text, country, per string
	}{
		{"Salary $40,000-$60,000", "US", "year"},
		{"Salary £29,000–£33,000", "GB", "year"},
		{"Plata 1.800–2.400 eura", "RS", "month"},
	} {
		m := p.Parse(tc.text)[0]
		c, ok := tb.Convert(m, tc.country, tc.country)
		if !ok || c.Period != tc.per || !(c.MonthlyEURMax > c.MonthlyEUR) {
			t.Errorf("%q in %s: %+v ok=%v, want both ends read per %s", tc.text, tc.country, c, ok, tc.per)
		}
		if !strings.Contains(c.Note(m), "–") {
			t.Errorf("%q: note %q shows one end", tc.text, c.Note(m))
		}
	}
}

// TestChunkedSameAsWhole: the grammar reads the tokens in chunks as the tokenizer hands them
// over; on long texts that gives the same mentions as reading all tokens at once.
func TestChunkedSameAsWhole(t *testing.T) {
	p := newTestParser(t)
	ads, err := os.ReadFile("testdata/ads.txt")
	if err != nil {
		t.Fatal(err)
	}
	texts := map[string]string{"ads": strings.Repeat(string(ads), 6)}
	for name, text := range adversarialPayTexts() {
		texts[name] = strings.Repeat(text+"\n Salary 1.500 EUR per month, 8 hours a day.\n", 20)
	}
	for name, text := range texts {
		got := p.Read(text, Options{})
		var tk tokens
		p.tokenize(text, &tk, Options{})
		g := gram{s: text, tk: tk.tk, nums: tk.nums, phr: p.lx.all.list}
		g.parse(len(text) + 1)
		if len(got.Mentions) != len(g.r.Mentions) || got.Work != g.r.Work || len(got.Mentions) == 0 {
			t.Errorf("%s: chunked %d mentions %+v, whole %d %+v", name, len(got.Mentions), got.Work, len(g.r.Mentions), g.r.Work)
			continue
		}
		for i := range got.Mentions {
			a, b := got.Mentions[i], g.r.Mentions[i]
			b.Work = b.Work.Or(g.r.Work)
			if a != b {
				t.Errorf("%s: mention %d chunked %+v, whole %+v", name, i, a, b)
				break
			}
		}
	}
}

// TestPeriodBeforeAmount: the period stated by the words before the amount
// ("daily pay 120 €", "tygodniówka 1500 zł"), issue 10. Made-up texts.
func TestPeriodBeforeAmount(t *testing.T) {
	p := newTestParser(t)
	for _, tc := range []struct {
		text string
		want []cw
	}{
		{"Daily pay 120 € cash.", []cw{{text: "120 €", lo: 120, hi: 120, cur: "EUR", per: "day"}}},
		{"Weekly pay: 800 euro for packers", []cw{{text: "800 euro", lo: 800, hi: 800, cur: "EUR", per: "week"}}},
		{"Tygodniówka 1500 zł na rękę", []cw{{text: "1500 zł", lo: 1500, hi: 1500, cur: "PLN", per: "week"}}},
		{"Оплата в день 150 евро", []cw{{text: "150 евро", lo: 150, hi: 150, cur: "EUR", per: "day"}}},
		{"Заробіток 7 000 грн в тиждень", []cw{{text: "7 000 грн в тиждень", lo: 7000, hi: 7000, cur: "UAH", per: "week"}}},
		// a period word of another phrase in an earlier clause does not reach the amount
		{"Weekly hours 40, salary 2000 EUR", []cw{{text: "2000 EUR", lo: 2000, hi: 2000, cur: "EUR"}}},
	} {
		checkClass(t, p, Options{}, tc.text, tc.want)
	}
}

// TestThousandsInWords: round thousands written out are money when a
// currency follows, with the period that may follow; multipliers spelt
// as words; local currency and net words (issue 10). Made-up texts.
func TestThousandsInWords(t *testing.T) {
	p := newTestParser(t)
	for _, tc := range []struct {
		text string
		want []cw
	}{
		{"Zarada hiljadu evra nedeljno", []cw{{text: "hiljadu evra nedeljno", lo: 1000, hi: 1000, cur: "EUR", per: "week"}}},
		{"Зарплата дві тисячі доларів на місяць", []cw{{text: "дві тисячі доларів на місяць", lo: 2000, hi: 2000, cur: "USD", per: "month"}}},
		{"Salaire deux mille euros par mois", []cw{{text: "deux mille euros par mois", lo: 2000, hi: 2000, cur: "EUR", per: "month"}}},
		{"Заплата 2 хиляди евро на месец", []cw{{text: "2 хиляди евро на месец", lo: 2000, hi: 2000, cur: "EUR", per: "month"}}},
		{"Зарплата 2 тисячі доларів", []cw{{text: "2 тисячі доларів", lo: 2000, hi: 2000, cur: "USD"}}},
		{"Paga 2 mille euro al mese", []cw{{text: "2 mille euro al mese", lo: 2000, hi: 2000, cur: "EUR", per: "month"}}},
		{"Заробіток 100 євро на добу", []cw{{text: "100 євро на добу", lo: 100, hi: 100, cur: "EUR", per: "day"}}},
		{"Надница 100 лв", []cw{{text: "100 лв", lo: 100, hi: 100, cur: "BGN", per: "day"}}},
		{"Plata 1500 evrića", []cw{{text: "1500 evrića", lo: 1500, hi: 1500, cur: "EUR"}}},
		{"Зарплата 1500 у.е.", []cw{{text: "1500 у.е.", lo: 1500, hi: 1500, cur: "USD"}}},
		// a number in words without a currency is no pay
		{"Two thousand workers needed, three thousand hours", nil},
	} {
		checkClass(t, p, Options{}, tc.text, tc.want)
	}
}
