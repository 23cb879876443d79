package web

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/redthread/redthread/corpus"
)

// FuzzMarkEvidence checks that marking never panics and never loses or
// invents text, whatever the offsets say: the segments of each field put
// back together are the field.
func FuzzMarkEvidence(f *testing.F) {
	f.Add("Hi, new in town ✈️ 24/7", "new in town", 4, 15)
	f.Add("\u202egnp.exe <script>", "<script>", -5, 1<<30)
	f.Add("ŽŽŽ", "", 1, 2)
	f.Add("", "x", 0, 0)
	f.Fuzz(func(t *testing.T, body, quote string, start, end int) {
		if !utf8.ValidString(body) {
			return
		}
		r := &corpus.Result{ID: "x", Listing: &corpus.Listing{Title: "t", Body: body}, Indicators: []corpus.Hit{
			{ID: "a", Evidence: []corpus.Evidence{{Field: "body", Start: start, End: end, Text: quote}}},
			{ID: "b", Evidence: []corpus.Evidence{{Field: "body", Start: start, End: end}, {Field: "title", Start: end, End: start}}},
		}}
		fields, _ := MarkEvidence(r)
		for _, fv := range fields {
			var b strings.Builder
			for _, s := range fv.Segments {
				if s.Text == "" {
					t.Fatalf("empty segment in %s", fv.Name)
				}
				if len(s.Indicators) > 0 && !utf8.ValidString(s.Text) {
					t.Fatalf("marked segment %q splits a character", s.Text)
				}
				b.WriteString(s.Text)
			}
			want := r.Listing.Field(fv.Name)
			if b.String() != want {
				t.Fatalf("field %s: segments make %q, want %q", fv.Name, b.String(), want)
			}
		}
		if strings.ContainsRune(ShowControls(body), '\u202e') {
			t.Fatal("RLO survived ShowControls")
		}
	})
}
