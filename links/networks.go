package links

import (
	"cmp"
	"slices"
	"strings"

	"github.com/redthread/redthread/corpus"
)

// Network is a connected component of linked listings, as `redthread
// networks` writes it.
type Network struct {
	Size    int      `json:"size"`
	Members []string `json:"members"` // sorted listing IDs
	// Unscanned are members known only as the target of a link (listings of
	// an earlier batch not among the results read).
	Unscanned  []string         `json:"unscanned,omitempty"`
	Shared     []string         `json:"shared"` // shared keys: contacts, photo hashes, text sketches
	FirstSeen  string           `json:"first_seen,omitempty"`
	LastSeen   string           `json:"last_seen,omitempty"`
	Locations  []string         `json:"locations,omitempty"`
	Languages  []string         `json:"languages,omitempty"`
	Kinds      []string         `json:"kinds,omitempty"`
	Indicators []IndicatorCount `json:"top_indicators"`
	MaxScore   int              `json:"highest_score"`
	MaxScoreID string           `json:"highest_score_id"`
	// Templates are the network's families of copied text (listings
	// linked by network.template_text or network.repost), largest first,
	// each with its template, slots and slot values (aligned from the
	// bodies embedded in the results: scan --embed-listing).
	Templates []TemplateFamily `json:"templates,omitempty"`
}

// SuppressedKey is a key (contact, photo hash) that linked nothing
// because the scan found it generic (network.generic_key), with the
// listings among the results that carry it.
type SuppressedKey struct {
	Key      string   `json:"suppressed"`
	Kind     string   `json:"kind"`     // contact or photo
	Listings int      `json:"listings"` // results carrying the key
	IDs      []string `json:"ids"`      // the first of them, sorted
	Note     string   `json:"note"`     // the scan's reason, with the group size it saw
}

// maxSuppressedIDs bounds SuppressedKey.IDs.
const maxSuppressedIDs = 20

// IndicatorCount is how many members of a network raised an indicator.
type IndicatorCount struct {
	ID      string `json:"id"`
	Members int    `json:"members"`
}

// maxTopIndicators is how many indicators a Network lists.
const maxTopIndicators = 8

// Grouper collects scan results and groups the linked ones into networks
// (connected components over the linked IDs of network.* hits).
type Grouper struct {
	p       Params
	idx     map[string]int
	parent  []int
	text    []int // union-find over copied-text links only (template families)
	texty   []bool
	supp    map[string]*suppressed
	ids     []string
	results []*corpus.Result // nil for IDs seen only as links
	shared  []map[string]bool
}

// suppressed collects one generic key.
type suppressed struct {
	ids  map[string]bool
	note string
}

// NewGrouper returns an empty Grouper with the default parameters.
func NewGrouper() *Grouper { return NewGrouperWith(DefaultParams()) }

// NewGrouperWith returns an empty Grouper that aligns template families
// with p.Family.
func NewGrouperWith(p Params) *Grouper {
	return &Grouper{p: p, idx: map[string]int{}, supp: map[string]*suppressed{}}
}

// textLink reports whether a network indicator is a copied-text link.
func textLink(id string) bool { return id == "network.template_text" || id == "network.repost" }

func (g *Grouper) node(id string) int {
	if i, ok := g.idx[id]; ok {
		return i
	}
	i := len(g.parent)
	g.idx[id] = i
	g.parent = append(g.parent, i)
	g.text = append(g.text, i)
	g.texty = append(g.texty, false)
	g.ids = append(g.ids, id)
	g.results = append(g.results, nil)
	g.shared = append(g.shared, nil)
	return i
}

func (g *Grouper) find(i int) int {
	for g.parent[i] != i {
		g.parent[i] = g.parent[g.parent[i]]
		i = g.parent[i]
	}
	return i
}

func findIn(p []int, i int) int {
	for p[i] != i {
		p[i] = p[p[i]]
		i = p[i]
	}
	return i
}

func (g *Grouper) unionText(a, b int) {
	g.texty[a], g.texty[b] = true, true
	ra, rb := findIn(g.text, a), findIn(g.text, b)
	if ra == rb {
		return
	}
	if ra > rb {
		ra, rb = rb, ra
	}
	g.text[rb] = ra
}

func (g *Grouper) union(a, b int) {
	ra, rb := g.find(a), g.find(b)
	if ra == rb {
		return
	}
	if ra > rb {
		ra, rb = rb, ra
	}
	g.parent[rb] = ra
}

// Add records one result (a later result for the same ID replaces it).
// The result must not be modified afterwards.
func (g *Grouper) Add(r *corpus.Result) {
	i := g.node(r.ID)
	g.results[i] = r
	for _, h := range r.Indicators {
		if !strings.HasPrefix(h.ID, "network.") {
			continue
		}
		if h.ID == "network.generic_key" {
			g.addSuppressed(r.ID, h)
			continue
		}
		for _, id := range h.Linked {
			if id != r.ID {
				j := g.node(id)
				g.union(i, j)
				if textLink(h.ID) {
					g.unionText(i, j)
				}
			}
		}
		if len(h.Linked) == 0 {
			continue
		}
		for _, ev := range h.Evidence {
			if ev.Shared != "" && h.ID != "network.inconsistent_info" {
				if g.shared[i] == nil {
					g.shared[i] = map[string]bool{}
				}
				g.shared[i][ev.Shared] = true
			}
		}
	}
}

