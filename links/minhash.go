package links

import (
	"slices"
	"unicode"
	"unicode/utf8"
)

// Template detection hashes each body into a MinHash signature over word
// shingles: the body is lower-cased, digits are all read as 0 and
// contacts, names and ages (byte ranges given by the caller) become one
// placeholder word each, so the same template with another phone number, name or age is
// still the same text.

// maskWord stands for a masked span.
const maskWord = 0x9e3779b97f4a7c15

// byteRange is a half-open byte range of the body.
type byteRange struct{ start, end int }

// wordHashes returns one 64-bit hash per word of text in order: a word is
// a run of letters and digits, lower-cased, with every digit hashed as 0
// (so "24h" and "12h" agree, and numbers do not tell copies apart), and
// each masked range (sorted by start) is one placeholder word.
func wordHashes(text string, masks []byteRange, buf []uint64) []uint64 {
	return wordHashesAt(text, masks, buf, nil)
}

// wordHashesAt is wordHashes that also appends each word's byte range to
// *at (when at is not nil).
func wordHashesAt(text string, masks []byteRange, buf []uint64, at *[]byteRange) []uint64 {
	out := buf[:0]
	ws := -1 // start of the current word
	const (
		offset = 14695981039346656037
		prime  = 1099511628211
	)
	h := uint64(offset)
	in := false
	mi := 0
	for i := 0; i < len(text); {
		for mi < len(masks) && masks[mi].end <= i {
			mi++
		}
		if mi < len(masks) && masks[mi].start <= i {
			if in {
				out = append(out, h)
				in, h = false, offset
				if at != nil {
					*at = append(*at, byteRange{ws, i})
				}
			}
			out = append(out, maskWord)
			if at != nil {
				*at = append(*at, byteRange{max(i, masks[mi].start), masks[mi].end})
			}
			i = masks[mi].end
			mi++
			continue
		}
		if c := text[i]; c < utf8.RuneSelf {
			// ASCII, most of most texts: the same as below without
			// decoding or the unicode tables.
			switch {
			case '0' <= c && c <= '9':
				c = '0'
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			case 'a' <= c && c <= 'z':
			default:
				if in {
					out = append(out, h)
					in, h = false, offset
					if at != nil {
						*at = append(*at, byteRange{ws, i})
					}
				}
				i++
				continue
			}
			if !in {
				ws = i
			}
			in = true
			h ^= uint64(c)
			h *= prime
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		i += n
		switch {
		case unicode.IsDigit(r):
			r = '0'
		case unicode.IsLetter(r) || unicode.Is(unicode.Mn, r):
			r = unicode.ToLower(r)
		default:
			if in {
				out = append(out, h)
				in, h = false, offset
				if at != nil {
					*at = append(*at, byteRange{ws, i - n})
				}
			}
			continue
		}
		if !in {
			ws = i - n
		}
		in = true
		for k := 0; k < 4 && r > 0; k++ { // hash the rune's bytes, little-endian
			h ^= uint64(r & 0xff)
			h *= prime
			r >>= 8
		}
	}
	if in {
		out = append(out, h)
		if at != nil {
			*at = append(*at, byteRange{ws, len(text)})
		}
	}
	return out
}

// shingleHash is the hash of one shingle (words of it in order), as
// shingles computes it.
func shingleHash(words []uint64) uint64 {
	var s uint64
	for _, w := range words {
		s = mix64(s*0x100000001b3 ^ w)
	}
	return s
}

// mix64 is the splitmix64 finaliser.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// shingles returns the sorted, distinct hashes of every run of k words.
func shingles(words []uint64, k int, buf []uint64) []uint64 {
	out := buf[:0]
	for i := 0; i+k <= len(words); i++ {
		out = append(out, shingleHash(words[i:i+k]))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// minhashSeeds are the per-position seeds of the MinHash functions.
var minhashSeeds = func() [maxMinHashes]uint64 {
	var s [maxMinHashes]uint64
	x := uint64(0x5eed)
	for i := range s {
		x += 0x9e3779b97f4a7c15
		s[i] = mix64(x)
	}
	return s
}()

// signature computes the n-value MinHash signature of a shingle set.
func signature(sh []uint64, n int) []uint32 {
	sig, _ := signatureArgmin(sh, n, false)
	return sig
}

// signatureArgmin is signature that also returns, when argmin is set, the
// shingle giving each position's minimum (what matchedRange looks for).
func signatureArgmin(sh []uint64, n int, argmin bool) ([]uint32, []uint64) {
	sig := make([]uint32, n)
	var arg []uint64
	if argmin {
		arg = make([]uint64, n)
	}
	for i := range sig {
		seed := minhashSeeds[i]
		m, a := ^uint32(0), uint64(0)
		for _, s := range sh {
			if v := uint32(mix64(s^seed) >> 32); v < m {
				m, a = v, s
			}
		}
		sig[i] = m
		if argmin {
			arg[i] = a
		}
	}
	return sig, arg
}

// estimateJaccard is the share of equal positions of two signatures.
func estimateJaccard(a, b []uint32) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 0
	}
	eq := 0
	for i := range a {
		if a[i] == b[i] {
			eq++
		}
	}
	return float64(eq) / float64(len(a))
}

// estimateJaccard16 is estimateJaccard of a full signature against one
// kept as the low 16 bits of each value (b-bit MinHash; a chance equality
// adds 1/65,536 per value to the estimate).
func estimateJaccard16(a []uint32, b []uint16) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 0
	}
	eq := 0
	for i := range a {
		if uint16(a[i]) == b[i] {
			eq++
		}
	}
	return float64(eq) / float64(len(a))
}

// bandKey hashes band b (rows values) of a signature, tagged with b. It
// hashes the low 16 bits of each value, so the key of a listing's band can
// be computed again from the 16-bit signature the registry keeps (two
// signatures agreeing on 3 x 16 bits and not on 3 x 32 is a 2^-48 chance).
func bandKey[V uint16 | uint32](sig []V, b, rows int) uint64 {
	h := mix64(uint64(b) + 0x7f4a7c15)
	for _, v := range sig[b*rows : (b+1)*rows] {
		h = mix64(h ^ uint64(uint16(v)))
	}
	return h
}

// exactJaccard is the Jaccard similarity of two sorted, distinct sets.
func exactJaccard(a, b []uint64) float64 {
	if len(a)+len(b) == 0 {
		return 0
	}
	inter := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}
