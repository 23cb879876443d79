package concept

import (
	"slices"
	"strings"
	"testing"

	"github.com/redthread/redthread/indicators/token"
)

func tags(hits []Hit) []string {
	var out []string
	for _, h := range hits {
		if !slices.Contains(out, h.Tag) {
			out = append(out, h.Tag)
		}
	}
	return out
}

// TestDataExamples runs every pattern's examples and counter-examples and
// every data file's tests.
func TestDataExamples(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	var d token.Doc
	for _, tc := range s.Tests() {
		d.Reset(tc.Text)
		hits := s.AppendMatch(nil, &d, tc.Lang)
		got := tags(hits)
		for _, want := range tc.Expect {
			if !slices.Contains(got, want) {
				t.Errorf("%s (%s): %q: want %s, got %v", tc.File, tc.Lang, tc.Text, want, got)
			}
		}
		for _, not := range tc.Absent {
			if slices.Contains(got, not) {
				t.Errorf("%s (%s): %q: must not raise %s (%v)", tc.File, tc.Lang, tc.Text, not, hits)
			}
		}
	}
}

func TestEvidenceSpans(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	text := "Hello!\nThe bus fare is covered by the farm. Documents stay with the boss."
	d := token.New(text)
	hits := s.AppendMatch(nil, d, "en")
	var got []string
	for _, h := range hits {
		if h.Start < 0 || h.End > len(text) || h.Start >= h.End {
			t.Fatalf("bad span %+v", h)
		}
		got = append(got, h.Tag+"="+text[h.Start:h.End])
	}
	want := []string{"job.travel_provided=fare is covered", "job.document_retention=Documents stay with"}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("want %q in %v", w, got)
		}
	}
}

func TestWordForms(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ lang, text, tag string }{
		{"en", "the employer is keeping passports", "job.document_retention"},
		{"en", "acommodation is provided", "job.unrealistic_conditions"}, // one typo in a long word
		{"en", "Ｆｒｅｅ ａｃｃｏｍｍｏｄａｔｉｏｎ", "job.unrealistic_conditions"},
	} {
		d := token.New(tc.text)
		if got := tags(s.AppendMatch(nil, d, tc.lang)); !slices.Contains(got, tc.tag) {
			t.Errorf("%s %q: want %s, got %v", tc.lang, tc.text, tc.tag, got)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	for _, bad := range []string{
		"language: en\nclasses:\n  lower: [x]\n",
		"language: en\nclasses:\n  X: [\"#5\"]\n",
		"classes: {}\n",
		"language: en\npatterns:\n  - {tag: a}\n",
		"language: en\nbogus: 1\n",
	} {
		if _, err := Load(NamedReader{"bad.yaml", strings.NewReader(bad)}); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}

func FuzzMatch(f *testing.F) {
	s, err := Default()
	if err != nil {
		f.Fatal(err)
	}
	f.Add("we pay your ticket and visa, documents kept by the boss", "en")
	f.Add("girls 18-25 only!!! 1 2 3 4 5 6 7 8 9", "en")
	var d token.Doc
	f.Fuzz(func(t *testing.T, text, lang string) {
		d.Reset(text)
		for _, h := range s.AppendMatch(nil, &d, lang) {
			if h.Start < 0 || h.End > len(text) || h.Start >= h.End {
				t.Fatalf("bad span %+v", h)
			}
		}
	})
}

func TestNegationStopsAtClause(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]bool{
		"no deposit, the ticket is paid by us": true,
		"we do not pay the ticket":             false,
	} {
		d := token.New(text)
		got := slices.Contains(tags(s.AppendMatch(nil, d, "en")), "job.travel_provided")
		if got != want {
			t.Errorf("%q: travel_provided %v, want %v", text, got, want)
		}
	}
}

func TestWordMatchesItselfAndNumberPhrases(t *testing.T) {
	s, err := Load(NamedReader{"x.yaml", strings.NewReader(`language: it
stemmer: snowball
classes:
  SITE: [cantiere]
  SURE: ["100%"]
  JOB: [lavoro]
patterns:
  - {tag: t.site, all: [SITE], window: 1}
  - {tag: t.sure, all: [SURE, JOB], window: 3}
`)})
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string][]string{
		"lavoro in cantiere":    {"t.site"},
		"lavoro garantito 100%": {"t.sure"},
		"lavoro da 100 euro":    nil,
	} {
		got := tags(s.AppendMatch(nil, token.New(text), "it"))
		for _, w := range want {
			if !slices.Contains(got, w) {
				t.Errorf("%q: want %s, got %v", text, w, got)
			}
		}
		if want == nil && slices.Contains(got, "t.sure") {
			t.Errorf("%q: got %v", text, got)
		}
	}
}
