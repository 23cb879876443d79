package pay

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

var (
	//go:embed data/rates.csv
	defaultRates []byte
	//go:embed data/wages.csv
	defaultWages []byte
	//go:embed data/countries.csv
	defaultCountries []byte
	//go:embed data/periods.csv
	defaultPeriods []byte
)

// Wage is a reference wage for a country (or region) and sector, in euro per month, gross.
type Wage struct {
	Country, Sector string
	MinimumEUR      float64 // statutory monthly minimum wage (or lowest collective level)
	TypicalEUR      float64 // typical monthly pay in the sector
	Source          string  // where the figures come from, "estimate" when they are estimates
	Year            int     // year the figures refer to
}

// Rate is the value in euro of one unit of a currency, as of a date.
type Rate struct {
	Currency   string  // ISO 4217 code
	EURPerUnit float64 // euro per one unit of the currency
	Date       string  // date the rate refers to
	Source     string  // where the rate comes from
}

// Country is the currency and wage-table region of a country.
type Country struct {
	Code     string // ISO 3166-1 alpha-2
	Currency string // ISO 4217 code assumed when an ad names no currency
	Region   string // wage-table fallback row (EU, BALKANS, EAST, ...)
	Name     string // English name
	// LargeUnstated is the period ("year" or "month") an amount with no stated period is read
	// in when it is far above a monthly wage: "year" where ads quote annual salaries.
	LargeUnstated string
}

// Tables holds exchange rates, period factors, country currencies and reference wages.
// A Tables is read-only after loading and safe for concurrent use.
type Tables struct {
	rates     map[string]Rate
	perMonth  map[string]float64
	countries map[string]Country
	wages     map[[2]string]Wage
}

// sectors is the set of sector names the wage table uses, in a stable order.
var sectors = []string{"general", "agriculture", "construction", "domestic", "care", "hospitality", "manufacturing", "cleaning", "transport", "modelling", "warehouse"}

// Sectors returns the sector names the wage table uses.
func Sectors() []string {
	return append([]string(nil), sectors...)
}

func validSector(s string) bool {
	for _, x := range sectors {
		if x == s {
			return true
		}
	}
	return false
}

// DefaultTables returns the tables embedded from data/rates.csv, data/wages.csv,
// data/countries.csv and data/periods.csv.
func DefaultTables() (*Tables, error) {
	return LoadTablesWith(nil, nil, nil, nil)
}

// LoadTables returns tables with user rates and wages in the layout of data/rates.csv and
// data/wages.csv; a nil reader keeps the embedded default. Rows of a user file replace the
// whole default file (they do not merge).
func LoadTables(rates, wages io.Reader) (*Tables, error) {
	return LoadTablesWith(rates, wages, nil, nil)
}

// LoadTablesWith is LoadTables that can also replace data/countries.csv and data/periods.csv.
func LoadTablesWith(rates, wages, countries, periods io.Reader) (*Tables, error) {
	or := func(r io.Reader, def []byte) io.Reader {
		if r == nil {
			return bytes.NewReader(def)
		}
		return r
	}
	t := &Tables{rates: map[string]Rate{}, perMonth: map[string]float64{}, countries: map[string]Country{}, wages: map[[2]string]Wage{}}
	if err := t.loadRates(or(rates, defaultRates)); err != nil {
		return nil, err
	}
	if err := t.loadPeriods(or(periods, defaultPeriods)); err != nil {
		return nil, err
	}
	if err := t.loadCountries(or(countries, defaultCountries)); err != nil {
		return nil, err
	}
	if err := t.loadWages(or(wages, defaultWages)); err != nil {
		return nil, err
	}
	return t, nil
}

// readCSV reads a CSV file with '#' comments and a header naming exactly want, and calls row
// for each record with its line number.
func readCSV(name string, r io.Reader, want []string, row func(line int, rec []string) error) error {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = len(want)
	cr.TrimLeadingSpace = true
	header := true
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("load %s: %w", name, err) // csv.ParseError carries the line
		}
		line, _ := cr.FieldPos(0)
		if header {
			header = false
			for i, w := range want {
				if strings.TrimSpace(strings.ToLower(rec[i])) != w {
					return fmt.Errorf("load %s line %d: header column %d is %q, want %q", name, line, i+1, rec[i], w)
				}
			}
			continue
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		if err := row(line, rec); err != nil {
			return fmt.Errorf("load %s line %d: %w", name, line, err)
		}
	}
	if header {
		return fmt.Errorf("load %s: no header", name)
	}
	return nil
}

