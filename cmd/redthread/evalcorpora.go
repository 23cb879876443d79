package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/redthread/redthread/errs"
	"github.com/redthread/redthread/indicators"
	"github.com/redthread/redthread/realeval"
	"github.com/redthread/redthread/rules"
)

// runCorporaEval prints precision and recall of the extractors on the real
// public corpora (see realeval).
func runCorporaEval(ctx context.Context, e *env, x *indicators.Extractor, pack *rules.Pack, dir, only string, misses, asJSON bool) error {
	o := realeval.Options{Dir: dir, Extractor: x, Pack: pack}
	if only != "" {
		for _, n := range strings.Split(only, ",") {
			if n = strings.TrimSpace(n); n != "" {
				o.Only = append(o.Only, n)
			}
		}
	}
	if misses {
		o.Misses = e.stderr
	}
	scores, err := realeval.Run(ctx, o)
	if err != nil {
		return errs.E("eval corpora", errs.IO, err)
	}
	if asJSON {
		type row struct {
			realeval.Score
			Precision float64 `json:"precision"`
			Recall    float64 `json:"recall"`
		}
		rows := make([]row, len(scores))
		for i, s := range scores {
			rows[i] = row{s, round3(s.Precision()), round3(s.Recall())}
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "measure\tcorpus\tads\tTP\tFP\tFN\tprecision\trecall\tnote")
	for _, s := range scores {
		if s.TP+s.FP+s.FN == 0 { // a rate, not a match against truth
			fmt.Fprintf(tw, "%s\t%s\t%d\t-\t-\t-\t-\t-\t%s\n", s.Name, s.Corpus, s.Items, s.Note)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%.3f\t%.3f\t%s\n", s.Name, s.Corpus, s.Items, s.TP, s.FP, s.FN, s.Precision(), s.Recall(), s.Note)
	}
	return tw.Flush()
}

func round3(f float64) float64 { return float64(int64(f*1000+0.5)) / 1000 }
