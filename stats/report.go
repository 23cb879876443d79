package stats

import (
	"fmt"
	"github.com/redthread/redthread/corpus"
	"slices"
	"strings"
	"time"
)

// Value is one published count. A suppressed value is written empty (CSV),
// null (JSON, Parquet) or "suppressed" (HTML); N must not be published then.
type Value struct {
	N          int64
	Suppressed bool
}

// Row is one line of a table: its dimension values, then its measures.
type Row struct {
	Dims   []string
	Values []Value
}

// Table is one aggregate: rows of counts keyed by dimension values.
type Table struct {
	// Name identifies the table in every format ("cube", "indicator").
	Name string
	// Title describes it for people.
	Title string
	// Dims and Measures name the columns.
	Dims     []string
	Measures []string
	Rows     []Row
}

// Input is one input file and the SHA-256 of its bytes.
type Input = corpus.InputFile

// Meta is what a reader needs to trust and reproduce an output. Every
// format records it: CSV as leading "# key: value" lines, JSON as a "meta"
// object, Parquet as key-value metadata, HTML in its header.
type Meta struct {
	// Kind is "redthread-stats" or "redthread-export".
	Kind           string    `json:"kind"`
	ScannerVersion string    `json:"scanner_version"`
	RulePacks      []string  `json:"rule_packs"`
	Inputs         []Input   `json:"inputs"`
	Created        time.Time `json:"created"`
	MinCount       int       `json:"min_count"`
	Results        int64     `json:"results"`
	Skipped        int64     `json:"skipped_lines"`
	// KeyID fingerprints the pseudonymization key (exports only): the same
	// KeyID means tokens can be compared across exports.
	KeyID string `json:"key_id,omitempty"`
	// Notes explain what the counts mean and how they were protected.
	Notes []string `json:"notes"`
}

// Pairs returns the metadata as ordered key-value pairs, the form CSV
// comments and Parquet metadata use.
func (m *Meta) Pairs() [][2]string {
	var in []string
	for _, i := range m.Inputs {
		in = append(in, i.Path+" sha256:"+i.SHA256)
	}
	out := [][2]string{
		{"kind", m.Kind},
		{"scanner_version", m.ScannerVersion},
		{"rule_packs", strings.Join(m.RulePacks, ", ")},
		{"inputs", strings.Join(in, "; ")},
		{"created", m.Created.UTC().Format(time.RFC3339)},
		{"min_count", fmt.Sprint(m.MinCount)},
		{"results", fmt.Sprint(m.Results)},
		{"skipped_lines", fmt.Sprint(m.Skipped)},
	}
	if m.KeyID != "" {
		out = append(out, [2]string{"key_id", m.KeyID})
	}
	for i, n := range m.Notes {
		out = append(out, [2]string{fmt.Sprintf("note_%d", i+1), n})
	}
	return out
}

// Report is the aggregated, suppressed set of tables with its metadata.
type Report struct {
	Meta   Meta
	Tables []*Table
	// Label names indicator IDs in the HTML report; nil shows the IDs.
	Label func(id string) string `json:"-"`
}

