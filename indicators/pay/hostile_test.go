package pay

import (
	"math/rand"
	"strings"
)

// adversarialPayTexts are texts built to make pay parsing slow: long digit runs, digit groups in
// symbol soups, range and currency words everywhere, phrases that almost match.
func adversarialPayTexts() map[string]string {
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
