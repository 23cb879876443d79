package corpus

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestReadResultFilesAppliesRevisions(t *testing.T) {
	lines := []string{
		`{"id":"a","kind":"job","score":10,"level":"low","language":"en","indicators":[]}`,
		`{"id":"b\"q","kind":"job","score":20,"level":"low","language":"en","indicators":[]}`,
		``,
		`{"id":"c","kind":"job","score":30,"level":"low","language":"en","indicators":[]}`,
		`{"revised":true,"id":"b\"q","kind":"job","score":60,"level":"medium","language":"en","indicators":[]}`,
		`{"revised":true,"id":"a","kind":"job","score":50,"level":"medium","language":"en","indicators":[]}`,
		`{"revised":true,"id":"a","kind":"job","score":55,"level":"medium","language":"en","indicators":[]}`,
	}
	data := strings.Join(lines, "\n") + "\n"
	path := filepath.Join(t.TempDir(), "r.jsonl")
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		paths     []string
		stdin     string
		revisions bool
		want      string
	}{
		{"file", []string{path}, "", true, "c:30 b\"q:60 a:55"},
		{"stdin", []string{"-"}, data, true, "c:30 b\"q:60 a:55"},
		{"as they come", []string{path}, "", false, "a:10 b\"q:20 c:30 b\"q:60! a:50! a:55!"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			var inputs []InputFile
			opt := ResultOptions{Revisions: tc.revisions}
			for rec := range ReadResultFiles(context.Background(), tc.paths, strings.NewReader(tc.stdin), opt, &inputs) {
				if rec.Err != nil {
					t.Fatal(rec.Err)
				}
				s := rec.Result.ID + ":" + strconv.Itoa(rec.Result.Score)
				if rec.Result.Revised {
					s += "!"
				}
				got = append(got, s)
			}
			if g := strings.Join(got, " "); g != tc.want {
				t.Errorf("got %s, want %s", g, tc.want)
			}
			if len(inputs) != 1 || len(inputs[0].SHA256) != 64 {
				t.Errorf("inputs %v", inputs)
			}
		})
	}
}

func TestParseResultRefusesListings(t *testing.T) {
	listing := []byte(`{"id":"x","title":"Nanny","body":"Work in Dubai","country":"AE"}`)
	if _, err := ParseResult(listing, false); err != ErrNotResult {
		t.Errorf("a listing read as results: err %v, want ErrNotResult", err)
	}
	r, err := ParseResult(listing, true)
	if err != nil || r.ID != "x" || r.Country != "AE" || r.Listing == nil {
		t.Errorf("a listing as an unscored result: %+v, %v", r, err)
	}
}

func TestFoldRevisions(t *testing.T) {
	results := "{\"id\":\"a\",\"score\":1}\n{\"id\":\"b\",\"score\":2}\n{\"id\":\"c\",\"score\":3}\n"
	revisions := RevisionPrefix + "\"a\",\"score\":7}\n" + RevisionPrefix + "\"c\",\"score\":9}\n"
	var out bytes.Buffer
	if err := FoldRevisions(&out, strings.NewReader(results), strings.NewReader(revisions), []int{0, 2}); err != nil {
		t.Fatal(err)
	}
	want := "{\"id\":\"a\",\"score\":7}\n{\"id\":\"b\",\"score\":2}\n{\"id\":\"c\",\"score\":9}\n"
	if out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
	if err := FoldRevisions(&out, strings.NewReader(results), strings.NewReader(revisions), []int{0, 5}); err == nil {
		t.Error("a revision past the last result must be an error")
	}
}

// FuzzRevisions checks that Revisions finds exactly the revision lines a
// full decoder finds, whatever the stream.
func FuzzRevisions(f *testing.F) {
	f.Add([]byte(RevisionPrefix + "\"a\\\"b\"}\n{\"id\":\"x\"}\n" + RevisionPrefix + "\"\\u0041\"}"))
	f.Add([]byte("\n\n" + RevisionPrefix + "\"a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Revisions(context.Background(), bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		for id, line := range got {
			ls := bytes.Split(data, []byte("\n"))
			if line < 1 || line > len(ls) || !bytes.HasPrefix(ls[line-1], []byte(RevisionPrefix)) {
				t.Fatalf("id %q: line %d is not a revision line", id, line)
			}
		}
	})
}
