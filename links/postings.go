package links

import "slices"

// postings maps keys to entry ordinals: 64-bit keys (contacts: 12 bytes a
// posting; a collision would be a false link) or 32-bit ones (MinHash band
// buckets: 8 bytes; a collision only adds a candidate that the similarity
// check drops). New
// postings are buffered and, at build, sorted into a run; runs are merged
// like a binary counter (a run is merged into the one before it while that
// one is not more than twice its size), so a registry that grows by many
// small batches — a streaming scan — costs O(n log n) in all, and a lookup
// is a binary search in each of O(log n) runs.
type postings[K uint32 | uint64] struct {
	runs    [][]posting[K] // sizes decreasing from first to last
	pending []posting[K]
}

type posting[K uint32 | uint64] struct {
	key K
	ord uint32
}

func cmpPosting[K uint32 | uint64](a, b posting[K]) int {
	switch {
	case a.key < b.key:
		return -1
	case a.key > b.key:
		return 1
	case a.ord < b.ord:
		return -1
	case a.ord > b.ord:
		return 1
	}
	return 0
}

func (p *postings[K]) add(key K, ord uint32) {
	p.pending = append(p.pending, posting[K]{key, ord})
}

// build sorts the pending postings into a run and merges runs.
func (p *postings[K]) build() {
	if len(p.pending) == 0 {
		return
	}
	run := p.pending
	p.pending = nil
	slices.SortFunc(run, cmpPosting[K])
	p.runs = append(p.runs, run)
	for n := len(p.runs); n >= 2 && len(p.runs[n-2]) <= 2*len(p.runs[n-1]); n = len(p.runs) {
		p.runs[n-2] = merge(p.runs[n-2], p.runs[n-1])
		p.runs = p.runs[:n-1]
	}
}

// merge merges two sorted runs into a new one.
func merge[K uint32 | uint64](a, b []posting[K]) []posting[K] {
	out := make([]posting[K], 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if cmpPosting(a[0], b[0]) <= 0 {
			out = append(out, a[0])
			a = a[1:]
		} else {
			out = append(out, b[0])
			b = b[1:]
		}
	}
	return append(append(out, a...), b...)
}

// lookup appends the postings of key (after build) to buf and returns it.
// Ordinals are ascending within a run; across runs, earlier runs hold
// earlier ordinals unless a listing was entered again.
func (p *postings[K]) lookup(key K, buf []posting[K]) []posting[K] {
	for _, run := range p.runs {
		lo := lowerBound(run, key)
		if lo == len(run) || run[lo].key != key {
			continue
		}
		hi := len(run)
		if key != ^K(0) {
			hi = lo + lowerBound(run[lo:], key+1)
		}
		buf = append(buf, run[lo:hi]...)
	}
	return buf
}

// count returns the number of postings of key (after build).
func (p *postings[K]) count(key K) int {
	n := 0
	for _, run := range p.runs {
		lo := lowerBound(run, key)
		if lo == len(run) || run[lo].key != key {
			continue
		}
		hi := len(run)
		if key != ^K(0) {
			hi = lo + lowerBound(run[lo:], key+1)
		}
		n += hi - lo
	}
	return n
}

// lowerBound returns the first index whose key is >= key.
func lowerBound[K uint32 | uint64](s []posting[K], key K) int {
	lo, hi := 0, len(s)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s[m].key < key {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}
