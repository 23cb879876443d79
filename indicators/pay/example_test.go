package pay_test

import (
	"fmt"

	"github.com/redthread/redthread/indicators/pay"
)

func ExampleParser_Parse() {
	p, err := pay.NewParser()
	if err != nil {
		panic(err)
	}
	for _, m := range p.Parse("Posao u Austriji, 3000 eura mesečno bez iskustva. Tel 064 123 4567, 24/7.") {
		fmt.Printf("%q %g %s %s\n", m.Text, m.Amount, m.Currency, m.Period)
	}
	// Output:
	// "3000 eura mesečno" 3000 EUR month
}

func ExampleTables_Assess() {
	p, _ := pay.NewParser()
	t, err := pay.DefaultTables()
	if err != nil {
		panic(err)
	}
	m := p.Parse("Seasonal work: €3,000/month for fruit picking")[0]
	a, ok := t.Assess(m, "ES", "agriculture")
	fmt.Printf("%v %.0f EUR/month, typical %.0f, ratio %.1f\n", ok, a.MonthlyEUR, a.Wage.TypicalEUR, a.Ratio)
	// Output:
	// true 3000 EUR/month, typical 1410, ratio 2.1
}

func ExampleTables_MonthlyEUR() {
	p, _ := pay.NewParser()
	t, _ := pay.DefaultTables()
	m := p.Parse("Plaćanje 1.200 din po satu")[0]
	eur, ok := t.MonthlyEUR(m, "RS")
	fmt.Printf("%s %s/%s → %.0f EUR/month %v\n", m.Text, m.Currency, m.Period, eur, ok)
	// Output:
	// 1.200 din po satu RSD/hour → 1775 EUR/month true
}
