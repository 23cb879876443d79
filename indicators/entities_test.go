package indicators

import (
	"fmt"
	"testing"
)

func TestAges(t *testing.T) {
	c, err := LoadEntityCues()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text  string
		title bool
		want  string
	}{
		{"Sweet Mila 19yo new in town", false, "[19@11:15]"},
		{"age 19, blonde", false, "[19@0:6]"},
		{"ragazza 19 anni", false, "[19@8:15]"},
		{"κορίτσι 19 ετών", false, "[19@15:26]"},
		{"devojka 18 godina", false, "[18@8:17]"},
		{"I'm 22 and fun", false, "[22@0:6]"},
		{"Alina - 19", true, "[19@8:10]"},
		{"Alina - 19", false, "[]"},
		{"Sweet Asian Girl 🌸 22", true, "[22@22:24]"},
		{"NEW IN TOWN!! 21", true, "[21@14:16]"},
		{"Hostess job Dubai 24", true, "[]"},
		{"Price: 50", true, "[]"},
		{"Мне 20 лет", false, "[20@7:16]"},
		{"Em 20 tuổi", false, "[20@3:12]"},
		{"a 19-year-old student", false, "[19@2:13]"},
		{"call 0641234567 or 15 min from centre", false, "[]"},
		{"price 100 per 30 minutes, 24/7", false, "[]"},
		{"2019 years of service", false, "[]"},
		{"work 8 hours, 45 years experience required", false, "[]"},
	}
	for _, tt := range tests {
		var got []string
		for _, a := range c.Ages(tt.text, tt.title) {
			got = append(got, fmt.Sprintf("%d@%d:%d", a.Value, a.Start, a.End))
		}
		if s := fmt.Sprint(got); s != tt.want && !(len(got) == 0 && tt.want == "[]") {
			t.Errorf("Ages(%q) = %v, want %s", tt.text, got, tt.want)
		}
	}
}

func FuzzEntities(f *testing.F) {
	c, _ := LoadEntityCues()
	f.Add("age 19 my name is Mila - 21", true)
	f.Fuzz(func(t *testing.T, s string, title bool) {
		for _, a := range c.Ages(s, title) {
			if a.Start < 0 || a.End > len(s) || a.Start >= a.End {
				t.Fatalf("bad age span %+v", a)
			}
		}
	})
}
