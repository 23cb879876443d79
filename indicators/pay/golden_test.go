package pay

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// TestGolden parses every ad in testdata/ads.txt and compares the mentions with
// testdata/ads.golden. Run with -update after a deliberate change and review the diff.
func TestGolden(t *testing.T) {
	p := newTestParser(t)
	f, err := os.Open("testdata/ads.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fmt.Fprintf(&b, "%s\n", line)
		ms := p.Parse(line)
		checkMentions(t, line, ms)
		for _, m := range ms {
			fmt.Fprintf(&b, "\t%q [%d:%d] %g-%g %q %q upto=%v", m.Text, m.Start, m.End, m.Amount, m.AmountMax, m.Currency, m.Period, m.UpTo)
			if m.PeriodCount != 0 {
				fmt.Fprintf(&b, " count=%g", m.PeriodCount)
			}
			if !m.Work.IsZero() {
				fmt.Fprintf(&b, " work=%g h/day,%g days/week,%g h/week", m.Work.HoursPerDay, m.Work.DaysPerWeek, m.Work.HoursPerWeek)
			}
			if m.Net {
				b.WriteString(" net")
			}
			if m.Cost {
				b.WriteString(" cost")
			}
			b.WriteString("\n")
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	if *update {
		if err := os.WriteFile("testdata/ads.golden", []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile("testdata/ads.golden")
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("golden mismatch at line %d:\n got: %s\nwant: %s\n(run go test -update if the change is intended)", i+1, g, w)
			}
		}
	}
}