// Networks returns every network of two or more listings, largest first,
// then by first member ID.
func (g *Grouper) Networks() []Network {
	comps := map[int][]int{}
	for i := range g.parent {
		root := g.find(i)
		comps[root] = append(comps[root], i)
	}
	var out []Network
	for _, members := range comps {
		if len(members) < 2 {
			continue
		}
		out = append(out, g.network(members))
	}
	slices.SortFunc(out, func(a, b Network) int {
		if c := cmp.Compare(b.Size, a.Size); c != 0 {
			return c
		}
		return strings.Compare(a.Members[0], b.Members[0])
	})
	return out
}

// addSuppressed records the generic keys of one result.
func (g *Grouper) addSuppressed(id string, h corpus.Hit) {
	for _, ev := range h.Evidence {
		if ev.Shared == "" {
			continue
		}
		s := g.supp[ev.Shared]
		if s == nil {
			s = &suppressed{ids: map[string]bool{}}
			g.supp[ev.Shared] = s
		}
		s.ids[id] = true
		if ev.Note > s.note { // one note, whatever the order results come in
			s.note = ev.Note
		}
	}
}

// Suppressed returns the keys found generic, most listings first, then by
// key. (A result read again replaces nothing here: its ID counts once.)
func (g *Grouper) Suppressed() []SuppressedKey {
	var out []SuppressedKey
	for k, s := range g.supp {
		kind := "contact"
		if strings.HasPrefix(k, "pdq:") || strings.HasPrefix(k, "phash:") {
			kind = "photo"
		}
		ids := sortedKeys(s.ids)
		out = append(out, SuppressedKey{Key: k, Kind: kind, Listings: len(ids), IDs: ids[:min(len(ids), maxSuppressedIDs)], Note: s.note})
	}
	slices.SortFunc(out, func(a, b SuppressedKey) int {
		if c := cmp.Compare(b.Listings, a.Listings); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	return out
}

// families returns the template families among a network's members.
func (g *Grouper) families(members []int) []TemplateFamily {
	byRoot := map[int][]int{}
	for _, i := range members {
		if g.texty[i] {
			r := findIn(g.text, i)
			byRoot[r] = append(byRoot[r], i)
		}
	}
	var out []TemplateFamily
	for _, fm := range byRoot {
		if len(fm) < 2 {
			continue
		}
		ids := make([]string, len(fm))
		res := make([]*corpus.Result, len(fm))
		for k, i := range fm {
			ids[k], res[k] = g.ids[i], g.results[i]
		}
		out = append(out, g.p.family(ids, res))
	}
	slices.SortFunc(out, func(a, b TemplateFamily) int {
		if c := cmp.Compare(b.Size, a.Size); c != 0 {
			return c
		}
		return strings.Compare(a.Members[0], b.Members[0])
	})
	return out
}

func (g *Grouper) network(members []int) Network {
	n := Network{Size: len(members), MaxScore: -1}
	shared := map[string]bool{}
	locs := map[string]bool{}
	langs := map[string]bool{}
	kinds := map[string]bool{}
	inds := map[string]int{}
	for _, i := range members {
		id := g.idOf(i)
		n.Members = append(n.Members, id)
		for k := range g.shared[i] {
			shared[k] = true
		}
		r := g.results[i]
		if r == nil {
			n.Unscanned = append(n.Unscanned, id)
			continue
		}
		if r.Score > n.MaxScore || (r.Score == n.MaxScore && id < n.MaxScoreID) {
			n.MaxScore, n.MaxScoreID = r.Score, id
		}
		if r.Language != "" {
			langs[r.Language] = true
		}
		if r.Kind != "" {
			kinds[r.Kind] = true
		}
		seen := map[string]bool{}
		for _, h := range r.Indicators {
			if !seen[h.ID] {
				seen[h.ID] = true
				inds[h.ID]++
			}
		}
		if l := r.Listing; l != nil {
			if loc := strings.TrimSpace(l.Location); loc != "" {
				locs[loc] = true
			}
			if t := strings.TrimSpace(l.PostedAt); t != "" {
				if n.FirstSeen == "" || t < n.FirstSeen {
					n.FirstSeen = t
				}
				if t > n.LastSeen {
					n.LastSeen = t
				}
			}
		}
	}
	if n.MaxScore < 0 {
		n.MaxScore = 0
	}
	slices.Sort(n.Members)
	slices.Sort(n.Unscanned)
	n.Shared = sortedKeys(shared)
	n.Locations = sortedKeys(locs)
	n.Languages = sortedKeys(langs)
	n.Kinds = sortedKeys(kinds)
	for id, c := range inds {
		n.Indicators = append(n.Indicators, IndicatorCount{id, c})
	}
	slices.SortFunc(n.Indicators, func(a, b IndicatorCount) int {
		if c := cmp.Compare(b.Members, a.Members); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	if len(n.Indicators) > maxTopIndicators {
		n.Indicators = n.Indicators[:maxTopIndicators]
	}
	if n.Indicators == nil {
		n.Indicators = []IndicatorCount{}
	}
	n.Templates = g.families(members)
	return n
}

func (g *Grouper) idOf(i int) string { return g.ids[i] }

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
