package web

import (
	"net/url"
	"slices"
	"strings"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/index"
)

// The network view shows a listing and the listings it is linked to as a
// two-column graph: on the left what is shared (a phone, an e-mail, a
// photo, a text template), on the right the listings, named by their
// titles, each joined to the keys it shares. Rows never overlap however
// many listings there are, labels are never clipped, and it needs no
// script. Below it the same links are listed, grouped by shared key, each
// key with a link to search for it.

// Graph is the network view laid out for an inline SVG.
type Graph struct {
	Width, Height int
	Keys          []GraphKey
	Nodes         []GraphNode
	Edges         []GraphEdge
	More          int // linked listings left out of the drawing (all are in the list)
}

// GraphKey is a shared key in the drawing.
type GraphKey struct {
	Kind  string // contact, photo, template
	Label string
	URL   string // search for the key ("" for templates)
	X, Y  int
}

// GraphNode is a listing in the drawing: Kind (job, escort) is its shape,
// Level its colour.
type GraphNode struct {
	ID, Label, Level, Kind string
	Score                  int
	Self                   bool
	X, Y                   int
}

// GraphEdge joins a key to a listing; Kind is the key's kind.
type GraphEdge struct {
	X1, Y1, X2, Y2 int
	Kind           string
	Title          string
}

// KeyGroup is one shared key and the linked listings that share it.
type KeyGroup struct {
	Kind    string // contact, photo, template
	Label   string // how the key is shown: the contact, a short photo hash
	Full    string // the whole key (title text)
	URL     string // search for the key
	Members []index.Link
}

// network is the listing's links grouped by key, and their drawing.
type network struct {
	Groups []KeyGroup
	// Differ are linked listings whose details (name, age, place)
	// disagree with this one's.
	Differ map[string]bool
	Graph  Graph
}

// keyOf normalizes a shared key as the scanner and the index spell it
// ("phone:+381…", "+381…", "pdq:HEX", "HEX") to one form, and returns its
// label and the search that finds it.
func keyOf(kind, key string, photoAlias map[string]string) (canon, label, search string) {
	switch kind {
	case index.LinkContact:
		v := key
		for _, p := range []string{"phone:", "email:", "handle:", "url:"} {
			if strings.HasPrefix(v, p) {
				v = strings.TrimPrefix(v, p)
				break
			}
		}
		v = strings.ToLower(v)
		return "contact:" + v, v, "/?" + url.Values{"f": {index.FieldContacts + ":" + v}}.Encode()
	case index.LinkPhoto:
		h := strings.ToLower(key)
		if _, rest, ok := strings.Cut(h, ":"); ok {
			h = rest
		}
		if a, ok := photoAlias[h]; ok {
			h = a
		}
		return "photo:" + h, "photo " + shortHash(h), "/?" + url.Values{"f": {index.FieldPhotos + ":" + h}}.Encode()
	case index.LinkTemplate:
		return "template", "near-identical text", ""
	}
	return "", "", ""
}

// shortHash shortens a long hex hash to its first and last characters.
func shortHash(h string) string {
	if len(h) <= 12 || strings.Trim(h, "0123456789abcdefABCDEF") != "" {
		return h
	}
	return h[:6] + "…" + h[len(h)-4:]
}

// midLabel shortens s to n runes keeping its end, where listings of one
// template differ ("Nanny for family in Lon…(Ref. B)").
func midLabel(s string, n int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) <= n {
		return string(r)
	}
	tail := min(10, n/3)
	return strings.TrimSpace(string(r[:n-tail-1])) + "…" + string(r[len(r)-tail:])
}

