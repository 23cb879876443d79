package stats

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// In the app, charts name indicators by label, every bar opens its search,
// the heat map shows its numbers, and nothing is suppressed when the app
// asks for exact counts (MinCount 1).
func TestChartsForTheApp(t *testing.T) {
	a, sum, err := AggregateFiles(context.Background(), []string{testInput}, FileOptions{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	labels := map[string]string{"job.urgency": "Pressure to decide fast"}
	opt := ChartOptions{
		Label:  func(id string) string { return labels[id] },
		Search: func(dim, v string) string { return "/?f=" + dim + ":" + v },
	}
	tests := []struct {
		name     string
		minCount int
		opt      ChartOptions
		contains []string
		absent   []string
	}{
		{name: "app, exact counts", minCount: 1, opt: opt,
			contains: []string{
				`<a href="/?f=indicators:job.urgency" title="search these listings">Pressure to decide fast</a>`,
				`<a href="/?f=level:high"`, `<a href="/?f=score:90-100"`, `<a href="/?f=week:`,
				`<table class="heat">`, `class="legend-heat"`,
			},
			absent: []string{"suppressed</span>", `class="hs"`, `class="s"`}},
		{name: "export-like report", minCount: 5, opt: ChartOptions{},
			contains: []string{"job.urgency", "suppressed"},
			absent:   []string{"<a href", "Pressure to decide fast"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := a.Report(Meta{Created: testCreated, MinCount: tt.minCount, Inputs: sum.Inputs})
			var buf bytes.Buffer
			if err := rep.WriteChartsWith(&buf, tt.opt); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			for _, s := range tt.contains {
				if !strings.Contains(out, s) {
					t.Errorf("charts lack %q", s)
				}
			}
			for _, s := range tt.absent {
				if strings.Contains(out, s) {
					t.Errorf("charts contain %q", s)
				}
			}
			if strings.Contains(out, "style=") {
				t.Error("charts use a style attribute (the app's CSP forbids it)")
			}
		})
	}
}

// Heat-map cells carry their count as text, and the weekly rows span the
// weeks with listings only.
func TestHeatMapNumbersAndWeekSpan(t *testing.T) {
	rep := testReport(t)
	var buf bytes.Buffer
	if err := rep.WriteChartsWith(&buf, ChartOptions{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	co := rep.Table("cooccurrence")
	shown := 0
	for _, r := range co.Rows {
		if v := r.Values[0]; !v.Suppressed {
			if !strings.Contains(out, fmt.Sprintf(": %d\">%d</td>", v.N, v.N)) {
				t.Errorf("heat map lacks the number of %v (%d)", r.Dims, v.N)
			}
			shown++
		}
	}
	if shown == 0 {
		t.Fatal("no co-occurrence count to check")
	}
	weeks := regexp.MustCompile(`<tr><th scope="row">(\d{4}-W\d\d)</th><td><svg class="bar"[^<]*<rect class="(\w)" x="0" y="0" width="([0-9.]+)"`).FindAllStringSubmatch(out, -1)
	if len(weeks) == 0 {
		t.Fatal("no weekly rows")
	}
	for _, i := range []int{0, len(weeks) - 1} {
		if w := weeks[i]; w[2] == "v" && w[3] == "0.00" {
			t.Errorf("weekly rows start or end with an empty week %s", w[1])
		}
	}
}
