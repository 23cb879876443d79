package main

import (
	"strings"
	"testing"
)

// TestSearchBudget: the command line search has the same query budget as
// the app: "*" lists everything, a leading wildcard is refused.
func TestSearchBudget(t *testing.T) {
	dir := t.TempDir()
	runWebCmd(t, "", "index", "--index", dir, webFixture)
	_, browse, _ := runWebCmd(t, "", "search", "--index", dir, "--no-facets")
	code, star, stderr := runWebCmd(t, "", "search", "--index", dir, "--no-facets", "*")
	first := func(s string) string { return strings.SplitN(s, " (", 2)[0] } // without the time taken
	if code != 0 || first(star) != first(browse) || first(star) == "" {
		t.Errorf("search '*': %d %q %s, want %q", code, first(star), stderr, first(browse))
	}
	code, _, stderr = runWebCmd(t, "", "search", "--index", dir, "*own")
	if code != exitInput || !strings.Contains(stderr, "too expensive") {
		t.Errorf("search '*own': %d %s", code, stderr)
	}
}
