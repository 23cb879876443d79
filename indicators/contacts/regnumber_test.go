package contacts

import "testing"

// Registration and reference numbers are not phone numbers, however many
// digits they have.
func TestRegistrationNumbersAreNotPhones(t *testing.T) {
	x, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{
		"Bean There Coffee Ltd, company registration 01234567",
		"Reg. 12345678, VAT 987654321",
		"PIB 109876543",
		"KRS 0000123456, NIP 5213456789",
	} {
		for _, c := range x.Extract(text, "GB") {
			if c.Type == Phone {
				t.Errorf("Extract(%q) found phone %s in %q", text, c.Value, c.Text)
			}
		}
	}
}

// A number after a label like "Номер:" or "Phone no." is still a phone.
func TestNumberLabelsStillPhones(t *testing.T) {
	x, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ text, region string }{
		{"Номер: 067 555 1234 тільки смс", "UA"},
		{"Phone no. 07700 900123", "GB"},
		{"Broj telefona 064 555 1234", "RS"},
	} {
		found := false
		for _, c := range x.Extract(tt.text, tt.region) {
			found = found || c.Type == Phone
		}
		if !found {
			t.Errorf("Extract(%q) found no phone", tt.text)
		}
	}
}
