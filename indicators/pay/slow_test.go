//go:build !race

package pay

import (
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/redthread/redthread/internal/slowinput"
)

// perByte returns the best time per byte of parsing text, over a few runs.
func perByte(p *Parser, text string) float64 {
	return slowinput.PerByte(func(s string) { p.Read(s, Options{}) }, text, 5)
}

// TestNoSlowInput: the cost per byte does not grow with the length of a text (nothing
// quadratic), and no text costs more per byte than a bound times the median of ordinary ads.
// With REDTHREAD_TIMING=1 (a quiet machine) the bound is 2, except for soups of numbers, signs
// and pay words (a token every few bytes), where every one must be read: those cost 2-8 times
// an ordinary ad per byte here, less than the parser before the one-pass rewrite did, and under
// a third of the median cost per byte of extracting a dev-set listing, so they do not slow a
// scan down (the bound is on the scan). Without REDTHREAD_TIMING the figures are
// only logged: on shared, loaded machines timings are noise.
func TestNoSlowInput(t *testing.T) {
	if testing.Short() {
		t.Skip("timing")
	}
	strict := os.Getenv("REDTHREAD_TIMING") == "1"
	p := newTestParser(t)
	withPay := benchAd[:1900] + " Plata 1.500-2.000 EUR mesečno."
	ordinary := []string{proseAd, benchAd, withPay,
		strings.Repeat("Posao u Nemačkoj, plata 2000 eura mesečno, smeštaj 200 eura. Javite se na 064 123 4567, 8 sati dnevno. ", 20)}
	var base []float64
	for _, s := range ordinary {
		base = append(base, perByte(p, s))
	}
	sort.Float64s(base)
	median := (base[1] + base[2]) / 2
	for name, text := range adversarialPayTexts() {
		bound := 16.0
		if strict {
			bound = 2
			var tk tokens
			if p.tokenize(text, &tk, Options{}); len(tk.tk) > len(text)/12 {
				bound = 8
			}
		}
		got := perByte(p, text)
		for try := 0; try < 3 && got > bound*median; try++ { // a busy machine gets more tries
			got = min(got, perByte(p, text))
		}
		t.Logf("%s (%d bytes): %.1f ns/byte, %.1f× the ordinary median %.1f", name, len(text), got, got/median, median)
		if strict && got > bound*median {
			t.Errorf("%s (%d bytes): %.1f ns/byte, more than %g× the median %.1f ns/byte of ordinary ads", name, len(text), got, bound, median)
		}
		// linear: ten times the text costs no more than twice as much per byte
		long := strings.Repeat(text+"\n", 10)
		gotLong := perByte(p, long)
		for try := 0; try < 5 && gotLong > 2*got; try++ { // a busy machine: measure both again
			got = min(got, perByte(p, text))
			gotLong = min(gotLong, perByte(p, long))
		}
		if strict && gotLong > 2*got {
			t.Errorf("%s: %.1f ns/byte at %d bytes but %.1f at %d: not linear", name, got, len(text), gotLong, len(long))
		}
	}
}
