package photohash

import (
	"bytes"
	"encoding/gob"
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

var long = flag.Bool("long", false, "run the 10M-hash index benchmarks")

// randomHash returns a random hash of algo's size.
func randomHash(rng *rand.Rand, algo string) Hash {
	n, _ := hashBytes(algo)
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return Hash{Algo: algo, Pipeline: Pipeline, Bits: b}
}

// flipBits returns a copy of h with d distinct random bits flipped.
func flipBits(rng *rand.Rand, h Hash, d int) Hash {
	out := h
	out.Bits = slices.Clone(h.Bits)
	for flipped := 0; flipped < d; {
		k := rng.IntN(len(h.Bits) * 8)
		if out.Bits[k/8]&(1<<(k%8)) != h.Bits[k/8]&(1<<(k%8)) {
			continue // already flipped
		}
		out.Bits[k/8] ^= 1 << (k % 8)
		flipped++
	}
	return out
}

// buildIndex returns an index of n random hashes, with near copies of the first few planted at
// distances 0..maxPlant.
func buildIndex(t testing.TB, algo string, n, maxPlant int, seed uint64) (*Index, []Hash) {
	rng := rand.New(rand.NewPCG(seed, 1))
	ix, err := NewIndex(algo)
	if err != nil {
		t.Fatal(err)
	}
	var base []Hash
	for i := range n {
		var h Hash
		if i < n/2 || len(base) == 0 || maxPlant == 0 {
			h = randomHash(rng, algo)
			base = append(base, h)
		} else {
			h = flipBits(rng, base[rng.IntN(len(base))], rng.IntN(maxPlant+1))
		}
		if err := ix.Add(uint32(i), h); err != nil {
			t.Fatal(err)
		}
	}
	return ix, base
}

func TestIndexMatchesLinearScan(t *testing.T) {
	for _, tc := range []struct {
		algo  string
		n     int
		radii []int
	}{
		{AlgoPDQ, 20000, []int{0, 10, 15, 16, 31, 40, 48, 70}},
		{AlgoPHash, 20000, []int{0, 3, 4, 10, 12, 20}},
	} {
		maxPlant := 60
		if tc.algo == AlgoPHash {
			maxPlant = 16
		}
		ix, base := buildIndex(t, tc.algo, tc.n, maxPlant, 7)
		rng := rand.New(rand.NewPCG(9, 9))
		for _, r := range tc.radii {
			found := 0
			for q := range 50 {
				query := flipBits(rng, base[q*7%len(base)], rng.IntN(r+1))
				got, err := ix.Search(query, r)
				if err != nil {
					t.Fatal(err)
				}
				var qw [4]uint64
				for w := range ix.words {
					for k := range 8 {
						qw[w] = qw[w]<<8 | uint64(query.Bits[8*w+k])
					}
				}
				want := ix.linear(qw[:ix.words], r, nil, 0)
				if !slices.Equal(got, want) {
					t.Fatalf("%s r=%d: index %d results, linear %d", tc.algo, r, len(got), len(want))
				}
				found += len(got)
			}
			if r >= 10 && found < 50 {
				t.Errorf("%s r=%d: only %d hits for 50 queries planted within r", tc.algo, r, found)
			}
		}
	}
}

func TestIndexSearchSet(t *testing.T) {
	th := DefaultThresholds()
	ix, _ := NewIndex(AlgoPDQ)
	paths := []string{"reg-test-input/dih/bridge-1-original.jpg", "misc-images/c.png",
		"reg-test-input/labelme-subset/q0122.jpg", "reg-test-input/labelme-subset/q2821.jpg"}
	for i, p := range paths {
		if err := ix.AddSet(uint32(i), hashTestFile(t, "testdata/pdq/"+p)); err != nil {
			t.Fatal(err)
		}
	}
	if ix.Len() != len(paths)*(1+len(regions)+len(masks)) {
		t.Fatalf("Len %d", ix.Len())
	}
	// A rotated, re-encoded copy finds the original (id 0) and nothing else.
	got, err := ix.SearchSet(hashTestFile(t, "testdata/pdq/reg-test-input/dih/bridge-4-rotate-270.jpg"), th)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != 0 || got[0].Crop {
		t.Errorf("rotated copy: %+v", got)
	}
	// Each stored photo finds itself at distance 0, whatever Match would say.
	for i, p := range paths {
		s := hashTestFile(t, "testdata/pdq/"+p)
		got, _ := ix.SearchSet(s, th)
		if len(got) == 0 || got[0].ID != uint32(i) || got[0].Distance != 0 {
			t.Errorf("%s: %+v", p, got)
		}
		for _, m := range got {
			other := hashTestFile(t, "testdata/pdq/"+paths[m.ID])
			if _, ok := Match(s, other, th); !ok {
				t.Errorf("%s: SearchSet found %d, Match disagrees", p, m.ID)
			}
		}
	}
}

func TestIndexRefusesOtherKinds(t *testing.T) {
	ix, _ := NewIndex(AlgoPDQ)
	rng := rand.New(rand.NewPCG(1, 2))
	if err := ix.Add(1, randomHash(rng, AlgoPHash)); err == nil {
		t.Error("PDQ index accepted a pHash")
	}
	h := randomHash(rng, AlgoPDQ)
	if err := ix.Add(1, h); err != nil {
		t.Fatal(err)
	}
	other := h
	other.Pipeline = "rt-photo-0"
	if _, err := ix.Search(other, 10); err == nil {
		t.Error("index searched with a hash from another pipeline")
	}
	if _, err := NewIndex("md5"); err == nil {
		t.Error("NewIndex accepted an unknown algorithm")
	}
}

func TestIndexSerialise(t *testing.T) {
	ix, base := buildIndex(t, AlgoPDQ, 3000, 30, 3)
	data, err := ix.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back Index
	if err := back.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	// Through encoding/gob as well, as the links registry may store it.
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(ix); err != nil {
		t.Fatal(err)
	}
	var viaGob Index
	if err := gob.NewDecoder(&buf).Decode(&viaGob); err != nil {
		t.Fatal(err)
	}
	for _, q := range base[:20] {
		want, _ := ix.Search(q, 31)
		for name, other := range map[string]*Index{"binary": &back, "gob": &viaGob} {
			got, err := other.Search(q, 31)
			if err != nil || !slices.Equal(got, want) {
				t.Fatalf("%s round trip: %v, %d results, want %d", name, err, len(got), len(want))
			}
		}
	}
	for _, cut := range []int{0, 5, len(indexMagic) + 3, len(data) - 1} {
		if err := new(Index).UnmarshalBinary(data[:cut]); err == nil {
			t.Errorf("truncated to %d bytes: no error", cut)
		}
	}
}

func FuzzIndexUnmarshal(f *testing.F) {
	ix, _ := buildIndex(f, AlgoPHash, 5, 2, 1)
	good, _ := ix.MarshalBinary()
	f.Add(good)
	f.Add([]byte(indexMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		var ix Index
		if err := ix.UnmarshalBinary(data); err != nil {
			return
		}
		again, err := ix.MarshalBinary()
		if err != nil || !bytes.Equal(again, data) {
			t.Fatalf("re-encoding differs")
		}
		h := Hash{Algo: ix.algo, Bits: make([]byte, ix.words*8)}
		if _, err := ix.Search(h, 5); err != nil {
			t.Fatal(err)
		}
	})
}

func benchIndex(b *testing.B, n, radius int, linear bool) {
	if n > 1_000_000 && !*long {
		b.Skip("10M benchmarks need -long")
	}
	ix, base := buildIndex(b, AlgoPDQ, n, 40, 11)
	rng := rand.New(rand.NewPCG(5, 5))
	queries := make([]Hash, 256)
	for i := range queries {
		queries[i] = flipBits(rng, base[rng.IntN(len(base))], rng.IntN(radius+1))
	}
	ix.Search(queries[0], 0) // build posting lists outside the timer
	var out []Result
	b.ResetTimer()
	hits, checked := 0, 0
	var st searchStats
	cpu0 := cpuTime()
	for i := 0; b.Loop(); i++ {
		q := queries[i%len(queries)]
		if linear {
			var qw [4]uint64
			for w := range 4 {
				for k := range 8 {
					qw[w] = qw[w]<<8 | uint64(q.Bits[8*w+k])
				}
			}
			out = ix.linear(qw[:], radius, out[:0], 0)
			checked += ix.Len()
		} else {
			out, _ = ix.searchCount(q, radius, out[:0], &st)
		}
		hits += len(out)
	}
	b.ReportMetric(float64(hits)/float64(b.N), "hits/op")
	b.ReportMetric(float64(checked+st.compared)/float64(b.N), "compared/op")
	b.ReportMetric(float64(cpuTime()-cpu0)/1e6/float64(b.N), "cpu-ms/op")
}

func BenchmarkIndexSearch1M(b *testing.B) {
	for _, r := range []int{31, 48} {
		b.Run(fmt.Sprintf("r%d", r), func(b *testing.B) { benchIndex(b, 1_000_000, r, false) })
	}
}

func BenchmarkLinear1M(b *testing.B) {
	for _, r := range []int{31, 48} {
		b.Run(fmt.Sprintf("r%d", r), func(b *testing.B) { benchIndex(b, 1_000_000, r, true) })
	}
}

func BenchmarkIndexSearch10M(b *testing.B) {
	for _, r := range []int{31, 48} {
		b.Run(fmt.Sprintf("r%d", r), func(b *testing.B) { benchIndex(b, 10_000_000, r, false) })
	}
}

func BenchmarkLinear10M(b *testing.B) {
	for _, r := range []int{31, 48} {
		b.Run(fmt.Sprintf("r%d", r), func(b *testing.B) { benchIndex(b, 10_000_000, r, true) })
	}
}

func TestIndexConcurrent(t *testing.T) {
	ix, base := buildIndex(t, AlgoPDQ, 2000, 20, 4)
	rng := rand.New(rand.NewPCG(3, 3))
	extra := make([]Hash, 200)
	for i := range extra {
		extra[i] = randomHash(rng, AlgoPDQ)
	}
	done := make(chan bool)
	go func() {
		for i, h := range extra {
			if err := ix.Add(uint32(5000+i), h); err != nil {
				t.Error(err)
			}
		}
		done <- true
	}()
	for i := range 200 {
		if _, err := ix.Search(base[i%len(base)], 31); err != nil {
			t.Fatal(err)
		}
	}
	<-done
	got, err := ix.Search(extra[len(extra)-1], 0)
	if err != nil || len(got) != 1 || got[0].ID != uint32(5000+len(extra)-1) {
		t.Errorf("after concurrent adds: %+v, %v", got, err)
	}
}

// Entries added after the posting lists were built (the tail) are found, and a growing tail
// eventually triggers a rebuild; results equal a linear scan throughout.
func TestIndexTail(t *testing.T) {
	ix, base := buildIndex(t, AlgoPDQ, 20000, 40, 21)
	rng := rand.New(rand.NewPCG(4, 4))
	check := func(stage string) {
		for q := range 30 {
			query := flipBits(rng, base[q*13%len(base)], rng.IntN(16))
			got, err := ix.Search(query, 15)
			if err != nil {
				t.Fatal(err)
			}
			var qw [4]uint64
			for w := range 4 {
				for k := range 8 {
					qw[w] = qw[w]<<8 | uint64(query.Bits[8*w+k])
				}
			}
			if want := ix.linear(qw[:], 15, nil, 0); !slices.Equal(got, want) {
				t.Fatalf("%s: index %d results, linear %d", stage, len(got), len(want))
			}
		}
	}
	check("built")
	if ix.built != 20000 {
		t.Fatalf("built %d after the first search", ix.built)
	}
	for i := range 3000 { // a tail below the rebuild size: scanned, not indexed
		h := flipBits(rng, base[i], 3)
		base = append(base, h)
		if err := ix.Add(uint32(30000+i), h); err != nil {
			t.Fatal(err)
		}
	}
	check("tail")
	if ix.built != 20000 {
		t.Errorf("rebuilt with a tail of 3000 (built %d)", ix.built)
	}
	for i := range 3000 {
		if err := ix.Add(uint32(40000+i), flipBits(rng, base[i], 5)); err != nil {
			t.Fatal(err)
		}
	}
	check("rebuilt")
	if ix.built != 26000 {
		t.Errorf("tail of 6000 > 5000: want a rebuild, built %d", ix.built)
	}
}

// bruteSearchSet is SearchSet's rule by comparing q with every stored set.
func bruteSearchSet(stored []Set, q Set, th Thresholds) []SetMatch {
	var out []SetMatch
	for id, s := range stored {
		best, crop, found := 0, false, false
		note := func(d int, isCrop bool) {
			if !found || d < best || (d == best && !isCrop && crop) {
				best, crop, found = d, isCrop, true
			}
		}
		sg, _ := s.Global(AlgoPDQ)
		qg, _ := q.Global(AlgoPDQ)
		for k, v := range q.Dihedral() {
			r := th.PDQGlobal
			if k > 0 {
				r = th.PDQDihedral
			}
			if d, _ := Distance(v, sg); d <= r {
				note(d, false)
			}
		}
		for _, h := range s.Hashes {
			if h.Algo == AlgoPDQRegion {
				if d, _ := Distance(qg, h); d <= th.PDQRegion {
					note(d, true)
				}
			}
		}
		for _, h := range q.Hashes {
			switch h.Algo {
			case AlgoPDQRegion:
				if d, _ := Distance(h, sg); d <= th.PDQRegion {
					note(d, true)
				}
			case AlgoPDQMask:
				for _, o := range s.Hashes {
					if o.Algo == AlgoPDQMask && o.Region == h.Region {
						if d, _ := Distance(h, o); d <= th.PDQMask {
							note(d, false)
						}
					}
				}
			}
		}
		if found {
			out = append(out, SetMatch{ID: uint32(id), Distance: best, Crop: crop})
		}
	}
	slices.SortFunc(out, func(a, b SetMatch) int {
		if a.Distance != b.Distance {
			return a.Distance - b.Distance
		}
		return int(a.ID) - int(b.ID)
	})
	return out
}

// TestSetIndexMatchesBruteForce: SetIndex.SearchSet and Index.SearchSet (one batch of 30
// searches over posting lists, tails and linear scans) equal the rule applied to every stored
// photo, for near copies, crops both ways and masked copies, at links' radii and at Match's.
func TestSetIndexMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 7))
	six := NewSetIndex()
	mix, _ := NewIndex(AlgoPDQ)
	var stored []Set
	add := func(n int) {
		for range n {
			s := synthSet(rng)
			id := uint32(len(stored))
			stored = append(stored, s)
			if err := six.AddSet(id, s, 0); err != nil {
				t.Fatal(err)
			}
			if err := mix.AddSet(id, s); err != nil {
				t.Fatal(err)
			}
		}
	}
	// queries: near copies, a crop of a stored photo (its whole hash near a stored window), the
	// original of a stored crop (a window near a stored whole hash), a masked copy.
	queries := func() []Set {
		var qs []Set
		for i := range 40 {
			src := stored[rng.IntN(len(stored))]
			d := rng.IntN(20)
			var q Set
			switch i % 4 {
			case 0:
				q = nearCopy(rng, src, d)
			case 1:
				q = withOrientations(rng, synthSet(rng))
				g := flipBits(rng, src.Hashes[1+rng.IntN(len(regions))], d)
				g.Algo, g.Region, g.Quality = AlgoPDQ, "", 100
				q.Hashes[0] = g
			case 2:
				q = withOrientations(rng, synthSet(rng))
				j := 1 + rng.IntN(len(regions))
				w := flipBits(rng, src.Hashes[0], d)
				w.Algo, w.Region = AlgoPDQRegion, q.Hashes[j].Region
				q.Hashes[j] = w
			case 3:
				q = withOrientations(rng, synthSet(rng))
				j := 1 + len(regions) + rng.IntN(len(masks))
				q.Hashes[j] = flipBits(rng, src.Hashes[j], d)
			}
			qs = append(qs, q)
		}
		return qs
	}
	check := func(stage string) {
		for _, th := range []Thresholds{
			{PDQGlobal: 15, PDQDihedral: 15, PDQRegion: 15, PDQMask: 15},
			{PDQGlobal: 31, PDQDihedral: 31, PDQRegion: 40, PDQMask: 15},
			{PDQGlobal: 48, PDQDihedral: 20, PDQRegion: 33, PDQMask: 0},
		} {
			hits := 0
			for qi, q := range queries() {
				want := bruteSearchSet(stored, q, th)
				for name, search := range map[string]func(Set, Thresholds) ([]SetMatch, error){
					"SetIndex": six.SearchSet, "Index": mix.SearchSet} {
					got, err := search(q, th)
					if err != nil {
						t.Fatal(err)
					}
					if !slices.Equal(got, want) {
						t.Fatalf("%s, %+v, query %d: %s.SearchSet %+v, want %+v", stage, th, qi, name, got, want)
					}
				}
				hits += len(want)
			}
			if hits < 15 {
				t.Errorf("%s, %+v: only %d matches for 40 planted queries", stage, th, hits)
			}
		}
	}
	add(3000)
	check("built")
	add(600) // a tail, scanned linearly
	check("tail")
}