func parsePositive(s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, err
	}
	if !(v > 0) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("value %q must be a positive number", s)
	}
	return v, nil
}

func (t *Tables) loadRates(r io.Reader) error {
	return readCSV("rates", r, []string{"currency", "eur_per_unit", "date", "source"}, func(_ int, rec []string) error {
		code := strings.ToUpper(rec[0])
		if len(code) != 3 {
			return fmt.Errorf("currency %q is not an ISO 4217 code", rec[0])
		}
		v, err := parsePositive(rec[1])
		if err != nil {
			return fmt.Errorf("eur_per_unit: %w", err)
		}
		if rec[3] == "" {
			return fmt.Errorf("currency %s has no source", code)
		}
		t.rates[code] = Rate{Currency: code, EURPerUnit: v, Date: rec[2], Source: rec[3]}
		return nil
	})
}

func (t *Tables) loadPeriods(r io.Reader) error {
	err := readCSV("periods", r, []string{"period", "per_month", "source"}, func(_ int, rec []string) error {
		if !validPeriod(rec[0]) {
			return fmt.Errorf("unknown period %q (want one of %v)", rec[0], periodNames)
		}
		v, err := parsePositive(rec[1])
		if err != nil {
			return fmt.Errorf("per_month: %w", err)
		}
		t.perMonth[rec[0]] = v
		return nil
	})
	if err != nil {
		return err
	}
	for _, p := range periodNames {
		if _, ok := t.perMonth[p]; !ok {
			return fmt.Errorf("load periods: period %q missing", p)
		}
	}
	return nil
}

func (t *Tables) loadCountries(r io.Reader) error {
	return readCSV("countries", r, []string{"country", "currency", "region", "name", "large_unstated"}, func(_ int, rec []string) error {
		code := strings.ToUpper(rec[0])
		cur := strings.ToUpper(rec[1])
		if code == "" || len(cur) != 3 {
			return fmt.Errorf("bad country %q or currency %q", rec[0], rec[1])
		}
		large := strings.ToLower(rec[4])
		if large != "year" && large != "month" {
			return fmt.Errorf("large_unstated %q: want year or month", rec[4])
		}
		t.countries[code] = Country{Code: code, Currency: cur, Region: strings.ToUpper(rec[2]), Name: rec[3], LargeUnstated: large}
		return nil
	})
}

func (t *Tables) loadWages(r io.Reader) error {
	return readCSV("wages", r, []string{"country", "sector", "minimum_eur", "typical_eur", "source", "year"}, func(_ int, rec []string) error {
		code := strings.ToUpper(rec[0])
		sector := strings.ToLower(rec[1])
		if code == "" {
			return fmt.Errorf("empty country")
		}
		if !validSector(sector) {
			return fmt.Errorf("unknown sector %q (want one of %v)", rec[1], sectors)
		}
		mn, err := parsePositive(rec[2])
		if err != nil {
			return fmt.Errorf("minimum_eur: %w", err)
		}
		typ, err := parsePositive(rec[3])
		if err != nil {
			return fmt.Errorf("typical_eur: %w", err)
		}
		if rec[4] == "" {
			return fmt.Errorf("%s/%s has no source", code, sector)
		}
		year, err := strconv.Atoi(rec[5])
		if err != nil || year < 1990 || year > 2100 {
			return fmt.Errorf("bad year %q", rec[5])
		}
		t.wages[[2]string{code, sector}] = Wage{Country: code, Sector: sector, MinimumEUR: mn, TypicalEUR: typ, Source: rec[4], Year: year}
		return nil
	})
}

// Rate returns the exchange rate of an ISO 4217 currency.
func (t *Tables) Rate(currency string) (Rate, bool) {
	r, ok := t.rates[strings.ToUpper(currency)]
	return r, ok
}

// Country returns the currency and region of an ISO 3166-1 alpha-2 country.
func (t *Tables) Country(code string) (Country, bool) {
	c, ok := t.countries[strings.ToUpper(code)]
	return c, ok
}

// PerMonth returns how many of period make one month (hour: 173.33, ...), from data/periods.csv.
func (t *Tables) PerMonth(period string) (float64, bool) {
	v, ok := t.perMonth[period]
	return v, ok
}

