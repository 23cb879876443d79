package corpus

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

var decodeSeeds = []string{
	`{"id":"a","body":"x","label":1,"site_rank":"gold","fields":{"views":3}}`,
	`{"id":12345,"body":"x","contacts":"+44 7700 900123","images":["https://img.example/a.jpg","photos/b.jpg",{"url":"https://img.example/c.jpg"}],"posted_at":1762000000,"country":null}`,
	`{"body":{"a":1}}`, `{"body":"a\u00e9\n\"q\"","title":"x","title":"y"}`, `{"body":"x","fields":{"a":1},"a":2, "b" : [1, {"c":"]"}] }`,
	`{"body":"x"} {"body":"y"}`, `{"body":"x","contacts":["a",null,"",3],"fields":null}`, `{"body":"x","images":"p.jpg","fields":"s"}`,
	` {"b\u006fdy" : true , "html":null}  `, `{"body":"x","images":[{"url":5}]}`, `{"body":"é日本 \ud83d\ude00 \ud83d","kind":"job","x":{"y":[]}}`,
	"{\"body\":\"bad \xff utf8\"}", `{}`, `{"fields":{"body":"in fields"},"body":"top"}`,
}

// FuzzDecodeMatchesGeneral checks that the one-pass listing decoder gives
// exactly what the general map-based decoder gives, or leaves the input to
// it.
func FuzzDecodeMatchesGeneral(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			return
		}
		var fast, general Listing
		if !fast.decodeValid(data) {
			return
		}
		if err := general.unmarshalGeneral(data); err != nil {
			t.Fatalf("%q: fast path accepted what the general path rejects: %v", data, err)
		}
		if !reflect.DeepEqual(fast, general) {
			t.Fatalf("%q:\nfast    %#v\ngeneral %#v", data, fast, general)
		}
	})
}

// TestDecodeSeedsMatchGeneral runs the seeds through the whole parse, fast
// path or not, and compares with the general decoder.
func TestDecodeSeedsMatchGeneral(t *testing.T) {
	for _, s := range decodeSeeds {
		got, gerr := ParseListingJSON([]byte(s))
		var want Listing
		werr := jsonUnmarshalStrictGeneral([]byte(s), &want)
		if werr == nil {
			werr = want.Validate()
		}
		if (gerr == nil) != (werr == nil) {
			t.Errorf("%q: error %v, want %v", s, gerr, werr)
			continue
		}
		if gerr == nil && !reflect.DeepEqual(*got, want) {
			t.Errorf("%q:\ngot  %#v\nwant %#v", s, *got, want)
		}
	}
}

// generalListing decodes with the general path only.
type generalListing Listing

func (g *generalListing) UnmarshalJSON(b []byte) error { return (*Listing)(g).unmarshalGeneral(b) }

func jsonUnmarshalStrictGeneral(data []byte, l *Listing) error {
	if !isValidUTF8(data) {
		return errInvalidUTF8
	}
	if t := bytes.TrimSpace(data); len(t) == 0 || t[0] != '{' {
		return errNotObject
	}
	return jsonUnmarshalStrict(data, (*generalListing)(l))
}

var (
	errInvalidUTF8 = errors.New("not valid UTF-8")
	errNotObject   = errors.New("not a JSON object")
)

// FuzzUnquote checks unquote against encoding/json on valid JSON strings.
func FuzzUnquote(f *testing.F) {
	for _, s := range []string{`"a\nb"`, `"\ud83d\ude00x"`, `"\ud83dx"`, `"\udc00\ud800"`, `"é\u00e9\/\\\""`, "\"\xff\xfe\"", `"\u0000\t"`, `"\uD834\uDD1E"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, q []byte) {
		q = bytes.TrimSpace(q)
		if !json.Valid(q) || len(q) == 0 || q[0] != '"' {
			return
		}
		var want string
		if err := json.Unmarshal(q, &want); err != nil {
			t.Fatal(err)
		}
		if got, ok := unquote(q); !ok || got != want {
			t.Fatalf("%q: %q %v, want %q", q, got, ok, want)
		}
	})
}
