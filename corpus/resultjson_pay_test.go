package corpus

import (
	"math"
	"testing"
)

// FuzzPayJSONMatchesEncoding checks that every field of Pay, the range and working-time
// fields included, is written byte for byte as encoding/json writes it.
func FuzzPayJSONMatchesEncoding(f *testing.F) {
	f.Add("$40,000-$60,000", 40000.0, 60000.0, 3412.5, 2843.33, 40.0, 24.6, true, true)
	f.Add("", 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, false, false)
	f.Add("x", 1e21, 1e-7, math.Inf(1), 5.0, math.NaN(), -0.0, true, false)
	f.Fuzz(func(t *testing.T, text string, amount, amountMax, monthly, low, hours, hourly float64, upTo, net bool) {
		r := &Result{ID: "p", Pay: &Pay{Text: text, Amount: amount, AmountMax: amountMax, MonthlyEUR: monthly,
			MonthlyEURLow: low, HoursPerWeek: hours, HourlyEUR: hourly, UpTo: upTo, Net: net, Currency: "USD", Period: "year"}}
		writesLikeStd(t, r)
	})
}
