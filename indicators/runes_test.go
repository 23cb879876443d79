package indicators

import (
	"testing"
	"unicode"
)

// TestRuneClassesAgreeWithUnicode checks the fast rune classes against the
// unicode package for every rune, the invalid ones included.
func TestRuneClassesAgreeWithUnicode(t *testing.T) {
	for r := rune(-1); r <= unicode.MaxRune+1; r++ {
		if got, want := isLetter(r), unicode.IsLetter(r); got != want {
			t.Fatalf("isLetter(%U) = %v, want %v", r, got, want)
		}
		if got, want := isUpper(r), unicode.IsUpper(r); got != want {
			t.Fatalf("isUpper(%U) = %v, want %v", r, got, want)
		}
		if got, want := isAlnum(r), unicode.IsLetter(r) || unicode.IsDigit(r); got != want {
			t.Fatalf("isAlnum(%U) = %v, want %v", r, got, want)
		}
		if got, want := toLower(r), unicode.ToLower(r); got != want {
			t.Fatalf("toLower(%U) = %U, want %U", r, got, want)
		}
		if unicode.IsLetter(r) {
			if got, want := cyrillicLetter(r), unicode.Is(unicode.Cyrillic, r); got != want {
				t.Fatalf("cyrillicLetter(%U) = %v, want %v", r, got, want)
			}
			if got, want := greekLetter(r), unicode.Is(unicode.Greek, r); got != want {
				t.Fatalf("greekLetter(%U) = %v, want %v", r, got, want)
			}
		}
	}
}
