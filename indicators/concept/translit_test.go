package concept

import (
	"slices"
	"testing"

	"github.com/redthread/redthread/indicators/token"
)

// TestTransliterated: class words of languages written in another script
// match the same words written in Latin letters (transliteration,
// Greeklish), and the evidence span is the listing's own text.
func TestTransliterated(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		lang, text string
		expect     []string
		absent     []string
	}{
		{"ru", "Rabota v Germanii, zhilyo besplatno, bilet oplachivaem, vyezd srochno!", []string{"job.travel_provided"}, nil},
		{"ru", "Devushki, rabota v Germanii. Pasporta khranyatsya u rabotodatelya.", []string{"job.document_retention"}, nil},
		{"ru", "Bilety ne oplachivaem, doroga za vash schet.", nil, []string{"job.travel_provided"}},
		{"uk", "Robota v Polshchi, zhytlo bezkoshtovno, kvytky oplachuiemo.", []string{"job.travel_provided"}, nil},
		{"el", "Douleia sto exoteriko, plirwnoume ta eisitiria, 8eloume koritsia.", []string{"job.travel_provided"}, nil},
		{"el", "Douleia sto exwteriko, ta eisitiria ta plironei i etaireia.", []string{"job.travel_provided"}, nil},
	} {
		d := token.New(tc.text)
		hits := s.AppendMatch(nil, d, tc.lang)
		got := tags(hits)
		for _, w := range tc.expect {
			if !slices.Contains(got, w) {
				t.Errorf("%s %q: want %s, got %v", tc.lang, tc.text, w, hits)
			}
		}
		for _, w := range tc.absent {
			if slices.Contains(got, w) {
				t.Errorf("%s %q: must not raise %s: %v", tc.lang, tc.text, w, hits)
			}
		}
		for _, h := range hits {
			if h.Start < 0 || h.End > len(tc.text) || h.Start >= h.End {
				t.Fatalf("bad span %+v", h)
			}
		}
		t.Logf("%s: %v", tc.lang, hits)
	}
}
