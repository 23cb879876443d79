package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/index"
)

func TestIndexChartsForTheApp(t *testing.T) {
	x, err := index.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	var rs []corpus.Result
	for _, id := range []string{"a", "b", "c", "d", "e", "f"} {
		rs = append(rs, corpus.Result{ID: id, Kind: "job", Level: "high", Score: 80,
			Indicators: []corpus.Hit{{ID: "job.urgency", Weight: 0.5}}, Listing: &corpus.Listing{ID: id, Body: "x", PostedAt: "2026-11-02T10:00:00Z"}})
	}
	if err := x.Put(rs); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	e := &env{getenv: func(string) string { return "" }, log: slog.New(slog.NewTextHandler(&logs, nil))}
	html, err := indexCharts(x, e)(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(html), "<svg") || !strings.Contains(string(html), "job.urgency") {
		t.Errorf("charts lack the SVG or the indicator:\n%.800s", html)
	}
}
