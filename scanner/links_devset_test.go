package scanner

import (
	"slices"
	"testing"

	"github.com/redthread/redthread/links"
	"github.com/redthread/redthread/rules"
)

// TestDevSetNetworkIndicators scans the dev set with the link registry and
// holds the network.* indicators to the same quality bars as the others.
func TestDevSetNetworkIndicators(t *testing.T) {
	reg, err := links.New(links.Config{})
	if err != nil {
		t.Fatal(err)
	}
	labels, results := scanDevSet(t, newTestScanner(t, reg))
	ids := []string{"network.shared_contact", "network.template_text", "network.inconsistent_info"}
	var stats []rules.IndicatorStat
	for _, st := range rules.PerIndicator(labels, results, devsetIndicators(true)) {
		if slices.Contains(ids, st.ID) {
			stats = append(stats, st)
		}
	}
	if len(stats) != len(ids) {
		t.Fatalf("measured %d network indicators, want %d", len(stats), len(ids))
	}
	reportAndCheck(t, stats)
	// Every network hit names the listings it links.
	for _, r := range results {
		for _, h := range r.Indicators {
			if slices.Contains(ids, h.ID) && len(h.Linked) == 0 {
				t.Errorf("%s: %s has no linked listings", r.ID, h.ID)
			}
		}
	}
}
