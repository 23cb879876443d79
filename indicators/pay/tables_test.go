package pay

import (
	"math"
	"strings"
	"testing"
)

func defaultTables(t testing.TB) *Tables {
	t.Helper()
	tb, err := DefaultTables()
	if err != nil {
		t.Fatalf("DefaultTables: %v", err)
	}
	return tb
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }

// parseOne parses text and requires exactly one mention.
func parseOne(t *testing.T, p *Parser, text string) Mention {
	t.Helper()
	ms := p.Parse(text)
	if len(ms) != 1 {
		t.Fatalf("Parse(%q) = %+v, want one mention", text, ms)
	}
	return ms[0]
}

func TestMonthlyEUR(t *testing.T) {
	p := newTestParser(t)
	tb := defaultTables(t)
	rate := func(c string) float64 {
		r, ok := tb.Rate(c)
		if !ok {
			t.Fatalf("no rate for %s", c)
		}
		return r.EURPerUnit
	}
	per := func(period string) float64 {
		f, ok := tb.PerMonth(period)
		if !ok {
			t.Fatalf("no factor for %s", period)
		}
		return f
	}
	if f := per("day"); f != 21.67 {
		t.Errorf("days per month = %v, want 21.67 from data/periods.csv", f)
	}
	tests := []struct {
		text, country string
		want          float64
	}{
		{"3000 eura mesečno bez iskustva", "RS", 3000},
		{"earn 500$ a day no experience", "RS", 500 * rate("USD") * 21.67},
		{"Plaćanje 1.200 din po satu", "RS", 1200 * rate("RSD") * 173.33},
		{"€3,000/month for fruit picking", "ES", 3000},
		{"£12.50 per hour", "GB", 12.5 * rate("GBP") * 173.33},
		{"USD 700 weekly", "US", 700 * rate("USD") * 4.33},
		{"Salary: $45,000 a year", "US", 45000 * rate("USD") * per("year")},
		{"Lương 8 triệu/tháng", "VN", 8e6 * rate("VND")},
		// no currency: the country's currency
		{"plata 80000 mesečno", "RS", 80000 * rate("RSD")},
		{"Salary: 1500-2000", "DE", 1500},
		// no period: monthly when it looks monthly, yearly when far above a monthly wage
		{"Plata 900 EUR", "RS", 900},
		{"Salary 52,000 USD", "US", 52000 * rate("USD") * per("year")},
		{"Gehalt 2.500 € brutto", "DE", 2500},
		// in the Balkans a large unstated amount stays monthly: that is the bait
		{"Plata 10.000 EUR", "RS", 10000},
	}
	for _, tc := range tests {
		m := parseOne(t, p, tc.text)
		got, ok := tb.MonthlyEUR(m, tc.country)
		if !ok {
			t.Errorf("MonthlyEUR(%q, %s) not ok", tc.text, tc.country)
			continue
		}
		if !near(got, tc.want) {
			t.Errorf("MonthlyEUR(%q, %s) = %.2f, want %.2f", tc.text, tc.country, got, tc.want)
		}
	}
	// a stated-period figure of 3000 EUR/month must be exactly 3000 whatever the country
	m := parseOne(t, p, "3000 eura mesečno")
	for _, c := range []string{"RS", "DE", "VN", "XX"} {
		if got, ok := tb.MonthlyEUR(m, c); !ok || !near(got, 3000) {
			t.Errorf("MonthlyEUR(3000 eura mesečno, %s) = %v, %v", c, got, ok)
		}
	}
}

func TestMonthlyEURNotConverted(t *testing.T) {
	p := newTestParser(t)
	tb := defaultTables(t)
	for _, tc := range []struct{ text, country string }{
		{"salary 10 EUR", "DE"},       // too small to be monthly and no period: unknown
		{"plata 80000 mesečno", "XX"}, // no currency and unknown country
	} {
		m := parseOne(t, p, tc.text)
		if got, ok := tb.MonthlyEUR(m, tc.country); ok {
			t.Errorf("MonthlyEUR(%q, %s) = %v, want not ok", tc.text, tc.country, got)
		}
	}
	// a stated currency converts even for a country the tables do not know
	m := parseOne(t, p, "Plata 1500 KM")
	if got, ok := tb.MonthlyEUR(m, "ZZ"); !ok || !near(got, 1500*0.51129) {
		t.Errorf("MonthlyEUR(1500 KM, ZZ) = %v, %v", got, ok)
	}
	if _, ok := tb.MonthlyEUR(Mention{Amount: 100, AmountMax: 100, Currency: "XTS", Period: "month"}, "RS"); ok {
		t.Error("unknown currency converted")
	}
}

