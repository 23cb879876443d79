package concept

import (
	"strings"
	"testing"

	"github.com/redthread/redthread/indicators/token"
)

// benchText is a 2 KB ad-like text (made up).
var benchText = strings.Repeat("We are looking for 20 workers for a big logistic warehouse near Rotterdam. "+
	"Work is packing and scanning parcels. No experience needed, we train you on the first day. "+
	"Salary 3,800 per month NET, paid every week. Free accommodation in a shared house. "+
	"Bus ticket from your country we pay first, it is deducted from your first salary. "+
	"Only 6 places left, leaving on Monday! Write on WhatsApp only. ", 5)

func BenchmarkMatch2KB(b *testing.B) {
	s, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	var d token.Doc
	var hits []Hit
	b.SetBytes(int64(len(benchText)))
	for b.Loop() {
		d.Reset(benchText)
		hits = s.AppendMatch(hits[:0], &d, "en")
	}
}

func BenchmarkTokenize2KB(b *testing.B) {
	var d token.Doc
	b.SetBytes(int64(len(benchText)))
	for b.Loop() {
		d.Reset(benchText)
	}
}
