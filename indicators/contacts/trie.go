package contacts

// digitTrie is a byte trie of folded number words, used to split glued words
// ("sixonesix", "seventyone", "5to5") without a map lookup per prefix.
type digitTrie struct {
	root  [256]int32 // child of the root by byte; 0 = none
	nodes []trieNode
}

// trieVal is what a word of the trie stands for.
type trieVal struct {
	num   string // a number ("7", "17", "70")
	glued bool   // num counts only glued to digits or other number words
	conn  int8   // a connector: 1 between tens and ones, 2 between ones and tens
}

type trieNode struct {
	num   string // number of a word ending here, or ""
	glued string // number of a glued-only word ending here, or ""
	conn  int8
	edges []trieEdge
}

type trieEdge struct {
	b    byte
	next int32
}

func newDigitTrie() *digitTrie {
	return &digitTrie{nodes: []trieNode{{}}} // node 0 is the root
}

func (t *digitTrie) add(w string, v trieVal) {
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
			t.nodes = append(t.nodes, trieNode{})
			next = int32(len(t.nodes) - 1)
			if n == 0 {
				t.root[b] = next
			} else {
				t.nodes[n].edges = append(t.nodes[n].edges, trieEdge{b, next})
			}
		}
		n = next
	}
	switch {
	case v.conn != 0:
		t.nodes[n].conn = v.conn
	case v.glued:
		t.nodes[n].glued = v.num
	default:
		t.nodes[n].num = v.num
	}
}

// matches appends the words of the trie that are prefixes of w (with glued-only words when glued).
func (t *digitTrie) matches(w []byte, glued bool, ends []trieMatch) []trieMatch {
	if len(w) == 0 {
		return ends
	}
	n := t.root[w[0]]
	for i := 1; n != 0; i++ {
		nd := &t.nodes[n]
		switch {
		case nd.num != "":
			ends = append(ends, trieMatch{l: i, num: nd.num})
		case glued && nd.glued != "":
			ends = append(ends, trieMatch{l: i, num: nd.glued, glued: true})
		}
		if nd.conn != 0 {
			ends = append(ends, trieMatch{l: i, conn: nd.conn})
		}
		if i == len(w) {
			break
		}
		var next int32
		for _, e := range nd.edges {
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
	l     int
	num   string
	glued bool
	conn  int8
}

// maxSegParts is the most words a glued word is split into.
const maxSegParts = 24

// segment splits the folded word in s.wbuf into number words ("sixonesix", "seventyone",
// "einundzwanzig"), if it consists only of them, and returns their digits. Glued-only words
// ("to" for 2) are used when glued is true, or when the word has other number words too. A
// single word is enough when glued is true ("3" + "for" + "80").
func (s *scanner) segment(glued bool) ([]byte, bool) {
	w := s.wbuf
	if s.t.trie.root[w[0]] == 0 {
		return nil, false
	}
	s.parts = s.parts[:0]
	s.segFailed = 0
	if !s.segFrom(w, 0, 0) {
		return nil, false
	}
	// Compose tens and ones; check the parts.
	s.seg = s.seg[:0]
	nums, gl := 0, 0
	for k := 0; k < len(s.parts); k++ {
		p := s.parts[k]
		if p.conn != 0 {
			return nil, false // a connector not between tens and ones
		}
		nums++
		if p.glued {
			gl++
		}
		if isTens(p.num) && k+1 < len(s.parts) {
			q := s.parts[k+1]
			if q.conn == 1 && k+2 < len(s.parts) && isOnes(s.parts[k+2].num) {
				q = s.parts[k+2]
				k++
			}
			if q.conn == 0 && isOnes(q.num) {
				s.seg = append(s.seg, p.num[0], q.num[0])
				k++
				continue
			}
		}
		if isOnes(p.num) && k+2 < len(s.parts) && s.parts[k+1].conn == 2 && isTens(s.parts[k+2].num) {
			s.seg = append(s.seg, s.parts[k+2].num[0], p.num[0])
			k += 2
			continue
		}
		s.seg = append(s.seg, p.num...)
	}
	if gl > 0 && !glued && nums-gl == 0 {
		return nil, false
	}
	if len(s.parts) < 2 && !glued {
		return nil, false
	}
	return s.seg, true
}

// isTens reports "20".."90"; isOnes "1".."9".
func isTens(n string) bool { return len(n) == 2 && n[1] == '0' && n[0] >= '2' }
func isOnes(n string) bool { return len(n) == 1 && n[0] >= '1' }

func (s *scanner) segFrom(w []byte, at, depth int) bool {
	if at == len(w) {
		return true
	}
	if depth >= maxSegParts || at >= 64 || s.segFailed&(1<<uint(at)) != 0 {
		return false
	}
	var buf [8]trieMatch
	ms := s.t.trie.matches(w[at:], true, buf[:0])
	keep := len(s.parts)
	for k := len(ms) - 1; k >= 0; k-- { // longest first
		s.parts = append(s.parts[:keep], ms[k])
		if s.segFrom(w, at+ms[k].l, depth+1) {
			return true
		}
	}
	s.parts = s.parts[:keep]
	s.segFailed |= 1 << uint(at) // memo: no split from here; keeps the search linear
	return false
}
