package realeval

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/redthread/redthread/indicators"
)

// TestAgesEval runs the ages evaluation on made-up ads in the corpora's
// formats (testdata/ages): title ages removed, a site age field, a list of
// names and ages, a range, a past age (missed), a second name's age the
// truth lacks (wrong) and a disclaimer (missed).
func TestAgesEval(t *testing.T) {
	x, err := indicators.New(indicators.Config{})
	if err != nil {
		t.Fatal(err)
	}
	var misses bytes.Buffer
	scores, err := Run(context.Background(), Options{Dir: "testdata/ages", Extractor: x, Only: []string{"ages"}, Misses: &misses})
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		name, corpus      string
		items, tp, fp, fn int
		note              string
	}
	wants := []want{
		{"ages", "dig-age-extractor/age.json", 6, 5, 1, 1, "ads found 4/5 = 0.800; wrong 16.7%; 4 title ages removed"},
		{"ages", "etk-ground-truth/age.jl", 4, 3, 0, 1, "ads found 2/3 = 0.667; wrong 0.0%; 2 title ages removed"},
		{"ages-adtext", "dig-age-extractor/age.json", 6, 4, 1, 1, "ads found 3/4 = 0.750; wrong 20.0%; 4 title ages removed"},
		{"ages-adtext", "etk-ground-truth/age.jl", 4, 3, 0, 1, "ads found 2/3 = 0.667; wrong 0.0%; 2 title ages removed"},
	}
	if len(scores) != len(wants) {
		t.Fatalf("got %d scores, want %d: %+v", len(scores), len(wants), scores)
	}
	for i, w := range wants {
		s := scores[i]
		if s.Name != w.name || s.Corpus != w.corpus || s.Items != w.items || s.TP != w.tp || s.FP != w.fp || s.FN != w.fn || s.Note != w.note {
			t.Errorf("score %d = %+v, want %+v", i, s, w)
		}
	}
	m := misses.String()
	for _, line := range []string{
		"ages dig-age-extractor/age.json#5: missed 19",
		"ages dig-age-extractor/age.json#6: wrong 22 from",
		"ages etk-ground-truth/age.jl#3: missed 18",
	} {
		if !strings.Contains(m, line) {
			t.Errorf("misses lack %q:\n%s", line, m)
		}
	}
}

func TestStripTitleAges(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Sweet girl - 22 \n Hi", "Sweet girl  \n Hi"},
		{"Sweet girl - 22", "Sweet girl"},
		{"INCALL - - - 22 My name", "INCALL  My name"},
		{"open 9am - 11 pm", "open 9am  pm"},
		{"ages 18 - 25 years", "ages 18  years"},
		{"10:00am - 10:00pm", "10:00am - 10:00pm"},
		{"range 18-25", "range 18-25"},
	} {
		if got, _ := stripTitleAges(tt.in); got != tt.want {
			t.Errorf("stripTitleAges(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
