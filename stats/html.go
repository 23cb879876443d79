package stats

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"slices"
	"strings"
)

// maxHTMLRows caps the rows of a table printed in the HTML report; the
// full tables are in the CSV, JSON and Parquet outputs.
const maxHTMLRows = 300

// esc escapes text for HTML and SVG.
func esc(s string) string { return html.EscapeString(s) }

// WriteHTML writes one self-contained page: the metadata and notes, SVG
// charts (indicators, levels, scores, weekly trend, co-occurrence heat map,
// network sizes) and the tables. It needs no script, font or network.
// Suppressed counts are drawn as hatched, labelled "suppressed", and never
// drawn to scale.
func (rep *Report) WriteHTML(w io.Writer) error {
	bw := bufio.NewWriter(w)
	b := &strings.Builder{}
	b.WriteString(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>redthread statistics</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#222}
h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:2px 8px;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}.sup{color:#888;font-style:italic}
dl.meta dt{font-weight:bold;float:left;clear:left;width:11em}dl.meta dd{margin-left:12em}
svg{display:block;margin:.5em 0}svg text{font:12px system-ui,sans-serif}
</style></head><body>
<h1>redthread statistics</h1>
`)
	writeMetaHTML(b, &rep.Meta)
	rep.charts(b)
	b.WriteString("<h2>Tables</h2>\n")
	for _, t := range rep.Tables {
		tableHTML(b, t)
	}
	b.WriteString("</body></html>\n")
	bw.WriteString(b.String())
	return bw.Flush()
}

// WriteCharts writes only the charts, as an HTML fragment of inline SVG
// with <h2> headings, for embedding in another page (the web app). It uses
// no script and no external asset; suppressed counts are hatched.
func (rep *Report) WriteCharts(w io.Writer) error {
	b := &strings.Builder{}
	rep.charts(b)
	_, err := io.WriteString(w, b.String())
	return err
}

func (rep *Report) charts(b *strings.Builder) {
	b.WriteString(svgDefs)
	if t := rep.Table("total"); t != nil && len(t.Rows) == 1 {
		fmt.Fprintf(b, "<p>Listings: <b>%s</b>; flagged (medium or high): <b>%s</b>.</p>\n", cellText(t.Rows[0].Values[0]), cellText(t.Rows[0].Values[1]))
	}
	if t := rep.Table("indicator"); t != nil {
		rows := slices.Clone(t.Rows)
		slices.SortStableFunc(rows, func(a, b Row) int { return cmpValue(b.Values[0], a.Values[0]) })
		b.WriteString("<h2>Indicators</h2>\n")
		barChart(b, "Listings by indicator", rows, 0)
	}
	if t := rep.Table("level"); t != nil {
		b.WriteString("<h2>Levels and scores</h2>\n")
		barChart(b, "Listings by level", t.Rows, 0)
	}
	if t := rep.Table("score"); t != nil {
		barChart(b, "Listings by score", t.Rows, 0)
	}
	if t := rep.Table("week"); t != nil {
		b.WriteString("<h2>Weekly trend</h2>\n")
		trendChart(b, t)
	}
	if t := rep.Table("cooccurrence"); t != nil {
		b.WriteString("<h2>Co-occurrence</h2>\n")
		heatMap(b, t, rep.Table("indicator"))
	}
	if t := rep.Table("networks"); t != nil {
		b.WriteString("<h2>Networks</h2>\n")
		barChart(b, "Networks of linked listings by size", t.Rows, 0)
	}
}

const svgDefs = `<svg width="0" height="0" aria-hidden="true"><defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#eee"/><line x1="0" y1="0" x2="0" y2="6" stroke="#aaa" stroke-width="2"/></pattern></defs></svg>
`

func writeMetaHTML(b *strings.Builder, m *Meta) {
	b.WriteString("<dl class=\"meta\">\n")
	for _, kv := range m.Pairs() {
		if strings.HasPrefix(kv[0], "note_") {
			continue
		}
		fmt.Fprintf(b, "<dt>%s</dt><dd>%s</dd>\n", esc(kv[0]), esc(kv[1]))
	}
	b.WriteString("</dl>\n<ul>\n")
	for _, n := range m.Notes {
		fmt.Fprintf(b, "<li>%s</li>\n", esc(n))
	}
	b.WriteString("</ul>\n")
}

func cellText(v Value) string {
	if v.Suppressed {
		return `<span class="sup">suppressed</span>`
	}
	return fmt.Sprint(v.N)
}

// cmpValue orders values by count, suppressed ones as smallest.
func cmpValue(a, b Value) int {
	an, bn := a.N, b.N
	if a.Suppressed {
		an = -1
	}
	if b.Suppressed {
		bn = -1
	}
	switch {
	case an < bn:
		return -1
	case an > bn:
		return 1
	}
	return 0
}

func rowLabel(r Row) string { return strings.Join(r.Dims, " × ") }

// barChart draws horizontal bars of measure m of rows.
func barChart(b *strings.Builder, title string, rows []Row, m int) {
	const labelW, barW, rowH = 260, 560, 20
	var maxN int64 = 1
	for _, r := range rows {
		if v := r.Values[m]; !v.Suppressed && v.N > maxN {
			maxN = v.N
		}
	}
	h := rowH*len(rows) + 30
	fmt.Fprintf(b, "<svg role=\"img\" aria-label=\"%s\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n<title>%s</title>\n",
		esc(title), labelW+barW+90, h, labelW+barW+90, h, esc(title))
	fmt.Fprintf(b, "<text x=\"0\" y=\"14\" font-weight=\"bold\">%s</text>\n", esc(title))
	for i, r := range rows {
		y := 24 + i*rowH
		v := r.Values[m]
		fmt.Fprintf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", labelW-6, y+14, esc(rowLabel(r)))
		if v.Suppressed {
			fmt.Fprintf(b, "<rect x=\"%d\" y=\"%d\" width=\"40\" height=\"%d\" fill=\"url(#hatch)\"/><text x=\"%d\" y=\"%d\" fill=\"#888\">suppressed</text>\n",
				labelW, y+2, rowH-4, labelW+46, y+14)
			continue
		}
		wd := int(float64(barW) * float64(v.N) / float64(maxN))
		fmt.Fprintf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#b03a2e\"/><text x=\"%d\" y=\"%d\">%d</text>\n",
			labelW, y+2, wd, rowH-4, labelW+wd+6, y+14, v.N)
	}
	b.WriteString("</svg>\n")
}

// trendChart draws listings and flagged listings per known week as lines;
// suppressed points are marked with a hollow grey circle at the baseline
// and break the line.
func trendChart(b *strings.Builder, t *Table) {
	var rows []Row
	for _, r := range t.Rows {
		if r.Dims[0] != Unknown {
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 {
		b.WriteString("<p>No listing has a usable posted_at date.</p>\n")
		return
	}
	const left, top, plotW, plotH = 50, 30, 820, 220
	var maxN int64 = 1
	for _, r := range rows {
		for _, v := range r.Values {
			if !v.Suppressed && v.N > maxN {
				maxN = v.N
			}
		}
	}
	step := float64(plotW)
	if len(rows) > 1 {
		step = float64(plotW) / float64(len(rows)-1)
	}
	x := func(i int) float64 {
		if len(rows) == 1 {
			return left + plotW/2
		}
		return left + step*float64(i)
	}
	y := func(n int64) float64 { return top + plotH - float64(plotH)*float64(n)/float64(maxN) }
	W, H := left+plotW+40, top+plotH+70
	fmt.Fprintf(b, "<svg role=\"img\" aria-label=\"Listings per week\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n<title>Listings and flagged listings per ISO week</title>\n", W, H, W, H)
	fmt.Fprintf(b, "<text x=\"0\" y=\"14\" font-weight=\"bold\">Listings (red) and flagged listings (dark) per ISO week</text>\n")
	fmt.Fprintf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>\n", left, top+plotH, left+plotW, top+plotH)
	fmt.Fprintf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%d</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>\n", left-4, top+4, maxN, left-4, top+plotH)
	colors := []string{"#b03a2e", "#333"}
	for m := range 2 {
		var path strings.Builder
		pen := false
		for i, r := range rows {
			v := r.Values[m]
			if v.Suppressed {
				fmt.Fprintf(b, "<circle cx=\"%.1f\" cy=\"%d\" r=\"3\" fill=\"none\" stroke=\"#aaa\"><title>%s: suppressed</title></circle>\n", x(i), top+plotH, esc(r.Dims[0]))
				pen = false
				continue
			}
			cmd := "L"
			if !pen {
				cmd = "M"
			}
			fmt.Fprintf(&path, "%s%.1f %.1f ", cmd, x(i), y(v.N))
			pen = true
			fmt.Fprintf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"><title>%s: %d</title></circle>\n", x(i), y(v.N), colors[m], esc(r.Dims[0]), v.N)
		}
		if path.Len() > 0 {
			fmt.Fprintf(b, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"/>\n", strings.TrimSpace(path.String()), colors[m])
		}
	}
	every := max(1, len(rows)/12)
	for i, r := range rows {
		if i%every == 0 || i == len(rows)-1 {
			fmt.Fprintf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"end\" transform=\"rotate(-45 %.1f %d)\">%s</text>\n", x(i), top+plotH+14, x(i), top+plotH+14, esc(r.Dims[0]))
		}
	}
	b.WriteString("</svg>\n")
}

// heatMap draws the co-occurrence counts of indicator pairs as a symmetric
// matrix shaded by count.
func heatMap(b *strings.Builder, co, ind *Table) {
	var names []string
	if ind != nil {
		for _, r := range ind.Rows {
			names = append(names, r.Dims[0])
		}
	}
	idx := map[string]int{}
	for i, n := range names {
		idx[n] = i
	}
	if len(co.Rows) == 0 || len(names) < 2 {
		b.WriteString("<p>No listing raised two indicators.</p>\n")
		return
	}
	n := len(names)
	cells := make([]*Value, n*n)
	var maxN int64 = 1
	for i := range co.Rows {
		r := &co.Rows[i]
		a, okA := idx[r.Dims[0]]
		c, okC := idx[r.Dims[1]]
		if !okA || !okC {
			continue
		}
		cells[a*n+c], cells[c*n+a] = &r.Values[0], &r.Values[0]
		if !r.Values[0].Suppressed && r.Values[0].N > maxN {
			maxN = r.Values[0].N
		}
	}
	const label, cell = 230, 16
	W, H := label+cell*n+20, label+cell*n+20
	fmt.Fprintf(b, "<svg role=\"img\" aria-label=\"Indicator co-occurrence\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n<title>Listings raising both indicators</title>\n", W, H, W, H)
	for i, name := range names {
		fmt.Fprintf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", label-4, label+i*cell+12, esc(name))
		cx := label + i*cell + 12
		fmt.Fprintf(b, "<text x=\"%d\" y=\"%d\" transform=\"rotate(-60 %d %d)\">%s</text>\n", cx, label-4, cx, label-4, esc(name))
	}
	for i := range n {
		for j := range n {
			v := cells[i*n+j]
			x, y := label+j*cell, label+i*cell
			switch {
			case i == j:
				fmt.Fprintf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fff\" stroke=\"#eee\"/>\n", x, y, cell, cell)
			case v == nil:
				fmt.Fprintf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fafafa\" stroke=\"#eee\"><title>%s + %s: 0</title></rect>\n", x, y, cell, cell, esc(names[i]), esc(names[j]))
			case v.Suppressed:
				fmt.Fprintf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"url(#hatch)\" stroke=\"#eee\"><title>%s + %s: suppressed</title></rect>\n", x, y, cell, cell, esc(names[i]), esc(names[j]))
			default:
				op := 0.1 + 0.9*float64(v.N)/float64(maxN)
				fmt.Fprintf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#b03a2e\" fill-opacity=\"%.2f\" stroke=\"#eee\"><title>%s + %s: %d</title></rect>\n", x, y, cell, cell, op, esc(names[i]), esc(names[j]), v.N)
			}
		}
	}
	b.WriteString("</svg>\n")
}

func tableHTML(b *strings.Builder, t *Table) {
	fmt.Fprintf(b, "<h3 id=\"t-%s\">%s</h3>\n", esc(t.Name), esc(t.Title))
	if len(t.Rows) > maxHTMLRows {
		fmt.Fprintf(b, "<p>First %d of %d rows; the CSV, JSON and Parquet outputs have them all.</p>\n", maxHTMLRows, len(t.Rows))
	}
	b.WriteString("<table><thead><tr>")
	for _, d := range t.Dims {
		fmt.Fprintf(b, "<th>%s</th>", esc(d))
	}
	for _, m := range t.Measures {
		fmt.Fprintf(b, "<th>%s</th>", esc(m))
	}
	b.WriteString("</tr></thead><tbody>\n")
	for i, r := range t.Rows {
		if i == maxHTMLRows {
			break
		}
		b.WriteString("<tr>")
		for _, d := range r.Dims {
			fmt.Fprintf(b, "<td>%s</td>", esc(d))
		}
		for _, v := range r.Values {
			fmt.Fprintf(b, "<td class=\"n\">%s</td>", cellText(v))
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody></table>\n")
}