func TestMonthlyEURRange(t *testing.T) {
	p := newTestParser(t)
	tb := defaultTables(t)
	m := parseOne(t, p, "Zarada od 800 do 1200 evra mesečno")
	lo, hi, ok := tb.MonthlyEURRange(m, "RS")
	if !ok || !near(lo, 800) || !near(hi, 1200) {
		t.Errorf("MonthlyEURRange = %v, %v, %v; want 800, 1200", lo, hi, ok)
	}
}

func TestWage(t *testing.T) {
	tb := defaultTables(t)
	required := []string{"RS", "AL", "XK", "MK", "BA", "ME", "RO", "BG", "MD", "UA", "RU", "PL", "GR", "IT", "ES", "DE", "FR", "GB", "IE", "NL", "BE", "AT", "CZ", "HU", "HR", "SI", "SK", "PT", "CY", "VN", "US", "TR"}
	risk := []string{"general", "agriculture", "construction", "domestic", "care", "hospitality", "cleaning", "manufacturing", "warehouse"}
	for _, c := range required {
		cc, ok := tb.Country(c)
		if !ok {
			t.Errorf("country %s missing from countries.csv", c)
			continue
		}
		if _, ok := tb.Rate(cc.Currency); !ok {
			t.Errorf("country %s currency %s has no rate", c, cc.Currency)
		}
		for _, s := range risk {
			w, ok := tb.Wage(c, s)
			if !ok || w.Country != c || w.Sector != s {
				t.Errorf("Wage(%s, %s) = %+v, %v; want an own row", c, s, w, ok)
				continue
			}
			if w.Source == "" || w.Year < 2020 || w.MinimumEUR <= 0 || w.TypicalEUR < w.MinimumEUR {
				t.Errorf("Wage(%s, %s) = %+v: want source, year, 0 < minimum <= typical", c, s, w)
			}
		}
	}
	// sanity of orders of magnitude a user relies on
	de, _ := tb.Wage("DE", "general")
	rs, _ := tb.Wage("RS", "general")
	vn, _ := tb.Wage("VN", "general")
	if !(de.TypicalEUR > rs.TypicalEUR && rs.TypicalEUR > vn.TypicalEUR) {
		t.Errorf("typical wages out of order: DE %v RS %v VN %v", de.TypicalEUR, rs.TypicalEUR, vn.TypicalEUR)
	}
	agri, _ := tb.Wage("ES", "agriculture")
	if got := 3000 / agri.TypicalEUR; got < 1.5 {
		t.Errorf("€3,000/month is only %.1fx typical Spanish farm pay (%v); the flagship example must stand out", got, agri.TypicalEUR)
	}
	// fallbacks: unknown sector → general; country without rows → its region; unknown → none
	if w, ok := tb.Wage("rs", "astronaut"); !ok || w.Country != "RS" || w.Sector != "general" {
		t.Errorf("Wage(rs, astronaut) = %+v, %v; want RS general", w, ok)
	}
	if w, ok := tb.Wage("LT", "construction"); !ok || w.Country != "EU" || w.Sector != "construction" {
		t.Errorf("Wage(LT, construction) = %+v, %v; want regional EU row", w, ok)
	}
	if _, ok := tb.Wage("QQ", "general"); ok {
		t.Error("Wage(QQ) found a row")
	}
}

func TestSectors(t *testing.T) {
	s := Sectors()
	if len(s) != 11 || s[0] != "general" {
		t.Fatalf("Sectors() = %v", s)
	}
	s[0] = "changed"
	if Sectors()[0] != "general" {
		t.Error("Sectors returns shared slice")
	}
}

