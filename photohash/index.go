package photohash

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"sort"
	"sync"
)

// Index finds stored hashes within a Hamming distance of a query faster than a linear scan, by
// multi-index hashing (Norouzi, Punjani & Fleet, 2012): each hash is cut into 16-bit blocks and
// every block value has a posting list. A hash within distance r of the query has, by the
// pigeonhole principle, at least one block within r/blocks of the query's block, so Search
// looks up only block values that close, then verifies the full distance. Results are exact
// (identical to a linear scan). When the radius is so large that probing would touch most of
// the index, Search scans linearly instead.
//
// An Index holds one hash family: 256-bit PDQ (whole photo and regions together) or 64-bit
// pHash. It is safe for concurrent use; Add after Search makes the next Search rebuild the
// posting lists (O(n)), so add in bulk. MarshalBinary/UnmarshalBinary (and so encoding/gob)
// persist it.
type Index struct {
	mu       sync.RWMutex
	algo     string // family: AlgoPDQ or AlgoPHash
	pipeline string // pipeline of the first hash added
	words    int    // 64-bit words per hash
	ids      []uint32
	kind     []uint8 // entry's kind: kindGlobal, kindRegion or kindMask+mask index
	// single: every entry is of kind oneKind and kind stays empty (SetIndex's parts)
	single  bool
	oneKind uint8
	hashes  []uint64 // words per entry, contiguous
	// posting lists of the first built entries (the rest, a short tail, is scanned): for
	// block b, the entries with block value v, ascending, are encoded in
	// post[b][start[b][v]:start[b][v+1]]; each posting is gap<<sketchBits | the top
	// sketchBits bits of sketch(entry, b) (see gapBits), so most candidates are refused from
	// the posting alone, without reading their hash.
	start [][]uint32
	post  [][]uint64
	built int
}

// A posting is 64 bits: the gap from the previous entry of its list (the first from entry 0)
// in the top gapBits, and the top sketchBits bits of the entry's sketch below. Entries in a
// list are on average 65,536 apart, whatever the size of the index, so the gap needs far fewer
// bits than an entry number (which would leave 37–43 bits of sketch at 1–100M entries, and
// pass more false candidates as the index grows). A gap of maxGap or more is written as
// postings of gap maxGap that are no entry (fillers: 1.8% of postings in a uniformly filled
// list), then the rest.
const (
	gapBits    = 18
	sketchBits = 64 - gapBits
	maxGap     = 1<<gapBits - 1
	sketchMask = 1<<sketchBits - 1
)

// Result is one Search hit.
type Result struct {
	ID       uint32 // the id given to Add
	Distance int    // Hamming distance to the query
	Region   bool   // the stored hash is not a whole-photo hash (AlgoPDQRegion or AlgoPDQMask)
	kind     uint8
}

// Entry kinds: a whole-photo hash, a crop window, or kindMask+i for masked hash masks[i].
const (
	kindGlobal uint8 = 0
	kindRegion uint8 = 1
	kindMask   uint8 = 2
)

// kindOf returns h's kind, or false for a mask name this pipeline does not know.
func kindOf(h Hash) (uint8, bool) {
	switch h.Algo {
	case AlgoPDQRegion:
		return kindRegion, true
	case AlgoPDQMask:
		for i, m := range masks {
			if m.name == h.Region {
				return kindMask + uint8(i), true
			}
		}
		return 0, false
	}
	return kindGlobal, true
}

// linearCost is how many hashes a linear scan checks in the time the index takes to verify one
// candidate (a random access), measured on the benchmark machine (README.md).
const linearCost = 8

// blockBits is the size of one multi-index block.
const blockBits = 16

// NewIndex returns an empty Index for AlgoPDQ (which also takes AlgoPDQRegion hashes) or
// AlgoPHash hashes.
func NewIndex(algo string) (*Index, error) {
	n, err := hashBytes(algo)
	if err != nil {
		return nil, err
	}
	return &Index{algo: family(algo), words: n / 8}, nil
}

