package indicators

import (
	"context"
	"strings"
	"testing"

	"github.com/redthread/redthread/corpus"
)

// TestExtractPay checks how a listing's pay is read, which statement is judged and against
// which country's wages (made-up listings).
func TestExtractPay(t *testing.T) {
	x := testExtractor(t)
	tests := []struct {
		name    string
		l       corpus.Listing
		text    string  // evidence text
		field   string  // evidence field
		monthly float64 // judged EUR per month (rounded)
		low     float64 // low end (rounded)
		country string  // wages compared with
		note    string  // part of the note
	}{
		{"range in the pay field, judged at its high end, read as yearly in the US",
			corpus.Listing{Kind: "job", Country: "US", Title: "Project manager", Body: "Lead our projects. Degree required.", Pay: "$40,000-$60,000"},
			"$40,000-$60,000", "pay", 4265, 2843, "US", "from $40,000–$60,000 (no period stated: read as yearly)"},
		{"pay field with no country: read where its currency is",
			corpus.Listing{Kind: "job", Title: "Engineer", Body: "Build things.", Pay: "$136,000-$203,000"},
			"$136,000-$203,000", "pay", 14430, 9667, "US", "read as yearly"},
		{"the period after the amount",
			corpus.Listing{Kind: "job", Country: "US", Body: "Warehouse helpers, $950 — paid every week, no experience needed."},
			"$950 — paid every week", "body", 3509, 3509, "US", "from $950/week"},
		{"hours stated: part-time hourly pay",
			corpus.Listing{Kind: "job", Country: "DE", Body: "Reinigungskraft gesucht. Lohn 15 €/h.\nArbeitszeit: 6 Stunden pro Tag."},
			"15 €/h", "body", 1950, 1950, "DE", "6 h/day stated"},
		{"hours in the body apply to the pay field",
			corpus.Listing{Kind: "job", Country: "PL", Body: "Praca przy zbiorach, 8-10 godzin dziennie.", Pay: "25 zł/h"},
			"25 zł/h", "pay", 1277, 1277, "PL", "10 h/day stated"},
		{"a fee is no pay",
			corpus.Listing{Kind: "job", Country: "GB", Body: "Salary £2,000 a month. Agency fee of £900 is deducted from the first salary."},
			"£2,000 a month", "body", 2336, 2336, "GB", "from £2,000/month"},
		{"the destination's wages, kept",
			corpus.Listing{Kind: "job", Country: "AL", Body: "Punë ndërtimi në Londër, 500 paund në javë, udhëtimin e organizojmë ne."},
			"500 paund në javë", "body", 2529, 2529, "GB", "from £500/week"},
		{"the same amount stated twice: the period one states is used",
			corpus.Listing{Kind: "job", Country: "RS", Title: "Posao u Nemačkoj 2.500 €", Body: "Plata 2.500 € mesečno, smeštaj obezbeđen."},
			"2.500 €", "title", 2500, 2500, "DE", "from €2,500/month"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := x.Extract(&tc.l)
			sp := f.Spans["pay"]
			if !f.Pay.Stated || len(sp) != 1 {
				t.Fatalf("pay %+v spans %+v", f.Pay, sp)
			}
			e := sp[0]
			text := map[string]string{"title": tc.l.Title, "body": tc.l.Body, "pay": tc.l.Pay}[e.Field]
			if e.Text != tc.text || e.Field != tc.field || text[e.Start:e.End] != e.Text {
				t.Errorf("evidence %s[%d:%d] %q, want %s %q", e.Field, e.Start, e.End, e.Text, tc.field, tc.text)
			}
			if round0(f.Pay.MonthlyEUR) != tc.monthly || round0(f.Pay.MonthlyEURLow) != tc.low || f.Pay.Country != tc.country {
				t.Errorf("monthly %.2f low %.2f country %s, want %v %v %s", f.Pay.MonthlyEUR, f.Pay.MonthlyEURLow, f.Pay.Country, tc.monthly, tc.low, tc.country)
			}
			if !strings.Contains(e.Note, tc.note) {
				t.Errorf("note %q, want it to contain %q", e.Note, tc.note)
			}
			if p := f.Out.Pay; p == nil || p.MonthlyEUR != f.Pay.MonthlyEUR || p.Text != e.Text {
				t.Errorf("result pay %+v", p)
			}
		})
	}
}

func round0(v float64) float64 { return float64(int64(v + 0.5)) }

// TestRealJobPagesPay reads the pay of saved real job postings (crawl/testdata/html, see its
// SOURCES.md): LinkedIn's salary range is read whole, as yearly, and Indeed's learning budget
// and the Glassdoor search page give no pay.
func TestRealJobPagesPay(t *testing.T) {
	x := testExtractor(t)
	n := 0
	for rec := range corpus.ReadHTMLPath(context.Background(), "../crawl/testdata/html", corpus.Options{}) {
		if rec.Err != nil {
			t.Fatal(rec.Err)
		}
		n++
		l := rec.Listing
		f := x.Extract(l)
		switch {
		case strings.Contains(l.URL, "linkedin"):
			p := f.Out.Pay
			if p == nil || p.Text != "$136,000-$203,000" || p.Amount != 136000 || p.AmountMax != 203000 || p.Currency != "USD" {
				t.Fatalf("LinkedIn pay %+v", p)
			}
			// $203,000 a year is about 14,430 EUR a month
			if p.MonthlyEUR < 14000 || p.MonthlyEUR > 15000 || f.Pay.Country != "US" {
				t.Errorf("LinkedIn pay read as %.0f EUR/month in %s, want about 14,430 in US", p.MonthlyEUR, f.Pay.Country)
			}
		default:
			if f.Out.Pay != nil {
				t.Errorf("%s: pay %+v, want none", l.URL, f.Out.Pay)
			}
		}
	}
	if n != 3 {
		t.Fatalf("read %d pages, want 3", n)
	}
}
