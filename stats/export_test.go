package stats

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/redthread/redthread/corpus"
)

var testKey = []byte("test-key-0123456789abcdef-not-secret")

func readTestResults(t testing.TB) []*corpus.Result {
	f, err := os.Open(testInput)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []*corpus.Result
	for rec := range corpus.ReadResults(context.Background(), f, testInput, corpus.ResultOptions{}) {
		if rec.Err != nil {
			t.Fatal(rec.Err)
		}
		out = append(out, rec.Result)
	}
	return out
}

func export(t testing.TB, rs []*corpus.Result, f Format, text bool) []byte {
	tk, err := NewTokenizer(testKey)
	if err != nil {
		t.Fatal(err)
	}
	opt := ExportOptions{Tokenizer: tk, IncludeText: text}
	x, err := NewExporter(opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		x.Count(r)
	}
	meta := ExportMeta(Meta{ScannerVersion: "test", RulePacks: []string{"default@2026.11.23"},
		Inputs:  []Input{{Path: testInput, SHA256: "5b7fdbe64afce6c1890b63d0f223109c101850a6ccaa1467362cc220549d4d00"}},
		Created: testCreated, Results: int64(len(rs))}, opt)
	var buf bytes.Buffer
	w, err := NewExportWriter(&buf, f, meta, text)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if err := w.Write(x.Row(r)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGoldenExport(t *testing.T) {
	rs := readTestResults(t)
	for _, f := range []Format{CSV, JSON, Parquet} {
		t.Run(string(f), func(t *testing.T) {
			golden(t, "export."+string(f), export(t, rs, f, false))
		})
	}
	golden(t, "export-text.csv", export(t, rs, CSV, true))
}

func TestTokenizer(t *testing.T) {
	if _, err := NewTokenizer([]byte("short")); err == nil {
		t.Error("a 5-byte key must be refused")
	}
	a, _ := NewTokenizer(testKey)
	b, _ := NewTokenizer([]byte("another-key-0123456789abcdef"))
	tok := a.Token("phone", "+381641234567")
	if !regexp.MustCompile(`^phone:[0-9a-f]{32}$`).MatchString(tok) {
		t.Errorf("token %q", tok)
	}
	if a.Token("phone", " +381 64 123 4567") != tok {
		t.Error("the same number must give the same token")
	}
	if b.Token("phone", "+381641234567") == tok {
		t.Error("another key must give another token")
	}
	if a.Token("email", "Ana@Mail.com") != a.Token("email", "ana@mail.com") {
		t.Error("e-mails are compared lower-cased")
	}
	if a.Token("id", "+381641234567") == tok {
		t.Error("types must be kept apart")
	}
	if a.KeyID() == b.KeyID() || len(a.KeyID()) != 16 {
		t.Errorf("key ids %q %q", a.KeyID(), b.KeyID())
	}
}

// rawContacts gathers every contact of the input in the forms a leak could
// take: normalized values, the listing's raw contact strings, evidence texts
// of shared contacts, the digits of phone numbers, handle names, listing
// URLs and IDs.
func rawContacts(rs []*corpus.Result) []string {
	seen := map[string]bool{}
	add := func(s string) {
		s = strings.TrimSpace(s)
		if len(s) >= 5 {
			seen[s] = true
		}
	}
	for _, r := range rs {
		for _, c := range r.Contacts {
			add(c.Value)
			switch c.Type {
			case "phone":
				add(strings.TrimPrefix(c.Value, "+"))
			case "handle":
				_, name, _ := strings.Cut(c.Value, ":")
				add(name)
				add(strings.TrimPrefix(name, "+"))
			}
		}
		for _, h := range r.Indicators {
			for _, e := range h.Evidence {
				if e.Shared != "" {
					add(e.Shared)
					add(e.Text)
				}
			}
		}
		if r.Listing != nil {
			for _, c := range r.Listing.Contacts {
				add(c)
			}
			if r.Listing.URL != "" {
				add(r.Listing.URL)
			}
		}
		add(r.ID)
	}
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	return out
}

// TestExportHasNoRawContact: nothing of the input's contacts, URLs or IDs
// appears in a default export, in any format.
func TestExportHasNoRawContact(t *testing.T) {
	rs := readTestResults(t)
	raw := rawContacts(rs)
	if len(raw) < 50 {
		t.Fatalf("only %d raw contacts in the test input: the test would prove little", len(raw))
	}
	for _, f := range []Format{CSV, JSON, Parquet} {
		out := export(t, rs, f, false)
		if f == Parquet {
			out = parquetText(t, out)
		}
		lower := strings.ToLower(string(out))
		for _, c := range raw {
			if strings.Contains(lower, strings.ToLower(c)) {
				t.Errorf("%s export contains the raw contact or ID %q", f, c)
			}
		}
	}
}

// parquetText dumps every string of a Parquet export, since compressed
// pages would hide a leak from a byte search.
func parquetText(t *testing.T, b []byte) []byte {
	rows, err := parquet.Read[ExportRow](bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for _, r := range rows {
		out.WriteString(strings.Join([]string{r.Listing, r.Kind, r.Source, r.Country, r.Language, r.Week, r.Level,
			strings.Join(r.Indicators, " "), strings.Join(r.Contacts, " "), strings.Join(r.Linked, " "), deref(r.Title), deref(r.Body)}, "\n"))
	}
	f, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range f.Metadata().KeyValueMetadata {
		out.WriteString(kv.Key + " " + kv.Value + "\n")
	}
	return out.Bytes()
}

// TestExportTextRedacted: with --include-text, the contacts the scanner
// reported are replaced by tokens in the text.
func TestExportTextRedacted(t *testing.T) {
	rs := readTestResults(t)
	out := strings.ToLower(string(export(t, rs, CSV, true)))
	for _, r := range rs {
		for _, c := range r.Contacts {
			v := c.Value
			if c.Type == "phone" {
				v = strings.TrimPrefix(v, "+")
			}
			if len(v) >= 6 && strings.Contains(out, strings.ToLower(v)) {
				t.Errorf("text export contains contact %s %q", c.Type, v)
			}
		}
	}
	if !strings.Contains(out, "[phone:") {
		t.Error("no phone token in the redacted text")
	}
}

func TestExportSuppressesRareValues(t *testing.T) {
	tk, _ := NewTokenizer(testKey)
	x, _ := NewExporter(ExportOptions{Tokenizer: tk, MinCount: 3})
	var rs []*corpus.Result
	for i, c := range []string{"DE", "DE", "DE", "AL"} {
		rs = append(rs, &corpus.Result{ID: string(rune('a' + i)), Level: "low", Listing: &corpus.Listing{Country: c, Source: "s"}})
	}
	for _, r := range rs {
		x.Count(r)
	}
	if got := x.Row(rs[0]).Country; got != "DE" {
		t.Errorf("DE (3 listings) exported as %q", got)
	}
	if got := x.Row(rs[3]).Country; got != Suppressed {
		t.Errorf("AL (1 listing) exported as %q", got)
	}
	if got := x.Row(rs[3]).Source; got != "s" {
		t.Errorf("source s (4 listings) must be kept, min 3: %q", got)
	}
}

func TestApplySpans(t *testing.T) {
	text := "call +381 64 123 4567 or Ana"
	tests := []struct {
		spans []span
		want  string
	}{
		{[]span{{5, 21, "[P]"}}, "call [P] or Ana"},
		{[]span{{5, 21, "[P]"}, {10, 12, "[X]"}}, "call [P] or Ana"}, // overlap: first wins
		{[]span{{-1, 3, "x"}, {5, 999, "x"}, {7, 6, "x"}}, text},     // out of range: skipped
	}
	for _, tt := range tests {
		if got := applySpans(text, tt.spans); got != tt.want {
			t.Errorf("applySpans(%v) = %q, want %q", tt.spans, got, tt.want)
		}
	}
	if got := applySpans("Łódź", []span{{1, 2, "x"}}); got != "Łódź" {
		t.Errorf("a span inside a character must be skipped: %q", got)
	}
	if got := replaceWord("Ana, Anabel and ana", "Ana", "[name]"); got != "[name], Anabel and ana" {
		t.Errorf("replaceWord: %q", got)
	}
}
