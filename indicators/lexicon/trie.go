package lexicon

import "fmt"

// flatTrie is the goto trie of an automaton packed for walking from word
// starts: each state is a header followed by its edges in one []uint32, so
// a transition usually touches a single cache line.
//
// State layout at offset o: words[o] = edge count | flags; words[o+1:o+3] =
// outLo, outHi into outPat; then either one word with the dense table index
// (flagDense) or the edges, each label<<24 | target offset, sorted by label.
// Offset 0 is the root, which is never a target, so 0 also means "no edge".
type flatTrie struct {
	words  []uint32
	dense  [][256]uint32 // dense[0] is the root
	outPat []int32
}

const (
	flagDense  = 1 << 30
	flagOut    = 1 << 29
	countMask  = 1<<16 - 1
	targetMask = 1<<24 - 1
)

// flatten packs the goto function and outputs of a.
func (a *automaton) flatten() (*flatTrie, error) {
	n := len(a.states)
	off := make([]uint32, n)
	size := 0
	for s := range n {
		off[s] = uint32(size)
		st := &a.states[s]
		size += 3
		if st.dense >= 0 {
			size++
		} else {
			size += int(st.edgeHi - st.edgeLo)
		}
	}
	if size > targetMask {
		return nil, fmt.Errorf("lexicon too large: %d trie words (max %d)", size, targetMask)
	}
	t := &flatTrie{words: make([]uint32, size), outPat: a.outPat}
	for s := range n {
		st := &a.states[s]
		o := off[s]
		ne := st.edgeHi - st.edgeLo
		h := ne & countMask
		if st.outHi > st.outLo {
			h |= flagOut
		}
		t.words[o+1], t.words[o+2] = st.outLo, st.outHi
		if st.dense >= 0 {
			h |= flagDense
			var d [256]uint32
			for _, e := range a.edges[st.edgeLo:st.edgeHi] {
				d[e.label] = off[e.target]
			}
			t.words[o+3] = uint32(len(t.dense))
			t.dense = append(t.dense, d)
		} else {
			for k, e := range a.edges[st.edgeLo:st.edgeHi] {
				t.words[o+3+uint32(k)] = uint32(e.label)<<24 | off[e.target]
			}
		}
		t.words[o] = h
	}
	return t, nil
}

// walk follows goto transitions from the root over b[start:] and appends
// every pattern that starts exactly at start.
func (t *flatTrie) walk(b []byte, start int, out []candidate) []candidate {
	o := t.dense[0][b[start]]
	words := t.words
	for i := start; o != 0; {
		h := words[o]
		if h&flagOut != 0 {
			for j := words[o+1]; j < words[o+2]; j++ {
				out = append(out, candidate{t.outPat[j], int32(i + 1)})
			}
		}
		i++
		if i >= len(b) {
			break
		}
		c := b[i]
		if h&flagDense != 0 {
			o = t.dense[words[o+3]][c]
			continue
		}
		edges := words[o+3 : o+3+h&countMask]
		o = 0
		for _, e := range edges {
			if l := byte(e >> 24); l == c {
				o = e & targetMask
				break
			} else if l > c {
				break
			}
		}
	}
	return out
}

// walkBack follows goto transitions of a trie of reversed keys backwards
// over b[:end] and appends every pattern that ends exactly at end.
func (t *flatTrie) walkBack(b []byte, end int, out []candidate) []candidate {
	o := t.dense[0][b[end-1]]
	words := t.words
	for i := end - 1; o != 0; {
		h := words[o]
		if h&flagOut != 0 {
			for j := words[o+1]; j < words[o+2]; j++ {
				out = append(out, candidate{t.outPat[j], int32(end)})
			}
		}
		i--
		if i < 0 {
			break
		}
		c := b[i]
		if h&flagDense != 0 {
			o = t.dense[words[o+3]][c]
			continue
		}
		edges := words[o+3 : o+3+h&countMask]
		o = 0
		for _, e := range edges {
			if l := byte(e >> 24); l == c {
				o = e & targetMask
				break
			} else if l > c {
				break
			}
		}
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
