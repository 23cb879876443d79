package pay

import (
	"math/rand"
	"strings"

	"github.com/redthread/redthread/internal/slowinput"
)

// adversarialPayTexts are texts built to make pay parsing slow: long digit runs, digit groups in
// symbol soups, range and currency words everywhere, phrases that almost match.
func adversarialPayTexts() map[string]string {
	symbols := []string{"€", "$", "£", "-", "–", "~", "/", ".", ",", " ", "'", "+", "%", ":", "₴", "₫", "(", ")"}
	words := []string{"up to", "from", "to", "do", "od", "a day", "per", "salary", "fee", "for", "hours", "k", "eur", "a", "de", "la", "paid", "weekly", "six", "figures"}
	out := slowinput.Soups(11, symbols, words)
	out["range chain"] = strings.Repeat("1500-", 400)
	out["thousands"] = strings.Repeat("1.000.", 330)
	out["dash soup"] = strings.Repeat("-–—~ ", 400)
	out["currency soup"] = strings.Repeat("€ $ £ EUR usd ", 150)
	out["long word"] = strings.Repeat("salary", 340)
	r := rand.New(rand.NewSource(12))
	var b strings.Builder
	for b.Len() < 2000 {
		b.WriteString("salary up to from ")
		b.WriteString(slowinput.Digits(r, 1+r.Intn(6), func() string { return "" }))
		b.WriteString(words[r.Intn(len(words))])
		b.WriteString(" ")
	}
	out["cue words and numbers"] = b.String()
	return out
}
