package lexicon

import "fmt"

// flatTrie is the goto trie of an automaton packed for walking from word
// starts. Chains of states with one child and no output are collapsed into
// a skip string (a radix tree), and each state is a header followed by its
// edges in one []uint32, so a walk touches few cache lines.
//
// State layout at offset o: words[o] = edge count | skip length<<16 | flags;
// words[o+1:o+3] = outLo, outHi into outPat; words[o+3] = offset of the skip
// bytes in skip; then either one word with the dense table index
// (flagDense) or the edges, each label<<24 | target offset, sorted by label.
// Entering a state means its edge label was consumed; its skip bytes must
// follow before its outputs apply. Offset 0 is the root, which is never a
// target, so 0 also means "no edge".
type flatTrie struct {
	words  []uint32
	skip   []byte
	dense  [][256]uint32 // dense[0] is the root
	outPat []int32
}

const (
	flagDense  = 1 << 30
	flagOut    = 1 << 29
	countMask  = 1<<16 - 1
	skipShift  = 16
	skipMask   = 1<<13 - 1
	targetMask = 1<<24 - 1
	headerLen  = 4
)

// flatten packs the goto function and outputs of a.
func (a *automaton) flatten() (*flatTrie, error) {
	t := &flatTrie{outPat: a.outPat}
	// chainEnd follows s through states with one child and no outputs and
	// returns the last state and the labels passed.
	chainEnd := func(s int32) (int32, []byte) {
		var labels []byte
		for s != 0 && len(labels) < skipMask {
			st := &a.states[s]
			if st.outHi > st.outLo || st.edgeHi-st.edgeLo != 1 || st.dense >= 0 {
				break
			}
			e := a.edges[st.edgeLo]
			labels = append(labels, e.label)
			s = e.target
		}
		return s, labels
	}
	// Lay out kept states breadth-first; off maps an automaton state that
	// starts a record to its offset.
	off := map[int32]uint32{0: 0}
	queue := []int32{0}
	type rec struct {
		end  int32
		skip []byte
	}
	recs := map[int32]rec{}
	size := 0
	for h := 0; h < len(queue); h++ {
		s := queue[h]
		end, skip := s, []byte(nil)
		if s != 0 {
			end, skip = chainEnd(s)
		}
		recs[s] = rec{end, skip}
		off[s] = uint32(size)
		st := &a.states[end]
		size += headerLen
		if st.dense >= 0 {
			size++
		} else {
			size += int(st.edgeHi - st.edgeLo)
		}
		for _, e := range a.edges[st.edgeLo:st.edgeHi] {
			queue = append(queue, e.target)
		}
	}
	if size > targetMask {
		return nil, fmt.Errorf("lexicon too large: %d trie words (max %d)", size, targetMask)
	}
	t.words = make([]uint32, size)
	for _, s := range queue {
		r := recs[s]
		st := &a.states[r.end]
		o := off[s]
		ne := st.edgeHi - st.edgeLo
		h := ne&countMask | uint32(len(r.skip))<<skipShift
		if st.outHi > st.outLo {
			h |= flagOut
		}
		t.words[o+1], t.words[o+2] = st.outLo, st.outHi
		t.words[o+3] = uint32(len(t.skip))
		t.skip = append(t.skip, r.skip...)
		if st.dense >= 0 {
			h |= flagDense
			var d [256]uint32
			for _, e := range a.edges[st.edgeLo:st.edgeHi] {
				d[e.label] = off[e.target]
			}
			t.words[o+headerLen] = uint32(len(t.dense))
			t.dense = append(t.dense, d)
		} else {
			for k, e := range a.edges[st.edgeLo:st.edgeHi] {
				t.words[o+headerLen+uint32(k)] = uint32(e.label)<<24 | off[e.target]
			}
		}
		t.words[o] = h
	}
	return t, nil
}

// next returns the target of the edge labelled c of the state at o with
// header h, or 0.
func (t *flatTrie) next(o, h uint32, c byte) uint32 {
	if h&flagDense != 0 {
		return t.dense[t.words[o+headerLen]][c]
	}
	for _, e := range t.words[o+headerLen : o+headerLen+h&countMask] {
		if l := byte(e >> 24); l == c {
			return e & targetMask
		} else if l > c {
			return 0
		}
	}
	return 0
}

// walk follows goto transitions from the root over b[start:] and appends
// every pattern that starts exactly at start.
func (t *flatTrie) walk(b []byte, start int, out []candidate) []candidate {
	o := t.dense[0][b[start]]
	i := start // last consumed byte
	for o != 0 {
		h := t.words[o]
		if n := int(h >> skipShift & skipMask); n > 0 {
			if i+n >= len(b) {
				break
			}
			sk := t.skip[t.words[o+3]:][:n]
			if string(b[i+1:i+1+n]) != string(sk) {
				break
			}
			i += n
		}
		if h&flagOut != 0 {
			for j := t.words[o+1]; j < t.words[o+2]; j++ {
				out = append(out, candidate{t.outPat[j], int32(i + 1)})
			}
		}
		i++
		if i >= len(b) {
			break
		}
		o = t.next(o, h, b[i])
	}
	return out
}

// walkBack follows goto transitions of a trie of reversed keys backwards
// over b[:end] and appends every pattern that ends exactly at end.
func (t *flatTrie) walkBack(b []byte, end int, out []candidate) []candidate {
	o := t.dense[0][b[end-1]]
	i := end - 1 // last consumed byte
	for o != 0 {
		h := t.words[o]
		if n := int(h >> skipShift & skipMask); n > 0 {
			if i-n < 0 {
				break
			}
			sk := t.skip[t.words[o+3]:][:n]
			for k := range n {
				if b[i-1-k] != sk[k] {
					return out
				}
			}
			i -= n
		}
		if h&flagOut != 0 {
			for j := t.words[o+1]; j < t.words[o+2]; j++ {
				out = append(out, candidate{t.outPat[j], int32(end)})
			}
		}
		i--
		if i < 0 {
			break
		}
		o = t.next(o, h, b[i])
	}
	return out
}

// reverseBytes returns s with its bytes in reverse order.
func reverseBytes(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}