// Wage returns the reference wage for a country (ISO 3166-1 alpha-2) and sector. When the
// country has no row for the sector it falls back to the country's "general" row, then to the
// country's region (data/countries.csv) for the sector, then to the region's "general" row.
// Wage's Country and Sector tell which row answered.
func (t *Tables) Wage(country, sector string) (Wage, bool) {
	country = strings.ToUpper(strings.TrimSpace(country))
	sector = strings.ToLower(strings.TrimSpace(sector))
	if sector == "" {
		sector = "general"
	}
	keys := []string{country}
	if c, ok := t.countries[country]; ok && c.Region != "" {
		keys = append(keys, c.Region)
	}
	for _, k := range keys {
		if w, ok := t.wages[[2]string{k, sector}]; ok {
			return w, true
		}
		if w, ok := t.wages[[2]string{k, "general"}]; ok {
			return w, true
		}
	}
	return Wage{}, false
}

// Period-inference bounds for amounts with no stated period, relative to the country's
// general wage. In a country whose ads quote annual salaries (Country.LargeUnstated "year"), a
// figure is read as yearly when its twelfth is a plausible monthly wage (at most maxYearlyRatio
// times the typical one) and it is either at least yearlyRatio times the typical monthly wage
// with a twelfth of at least minimumRatio of the monthly minimum, or at least
// yearlyRatioLow times the typical monthly wage with a twelfth of at least the minimum wage
// ("$40,000" in the US). A figure below minimumRatio of the monthly minimum is too small to be
// a monthly wage (probably hourly or daily) and is not converted.
const (
	yearlyRatio    = 8
	yearlyRatioLow = 4
	maxYearlyRatio = 3
	minimumRatio   = 0.25
)

// MonthlyEUR converts a mention's lower bound (Amount) to euro per month. A mention with no
// currency is read in the country's currency (data/countries.csv). A mention with no period is
// read as monthly, except that in countries whose ads quote annual salaries (large_unstated in
// data/countries.csv) an amount far above the typical monthly wage whose twelfth is plausible
// is read as yearly, and that an amount too small to be a monthly wage is not converted
// (ok == false). Stated periods use the factors in data/periods.csv, with the working time
// the mention states (Mention.Work) in place of a full-time week. ok is false when the
// currency or country is unknown. See Convert.
func (t *Tables) MonthlyEUR(m Mention, country string) (eur float64, ok bool) {
	c, ok := t.Convert(m, country, country)
	return c.MonthlyEUR, ok
}

// MonthlyEURRange converts both bounds of a mention to euro per month, like MonthlyEUR.
func (t *Tables) MonthlyEURRange(m Mention, country string) (lo, hi float64, ok bool) {
	c, ok := t.Convert(m, country, country)
	return c.MonthlyEUR, c.MonthlyEURMax, ok
}

// Assessment compares a pay mention with the reference wage for its country and sector.
type Assessment struct {
	MonthlyEUR float64 // the mention's pay per month in euro (lower bound; the bound itself for "up to")
	Wage       Wage    // the reference row used (see Tables.Wage for the fallbacks)
	Ratio      float64 // MonthlyEUR / Wage.TypicalEUR: 2 means twice the typical pay
}

// Assess converts m to euro per month and compares it with the typical wage for the country
// and sector. ok is false when the mention cannot be converted or no wage row applies.
func (t *Tables) Assess(m Mention, country, sector string) (Assessment, bool) {
	eur, ok := t.MonthlyEUR(m, country)
	if !ok {
		return Assessment{}, false
	}
	w, ok := t.Wage(country, sector)
	if !ok || !(w.TypicalEUR > 0) {
		return Assessment{}, false
	}
	return Assessment{MonthlyEUR: eur, Wage: w, Ratio: eur / w.TypicalEUR}, true
}

// CountryOfCurrency returns the one country in the table that uses
// currency, so pay quoted in a destination country's currency (pounds in an
// Albanian ad for work in London) can be judged against that country's
// wages. Currencies shared by several countries (the euro) return false.
func (t *Tables) CountryOfCurrency(currency string) (string, bool) {
	found := ""
	for code, c := range t.countries {
		if c.Currency != currency || len(code) != 2 {
			continue
		}
		if found != "" {
			return "", false
		}
		found = code
	}
	return found, found != ""
}
