package corpus

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redthread/redthread/errs"
)

func collect(t *testing.T, seq func(func(Record) bool)) (ls []*Listing, bad []Record) {
	t.Helper()
	for rec := range seq {
		if rec.Err != nil {
			bad = append(bad, rec)
			continue
		}
		ls = append(ls, rec.Listing)
	}
	return ls, bad
}

func TestReadJSONL(t *testing.T) {
	big := `{"id":"big","body":"` + strings.Repeat("a", 2000) + `"}`
	tests := []struct {
		name     string
		in       string
		max      int
		wantIDs  []string
		badLines []int
		badText  []string
	}{
		{"two good", `{"id":"a","body":"x"}` + "\n" + `{"id":"b","html":"<p>y</p>"}` + "\n", 0, []string{"a", "b"}, nil, nil},
		{"blank lines and CRLF", "\r\n" + `{"id":"a","body":"x"}` + "\r\n\n", 0, []string{"a"}, nil, nil},
		{"no trailing newline", `{"id":"a","body":"x"}`, 0, []string{"a"}, nil, nil},
		{"malformed goes on", `{"id":"a","body":"x"}` + "\n{broken\n" + `{"id":"c","body":"z"}`, 0, []string{"a", "c"}, []int{2}, []string{"invalid JSON"}},
		{"no body nor html", `{"id":"a","title":"x"}`, 0, nil, []int{1}, []string{"neither body nor html"}},
		{"not an object", `["a"]`, 0, nil, []int{1}, []string{"not a JSON object"}},
		{"invalid utf8", "{\"id\":\"a\",\"body\":\"\xff\xfe\"}", 0, nil, []int{1}, []string{"UTF-8"}},
		{"too long", big + "\n" + `{"id":"s","body":"x"}`, 1000, []string{"s"}, []int{1}, []string{"longer than 1000"}},
		{"two objects one line", `{"id":"a","body":"x"}{"id":"b","body":"y"}`, 0, nil, []int{1}, []string{"after the JSON object"}},
		{"wrong type", `{"id":"a","body":"x","contacts":{"a":1}}`, 0, nil, []int{1}, []string{"contacts"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ls, bad := collect(t, ReadJSONL(context.Background(), strings.NewReader(tt.in), "ads.jsonl", Options{MaxListingBytes: tt.max}))
			var ids []string
			for _, l := range ls {
				ids = append(ids, l.ID)
			}
			if strings.Join(ids, ",") != strings.Join(tt.wantIDs, ",") {
				t.Errorf("ids = %v, want %v", ids, tt.wantIDs)
			}
			if len(bad) != len(tt.badLines) {
				t.Fatalf("bad records = %d (%v), want %d", len(bad), bad, len(tt.badLines))
			}
			for i, b := range bad {
				if b.Line != tt.badLines[i] {
					t.Errorf("bad line = %d, want %d", b.Line, tt.badLines[i])
				}
				msg := b.Err.Error()
				if !strings.Contains(msg, "ads.jsonl") || !strings.Contains(msg, tt.badText[i]) {
					t.Errorf("error %q should name the file and say %q", msg, tt.badText[i])
				}
				if !errs.Is(errs.Invalid, b.Err) {
					t.Errorf("error kind = %v, want Invalid", errs.KindOf(b.Err))
				}
			}
		})
	}
}

