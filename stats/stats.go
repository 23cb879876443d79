// Package stats turns scan results into counts researchers can publish and
// into pseudonymized per-listing exports they can share.
//
// An Aggregator counts listings and flagged listings (level medium or high)
// by indicator × kind × source × country × language × ISO week, indicator
// co-occurrence, score and level distributions, and the sizes of the
// networks that cross-listing indicators link. Its Report is a set of
// Tables that the writers render as CSV, JSON, Parquet or a self-contained
// HTML page with SVG charts. Every count below a minimum (default 5) is
// suppressed, and a second pass suppresses more cells wherever a published
// total would otherwise give a suppressed cell away by subtraction.
//
// Source, country and week come from the listing embedded in each result
// (redthread scan --embed-listing); without it they are counted under
// "unknown".
//
// An Exporter writes one row per listing with contacts, handles, URLs and
// listing IDs replaced by keyed HMAC-SHA256 tokens (see Tokenizer), text
// left out unless asked for, and rare category values suppressed.
package stats

import (
	"cmp"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/redthread/redthread/corpus"
)

// Unknown is the value counted for a dimension the result does not give.
const Unknown = "unknown"

// All is the indicator value of cube rows that count every listing,
// whatever indicators it raised.
const All = "*"

// DefaultMinCount is the smallest count published by default.
const DefaultMinCount = 5

// Flagged reports whether a result counts as flagged: level medium or high.
func Flagged(r *corpus.Result) bool {
	return r.Level == corpus.LevelMedium || r.Level == corpus.LevelHigh
}

// Dimension indexes of the cube key.
const (
	dimKind = iota
	dimSource
	dimCountry
	dimLanguage
	dimWeek
	nDims
)

// DimNames are the names of the cube's dimensions besides the indicator, in
// column order.
var DimNames = [nDims]string{"kind", "source", "country", "language", "week"}

// interner maps strings to small integers.
type interner struct {
	ids  map[string]uint32
	vals []string
}

func newInterner() *interner { return &interner{ids: make(map[string]uint32)} }

func (n *interner) id(s string) uint32 {
	if id, ok := n.ids[s]; ok {
		return id
	}
	id := uint32(len(n.vals))
	n.ids[s] = id
	n.vals = append(n.vals, s)
	return id
}

type cubeKey struct {
	ind  uint32 // indicator id in Aggregator.inds; allID for All
	dims [nDims]uint32
}

type pair struct{ n, flagged int64 }

// Aggregator counts results. Add results with Add; build the tables with
// Report. It is not safe for concurrent use; merge per-goroutine
// Aggregators with Merge.
type Aggregator struct {
	dims   [nDims]*interner
	inds   *interner
	cube   map[cubeKey]*pair
	co     map[[2]uint32]int64
	scores [10]int64
	// levelBins counts results by level and score bin, to find the score
	// bins whose sum equals a level's count
	levelBins map[string]*[10]int64
	levels    map[string]int64
	packs     map[string]int64
	total     pair

	// network union-find over listing IDs
	nodes  map[string]int32
	parent []int32
	names  []string

	weeks   map[string]string // posted_at date → week, a cache
	scratch []uint32

	// noMeta counts results with no source, country or posting date.
	noMeta int64
}

// NoMeta reports whether a result carries no source, no country and no
// posting date (its rows are Unknown).
func NoMeta(r *corpus.Result) bool { return noMeta(Dims(r, nil)) }

func noMeta(d [nDims]string) bool {
	return d[dimSource] == Unknown && d[dimCountry] == Unknown && d[dimWeek] == Unknown
}

// NoMeta returns the number of results added that carry no source, no
// country and no posting date: results written before results carried
// them (without an embedded listing), or listings that name none.
func (a *Aggregator) NoMetaCount() int64 { return a.noMeta }

