package realeval

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/redthread/redthread/indicators"
)

// TestPhonesHandlesDeobfuscation runs the phone, handle and deobfuscation evaluations on small
// made-up corpora laid out like the real ones (testdata/phones), with the numbers and handles
// they must find.
func TestPhonesHandlesDeobfuscation(t *testing.T) {
	x, err := indicators.New(indicators.Config{})
	if err != nil {
		t.Fatal(err)
	}
	var misses bytes.Buffer
	scores, err := Run(context.Background(), Options{Dir: "testdata/phones", Extractor: x, Misses: &misses,
		Only: []string{"phones", "handles", "deobfuscation"}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][3]int{ // corpus -> TP, FP, FN
		phoneTruthCorpus: {5, 0, 0},
		adsTrainCorpus:   {1, 1, 0}, // the upstream column lacks the second number
		adsTestCorpus:    {0, 0, 0},
		handleCorpus:     {5, 0, 0},
		deobfHyp:         {2, 0, 0},
	}
	if len(scores) != len(want) {
		t.Fatalf("%d scores, want %d: %+v", len(scores), len(want), scores)
	}
	for _, s := range scores {
		w, ok := want[s.Corpus]
		if !ok {
			t.Errorf("unexpected corpus %q", s.Corpus)
			continue
		}
		if got := [3]int{s.TP, s.FP, s.FN}; got != w {
			t.Errorf("%s %s: TP/FP/FN %v, want %v\nmisses:\n%s", s.Name, s.Corpus, got, w, misses.String())
		}
	}
	if s := scores[2]; !strings.Contains(s.Note, "1 phones found in 1 ads") {
		t.Errorf("testing.csv note %q", s.Note)
	}
}

func TestSameNumber(t *testing.T) {
	for _, tc := range []struct {
		want, e164 string
		ok         bool
	}{
		{"6175550199", "+16175550199", true},
		{"07911123456", "+447911123456", true},
		{"+44 7911 123456", "+447911123456", true},
		{"5550199", "+16175550199", false},
		{"6175550199", "+16175550198", false},
	} {
		if got := sameNumber(tc.want, tc.e164); got != tc.ok {
			t.Errorf("sameNumber(%q, %q) = %v", tc.want, tc.e164, got)
		}
	}
}