func TestUnknownFieldsKept(t *testing.T) {
	l, err := ParseListingJSON([]byte(`{"id":"a","body":"x","label":1,"site_rank":"gold","fields":{"views":3}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"label", "site_rank", "views"} {
		if _, ok := l.Fields[k]; !ok {
			t.Errorf("field %q dropped: %v", k, l.Fields)
		}
	}
	out, err := MarshalJSONLine(l)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `"site_rank":"gold"`) {
		t.Errorf("written listing lost the unknown field: %s", out)
	}
}

func TestEnsureIDStable(t *testing.T) {
	a := Listing{Body: "hello", Title: "t"}
	b := Listing{Body: "hello", Title: "t"}
	a.EnsureID()
	b.EnsureID()
	if a.ID == "" || a.ID != b.ID {
		t.Fatalf("content IDs %q, %q: want equal and non-empty", a.ID, b.ID)
	}
	u := Listing{Body: "x", URL: "https://example.org/ad/1"}
	u.EnsureID()
	if !strings.HasPrefix(u.ID, "u-") {
		t.Errorf("URL-derived ID = %q", u.ID)
	}
}

func TestReadCSV(t *testing.T) {
	in := "ID,Title,Description,Country,Phone,Rank\n" +
		"a,Job,Work in Germany,de,+49 151 1234567|+49 152 7654321,1\n" +
		"b,Short,only three\n" +
		"c,Another,Cleaner needed,RS,,2\n"
	ls, bad := collect(t, ReadCSV(context.Background(), strings.NewReader(in), "ads.csv", Options{}))
	if len(ls) != 2 || ls[0].ID != "a" || ls[1].ID != "c" {
		t.Fatalf("listings = %+v", ls)
	}
	if ls[0].Body != "Work in Germany" || ls[0].Country != "DE" || len(ls[0].Contacts) != 2 {
		t.Errorf("mapping wrong: %+v", ls[0])
	}
	if string(ls[0].Fields["rank"]) != `"1"` {
		t.Errorf("unknown column not kept: %v", ls[0].Fields)
	}
	if len(bad) != 1 || bad[0].Line != 3 || !strings.Contains(bad[0].Err.Error(), "ads.csv line 3") {
		t.Errorf("bad = %+v", bad)
	}
	_, bad = collect(t, ReadCSV(context.Background(), strings.NewReader("id,title\n1,x\n"), "nobody.csv", Options{}))
	if len(bad) != 1 || !strings.Contains(bad[0].Err.Error(), "no body or html column") {
		t.Errorf("missing body column: %+v", bad)
	}
}

func TestReadHTMLFolder(t *testing.T) {
	dir := t.TempDir()
	// A page declared as windows-1251 (Cyrillic), bytes in that charset.
	cp1251 := []byte("<html><head><meta charset=\"windows-1251\"><title>\xd0\xe0\xe1\xee\xf2\xe0</title></head><body><p>\xd0\xe0\xe1\xee\xf2\xe0 \xe2 \xc3\xe5\xf0\xec\xe0\xed\xe8\xe8</p><script>var x=1</script></body></html>")
	if err := os.WriteFile(filepath.Join(dir, "a.html"), cp1251, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "b.htm"), []byte(`<html lang="en"><link rel="canonical" href="https://jobs.example/1"><h1>Picker</h1><div>Pay<br>1000</div></html>`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "empty.html"), []byte(`<html><script>x</script></html>`), 0o644); err != nil {
		t.Fatal(err)
	}
	ls, bad := collect(t, ReadHTMLPath(context.Background(), dir, Options{}))
	if len(ls) != 2 || len(bad) != 1 {
		t.Fatalf("got %d listings, %d errors", len(ls), len(bad))
	}
	if ls[0].Body != "Работа в Германии" || ls[0].Title != "Работа" || ls[0].ID != "file:a.html" {
		t.Errorf("cp1251 page: id %q body %q", ls[0].ID, ls[0].Body)
	}
	if ls[1].URL != "https://jobs.example/1" || ls[1].Title != "Picker" || ls[1].Language != "en" || ls[1].Body != "Picker\nPay\n1000" {
		t.Errorf("page b: %+v", ls[1])
	}
}

func FuzzParseListingJSON(f *testing.F) {
	for _, s := range []string{`{"id":"a","body":"x"}`, `{"body":"x","fields":{"a":1},"b":[1,2]}`, `{`, `{"images":[{"url":1}]}`, "{\"body\":\"\xff\"}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := ParseListingJSON(data)
		if err == nil && l.Body == "" && l.HTML == "" {
			t.Fatal("accepted a listing without body or html")
		}
		if err == nil {
			if _, err := MarshalJSONLine(l); err != nil {
				t.Fatalf("cannot re-encode accepted listing: %v", err)
			}
		}
	})
}

func FuzzReadJSONL(f *testing.F) {
	f.Add([]byte("{\"body\":\"x\"}\n\n{bad\n"), 64)
	f.Fuzz(func(t *testing.T, data []byte, max int) {
		if max < 1 || max > 1<<16 {
			max = 1 << 16
		}
		for rec := range ReadJSONL(context.Background(), strings.NewReader(string(data)), "f", Options{MaxListingBytes: max}) {
			if (rec.Err == nil) == (rec.Listing == nil) {
				t.Fatal("record must have exactly one of listing and error")
			}
		}
	})
}

func TestLenientFields(t *testing.T) {
	l, err := ParseListingJSON([]byte(`{"id":12345,"body":"x","contacts":"+44 7700 900123","images":["https://img.example/a.jpg","photos/b.jpg",{"url":"https://img.example/c.jpg"}],"posted_at":1762000000,"country":null}`))
	if err != nil {
		t.Fatal(err)
	}
	if l.ID != "12345" || l.PostedAt != "1762000000" || len(l.Contacts) != 1 || len(l.Images) != 3 || l.Images[1].Path != "photos/b.jpg" || l.Images[2].URL == "" {
		t.Errorf("lenient decode: %+v", l)
	}
	if _, err := ParseListingJSON([]byte(`{"body":{"a":1}}`)); err == nil || !strings.Contains(err.Error(), `field "body"`) {
		t.Errorf("object body: err = %v", err)
	}
}

// TestReadJSONLListingsIndependent checks that listings read from one
// stream keep their own text and raw fields when the next lines are read
// (the reader reuses its line buffer).
func TestReadJSONLListingsIndependent(t *testing.T) {
	in := `{"id":"a","body":"first \"body\"","extra":{"k":"aaaaaaaa"},"fields":{"q":[1,2]}}
{"id":"b","body":"second","extra":{"k":"bbbbbbbbbbbbbbbb"},"fields":{"q":[3]}}
{"id":"c","body":"third and longest of the three lines","extra":"c"}
`
	ls, bad := collect(t, ReadJSONL(context.Background(), strings.NewReader(in), "t", Options{}))
	if len(bad) != 0 || len(ls) != 3 {
		t.Fatalf("got %d listings, %d errors", len(ls), len(bad))
	}
	want := []struct{ id, body, extra, q string }{
		{"a", `first "body"`, `{"k":"aaaaaaaa"}`, `[1,2]`},
		{"b", "second", `{"k":"bbbbbbbbbbbbbbbb"}`, `[3]`},
		{"c", "third and longest of the three lines", `"c"`, ``},
	}
	for i, w := range want {
		l := ls[i]
		if l.ID != w.id || l.Body != w.body || string(l.Fields["extra"]) != w.extra || string(l.Fields["q"]) != w.q {
			t.Errorf("listing %d = %q %q %s %s, want %q %q %s %s", i, l.ID, l.Body, l.Fields["extra"], l.Fields["q"], w.id, w.body, w.extra, w.q)
		}
	}
}
