package lexicon

import "sort"

// automaton is an Aho–Corasick automaton over bytes. States are numbered in
// breadth-first order and packed into one array so that a transition touches
// few cache lines. The root and states with many children have dense
// transition tables; other states keep a sorted edge list. Target 0 means
// "no edge" (the root is never a target).
type automaton struct {
	states []acState
	edges  []acEdge
	dense  [][256]int32
	outPat []int32 // pattern ids, indexed by acState.outLo/outHi
}

// acState is one automaton state.
type acState struct {
	edgeLo, edgeHi uint32 // edges[edgeLo:edgeHi], sorted by label
	outLo, outHi   uint32 // outPat[outLo:outHi]: patterns ending here
	dense          int32  // index into dense, or -1
	fail           int32  // failure link
	dict           int32  // nearest proper suffix state with outputs (0 = none)
	_              int32
}

// acEdge is a goto transition.
type acEdge struct {
	label  byte
	target int32
}

// denseMin is the number of children from which a state gets a dense table.
const denseMin = 6

type buildEdge struct {
	label  byte
	target int32
}

// buildAutomaton compiles keys (normalized pattern bytes; index = pattern
// id). Empty keys are skipped: they belong to another automaton.
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
		if k == "" {
			continue
		}
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
	children, outs = bfsRenumber(children, outs)
	n := len(children)
	a := &automaton{states: make([]acState, n)}
	for s := range n {
		st := &a.states[s]
		st.edgeLo = uint32(len(a.edges))
		for _, e := range children[s] {
			a.edges = append(a.edges, acEdge(e))
		}
		st.edgeHi = uint32(len(a.edges))
		st.dense = -1
		if s == 0 || len(children[s]) >= denseMin {
			var d [256]int32
			for _, e := range children[s] {
				d[e.label] = e.target
			}
			st.dense = int32(len(a.dense))
			a.dense = append(a.dense, d)
		}
		o := outs[s]
		sort.Slice(o, func(i, j int) bool { return o[i] < o[j] }) // same bytes: report in id order
		st.outLo = uint32(len(a.outPat))
		a.outPat = append(a.outPat, o...)
		st.outHi = uint32(len(a.outPat))
	}

	// Breadth-first: failure and dictionary links (states are in BFS order).
	for s := 1; s < n; s++ {
		for _, e := range children[s] {
			t := e.target
			f := a.states[s].fail
			for {
				if g := a.step(f, e.label); g != 0 && g != t {
					a.states[t].fail = g
					break
				}
				if f == 0 {
					break
				}
				f = a.states[f].fail
			}
			ft := &a.states[a.states[t].fail]
			if ft.outLo != ft.outHi {
				a.states[t].dict = a.states[t].fail
			} else {
				a.states[t].dict = ft.dict
			}
		}
	}
	return a
}

// bfsRenumber renumbers trie states in breadth-first order so that the
// shallow states, which a scan visits most, are contiguous in memory.
func bfsRenumber(children [][]buildEdge, outs [][]int32) ([][]buildEdge, [][]int32) {
	n := len(children)
	newID := make([]int32, n)
	order := make([]int32, 0, n)
	order = append(order, 0)
	for h := 0; h < len(order); h++ {
		for _, e := range children[order[h]] {
			newID[e.target] = int32(len(order))
			order = append(order, e.target)
		}
	}
	nc := make([][]buildEdge, n)
	no := make([][]int32, n)
	for newS, oldS := range order {
		es := make([]buildEdge, len(children[oldS]))
		for i, e := range children[oldS] {
			es[i] = buildEdge{e.label, newID[e.target]}
		}
		nc[newS] = es
		no[newS] = outs[oldS]
	}
	return nc, no
}

// empty reports whether the automaton has no patterns.
func (a *automaton) empty() bool { return len(a.outPat) == 0 }

// step returns the goto transition of state s on byte c, or 0.
func (a *automaton) step(s int32, c byte) int32 {
	st := &a.states[s]
	if st.dense >= 0 {
		return a.dense[st.dense][c]
	}
	for _, e := range a.edges[st.edgeLo:st.edgeHi] {
		if e.label == c {
			return e.target
		} else if e.label > c {
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

// scan runs the full Aho–Corasick automaton over b and appends every pattern
// occurrence.
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
				s = a.states[s].fail
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
		if st := &a.states[o]; st.outLo == st.outHi {
			o = st.dict
		}
		for o != 0 {
			st := &a.states[o]
			for j := st.outLo; j < st.outHi; j++ {
				out = append(out, candidate{a.outPat[j], int32(i + 1)})
			}
			o = st.dict
		}
	}
	return out
}
