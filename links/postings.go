package links

import "slices"

// postings maps 64-bit keys to entry ordinals. New postings are buffered
// and merged into a sorted array once per batch (O(n) per merge), which
// keeps 12 bytes per posting and makes lookups a binary search.
type postings struct {
	sorted  []posting
	pending []posting
}

type posting struct {
	key uint64
	ord uint32
}

func cmpPosting(a, b posting) int {
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

func (p *postings) add(key uint64, ord uint32) {
	p.pending = append(p.pending, posting{key, ord})
}

// build merges the pending postings into the sorted array.
func (p *postings) build() {
	if len(p.pending) == 0 {
		return
	}
	slices.SortFunc(p.pending, cmpPosting)
	if len(p.sorted) == 0 {
		p.sorted, p.pending = p.pending, nil
		return
	}
	out := make([]posting, 0, len(p.sorted)+len(p.pending))
	a, b := p.sorted, p.pending
	for len(a) > 0 && len(b) > 0 {
		if cmpPosting(a[0], b[0]) <= 0 {
			out = append(out, a[0])
			a = a[1:]
		} else {
			out = append(out, b[0])
			b = b[1:]
		}
	}
	out = append(append(out, a...), b...)
	p.sorted, p.pending = out, nil
}

// lookup returns the postings of key (after build), ordinals ascending,
// in O(log n) whatever their number.
func (p *postings) lookup(key uint64) []posting {
	lo := lowerBound(p.sorted, key)
	if lo == len(p.sorted) || p.sorted[lo].key != key {
		return nil
	}
	hi := len(p.sorted)
	if key != ^uint64(0) {
		hi = lowerBound(p.sorted, key+1)
	}
	return p.sorted[lo:hi]
}

// lowerBound returns the first index whose key is >= key.
func lowerBound(s []posting, key uint64) int {
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