// Table returns the table called name, or nil.
func (r *Report) Table(name string) *Table {
	for _, t := range r.Tables {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// statsNotes explain every stats output.
func statsNotes(minCount int, unknownDims bool) []string {
	n := []string{
		"listings: results counted; flagged: results with level medium or high.",
		fmt.Sprintf("Counts from 1 to %d are suppressed (empty or null, with a suppressed flag); zeros are shown.", minCount-1),
		"Complementary suppression: where a published total minus the visible cells it sums would reveal a single suppressed cell, the smallest other cell is suppressed too, repeated until no total gives a suppressed cell away. Sums covered: the grand total over each one-way table, the score and level tables and the cube; each one-way cell over its cube cells; each indicator over its cube and indicator_week cells; medium + high over flagged; a level over the score bins only it fills. Co-occurrence counts share no published sum and get the first rule only.",
		"cube: indicator '*' counts all listings whatever their indicators; other rows count listings that raised that indicator (a listing counts once per indicator).",
		"week: ISO 8601 week of the listing's posted_at; 'unknown' when absent or unparsable.",
		"network_size: listings joined through linked IDs of cross-listing indicators (union of every result ID with its linked IDs).",
	}
	if unknownDims {
		n = append(n, "Some results carry no embedded listing, so their source, country and week are 'unknown': scan with --embed-listing to fill them.")
	}
	return n
}

// Report builds the tables from the counts so far and suppresses small
// cells. meta.MinCount below 1 means DefaultMinCount; meta.Kind, Results,
// RulePacks and Notes are filled in.
func (a *Aggregator) Report(meta Meta) *Report {
	rep, _ := a.report(meta)
	return rep
}

// report builds the report and returns the sums it publishes, for tests.
func (a *Aggregator) report(meta Meta) (*Report, []constraint) {
	if meta.MinCount < 1 {
		meta.MinCount = DefaultMinCount
	}
	meta.Kind = "redthread-stats"
	meta.Results = a.total.n
	if len(meta.RulePacks) == 0 {
		meta.RulePacks = a.RulePacks()
	}
	unknownSource := false
	if id, ok := a.dims[dimSource].ids[Unknown]; ok {
		for k := range a.cube {
			if k.ind == 0 && k.dims[dimSource] == id {
				unknownSource = true
				break
			}
		}
	}
	meta.Notes = append(statsNotes(meta.MinCount, unknownSource), meta.Notes...)

	rep := &Report{Meta: meta}
	lf := []string{"listings", "flagged"}
	total := &Table{Name: "total", Title: "All listings", Measures: lf,
		Rows: []Row{{Values: []Value{{N: a.total.n}, {N: a.total.flagged}}}}}
	rep.Tables = append(rep.Tables, total)

	indName := func(id uint32) string { return a.inds.vals[id] }
	dimName := func(k cubeKey, d int) string { return a.dims[d].vals[k.dims[d]] }

	// cube
	keys := make([]cubeKey, 0, len(a.cube))
	for k := range a.cube {
		keys = append(keys, k)
	}
	rowDims := func(k cubeKey) []string {
		out := make([]string, 0, nDims+1)
		out = append(out, indName(k.ind))
		for d := range nDims {
			out = append(out, dimName(k, d))
		}
		return out
	}
	cube := &Table{Name: "cube", Title: "Listings by indicator, kind, source, country, language and week",
		Dims: append([]string{"indicator"}, DimNames[:]...), Measures: lf}
	cube.Rows = make([]Row, len(keys))
	for i, k := range keys {
		p := a.cube[k]
		cube.Rows[i] = Row{Dims: rowDims(k), Values: []Value{{N: p.n}, {N: p.flagged}}}
	}
	sortRows(cube.Rows)

	// one-way tables and indicator tables, derived from the cube
	var oneway [nDims]*Table
	onewayIdx := [nDims]map[string]int{}
	for d := range nDims {
		oneway[d] = &Table{Name: DimNames[d], Title: "Listings by " + DimNames[d], Dims: []string{DimNames[d]}, Measures: lf}
		onewayIdx[d] = map[string]int{}
	}
	ind := &Table{Name: "indicator", Title: "Listings by indicator", Dims: []string{"indicator"}, Measures: lf}
	indIdx := map[string]int{}
	iw := &Table{Name: "indicator_week", Title: "Listings by indicator and week", Dims: []string{"indicator", "week"}, Measures: lf}
	iwIdx := map[[2]string]int{}
	add := func(t *Table, idx map[string]int, key string, dims []string, r *Row) {
		i, ok := idx[key]
		if !ok {
			i = len(t.Rows)
			idx[key] = i
			t.Rows = append(t.Rows, Row{Dims: dims, Values: make([]Value, len(r.Values))})
		}
		for m := range r.Values {
			t.Rows[i].Values[m].N += r.Values[m].N
		}
	}
	for i := range cube.Rows {
		r := &cube.Rows[i]
		if r.Dims[0] == All {
			for d := range nDims {
				v := r.Dims[d+1]
				add(oneway[d], onewayIdx[d], v, []string{v}, r)
			}
			continue
		}
		add(ind, indIdx, r.Dims[0], []string{r.Dims[0]}, r)
		wk := [2]string{r.Dims[0], r.Dims[1+dimWeek]}
		j, ok := iwIdx[wk]
		if !ok {
			j = len(iw.Rows)
			iwIdx[wk] = j
			iw.Rows = append(iw.Rows, Row{Dims: wk[:], Values: make([]Value, 2)})
		}
		for m := range r.Values {
			iw.Rows[j].Values[m].N += r.Values[m].N
		}
	}
	// the maps above hold indexes into rows that sortRows reorders; they are
	// not used after this point.
	sortRows(ind.Rows)
	sortRows(iw.Rows)
	rep.Tables = append(rep.Tables, ind)
	for d := range nDims {
		sortRows(oneway[d].Rows)
		rep.Tables = append(rep.Tables, oneway[d])
	}
	rep.Tables = append(rep.Tables, iw, cube)

	// co-occurrence
	co := &Table{Name: "cooccurrence", Title: "Listings raising both indicators", Dims: []string{"indicator", "indicator_b"}, Measures: []string{"listings"}}
	for k, n := range a.co {
		co.Rows = append(co.Rows, Row{Dims: []string{indName(k[0]), indName(k[1])}, Values: []Value{{N: n}}})
	}
	for i := range co.Rows {
		if d := co.Rows[i].Dims; d[0] > d[1] {
			d[0], d[1] = d[1], d[0]
		}
	}
	sortRows(co.Rows)
	rep.Tables = append(rep.Tables, co)

	// scores and levels
	sc := &Table{Name: "score", Title: "Listings by score", Dims: []string{"score_bin"}, Measures: []string{"listings"}}
	for i, n := range a.scores {
		hi := i*10 + 9
		if i == 9 {
			hi = 100
		}
		sc.Rows = append(sc.Rows, Row{Dims: []string{fmt.Sprintf("%d-%d", i*10, hi)}, Values: []Value{{N: n}}})
	}
	lv := &Table{Name: "level", Title: "Listings by level", Dims: []string{"level"}, Measures: []string{"listings"}}
	for _, l := range levelOrder(a.levels) {
		lv.Rows = append(lv.Rows, Row{Dims: []string{l}, Values: []Value{{N: a.levels[l]}}})
	}
	rep.Tables = append(rep.Tables, sc, lv)

	// networks
	nt := a.networkTable()
	rep.Tables = append(rep.Tables, nt)

	// primary suppression
	for _, t := range rep.Tables {
		for i := range t.Rows {
			for m := range t.Rows[i].Values {
				v := &t.Rows[i].Values[m]
				if v.N > 0 && v.N < int64(meta.MinCount) {
					v.Suppressed = true
				}
			}
		}
	}

	// complementary suppression over the sums the tables publish
	var cs []constraint
	allBy := [nDims]map[string][]*Row{}
	for d := range nDims {
		allBy[d] = map[string][]*Row{}
	}
	var allRows []*Row
	byInd := map[string][]*Row{}
	byIndWeek := map[[2]string][]*Row{}
	for i := range cube.Rows {
		r := &cube.Rows[i]
		if r.Dims[0] == All {
			allRows = append(allRows, r)
			for d := range nDims {
				allBy[d][r.Dims[1+d]] = append(allBy[d][r.Dims[1+d]], r)
			}
			continue
		}
		byInd[r.Dims[0]] = append(byInd[r.Dims[0]], r)
		k := [2]string{r.Dims[0], r.Dims[1+dimWeek]}
		byIndWeek[k] = append(byIndWeek[k], r)
	}
	iwByInd := map[string][]*Row{}
	for i := range iw.Rows {
		r := &iw.Rows[i]
		iwByInd[r.Dims[0]] = append(iwByInd[r.Dims[0]], r)
	}
	for m := range lf {
		tv := &total.Rows[0].Values[m]
		for d := range nDims {
			cs = append(cs, constraint{tv, column(oneway[d], m)})
			for i := range oneway[d].Rows {
				r := &oneway[d].Rows[i]
				cs = append(cs, constraint{&r.Values[m], values(allBy[d][r.Dims[0]], m)})
			}
		}
		cs = append(cs, constraint{tv, values(allRows, m)})
		for i := range ind.Rows {
			name := ind.Rows[i].Dims[0]
			iv := &ind.Rows[i].Values[m]
			cs = append(cs, constraint{iv, values(byInd[name], m)}, constraint{iv, values(iwByInd[name], m)})
			for _, wr := range iwByInd[name] {
				cs = append(cs, constraint{&wr.Values[m], values(byIndWeek[[2]string{name, wr.Dims[1]}], m)})
			}
		}
	}
	cs = append(cs, constraint{&total.Rows[0].Values[0], column(sc, 0)}, constraint{&total.Rows[0].Values[0], column(lv, 0)})
	var flaggedLevels []*Value
	for i := range lv.Rows {
		if l := lv.Rows[i].Dims[0]; l == "medium" || l == "high" {
			flaggedLevels = append(flaggedLevels, &lv.Rows[i].Values[0])
		}
	}
	cs = append(cs, constraint{&total.Rows[0].Values[1], flaggedLevels})
	// a level whose results fill score bins no other level shares is the
	// sum of those bins (e.g. high = 60-69 + ... + 90-100)
	for i := range lv.Rows {
		l := lv.Rows[i].Dims[0]
		bins := a.levelBins[l]
		var parts []*Value
		clean := true
		for b := range sc.Rows {
			if bins[b] == 0 {
				continue
			}
			for other, ob := range a.levelBins {
				if other != l && ob[b] > 0 {
					clean = false
				}
			}
			parts = append(parts, &sc.Rows[b].Values[0])
		}
		if clean && len(parts) > 0 {
			cs = append(cs, constraint{&lv.Rows[i].Values[0], parts})
		}
	}
	// in the network table, listings = size × networks for the fixed sizes:
	// hide both together
	for i := range nt.Rows {
		v := nt.Rows[i].Values
		if v[0].Suppressed || v[1].Suppressed {
			v[0].Suppressed, v[1].Suppressed = v[0].N > 0, v[1].N > 0
		}
	}
	suppress(cs)
	return rep, cs
}

// constraint says Total is the sum of Parts.
type constraint struct {
	Total *Value
	Parts []*Value
}

func column(t *Table, m int) []*Value {
	out := make([]*Value, len(t.Rows))
	for i := range t.Rows {
		out[i] = &t.Rows[i].Values[m]
	}
	return out
}

func values(rows []*Row, m int) []*Value {
	out := make([]*Value, len(rows))
	for i, r := range rows {
		out[i] = &r.Values[m]
	}
	return out
}

// suppress applies complementary suppression: while some published sum
// (a constraint) has exactly one suppressed member, which its other members
// would reveal by subtraction, it suppresses that constraint's smallest
// other non-zero member (or, failing that, a zero one).
func suppress(cs []constraint) {
	for changed := true; changed; {
		changed = false
		for _, c := range cs {
			hidden := 0
			if c.Total.Suppressed {
				hidden++
			}
			for _, p := range c.Parts {
				if p.Suppressed {
					hidden++
				}
			}
			if hidden != 1 {
				continue
			}
			var pick *Value
			consider := func(v *Value) {
				if v.Suppressed {
					return
				}
				if pick == nil || (pick.N == 0 && v.N > 0) || (v.N > 0 && v.N < pick.N) {
					pick = v
				}
			}
			for _, p := range c.Parts {
				consider(p)
			}
			if pick == nil {
				consider(c.Total)
			}
			if pick != nil {
				pick.Suppressed = true
				changed = true
			}
		}
	}
}

func sortRows(rows []Row) {
	slices.SortFunc(rows, func(a, b Row) int { return slices.Compare(a.Dims, b.Dims) })
}

func levelOrder(m map[string]int64) []string {
	out := []string{}
	for _, l := range []string{"low", "medium", "high"} {
		if _, ok := m[l]; ok {
			out = append(out, l)
		}
	}
	for _, l := range sortedKeys(m) {
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// networkBuckets are the size classes of the network table.
var networkBuckets = []struct {
	lo, hi int
	name   string
}{{2, 2, "2"}, {3, 3, "3"}, {4, 4, "4"}, {5, 9, "5-9"}, {10, 19, "10-19"}, {20, 49, "20-49"}, {50, 99, "50-99"}, {100, 1 << 62, "100+"}}

func (a *Aggregator) networkTable() *Table {
	t := &Table{Name: "networks", Title: "Networks of linked listings by size", Dims: []string{"network_size"}, Measures: []string{"networks", "listings"}}
	size := make(map[int32]int)
	for i := range a.parent {
		size[a.find(int32(i))]++
	}
	counts := make([][2]int64, len(networkBuckets))
	for _, s := range size {
		for b, nb := range networkBuckets {
			if s >= nb.lo && s <= nb.hi {
				counts[b][0]++
				counts[b][1] += int64(s)
			}
		}
	}
	for b, nb := range networkBuckets {
		t.Rows = append(t.Rows, Row{Dims: []string{nb.name}, Values: []Value{{N: counts[b][0]}, {N: counts[b][1]}}})
	}
	return t
}
