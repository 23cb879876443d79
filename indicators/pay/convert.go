package pay

import (
	"math"
	"strconv"
	"strings"
)

// Conversion is a pay mention read as euro per month.
type Conversion struct {
	MonthlyEUR    float64 // the amount per month in euro (the low end of a range)
	MonthlyEURMax float64 // the high end of a range per month (== MonthlyEUR when no range)
	HourlyEUR     float64 // the high end per hour of work
	Currency      string  // the currency read: as stated, or the country's when the ad names none
	Period        string  // the period read: as stated, or chosen from the amount's size (Inferred)
	Inferred      bool    // the mention states no period
	HoursPerMonth float64 // hours of work a month: from the working time stated, else full time
	HoursStated   bool    // HoursPerMonth comes from working time the ad states
	HoursPerWeek  float64 // hours of work a week the ad states (0 when none)
}

// Convert reads m as euro per month. An amount with no currency is read in the currency of
// country. An amount with no period is read as monthly, except that in a country whose ads
// quote annual salaries (large_unstated in data/countries.csv) an amount far above the typical
// monthly wage whose twelfth is plausible is read as yearly; an amount too small to be a
// monthly wage is not converted (ok == false). where is the country whose conventions decide
// that ("" for country): the listing's own country, or where the pay is judged when the
// listing names none. Periods use the factors in data/periods.csv; a working time the mention
// states (Mention.Work: hours a day, days or hours a week) replaces the full-time week in
// them, and an amount for several periods (Mention.PeriodCount: "300 for 2 hours") is divided
// among them. ok is false when the currency or country is unknown.
func (t *Tables) Convert(m Mention, country, where string) (Conversion, bool) {
	var c Conversion
	hiAmount := math.Max(m.Amount, m.AmountMax)
	if !(m.Amount > 0) || math.IsInf(hiAmount, 0) {
		return c, false
	}
	c.Currency = strings.ToUpper(m.Currency)
	if c.Currency == "" {
		ct, ok := t.Country(country)
		if !ok {
			return c, false
		}
		c.Currency = ct.Currency
	}
	rate, ok := t.rates[c.Currency]
	if !ok {
		return c, false
	}
	lo, hi := m.Amount*rate.EURPerUnit, hiAmount*rate.EURPerUnit
	c.Period = m.Period
	if c.Period == "" {
		c.Period, c.Inferred = "month", true
		if where == "" {
			where = country
		}
		ct, _ := t.Country(where)
		if w, ok := t.Wage(where, "general"); ok {
			switch {
			case ct.LargeUnstated == "year" && lo/12 <= maxYearlyRatio*w.TypicalEUR &&
				(lo >= yearlyRatio*w.TypicalEUR && lo/12 >= minimumRatio*w.MinimumEUR ||
					lo >= yearlyRatioLow*w.TypicalEUR && lo/12 >= w.MinimumEUR):
				c.Period = "year"
			case lo < minimumRatio*w.MinimumEUR:
				return c, false
			}
		}
	}
	f, ok := t.perMonth[c.Period]
	if !ok {
		return c, false
	}
	// working time: stated, or the full-time week of data/periods.csv
	weeks := t.perMonth["week"]
	daysPerWeek := t.perMonth["day"] / weeks
	hoursPerDay := t.perMonth["hour"] / t.perMonth["day"]
	w := m.Work
	c.HoursPerMonth, c.HoursStated = t.perMonth["hour"], true
	switch {
	case w.HoursPerWeek > 0:
		c.HoursPerMonth = w.HoursPerWeek * weeks
	case w.HoursPerDay > 0 && w.DaysPerWeek > 0:
		c.HoursPerMonth = w.HoursPerDay * w.DaysPerWeek * weeks
	case w.HoursPerDay > 0:
		c.HoursPerMonth = w.HoursPerDay * daysPerWeek * weeks
	case w.DaysPerWeek > 0:
		c.HoursPerMonth = hoursPerDay * w.DaysPerWeek * weeks
	default:
		c.HoursStated = false
	}
	if c.HoursStated {
		c.HoursPerWeek = c.HoursPerMonth / weeks
	}
	switch c.Period {
	case "hour":
		f = c.HoursPerMonth
	case "day":
		if w.DaysPerWeek > 0 {
			f = w.DaysPerWeek * weeks
		}
	}
	if m.PeriodCount > 1 {
		f /= m.PeriodCount
	}
	c.MonthlyEUR, c.MonthlyEURMax = lo*f, hi*f
	if c.HoursPerMonth > 0 {
		c.HourlyEUR = c.MonthlyEURMax / c.HoursPerMonth
	}
	return c, true
}