func TestLoadTables(t *testing.T) {
	rates := "currency,eur_per_unit,date,source\nRSD,0.01,2026-01-01,test\n"
	wages := "# comment\ncountry,sector,minimum_eur,typical_eur,source,year\nRS,agriculture,500,700,test,2026\n"
	tb, err := LoadTables(strings.NewReader(rates), strings.NewReader(wages))
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := tb.MonthlyEUR(Mention{Amount: 100000, AmountMax: 100000, Period: "month"}, "RS"); !ok || !near(got, 1000) {
		t.Errorf("override rate: got %v, %v; want 1000", got, ok)
	}
	if w, ok := tb.Wage("RS", "agriculture"); !ok || w.TypicalEUR != 700 || w.Source != "test" {
		t.Errorf("override wage: %+v %v", w, ok)
	}
	if _, ok := tb.Rate("EUR"); ok {
		t.Error("user rates should replace the default file, EUR still present")
	}
	// nil keeps the default
	tb, err = LoadTables(nil, strings.NewReader(wages))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := tb.Rate("USD"); !ok {
		t.Error("nil rates did not keep the default")
	}
	for name, bad := range map[string][2]string{
		"bad header":   {"cur,rate,date,source\n", ""},
		"negative":     {"currency,eur_per_unit,date,source\nUSD,-1,2026-01-01,x\n", ""},
		"no source":    {"currency,eur_per_unit,date,source\nUSD,1,2026-01-01,\n", ""},
		"columns":      {"currency,eur_per_unit,date,source\nUSD,1\n", ""},
		"empty":        {"", ""},
		"bad sector":   {"", "country,sector,minimum_eur,typical_eur,source,year\nRS,mining,1,2,x,2025\n"},
		"bad year":     {"", "country,sector,minimum_eur,typical_eur,source,year\nRS,general,1,2,x,20x5\n"},
		"nan typical":  {"", "country,sector,minimum_eur,typical_eur,source,year\nRS,general,1,NaN,x,2025\n"},
		"wage no src":  {"", "country,sector,minimum_eur,typical_eur,source,year\nRS,general,1,2,,2025\n"},
		"inf minimum":  {"", "country,sector,minimum_eur,typical_eur,source,year\nRS,general,+Inf,2,x,2025\n"},
		"wage columns": {"", "country,sector,minimum_eur,typical_eur,source,year\nRS,general\n"},
	} {
		var r, w *strings.Reader
		if bad[0] != "" || name == "empty" {
			r = strings.NewReader(bad[0])
		}
		if bad[1] != "" {
			w = strings.NewReader(bad[1])
		}
		var err error
		switch {
		case r != nil && w != nil:
			_, err = LoadTables(r, w)
		case r != nil:
			_, err = LoadTables(r, nil)
		default:
			_, err = LoadTables(nil, w)
		}
		if err == nil {
			t.Errorf("%s: want error", name)
		}
	}
	if _, err := LoadTablesWith(nil, nil, nil, strings.NewReader("period,per_month,source\nhour,173.33,x\n")); err == nil {
		t.Error("periods without day/week/month/year: want error")
	}
}

func TestAssess(t *testing.T) {
	p := newTestParser(t)
	tb := defaultTables(t)
	for _, tc := range []struct {
		text, country, sector string
		unrealistic           bool // ratio at least 2
	}{
		{"€3,000/month for fruit picking", "ES", "agriculture", true},
		{"3000 eura mesečno bez iskustva", "RS", "construction", true},
		{"earn 500$ a day no experience", "RO", "general", true},
		{"Lương 8 triệu/tháng", "VN", "manufacturing", false},
		{"Stundenlohn 14,50 € pro Stunde", "DE", "warehouse", false},
		{"Salariu 4000 lei pe lună", "RO", "construction", false},
		{"Zarada do 3000 eura mesečno", "BA", "hospitality", true},
	} {
		a, ok := tb.Assess(parseOne(t, p, tc.text), tc.country, tc.sector)
		if !ok {
			t.Errorf("Assess(%q, %s, %s) not ok", tc.text, tc.country, tc.sector)
			continue
		}
		if got := a.Ratio >= 2; got != tc.unrealistic {
			t.Errorf("Assess(%q, %s, %s): %.0f EUR/month vs typical %.0f = ratio %.2f, want unrealistic=%v",
				tc.text, tc.country, tc.sector, a.MonthlyEUR, a.Wage.TypicalEUR, a.Ratio, tc.unrealistic)
		}
	}
	if _, ok := tb.Assess(Mention{Amount: 1, AmountMax: 1, Currency: "EUR", Period: "month"}, "QQ", "general"); ok {
		t.Error("Assess with unknown country found a wage")
	}
}

func FuzzLoadTables(f *testing.F) {
	f.Add("currency,eur_per_unit,date,source\nUSD,0.9,2026-01-01,x\n", "country,sector,minimum_eur,typical_eur,source,year\nUS,general,1000,4000,x,2025\n")
	f.Add("currency,eur_per_unit,date,source\nUSD,1e308,d,x\n", "country,sector,minimum_eur,typical_eur,source,year\nUS,general,1e-308,1e308,x,2025\n")
	f.Add("# c\ncurrency,eur_per_unit,date,source\n\"USD\",\"0.5\",\"d\",\"x\"\n", "")
	m := Mention{Amount: 3000, AmountMax: 3500, Currency: "USD", Period: ""}
	f.Fuzz(func(t *testing.T, rates, wages string) {
		tb, err := LoadTables(strings.NewReader(rates), strings.NewReader(wages))
		if err != nil {
			return
		}
		if lo, hi, ok := tb.MonthlyEURRange(m, "US"); ok && (math.IsNaN(lo) || math.IsNaN(hi) || lo < 0) {
			t.Fatalf("MonthlyEURRange = %v, %v", lo, hi)
		}
		if w, ok := tb.Wage("US", "general"); ok && (w.Source == "" || !(w.MinimumEUR > 0)) {
			t.Fatalf("bad wage row accepted: %+v", w)
		}
	})
}
