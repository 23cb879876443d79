package stats

import (
	"bytes"
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/redthread/redthread/corpus"
)

// FuzzParseResult checks that neither result parser panics and that, when
// both accept a line, the lean parser used by stats agrees with the full
// one on everything aggregation reads.
func FuzzParseResult(f *testing.F) {
	data, err := os.ReadFile(testInput)
	if err != nil {
		f.Fatal(err)
	}
	for i, line := range bytes.Split(data, []byte("\n")) {
		if i%40 == 0 {
			f.Add(line)
		}
	}
	f.Add([]byte(`{"id":"a","indicators":[{"id":"x","linked":["b"]},{"id":"y"}],"listing":{"posted_at":"2026-01-01"}}`))
	f.Add([]byte(`{"indicators":null,"listing":null}`))
	f.Add([]byte(`  [1,2]`))
	f.Fuzz(func(t *testing.T, line []byte) {
		full, errFull := ParseResultJSON(line)
		var lr leanResult
		var lean corpus.Result
		var l corpus.Listing
		errLean := parseLean(line, &lr, &lean, &l)
		if errFull != nil || errLean != nil {
			return
		}
		if Dims(full, nil) != Dims(&lean, nil) || full.Score != lean.Score || full.Level != lean.Level || full.RulePack != lean.RulePack || full.ID != lean.ID {
			t.Fatalf("parsers disagree on %q", line)
		}
		if len(full.Indicators) != len(lean.Indicators) {
			t.Fatalf("indicator count differs on %q", line)
		}
		for i := range full.Indicators {
			if full.Indicators[i].ID != lean.Indicators[i].ID || !slices.Equal(full.Indicators[i].Linked, lean.Indicators[i].Linked) {
				t.Fatalf("indicator %d differs on %q", i, line)
			}
		}
		a := NewAggregator()
		a.Add(full)
		a.Report(Meta{})
	})
}

// FuzzReadResults feeds arbitrary streams to the line reader.
func FuzzReadResults(f *testing.F) {
	f.Add([]byte("{\"id\":\"a\"}\n\n{bad\r\n{\"id\":\"b\",\"level\":\"low\"}"), 20)
	f.Add([]byte("\n\n\n"), 1)
	f.Fuzz(func(t *testing.T, data []byte, max int) {
		if max < 0 {
			max = -max
		}
		max = max%1000 + 1
		n := 0
		for rec := range ReadResults(context.Background(), bytes.NewReader(data), "fuzz", corpus.Options{MaxListingBytes: max}) {
			if (rec.Err == nil) == (rec.Result == nil) {
				t.Fatalf("record with neither or both of result and error: %+v", rec)
			}
			n++
		}
		if n > bytes.Count(data, []byte("\n"))+1 {
			t.Fatalf("%d records from %d lines", n, bytes.Count(data, []byte("\n"))+1)
		}
	})
}

// FuzzRedact checks that redaction never panics on any text or evidence
// span and that e-mail addresses in the text never survive it.
func FuzzRedact(f *testing.F) {
	f.Add("Call +381 64 123 4567 or mila.x@gmail.com, Mila", "+381641234567", 5, 21, "Mila")
	f.Add("Łódź ☎ 0048 600 100 200", "+48600100200", 3, 9, "")
	f.Add("", "", -4, 1<<30, "a")
	tk, err := NewTokenizer(testKey)
	if err != nil {
		f.Fatal(err)
	}
	x, err := NewExporter(ExportOptions{Tokenizer: tk, IncludeText: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text, contact string, start, end int, name string) {
		r := &corpus.Result{ID: "f", Level: "low",
			Contacts:   []corpus.Contact{{Type: "phone", Value: contact}},
			Entities:   corpus.Entities{Names: []string{name}},
			Indicators: []corpus.Hit{{ID: "network.shared_contact", Evidence: []corpus.Evidence{{Field: "body", Start: start, End: end, Shared: contact}}}},
			Listing:    &corpus.Listing{Body: text, Title: text, Country: "RS"}}
		row := x.Row(r)
		out := *row.Body
		for _, m := range emailRE.FindAllString(text, -1) {
			if strings.Contains(out, m) && !strings.Contains(m, "[") {
				t.Fatalf("e-mail %q survived in %q", m, out)
			}
		}
	})
}
