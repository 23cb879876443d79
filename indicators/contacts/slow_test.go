//go:build !race

package contacts

import (
	"math/rand"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/redthread/redthread/internal/slowinput"
)

// adversarial are texts built to make phone extraction slow: long digit runs, digits between
// symbol soups, number words and glued digits everywhere.
func adversarial() map[string]string {
	symbols := []string{"♡", "☆", "¥", "¿", "#", "•", "~", "…", "$", ".", " ", "-", "*/", ",", ";"}
	words := []string{"one", "seventeen", "forty-two", "twenty", "to", "for", "o", "ten", "oh", "nine"}
	out := slowinput.Soups(1, symbols, words)
	r := rand.New(rand.NewSource(2))
	var b strings.Builder
	for b.Len() < 2000 {
		b.WriteString("weekend")
		b.WriteString(slowinput.Digits(r, 10, func() string { return "" }))
		b.WriteString("call ")
	}
	out["glued digits"] = b.String()
	return out
}

// perByte returns the best time per byte of extracting text, over a few runs.
func perByte(e *Extractor, text string) float64 {
	return slowinput.PerByte(func(s string) { e.Extract(s, "US") }, text, 3)
}

// TestNoSlowInput: no text costs more than twice the median time per byte of ordinary ads
// (with contacts), so a listing of digit soup cannot slow a scan down.
func TestNoSlowInput(t *testing.T) {
	if testing.Short() {
		t.Skip("timing")
	}
	// The bounds (2x the median, linearity) are checked with REDTHREAD_TIMING=1 on a quiet
	// machine; on shared, loaded machines timings are noise, so they are only logged.
	strict := os.Getenv("REDTHREAD_TIMING") == "1"
	e := mustNew(t)
	ordinary := []string{benchAd, benchAd[:1800] + " Viber/WhatsApp: 064/123-4567, mila at gmail dot com, t.me/rabota_pl, six one seven five five five",
		strings.Repeat("New in town! Sweet Lena 23, 5'5 120lbs, 36C. Call or text 617-555-0199, no blocked calls. $200/hr incall. ", 18),
		strings.Repeat("Posao u Nemačkoj, plata 2000 eura, smeštaj. Javite se na 064 123 4567 ili Viber. ", 24)}
	var base []float64
	for _, s := range ordinary {
		base = append(base, perByte(e, s))
	}
	sort.Float64s(base)
	median := (base[1] + base[2]) / 2
	for name, text := range adversarial() {
		// Warm the phone cache as a scan would be warm, then measure; a busy machine gets three
		// tries.
		e.Extract(text, "US")
		got := perByte(e, text)
		for try := 0; try < 2 && got > 2*median; try++ {
			got = min(got, perByte(e, text))
		}
		t.Logf("%s (%d bytes): %.1f ns/byte; ordinary median %.1f", name, len(text), got, median)
		// "glued digits" is 140 numbers that are all phones: a listing full of numbers costs
		// their contacts; it is measured (logged) but not held to the bound.
		if strict && got > 2*median && name != "glued digits" {
			t.Errorf("%s (%d bytes): %.1f ns/byte, more than twice the median %.1f ns/byte of ordinary ads", name, len(text), got, median)
		}
		// Linear: ten times the text costs no more than three times as much per byte.
		long := strings.Repeat(text+"\n", 10)
		e.Extract(long, "US")
		if gl := perByte(e, long); strict && gl > 3*got && gl > 3*median {
			t.Errorf("%s: %.1f ns/byte at %d bytes, %.1f at %d: not linear", name, gl, len(long), got, len(text))
		}
	}
}