// Note says in a few words what was read, for the evidence of a pay hit:
// "≈ 3,900 EUR/month from $950/week", "≈ 2,843–4,265 EUR/month from $40,000–$60,000
// (no period stated: read as yearly)", "≈ 1,950 EUR/month from €15/hour (6 h/day stated:
// ≈ 15 EUR/hour)".
func (c Conversion) Note(m Mention) string {
	b := make([]byte, 0, 128)
	b = append(b, "≈ "...)
	b = appendAmount(b, c.MonthlyEUR, true)
	if c.MonthlyEURMax > c.MonthlyEUR && math.Round(c.MonthlyEURMax) != math.Round(c.MonthlyEUR) {
		b = append(b, "–"...)
		b = appendAmount(b, c.MonthlyEURMax, true)
	}
	b = append(b, " EUR/month from "...)
	if m.UpTo {
		b = append(b, "up to "...)
	}
	symbol := map[string]string{"USD": "$", "EUR": "€", "GBP": "£"}[c.Currency]
	money := func(b []byte, v float64) []byte {
		b = append(b, symbol...)
		return appendAmount(b, v, false)
	}
	b = money(b, m.Amount)
	if m.AmountMax > m.Amount {
		b = append(b, "–"...)
		b = money(b, m.AmountMax)
	}
	if symbol == "" {
		b = append(b, ' ')
		b = append(b, c.Currency...)
	}
	switch {
	case m.PeriodCount > 1:
		b = append(b, " per "...)
		b = appendAmount(b, m.PeriodCount, false)
		b = append(b, ' ')
		b = append(b, c.Period...)
		b = append(b, 's')
	case !c.Inferred:
		b = append(b, '/')
		b = append(b, c.Period...)
	}
	open := false
	note := func(b []byte) []byte {
		if open {
			return append(b, "; "...)
		}
		open = true
		return append(b, " ("...)
	}
	if c.Inferred {
		b = note(b)
		if c.Period == "year" {
			b = append(b, "no period stated: read as yearly"...)
		} else {
			b = append(b, "no period stated: read as monthly"...)
		}
	}
	if m.Currency == "" {
		b = note(b)
		b = append(b, "no currency stated: read as "...)
		b = append(b, c.Currency...)
	}
	if c.HoursStated && (c.Period == "hour" || c.Period == "day" || c.Period == "week") {
		b = note(b)
		b = appendWork(b, m.Work)
		b = append(b, " stated: ≈ "...)
		b = appendAmount(b, c.HourlyEUR, false)
		b = append(b, " EUR/hour"...)
	}
	if m.Net {
		b = note(b)
		b = append(b, "take-home"...)
	}
	if open {
		b = append(b, ')')
	}
	return string(b)
}

// appendWork writes a working time: "6 h/day, 5 days/week".
func appendWork(b []byte, w WorkTime) []byte {
	sep := false
	for _, f := range [...]struct {
		v    float64
		unit string
	}{{w.HoursPerDay, " h/day"}, {w.DaysPerWeek, " days/week"}, {w.HoursPerWeek, " h/week"}} {
		if f.v > 0 {
			if sep {
				b = append(b, ", "...)
			}
			sep = true
			b = appendAmount(b, f.v, false)
			b = append(b, f.unit...)
		}
	}
	return b
}

// appendAmount writes v with thousands separators ("3,900"), with two decimals when it has a
// fraction and is below 100 ("12.50"), or rounded to a whole number when round is set or it
// is larger.
func appendAmount(b []byte, v float64, round bool) []byte {
	if math.IsInf(v, 0) || math.IsNaN(v) || math.Abs(v) >= 1e18 {
		return strconv.AppendFloat(b, v, 'g', -1, 64)
	}
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	dec := !round && v < 100 && math.Abs(v-math.Round(v)) >= 0.005
	if dec {
		v = math.Round(v*100) / 100
	}
	whole := uint64(v)
	if !dec {
		whole = uint64(math.Round(v))
	}
	var digits [20]byte
	n := len(strconv.AppendUint(digits[:0], whole, 10))
	for i := 0; i < n; i++ {
		if i > 0 && (n-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, digits[i])
	}
	if dec {
		cents := int(math.Round((v - float64(whole)) * 100))
		b = append(b, '.', byte('0'+cents/10), byte('0'+cents%10))
	}
	return b
}
