package token

import (
	"strings"
	"testing"
)

func words(d *Doc) string {
	var b strings.Builder
	for i, t := range d.Tokens {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(d.Folded(i))
		if d.Text[t.Start:t.End] == "" {
			b.WriteString("<empty>")
		}
	}
	return b.String()
}

func TestReset(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"NOWApply today", "now apply today"},
		{"nowApply", "now apply"},
		{"ticket,visa", "ticket , visa"},
		{"5550134call", "5550134 call"},
		{"I’m 22", "i'm 22"},
		{"don't", "don't"},
		{"ＦＲＥＥ ｖｉｓａ", "free visa"},
		{"ⓕⓡⓔⓔ 𝐭𝐢𝐜𝐤𝐞𝐭", "free ticket"},
		{"pаssport", "passport"}, // Cyrillic а inside a Latin word
		{"Мoсква", "москва"},     // Latin M and o inside a Cyrillic word
		{"gradilište Straße", "gradiliste strasse"},
		{"€3,800 net", "€ 3,800 net"},
		{"Ηλικία 19", "ηλικια 19"},
		{"19yo", "19 yo"},
		{"iPhone", "iphone"},
		{"a\u00adb", "ab"},
	} {
		d := New(tc.in)
		if got := words(d); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
		}
		for _, tok := range d.Tokens {
			if tok.Start < 0 || tok.End > int32(len(tc.in)) || tok.Start >= tok.End {
				t.Errorf("%q: bad span %d..%d", tc.in, tok.Start, tok.End)
			}
		}
	}
}

func TestSentences(t *testing.T) {
	d := New("We pay the visa. You come... then work! New line\nnext")
	var sents []int32
	for _, tok := range d.Tokens {
		if tok.Kind == Word {
			sents = append(sents, tok.Sent)
		}
	}
	want := []int32{0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3}
	if len(sents) != len(want) {
		t.Fatalf("got %v, want %v", sents, want)
	}
	for i := range want {
		if sents[i] != want[i] {
			t.Fatalf("got %v, want %v", sents, want)
		}
	}
}

func FuzzReset(f *testing.F) {
	for _, s := range []string{"NOWApply", "ⓕⓡⓔⓔ", "pаssport", "a\xffb", "3,800.00€", "I’m", "...…!!"} {
		f.Add(s)
	}
	var d Doc
	f.Fuzz(func(t *testing.T, s string) {
		d.Reset(s)
		prev := int32(0)
		for i, tok := range d.Tokens {
			if tok.Start < prev || tok.End > int32(len(s)) || tok.Start >= tok.End {
				t.Fatalf("token %d: span %d..%d in %d bytes (prev end %d)", i, tok.Start, tok.End, len(s), prev)
			}
			if tok.FStart > tok.FEnd || int(tok.FEnd) > len(d.Fold) {
				t.Fatalf("token %d: fold span %d..%d", i, tok.FStart, tok.FEnd)
			}
			prev = tok.End
		}
	})
}
