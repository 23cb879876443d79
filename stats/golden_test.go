package stats

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/redthread/redthread/corpus"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// testInput is the dev set scanned with --embed-listing, with cross-listing
// hits added for shared phones and e-mails, some listings left out and some
// posted_at dates removed (testdata/README.md).
const testInput = "testdata/results.jsonl"

var testCreated = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func testReport(t testing.TB) *Report {
	a, sum, err := AggregateFiles(context.Background(), []string{testInput}, FileOptions{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	return a.Report(Meta{ScannerVersion: "test", Inputs: sum.Inputs, Created: testCreated, MinCount: 5, Skipped: sum.Skipped})
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (%d vs %d bytes); if the change is intended, run go test ./stats -update and review the diff", name, len(got), len(want))
	}
}

func TestGoldenStats(t *testing.T) {
	rep := testReport(t)
	for _, f := range []Format{CSV, JSON, Parquet, HTML} {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			if err := rep.Write(&buf, f); err != nil {
				t.Fatal(err)
			}
			golden(t, "stats."+string(f), buf.Bytes())
		})
	}
}

// TestParquetReadBack reads the Parquet report back and checks its rows and
// metadata against the report.
func TestParquetReadBack(t *testing.T) {
	rep := testReport(t)
	var buf bytes.Buffer
	if err := rep.WriteParquet(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := f.Lookup("min_count"); !ok || v != "5" {
		t.Errorf("min_count metadata %q %v", v, ok)
	}
	if v, ok := f.Lookup("inputs"); !ok || !bytes.Contains([]byte(v), []byte("sha256:")) {
		t.Errorf("inputs metadata %q", v)
	}
	rows, err := parquet.Read[parquetRow](bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, tb := range rep.Tables {
		n += len(tb.Rows)
	}
	if len(rows) != n {
		t.Fatalf("%d parquet rows, want %d", len(rows), n)
	}
	i := 0
	for _, tb := range rep.Tables {
		for _, r := range tb.Rows {
			p := rows[i]
			i++
			if p.Table != tb.Name {
				t.Fatalf("row %d: table %q want %q", i, p.Table, tb.Name)
			}
			_, mcol := columnsOf(tb)
			for m, v := range r.Values {
				n, s := p.measure(mcol[m])
				if *s == nil || **s != v.Suppressed {
					t.Fatalf("row %d %s: suppressed flag wrong", i, tb.Name)
				}
				if v.Suppressed != (*n == nil) || (*n != nil && **n != v.N) {
					t.Fatalf("row %d %s: value wrong", i, tb.Name)
				}
			}
		}
	}
}

func TestHTMLEscapes(t *testing.T) {
	a := NewAggregator()
	for range 6 {
		a.Add(&corpus.Result{ID: "x", Level: "high", Score: 90, Kind: "job",
			Indicators: []corpus.Hit{{ID: "<script>alert(1)</script>"}, {ID: "job.urgency"}},
			Listing:    &corpus.Listing{Source: `"><img src=x onerror=alert(1)>`, Country: "DE", PostedAt: "2026-11-05"}})
	}
	var buf bytes.Buffer
	if err := a.Report(Meta{Created: testCreated}).WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, bad := range []string{"<script>", "<img", "http://", "https://"} {
		if bytes.Contains([]byte(out), []byte(bad)) {
			t.Errorf("HTML report contains %q", bad)
		}
	}
}

func TestEmptyReport(t *testing.T) {
	rep := NewAggregator().Report(Meta{Created: testCreated})
	for _, f := range []Format{CSV, JSON, Parquet, HTML} {
		var buf bytes.Buffer
		if err := rep.Write(&buf, f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestWriteChartsFragment(t *testing.T) {
	var buf bytes.Buffer
	if err := testReport(t).WriteCharts(&buf); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	if !bytes.Contains(buf.Bytes(), []byte("<svg")) || bytes.Contains(buf.Bytes(), []byte("<html")) || bytes.Contains(buf.Bytes(), []byte("<script")) {
		t.Errorf("charts fragment: %.200q", s)
	}
	for _, h := range []string{"Indicators", "Weekly trend", "Co-occurrence", "Networks"} {
		if !bytes.Contains(buf.Bytes(), []byte("<h2>"+h+"</h2>")) {
			t.Errorf("charts fragment lacks %q", h)
		}
	}
}