// TestIndexSketchBoundary: a stored hash whose whole distance from the query lies in the three
// blocks a posting's sketch carries, exactly at the radius, is still found (the sketch test is
// a bound, never stricter than the radius).
func TestIndexSketchBoundary(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 17))
	ix, _ := buildIndex(t, AlgoPDQ, 5000, 0, 13)
	base := ix.Len()
	type plant struct {
		q    Hash
		r, b int
	}
	var plants []plant
	for _, r := range []int{15, 31, 40} {
		for b := range 16 {
			q := randomHash(rng, AlgoPDQ)
			h := q
			h.Bits = slices.Clone(q.Bits)
			for k := range r { // r bits spread over blocks b+1..b+3
				blk := (b + 1 + k%3) % 16
				bit := k / 3
				h.Bits[2*blk+bit/8] ^= 0x80 >> (bit % 8)
			}
			if err := ix.Add(uint32(base+len(plants)), h); err != nil {
				t.Fatal(err)
			}
			plants = append(plants, plant{q, r, b})
		}
	}
	ix.Search(plants[0].q, 0) // build
	for i, p := range plants {
		got, err := ix.Search(p.q, p.r)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(got, func(x Result) bool { return x.ID == uint32(base+i) && x.Distance == p.r }) {
			t.Errorf("r=%d, distance in the sketch of block %d: not found (%+v)", p.r, p.b, got)
		}
	}
}

