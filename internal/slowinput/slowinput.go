// Package slowinput builds hostile texts for the parsers' no-slow-input
// tests (long digit runs, symbol soups, words glued to numbers) and times
// a parser on them per byte, so every parser is held to the same checks.
package slowinput

import (
	"math/rand"
	"strings"
	"time"
)

// Soups returns texts of about 2 KB built from seed: "digit run", "spaced
// digits", "symbol soup" (digits between symbols), "grouped digits" (digit
// groups between runs of symbols) and "words and digits" (words, symbols
// and short digit groups).
func Soups(seed int64, symbols, words []string) map[string]string {
	r := rand.New(rand.NewSource(seed))
	out := map[string]string{
		"digit run":      Digits(r, 2000, func() string { return "" }),
		"spaced digits":  Digits(r, 1000, func() string { return " " }),
		"symbol soup":    Digits(r, 700, func() string { return symbols[r.Intn(len(symbols))] }),
		"grouped digits": Digits(r, 600, func() string { return strings.Repeat(symbols[r.Intn(len(symbols))], 1+r.Intn(3)) }),
	}
	var b strings.Builder
	for b.Len() < 2000 {
		b.WriteString(words[r.Intn(len(words))])
		b.WriteString(symbols[r.Intn(len(symbols))])
		b.WriteString(Digits(r, 1+r.Intn(4), func() string { return "" }))
		b.WriteString(" ")
	}
	out["words and digits"] = b.String()
	return out
}

// Digits returns n random digits, each followed by sep().
func Digits(r *rand.Rand, n int, sep func() string) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteByte(byte('0' + r.Intn(10)))
		b.WriteString(sep())
	}
	return b.String()
}

// PerByte returns the best time per byte, in nanoseconds, of calling fn
// on text reps times, over seven tries.
func PerByte(fn func(string), text string, reps int) float64 {
	best := time.Duration(1 << 62)
	for i := 0; i < 7; i++ {
		t0 := time.Now()
		for j := 0; j < reps; j++ {
			fn(text)
		}
		if d := time.Since(t0) / time.Duration(reps); d < best {
			best = d
		}
	}
	return float64(best) / float64(len(text))
}
