package pay

import "testing"

func TestNetQualifier(t *testing.T) {
	p, err := NewParser()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text string
		net  bool
	}{
		{"Lohn 3.200 € netto im Monat", true},
		{"Pay: 3.200 €/Monat netto", true},
		{"зарплата 50 000 руб на руки", true},
		{"Plata 900 eura neto mesečno", true},
		{"Salary 2500 euro net. Accommodation provided.", true},
		{"Salary 2.500 EUR brutto per month", false},
		{"Salary €2,500 per month", false},
	}
	for _, tt := range tests {
		ms := p.Parse(tt.text)
		if len(ms) != 1 {
			t.Errorf("Parse(%q) = %d mentions, want 1", tt.text, len(ms))
			continue
		}
		if ms[0].Net != tt.net {
			t.Errorf("Parse(%q).Net = %v, want %v", tt.text, ms[0].Net, tt.net)
		}
	}
}