// TestIndexLongGaps: in an index larger than a posting's gap field (2^18 entries), lists with
// entries farther apart than that carry fillers; searches still equal a linear scan, and near
// copies of a query planted alone in their lists, 270,000 entries apart, are found.
func TestIndexLongGaps(t *testing.T) {
	const n = 300_000
	rng := rand.New(rand.NewPCG(8, 8))
	ix, _ := NewIndex(AlgoPDQ)
	q := randomHash(rng, AlgoPDQ)
	planted := []uint32{0, 270_000, n - 1}
	for i := range n {
		h := randomHash(rng, AlgoPDQ)
		for b := range 16 { // no block value of q: its lists hold only the planted copies
			if h.Bits[2*b] == q.Bits[2*b] && h.Bits[2*b+1] == q.Bits[2*b+1] {
				h.Bits[2*b] ^= 1
			}
		}
		if slices.Contains(planted, uint32(i)) {
			h = flipBits(rng, q, 3+i%5) // a near copy of q: most blocks equal
		}
		if err := ix.Add(uint32(i), h); err != nil {
			t.Fatal(err)
		}
	}
	got, err := ix.Search(q, 15)
	if err != nil {
		t.Fatal(err)
	}
	var ids []uint32
	for _, r := range got {
		ids = append(ids, r.ID)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, planted) {
		t.Errorf("found %v, want the 3 planted copies", ids)
	}
	fillers := 0
	for _, p := range ix.post[0] {
		if p>>sketchBits == maxGap {
			fillers++
		}
	}
	if fillers == 0 {
		t.Fatal("no filler postings: the test no longer covers long gaps")
	}
	for i := range 40 {
		query := flipBits(rng, q, i%16)
		if i%2 == 1 {
			query = randomHash(rng, AlgoPDQ)
		}
		for _, r := range []int{15, 31} {
			got, _ := ix.Search(query, r)
			qw := words(query)
			want := ix.linear(qw[:], r, nil, 0)
			if !slices.Equal(got, want) {
				t.Fatalf("r=%d: index %d results, linear %d", r, len(got), len(want))
			}
		}
	}
}
