package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/creack/pty"

	"github.com/redthread/redthread/corpus"
)

// TestScanProgressOnTerminal runs scan with stderr on a pseudo-terminal: a
// progress line (listings, rate, bytes of the input) appears; with -q
// nothing does; and when stderr is not a terminal only the summary is
// written.
func TestScanProgressOnTerminal(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	var buf bytes.Buffer
	for rec := range corpus.DevSet() {
		b, err := corpus.MarshalJSONLine(rec.Listing)
		if err != nil {
			t.Fatal(err)
		}
		buf.Write(b)
	}
	if err := os.WriteFile(in, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		args  []string
		tty   bool
		want  []string
		avoid []string
	}{
		{"terminal", []string{"scan", "--batch", "20", "-o", filepath.Join(dir, "a.jsonl"), in}, true, []string{"listings, ", "/s", "scanned "}, nil},
		{"quiet", []string{"scan", "-q", "--batch", "20", "-o", filepath.Join(dir, "b.jsonl"), in}, true, nil, []string{"listings, ", "scanned "}},
		{"pipe", []string{"scan", "--batch", "20", "-o", filepath.Join(dir, "c.jsonl"), in}, false, []string{"scanned "}, []string{"listings, "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got string
			if tc.tty {
				ptmx, tty, err := pty.Open()
				if err != nil {
					t.Fatalf("no pseudo-terminal: %v", err)
				}
				done := make(chan string)
				go func() {
					b, _ := io.ReadAll(ptmx)
					done <- string(b)
				}()
				code := run(context.Background(), tc.args, strings.NewReader(""), io.Discard, tty, func(string) string { return "" })
				tty.Close()
				got = <-done
				ptmx.Close()
				if code != 0 {
					t.Fatalf("exit %d: %s", code, got)
				}
			} else {
				var errb bytes.Buffer
				if code := run(context.Background(), tc.args, strings.NewReader(""), io.Discard, &errb, func(string) string { return "" }); code != 0 {
					t.Fatalf("exit %d: %s", code, errb.String())
				}
				got = errb.String()
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("stderr lacks %q:\n%q", w, got)
				}
			}
			for _, a := range tc.avoid {
				if strings.Contains(got, a) {
					t.Errorf("stderr has %q:\n%q", a, got)
				}
			}
		})
	}
}
