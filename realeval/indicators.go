package realeval

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/scanner"
)

func init() { register("indicators", evalIndicators) }

// evalIndicators scans the ads-classifier corpus (1,188 real ads labelled
// upstream 2 massage/body-rub, 3 escort, 4 other incl. job ads) through
// the scanner with the rule pack, without linking, and reports
//   - kind detection: an ad labelled 2 or 3 should be read as an escort ad,
//     one labelled 4 should not (true/false positives and misses);
//   - for each indicator, how often it fires on the service ads and on the
//     other ads: service.* indicators on "other" ads and job.* indicators
//     on service ads are likely false alarms; there is no per-indicator
//     ground truth in the corpus, so these are rates, not precision.
func evalIndicators(ctx context.Context, o *Options) ([]Score, error) {
	if o.Pack == nil {
		return nil, fmt.Errorf("no rule pack")
	}
	type ad struct {
		service bool
		l       *corpus.Listing
	}
	var ads []ad
	for _, name := range []string{adsTrainCorpus, adsTestCorpus} {
		n := 0
		err := readAdsCSV(ctx, o.path(name), func(row map[string]string) error {
			n++
			label := row["label"]
			if label != "2" && label != "3" && label != "4" {
				return nil
			}
			ads = append(ads, ad{service: label != "4", l: adsListing(fmt.Sprintf("%s#%d", name, n), row)})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	s, err := scanner.New(scanner.Config{Extractor: o.Extractor, Pack: o.Pack, Workers: 1})
	if err != nil {
		return nil, err
	}
	in := func(yield func(corpus.Record) bool) {
		for _, a := range ads {
			if !yield(corpus.Record{Listing: a.l}) {
				return
			}
		}
	}
	var i int
	kind := Score{Name: "kind escort", Corpus: "dig-ads-classifier/*.csv", Note: "labels 2, 3 read as escort; 4 not"}
	fires := map[string][2]int{}
	var nService, nOther, medService, medOther int
	_, err = s.Scan(ctx, in, func(r *corpus.Result) error {
		a := ads[i]
		i++
		kind.Items++
		esc := r.Kind == corpus.KindEscort
		switch {
		case a.service && esc:
			kind.TP++
		case a.service:
			kind.FN++
			o.missf("kind: %s read as %s", a.l.ID, r.Kind)
		case esc:
			kind.FP++
			o.missf("kind: %s (other) read as escort", a.l.ID)
		}
		k := 1
		if a.service {
			k = 0
			nService++
		} else {
			nOther++
		}
		if r.Level != corpus.LevelLow {
			if a.service {
				medService++
			} else {
				medOther++
			}
		}
		for _, h := range r.Indicators {
			c := fires[h.ID]
			c[k]++
			fires[h.ID] = c
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := []Score{kind}
	pct := func(n, of int) float64 {
		if of == 0 {
			return 0
		}
		return 100 * float64(n) / float64(of)
	}
	out = append(out, Score{Name: "level medium+", Corpus: "dig-ads-classifier/*.csv", Items: nService + nOther,
		Note: fmt.Sprintf("service ads %.1f%% (%d/%d), other ads %.1f%% (%d/%d)", pct(medService, nService), medService, nService, pct(medOther, nOther), medOther, nOther)})
	var ids []string
	for id := range fires {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		c := fires[id]
		note := fmt.Sprintf("fires on %.1f%% of service ads, %.1f%% of other ads", pct(c[0], nService), pct(c[1], nOther))
		if strings.HasPrefix(id, "job.") && c[0] > 0 {
			note += " (job indicator on service ads)"
		}
		out = append(out, Score{Name: "rate " + id, Corpus: "dig-ads-classifier/*.csv", Items: nService + nOther, Note: note})
	}
	return out, nil
}