// NewAggregator returns an empty Aggregator.
func NewAggregator() *Aggregator {
	a := &Aggregator{
		inds:      newInterner(),
		cube:      make(map[cubeKey]*pair),
		co:        make(map[[2]uint32]int64),
		levels:    make(map[string]int64),
		levelBins: make(map[string]*[10]int64),
		packs:     make(map[string]int64),
		nodes:     make(map[string]int32),
		weeks:     make(map[string]string),
	}
	for i := range a.dims {
		a.dims[i] = newInterner()
	}
	a.inds.id(All) // id 0
	return a
}

// Count is the number of results added.
func (a *Aggregator) Count() int64 { return a.total.n }

// Unscored is the number of results added without a level: inputs that
// are listings rather than scan results.
func (a *Aggregator) Unscored() int64 { return a.levels[Unknown] }

// RulePacks returns the distinct rule-pack versions of the results added,
// sorted.
func (a *Aggregator) RulePacks() []string {
	out := make([]string, 0, len(a.packs))
	for p := range a.packs {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// AddAll adds every result of seq and returns how many were added. It is
// the hook for any result source: files (ReadResults) or an index.
func (a *Aggregator) AddAll(seq iter.Seq[*corpus.Result]) int64 {
	var n int64
	for r := range seq {
		a.Add(r)
		n++
	}
	return n
}

// Add counts one result.
func (a *Aggregator) Add(r *corpus.Result) {
	var key cubeKey
	d := Dims(r, a.weeks)
	for i := range d {
		key.dims[i] = a.dims[i].id(d[i])
	}
	if noMeta(d) {
		a.noMeta++
	}
	var f int64
	if Flagged(r) {
		f = 1
	}
	a.total.n++
	a.total.flagged += f
	a.bump(key, f)

	ids := a.scratch[:0]
	for i := range r.Indicators {
		id := r.Indicators[i].ID
		if id == "" || id == All {
			continue
		}
		ids = append(ids, a.inds.id(id))
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	a.scratch = ids
	for _, id := range ids {
		key.ind = id
		a.bump(key, f)
	}
	for i := 0; i < len(ids); i++ {
		for j := i + 1; j < len(ids); j++ {
			a.co[[2]uint32{ids[i], ids[j]}]++
		}
	}

	s := min(max(r.Score, 0), 100)
	a.scores[min(s/10, 9)]++
	lvl := r.Level
	if lvl == "" {
		lvl = Unknown
	}
	a.levels[lvl]++
	lb := a.levelBins[lvl]
	if lb == nil {
		lb = new([10]int64)
		a.levelBins[lvl] = lb
	}
	lb[min(s/10, 9)]++
	pack := r.RulePack
	if pack == "" {
		pack = Unknown
	}
	a.packs[pack]++

	for i := range r.Indicators {
		for _, l := range r.Indicators[i].Linked {
			if r.ID != "" && l != "" && l != r.ID {
				a.union(a.node(r.ID), a.node(l))
			}
		}
	}
}

func (a *Aggregator) bump(k cubeKey, f int64) {
	p := a.cube[k]
	if p == nil {
		p = &pair{}
		a.cube[k] = p
	}
	p.n++
	p.flagged += f
}

func (a *Aggregator) node(id string) int32 {
	if n, ok := a.nodes[id]; ok {
		return n
	}
	n := int32(len(a.parent))
	a.nodes[id] = n
	a.parent = append(a.parent, n)
	a.names = append(a.names, id)
	return n
}

func (a *Aggregator) find(x int32) int32 {
	for a.parent[x] != x {
		a.parent[x] = a.parent[a.parent[x]]
		x = a.parent[x]
	}
	return x
}

func (a *Aggregator) union(x, y int32) {
	rx, ry := a.find(x), a.find(y)
	if rx != ry {
		a.parent[ry] = rx
	}
}

// Merge adds b's counts into a. b must not be used afterwards.
func (a *Aggregator) Merge(b *Aggregator) {
	for k, p := range b.cube {
		var nk cubeKey
		nk.ind = a.inds.id(b.inds.vals[k.ind])
		for i := range k.dims {
			nk.dims[i] = a.dims[i].id(b.dims[i].vals[k.dims[i]])
		}
		q := a.cube[nk]
		if q == nil {
			q = &pair{}
			a.cube[nk] = q
		}
		q.n += p.n
		q.flagged += p.flagged
	}
	for k, n := range b.co {
		x, y := a.inds.id(b.inds.vals[k[0]]), a.inds.id(b.inds.vals[k[1]])
		if x > y {
			x, y = y, x
		}
		a.co[[2]uint32{x, y}] += n
	}
	for i, n := range b.scores {
		a.scores[i] += n
	}
	for k, n := range b.levels {
		a.levels[k] += n
	}
	for k, bins := range b.levelBins {
		lb := a.levelBins[k]
		if lb == nil {
			lb = new([10]int64)
			a.levelBins[k] = lb
		}
		for i, n := range bins {
			lb[i] += n
		}
	}
	for k, n := range b.packs {
		a.packs[k] += n
	}
	a.total.n += b.total.n
	a.total.flagged += b.total.flagged
	a.noMeta += b.noMeta
	for i, id := range b.names {
		a.union(a.node(id), a.node(b.names[b.find(int32(i))]))
	}
}

// Dims returns a result's kind, source, country, language and ISO week, each
// Unknown when absent. cache, which may be nil, memoizes week parsing.
func Dims(r *corpus.Result, cache map[string]string) [nDims]string {
	var d [nDims]string
	d[dimKind] = r.Kind
	d[dimLanguage] = r.Language
	d[dimSource] = strings.TrimSpace(r.Source)
	d[dimCountry] = strings.ToUpper(strings.TrimSpace(r.Country))
	posted := r.PostedAt
	if l := r.Listing; l != nil { // results written before they carried these
		if d[dimSource] == "" {
			d[dimSource] = strings.TrimSpace(l.Source)
		}
		if d[dimCountry] == "" {
			d[dimCountry] = strings.ToUpper(strings.TrimSpace(l.Country))
		}
		if d[dimKind] == "" {
			d[dimKind] = l.Kind
		}
		if d[dimLanguage] == "" {
			d[dimLanguage] = l.Language
		}
		if posted == "" {
			posted = l.PostedAt
		}
	}
	d[dimWeek] = weekCached(posted, cache)
	for i := range d {
		if d[i] == "" {
			d[i] = Unknown
		}
	}
	return d
}

func weekCached(posted string, cache map[string]string) string {
	if cache == nil {
		return Week(posted)
	}
	if w, ok := cache[posted]; ok {
		return w
	}
	w := Week(posted)
	if len(cache) < 1<<16 {
		cache[posted] = w
	}
	return w
}

// Week returns the ISO 8601 week ("2026-W45") of an RFC 3339 timestamp or
// a bare date (2006-01-02), in the timestamp's own offset, or Unknown when
// it is empty or unparsable.
func Week(posted string) string {
	posted = strings.TrimSpace(posted)
	if posted == "" {
		return Unknown
	}
	var t time.Time
	var err error
	if len(posted) == 10 {
		t, err = time.Parse(time.DateOnly, posted)
	} else {
		t, err = time.Parse(time.RFC3339, posted)
	}
	if err != nil {
		return Unknown
	}
	y, w := t.ISOWeek()
	if y < 1 || y > 9999 {
		return Unknown
	}
	var b [8]byte
	b[0] = byte('0' + y/1000)
	b[1] = byte('0' + y/100%10)
	b[2] = byte('0' + y/10%10)
	b[3] = byte('0' + y%10)
	b[4], b[5] = '-', 'W'
	b[6] = byte('0' + w/10)
	b[7] = byte('0' + w%10)
	return string(b[:])
}

// sortedKeys returns m's keys in order.
func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
