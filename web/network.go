package web

import (
	"math"

	"github.com/redthread/redthread/index"
)

// Graph is the small network view of a listing and its links, laid out for
// an inline SVG: the listing in the middle, linked listings on a circle.
type Graph struct {
	Width, Height int
	Center        GraphNode
	Nodes         []GraphNode
	Edges         []GraphEdge
}

// GraphNode is a listing in the network view.
type GraphNode struct {
	ID    string
	Label string
	Level string
	X, Y  int
}

// GraphEdge connects the center to a node; Kind is the link kind (contact,
// photo, template, other), used as its CSS class.
type GraphEdge struct {
	X1, Y1, X2, Y2 int
	Kind           string
	Title          string
}

func shortLabel(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// layoutGraph places the listing and its links.
func layoutGraph(id, level string, links []index.Link) Graph {
	const w, h, radius = 420, 320, 115
	g := Graph{Width: w, Height: h, Center: GraphNode{ID: id, Label: shortLabel(id, 18), Level: level, X: w / 2, Y: h / 2}}
	n := len(links)
	for i, l := range links {
		a := 2*math.Pi*float64(i)/float64(max(n, 1)) - math.Pi/2
		x := w/2 + int(math.Round(radius*1.4*math.Cos(a)))
		y := h/2 + int(math.Round(radius*math.Sin(a)))
		g.Nodes = append(g.Nodes, GraphNode{ID: l.ID, Label: shortLabel(l.ID, 18), Level: l.Level, X: x, Y: y})
		for j, v := range l.Via {
			// Several reasons: offset the parallel edges a little.
			off := (j - (len(l.Via)-1)/2) * 4
			title := v.Kind
			if v.Key != "" {
				title += ": " + v.Key
			}
			g.Edges = append(g.Edges, GraphEdge{X1: w / 2, Y1: h/2 + off, X2: x, Y2: y + off, Kind: v.Kind, Title: title})
		}
	}
	return g
}
