package contacts

// digitTrie is a byte trie of folded number words, used to split glued words
// ("sixonesix") without a map lookup per prefix.
type digitTrie struct {
	root  [256]int32 // child of the root by byte; 0 = none
	nodes []trieNode
}

type trieNode struct {
	digit int8 // digit ending here, or -1
	edges []trieEdge
}

type trieEdge struct {
	b    byte
	next int32
}

func newDigitTrie() *digitTrie {
	return &digitTrie{nodes: []trieNode{{digit: -1}}} // node 0 is the root
}

func (t *digitTrie) add(w string, d int8) {
	n := int32(0)
	for i := 0; i < len(w); i++ {
		b := w[i]
		var next int32
		if n == 0 {
			next = t.root[b]
		} else {
			for _, e := range t.nodes[n].edges {
				if e.b == b {
					next = e.next
					break
				}
			}
		}
		if next == 0 {
			t.nodes = append(t.nodes, trieNode{digit: -1})
			next = int32(len(t.nodes) - 1)
			if n == 0 {
				t.root[b] = next
			} else {
				t.nodes[n].edges = append(t.nodes[n].edges, trieEdge{b, next})
			}
		}
		n = next
	}
	t.nodes[n].digit = d
}

// matches appends to ends the lengths of the number words that are prefixes of w, with their digits.
func (t *digitTrie) matches(w []byte, ends []trieMatch) []trieMatch {
	if len(w) == 0 {
		return ends
	}
	n := t.root[w[0]]
	for i := 1; n != 0; i++ {
		if d := t.nodes[n].digit; d >= 0 {
			ends = append(ends, trieMatch{l: i, d: d})
		}
		if i == len(w) {
			break
		}
		var next int32
		for _, e := range t.nodes[n].edges {
			if e.b == w[i] {
				next = e.next
				break
			}
		}
		n = next
	}
	return ends
}

type trieMatch struct {
	l int
	d int8
}

// segment splits the folded word in s.wbuf into number words ("sixonesix"), if it consists only
// of them, and returns their digits.
func (s *scanner) segment() ([]byte, bool) {
	w := s.wbuf
	if s.t.trie.root[w[0]] == 0 {
		return nil, false
	}
	s.seg = s.seg[:0]
	s.segFailed = 0
	if !s.segFrom(w, 0, 0) || len(s.seg) < 2 {
		return nil, false
	}
	return s.seg, true
}

func (s *scanner) segFrom(w []byte, at, depth int) bool {
	if at == len(w) {
		return true
	}
	if depth > 24 || at >= 64 || s.segFailed&(1<<uint(at)) != 0 {
		return false
	}
	var buf [8]trieMatch
	ms := s.t.trie.matches(w[at:], buf[:0])
	keep := len(s.seg)
	for k := len(ms) - 1; k >= 0; k-- { // longest first
		s.seg = append(s.seg[:keep], '0'+byte(ms[k].d))
		if s.segFrom(w, at+ms[k].l, depth+1) {
			return true
		}
	}
	s.seg = s.seg[:keep]
	s.segFailed |= 1 << uint(at) // memo: no split from here; keeps the search linear
	return false
}