// Len returns the number of hashes in the index.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.ids)
}

func (ix *Index) blocks() int { return ix.words * 64 / blockBits }

// check refuses hashes of another family or pipeline.
func (ix *Index) check(h Hash) error {
	if family(h.Algo) != ix.algo || len(h.Bits) != ix.words*8 {
		return fmt.Errorf("%w: index of %s, hash %s", ErrIncomparable, ix.algo, h.Algo)
	}
	if h.Pipeline != "" && ix.pipeline != "" && h.Pipeline != ix.pipeline {
		return fmt.Errorf("%w: index pipeline %s, hash %s", ErrIncomparable, ix.pipeline, h.Pipeline)
	}
	return nil
}

// Add stores h under id (ids need not be unique: add a photo's global and region hashes under
// the photo's id).
func (ix *Index) Add(id uint32, h Hash) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if err := ix.check(h); err != nil {
		return err
	}
	k, ok := kindOf(h)
	if !ok {
		return fmt.Errorf("%w: unknown mask %q", ErrIncomparable, h.Region)
	}
	if ix.pipeline == "" {
		ix.pipeline = h.Pipeline
	}
	if ix.single && k != ix.oneKind {
		return fmt.Errorf("%w: index of kind %d, hash of kind %d", ErrIncomparable, ix.oneKind, k)
	}
	ix.ids = append(ix.ids, id)
	if !ix.single {
		ix.kind = append(ix.kind, k)
	}
	for w := range ix.words {
		ix.hashes = append(ix.hashes, binary.BigEndian.Uint64(h.Bits[8*w:]))
	}
	return nil
}

// AddSet adds every hash of s that belongs in this index (for a PDQ index: the whole-photo hash
// and all region hashes) under id.
func (ix *Index) AddSet(id uint32, s Set) error {
	for _, h := range s.Hashes {
		if family(h.Algo) == ix.algo {
			if err := ix.Add(id, h); err != nil {
				return err
			}
		}
	}
	return nil
}

// kindAt returns entry e's kind.
func (ix *Index) kindAt(e int) uint8 {
	if ix.single {
		return ix.oneKind
	}
	return ix.kind[e]
}

// block returns block b (0 = most significant 16 bits) of hash e.
func (ix *Index) block(e, b int) uint16 {
	w := ix.hashes[e*ix.words+b/4]
	return uint16(w >> (48 - 16*(b%4)))
}

// rebuild recomputes the posting lists (counting sort per block). Caller holds the write lock.
func (ix *Index) rebuild() {
	n := len(ix.ids)
	nb := ix.blocks()
	ix.start = make([][]uint32, nb)
	ix.post = make([][]uint64, nb)
	prev := make([]int, 1<<blockBits) // the previous entry of each list
	for b := range nb {
		// Count each list's postings, fillers included, then place them.
		start := make([]uint32, 1<<blockBits+1)
		clear(prev)
		for e := range n {
			v := ix.block(e, b)
			start[int(v)+1] += uint32((e-prev[v])/maxGap) + 1
			prev[v] = e
		}
		for v := 1; v < len(start); v++ {
			start[v] += start[v-1]
		}
		post := make([]uint64, start[1<<blockBits])
		fill := slices.Clone(start[:1<<blockBits])
		clear(prev)
		for e := range n {
			v := ix.block(e, b)
			gap := e - prev[v]
			for ; gap >= maxGap; gap -= maxGap {
				post[fill[v]] = maxGap << sketchBits
				fill[v]++
			}
			post[fill[v]] = uint64(gap)<<sketchBits | sketch(nb, ix.hashes[e*ix.words:(e+1)*ix.words], b)>>gapBits
			fill[v]++
			prev[v] = e
		}
		ix.start[b], ix.post[b] = start, post
	}
	ix.built = n
}

// minTail is how many entries added since the last rebuild a search scans linearly before it
// rebuilds the posting lists (also at most a quarter of the indexed ones): adding and searching
// in turn, as linking a stream of listings does, then rebuilds O(log n) times in all.
const minTail = 4096

