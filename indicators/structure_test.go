package indicators

import "testing"

func TestCountMasked(t *testing.T) {
	d, err := loadListingData()
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]int{
		"write to [email protected] or #EMAIL_12#": 2,
		"call XXX-XXX-1234 (hidden)":               2,
		"no mask here (really) [ok] #1":            0,
		"":                                         0,
	} {
		if got := d.countMasked(in); got != want {
			t.Errorf("countMasked(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestListItem(t *testing.T) {
	for in, want := range map[string]bool{
		"- packing orders": true, "• loading": true, "1. enter data": true, "2) address": true, "a) name": true,
		"-5 degrees": false, "Hello": false, "2026 was good": false,
	} {
		if got := listItem(in); got != want {
			t.Errorf("listItem(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestScalarFields(t *testing.T) {
	for raw, want := range map[string]any{`"yes"`: "yes", ` true `: true, `false`: false, `12.5`: 12.5, `-3`: -3.0, `null`: nil} {
		got, ok := scalar([]byte(raw))
		if !ok || got != want {
			t.Errorf("scalar(%s) = %v, %v; want %v", raw, got, ok, want)
		}
	}
	for _, raw := range []string{`{"a":1}`, `[1,2]`, `"unterminated`, ``, `12x`} {
		if _, ok := scalar([]byte(raw)); ok {
			t.Errorf("scalar(%s): want no value", raw)
		}
	}
}
