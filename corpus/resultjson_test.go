package corpus

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"testing"
)

// encodeStd is the reference: encoding/json without HTML escaping.
func encodeStd(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	return buf.Bytes(), err
}

// FuzzResultJSONMatchesEncoding checks that results are written byte for
// byte as encoding/json writes them.
func FuzzResultJSONMatchesEncoding(f *testing.F) {
	f.Add("dev-1", "job", "high", "en", "<b>&\"\\\n\t\x01\u2028\u2029é\xff", 0.9, 1234.5, 1e-7, 3e21, 88, uint16(0xffff))
	f.Add("", "", "", "", "", 0.0, -0.0, 1e21, 123456789.125, 0, uint16(0))
	f.Add("x", "escort", "low", "", "text", 2.5e-6, 1e20, math.Inf(1), math.NaN(), -5, uint16(0x5555))
	f.Fuzz(func(t *testing.T, id, kind, level, lang, text string, f1, f2, f3, f4 float64, n int, mask uint16) {
		on := func(bit int) bool { return mask&(1<<bit) != 0 }
		dist, sim := n, f3
		r := &Result{ID: id, Kind: kind, Score: n, Level: level, Language: lang}
		if on(0) {
			ev := Evidence{Field: lang, Start: n, End: -n, Text: text}
			if on(1) {
				ev.Shared, ev.Note = text, id
			}
			if on(2) {
				ev.Distance, ev.Similarity = &dist, &sim
			}
			h := Hit{ID: kind, Weight: f1, Evidence: []Evidence{ev, {}}}
			if on(3) {
				h.Rule, h.Explanation, h.Linked = level, text, []string{id, text}
			}
			r.Indicators = []Hit{h, {ID: text}}
		} else if on(4) {
			r.Indicators = []Hit{}
		}
		if on(5) {
			r.Contacts = []Contact{{Type: kind, Value: text}, {}}
		}
		if on(6) {
			r.Entities = Entities{Names: []string{text, ""}, Ages: []int{n, 0, -1}}
		} else if on(7) {
			r.Entities = Entities{Names: []string{}, Ages: []int{}}
		}
		if on(8) {
			r.Photos = []Photo{{}, {URL: text, Path: id, PHash: kind, PDQ: level, Quality: n, Pipeline: lang, Error: text}}
		}
		if on(9) {
			r.Pay = &Pay{Text: text, Amount: f2, MonthlyEUR: f4, ReferenceEUR: f3}
			if on(10) {
				r.Pay.Currency, r.Pay.Period, r.Pay.Net, r.Pay.Sector, r.Pay.Reference = kind, level, true, lang, id
			}
		}
		if on(11) {
			r.RulePack = text
		}
		if on(12) {
			r.Warnings = []string{text}
		} else if on(13) {
			r.Warnings = []string{}
		}
		writesLikeStd(t, r)
	})
}

// TestWriterEmbedsListing checks the encoding/json path for a result with
// its listing.
func TestWriterEmbedsListing(t *testing.T) {
	r := &Result{ID: "a", Listing: &Listing{ID: "a", Body: "x <y>", Fields: map[string]json.RawMessage{"k": json.RawMessage(`{ "z" : 1 }`)}}}
	want, err := encodeStd(r)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	w := NewWriter(&out)
	if err := w.Write(r); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	if !bytes.Equal(out.Bytes(), want) {
		t.Fatalf("got\n%s\nwant\n%s", out.Bytes(), want)
	}
}

// fill sets every field reachable from v to a non-zero value.
func fill(v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("s\u2028")
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(7)
	case reflect.Float64, reflect.Float32:
		v.SetFloat(1.5)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		if depth > 3 {
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), depth+1)
	case reflect.Slice:
		if depth > 3 {
			return
		}
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := 0; i < 2; i++ {
			fill(v.Index(i), depth+1)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			fill(v.Field(i), depth+1)
		}
	}
}

// TestResultJSONCoversEveryField fills every field of a Result, so a field
// added to Result and its parts without being added to appendResult fails
// here.
func TestResultJSONCoversEveryField(t *testing.T) {
	var r Result
	fill(reflect.ValueOf(&r).Elem(), 0)
	r.Listing = nil
	want, err := encodeStd(&r)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := appendResult(nil, &r)
	if !ok || !bytes.Equal(got, want) {
		t.Fatalf("appendResult is out of date with the Result type:\ngot  %s\nwant %s", got, want)
	}
}

// writesLikeStd checks that the Writer writes r byte for byte as
// encoding/json does, and fails where and only where it fails.
func writesLikeStd(t *testing.T, r *Result) {
	t.Helper()
	want, werr := encodeStd(r)
	var out bytes.Buffer
	w := NewWriter(&out)
	gerr := w.Write(r)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if (gerr == nil) != (werr == nil) {
		t.Fatalf("error %v, want %v", gerr, werr)
	}
	if werr == nil && !bytes.Equal(out.Bytes(), want) {
		t.Fatalf("got\n%s\nwant\n%s", out.Bytes(), want)
	}
}
