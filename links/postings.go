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

// lookup returns the postings of key (after build), ordinals ascending.
func (p *postings) lookup(key uint64) []posting {
	i, _ := slices.BinarySearchFunc(p.sorted, key, func(x posting, k uint64) int {
		switch {
		case x.key < k:
			return -1
		case x.key > k:
			return 1
		}
		return 0
	})
	j := i
	for j < len(p.sorted) && p.sorted[j].key == key {
		j++
	}
	return p.sorted[i:j]
}
