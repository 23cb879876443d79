package indicators

import "unicode"

// The text passes classify every rune of every listing; unicode's table
// searches dominate for non-Latin scripts. These bitmaps answer for the
// alphabets of the supported languages (every rune below U+3000) with one
// load, and are computed from the unicode tables, so they agree with them.
const fastRunes = 0x3000

var letterBits, upperBits, alnumBits [fastRunes / 64]uint64

// lowerOf is unicode.ToLower for runes below fastRunes.
var lowerOf [fastRunes]uint16

func init() {
	for r := rune(0); r < fastRunes; r++ {
		bit := uint64(1) << (r & 63)
		if unicode.IsLetter(r) {
			letterBits[r>>6] |= bit
		}
		if unicode.IsUpper(r) {
			upperBits[r>>6] |= bit
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			alnumBits[r>>6] |= bit
		}
		lr := unicode.ToLower(r)
		if lr >= 1<<16 {
			panic("indicators: lower case out of range") // cannot happen with Unicode's tables
		}
		lowerOf[r] = uint16(lr)
	}
}

// isLetter is unicode.IsLetter.
func isLetter(r rune) bool {
	if uint32(r) < fastRunes {
		return letterBits[r>>6]&(1<<(r&63)) != 0
	}
	return unicode.IsLetter(r)
}

// isUpper is unicode.IsUpper.
func isUpper(r rune) bool {
	if uint32(r) < fastRunes {
		return upperBits[r>>6]&(1<<(r&63)) != 0
	}
	return unicode.IsUpper(r)
}

// isAlnum is unicode.IsLetter(r) || unicode.IsDigit(r).
func isAlnum(r rune) bool {
	if uint32(r) < fastRunes {
		return alnumBits[r>>6]&(1<<(r&63)) != 0
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// toLower is unicode.ToLower.
func toLower(r rune) rune {
	if uint32(r) < fastRunes {
		return rune(lowerOf[r])
	}
	return unicode.ToLower(r)
}
