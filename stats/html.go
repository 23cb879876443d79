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
svg.defs{position:absolute}
` + chartCSS + `</style></head><body>
<h1>redthread statistics</h1>
`)
	writeMetaHTML(b, &rep.Meta)
	rep.charts(b, ChartOptions{Label: rep.Label})
	b.WriteString("<h2>Tables</h2>\n")
	for _, t := range rep.Tables {
		tableHTML(b, t)
	}
	b.WriteString("</body></html>\n")
	bw.WriteString(b.String())
	return bw.Flush()
}

// ChartOptions adapt the charts to where they are shown.
type ChartOptions struct {
	// Label names an indicator ID for people ("Young or underage person");
	// nil or "" shows the ID.
	Label func(id string) string
	// Search returns the URL of a search for the listings of a chart row:
	// dim is "indicators", "level", "week" or "score", value the row's
	// value ("40-49" for a score bin); "" or a nil func draws no link.
	Search func(dim, value string) string
}

// WriteCharts writes only the charts, as an HTML fragment with <h2>
// headings, for embedding in another page (the web app). Bars are HTML
// rows with a small inline SVG bar each, so they fit any width; the
// co-occurrence matrix is a table with the counts in its cells. It uses no
// script, no style attribute and no external asset; suppressed counts are
// hatched and labelled.
func (rep *Report) WriteCharts(w io.Writer) error {
	return rep.WriteChartsWith(w, ChartOptions{})
}

// WriteChartsWith is WriteCharts with labels and search links.
func (rep *Report) WriteChartsWith(w io.Writer, opt ChartOptions) error {
	b := &strings.Builder{}
	rep.charts(b, opt)
	_, err := io.WriteString(w, b.String())
	return err
}

func (o ChartOptions) label(id string) string {
	if o.Label != nil {
		if l := o.Label(id); l != "" {
			return l
		}
	}
	return id
}

func (o ChartOptions) search(dim, v string) string {
	if o.Search == nil || v == Unknown {
		return ""
	}
	return o.Search(dim, v)
}

// chartCSS styles the charts in the standalone report (the web app has the
// same rules in its style sheet).
const chartCSS = `.bars{border-collapse:collapse;width:100%;max-width:820px;margin:.3em 0 1em}
.bars td,.bars th{border:none;padding:1px 6px;vertical-align:middle;text-align:left}
.bars th{font-weight:normal;width:40%;overflow-wrap:break-word}.bars td.n{width:4.5em;text-align:right;font-variant-numeric:tabular-nums}
.bars caption{text-align:left;font-weight:bold;padding:.3em 0}.bars svg.bar{display:block;width:100%;height:14px;margin:0}
.bar rect.v{fill:#b03a2e}.bar rect.f{fill:#333}.bar rect.s{fill:url(#hatch)}.sup{color:#666;font-style:italic}
.heat-wrap{overflow-x:auto;max-width:100%}.heat{border-collapse:collapse;font-size:12px}
.heat th,.heat td{border:1px solid #e4e4e4;padding:2px 4px;text-align:center;min-width:2.1em;font-variant-numeric:tabular-nums}
.heat th.row{text-align:left;white-space:nowrap;font-weight:normal}.heat td.self{background:#f4f4f4}
.h0{background:#fff}.h1{background:#f6dcd9}.h2{background:#eab3ad}.h3{background:#d97f75;color:#fff}.h4{background:#b03a2e;color:#fff}
.heat td.hs{background:repeating-linear-gradient(45deg,#eee 0 3px,#ccc 3px 5px)}.legend-heat span{display:inline-block;padding:0 .5em;margin-right:.3em;border:1px solid #ddd}
`

func (rep *Report) charts(b *strings.Builder, opt ChartOptions) {
	b.WriteString(svgDefs)
	if t := rep.Table("total"); t != nil && len(t.Rows) == 1 {
		fmt.Fprintf(b, "<p>Listings: <b>%s</b>; flagged (medium or high): <b>%s</b>.</p>\n", cellText(t.Rows[0].Values[0]), cellText(t.Rows[0].Values[1]))
	}
	if rep.Meta.MinCount > 1 {
		fmt.Fprintf(b, "<p class=\"note\">Counts below %d are suppressed (hatched).</p>\n", rep.Meta.MinCount)
	}
	if t := rep.Table("indicator"); t != nil {
		rows := slices.Clone(t.Rows)
		slices.SortStableFunc(rows, func(a, b Row) int { return cmpValue(b.Values[0], a.Values[0]) })
		b.WriteString("<h2>Indicators</h2>\n")
		barRows(b, "Listings by indicator", rows, 0, opt, "indicators", true)
	}
	if t := rep.Table("level"); t != nil {
		b.WriteString("<h2>Levels and scores</h2>\n")
		barRows(b, "Listings by level", t.Rows, 0, opt, "level", false)
	}
	if t := rep.Table("score"); t != nil {
		barRows(b, "Listings by score", t.Rows, 0, opt, "score", false)
	}
	if t := rep.Table("week"); t != nil {
		b.WriteString("<h2>Weekly trend</h2>\n")
		trendRows(b, t, opt)
	}
	if t := rep.Table("cooccurrence"); t != nil {
		b.WriteString("<h2>Co-occurrence</h2>\n")
		heatTable(b, t, rep.Table("indicator"), opt)
	}
	if t := rep.Table("networks"); t != nil {
		b.WriteString("<h2>Networks</h2>\n")
		barRows(b, "Networks of linked listings by size", t.Rows, 0, opt, "", false)
	}
}

const svgDefs = `<svg width="0" height="0" class="defs" aria-hidden="true"><defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#eee"/><line x1="0" y1="0" x2="0" y2="6" stroke="#aaa" stroke-width="2"/></pattern></defs></svg>
`

// bar draws one bar of n out of maxN as a small SVG scaled to its cell;
// flagged (≥ 0) adds a dark bar of that count inside it.
func bar(b *strings.Builder, v Value, maxN int64, flagged int64) {
	b.WriteString(`<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">`)
	if v.Suppressed {
		b.WriteString(`<rect class="s" x="0" y="0" width="8" height="10"/>`)
	} else {
		fmt.Fprintf(b, `<rect class="v" x="0" y="0" width="%.2f" height="10"/>`, 100*float64(v.N)/float64(maxN))
		if flagged >= 0 {
			fmt.Fprintf(b, `<rect class="f" x="0" y="6" width="%.2f" height="4"/>`, 100*float64(flagged)/float64(maxN))
		}
	}
	b.WriteString(`</svg>`)
}

// barRows draws measure m of rows as a table of labelled horizontal bars;
// with a search dim, each label and bar opens the matching search.
func barRows(b *strings.Builder, title string, rows []Row, m int, opt ChartOptions, dim string, labels bool) {
	var maxN int64 = 1
	for _, r := range rows {
		if v := r.Values[m]; !v.Suppressed && v.N > maxN {
			maxN = v.N
		}
	}
	fmt.Fprintf(b, "<table class=\"bars\"><caption>%s</caption>\n", esc(title))
	for _, r := range rows {
		v := r.Values[m]
		name := rowLabel(r)
		shown := name
		if labels {
			shown = opt.label(name)
		}
		href := ""
		if dim != "" {
			href = opt.search(dim, name)
		}
		b.WriteString("<tr><th scope=\"row\">")
		if href != "" {
			fmt.Fprintf(b, "<a href=\"%s\" title=\"search these listings\">%s</a>", esc(href), esc(shown))
		} else {
			b.WriteString(esc(shown))
		}
		if labels && shown != name {
			fmt.Fprintf(b, " <small class=\"id\">%s</small>", esc(name))
		}
		b.WriteString("</th><td>")
		if href != "" {
			fmt.Fprintf(b, "<a href=\"%s\" tabindex=\"-1\" aria-hidden=\"true\">", esc(href))
		}
		bar(b, v, maxN, -1)
		if href != "" {
			b.WriteString("</a>")
		}
		fmt.Fprintf(b, "</td><td class=\"n\">%s</td></tr>\n", cellText(v))
	}
	b.WriteString("</table>\n")
}

// trendRows draws listings (red) and flagged listings (dark) per ISO week
// as one bar row per week, from the first week with listings to the last:
// the span of the data, whatever it is.
func trendRows(b *strings.Builder, t *Table, opt ChartOptions) {
	var rows []Row
	for _, r := range t.Rows {
		if r.Dims[0] != Unknown {
			rows = append(rows, r)
		}
	}
	nonzero := func(r Row) bool { return r.Values[0].Suppressed || r.Values[0].N > 0 }
	for len(rows) > 0 && !nonzero(rows[0]) {
		rows = rows[1:]
	}
	for len(rows) > 0 && !nonzero(rows[len(rows)-1]) {
		rows = rows[:len(rows)-1]
	}
	if len(rows) == 0 {
		b.WriteString("<p>No listing has a usable posted_at date.</p>\n")
		return
	}
	var maxN int64 = 1
	for _, r := range rows {
		if v := r.Values[0]; !v.Suppressed && v.N > maxN {
			maxN = v.N
		}
	}
	fmt.Fprintf(b, "<table class=\"bars trend\"><caption>Listings (red) and flagged listings (dark) per ISO week, %s to %s</caption>\n", esc(rows[0].Dims[0]), esc(rows[len(rows)-1].Dims[0]))
	for _, r := range rows {
		v, fl := r.Values[0], r.Values[1]
		var flagged int64 = -1
		if !fl.Suppressed && !v.Suppressed {
			flagged = fl.N
		}
		href := opt.search("week", r.Dims[0])
		b.WriteString("<tr><th scope=\"row\">")
		if href != "" {
			fmt.Fprintf(b, "<a href=\"%s\" title=\"search this week's listings\">%s</a>", esc(href), esc(r.Dims[0]))
		} else {
			b.WriteString(esc(r.Dims[0]))
		}
		b.WriteString("</th><td>")
		bar(b, v, maxN, flagged)
		fmt.Fprintf(b, "</td><td class=\"n\">%s / %s</td></tr>\n", cellText(v), cellText(fl))
	}
	b.WriteString("</table>\n")
}

// heatTable shows the co-occurrence counts of indicator pairs as a
// symmetric matrix: numbered rows, numbered columns, the count in each
// cell, shaded in five steps, with a legend.
func heatTable(b *strings.Builder, co, ind *Table, opt ChartOptions) {
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
	step := func(v int64) int {
		if v <= 0 {
			return 0
		}
		return min(4, 1+int(4*float64(v-1)/float64(maxN)))
	}
	sup := ""
	for _, v := range cells {
		if v != nil && v.Suppressed {
			sup = "<span class=\"hs\">suppressed</span>"
			break
		}
	}
	fmt.Fprintf(b, "<p class=\"legend-heat\">Listings that raise both indicators. Shade: <span class=\"h0\">0</span><span class=\"h1\">few</span><span class=\"h2\">more</span><span class=\"h3\">many</span><span class=\"h4\">most (%d)</span>%s. Columns are numbered as the rows.</p>\n", maxN, sup)
	b.WriteString("<div class=\"heat-wrap\"><table class=\"heat\"><thead><tr><th></th>")
	for j := range n {
		fmt.Fprintf(b, "<th scope=\"col\" title=\"%s\">%d</th>", esc(opt.label(names[j])), j+1)
	}
	b.WriteString("</tr></thead><tbody>\n")
	for i := range n {
		fmt.Fprintf(b, "<tr><th scope=\"row\" class=\"row\">%d %s</th>", i+1, esc(opt.label(names[i])))
		for j := range n {
			v := cells[i*n+j]
			pair := esc(opt.label(names[i]) + " + " + opt.label(names[j]))
			switch {
			case i == j:
				b.WriteString("<td class=\"self\"></td>")
			case v == nil:
				fmt.Fprintf(b, "<td class=\"h0\" title=\"%s: 0\"></td>", pair)
			case v.Suppressed:
				fmt.Fprintf(b, "<td class=\"hs\" title=\"%s: suppressed\"></td>", pair)
			default:
				fmt.Fprintf(b, "<td class=\"h%d\" title=\"%s: %d\">%d</td>", step(v.N), pair, v.N, v.N)
			}
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody></table></div>\n")
}

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
