package links

import (
	"strings"
	"testing"
)

func FuzzLoadHashList(f *testing.F) {
	f.Add("hash,algorithm,list,label\n" + strings.Repeat("ab", 32) + ",pdq,known,priority\n" + strings.Repeat("0f", 8) + ",phash,stock,negative\n")
	f.Add("# comment\n" + strings.Repeat("a", 16) + ",PHASH, l \n")
	f.Add("\"unterminated,pdq,l\n")
	f.Fuzz(func(t *testing.T, in string) {
		h := NewHashList()
		if err := h.Load(strings.NewReader(in), "fuzz.csv"); err != nil {
			return
		}
		for _, r := range h.rows {
			if r.list == "" || (len(r.hash.Bits) != 8 && len(r.hash.Bits) != 32) {
				t.Fatalf("accepted row %+v", r)
			}
		}
	})
}

func FuzzReadEntries(f *testing.F) {
	f.Add(storeHeader + "\n" + `{"id":"a","c":[1,2],"n":["Ana"],"a":[19],"loc":"x","sig":"AQAAAAIAAAA=","sw":5,"p":[{"ref":"r","pl":"rt-photo-1","h":["phash:0011223344556677","pdq-region/90c:` + strings.Repeat("00", 32) + `"]}]}` + "\n")
	f.Add(storeHeader + "\n{\"id\":\n")
	f.Add("garbage")
	f.Fuzz(func(t *testing.T, in string) {
		st := &MemStore{}
		var es []*Entry
		if _, err := readEntries(strings.NewReader(in), func(e *Entry) error { es = append(es, e); return nil }); err != nil {
			return
		}
		st.Append(es)
		// Whatever was read must load into a registry and link without panicking.
		r, err := New(Config{Store: st})
		if err != nil {
			t.Fatal(err)
		}
		if r.Len() != len(es) {
			t.Fatalf("registry has %d entries, read %d", r.Len(), len(es))
		}
		for _, e := range es {
			parseSet(PhotoEntry{Hashes: e.hashesForFuzz()})
		}
	})
}

// hashesForFuzz flattens an entry's photo hashes.
func (e *Entry) hashesForFuzz() []string {
	var out []string
	for _, p := range e.Photos {
		out = append(out, p.Hashes...)
	}
	return out
}

func FuzzLoadParams(f *testing.F) {
	f.Add(string(defaultParamsYAML))
	f.Add("generic_limit: 3\n")
	f.Fuzz(func(t *testing.T, in string) {
		p, err := LoadParams(strings.NewReader(in))
		if err != nil {
			return
		}
		if p.check() != nil {
			t.Fatalf("accepted invalid params %+v", p)
		}
	})
}
