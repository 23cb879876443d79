package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/crawl"
)

// The demo corpus scanned with linking: links amplify risk evidence but do
// not make ordinary ads a concern. The software-developer ads of a company
// that posts many ads with one phone stay low; the recruitment-abroad ads
// and the escort ads of one network stay high, their shared contact at
// full weight.
func TestDemoScores(t *testing.T) {
	ls, err := crawl.DemoCorpus()
	if err != nil {
		t.Fatal(err)
	}
	var in bytes.Buffer
	enc := json.NewEncoder(&in)
	for _, l := range ls {
		if err := enc.Encode(l); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "demo.jsonl")
	if err := os.WriteFile(path, in.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"scan", "--embed-listing", path}, nil, &out, &errOut, func(string) string { return "" }); code != 0 {
		t.Fatalf("scan exited %d: %s", code, errOut.String())
	}
	tests := []struct {
		prefix, kind, level string
		fullContact         bool // network.shared_contact at full weight
	}{
		{"Software developer (Go)", "job", "low", false},
		{"Models wanted abroad", "job", "high", true},
		{"Devojke za rad u inostranstvu", "job", "high", true},
		{"Mia 19, new in town", "escort", "high", true},
	}
	seen := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var r corpus.Result
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		for _, tt := range tests {
			if r.Listing == nil || !strings.HasPrefix(r.Listing.Title, tt.prefix) {
				continue
			}
			seen[tt.prefix]++
			if r.Level != tt.level {
				t.Errorf("%s %q: %s %d, want %s", r.ID, r.Listing.Title, r.Level, r.Score, tt.level)
			}
			for _, h := range r.Indicators {
				if h.ID == "network.shared_contact" && (h.Weight >= 0.9) != tt.fullContact {
					t.Errorf("%s %q: shared contact weight %.2f (full weight expected: %v)", r.ID, r.Listing.Title, h.Weight, tt.fullContact)
				}
			}
		}
	}
	for _, tt := range tests {
		if seen[tt.prefix] == 0 {
			t.Errorf("no demo listing titled %q", tt.prefix)
		}
	}
}
