package contacts

import "testing"

// A sentence's full stop after an e-mail is not a disguised dot.
func TestEmailBeforeFullStop(t *testing.T) {
	x, err := New()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ text, want string }{
		{"Write to ab@gmail.com. Then wait for our call.", "ab@gmail.com"},
		{"mila at gmail dot com. Thanks", "mila@gmail.com"},
		{"CV: jobs@firm.example. We reply in 2 days.", "jobs@firm.example"},
		// The next sentence starts with a word that is also a TLD.
		{"Send your CV to jobs.cleaning@gmail.com. To apply you need a permit.", "jobs.cleaning@gmail.com"},
		{"Mail ana@firm.rs. It is free.", "ana@firm.rs"},
		{"Mail ana@firm.rs. Me too.", "ana@firm.rs"},
	}
	for _, tt := range tests {
		cs := x.Extract(tt.text, "")
		if len(cs) != 1 || cs[0].Value != tt.want || tt.text[cs[0].Start:cs[0].End] != cs[0].Text {
			t.Errorf("Extract(%q) = %+v, want one e-mail %s", tt.text, cs, tt.want)
		}
	}
}
