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
// "≈ 3,900 EUR/month from $950/week", "≈ 2,843–4,265 EUR/month from $40,000–$60,000/year
// (no period stated: read as yearly)", "≈ 1,950 EUR/month from €15/hour (6 h/day stated:
// ≈ 15 EUR/hour)".
func (c Conversion) Note(m Mention) string {
	var b strings.Builder
	b.WriteString("≈ ")
	b.WriteString(formatAmount(c.MonthlyEUR, true))
	if c.MonthlyEURMax > c.MonthlyEUR && formatAmount(c.MonthlyEURMax, true) != formatAmount(c.MonthlyEUR, true) {
		b.WriteString("–")
		b.WriteString(formatAmount(c.MonthlyEURMax, true))
	}
	b.WriteString(" EUR/month from ")
	if m.UpTo {
		b.WriteString("up to ")
	}
	if m.AmountMax > m.Amount {
		b.WriteString(moneyRange(m.Amount, m.AmountMax, c.Currency))
	} else {
		b.WriteString(money(m.Amount, c.Currency))
	}
	switch {
	case m.PeriodCount > 1:
		b.WriteString(" per ")
		b.WriteString(formatAmount(m.PeriodCount, false))
		b.WriteString(" " + c.Period + "s")
	case !c.Inferred:
		b.WriteString("/" + c.Period)
	}
	var notes []string
	if c.Inferred {
		if c.Period == "year" {
			notes = append(notes, "no period stated: read as yearly")
		} else {
			notes = append(notes, "no period stated: read as monthly")
		}
	}
	if m.Currency == "" {
		notes = append(notes, "no currency stated: read as "+c.Currency)
	}
	if c.HoursStated && (c.Period == "hour" || c.Period == "day" || c.Period == "week") {
		notes = append(notes, workNote(m.Work)+" stated: ≈ "+formatAmount(c.HourlyEUR, false)+" EUR/hour")
	}
	if m.Net {
		notes = append(notes, "take-home")
	}
	if len(notes) > 0 {
		b.WriteString(" (")
		b.WriteString(strings.Join(notes, "; "))
		b.WriteString(")")
	}
	return b.String()
}

func workNote(w WorkTime) string {
	var parts []string
	if w.HoursPerDay > 0 {
		parts = append(parts, formatAmount(w.HoursPerDay, false)+" h/day")
	}
	if w.DaysPerWeek > 0 {
		parts = append(parts, formatAmount(w.DaysPerWeek, false)+" days/week")
	}
	if w.HoursPerWeek > 0 {
		parts = append(parts, formatAmount(w.HoursPerWeek, false)+" h/week")
	}
	return strings.Join(parts, ", ")
}

// money writes an amount with its currency: "$950", "€1,200", "£12.50", "90,000 RSD".
func money(v float64, cur string) string {
	switch cur {
	case "USD":
		return "$" + formatAmount(v, false)
	case "EUR":
		return "€" + formatAmount(v, false)
	case "GBP":
		return "£" + formatAmount(v, false)
	}
	return formatAmount(v, false) + " " + cur
}

// moneyRange writes a range: "$40,000–$60,000", "13,000–17,000 RON".
func moneyRange(lo, hi float64, cur string) string {
	switch cur {
	case "USD", "EUR", "GBP":
		return money(lo, cur) + "–" + money(hi, cur)
	}
	return formatAmount(lo, false) + "–" + formatAmount(hi, false) + " " + cur
}

// formatAmount writes v with thousands separators ("3,900"), with two decimals when it has a
// fraction and is below 100 ("12.50"), or rounded to a whole number when round is set or it is
// larger.
func formatAmount(v float64, round bool) string {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	dec := 0
	if !round && v < 100 && math.Abs(v-math.Round(v)) >= 0.005 {
		dec = 2
	}
	s := strconv.FormatFloat(v, 'f', dec, 64)
	intPart, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, frac = s[:i], s[i:]
	}
	if len(intPart) > 3 && !strings.ContainsAny(intPart, "e+") {
		var b strings.Builder
		lead := len(intPart) % 3
		if lead > 0 {
			b.WriteString(intPart[:lead])
		}
		for i := lead; i < len(intPart); i += 3 {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(intPart[i : i+3])
		}
		intPart = b.String()
	}
	return intPart + frac
}
