// Package realeval measures the extractors and indicators on real, public
// ad corpora with their own ground truth (the DARPA Memex "DIG" releases
// kept outside the repository, see ../shared/corpora/README.md). The ads
// are sensitive: they are read from where they lie, never copied, and
// misses are printed only when asked for, on the terminal.
//
// Each corpus evaluation registers itself (phones.go, ages.go, ...) and
// is run by Run in name order; `redthread eval --corpora DIR` prints the
// scores.
package realeval

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/redthread/redthread/indicators"
	"github.com/redthread/redthread/rules"
)

// Score is one measurement: an extractor (or indicator) on one corpus.
type Score struct {
	Name   string `json:"name"`   // what was measured: "phones", "ages", ...
	Corpus string `json:"corpus"` // corpus file, relative to the corpora folder
	Items  int    `json:"items"`  // ads read
	TP     int    `json:"tp"`     // expected values found
	FP     int    `json:"fp"`     // values reported that the ground truth lacks
	FN     int    `json:"fn"`     // expected values missed
	Note   string `json:"note,omitempty"`
}

// Precision is TP/(TP+FP), 1 when nothing was reported.
func (s Score) Precision() float64 {
	if s.TP+s.FP == 0 {
		return 1
	}
	return float64(s.TP) / float64(s.TP+s.FP)
}

// Recall is TP/(TP+FN), 1 when nothing was expected.
func (s Score) Recall() float64 {
	if s.TP+s.FN == 0 {
		return 1
	}
	return float64(s.TP) / float64(s.TP+s.FN)
}

// Options configure a run.
type Options struct {
	Dir       string // the corpora folder (../shared/corpora)
	Extractor *indicators.Extractor
	Pack      *rules.Pack // for the indicator evaluations // the extractor under test
	Misses    io.Writer   // when set, every miss and false value is written here
	Only      []string    // evaluation names to run; all when empty
}

// missf writes one miss line when the caller asked for them.
func (o *Options) missf(format string, args ...any) {
	if o.Misses != nil {
		fmt.Fprintf(o.Misses, format+"\n", args...)
	}
}

// path joins a corpus file name to the corpora folder.
func (o *Options) path(name string) string { return filepath.Join(o.Dir, filepath.FromSlash(name)) }

// evalFunc measures one extractor on the corpora it knows.
type evalFunc func(ctx context.Context, o *Options) ([]Score, error)

var evals = map[string]evalFunc{}

// register adds an evaluation; called from init in each evaluation's file.
func register(name string, fn evalFunc) { evals[name] = fn }

// Names lists the registered evaluations in order.
func Names() []string {
	var ns []string
	for n := range evals {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}

// Run runs the registered evaluations (or o.Only) and returns their scores.
// A corpus file that is missing is an error naming it: a silent skip would
// report figures for less than was asked.
func Run(ctx context.Context, o Options) ([]Score, error) {
	if o.Extractor == nil {
		return nil, fmt.Errorf("realeval: no extractor")
	}
	if st, err := os.Stat(o.Dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("realeval: corpora folder %q not found (see ../shared/corpora/README.md)", o.Dir)
	}
	names := o.Only
	if len(names) == 0 {
		names = Names()
	}
	var out []Score
	for _, n := range names {
		fn, ok := evals[n]
		if !ok {
			return nil, fmt.Errorf("realeval: unknown evaluation %q (have %v)", n, Names())
		}
		if err := ctx.Err(); err != nil {
			return out, err
		}
		s, err := fn(ctx, &o)
		if err != nil {
			return out, fmt.Errorf("realeval %s: %w", n, err)
		}
		out = append(out, s...)
	}
	return out, nil
}

// readJSONL decodes each non-empty line of the JSON Lines corpus file name
// into a new T and calls fn with its line number.
func readJSONL[T any](ctx context.Context, o *Options, name string, fn func(line int, v *T) error) error {
	f, err := os.Open(o.path(name))
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<16), 16<<20)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		v := new(T)
		if err := json.Unmarshal(sc.Bytes(), v); err != nil {
			return fmt.Errorf("%s line %d: %w", name, line, err)
		}
		if err := fn(line, v); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// matchOnce matches found values against expected ones, each found value
// used once, and returns how many matched, the expected ones missed and
// the found ones left over.
func matchOnce[W any](want []W, got []string, match func(want W, got string) bool) (tp int, missed []W, extra []string) {
	used := make([]bool, len(got))
	for _, w := range want {
		found := false
		for j, g := range got {
			if !used[j] && match(w, g) {
				used[j], found = true, true
				break
			}
		}
		if found {
			tp++
		} else {
			missed = append(missed, w)
		}
	}
	for j, g := range got {
		if !used[j] {
			extra = append(extra, g)
		}
	}
	return tp, missed, extra
}
