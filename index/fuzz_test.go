package index

import (
	"github.com/redthread/redthread/corpus"
	"testing"
)

// FuzzQuery feeds arbitrary query strings through phone recognition, the
// query-string parser and the rewriter: errors are fine, panics are not.
func FuzzQuery(f *testing.F) {
	for _, s := range []string{`"new in town"`, `+44 7700 900123`, `064/123-4567 country:RS`, `indicators:service.* -kind:job`,
		`score:>50 posted:>"2025-01-01"`, `title:`, `a^^`, `(`, `"`, `\`, `title:/[/`, `0044 (0) 20 7946 0958`, `name~2 +x -y`} {
		f.Add(s)
	}
	m := newMapping()
	f.Fuzz(func(t *testing.T, q string) {
		text, _ := rewritePhones(q, "GR")
		_, _ = parseQuery(m, text)
		text, _ = rewritePhones(q, "")
		_, _ = parseQuery(m, text)
	})
}

// FuzzParseResult checks that any line of a results file is either a
// result with an ID or an error.
func FuzzParseResult(f *testing.F) {
	for _, s := range []string{`{"id":"a","score":3,"listing":{"body":"x"}}`, `{"listing":{"url":"u","body":"x"}}`, `{}`, `[]`, `{"id":1}`, "\xff"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := corpus.ParseResult(data, true)
		if err == nil && (r == nil || r.ID == "") {
			t.Fatalf("result without id and no error: %q", data)
		}
		if err == nil {
			if _, err := makeDoc(r); err != nil {
				t.Fatalf("parsed result cannot be indexed: %v", err)
			}
		}
	})
}