// stale reports whether the unindexed tail has grown enough to rebuild.
func (ix *Index) stale() bool {
	tail := len(ix.ids) - ix.built
	return tail > max(minTail, ix.built/4)
}

// sketch is the blocks after block b (cyclically: four of a 256-bit hash, the three others of
// a 64-bit one), left-aligned in 64 bits: a posting carries its top sketchBits bits, so that a
// candidate found through block b whose sketch alone is farther than the radius is refused
// without a random access to its hash (its distance is at least the probe's weight plus the
// sketch's distance). At radius 15, 46 bits pass a random candidate with probability 0.013
// (40 bits: 0.077).
func sketch(nb int, h []uint64, b int) uint64 {
	var s uint64
	k := 1
	for ; k <= min(4, nb-1); k++ {
		bk := (b + k) % nb
		s = s<<16 | uint64(uint16(h[bk/4]>>(48-16*(bk%4))))
	}
	return s << (16 * (5 - k))
}

// masksByWeight lists all 16-bit masks ordered by popcount; weightEnd[w] is how many have
// popcount ≤ w.
var masksByWeight, weightEnd = func() ([]uint16, [blockBits + 1]int) {
	m := make([]uint16, 1<<blockBits)
	for i := range m {
		m[i] = uint16(i)
	}
	sort.SliceStable(m, func(i, j int) bool { return bits.OnesCount16(m[i]) < bits.OnesCount16(m[j]) })
	var end [blockBits + 1]int
	for _, x := range m {
		end[bits.OnesCount16(x)]++
	}
	for w := 1; w <= blockBits; w++ {
		end[w] += end[w-1]
	}
	return m, end
}()

// Search returns the stored hashes within maxDist of q, nearest first (ties by id). Each stored
// hash is reported once, so a photo added with AddSet can appear several times (once per
// matching hash); Result.Region tells which kind matched.
func (ix *Index) Search(q Hash, maxDist int) ([]Result, error) {
	return ix.searchCount(q, maxDist, nil, nil)
}

// searchCount is Search appending to out, adding the number of hashes it compared in full to
// *st (when not nil).
func (ix *Index) searchCount(q Hash, maxDist int, out []Result, st *searchStats) ([]Result, error) {
	sc := getScratch()
	defer putScratch(sc)
	v := sc.view(ix, 0)
	if err := v.check(q); err != nil {
		return out, err
	}
	sc.queries = append(sc.queries[:0], query{v: v, q: words(q), r: maxDist, kind: -1})
	sc.run(st)
	first := len(out)
	for _, h := range sc.hits {
		out = append(out, h.Result)
	}
	sortResults(out[first:])
	return out, nil
}

// view is a consistent snapshot of an Index's arrays. Add only appends beyond a view's length
// and a rebuild or UnmarshalBinary replaces the arrays rather than writing into them, so a view
// is read without holding the lock.
type view struct {
	words, n, built int
	ids             []uint32
	kind            []uint8 // empty when single: every entry is oneKind
	single          bool
	oneKind         uint8
	hashes          []uint64
	start           [][]uint32
	post            [][]uint64
	algo, pipeline  string
}

// snapshot rebuilds the posting lists if the unindexed tail has grown too long and returns a
// view of the index.
func (ix *Index) snapshot() view {
	ix.mu.RLock()
	if ix.stale() {
		ix.mu.RUnlock()
		ix.mu.Lock()
		if ix.stale() {
			ix.rebuild()
		}
		ix.mu.Unlock()
		ix.mu.RLock()
	}
	defer ix.mu.RUnlock()
	return view{words: ix.words, n: len(ix.ids), built: ix.built,
		ids: ix.ids, kind: ix.kind, single: ix.single, oneKind: ix.oneKind, hashes: ix.hashes, start: ix.start, post: ix.post,
		algo: ix.algo, pipeline: ix.pipeline}
}

