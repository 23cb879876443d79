package stats

import (
	"bytes"
	"context"
	"os"
	"reflect"
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
		full, errFull := corpus.ParseResult(line, false)
		var lr leanResult
		var lean corpus.Result
		var l corpus.Listing
		errLean := parseLean(line, &lr, &lean, &l, map[string]string{})
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

// FuzzParseFast checks that the fast field reader, whenever it accepts a
// line that encoding/json also accepts, reads the same fields.
func FuzzParseFast(f *testing.F) {
	data, err := os.ReadFile(testInput)
	if err != nil {
		f.Fatal(err)
	}
	for i, line := range bytes.Split(data, []byte("\n")) {
		if i%40 == 0 {
			f.Add(line)
		}
	}
	f.Add([]byte(`{"id":"a\u00e9","score":null,"indicators":[null,{"id":"x","linked":["b",null]}],"listing":{"posted_at":"2026-01-01","x":[1,{"y":"]"}]}}`))
	f.Add([]byte(`{"ID":"a"}`))
	f.Add([]byte(`{"id":"a","listing":{"source":"s"},"listing":{"country":"DE"}}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		var r1, r2 corpus.Result
		var l1, l2 corpus.Listing
		var lr leanResult
		errFast := parseFast(line, &r1, &l1, map[string]string{})
		errJSON := parseLeanJSON(line, &lr, &r2, &l2)
		if errFast != nil || errJSON != nil {
			return
		}
		if Dims(&r1, nil) != Dims(&r2, nil) || r1.ID != r2.ID || r1.Score != r2.Score || r1.Level != r2.Level || r1.RulePack != r2.RulePack ||
			(r1.Listing == nil) != (r2.Listing == nil) || len(r1.Indicators) != len(r2.Indicators) {
			t.Fatalf("fast and json readers disagree on %q:\n%+v\n%+v", line, r1, r2)
		}
		if r1.Listing != nil && !reflect.DeepEqual(*r1.Listing, *r2.Listing) {
			t.Fatalf("listing differs on %q", line)
		}
		for i := range r1.Indicators {
			if r1.Indicators[i].ID != r2.Indicators[i].ID || !slices.Equal(r1.Indicators[i].Linked, r2.Indicators[i].Linked) {
				t.Fatalf("indicator %d differs on %q", i, line)
			}
		}
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
		for rec := range corpus.ReadResults(context.Background(), bytes.NewReader(data), "fuzz", corpus.ResultOptions{MaxLineBytes: max}) {
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
