package realeval

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/redthread/redthread/corpus"
)

const (
	deobfHyp = "dig-deobfuscation/hyp.txt"
	deobfRef = "dig-deobfuscation/fixed-ref.txt"
)

func init() { register("deobfuscation", evalDeobf) }

// refNumber is a phone number as the hand normalisation writes it: digits
// joined by single spaces or dashes ("NNN NNN-NNNN"), or one digit run.
var refNumber = regexp.MustCompile(`\d(?:[ -]?\d)*`)

// refPhones returns the phone numbers of a normalised line: the digit runs
// of 10 or 11 digits (prices, heights and hours are shorter).
func refPhones(line string) []string {
	var out []string
	for _, m := range refNumber.FindAllString(line, -1) {
		if d := digitsOnly(m); len(d) >= 10 && len(d) <= 11 && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}

// readLines reads a text file's lines.
func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<16), 16<<20)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out, sc.Err()
}

// evalDeobf runs the full extractor on each raw line (as a listing body)
// and compares the phone numbers recovered with those of the hand
// normalisation of the same line. The lines come from North American ads
// without URL or location, so the listing is given country US: this
// measures the recovery of disguised digits, not region inference.
func evalDeobf(ctx context.Context, o *Options) ([]Score, error) {
	s := Score{Name: "deobfuscation", Corpus: deobfHyp}
	hyp, err := readLines(o.path(deobfHyp))
	if err != nil {
		return nil, err
	}
	ref, err := readLines(o.path(deobfRef))
	if err != nil {
		return nil, err
	}
	if len(hyp) != len(ref) {
		return nil, fmt.Errorf("%s has %d lines, %s %d: not aligned", deobfHyp, len(hyp), deobfRef, len(ref))
	}
	obf := 0
	for i := range hyp {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		s.Items++
		want := refPhones(ref[i])
		l := &corpus.Listing{ID: fmt.Sprint(i + 1), Body: hyp[i], Country: "US"}
		f := o.Extractor.Extract(l)
		var got []string
		for _, c := range f.Out.Contacts {
			if c.Type == "phone" && !slices.Contains(got, c.Value) {
				got = append(got, c.Value)
			}
		}
		obf += f.Contacts.Obfuscated
		tp, fn, fp := matchOnce(want, got, sameNumber)
		s.TP += tp
		s.FN += len(fn)
		s.FP += len(fp)
		if len(fn)+len(fp) > 0 {
			o.missf("deobfuscation line %d: missed %v, extra %v\n  raw: %s\n  ref: %s", i+1, fn, fp,
				strings.TrimSpace(hyp[i]), strings.TrimSpace(ref[i]))
		}
	}
	s.Note = fmt.Sprintf("country US given; %d contacts recovered from disguised forms", obf)
	return []Score{s}, nil
}
