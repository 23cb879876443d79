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
		"Bean There Coffee Ltd, Company no. 01234567",
		"Registration number 12345678, VAT 987654321",
		"Matični broj 21234567, PIB 109876543",
		"KRS 0000123456, NIP 5213456789",
	} {
		for _, c := range x.Extract(text, "GB") {
			if c.Type == Phone {
				t.Errorf("Extract(%q) found phone %s in %q", text, c.Value, c.Text)
			}
		}
	}
}
