package realeval

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/redthread/redthread/corpus"
)

// The stated-age corpora: ads as page text ("content") with the ages a
// person read in them ("correct"). Both files are JSON lines.
var ageCorpora = []string{"dig-age-extractor/age.json", "etk-ground-truth/age.jl"}

func init() { register("ages", evalAges) }

// siteAge is the age field a site prints with the ad ("Poster's age: 23");
// the second measure removes it too, so only ages written in the ad's own
// words count.
var siteAge = regexp.MustCompile(`(?i)poster['’]?s\s+age\s*:\s*\d+`)

// ageAd is one line of an age corpus.
type ageAd struct {
	Content string   `json:"content"`
	Correct []string `json:"correct"`
}

// titleAge is the poster's age a site appends to an ad's title ("Sweet
// girl - 22"); the title recurs in the page text, so every " - NN" (a dash
// between spaces, then a two-digit number standing alone) is removed
// before measuring: the figure is for ages the ad's own words state. It
// also removes a few " - NN" that are not ages (a "9am - 11 pm" hour, a
// "- 52 Ads" count), which changes nothing.
var titleAge = regexp.MustCompile(`(?:\s[-–—])+\s+\d{2}(?:[^\w:.,/\-]|$)`)

// stripTitleAges removes the appended title ages, keeping the character
// after the number (a space or a line break) so words do not run together.
func stripTitleAges(s string) (string, int) {
	n := 0
	out := titleAge.ReplaceAllStringFunc(s, func(m string) string {
		n++
		last := m[len(m)-1]
		if last >= '0' && last <= '9' { // the match ended at the end of the text
			return ""
		}
		// keep the character after the number (it may be multi-byte)
		i := len(m) - 1
		for i > 0 && m[i]&0xC0 == 0x80 {
			i--
		}
		return " " + m[i:]
	})
	return out, n
}

// statedIn reports whether the number v stands alone in text (no digit
// right before or after it): an age the truth lists that the text, title
// ages removed, no longer contains is not counted as stated.
func statedIn(text string, v int) bool {
	num := strconv.Itoa(v)
	for i := 0; ; {
		j := strings.Index(text[i:], num)
		if j < 0 {
			return false
		}
		j += i
		e := j + len(num)
		if (j == 0 || !isDigit(text[j-1])) && (e == len(text) || !isDigit(text[e])) {
			return true
		}
		i = j + 1
	}
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// evalAges runs the full extractor on each ad (body = the content, HTML
// entities decoded, title ages removed) and compares the distinct ages it
// reports with the truth: TP = truth ages stated in the text and found,
// FN = stated and not found, FP = ages reported that the truth lacks
// (so precision is 1 − the share of wrong ages). The note gives the share
// of ads whose text states an age in which at least one was found. Each
// corpus is measured twice: "ages" on the page text, "ages-adtext" with
// the site's "Poster's age: NN" field removed as well.
func evalAges(ctx context.Context, o *Options) ([]Score, error) {
	var out []Score
	for _, adText := range []bool{false, true} {
		for _, name := range ageCorpora {
			s, err := evalAgeCorpus(ctx, o, name, adText)
			if err != nil {
				return out, err
			}
			out = append(out, s)
		}
	}
	return out, nil
}

func evalAgeCorpus(ctx context.Context, o *Options, name string, adText bool) (Score, error) {
	s := Score{Name: "ages", Corpus: name}
	if adText {
		s.Name = "ages-adtext"
	}
	adsStated, adsFound, stripped := 0, 0, 0
	err := readJSONL(ctx, o, name, func(_ int, ad *ageAd) error {
		s.Items++
		text, n := stripTitleAges(html.UnescapeString(ad.Content))
		stripped += n
		if adText {
			text = siteAge.ReplaceAllString(text, "")
		}
		truth := map[int]bool{}
		for _, v := range ad.Correct {
			if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
				truth[n] = true
			}
		}
		id := fmt.Sprintf("%s#%d", name, s.Items)
		feat := o.Extractor.Extract(&corpus.Listing{ID: id, Body: text})
		got := map[int]bool{}
		for _, v := range feat.Out.Ages {
			got[v] = true
		}
		var missed, wrong []int
		stated, found := 0, 0
		for v := range truth {
			if !statedIn(text, v) {
				continue
			}
			stated++
			if got[v] {
				found++
			} else {
				missed = append(missed, v)
			}
		}
		for v := range got {
			if !truth[v] {
				wrong = append(wrong, v)
			}
		}
		s.TP += found
		s.FN += len(missed)
		s.FP += len(wrong)
		if stated > 0 {
			adsStated++
			if found > 0 {
				adsFound++
			}
		}
		if o.Misses == nil || len(missed)+len(wrong) == 0 {
			return nil
		}
		slices.Sort(missed)
		slices.Sort(wrong)
		for _, v := range missed {
			o.missf("%s %s: missed %d%s", s.Name, id, v, contexts(text, strconv.Itoa(v), 3))
		}
		for _, v := range wrong {
			var ev []string
			for _, sp := range feat.Spans["ages"] {
				if strings.Contains(sp.Text, strconv.Itoa(v)) {
					ev = append(ev, fmt.Sprintf("%q", around(text, sp.Start, sp.End)))
				}
			}
			o.missf("%s %s: wrong %d from %s", s.Name, id, v, strings.Join(ev, ", "))
		}
		return nil
	})
	if err != nil {
		return s, err
	}
	ratio := 1.0
	if adsStated > 0 {
		ratio = float64(adsFound) / float64(adsStated)
	}
	s.Note = fmt.Sprintf("ads found %d/%d = %.3f; wrong %.1f%%; %d title ages removed", adsFound, adsStated, ratio, 100*(1-s.Precision()), stripped)
	return s, nil
}

// contexts shows up to max places where num stands alone in text.
func contexts(text, num string, max int) string {
	var b strings.Builder
	for i, k := 0, 0; k < max; {
		j := strings.Index(text[i:], num)
		if j < 0 {
			break
		}
		j += i
		e := j + len(num)
		i = j + 1
		if (j > 0 && isDigit(text[j-1])) || (e < len(text) && isDigit(text[e])) {
			continue
		}
		fmt.Fprintf(&b, " %q", around(text, j, e))
		k++
	}
	return b.String()
}

// around returns text[start:end] with up to 40 bytes either side, cut at
// rune boundaries, white space collapsed.
func around(text string, start, end int) string {
	a, z := max(0, start-40), min(len(text), end+40)
	for a > 0 && text[a]&0xC0 == 0x80 {
		a--
	}
	for z < len(text) && text[z]&0xC0 == 0x80 {
		z++
	}
	return strings.Join(strings.Fields(text[a:z]), " ")
}
