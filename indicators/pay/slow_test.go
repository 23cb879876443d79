//go:build !race

package pay

import (
	"math/rand"
	"os"
	"sort"
	"strings"
	"testing"
	"time"
)

// adversarialPay are texts built to make pay parsing slow: long digit runs, digit groups in
// symbol soups, range and currency words everywhere, phrases that almost match.
func adversarialPay() map[string]string {
	r := rand.New(rand.NewSource(11))
	digits := func(n int, sep func() string) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteByte(byte('0' + r.Intn(10)))
			b.WriteString(sep())
		}
		return b.String()
	}
	symbols := []string{"€", "$", "£", "-", "–", "~", "/", ".", ",", " ", "'", "+", "%", ":", "₴", "₫", "(", ")"}
	words := []string{"up to", "from", "to", "do", "od", "a day", "per", "salary", "fee", "for", "hours", "k", "eur", "a", "de", "la", "paid", "weekly", "six", "figures"}
	out := map[string]string{
		"digit run":      digits(2000, func() string { return "" }),
		"spaced digits":  digits(1000, func() string { return " " }),
		"symbol soup":    digits(700, func() string { return symbols[r.Intn(len(symbols))] }),
		"grouped digits": digits(600, func() string { return strings.Repeat(symbols[r.Intn(len(symbols))], 1+r.Intn(3)) }),
		"range chain":    strings.Repeat("1500-", 400),
		"thousands":      strings.Repeat("1.000.", 330),
		"dash soup":      strings.Repeat("-–—~ ", 400),
		"currency soup":  strings.Repeat("€ $ £ EUR usd ", 150),
		"long word":      strings.Repeat("salary", 340),
	}
	var b strings.Builder
	for b.Len() < 2000 {
		b.WriteString(words[r.Intn(len(words))])
		b.WriteString(symbols[r.Intn(len(symbols))])
		b.WriteString(digits(1+r.Intn(4), func() string { return "" }))
		b.WriteString(" ")
	}
	out["words and digits"] = b.String()
	b.Reset()
	for b.Len() < 2000 {
		b.WriteString("salary up to from ")
		b.WriteString(digits(1+r.Intn(6), func() string { return "" }))
		b.WriteString(words[r.Intn(len(words))])
		b.WriteString(" ")
	}
	out["cue words and numbers"] = b.String()
	return out
}

// perByte returns the best time per byte of parsing text, over a few runs.
func perByte(p *Parser, text string) float64 {
	best := time.Duration(1 << 62)
	for i := 0; i < 7; i++ {
		t0 := time.Now()
		for j := 0; j < 5; j++ {
			p.Read(text, Options{})
		}
		if d := time.Since(t0) / 5; d < best {
			best = d
		}
	}
	return float64(best) / float64(len(text))
}

// TestNoSlowInput: the cost per byte does not grow with the length of a text (nothing
// quadratic), and no text costs more per byte than a bound times the median of ordinary ads.
// With REDTHREAD_TIMING=1 (a quiet machine) the bound is 2, except for soups of numbers, signs
// and pay words (a token every few bytes), where every one must be read: those cost 2-8 times
// an ordinary ad per byte here, less than the parser before the one-pass rewrite did, and under
// a third of the median cost per byte of extracting a dev-set listing, so they do not slow a
// scan down (the bound is on the scan). Without REDTHREAD_TIMING the bound is 16,
// which busy shared machines keep.
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
	for name, text := range adversarialPay() {
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
		if got > bound*median {
			t.Errorf("%s (%d bytes): %.1f ns/byte, more than %g× the median %.1f ns/byte of ordinary ads", name, len(text), got, bound, median)
		}
		// linear: ten times the text costs no more than twice as much per byte
		long := strings.Repeat(text+"\n", 10)
		gotLong := perByte(p, long)
		for try := 0; try < 5 && gotLong > 2*got; try++ { // a busy machine: measure both again
			got = min(got, perByte(p, text))
			gotLong = min(gotLong, perByte(p, long))
		}
		if gotLong > 2*got {
			t.Errorf("%s: %.1f ns/byte at %d bytes but %.1f at %d: not linear", name, got, len(text), gotLong, len(long))
		}
	}
}
