package indicators

import (
	"fmt"
	"sync"
	"testing"

	"github.com/redthread/redthread/corpus"
)

var (
	xOnce sync.Once
	xTest *Extractor
	xErr  error
)

func testExtractor(t testing.TB) *Extractor {
	xOnce.Do(func() { xTest, xErr = New(Config{}) })
	if xErr != nil {
		t.Fatal(xErr)
	}
	return xTest
}

func TestExtractFeatures(t *testing.T) {
	x := testExtractor(t)
	tests := []struct {
		name  string
		l     corpus.Listing
		check func(f *Features) string
	}{
		{"names and ages in an escort ad", corpus.Listing{Title: "New in town - 19", Body: "Hi, my name is Mila, 19yo. Ask for Ana too. Call +44 7700 900123."},
			func(f *Features) string {
				if fmt.Sprint(f.Out.Names) != "[Mila Ana]" || fmt.Sprint(f.Out.Ages) != "[19]" || f.Ages.Min != 19 {
					return fmt.Sprintf("names %v ages %v", f.Out.Names, f.Out.Ages)
				}
				if len(f.Spans["ages:under21"]) != 2 || f.Kind != "escort" || f.Language != "en" {
					return fmt.Sprintf("under21 spans %d, kind %s, lang %s", len(f.Spans["ages:under21"]), f.Kind, f.Language)
				}
				return ""
			}},
		{"I'm before a name, not before an adjective", corpus.Listing{Kind: "escort", Body: "Hi gentlemen, I'm Lily. I am New here, I'm Available 24/7."},
			func(f *Features) string {
				if fmt.Sprint(f.Out.Names) != "[Lily]" {
					return fmt.Sprintf("names %v", f.Out.Names)
				}
				return ""
			}},
		{"pay judged against the destination's wages", corpus.Listing{Country: "AL", Kind: "job", Body: "Punë ndërtimi në Londër, paga 150 £ në ditë, udhëtimin e organizojmë ne."},
			func(f *Features) string {
				if !f.Pay.Stated || f.Pay.Country != "GB" || f.Pay.Currency != "GBP" || f.Pay.Period != "day" {
					return fmt.Sprintf("pay %+v", f.Pay)
				}
				return ""
			}},
		{"employer precisely named", corpus.Listing{Kind: "job", Country: "DE", Employer: "Bäckerei Müller GmbH", EmployerInfo: "Hauptstraße 12, 80331 München, HRB 123456",
			Body: "Bewerbung an jobs@baeckerei-mueller.example"},
			func(f *Features) string {
				e := f.Employer
				if !e.Named || !e.LegalForm || !e.Address || !e.Web || len(f.Spans["employer:vague"]) != 0 {
					return fmt.Sprintf("employer %+v", e)
				}
				return ""
			}},
		{"vague employer with only a messenger", corpus.Listing{Kind: "job", Country: "RS", Body: "Posao u Nemačkoj, javite se na Viber +381 64 555 1234."},
			func(f *Features) string {
				if f.Employer.Named || len(f.Spans["employer:vague"]) == 0 || f.Contacts.Phones != 1 {
					return fmt.Sprintf("employer %+v contacts %+v", f.Employer, f.Contacts)
				}
				return ""
			}},
		{"shouting text", corpus.Listing{Kind: "job", Body: "URGENT WORK ABROAD NOW!!! call call"},
			func(f *Features) string {
				if f.Text.CapsRuns != 1 || f.Text.ExclaimRuns != 1 || f.Text.PoorSignals < 2 {
					return fmt.Sprintf("text %+v", f.Text)
				}
				return ""
			}},
		{"Cyrillic Serbian detected", corpus.Listing{Body: "Тражимо раднике за рад у Немачкој, плата је добра и смештај је обезбеђен."},
			func(f *Features) string {
				if f.Language != "sr" {
					return "language " + f.Language
				}
				return ""
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := tt.l
			f := x.Extract(&l)
			if msg := tt.check(f); msg != "" {
				t.Error(msg)
			}
			for src, spans := range f.Spans {
				for _, sp := range spans {
					if sp.Field == "" {
						continue
					}
					text := l.Field(sp.Field)
					if sp.Start < 0 || sp.End > len(text) || sp.Start > sp.End || (sp.Text != "" && text[sp.Start:sp.End] != sp.Text && src != "names") {
						t.Errorf("%s: span %d:%d %q does not match field %s", src, sp.Start, sp.End, sp.Text, sp.Field)
					}
				}
			}
		})
	}
}

func FuzzExtract(f *testing.F) {
	x := testExtractor(f)
	f.Add("Berba jagoda, 3000 eura mesečno, Viber +381 64 555 1234", "my name is Mila - 19", "RS")
	f.Fuzz(func(t *testing.T, body, title, country string) {
		l := corpus.Listing{Body: body, Title: title, Country: country}
		feat := x.Extract(&l)
		for src, spans := range feat.Spans {
			for _, sp := range spans {
				text := l.Field(sp.Field)
				if sp.Start < 0 || sp.End > len(text) || sp.Start > sp.End {
					t.Fatalf("%s: span %d:%d out of field %s (%d bytes)", src, sp.Start, sp.End, sp.Field, len(text))
				}
			}
		}
	})
}