func (v *view) check(h Hash) error {
	if family(h.Algo) != v.algo || len(h.Bits) != v.words*8 {
		return fmt.Errorf("%w: index of %s, hash %s", ErrIncomparable, v.algo, h.Algo)
	}
	if h.Pipeline != "" && v.pipeline != "" && h.Pipeline != v.pipeline {
		return fmt.Errorf("%w: index pipeline %s, hash %s", ErrIncomparable, v.pipeline, h.Pipeline)
	}
	return nil
}

func (v *view) kindOf(e int) uint8 {
	if v.single {
		return v.oneKind
	}
	return v.kind[e]
}

func (v *view) result(e, d int) Result {
	k := v.kindOf(e)
	return Result{ID: v.ids[e], Distance: d, Region: k != kindGlobal, kind: k}
}

func (v *view) blocks() int { return v.words * 64 / blockBits }

// words returns h's bits as big-endian 64-bit words (up to 4).
func words(h Hash) [4]uint64 {
	var q [4]uint64
	for w := range min(4, len(h.Bits)/8) {
		q[w] = binary.BigEndian.Uint64(h.Bits[8*w:])
	}
	return q
}

// query is one search of a batch: hashes of view v within r of q (of kind kind, or any when
// kind < 0). tag is the caller's.
type query struct {
	v    *view
	q    [4]uint64
	r    int
	kind int
	tag  uint8
}

// probe is one posting list a query probes: postings lo..hi-1 of block b, reached by a block
// value w bits from the query's, with the query's sketch for block b.
type probe struct {
	qi     int32
	b, w   uint8
	lo, hi uint32
	qs     uint64
}

// cand is an entry whose posting passed the sketch test: its full hash is compared next.
type cand struct {
	qi int32
	b  uint8
	e  uint32
}

// hit is a stored hash within a query's radius.
type hit struct {
	qi int32
	Result
}

// scratch holds a batch's buffers, reused across searches (no allocation per lookup once warm).
type scratch struct {
	queries []query
	spans   []probe
	cands   []cand
	hits    []hit
	sink    uint64
	views   [maxKinds]view // snapshots of the indexes searched
	have    [maxKinds]bool
}

