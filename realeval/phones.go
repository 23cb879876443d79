package realeval

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/indicators"
)

// The phone corpora. The DIG phone ground truth is the one the goal figure
// is measured on; the ads-classifier files carry an upstream extraction
// that is itself noisy (training.csv), or none at all (testing.csv).
const (
	phoneTruthCorpus = "dig-phone-extractor/groundtruth.json"
	adsTrainCorpus   = "dig-ads-classifier/training.csv"
	adsTestCorpus    = "dig-ads-classifier/testing.csv"
)

func init() { register("phones", evalPhones) }

// evalPhones runs the full extractor on each ad as a listing with its URL,
// title and body and no country (the region is inferred, as for any
// listing that names none) and compares the phone contacts it reports
// with the truth.
func evalPhones(ctx context.Context, o *Options) ([]Score, error) {
	var out []Score
	for _, fn := range []func(context.Context, *Options) (Score, error){evalPhoneTruth, evalAdsTrain, evalAdsTest} {
		s, err := fn(ctx, o)
		if err != nil {
			return out, err
		}
		out = append(out, s)
	}
	return out, nil
}

// phoneTruthFile is the layout of groundtruth.json.
type phoneTruthFile struct {
	Lines []struct {
		URL   string   `json:"url"`
		Title string   `json:"title"`
		Body  string   `json:"body"`
		E164  []string `json:"int_ext_gt"`
	} `json:"jsonlines"`
}

// phonesOf returns the distinct phone contacts (E.164) of a listing, with
// the region the extractor used and why.
func phonesOf(x *indicators.Extractor, l *corpus.Listing) ([]string, string) {
	f := x.Extract(l)
	var out []string
	for _, c := range f.Out.Contacts {
		if c.Type == "phone" && !slices.Contains(out, c.Value) {
			out = append(out, c.Value)
		}
	}
	return out, regionNote(f)
}

// regionNote says which region the extractor used for the listing.
func regionNote(f *indicators.Features) string {
	if r := f.Out.Region; r != nil {
		return r.Code + " (" + r.Reason + ")"
	}
	if f.Country != "" {
		return f.Country
	}
	return "none"
}

// evalPhoneTruth: TP = truth numbers reported, FN = truth numbers missed,
// FP = numbers reported that the truth lacks; E.164 compared exactly.
func evalPhoneTruth(ctx context.Context, o *Options) (Score, error) {
	s := Score{Name: "phones", Corpus: phoneTruthCorpus}
	b, err := os.ReadFile(o.path(phoneTruthCorpus))
	if err != nil {
		return s, err
	}
	var gt phoneTruthFile
	if err := json.Unmarshal(b, &gt); err != nil {
		return s, fmt.Errorf("%s: %w", phoneTruthCorpus, err)
	}
	if len(gt.Lines) == 0 {
		return s, fmt.Errorf("%s: no ads under \"jsonlines\"", phoneTruthCorpus)
	}
	for i, ad := range gt.Lines {
		if err := ctx.Err(); err != nil {
			return s, err
		}
		s.Items++
		l := &corpus.Listing{ID: fmt.Sprint(i), URL: ad.URL, Title: ad.Title, Body: ad.Body}
		got, region := phonesOf(o.Extractor, l)
		tp, fn, fp := matchOnce(ad.E164, got, func(want, got string) bool { return want == got })
		s.TP += tp
		s.FN += len(fn)
		s.FP += len(fp)
		if len(fn)+len(fp) > 0 {
			o.missf("phones %s #%d region %s: missed %v, extra %v\n  url:   %s\n  title: %s\n  body:  %s",
				phoneTruthCorpus, i, region, fn, fp, ad.URL, ad.Title, ad.Body)
		}
	}
	return s, nil
}

// digitsOnly keeps the ASCII digits of s.
func digitsOnly(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// sameNumber reports whether the E.164 number e164 is the number want,
// written as digits with or without its country code or trunk zero.
func sameNumber(want, e164 string) bool {
	w := strings.TrimLeft(digitsOnly(want), "0")
	g := digitsOnly(e164)
	return len(w) >= 7 && strings.HasSuffix(g, w) && len(g)-len(w) <= 3
}

// upstreamPhone is the name of a phone in the ads classifier's `phone`
// column (a Python list of dicts written as text).
var upstreamPhone = regexp.MustCompile(`'name':\s*'([^']*)'`)

// readAdsCSV reads an ads-classifier CSV and calls fn for each row with the
// columns by header name.
func readAdsCSV(ctx context.Context, path string, fn func(row map[string]string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	head, err := r.Read()
	if err != nil {
		return fmt.Errorf("%s: header: %w", path, err)
	}
	row := make(map[string]string, len(head))
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		clear(row)
		for i, h := range head {
			if i < len(rec) {
				row[h] = rec[i]
			}
		}
		if err := fn(row); err != nil {
			return err
		}
	}
}

// adsListing is the listing of one ads-classifier row.
func adsListing(id string, row map[string]string) *corpus.Listing {
	return &corpus.Listing{ID: id, URL: strings.TrimSpace(row["url"]), Body: row["extracted_text"],
		Location: strings.TrimSpace(row["location"])}
}

// evalAdsTrain compares with the upstream `phone` column of training.csv,
// on the rows that have one: a number matches when its digits end with
// the upstream digits. The upstream extraction misses numbers and finds
// some that are not there, so this is a cross-check, not the goal figure.
func evalAdsTrain(ctx context.Context, o *Options) (Score, error) {
	s := Score{Name: "phones", Corpus: adsTrainCorpus}
	rows, found, foundAll := 0, 0, 0
	err := readAdsCSV(ctx, o.path(adsTrainCorpus), func(row map[string]string) error {
		rows++
		l := adsListing(fmt.Sprint(rows), row)
		got, region := phonesOf(o.Extractor, l)
		foundAll += len(got)
		var want []string
		for _, m := range upstreamPhone.FindAllStringSubmatch(row["phone"], -1) {
			if d := digitsOnly(m[1]); d != "" && !slices.Contains(want, d) {
				want = append(want, d)
			}
		}
		if len(want) == 0 {
			return nil
		}
		s.Items++
		found += len(got)
		tp, fn, fp := matchOnce(want, got, sameNumber)
		s.TP += tp
		s.FN += len(fn)
		s.FP += len(fp)
		if len(fn)+len(fp) > 0 {
			o.missf("phones %s row %d region %s: missed %v, extra %v\n  url:      %s\n  location: %s\n  text:     %s",
				adsTrainCorpus, rows, region, fn, fp, l.URL, l.Location, l.Body)
		}
		return nil
	})
	s.Note = fmt.Sprintf("upstream phone column (noisy) on the %d of %d rows that have one; %d phones found in all rows", s.Items, rows, foundAll)
	return s, err
}

// evalAdsTest has no phone column: it reports how many phones were found,
// for reading by hand with --misses (every number found is printed).
func evalAdsTest(ctx context.Context, o *Options) (Score, error) {
	s := Score{Name: "phones", Corpus: adsTestCorpus}
	withPhone, found := 0, 0
	err := readAdsCSV(ctx, o.path(adsTestCorpus), func(row map[string]string) error {
		s.Items++
		l := adsListing(fmt.Sprint(s.Items), row)
		got, region := phonesOf(o.Extractor, l)
		if len(got) > 0 {
			withPhone++
			found += len(got)
			o.missf("phones %s row %d region %s: found %v (no ground truth)", adsTestCorpus, s.Items, region, got)
		}
		return nil
	})
	s.Note = fmt.Sprintf("no ground truth column: %d phones found in %d ads", found, withPhone)
	return s, err
}
