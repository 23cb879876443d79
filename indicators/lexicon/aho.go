package lexicon

import "sort"

// automaton is an Aho–Corasick automaton over bytes. Root transitions and
// those of states with many children are dense tables; other states keep a
// sorted edge list. Target 0 means "no edge" (the root is never a target).
type automaton struct {
	edgeOff    []uint32 // state → first edge; len = states+1
	edgeLabel  []byte
	edgeTarget []int32
	denseIdx   []int32 // state → index into dense, or -1
	dense      [][256]int32
	fail       []int32
	outOff     []uint32 // state → first output in outPat; len = states+1
	outPat     []int32
	dict       []int32 // state → nearest proper suffix state with outputs (0 = none)
}

// denseMin is the number of children from which a state gets a dense table.
const denseMin = 6

type buildEdge struct {
	label  byte
	target int32
}

// buildAutomaton compiles keys (normalized pattern bytes; index = pattern id).
func buildAutomaton(keys []string) *automaton {
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return keys[order[a]] < keys[order[b]] })

	children := [][]buildEdge{nil}
	outs := [][]int32{nil}
	for _, id := range order {
		k := keys[id]
		s := int32(0)
		for i := 0; i < len(k); i++ {
			c := children[s]
			// keys are sorted, so an existing child for k[i] is the last one.
			if n := len(c); n > 0 && c[n-1].label == k[i] {
				s = c[n-1].target
				continue
			}
			t := int32(len(children))
			children = append(children, nil)
			outs = append(outs, nil)
			children[s] = append(children[s], buildEdge{k[i], t})
			s = t
		}
		outs[s] = append(outs[s], int32(id))
	}
	n := len(children)
	a := &automaton{
		edgeOff:  make([]uint32, n+1),
		denseIdx: make([]int32, n),
		fail:     make([]int32, n),
		outOff:   make([]uint32, n+1),
		dict:     make([]int32, n),
	}
	for s := range n {
		a.edgeOff[s] = uint32(len(a.edgeLabel))
		for _, e := range children[s] {
			a.edgeLabel = append(a.edgeLabel, e.label)
			a.edgeTarget = append(a.edgeTarget, e.target)
		}
		a.denseIdx[s] = -1
		if s == 0 || len(children[s]) >= denseMin {
			var d [256]int32
			for _, e := range children[s] {
				d[e.label] = e.target
			}
			a.denseIdx[s] = int32(len(a.dense))
			a.dense = append(a.dense, d)
		}
		a.outOff[s] = uint32(len(a.outPat))
		// patterns with the same bytes are reported in id order
		o := outs[s]
		sort.Slice(o, func(i, j int) bool { return o[i] < o[j] })
		a.outPat = append(a.outPat, o...)
	}
	a.edgeOff[n] = uint32(len(a.edgeLabel))
	a.outOff[n] = uint32(len(a.outPat))

	// Breadth-first: failure and dictionary links.
	queue := make([]int32, 0, n)
	for _, e := range children[0] {
		queue = append(queue, e.target) // fail = root
	}
	for h := 0; h < len(queue); h++ {
		s := queue[h]
		for _, e := range children[s] {
			t := e.target
			f := a.fail[s]
			for {
				if g := a.step(f, e.label); g != 0 {
					a.fail[t] = g
					break
				}
				if f == 0 {
					break
				}
				f = a.fail[f]
			}
			ft := a.fail[t]
			if a.outOff[ft] != a.outOff[ft+1] {
				a.dict[t] = ft
			} else {
				a.dict[t] = a.dict[ft]
			}
			queue = append(queue, t)
		}
	}
	return a
}

// step returns the goto transition of state s on byte c, or 0.
func (a *automaton) step(s int32, c byte) int32 {
	if d := a.denseIdx[s]; d >= 0 {
		return a.dense[d][c]
	}
	lo, hi := a.edgeOff[s], a.edgeOff[s+1]
	for i := lo; i < hi; i++ {
		if l := a.edgeLabel[i]; l == c {
			return a.edgeTarget[i]
		} else if l > c {
			return 0
		}
	}
	return 0
}

// candidate is a raw pattern occurrence: pattern id and end offset in the
// normalized text.
type candidate struct {
	pat int32
	end int32
}

// scan appends every pattern occurrence in b to out.
func (a *automaton) scan(b []byte, out []candidate) []candidate {
	s := int32(0)
	root := &a.dense[0]
	for i := 0; i < len(b); i++ {
		c := b[i]
		if s == 0 {
			s = root[c]
		} else {
			for {
				if t := a.step(s, c); t != 0 {
					s = t
					break
				}
				s = a.fail[s]
				if s == 0 {
					s = root[c]
					break
				}
			}
		}
		if s == 0 {
			continue
		}
		o := s
		if a.outOff[o] == a.outOff[o+1] {
			o = a.dict[o]
		}
		for o != 0 {
			for j := a.outOff[o]; j < a.outOff[o+1]; j++ {
				out = append(out, candidate{a.outPat[j], int32(i + 1)})
			}
			o = a.dict[o]
		}
	}
	return out
}
