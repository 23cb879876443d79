package index

import (
	"context"
	"fmt"
	"testing"

	"github.com/redthread/redthread/corpus"
)

func TestAllPagesThroughEveryResult(t *testing.T) {
	x, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	var rs []corpus.Result
	n := allPage*2 + 7
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("l%05d", i)
		rs = append(rs, corpus.Result{ID: id, Kind: "job", Level: "low", Listing: &corpus.Listing{ID: id, Body: "ad " + id}})
	}
	if err := x.Put(rs); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for r, err := range x.All(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		if seen[r.ID] {
			t.Fatalf("%s yielded twice", r.ID)
		}
		seen[r.ID] = true
	}
	if len(seen) != n {
		t.Errorf("All yielded %d results, want %d", len(seen), n)
	}
}