// view returns the snapshot of ix in slot i, taking it on first use.
func (sc *scratch) view(ix *Index, i int) *view {
	if !sc.have[i] {
		sc.views[i], sc.have[i] = ix.snapshot(), true
	}
	return &sc.views[i]
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func getScratch() *scratch { return scratchPool.Get().(*scratch) }

func putScratch(sc *scratch) {
	if cap(sc.spans) > 1<<16 || cap(sc.cands) > 1<<16 || cap(sc.hits) > 1<<16 {
		return // an unusually wide search: let its buffers go
	}
	sc.queries = sc.queries[:0]
	sc.views, sc.have = [maxKinds]view{}, [maxKinds]bool{} // hold no index's arrays
	scratchPool.Put(sc)
}

// run answers every query in sc.queries into sc.hits (in no particular order), adding its
// work to *st when not nil.
//
// A lookup is bound by memory latency, not arithmetic: each probed posting list and each
// candidate's hash is a random access into arrays of gigabytes. So run works in phases over
// the whole batch — the posting-list bounds of every probe, then the first postings of every
// list, then the sketch test over the lists, then the hashes of every candidate — and each phase
// is a loop of independent loads the processor overlaps, instead of one dependent miss after
// another.
func (sc *scratch) run(st *searchStats) {
	sc.spans, sc.cands, sc.hits = sc.spans[:0], sc.cands[:0], sc.hits[:0]
	compared := 0
	for qi := range sc.queries {
		qu := &sc.queries[qi]
		v := qu.v
		if qu.r < 0 || v.n == 0 {
			continue
		}
		nb := v.blocks()
		r := min(qu.r/nb, blockBits)
		probes := weightEnd[r]
		// Expected candidates: probes per block × average posting length × blocks. Each costs a
		// random memory access where the scan reads sequentially, roughly linearCost times
		// cheaper.
		if v.built == 0 || float64(probes)*float64(v.built)/float64(1<<blockBits)*float64(nb)*linearCost >= float64(v.built) {
			compared += v.n
			sc.linear(int32(qi), 0)
			continue
		}
		compared += v.n - v.built
		sc.linear(int32(qi), v.built) // the tail not yet in the posting lists
		for b := range nb {
			key := uint16(qu.q[b/4] >> (48 - 16*(b%4)))
			qs := sketch(nb, qu.q[:v.words], b) >> gapBits
			start := v.start[b]
			for _, m := range masksByWeight[:probes] {
				val := key ^ m
				lo, hi := start[val], start[int(val)+1]
				if hi > lo {
					sc.spans = append(sc.spans, probe{qi: int32(qi), b: uint8(b), w: uint8(bits.OnesCount16(m)), lo: lo, hi: hi, qs: qs})
				}
			}
		}
	}
	// Touch the first posting of every list, all loads independent.
	var acc uint64
	for _, s := range sc.spans {
		acc += sc.queries[s.qi].v.post[s.b][s.lo]
	}
	for _, s := range sc.spans {
		qu := &sc.queries[s.qi]
		limit := qu.r - int(s.w)
		e := 0
		for _, p := range qu.v.post[s.b][s.lo:s.hi] {
			gap := int(p >> sketchBits)
			e += gap
			if gap != maxGap && bits.OnesCount64((p^s.qs)&sketchMask) <= limit {
				sc.cands = append(sc.cands, cand{qi: s.qi, b: s.b, e: uint32(e)})
			}
		}
	}
	compared += len(sc.cands)
	// Touch every candidate's hash, then compare.
	for _, c := range sc.cands {
		v := sc.queries[c.qi].v
		acc += v.hashes[int(c.e)*v.words]
	}
	sc.sink = acc
	for _, c := range sc.cands {
		qu := &sc.queries[c.qi]
		v, e := qu.v, int(c.e)
		if d := v.dist(qu.q[:v.words], e); d <= qu.r {
			// An entry found through several blocks is reported once: only through the first
			// block within the per-block radius.
			if v.firstCloseBlock(qu.q[:v.words], e, min(qu.r/v.blocks(), blockBits)) != int(c.b) {
				continue
			}
			if qu.kind >= 0 && int(v.kindOf(e)) != qu.kind {
				continue
			}
			sc.hits = append(sc.hits, hit{qi: c.qi, Result: v.result(e, d)})
		}
	}
	if st != nil {
		st.compared += compared
		st.probes += len(sc.spans)
		for _, s := range sc.spans {
			st.postings += int(s.hi - s.lo)
		}
	}
}

// searchStats counts a search's work (for benchmarks): posting lists probed, postings read,
// hashes compared in full.
type searchStats struct {
	probes, postings, compared int
}

// linear compares query qi with entries from..n-1 of its view.
func (sc *scratch) linear(qi int32, from int) {
	qu := &sc.queries[qi]
	v := qu.v
	keep := func(e, d int) {
		if d <= qu.r && (qu.kind < 0 || int(v.kindOf(e)) == qu.kind) {
			sc.hits = append(sc.hits, hit{qi: qi, Result: v.result(e, d)})
		}
	}
	if v.words == 4 {
		q0, q1, q2, q3 := qu.q[0], qu.q[1], qu.q[2], qu.q[3]
		hs := v.hashes[:4*v.n]
		for e := from; 4*e+3 < len(hs); e++ {
			h := hs[4*e : 4*e+4 : 4*e+4]
			d := bits.OnesCount64(q0^h[0]) + bits.OnesCount64(q1^h[1]) +
				bits.OnesCount64(q2^h[2]) + bits.OnesCount64(q3^h[3])
			if d <= qu.r {
				keep(e, d)
			}
		}
		return
	}
	for e := from; e < v.n; e++ {
		keep(e, v.dist(qu.q[:v.words], e))
	}
}

// firstCloseBlock returns the first block of entry e within r bits of the query.
func (v *view) firstCloseBlock(q []uint64, e, r int) int {
	h := v.hashes[e*v.words : (e+1)*v.words]
	for b := range v.blocks() {
		if bits.OnesCount16(uint16((q[b/4]^h[b/4])>>(48-16*(b%4)))) <= r {
			return b
		}
	}
	return -1
}

func (v *view) dist(q []uint64, e int) int {
	if v.words == 4 {
		h := v.hashes[4*e : 4*e+4 : 4*e+4]
		return bits.OnesCount64(q[0]^h[0]) + bits.OnesCount64(q[1]^h[1]) +
			bits.OnesCount64(q[2]^h[2]) + bits.OnesCount64(q[3]^h[3])
	}
	h := v.hashes[e*v.words : (e+1)*v.words]
	d := 0
	for w, x := range q {
		d += bits.OnesCount64(x ^ h[w])
	}
	return d
}

// linear is the plain scan (the baseline the tests and benchmarks compare the index with): the
// entries from..n-1 within maxDist of q, appended to out, sorted.
func (ix *Index) linear(q []uint64, maxDist int, out []Result, from int) []Result {
	sc := getScratch()
	defer putScratch(sc)
	var qw [4]uint64
	copy(qw[:], q)
	sc.queries = append(sc.queries[:0], query{v: sc.view(ix, 0), q: qw, r: maxDist, kind: -1})
	sc.hits = sc.hits[:0]
	sc.linear(0, from)
	first := len(out)
	for _, h := range sc.hits {
		out = append(out, h.Result)
	}
	sortResults(out[first:])
	return out
}

func sortResults(rs []Result) {
	slices.SortFunc(rs, func(a, b Result) int {
		if a.Distance != b.Distance {
			return a.Distance - b.Distance
		}
		if a.ID != b.ID {
			return int(int64(a.ID) - int64(b.ID))
		}
		return int(a.kind) - int(b.kind)
	})
}

// SetMatch is one photo found by SearchSet.
type SetMatch struct {
	ID       uint32
	Distance int  // the distance that decided the match
	Crop     bool // matched through a region (crop) hash rather than the whole photo
}

// SearchSet applies Match's rule through the index: the query's whole-photo PDQ against stored
// whole-photo hashes within th.PDQGlobal, and in its 7 other orientations (when s has them)
// within th.PDQDihedral; its
// whole-photo PDQ against stored crop windows, and its crop windows against stored whole-photo
// hashes, within th.PDQRegion; its masked hashes against stored hashes of the same mask within
// th.PDQMask. Stored hashes below th.MinQuality are not filtered (the index keeps no quality:
// leave them out when adding); queries below it return nothing. One SetMatch per id, best
// distance first.
func (ix *Index) SearchSet(s Set, th Thresholds) ([]SetMatch, error) {
	if ix.algo != AlgoPDQ {
		return nil, fmt.Errorf("photohash: SearchSet needs a PDQ index, have %s", ix.algo)
	}
	sc := getScratch()
	defer putScratch(sc)
	return searchSet(sc, s, th, func(k uint8) (*view, int) { return sc.view(ix, 0), int(k) }, nil)
}

// target returns the view that holds stored hashes of kind k and the kind to keep from it (-1:
// all).
type target func(k uint8) (*view, int)

// Query tags: whether a hit is a crop match.
const (
	tagWhole uint8 = 0
	tagCrop  uint8 = 1
)

// searchSet builds every search of Match's rule for s — 8 orientations, crops both ways, 12
// masks — runs them as one batch and keeps the best hit per id. It adds the hashes compared in
// full to *st when not nil.
func searchSet(sc *scratch, s Set, th Thresholds, at target, st *searchStats) ([]SetMatch, error) {
	g, ok := s.Global(AlgoPDQ)
	if !ok {
		return nil, errors.New("photohash: SearchSet: set has no PDQ hash")
	}
	if g.Quality < th.MinQuality {
		return nil, nil
	}
	sc.queries = sc.queries[:0]
	add := func(k uint8, h Hash, r int, tag uint8) error {
		v, kind := at(k)
		if v == nil {
			return nil
		}
		if err := v.check(h); err != nil {
			return err
		}
		sc.queries = append(sc.queries, query{v: v, q: words(h), r: r, kind: kind, tag: tag})
		return nil
	}
	variants := s.Dihedral()
	if variants == nil {
		variants = []Hash{g}
	}
	for k, h := range variants {
		r := th.PDQGlobal
		if k > 0 {
			r = th.PDQDihedral
		}
		if err := add(kindGlobal, h, r, tagWhole); err != nil {
			return nil, err
		}
	}
	if err := add(kindRegion, g, th.PDQRegion, tagCrop); err != nil {
		return nil, err
	}
	for _, h := range s.Hashes {
		switch h.Algo {
		case AlgoPDQRegion:
			if err := add(kindGlobal, h, th.PDQRegion, tagCrop); err != nil {
				return nil, err
			}
		case AlgoPDQMask:
			k, ok := kindOf(h)
			if !ok {
				continue
			}
			if err := add(k, h, th.PDQMask, tagWhole); err != nil {
				return nil, err
			}
		}
	}
	sc.run(st)
	if len(sc.hits) == 0 {
		return nil, nil
	}
	// Best per id: the smallest distance, and at equal distance a whole-photo match over a
	// crop.
	slices.SortFunc(sc.hits, func(a, b hit) int {
		if a.ID != b.ID {
			return cmp.Compare(a.ID, b.ID)
		}
		if a.Distance != b.Distance {
			return a.Distance - b.Distance
		}
		return int(sc.queries[a.qi].tag) - int(sc.queries[b.qi].tag)
	})
	var out []SetMatch
	for i, h := range sc.hits {
		if i > 0 && h.ID == sc.hits[i-1].ID {
			continue
		}
		out = append(out, SetMatch{ID: h.ID, Distance: h.Distance, Crop: sc.queries[h.qi].tag == tagCrop})
	}
	slices.SortFunc(out, func(a, b SetMatch) int {
		if a.Distance != b.Distance {
			return a.Distance - b.Distance
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, nil
}

// maxKinds bounds the kinds of hash a SetIndex keeps (whole photo, windows, masks).
const maxKinds = 16

func init() {
	if int(kindMask)+len(masks) > maxKinds {
		panic("photohash: more masks than maxKinds")
	}
}

// SetIndex is the index of whole photos that links uses: one multi-index per kind of hash
// (whole photo, crop windows, each mask), so a query probes only the hashes it can match and
// every kind's posting lists stay as dense as one hash per photo.
type SetIndex struct {
	parts []*Index // by kind
}

// NewSetIndex returns an empty SetIndex.
func NewSetIndex() *SetIndex {
	x := &SetIndex{parts: make([]*Index, int(kindMask)+len(masks))}
	for i := range x.parts {
		x.parts[i], _ = NewIndex(AlgoPDQ)
		x.parts[i].single, x.parts[i].oneKind = true, uint8(i)
	}
	return x
}

// Len is the number of whole-photo hashes stored (one per photo added with AddSet).
func (x *SetIndex) Len() int { return x.parts[kindGlobal].Len() }

// AddSet stores s's PDQ hashes (whole photo, windows, masks) under id. Sets below minQuality
// are not stored (Match compares them with nothing). Hashes of another pipeline are refused.
func (x *SetIndex) AddSet(id uint32, s Set, minQuality int) error {
	g, ok := s.Global(AlgoPDQ)
	if !ok || g.Quality < minQuality {
		return nil
	}
	if g.Pipeline != Pipeline {
		return fmt.Errorf("%w: pipeline %q, index %s", ErrIncomparable, g.Pipeline, Pipeline)
	}
	for _, h := range s.Hashes {
		if family(h.Algo) != AlgoPDQ {
			continue
		}
		k, ok := kindOf(h)
		if !ok {
			continue
		}
		if err := x.parts[k].Add(id, h); err != nil {
			return err
		}
	}
	return nil
}

// SearchSet is Index.SearchSet over the per-kind indexes.
func (x *SetIndex) SearchSet(s Set, th Thresholds) ([]SetMatch, error) {
	return x.searchSet(s, th, nil)
}

// searchSet is SearchSet adding its work to *st (when not nil).
func (x *SetIndex) searchSet(s Set, th Thresholds, st *searchStats) ([]SetMatch, error) {
	sc := getScratch()
	defer putScratch(sc)
	return searchSet(sc, s, th, func(k uint8) (*view, int) {
		if int(k) >= len(x.parts) {
			return nil, -1
		}
		return sc.view(x.parts[k], int(k)), -1
	}, st)
}

// indexMagic starts a serialised Index; the version byte after it changes with the layout.
const indexMagic = "RTPHIDX\x02"

// MarshalBinary encodes the index: magic, family, pipeline, count, then per entry id, region
// flag and hash words (big-endian). Posting lists are rebuilt on load.
func (ix *Index) MarshalBinary() ([]byte, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var b bytes.Buffer
	b.WriteString(indexMagic)
	for _, s := range []string{ix.algo, ix.pipeline} {
		b.WriteByte(byte(len(s)))
		b.WriteString(s)
	}
	out := binary.BigEndian.AppendUint64(b.Bytes(), uint64(len(ix.ids)))
	for e, id := range ix.ids {
		out = binary.BigEndian.AppendUint32(out, id)
		out = append(out, ix.kindAt(e))
		for _, w := range ix.hashes[e*ix.words : (e+1)*ix.words] {
			out = binary.BigEndian.AppendUint64(out, w)
		}
	}
	return out, nil
}

// UnmarshalBinary replaces ix with an index encoded by MarshalBinary.
func (ix *Index) UnmarshalBinary(data []byte) error {
	bad := func(why string) error { return fmt.Errorf("photohash: decode index: %s", why) }
	if len(data) < len(indexMagic) || string(data[:len(indexMagic)]) != indexMagic {
		return bad("not an index (bad magic or version)")
	}
	p := data[len(indexMagic):]
	var strs [2]string
	for i := range strs {
		if len(p) < 1 || len(p) < 1+int(p[0]) {
			return bad("truncated header")
		}
		strs[i] = string(p[1 : 1+int(p[0])])
		p = p[1+int(p[0]):]
	}
	n, err := hashBytes(strs[0])
	if err != nil || family(strs[0]) != strs[0] {
		return bad(fmt.Sprintf("unknown family %.20q", strs[0]))
	}
	words := n / 8
	if len(p) < 8 {
		return bad("truncated count")
	}
	count := binary.BigEndian.Uint64(p)
	p = p[8:]
	rec := uint64(5 + 8*words)
	if count > uint64(len(p))/rec || uint64(len(p)) != count*rec {
		return bad(fmt.Sprintf("%d entries do not fit %d bytes", count, len(p)))
	}
	nix := Index{algo: strs[0], pipeline: strs[1], words: words,
		ids: make([]uint32, count), kind: make([]uint8, count), hashes: make([]uint64, count*uint64(words))}
	for e := range nix.ids {
		nix.ids[e] = binary.BigEndian.Uint32(p)
		if int(p[4]) >= int(kindMask)+len(masks) {
			return bad(fmt.Sprintf("entry %d: bad kind %d", e, p[4]))
		}
		nix.kind[e] = p[4]
		p = p[5:]
		for w := range words {
			nix.hashes[e*words+w] = binary.BigEndian.Uint64(p)
			p = p[8:]
		}
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.algo, ix.pipeline, ix.words = nix.algo, nix.pipeline, nix.words
	ix.ids, ix.kind, ix.hashes, ix.built = nix.ids, nix.kind, nix.hashes, 0
	ix.single, ix.oneKind = false, 0
	ix.start, ix.post = nil, nil
	return nil
}