func shortLabel(s string, n int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) <= n {
		return string(r)
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// graphMaxNodes bounds the drawing; the list below it has every link.
const graphMaxNodes = 30

// buildNetwork groups a listing's links by what they share and lays out
// the drawing.
func buildNetwork(r *corpus.Result, links []index.Link) network {
	// A photo may be keyed by its PDQ hash or its perceptual hash: key it
	// by the PDQ hash when the listing has both.
	alias := map[string]string{}
	for _, p := range r.Photos {
		if p.PDQ != "" && p.PHash != "" {
			alias[strings.ToLower(p.PHash)] = strings.ToLower(p.PDQ)
		}
	}
	n := network{Differ: map[string]bool{}}
	byKey := map[string]int{}
	for _, l := range links {
		seen := map[string]bool{}
		for _, v := range l.Via {
			if v.Kind == index.LinkOther {
				n.Differ[l.ID] = true
				continue
			}
			canon, label, search := keyOf(v.Kind, v.Key, alias)
			if canon == "" || seen[canon] {
				continue
			}
			seen[canon] = true
			i, ok := byKey[canon]
			if !ok {
				i = len(n.Groups)
				byKey[canon] = i
				full := v.Key
				if _, rest, ok := strings.Cut(canon, ":"); ok {
					full = rest
				}
				n.Groups = append(n.Groups, KeyGroup{Kind: v.Kind, Label: label, Full: full, URL: search})
			}
			n.Groups[i].Members = append(n.Groups[i].Members, l)
		}
	}
	// Most shared first; contacts before photos before templates.
	rank := map[string]int{index.LinkContact: 0, index.LinkPhoto: 1, index.LinkTemplate: 2}
	slices.SortStableFunc(n.Groups, func(a, b KeyGroup) int {
		if len(a.Members) != len(b.Members) {
			return len(b.Members) - len(a.Members)
		}
		return rank[a.Kind] - rank[b.Kind]
	})
	n.Graph = layoutGraph(r, links, n.Groups)
	return n
}

// layoutGraph draws keys on the left and listings on the right, one row
// each, the listing itself first.
func layoutGraph(r *corpus.Result, links []index.Link, groups []KeyGroup) Graph {
	const (
		width    = 600
		keyX     = 8   // left edge of the key boxes
		keyW     = 170 // key box width
		nodeX    = 236 // centre of the listing marks
		rowH     = 34
		top      = 24
		labelLen = 34
	)
	title := r.ID
	if r.Listing != nil && strings.TrimSpace(r.Listing.Title) != "" {
		title = r.Listing.Title
	}
	g := Graph{Width: width}
	g.Nodes = append(g.Nodes, GraphNode{ID: r.ID, Label: midLabel(title, labelLen), Level: r.Level,
		Kind: r.Kind, Score: r.Score, Self: true, X: nodeX, Y: top})
	rowOf := map[string]int{r.ID: 0}
	for _, l := range links {
		if len(g.Nodes) > graphMaxNodes {
			g.More++
			continue
		}
		t := l.Title
		if t == "" {
			t = l.ID
		}
		rowOf[l.ID] = len(g.Nodes)
		g.Nodes = append(g.Nodes, GraphNode{ID: l.ID, Label: midLabel(t, labelLen), Level: l.Level, Kind: l.Kind,
			Score: l.Score, X: nodeX, Y: top + len(g.Nodes)*rowH})
	}
	rows := len(g.Nodes)
	// Keys spread evenly over the height of the listing rows.
	nk := min(len(groups), rows)
	for i, k := range groups[:nk] {
		y := top
		if nk > 1 {
			y = top + i*(rows-1)*rowH/(nk-1)
		}
		if nk == 1 {
			y = top + (rows-1)*rowH/2
		}
		g.Keys = append(g.Keys, GraphKey{Kind: k.Kind, Label: shortLabel(k.Label, 22), URL: k.URL, X: keyX, Y: y})
		g.Edges = append(g.Edges, GraphEdge{X1: keyX + keyW, Y1: y, X2: nodeX - 10, Y2: top, Kind: k.Kind, Title: k.Label})
		for _, m := range k.Members {
			row, ok := rowOf[m.ID]
			if !ok || row == 0 {
				continue
			}
			g.Edges = append(g.Edges, GraphEdge{X1: keyX + keyW, Y1: y, X2: nodeX - 10, Y2: g.Nodes[row].Y, Kind: k.Kind, Title: k.Label})
		}
	}
	g.Height = top + rows*rowH
	return g
}
